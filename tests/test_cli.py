"""The command line: formats, JSONL schema, exit codes, standard input, warnings."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import DANISH
from samspil.cli import app
from samspil.testing import make_docx, make_pdf

runner = CliRunner()

CITATION_KEYS = {"text", "start", "end", "authors", "et_al", "year", "pages", "reference"}


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(DANISH, encoding="utf-8")
    (tmp_path / "sub" / "b.docx").write_bytes(make_docx([DANISH]))
    (tmp_path / "sub" / "c.pdf").write_bytes(make_pdf([[DANISH + " Se (Ibsen & Levinsen, 2019)."]]))
    return tmp_path


def _check_schema(obj):
    assert set(obj) == {"path", "language", "trends", "forms", "scores", "evidence", "needs_review", "citations", "references", "error"}
    assert isinstance(obj["path"], str) and isinstance(obj["trends"], list) and isinstance(obj["forms"], list)
    for lab, spans in obj["evidence"].items():
        assert lab in obj["trends"] + obj["forms"]
        for s in spans:
            assert set(s) == {"text", "start", "end"}
    for c in obj["citations"]:
        assert set(c) == CITATION_KEYS


def test_jsonl_one_object_per_input_in_order(folder):
    result = runner.invoke(app, ["classify", str(folder), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in rows] == [str(folder / "a.txt"), str(folder / "sub" / "b.docx"), str(folder / "sub" / "c.pdf")]
    for r in rows:
        _check_schema(r)
        assert r["error"] is None and "premises" in r["forms"]
    assert rows[2]["citations"][0]["authors"] == ["Ibsen", "Levinsen"]


def test_offsets_point_into_the_extracted_text(folder):
    from samspil.ingest import read_document

    out = runner.invoke(app, ["classify", str(folder / "sub" / "c.pdf"), "--format", "jsonl"]).stdout
    row = json.loads(out)
    text = read_document(folder / "sub" / "c.pdf").text
    for spans in row["evidence"].values():
        for s in spans:
            assert text[s["start"] : s["end"]] == s["text"]
    for c in row["citations"]:
        assert text[c["start"] : c["end"]] == c["text"]


def test_failures_are_rows_and_exit_code_1(folder):
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 nonsense")
    result = runner.invoke(app, ["classify", str(folder), "--format", "jsonl"])
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 4
    bad = [r for r in rows if r["error"]]
    assert len(bad) == 1 and bad[0]["error"]["type"] == "CorruptFileError" and "broken.pdf" in bad[0]["error"]["message"]


def test_usage_error_is_exit_code_2():
    assert runner.invoke(app, ["classify", "x.txt", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["classify"]).exit_code == 2


def test_table_is_danish_with_evidence(folder):
    result = runner.invoke(app, ["classify", str(folder / "a.txt")])
    assert result.exit_code == 0
    assert "Lån af lokaler og faciliteter" in result.stdout and "Begrundelse:" in result.stdout
    assert "1 dokument(er) behandlet" in result.stdout


def test_table_explains_errors_in_danish(tmp_path):
    p = tmp_path / "tom.txt"
    p.write_bytes(b"")
    result = runner.invoke(app, ["classify", str(p)])
    assert result.exit_code == 1 and "FEJL: filen er tom" in result.stdout


def test_csv_and_out_file(folder, tmp_path):
    out = tmp_path / "res" / "out.csv"
    result = runner.invoke(app, ["classify", str(folder), "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 3 and "premises" in rows[0]["forms"].split(";") and float(rows[0]["score_premises"]) > 0.5


def test_standard_input(tmp_path):
    result = runner.invoke(app, ["classify", "-", "--format", "jsonl"], input=DANISH.encode("cp1252"))
    assert result.exit_code == 0
    row = json.loads(result.stdout)
    assert row["path"] == "-" and "premises" in row["forms"]


def test_non_danish_text_is_processed_with_a_warning(tmp_path):
    p = tmp_path / "english.txt"
    p.write_text("The municipality lends the gym to the sports club every Tuesday evening, free of charge.", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(p)])
    assert result.exit_code == 0
    assert "ADVARSEL" in result.stdout and "engelsk" in result.stdout
    assert "ikke ud til at være dansk" in result.stderr


def test_citations_command_formats(source_article_text, tmp_path):
    p = tmp_path / "artikel.txt"
    p.write_text(source_article_text, encoding="utf-8")
    table = runner.invoke(app, ["citations", str(p)])
    assert table.exit_code == 0 and "Henvisninger i teksten (19)" in table.stdout and "Espersen et al., 2017  → ingen post i listen" in table.stdout
    items = json.loads(runner.invoke(app, ["citations", str(p), "--format", "csl-json"]).stdout)
    assert len(items) == 10 and items[0]["author"][0]["family"] == "Andersen"
    bib = runner.invoke(app, ["citations", str(p), "--format", "bibtex"]).stdout
    assert bib.count("@") == 10


def test_python_dash_m_and_console_script(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(DANISH, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "samspil", "classify", str(p), "--format", "jsonl"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["path"] == str(p)


def test_source_article_done_when(source_article_text, tmp_path):
    p = tmp_path / "source-article.txt"
    p.write_text(source_article_text, encoding="utf-8")
    row = json.loads(runner.invoke(app, ["classify", str(p), "--format", "jsonl"]).stdout)
    assert set(row["trends"]) == {"marketisation", "equality_citizenship", "hybridisation"}
    assert len(row["citations"]) == 19 and len(row["references"]) == 10
