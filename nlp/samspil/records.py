"""Records passed between the stages of samspil.

Every record is a frozen dataclass; offsets are character offsets into the
extracted document text (``Document.text``), end exclusive.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TRENDS: tuple[str, ...] = ("marketisation", "equality_citizenship", "hybridisation")
FORMS: tuple[str, ...] = (
    "premises",
    "grants",
    "dialogue",
    "task_collaboration",
    "written_agreement",
    "co_creation",
    "partnership",
    "service_delivery",
)
LABELS: tuple[str, ...] = TRENDS + FORMS

#: Danish display names, for people. Ids never change; names may.
DANISH_NAMES: dict[str, str] = {
    "marketisation": "Markedsgørelse af velfærden",
    "equality_citizenship": "Ligeværdighed og medborgerskab",
    "hybridisation": "Nye hybride samarbejdsformer",
    "premises": "Lån af lokaler og faciliteter",
    "grants": "Økonomisk tilskud",
    "dialogue": "Dialog om interesser og mærkesager",
    "task_collaboration": "Samarbejde om opgaver og emner",
    "written_agreement": "Formaliseret skriftlig aftale",
    "co_creation": "Samskabelse",
    "partnership": "Partnerskab",
    "service_delivery": "Serviceleverance",
}


@dataclass(frozen=True, slots=True)
class Document:
    """A document's extracted text and where it came from."""

    path: str
    text: str
    source_type: str = "txt"
    encoding: str | None = None
    n_pages: int | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the document text: ``text == document_text[start:end]``."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited work in the running text, e.g. ``Ibsen & Levinsen, 2019, s. 14``."""

    text: str
    start: int
    end: int
    authors: tuple[str, ...]
    et_al: bool
    year: str
    pages: str | None = None
    reference: int | None = None
    narrative: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "authors": list(self.authors),
            "et_al": self.et_al,
            "year": self.year,
            "pages": self.pages,
            "reference": self.reference,
        }


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of a reference list, with its CSL-JSON item."""

    text: str
    start: int
    end: int
    csl: dict[str, Any] = field(default_factory=dict)

    @property
    def first_family(self) -> str | None:
        authors = self.csl.get("author") or []
        if not authors:
            return None
        first = authors[0]
        return first.get("family") or first.get("literal")

    @property
    def year(self) -> str | None:
        issued = self.csl.get("issued") or {}
        if "literal" in issued:
            return str(issued["literal"])
        parts = issued.get("date-parts") or [[None]]
        year = parts[0][0] if parts and parts[0] else None
        if year is None:
            return None
        return f"{year}{self.csl.get('year-suffix', '')}"

    def to_csl(self) -> dict[str, Any]:
        """The CSL-JSON item, with the entry's offsets under ``samspil``."""
        item = dict(self.csl)
        item["samspil"] = {"text": self.text, "start": self.start, "end": self.end}
        return item


@dataclass(frozen=True, slots=True)
class Result:
    """What samspil found in one document; ``to_dict()`` is the JSONL object."""

    path: str
    language: str | None = None
    trends: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, tuple[Span, ...]] = field(default_factory=dict)
    needs_review: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    references: tuple[Reference, ...] = ()
    error: dict[str, str] | None = None
    text: str | None = field(default=None, repr=False, compare=False)

    @property
    def labels(self) -> tuple[str, ...]:
        return self.trends + self.forms

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """The stable machine format (one JSONL line), documented in the README."""
        return {
            "path": self.path,
            "language": self.language,
            "trends": list(self.trends),
            "forms": list(self.forms),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "evidence": {k: [s.to_dict() for s in v] for k, v in self.evidence.items()},
            "needs_review": list(self.needs_review),
            "citations": [c.to_dict() for c in self.citations],
            "references": [r.to_csl() for r in self.references],
            "error": self.error,
        }

    @classmethod
    def failure(cls, path: str, error: BaseException) -> Result:
        """A result row for a document that could not be processed."""
        return cls(path=path, error={"type": type(error).__name__, "message": str(error)})
