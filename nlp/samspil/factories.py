"""Registrations of samspil's spaCy components (the ``spacy_factories`` entry points)."""
from __future__ import annotations

# isort: off
from . import _light  # noqa: F401  (first: keeps thinc from importing torch)
# isort: on

from spacy.language import Language

from .components import CitationExtractor, LabelClassifier


@Language.factory("samspil/citations")
def make_citation_extractor(nlp: Language, name: str) -> CitationExtractor:
    """Finds in-text citations and the reference list."""
    return CitationExtractor(nlp, name)


@Language.factory("samspil/classifier", default_config={"model": None, "max_evidence": 3})
def make_classifier(nlp: Language, name: str, model: str | None, max_evidence: int) -> LabelClassifier:
    """Tags trends and collaboration forms; ``model`` is a name or a model directory."""
    return LabelClassifier(nlp, name, model=model, max_evidence=max_evidence)
