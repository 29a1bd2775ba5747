"""Writers: results to JSONL, CSV, Parquet, and a plain Danish table for people."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import IO, Any

from .records import DANISH_NAMES, FORMS, LABELS, TRENDS, Result

FORMATS = ("table", "jsonl", "csv")

#: Danish explanations of error types, for the table.
DANISH_ERRORS: dict[str, str] = {
    "FileNotFound": "filen findes ikke",
    "UnsupportedTypeError": "filtypen kan ikke læses",
    "EmptyFileError": "filen er tom eller indeholder ingen tekst",
    "BinaryFileError": "filen indeholder binære data, ikke tekst",
    "CorruptFileError": "filen er beskadiget eller ikke af den type, navnet siger",
    "EncryptedFileError": "filen er krypteret eller beskyttet med adgangskode",
    "FileTooLargeError": "filen er større end grænsen",
    "ArchiveBombError": "filen pakkes ud til en mistænkelig stor størrelse",
    "NoTextLayerError": "PDF'en har intet tekstlag (scannede sider?) – kør OCR først",
    "TimeoutError_": "behandlingen tog for lang tid",
    "WorkerDiedError": "processen, der behandlede filen, stoppede uventet",
}

LANGUAGE_NAMES = {"da": "dansk", "en": "engelsk", "de": "tysk", "sv": "svensk", "no": "norsk", "nb": "norsk", "nn": "norsk", "fr": "fransk", "und": "ukendt"}


def to_json_line(result: Result) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False)


def flat_row(result: Result) -> dict[str, Any]:
    """One flat row for CSV and Parquet (lists joined with ';', nested parts as JSON)."""
    d = result.to_dict()
    row: dict[str, Any] = {
        "path": d["path"],
        "language": d["language"],
        "trends": ";".join(d["trends"]),
        "forms": ";".join(d["forms"]),
        "needs_review": ";".join(d["needs_review"]),
    }
    for lab in LABELS:
        row[f"score_{lab}"] = d["scores"].get(lab)
    row["n_citations"] = len(d["citations"])
    row["n_references"] = len(d["references"])
    row["evidence"] = json.dumps(d["evidence"], ensure_ascii=False)
    row["citations"] = json.dumps(d["citations"], ensure_ascii=False)
    row["references"] = json.dumps(d["references"], ensure_ascii=False)
    row["error_type"] = d["error"]["type"] if d["error"] else None
    row["error_message"] = d["error"]["message"] if d["error"] else None
    return row


CSV_COLUMNS = list(flat_row(Result(path="")).keys())


class CsvWriter:
    def __init__(self, fh: IO[str], header: bool = True) -> None:
        self._w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        if header:
            self._w.writeheader()

    def write(self, result: Result) -> None:
        self._w.writerow(flat_row(result))


def _num(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def _quote(text: str, limit: int = 200) -> str:
    one = " ".join(text.split())
    return f"»{one if len(one) <= limit else one[: limit - 1] + '…'}«"


def format_table(result: Result) -> str:
    """A plain Danish report of one result, for people who do not program."""
    out = io.StringIO()
    out.write(f"Fil: {result.path}\n")
    if result.error:
        why = DANISH_ERRORS.get(result.error["type"], "filen kunne ikke behandles")
        out.write(f"  FEJL: {why}.\n  Detaljer: {result.error['message']}\n")
        return out.getvalue()
    lang = result.language or "und"
    if lang != "da":
        out.write(f"  ADVARSEL: teksten ser ud til at være på {LANGUAGE_NAMES.get(lang, lang)}, ikke dansk; resultatet kan være upålideligt.\n")
    if not result.trends and not result.forms:
        out.write("  Ingen tegn på samarbejde mellem det offentlige og civilsamfundet fundet.\n")
    for title, group in (("Tendenser", result.trends), ("Samarbejdsformer", result.forms)):
        if not group:
            continue
        out.write(f"  {title}:\n")
        for lab in group:
            flag = "  (tæt på grænsen – læs selv dokumentet)" if lab in result.needs_review else ""
            out.write(f"    • {DANISH_NAMES[lab]} – sikkerhed {_num(result.scores.get(lab, 0.0))}{flag}\n")
            ev = result.evidence.get(lab)
            if ev:
                out.write(f"        Begrundelse: {_quote(ev[0].text)}\n")
    near = [lab for lab in result.needs_review if lab not in result.trends + result.forms]
    if near:
        names = ", ".join(DANISH_NAMES[lab] for lab in near)
        out.write(f"  Måske også (under grænsen, læs selv): {names}\n")
    if result.citations or result.references:
        unlinked = sum(1 for c in result.citations if c.reference is None)
        out.write(f"  Kilder: {len(result.citations)} henvisninger i teksten, {len(result.references)} poster i litteraturlisten")
        out.write(f", {unlinked} henvisninger uden post i listen.\n" if unlinked else ".\n")
    return out.getvalue()


def format_summary(results: Iterable[Result]) -> str:
    results = list(results)
    failed = sum(1 for r in results if r.error)
    return f"{len(results)} dokument(er) behandlet, {len(results) - failed} klassificeret, {failed} med fejl."


__all__ = ["FORMATS", "CsvWriter", "flat_row", "format_table", "format_summary", "to_json_line", "TRENDS", "FORMS"]
