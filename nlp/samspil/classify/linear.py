"""The linear backend: TF-IDF over lemma and character n-grams, one calibrated
logistic regression per label, scored on sentences, windows and the whole text.

Inference needs only NumPy and SciPy: the fitted vocabulary, IDF weights,
coefficients and Platt parameters are stored as JSON and safetensors (no
pickle), and :class:`Featurizer` is the one piece of code that turns a spaCy
``Doc`` into counts, in training and in use alike.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..errors import ModelError
from ..records import LABELS
from ..tokenise import lemma_table
from .base import SentenceScores, sigmoid
from .thresholds import Thresholds

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """How text becomes features. Stored with the model; training and use share it."""

    char_min: int = 3
    char_max: int = 5
    bigrams: bool = True
    min_df: int = 2
    sublinear_tf: bool = True
    window_words: int = 150
    max_cache: int = 400_000

    def __post_init__(self) -> None:
        if not 1 <= self.char_min <= self.char_max <= 8:
            raise ValueError(f"expected 1 <= char_min <= char_max <= 8, got {self.char_min}, {self.char_max}")
        if self.min_df < 1:
            raise ValueError(f"min_df must be at least 1, got {self.min_df}")
        if self.window_words < 20:
            raise ValueError(f"window_words must be at least 20, got {self.window_words}")


def _word_form(text: str) -> str:
    lower = text.lower()
    return "".join("0" if ch.isdigit() else ch for ch in lower) if any(ch.isdigit() for ch in lower) else lower


def type_feature_names(form: str, lemma: str, config: FeatureConfig) -> list[str]:
    """Feature names of one word type: its lemma and the character n-grams of its form.

    Character n-grams carry Danish compounds: "frivillighedspolitik" shares
    "frivil" and "politik" grams with its parts.
    """
    names = [f"w:{lemma}"]
    padded = f" {form} "
    for n in range(config.char_min, config.char_max + 1):
        for i in range(len(padded) - n + 1):
            names.append(f"c:{padded[i:i + n]}")
    return names


def _words(sentence) -> Iterable[tuple[str, str]]:
    table = lemma_table()
    for tok in sentence:
        if tok.is_space or tok.is_punct:
            continue
        form = _word_form(tok.text)
        yield form, table.get(form, form)


class Featurizer:
    """Turns the sentences of a ``Doc`` into a sparse count matrix over a fixed vocabulary."""

    def __init__(self, vocab: Sequence[str], config: FeatureConfig) -> None:
        self.config = config
        self.names = list(vocab)
        self.index = {name: i for i, name in enumerate(self.names)}
        self._cache: dict[str, tuple[str, np.ndarray]] = {}

    def _type(self, form: str, lemma: str) -> np.ndarray:
        hit = self._cache.get(form)
        if hit is None:
            if len(self._cache) >= self.config.max_cache:
                self._cache.clear()
            idx = [self.index[n] for n in type_feature_names(form, lemma, self.config) if n in self.index]
            hit = (lemma, np.asarray(idx, dtype=np.int32))
            self._cache[form] = hit
        return hit[1]

    def sentence_counts(self, sentences: Sequence) -> sparse.csr_matrix:
        """``(n_sentences, n_features)`` counts; ``sentences`` are spaCy spans."""
        cols: list[np.ndarray] = []
        lengths: list[int] = []
        index, bigrams = self.index, self.config.bigrams
        for sent in sentences:
            parts: list[np.ndarray] = []
            extra: list[int] = []
            prev = None
            for form, lemma in _words(sent):
                parts.append(self._type(form, lemma))
                if bigrams and prev is not None:
                    j = index.get(f"b:{prev} {lemma}")
                    if j is not None:
                        extra.append(j)
                prev = lemma
            if extra:
                parts.append(np.asarray(extra, dtype=np.int32))
            row = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
            cols.append(row)
            lengths.append(len(row))
        n = len(lengths)
        col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32)
        row = np.repeat(np.arange(n, dtype=np.int32), lengths)
        data = np.ones(len(col), dtype=np.float32)
        m = sparse.csr_matrix((data, (row, col)), shape=(n, len(self.names)), dtype=np.float32)
        m.sum_duplicates()
        return m


def doc_feature_names(doc, config: FeatureConfig) -> Iterable[str]:
    """All feature names a document produces (for building the vocabulary)."""
    for sent in doc.sents:
        prev = None
        for form, lemma in _words(sent):
            yield from type_feature_names(form, lemma, config)
            if config.bigrams and prev is not None:
                yield f"b:{prev} {lemma}"
            prev = lemma


def windows(sentence_words: Sequence[int], window_words: int) -> list[tuple[int, int]]:
    """Group consecutive sentences into windows of about ``window_words`` words.

    Returns ``(first, last_exclusive)`` sentence ranges; two ranges overlap by half
    so that a passage cut by one window boundary is whole in the next.
    """
    bounds: list[tuple[int, int]] = []
    start, count = 0, 0
    for i, n in enumerate(sentence_words):
        count += n
        if count >= window_words:
            bounds.append((start, i + 1))
            start, count = i + 1, 0
    if start < len(sentence_words):
        bounds.append((start, len(sentence_words)))
    halves = [(bounds[k][0] + (bounds[k][1] - bounds[k][0]) // 2, bounds[k + 1][0] + (bounds[k + 1][1] - bounds[k + 1][0]) // 2) for k in range(len(bounds) - 1)]
    return bounds + [h for h in halves if h[1] > h[0]]


@dataclass
class LinearModel:
    """A fitted linear model: everything needed to score a ``Doc``."""

    labels: tuple[str, ...]
    vocab: list[str]
    idf: np.ndarray
    coef: np.ndarray  # (n_labels, n_features)
    intercept: np.ndarray  # (n_labels,)
    platt_a: np.ndarray
    platt_b: np.ndarray
    thresholds: Thresholds
    config: FeatureConfig = field(default_factory=FeatureConfig)
    window_weight: float = 1.0
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.featurizer = Featurizer(self.vocab, self.config)
        self._coef_t = np.ascontiguousarray(self.coef.T.astype(np.float32))

    # -- scoring -----------------------------------------------------------
    def tfidf(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        x = counts.astype(np.float32, copy=True)
        if self.config.sublinear_tf:
            np.log(x.data, out=x.data)
            x.data += 1.0
        x = x @ sparse.diags(self.idf.astype(np.float32))
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)

    def proba_from_counts(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Calibrated probabilities for rows of counts."""
        decision = np.asarray(self.tfidf(counts) @ self._coef_t) + self.intercept
        return sigmoid(-(self.platt_a * decision + self.platt_b))

    def score_doc(self, doc) -> SentenceScores:
        """Score the document, its windows and its sentences."""
        sents = list(doc.sents)
        counts = self.featurizer.sentence_counts(sents)
        n = len(sents)
        spans = tuple((s.start_char, s.end_char) for s in sents)
        sent_proba = self.proba_from_counts(counts) if n else np.zeros((0, len(self.labels)))
        doc_counts = sparse.csr_matrix(counts.sum(axis=0)) if n else sparse.csr_matrix((1, len(self.vocab)), dtype=np.float32)
        doc_proba = self.proba_from_counts(doc_counts)[0]
        words = [sum(1 for t in s if not (t.is_space or t.is_punct)) for s in sents]
        if self.window_weight > 0 and sum(words) > 1.5 * self.config.window_words:
            bounds = windows(words, self.config.window_words)
            rows, cols = [], []
            for k, (a, b) in enumerate(bounds):
                rows.extend([k] * (b - a))
                cols.extend(range(a, b))
            agg = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(bounds), n))
            win_proba = self.proba_from_counts(sparse.csr_matrix(agg @ counts))
            doc_proba = np.maximum(doc_proba, self.window_weight * win_proba.max(axis=0))
        return SentenceScores(spans, sent_proba, doc_proba)

    def predict_proba_docs(self, docs: Iterable) -> np.ndarray:
        return np.vstack([self.score_doc(d).doc for d in docs]) if docs else np.zeros((0, len(self.labels)))

    # -- storage -----------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write the model as ``manifest.json``, ``vocab.json`` and ``weights.safetensors``."""
        from safetensors.numpy import save_file

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        save_file(
            {
                "idf": self.idf.astype(np.float32),
                "coef": self.coef.astype(np.float32),
                "intercept": self.intercept.astype(np.float32),
                "platt_a": self.platt_a.astype(np.float32),
                "platt_b": self.platt_b.astype(np.float32),
            },
            str(path / "weights.safetensors"),
        )
        (path / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        manifest = {
            "format": "samspil-linear",
            "format_version": FORMAT_VERSION,
            "labels": list(self.labels),
            "thresholds": self.thresholds.to_dict(),
            "feature_config": asdict(self.config),
            "window_weight": self.window_weight,
            "files": {name: _sha256(path / name) for name in ("weights.safetensors", "vocab.json")},
            **self.meta,
        }
        (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        """Load a model directory, checking the manifest's hashes and labels."""
        from safetensors.numpy import load_file

        path = Path(path)
        manifest_path = path / "manifest.json"
        if not manifest_path.is_file():
            raise ModelError(f"{path}: expected a model directory with manifest.json, found none. Train one with `make train` or pass the right path.")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != "samspil-linear":
            raise ModelError(f"{path}: expected format 'samspil-linear', found {manifest.get('format')!r}")
        for name, digest in manifest.get("files", {}).items():
            if not (path / name).is_file():
                raise ModelError(f"{path}: the manifest lists {name}, which is missing. Reinstall or retrain the model.")
            actual = _sha256(path / name)
            if actual != digest:
                raise ModelError(f"{path}: {name} has sha256 {actual[:12]}…, the manifest expects {digest[:12]}…; the model was changed or damaged. Retrain it (`make train`) or reinstall.")
        labels = tuple(manifest["labels"])
        unknown = [lab for lab in labels if lab not in LABELS]
        if unknown:
            raise ModelError(f"{path}: labels {unknown} are not taxonomy ids {list(LABELS)}")
        weights = load_file(str(path / "weights.safetensors"))
        vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
        if weights["coef"].shape != (len(labels), len(vocab)):
            raise ModelError(f"{path}: coef has shape {weights['coef'].shape}, expected {(len(labels), len(vocab))}")
        meta = {k: v for k, v in manifest.items() if k not in ("format", "format_version", "labels", "thresholds", "feature_config", "window_weight", "files")}
        return cls(
            labels=labels,
            vocab=vocab,
            idf=weights["idf"],
            coef=weights["coef"],
            intercept=weights["intercept"],
            platt_a=weights["platt_a"],
            platt_b=weights["platt_b"],
            thresholds=Thresholds.from_dict(manifest["thresholds"]),
            config=FeatureConfig(**manifest["feature_config"]),
            window_weight=float(manifest.get("window_weight", 1.0)),
            meta=meta,
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------- training


@dataclass(frozen=True, slots=True)
class LinearParams:
    """Hyper-parameters of the linear backend."""

    C: float = 4.0
    calibration_folds: int = 5
    features: FeatureConfig = field(default_factory=FeatureConfig)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.C <= 0:
            raise ValueError(f"C must be positive, got {self.C}")
        if self.calibration_folds < 2:
            raise ValueError(f"calibration_folds must be at least 2, got {self.calibration_folds}")


def build_vocab(docs: Sequence, config: FeatureConfig) -> list[str]:
    """Feature names that occur in at least ``min_df`` documents, sorted."""
    from collections import Counter

    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc_feature_names(doc, config)))
    return sorted(name for name, n in df.items() if n >= config.min_df)


def fit_linear(docs: Sequence, y: np.ndarray, labels: tuple[str, ...], params: LinearParams = LinearParams()) -> LinearModel:
    """Fit the linear backend on spaCy ``Doc`` objects and a 0/1 label matrix.

    Thresholds are left at 0.5; :func:`samspil.train.train` tunes them on dev.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    if y.shape != (len(docs), len(labels)):
        raise ValueError(f"expected y of shape {(len(docs), len(labels))}, got {y.shape}")
    config = params.features
    vocab = build_vocab(docs, config)
    featurizer = Featurizer(vocab, config)
    counts = sparse.vstack([sparse.csr_matrix(featurizer.sentence_counts(list(d.sents)).sum(axis=0)) for d in docs]).tocsr()
    tfidf = TfidfTransformer(sublinear_tf=config.sublinear_tf).fit(counts)
    x = tfidf.transform(counts)
    coef = np.zeros((len(labels), len(vocab)), dtype=np.float32)
    intercept = np.zeros(len(labels), dtype=np.float32)
    a = np.zeros(len(labels), dtype=np.float32)
    b = np.zeros(len(labels), dtype=np.float32)
    for j in range(len(labels)):
        yj = y[:, j]
        folds = int(min(params.calibration_folds, max(2, min(yj.sum(), len(yj) - yj.sum()))))
        base = LogisticRegression(C=params.C, class_weight="balanced", solver="liblinear", random_state=params.seed)
        if yj.sum() < 2 or yj.sum() > len(yj) - 2:
            raise ValueError(f"label {labels[j]!r} has {int(yj.sum())} positive training documents of {len(yj)}; need at least 2 of each class")
        cal = CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False).fit(x, yj)
        fitted = cal.calibrated_classifiers_[0]
        coef[j] = fitted.estimator.coef_[0]
        intercept[j] = fitted.estimator.intercept_[0]
        a[j] = fitted.calibrators[0].a_
        b[j] = fitted.calibrators[0].b_
    return LinearModel(
        labels=labels,
        vocab=vocab,
        idf=tfidf.idf_.astype(np.float32),
        coef=coef,
        intercept=intercept,
        platt_a=a,
        platt_b=b,
        thresholds=Thresholds(labels, tuple(0.5 for _ in labels)),
        config=config,
    )


def idf_matches_sklearn(model: LinearModel, counts: sparse.csr_matrix) -> float:
    """Largest absolute difference between our TF-IDF and scikit-learn's (for tests)."""
    from sklearn.feature_extraction.text import TfidfTransformer

    t = TfidfTransformer(sublinear_tf=model.config.sublinear_tf)
    t.idf_ = model.idf.astype(np.float64)
    ours = model.tfidf(counts).toarray()
    theirs = t.transform(counts).toarray()
    return float(np.abs(ours - theirs).max()) if ours.size else 0.0


