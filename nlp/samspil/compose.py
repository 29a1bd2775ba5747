"""Compose the stages: document → spaCy ``Doc`` → :class:`~samspil.records.Result`."""
from __future__ import annotations

# isort: off
from . import _light  # noqa: F401  (first: keeps thinc from importing torch)
# isort: on

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from . import factories  # noqa: F401  (registers the components)
from .errors import IngestError
from .ingest import DEFAULT_LIMITS, IngestLimits, check_length, read_bytes, read_document
from .records import Document, Result
from .tokenise import TEXT_KEY, doc_text, make_danish

TextOrPath = str | os.PathLike[str] | Document
T = TypeVar("T")


def pipeline(model: str | os.PathLike[str] | None = None, citations: bool = True, classifier: bool = True, lemmas: bool = True) -> Language:
    """The Danish spaCy pipeline with samspil's components.

    Args:
        model: classifier model name or directory; ``None`` for the default model.
        citations: add the citation extractor (``doc._.citations``, ``doc._.references``).
        classifier: add the label classifier (``doc._.trends``, ``doc._.forms``, ...).
        lemmas: add the lemmatizer (``token.lemma_``); the classifier does not need it.

    >>> nlp = pipeline()
    >>> doc = nlp("Foreningen låner gymnastiksalen gratis af kommunen (Ibsen, 2019).")
    >>> [c.year for c in doc._.citations]
    ['2019']
    """
    nlp = make_danish(lemmas=lemmas)
    # spaCy's limit is for its parser and NER (about 1 GB per 100,000 characters); this
    # pipeline takes about 100 MB per million and is bounded by IngestLimits.max_chars.
    nlp.max_length = max(nlp.max_length, DEFAULT_LIMITS.max_chars)
    if citations:
        nlp.add_pipe("samspil/citations")
    if classifier:
        nlp.add_pipe("samspil/classifier", config={"model": str(model) if model else "samspil-linear"})
    return nlp


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language (py3langid, model shipped in its package)."""
    import py3langid

    sample = text[:300]
    if not sample.strip():
        return "und"
    return py3langid.classify(sample)[0]


def doc_to_result(doc: Doc, path: str, language: str | None) -> Result:
    """Collect what the components stored on ``doc`` into a :class:`Result`."""
    return Result(
        path=path,
        language=language,
        trends=tuple(doc._.trends),
        forms=tuple(doc._.forms),
        scores=dict(doc._.scores),
        evidence=dict(doc._.evidence),
        needs_review=tuple(doc._.needs_review),
        citations=tuple(doc._.citations),
        references=tuple(doc._.references),
        text=doc_text(doc),
    )


#: Documents per batch in :meth:`Classifier.classify_many` and :meth:`Classifier.classify_documents`,
#: and the most characters a batch holds (a few long documents make a batch of their own).
BATCH_SIZE = 64
BATCH_CHARS = 4_000_000


class Classifier:
    """Classifies documents: trends, collaboration forms, evidence, citations.

    Get one with :func:`samspil.load`.
    """

    def __init__(self, nlp: Language, limits: IngestLimits = DEFAULT_LIMITS, model: str | None = None) -> None:
        self.nlp = nlp
        self.limits = limits
        nlp.max_length = max(nlp.max_length, limits.max_chars)  # the texts read() lets through
        self.model = model

    @property
    def labels(self) -> tuple[str, ...]:
        return self.nlp.get_pipe("samspil/classifier").model.labels

    @property
    def model_info(self) -> dict:
        """The model's manifest entries (name, version, date, corpus hash)."""
        m = self.nlp.get_pipe("samspil/classifier").model
        return dict(m.meta)

    def read(self, item: TextOrPath) -> Document:
        """Turn a path, a text or a Document into a Document (see :meth:`classify`)."""
        if isinstance(item, Document):
            check_length(item.text, item.path, self.limits)
            return item
        if isinstance(item, os.PathLike):
            return read_document(item, self.limits)
        if isinstance(item, str):
            if "\n" not in item and len(item) < 4096 and os.path.isfile(item):
                return read_document(item, self.limits)
            check_length(item, "<text>", self.limits)
            return Document(path="<text>", text=item)
        raise TypeError(f"expected a str, a path or a Document, got {type(item).__name__}")

    def _make_doc(self, text: str) -> Doc:
        doc = self.nlp.make_doc(text)
        doc.user_data[TEXT_KEY] = text  # spaCy would rebuild it token by token
        return doc

    def classify_document(self, document: Document) -> Result:
        language = detect_language(document.text)
        return doc_to_result(self.nlp(self._make_doc(document.text)), document.path, language)

    def classify_documents(self, documents: Sequence[Document], batch_size: int = BATCH_SIZE) -> list[Result]:
        """Classify documents one stage at a time over batches (``nlp.pipe``): the same
        Results as :meth:`classify_document` on each, faster over many documents,
        because each stage's tables stay in the CPU cache for a whole batch."""
        languages = [detect_language(d.text) for d in documents]
        docs = self.nlp.pipe((self._make_doc(d.text) for d in documents), batch_size=batch_size)
        return [doc_to_result(doc, d.path, lang) for doc, d, lang in zip(docs, documents, languages)]

    def classify(self, text_or_path: TextOrPath) -> Result:
        """Classify one document.

        Args:
            text_or_path: a ``pathlib.Path`` (always read as a file), a ``str``
                that names an existing file, any other ``str`` (classified as
                text), or a :class:`~samspil.records.Document`.

        Returns:
            A :class:`~samspil.records.Result`. A file that cannot be read gives
            a Result with ``error`` set instead of raising.

        >>> clf = load()
        >>> r = clf.classify("Kommunen og foreningen har indgået en skriftlig samarbejdsaftale.")
        >>> "written_agreement" in r.forms
        True
        """
        try:
            document = self.read(text_or_path)
        except IngestError as exc:
            return Result.failure(exc.path, exc)
        return self.classify_document(document)

    def classify_bytes(self, data: bytes, name: str) -> Result:
        """Classify a document given as bytes (standard input, a zip member)."""
        try:
            document = read_bytes(data, name, self.limits)
        except IngestError as exc:
            return Result.failure(name, exc)
        return self.classify_document(document)

    def classify_many(self, items: Iterable[TextOrPath], n_process: int = 1, chunksize: int = 4) -> Iterator[Result]:
        """Classify many documents, yielding results in input order as they are ready.

        With ``n_process > 1`` the work is spread over that many processes, each
        loading the model once. A bad input gives a Result with ``error``; the
        others go on.
        """
        if n_process <= 1:
            for chunk in chunked(map(self._safe_read, items), BATCH_SIZE, BATCH_CHARS, _text_length):
                yield from self._classify_chunk(chunk)
            return
        import multiprocessing as mp

        ctx = mp.get_context("spawn" if os.name == "nt" else "fork")
        with ctx.Pool(n_process, initializer=_init_worker, initargs=(self.model, self.limits)) as pool:
            yield from pool.imap(_work, (_portable(i) for i in items), chunksize=chunksize)

    def _safe(self, item: TextOrPath) -> Result:
        try:
            return self.classify(item)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
            return Result.failure(_name(item), exc)

    def _safe_read(self, item: TextOrPath) -> Document | Result:
        """The Document of ``item``, or the Result that says why it cannot be read."""
        try:
            return self.read(item)
        except IngestError as exc:
            return Result.failure(exc.path, exc)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
            return Result.failure(_name(item), exc)

    def _classify_chunk(self, chunk: list[Document | Result]) -> list[Result]:
        """Results for a chunk of read documents (and read failures), in order."""
        documents = [d for d in chunk if isinstance(d, Document)]
        try:
            done = iter(self.classify_documents(documents))
        except Exception:  # noqa: BLE001 - then one by one, so only the bad document fails
            done = iter([self._safe(d) for d in documents])
        return [next(done) if isinstance(d, Document) else d for d in chunk]


def chunked(items: Iterable[T], size: int, max_weight: int, weight: Callable[[T], int]) -> Iterator[list[T]]:
    """Consecutive items in lists, each closed when it holds ``size`` items or their
    ``weight`` adds up to ``max_weight`` (one heavy item makes a list of its own)."""
    chunk: list[T] = []
    total = 0
    for item in items:
        chunk.append(item)
        total += weight(item)
        if len(chunk) >= size or total >= max_weight:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def _text_length(item: Document | Result) -> int:
    return len(item.text) if isinstance(item, Document) else 0


def _name(item) -> str:
    if isinstance(item, Document):
        return item.path
    return str(item) if isinstance(item, (str, os.PathLike)) else "<text>"


def _portable(item: TextOrPath):
    return str(item) if isinstance(item, Path) else item


_WORKER: Classifier | None = None


def _init_worker(model: str | None, limits: IngestLimits) -> None:
    global _WORKER
    _WORKER = load(model, limits=limits)


def _work(item) -> Result:
    assert _WORKER is not None
    return _WORKER._safe(item)


def load(model: str | os.PathLike[str] | None = None, limits: IngestLimits = DEFAULT_LIMITS) -> Classifier:
    """Load a classifier: the default shipped model, a model name or a model directory.

    >>> clf = load()
    >>> "grants" in clf.labels
    True
    """
    # A Result holds no token attributes, so the classifier's pipeline leaves out the lemmatizer.
    return Classifier(pipeline(model, lemmas=False), limits=limits, model=str(model) if model else None)
