"""The linear backend: TF-IDF over lemma and character n-grams, one calibrated
logistic regression per label, scored on sentences, windows and the whole text.

Inference needs only NumPy and SciPy: the fitted vocabulary, IDF weights,
coefficients and Platt parameters are stored as JSON and safetensors (no
pickle), and :class:`Featurizer` is the one piece of code that turns a spaCy
``Doc`` into counts, in training and in use alike.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..errors import ModelError
from ..records import LABELS
from ..tokenise import doc_text, lemma_index
from .base import SentenceScores, read_manifest, sigmoid, write_manifest
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


@dataclass(frozen=True, slots=True)
class TokenTable:
    """The words of a ``Doc`` as arrays: lower-case hashes and sentence numbers of the
    tokens that are neither space nor punctuation, and the sentences' character spans."""

    lowers: np.ndarray
    sentence: np.ndarray
    spans: tuple[tuple[int, int], ...]
    words_per_sentence: np.ndarray


def token_table(doc) -> TokenTable:
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LOWER, SENT_START

    n_tok = len(doc)
    if n_tok == 0:
        return TokenTable(np.zeros(0, np.uint64), np.zeros(0, np.int64), (), np.zeros(0, np.int64))
    arr = doc.to_array([LOWER, IS_PUNCT, IS_SPACE, SENT_START, IDX])
    starts = arr[:, 3].astype(np.int64) == 1
    starts[0] = True
    sent_of_token = np.cumsum(starts) - 1
    first_tokens = np.flatnonzero(starts)
    char_starts = arr[first_tokens, 4].astype(np.int64)
    char_ends = np.append(char_starts[1:], len(doc_text(doc)))
    spans = tuple(zip(char_starts.tolist(), char_ends.tolist()))
    keep = (arr[:, 1] == 0) & (arr[:, 2] == 0)
    sentence = sent_of_token[keep]
    words = np.bincount(sentence, minlength=len(spans)) if len(spans) else np.zeros(0, np.int64)
    return TokenTable(arr[keep, 0], sentence, spans, words)


class Featurizer:
    """Turns a ``Doc`` into a sparse ``(n_sentences, n_features)`` count matrix.

    The work is done on arrays: each word type's feature indices are computed
    once and cached by its hash, bigrams are looked up as integer keys with
    ``searchsorted``. Training builds its vocabulary from the same token table,
    so features in training and in use are the same by construction.
    """

    def __init__(self, vocab: Sequence[str], config: FeatureConfig) -> None:
        self.config = config
        self.names = list(vocab)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.lemma_ids: dict[str, int] = {}
        pairs: list[tuple[int, int]] = []
        for name in self.index:
            if name.startswith("w:"):
                self.lemma_ids.setdefault(name[2:], len(self.lemma_ids))
        for name, i in self.index.items():
            if name.startswith("b:"):
                left, _, right = name[2:].partition(" ")
                a, b = self.lemma_ids.get(left), self.lemma_ids.get(right)
                if a is None:
                    a = self.lemma_ids.setdefault(left, len(self.lemma_ids))
                if b is None:
                    b = self.lemma_ids.setdefault(right, len(self.lemma_ids))
                pairs.append((a * _PAIR + b, i))
        pairs.sort()
        self._bigram_keys = np.array([k for k, _ in pairs], dtype=np.int64)
        self._bigram_cols = np.array([i for _, i in pairs], dtype=np.int64)
        self._cache: dict[int, tuple[np.ndarray, int]] = {}

    def _type(self, h: int, strings) -> tuple[np.ndarray, int]:
        hit = self._cache.get(h)
        if hit is None:
            if len(self._cache) >= self.config.max_cache:
                self._cache.clear()
            form = _word_form(strings[h])
            lemma = lemma_index().lemma(form)
            idx = [self.index[n] for n in type_feature_names(form, lemma, self.config) if n in self.index]
            hit = (np.asarray(idx, dtype=np.int64), self.lemma_ids.get(lemma, -1))
            self._cache[h] = hit
        return hit

    def counts(self, doc, table: TokenTable | None = None) -> sparse.csr_matrix:
        """``(n_sentences, n_features)`` counts of the document's sentences."""
        table = table or token_table(doc)
        n_rows = len(table.spans)
        if len(table.lowers) == 0:
            return sparse.csr_matrix((max(n_rows, 1), len(self.names)), dtype=np.float32)
        uniq, inverse = np.unique(table.lowers, return_inverse=True)
        strings = doc.vocab.strings
        typed = [self._type(h, strings) for h in uniq.tolist()]
        lens = np.array([len(t[0]) for t in typed], dtype=np.int64)
        flat = np.concatenate([t[0] for t in typed]) if lens.sum() else np.zeros(0, np.int64)
        offsets = np.concatenate([[0], np.cumsum(lens)[:-1]])
        # Ragged gather: the feature indices of every token, token by token.
        tok_lens = lens[inverse]
        total = int(tok_lens.sum())
        tok_starts = offsets[inverse]
        within = np.arange(total) - np.repeat(np.cumsum(tok_lens) - tok_lens, tok_lens)
        cols = flat[np.repeat(tok_starts, tok_lens) + within]
        rows = np.repeat(table.sentence, tok_lens)
        if self.config.bigrams and len(self._bigram_keys) and len(inverse) > 1:
            lemma_of = np.array([t[1] for t in typed], dtype=np.int64)[inverse]
            ok = (table.sentence[:-1] == table.sentence[1:]) & (lemma_of[:-1] >= 0) & (lemma_of[1:] >= 0)
            keys = lemma_of[:-1] * _PAIR + lemma_of[1:]
            pos = np.searchsorted(self._bigram_keys, keys)
            pos[pos >= len(self._bigram_keys)] = 0
            hit = ok & (self._bigram_keys[pos] == keys)
            cols = np.concatenate([cols, self._bigram_cols[pos[hit]]])
            rows = np.concatenate([rows, table.sentence[:-1][hit]])
        data = np.ones(len(cols), dtype=np.float32)
        m = sparse.csr_matrix((data, (rows, cols)), shape=(n_rows, len(self.names)), dtype=np.float32)
        m.sum_duplicates()
        return m


_PAIR = 1 << 31


def doc_feature_names(doc, config: FeatureConfig) -> set[str]:
    """The set of feature names a document produces (for building the vocabulary)."""
    table = token_table(doc)
    strings = doc.vocab.strings
    lemma_of_hash: dict[int, str] = {}
    names: set[str] = set()
    for h in np.unique(table.lowers).tolist():
        form = _word_form(strings[h])
        lemma = lemma_index().lemma(form)
        lemma_of_hash[h] = lemma
        names.update(type_feature_names(form, lemma, config))
    if config.bigrams:
        lowers, sent = table.lowers.tolist(), table.sentence.tolist()
        for i in range(1, len(lowers)):
            if sent[i] == sent[i - 1]:
                names.add(f"b:{lemma_of_hash[lowers[i - 1]]} {lemma_of_hash[lowers[i]]}")
    return names


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
        """Sublinear TF times IDF, rows scaled to unit length (as scikit-learn's TfidfTransformer)."""
        x = sparse.csr_matrix(counts, dtype=np.float32, copy=True)
        if self.config.sublinear_tf:
            np.log(x.data, out=x.data)
            x.data += 1.0
        x.data *= self.idf[x.indices]
        sq = np.add.reduceat(x.data * x.data, x.indptr[:-1]) if x.nnz else np.zeros(x.shape[0], np.float32)
        sq[np.diff(x.indptr) == 0] = 0.0
        norms = np.sqrt(sq)
        norms[norms == 0] = 1.0
        x.data /= np.repeat(norms, np.diff(x.indptr)).astype(np.float32)
        return x

    def proba_from_counts(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Calibrated probabilities for rows of counts."""
        decision = np.asarray(self.tfidf(counts) @ self._coef_t) + self.intercept
        return sigmoid(-(self.platt_a * decision + self.platt_b))

    def score_doc(self, doc) -> SentenceScores:
        """Score the document, its windows and its sentences (one matrix product for all)."""
        table = token_table(doc)
        counts = self.featurizer.counts(doc, table)
        n = counts.shape[0]
        words = table.words_per_sentence.tolist()
        groups = [[(0, n)]]  # the whole document
        if self.window_weight > 0 and sum(words) > 1.5 * self.config.window_words:
            groups.append(windows(words, self.config.window_words))
        bounds = [b for g in groups for b in g]
        rows = np.repeat(np.arange(len(bounds)), [b - a for a, b in bounds])
        cols = np.concatenate([np.arange(a, b) for a, b in bounds])
        agg = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(bounds), n))
        proba = self.proba_from_counts(sparse.vstack([counts, agg @ counts], format="csr"))
        sent_proba = proba[:n] if len(table.spans) else np.zeros((0, len(self.labels)))
        doc_proba = proba[n]
        if len(bounds) > 1:
            doc_proba = np.maximum(doc_proba, self.window_weight * proba[n + 1 :].max(axis=0))
        return SentenceScores(table.spans, sent_proba, doc_proba)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Document probabilities for raw texts (tokenised with samspil's Danish pipeline)."""
        from ..tokenise import make_danish

        nlp = make_danish()
        return self.predict_proba_docs(list(nlp.pipe(texts, batch_size=16)))

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
        write_manifest(path, {
            "format": "samspil-linear",
            "format_version": FORMAT_VERSION,
            "labels": list(self.labels),
            "thresholds": self.thresholds.to_dict(),
            "feature_config": asdict(self.config),
            "window_weight": self.window_weight,
            **self.meta,
        }, ("weights.safetensors", "vocab.json"))

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        """Load a model directory, checking the manifest's hashes and labels."""
        from safetensors.numpy import load_file

        path = Path(path)
        manifest = read_manifest(path, "samspil-linear")
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
        df.update(doc_feature_names(doc, config))
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
    counts = sparse.vstack([sparse.csr_matrix(featurizer.counts(d).sum(axis=0)) for d in docs]).tocsr()
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


