"""spaCy components: thin wrappers that store the results of plain functions on the ``Doc``."""
from __future__ import annotations

# isort: off
from . import _light  # noqa: F401  (first: keeps thinc from importing torch)
# isort: on

from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from .citations import extract_citations, reference_regions
from .records import FORMS, TRENDS, Span
from .tokenise import doc_text, pipe_in_batches

#: ``doc.user_data`` key of the reference lists' ``(start, end)`` (set by the citation extractor).
REGIONS_KEY = "samspil.reference_regions"
EXTENSIONS = ("trends", "forms", "scores", "evidence", "needs_review", "citations", "references")


def register_extensions() -> None:
    """Register the ``Doc._`` attributes samspil sets (once per process)."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            default = {} if name in ("scores", "evidence") else ()
            Doc.set_extension(name, default=default)


class CitationExtractor:
    """Sets ``doc._.citations`` and ``doc._.references`` (linked)."""

    def __init__(self, nlp: Language, name: str = "samspil/citations") -> None:
        register_extensions()
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        citations, references = extract_citations(text)
        doc._.citations = tuple(citations)
        doc._.references = tuple(references)
        # for the classifier's evidence (found by extract_citations, so no second search)
        doc.user_data[REGIONS_KEY] = tuple(reference_regions(text)) if references else ()
        return doc

    def pipe(self, docs, batch_size: int = 128):
        return pipe_in_batches(self, docs, batch_size)


def select_evidence(text: str, spans, proba: np.ndarray, threshold: float, k: int = 3,
                    words: np.ndarray | None = None, exclude: tuple[tuple[int, int], ...] = (),
                    run: tuple[int, int] | None = None) -> tuple[Span, ...]:
    """The best sentence for a label, and up to ``k - 1`` more whose score passes the threshold.

    Headings and fragments score high on little text, so sentences under eight
    words are ranked at a discount; sentences that start inside an ``exclude`` span
    (the reference lists) are no evidence. ``words`` (per sentence) is computed when
    not given. With ``run`` (sentences ``[first, last)``: the window the label's score
    came from) the evidence is taken from there: in long minutes, from the agenda item
    that carries the label, not from an unrelated one that uses its words.
    """
    if run is not None and (run[0] > 0 or run[1] < len(spans)):
        inside = select_evidence(text, spans[run[0] : run[1]], proba[run[0] : run[1]], threshold, k,
                                 None if words is None else words[run[0] : run[1]], exclude)
        if inside:
            return inside
    if words is None:
        words = sentence_words(text, spans)
    rank_score = proba * np.minimum(1.0, words / 8.0)
    if exclude:
        starts = np.array([s for s, _ in spans])
        out = np.zeros(len(spans), bool)
        for a, b in exclude:
            out |= (starts >= a) & (starts < b)
        rank_score = np.where(out, -1.0, rank_score)
    order = np.argsort(-rank_score, kind="stable")
    chosen: list[Span] = []
    for rank, i in enumerate(order[: max(k * 3, k)]):
        if rank_score[i] < 0 or (rank > 0 and proba[i] < threshold):
            break
        start, end = spans[i]
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if len(body) < 3:
            continue
        chosen.append(Span(body, start + lead, start + lead + len(body)))
        if len(chosen) == k:
            break
    return tuple(chosen)


def sentence_words(text: str, spans) -> np.ndarray:
    """Whitespace-separated words per sentence (at least 1)."""
    return np.array([max(1, len(text[s:e].split())) for s, e in spans])


class LabelClassifier:
    """Sets ``doc._.scores``, ``doc._.trends``, ``doc._.forms``, ``doc._.evidence`` and
    ``doc._.needs_review`` from a linear model directory."""

    def __init__(self, nlp: Language, name: str = "samspil/classifier", model: str | None = None, max_evidence: int = 3) -> None:
        register_extensions()
        self.name = name
        self.max_evidence = max_evidence
        self.model_ref = model
        self.model = None
        if model is not None:
            self._load(model)

    def _load(self, model: str | Path) -> None:
        from .classify.linear import LinearModel
        from .models import resolve_model

        self.model = LinearModel.load(resolve_model(model))

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            self._load("samspil-linear")
        return self._set(doc, self.model.score_doc(doc))

    def pipe(self, docs, batch_size: int = 128):
        """The documents scored a batch at a time (:meth:`LinearModel.score_docs`)."""
        from spacy.util import minibatch

        if self.model is None:
            self._load("samspil-linear")
        for batch in minibatch(docs, size=batch_size):
            yield from [self._set(doc, scored) for doc, scored in zip(batch, self.model.score_docs(batch))]

    def _set(self, doc: Doc, scored) -> Doc:
        """Labels, scores, review flags and evidence from the document's scores."""
        model = self.model
        proba = scored.doc
        predicted = model.thresholds.predict(proba)
        review = model.thresholds.review(proba)
        labels = model.labels
        doc._.scores = {lab: float(p) for lab, p in zip(labels, proba)}
        doc._.trends = tuple(lab for lab, on in zip(labels, predicted) if on and lab in TRENDS)
        doc._.forms = tuple(lab for lab, on in zip(labels, predicted) if on and lab in FORMS)
        doc._.needs_review = tuple(lab for lab, on in zip(labels, review) if on)
        evidence = {}
        refs = doc._.references if Doc.has_extension("references") else ()
        if predicted.any() and len(scored.spans):
            text = doc_text(doc)
            # sentences in a reference list are no evidence (text after a list that the
            # running text goes on from is)
            exclude = doc.user_data.get(REGIONS_KEY)
            if exclude is None:
                exclude = tuple(reference_regions(text)) if refs else ()
            words = sentence_words(text, scored.spans)
            for j, lab in enumerate(labels):
                if predicted[j]:
                    run = None if scored.runs is None else tuple(scored.runs[j].tolist())
                    evidence[lab] = select_evidence(text, scored.spans, scored.proba[:, j], model.thresholds.values[j], self.max_evidence, words, exclude, run)
        doc._.evidence = evidence
        return doc

    def to_disk(self, path, *, exclude=()) -> None:
        if self.model is not None:
            self.model.save(Path(path))

    def from_disk(self, path, *, exclude=()) -> LabelClassifier:
        from .classify.linear import LinearModel

        if (Path(path) / "manifest.json").is_file():
            self.model = LinearModel.load(path)
        return self
