"""samspil: Danish NLP for documents about collaboration between the public sector
and civil society.

>>> import samspil
>>> clf = samspil.load()
>>> result = clf.classify("Foreningen får et tilskud efter servicelovens § 18.")
>>> "grants" in result.forms
True
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "Citation",
    "Classifier",
    "Document",
    "IngestError",
    "IngestLimits",
    "Reference",
    "Result",
    "Span",
    "LABELS",
    "TRENDS",
    "FORMS",
    "DANISH_NAMES",
    "load",
    "pipeline",
    "read_document",
    "extract_citations",
    "find_citations",
    "find_references",
    "train",
    "evaluate",
]

from .errors import IngestError
from .records import DANISH_NAMES, FORMS, LABELS, TRENDS, Citation, Document, Reference, Result, Span

if TYPE_CHECKING:
    from .citations import extract_citations, find_citations, find_references
    from .compose import Classifier, load, pipeline
    from .evaluation import evaluate
    from .ingest import IngestLimits, read_document
    from .trainer import train

_LAZY = {
    "Classifier": "compose",
    "load": "compose",
    "pipeline": "compose",
    "IngestLimits": "ingest",
    "read_document": "ingest",
    "extract_citations": "citations",
    "find_citations": "citations",
    "find_references": "citations",
    "train": "trainer",
    "evaluate": "evaluation",
}


def __getattr__(name: str) -> Any:
    # spaCy and the model load only when used: `import samspil` stays cheap.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'samspil' has no attribute {name!r}")
