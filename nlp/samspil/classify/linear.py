"""The linear backend: TF-IDF over lemma, bigram and character n-grams, one
calibrated logistic regression per label, scored on sentences, windows and the whole text.

The whole document and its windows are scored exactly as in training (sublinear
TF times IDF, L2 normalised), all in one pass over arrays: the words of every window
are expanded into their types' cached feature indices and the features counted by
sorting (see :meth:`LinearModel._exact`). The
sentences, which only rank evidence, are scored from cached per-type sums: per word
type the sums of ``idf * coef`` and of ``idf**2`` over its features, and a
sentence's score is ``(sum of idf * coef) / sqrt(sum of idf**2)`` over its words,
the exact TF-IDF score of a passage in which no feature occurs twice.

Inference needs only NumPy and SciPy: the fitted vocabulary, IDF weights,
coefficients and Platt parameters are stored as JSON and safetensors (no
pickle), and :class:`Featurizer` is the one piece of code that turns a spaCy
``Doc`` into features, in training and in use alike.
"""
from __future__ import annotations

import json
import unicodedata
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
from .stack import LabelStack
from .thresholds import Thresholds

FORMAT_VERSION = 6  # 2: window_weight may be one weight per label; 3: a relevance gate may follow the labels; 4: long texts (feature_config); 5: label stacking; 6: the stack held to documents the first stage labels
_READABLE_FORMATS = (1, 2, 3, 4, 5, 6)


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
    #: A text of more words than this is scored by its windows alone, not also as one
    #: bag of words (0: every text is): in long minutes the words of the unrelated
    #: items mix with the one item that matters (a road contract's words and a
    #: volunteer agreement's collaboration make ``written_agreement`` out of neither).
    long_text_words: int = 0
    #: Windows of a second, longer size for such long texts (0: none), so that an item
    #: of a few hundred words is also scored as a whole.
    long_window_words: int = 0
    #: In such long texts every sentence of :attr:`sentence_min_words` words or more is a
    #: run as well, so that one passing mention counts (guideline P4), its label
    #: probability multiplied by the relevance gate's to :attr:`sentence_gate_power` (a
    #: single sentence says little, so the gate must be surer of it than of a window).
    #: A heading of a few words ("Hvem er de frivillige?") is no mention of a
    #: collaboration, but its one strong word weighs heavily in so short a run.
    long_text_sentences: bool = False
    sentence_gate_power: float = 3.0
    sentence_min_words: int = 4
    #: A long text's score for a label is the best of its runs less this margin (for
    #: the labels that have windows): the best of two hundred windows and sentences is
    #: higher than the best of one by chance alone, so the same threshold would give the
    #: long minutes of unrelated items labels that none of them carries.
    long_text_margin: float = 0.0
    #: Windows of ``window_words`` that start at every sentence (:func:`sliding_windows`)
    #: rather than a grid from the text's first word (:func:`windows`): a header line
    #: before the text then adds windows but moves none.
    sliding_windows: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.char_min <= self.char_max <= 8:
            raise ValueError(f"expected 1 <= char_min <= char_max <= 8, got {self.char_min}, {self.char_max}")
        if self.min_df < 1:
            raise ValueError(f"min_df must be at least 1, got {self.min_df}")
        if self.window_words < 20:
            raise ValueError(f"window_words must be at least 20, got {self.window_words}")
        if self.long_text_words < 0 or self.long_window_words < 0 or 0 < self.long_window_words < 20:
            raise ValueError(f"expected long_text_words >= 0 and long_window_words 0 or at least 20, got {self.long_text_words}, {self.long_window_words}")
        if self.sentence_gate_power < 0:
            raise ValueError(f"sentence_gate_power must be >= 0, got {self.sentence_gate_power}")
        if self.sentence_min_words < 1:
            raise ValueError(f"sentence_min_words must be at least 1, got {self.sentence_min_words}")
        if not 0 <= self.long_text_margin < 1:
            raise ValueError(f"long_text_margin must be in [0, 1), got {self.long_text_margin}")


def _word_form(text: str) -> str:
    """A word as its features see it: compatibility-normalised (NFKC: a decomposed "å",
    "a" and a combining ring, is "å"; a PDF's ligature "ﬁ" is "fi"), lower case, each
    digit 0."""
    lower = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).lower()
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

    def type_features(self, hashes: Sequence[int], strings) -> tuple[list[list[int]], list[int]]:
        """Feature indices and lemma id (-1: none) of word types, by lower-case hash;
        the lemmas of all of them looked up at once."""
        forms = [_word_form(strings[h]) for h in hashes]
        get = self.index.get
        feats, lemma_ids = [], []
        for form, lemma in zip(forms, lemma_index().lemmas_of(forms)):
            feats.append([j for j in map(get, type_feature_names(form, lemma, self.config)) if j is not None])
            lemma_ids.append(self.lemma_ids.get(lemma, -1))
        return feats, lemma_ids

    def _type(self, h: int, strings) -> tuple[np.ndarray, int]:
        hit = self._cache.get(h)
        if hit is None:
            if len(self._cache) >= self.config.max_cache:
                self._cache.clear()
            (idx,), (lemma_id,) = self.type_features([h], strings)
            hit = (np.asarray(idx, dtype=np.int64), lemma_id)
            self._cache[h] = hit
        return hit

    def pairs(self, doc, table: TokenTable | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(sentence, feature)`` index pairs, one per occurrence of a feature in the document."""
        table = table or token_table(doc)
        if len(table.lowers) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        uniq, inverse = np.unique(table.lowers, return_inverse=True)
        strings = doc.vocab.strings
        typed = [self._type(h, strings) for h in uniq.tolist()]
        lens = np.array([len(t[0]) for t in typed], dtype=np.int64)
        flat = np.concatenate([t[0] for t in typed]) if lens.sum() else np.zeros(0, np.int64)
        offsets = np.concatenate([[0], np.cumsum(lens)[:-1]])
        # Ragged gather: the feature indices of every token, token by token.
        tok_lens = lens[inverse]
        cols = flat[_ragged_arange(offsets[inverse], tok_lens)]
        rows = np.repeat(table.sentence, tok_lens)
        second, bigram_cols = self.bigrams(table.sentence, np.array([t[1] for t in typed], dtype=np.int64)[inverse])
        return np.concatenate([rows, table.sentence[second]]), np.concatenate([cols, bigram_cols])

    def bigrams(self, sentence: np.ndarray, lemma_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The known lemma bigrams of consecutive words in one sentence: the position of
        each pair's second word and the bigram's feature index."""
        none = np.zeros(0, np.int64)
        if not self.config.bigrams or not len(self._bigram_keys) or len(lemma_of) < 2:
            return none, none
        ok = (sentence[:-1] == sentence[1:]) & (lemma_of[:-1] >= 0) & (lemma_of[1:] >= 0)
        keys = lemma_of[:-1] * _PAIR + lemma_of[1:]
        pos = np.searchsorted(self._bigram_keys, keys)
        pos[pos >= len(self._bigram_keys)] = 0
        hit = np.flatnonzero(ok & (self._bigram_keys[pos] == keys))
        return hit + 1, self._bigram_cols[pos[hit]]

    def counts(self, doc, table: TokenTable | None = None) -> sparse.csr_matrix:
        """``(n_sentences, n_features)`` counts of the document's sentences."""
        table = table or token_table(doc)
        n_rows = max(len(table.spans), 1)
        rows, cols = self.pairs(doc, table)
        data = np.ones(len(cols), dtype=np.float32)
        m = sparse.csr_matrix((data, (rows, cols)), shape=(n_rows, len(self.names)), dtype=np.float32)
        m.sum_duplicates()
        return m


def _ragged_arange(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])`` without the loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    ends = np.cumsum(lengths)
    return np.arange(total) - np.repeat(ends - lengths - starts, lengths)


_PAIR = 1 << 31


def _run_starts(sorted_values: np.ndarray) -> np.ndarray:
    """Positions where a new value starts in a sorted array."""
    new = np.empty(len(sorted_values), bool)
    new[:1] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=new[1:])
    return np.flatnonzero(new)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` by sorting (NumPy 2's hash-based unique is far slower here)."""
    values = np.sort(values)
    return values[_run_starts(values)]


class _TypeTable:
    """Growing arrays of per-word-type sums, indexed by a slot per type hash, so that a
    document's types are gathered with one fancy index instead of a loop.

    Slots are looked up with ``searchsorted`` in a sorted copy of the known hashes;
    types added since that copy was made are looked up in :attr:`slot` (a dict), and
    the copy is rebuilt when they grow to an eighth of it.
    """

    def __init__(self, n_labels: int, capacity: int = 4096) -> None:
        self.n_labels = n_labels
        self._capacity = capacity
        self.clear()

    def clear(self) -> None:
        cap = self._capacity
        self.slot: dict[int, int] = {}
        self.a = np.zeros((cap, self.n_labels), np.float32)
        self.q = np.zeros(cap, np.float32)
        self.lemma = np.zeros(cap, np.int64)
        self.offset = np.zeros(cap, np.int64)
        self.length = np.zeros(cap, np.int64)
        self.flat = np.zeros(cap * 16, np.int64)
        self._used = 0
        self._sorted_hashes = np.zeros(0, np.uint64)
        self._sorted_slots = np.zeros(0, np.int64)

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """The slots of the (unique) ``hashes``, -1 for a type not in the table."""
        known = self._sorted_hashes
        if len(self.slot) - len(known) > max(256, len(known) // 8):
            all_hashes = np.fromiter(self.slot, np.uint64, len(self.slot))
            order = np.argsort(all_hashes)
            known = self._sorted_hashes = all_hashes[order]
            self._sorted_slots = np.fromiter(self.slot.values(), np.int64, len(self.slot))[order]
        slots = np.full(len(hashes), -1, np.int64)
        if len(known):
            pos = np.minimum(np.searchsorted(known, hashes), len(known) - 1)
            hit = known[pos] == hashes
            slots[hit] = self._sorted_slots[pos[hit]]
        if len(self.slot) > len(known):
            get = self.slot.get
            for i in np.flatnonzero(slots < 0).tolist():
                slots[i] = get(int(hashes[i]), -1)
        return slots

    def add_many(self, hashes: list[int], flat: np.ndarray, lengths: np.ndarray, a: np.ndarray, q: np.ndarray, lemma: np.ndarray) -> np.ndarray:
        """Add types (``flat``: their feature indices one after the other); their slots."""
        first, n = len(self.slot), len(hashes)
        while first + n > len(self.q):
            for name in ("a", "q", "lemma", "offset", "length"):
                old = getattr(self, name)
                grown = np.zeros((2 * len(old), *old.shape[1:]), old.dtype)
                grown[: len(old)] = old
                setattr(self, name, grown)
        if self._used + len(flat) > len(self.flat):
            grown = np.zeros(max(2 * len(self.flat), self._used + len(flat)), np.int64)
            grown[: self._used] = self.flat[: self._used]
            self.flat = grown
        self.flat[self._used : self._used + len(flat)] = flat
        slots = np.arange(first, first + n)
        self.a[slots], self.q[slots], self.lemma[slots], self.length[slots] = a, q, lemma, lengths
        self.offset[slots] = self._used + np.cumsum(lengths) - lengths
        self._used += len(flat)
        self.slot.update(zip(hashes, slots.tolist()))
        return slots


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


def sliding_windows(sentence_words: Sequence[int], window_words: int) -> list[tuple[int, int]]:
    """A window of about ``window_words`` words starting at every sentence: from each
    sentence to the first that brings the count to ``window_words``; of the windows that
    reach the end of the text, only the first.

    Returns ``(first, last_exclusive)`` sentence ranges. Unlike :func:`windows`, the
    windows of a passage do not depend on what comes before it.
    """
    words = np.asarray(sentence_words, dtype=np.int64)
    n = len(words)
    if n == 0:
        return []
    total = np.cumsum(words)
    before = total - words
    end = np.minimum(np.searchsorted(total, before + window_words, side="left") + 1, n)
    keep = (end < n) | (np.arange(n) == int(np.argmax(end == n)))
    return [(int(i), int(end[i])) for i in np.flatnonzero(keep)]


class _Words:
    """The words of a batch as local feature numbers, for :meth:`LinearModel._exact`:
    each token's type (``inverse``), each type's features (``type_feats`` from
    ``type_start``, ``lens`` of them), and the second words of known bigrams with the
    bigrams' features."""

    def __init__(self, inverse, lens, type_feats, type_start, bigram_pos, bigram_feats, n_local: int) -> None:
        self.inverse, self.lens, self.type_feats, self.type_start = inverse, lens, type_feats, type_start
        self.bigram_pos, self.bigram_feats, self.n_local = bigram_pos, bigram_feats, n_local

    def sorted_counts(self, tok_lo: np.ndarray, tok_hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Feature counts of the runs ``[tok_lo, tok_hi)`` of tokens, by sorting keys
        ``run * n_local + feature``: ``(feature, count, indptr)`` in CSR order."""
        n_local = self.n_local
        key_type = np.int32 if len(tok_lo) * n_local < 2**31 else np.int64
        run_base = np.arange(len(tok_lo), dtype=key_type) * key_type(n_local)
        span = tok_hi - tok_lo
        typ = self.inverse[_ragged_arange(tok_lo, span)]
        k = self.lens[typ]
        keys = np.repeat(np.repeat(run_base, span), k) + self.type_feats[_ragged_arange(self.type_start[typ], k)].astype(key_type)
        if len(self.bigram_pos):
            b_lo, b_hi = np.searchsorted(self.bigram_pos, tok_lo), np.searchsorted(self.bigram_pos, tok_hi)
            pick = _ragged_arange(b_lo, b_hi - b_lo)
            keys = np.concatenate([keys, np.repeat(run_base, b_hi - b_lo) + self.bigram_feats[pick].astype(key_type)])
        keys.sort()
        starts = _run_starts(keys)
        present = keys[starts]
        count = np.diff(np.append(starts, len(keys))).astype(np.float32)
        indptr = np.append(np.searchsorted(present, run_base), len(present)).astype(np.int32)
        return present % n_local, count, indptr

    def dense_counts(self, lo: int, hi: int, step: int) -> tuple[np.ndarray, np.ndarray]:
        """Feature counts of the tokens ``[lo, hi)``, counted ``step`` tokens at a time
        into one vector: ``(feature, count)``, features ascending."""
        total = np.zeros(self.n_local, np.float64)
        for a in range(lo, hi, step):
            b = min(a + step, hi)
            typ = self.inverse[a:b]
            k = self.lens[typ]
            total += np.bincount(self.type_feats[_ragged_arange(self.type_start[typ], k)], minlength=self.n_local)
            b_lo, b_hi = np.searchsorted(self.bigram_pos, [a, b])
            total += np.bincount(self.bigram_feats[b_lo:b_hi], minlength=self.n_local)
        col = np.flatnonzero(total)
        return col, total[col].astype(np.float32)


def window_weight_from_json(value, n_labels: int, path) -> float | np.ndarray:
    """A window weight as stored in a manifest or tuning record: one number, or one per label."""
    if isinstance(value, list):
        if len(value) != n_labels:
            raise ModelError(f"{path}: window_weight has {len(value)} values, expected one per label ({n_labels})")
        return np.asarray(value, dtype=np.float32)
    return float(value)


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
    window_weight: float | np.ndarray = 1.0  # one weight for all labels, or one per label (0: no windows)
    meta: dict[str, Any] = field(default_factory=dict)
    #: The arrays have one more row after the labels: the relevance gate, a model of
    #: "has any label" (see :func:`fit_linear`). A run's label probability is its own
    #: times the gate's to the power ``gate_power`` (0: the gate is not used).
    gate: bool = False
    gate_power: float = 0.0
    #: Label stacking (see :mod:`samspil.classify.stack`): the document probabilities of
    #: all labels read once more by a small model per label (None: not used).
    stack: LabelStack | None = None

    def __post_init__(self) -> None:
        n_rows = len(self.labels) + int(self.gate)
        if self.stack is not None and len(self.stack.intercept) != len(self.labels):
            raise ValueError(f"expected a label stack for {len(self.labels)} labels, got one for {len(self.stack.intercept)}")
        if self.coef.shape[0] != n_rows or len(self.intercept) != n_rows:
            raise ValueError(f"expected {n_rows} rows of coefficients ({len(self.labels)} labels{' and the gate' if self.gate else ''}), got {self.coef.shape[0]}")
        if self.gate_power < 0 or (self.gate_power and not self.gate):
            raise ValueError(f"gate_power must be >= 0, and 0 without a gate; got {self.gate_power} (gate: {self.gate})")
        self._n_rows = n_rows
        self.featurizer = Featurizer(self.vocab, self.config)
        self._coef_t = np.ascontiguousarray(self.coef.T.astype(np.float32))
        self._w = np.ascontiguousarray(self._coef_t * self.idf.astype(np.float32)[:, None])
        self._q = (self.idf.astype(np.float32) ** 2)
        self._type_table = _TypeTable(n_rows)
        self._local_id = np.zeros(len(self.vocab), np.int64)  # scratch: a document's features, renumbered
        # Run scoring gathers the rows of a document's features; in order of document
        # frequency (IDF) the common ones lie together and stay in the CPU cache.
        order = np.argsort(self.idf, kind="stable")
        self._rank = np.empty(len(order), np.int64)
        self._rank[order] = np.arange(len(order))
        self._ranked_idf = np.ascontiguousarray(self.idf[order].astype(np.float32))
        self._ranked_coef_t = np.ascontiguousarray(self._coef_t[order])

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
        """Calibrated label probabilities for rows of counts (the training path)."""
        decision = np.asarray(self.tfidf(counts) @ self._coef_t) + self.intercept
        return self._gated(self._calibrated(decision))

    def _calibrated(self, decision: np.ndarray) -> np.ndarray:
        """Platt: probabilities of decision values (one column per label, then the gate's)."""
        return sigmoid(-(self.platt_a * decision + self.platt_b))

    def _gated(self, proba: np.ndarray, power: float | None = None) -> np.ndarray:
        """The labels' columns of rows of probabilities (labels and gate), each label's
        times the gate's to the power :attr:`gate_power`.

        A label model learns what a label looks like; the gate, fitted on every
        labelled document against every unlabelled one, learns what a text about
        public–civil collaboration looks like at all, from four times as many positive
        examples as the rarest label has. Multiplied, a near miss (a tender for road
        works, a grant to house owners) that one label's model takes for its own is
        held back by a gate that sees no collaboration in it. (``power``: another power
        than :attr:`gate_power`, for the sentence runs of a long text.)"""
        n = len(self.labels)
        power = self.gate_power if power is None else power
        if not self.gate:
            return proba
        if not self.gate_power or not power:
            return proba[:, :n]
        return proba[:, :n] * proba[:, n : n + 1] ** np.float32(power)

    def passage_proba_from_counts(self, counts: sparse.csr_matrix) -> np.ndarray:
        """What :meth:`score_doc` computes for sentences and windows, from their counts:
        ``(c * idf) / sqrt(c @ idf**2)`` (equal to :meth:`proba_from_counts` when no
        feature occurs twice in a row)."""
        c = sparse.csr_matrix(counts, dtype=np.float64)
        q = np.asarray(c @ (self.idf.astype(np.float64) ** 2)).ravel()
        scale = np.where(q > 1e-9, np.maximum(q, 1e-9) ** -0.5, 0.0)
        x = sparse.diags(scale) @ c.multiply(self.idf.reshape(1, -1).astype(np.float64))
        decision = np.asarray(x @ self._coef_t.astype(np.float64)) + self.intercept
        return self._calibrated(decision).astype(np.float32)[:, : len(self.labels)]

    def _types(self, hashes: np.ndarray, strings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per word type (``hashes``: unique lower-case hashes): the sum of ``idf * coef``
        and of ``idf**2`` over its features, its lemma id (for bigrams), and its feature
        indices in IDF order (``offsets``, ``lengths`` into the flat array of
        :attr:`_type_table`; see :attr:`_rank`)."""
        table = self._type_table
        slots = table.lookup(hashes)
        missing = np.flatnonzero(slots < 0)
        if len(missing):
            if len(table.slot) + len(missing) > self.config.max_cache:
                table.clear()
                slots[:] = -1
                missing = np.arange(len(hashes))
            new = hashes[missing].tolist()
            feats, lemma_ids = self.featurizer.type_features(new, strings)
            lens = np.fromiter(map(len, feats), np.int64, len(feats))
            flat = np.fromiter((j for f in feats for j in f), np.int64, int(lens.sum()))
            a = np.zeros((len(new), self._n_rows), np.float32)
            q = np.zeros(len(new), np.float32)
            has = lens > 0
            at = (np.cumsum(lens) - lens)[has]
            if len(at):
                a[has] = np.add.reduceat(self._w[flat], at, axis=0)
                q[has] = np.add.reduceat(self._q[flat], at)
            slots[missing] = table.add_many(new, self._rank[flat], lens, a, q, np.asarray(lemma_ids, np.int64))
        return table.a[slots], table.q[slots], table.lemma[slots], table.offset[slots], table.length[slots], table.flat

    def score_doc(self, doc) -> SentenceScores:
        """Score the document and its windows (exactly as in training) and its sentences
        (from per-type sums; see the module doc)."""
        return self.score_docs([doc])[0]

    def score_docs(self, docs: Sequence) -> list[SentenceScores]:
        """:meth:`score_doc` of several documents, computed together: their words are put
        one after the other (sentences and windows numbered through), so that each step
        is one pass over arrays for a batch instead of one per document. (A batch is a
        run of documents that share one vocabulary, in which their word hashes resolve.)"""
        out: list[SentenceScores] = []
        i = 0
        while i < len(docs):
            j = i + 1
            while j < len(docs) and docs[j].vocab is docs[i].vocab:
                j += 1
            out += self._score_batch(docs[i:j])
            i = j
        return out

    def _score_batch(self, docs: Sequence) -> list[SentenceScores]:
        tables = [token_table(doc) for doc in docs]
        n_rows = self._n_rows
        n_sent = [len(t.spans) for t in tables]
        base = np.cumsum([0, *n_sent]).tolist()
        n = base[-1]
        # The documents and their windows, as runs of sentences (numbered through).
        weight = np.asarray(self.window_weight, dtype=np.float32)
        groups: list[tuple[int, int]] = []
        first_group = []
        sentence_runs: list[int] = []  # the groups that are single sentences of a long text
        long_text = []  # per document: scored by its runs inside alone (see _is_long)
        for t, b in zip(tables, base):
            first_group.append(len(groups))
            groups.append((b, b + len(t.spans)))
            words = t.words_per_sentence.tolist()
            n_words = sum(words)
            long_text.append(self._is_long(n_words))
            if weight.max() > 0 and n_words > 1.5 * self.config.window_words:
                grid = sliding_windows if self.config.sliding_windows else windows
                groups += [(b + lo, b + hi) for lo, hi in grid(words, self.config.window_words)]
                if long_text[-1]:
                    if self.config.long_window_words:
                        groups += [(b + lo, b + hi) for lo, hi in windows(words, self.config.long_window_words)]
                    if self.config.long_text_sentences:
                        sentences = [k for k, n in enumerate(words) if n >= self.config.sentence_min_words]
                        sentence_runs += range(len(groups), len(groups) + len(sentences))
                        groups += [(b + k, b + k + 1) for k in sentences]
        first_group.append(len(groups))
        lowers = np.concatenate([t.lowers for t in tables]) if tables else np.zeros(0, np.uint64)
        if len(lowers) == 0:
            # No words at all: every run and sentence is scored from the intercepts alone
            # (sentences by their labels' own probabilities, runs gated, as below).
            raw = self._calibrated(self.intercept)
            sent_proba = np.tile(raw[: len(self.labels)], (n, 1))
            proba = np.tile(self._gated(raw[None, :]), (len(groups), 1))
        else:
            sentence = np.concatenate([t.sentence + b for t, b in zip(tables, base)])
            uniq, inverse = np.unique(lowers, return_inverse=True)
            a, q, lem, offsets, lens, flat_all = self._types(uniq, docs[0].vocab.strings)
            tok_a, tok_q = a[inverse], q[inverse]
            # Bigrams: a feature of the second word of each known pair within a sentence.
            bigram_pos, bigram_cols = self.featurizer.bigrams(sentence, lem[inverse])
            tok_a[bigram_pos] += self._w[bigram_cols]
            tok_q[bigram_pos] += self._q[bigram_cols]
            # Sentences: from the sums over their words (evidence only ranks them).
            sent_a = np.zeros((n, n_rows), np.float32)
            sent_q = np.zeros(n, np.float32)
            present, starts = np.unique(sentence, return_index=True)
            sent_a[present] = np.add.reduceat(tok_a, starts, axis=0)
            sent_q[present] = np.add.reduceat(tok_q, starts)
            sent_proba = self.passage_proba(sent_a, sent_q)
            # The documents and their windows, exactly as training scores a text; the
            # gate applies to each run, so a window counts when it shows both the
            # label and collaboration.
            raw = self._exact(sentence, inverse, offsets, lens, flat_all, bigram_pos, self._rank[bigram_cols], groups)
            proba = self._gated(raw)
            if sentence_runs:
                proba[sentence_runs] = self._gated(raw[sentence_runs], self.config.sentence_gate_power)
        bounds = np.asarray(groups, dtype=np.int64).reshape(-1, 2)
        doc_proba = np.empty((len(tables), len(self.labels)), np.float32)
        # What a long text's best run loses, for the labels that have windows.
        margin = np.where(weight > 0, self.config.long_text_margin, 0.0)
        best_runs = []
        for i in range(len(tables)):
            g0, g1 = first_group[i], first_group[i + 1]
            # The document's score for a label is the best of its runs: the text itself and
            # its windows (weighted); a long text's own run does not count for a label
            # that has windows.
            runs = proba[g0:g1].copy()
            if g1 - g0 > 1:
                runs[1:] *= weight
                if long_text[i]:
                    runs[0] = np.where(weight > 0, -1.0, runs[0])
            best = runs.argmax(axis=0)
            doc_proba[i] = runs[best, np.arange(runs.shape[1])]
            if long_text[i] and self.config.long_text_margin:
                doc_proba[i] = np.maximum(doc_proba[i] - margin, 0.0)
            best_runs.append(bounds[g0 + best] - base[i])
        if self.stack is not None and len(tables):
            doc_proba = self.stack.apply(doc_proba, self.thresholds.values)
        return [SentenceScores(t.spans, sent_proba[base[i] : base[i + 1]], doc_proba[i], best_runs[i]) for i, t in enumerate(tables)]

    def _is_long(self, n_words: int) -> bool:
        """Whether a text of ``n_words`` words is scored by its windows alone (see
        :attr:`FeatureConfig.long_text_words`)."""
        return bool(self.config.long_text_words) and n_words > self.config.long_text_words

    #: Word occurrences (counted once for each run they fall in) expanded into feature
    #: keys at a time: bounds the memory that scoring takes on a long document.
    chunk_tokens = 60_000

    def _exact(self, sentence: np.ndarray, inverse, offsets, lens, flat_all, bigram_pos, bigram_cols, groups) -> np.ndarray:
        """Probabilities of runs of sentences from their feature counts (TF-IDF as in
        training), computed for many runs at once.

        Features are numbered in IDF order (:attr:`_rank`); the document's are
        renumbered 0..n (``local``); every occurrence of a
        feature in a run gives one key ``run * n + feature``; sorted, the keys fall in
        runs of equal keys whose lengths are the counts. Then sublinear TF times IDF,
        the runs' norms, and one matrix product with the coefficients.
        (``np.sort`` and run lengths, not ``np.unique``: NumPy 2's ``unique`` hashes
        and is ten times slower on these arrays.) Runs are taken
        :attr:`chunk_tokens` words at a time; a run longer than that (the whole of a
        very long document) is counted piece by piece into one dense vector.
        """
        n_groups = len(groups)
        first = np.fromiter((g[0] for g in groups), dtype=np.int64, count=n_groups)
        last = np.fromiter((g[1] for g in groups), dtype=np.int64, count=n_groups)
        tok_lo, tok_hi = np.searchsorted(sentence, first), np.searchsorted(sentence, last)
        feats = flat_all[_ragged_arange(offsets, lens)]
        local = _sorted_unique(np.concatenate([feats, bigram_cols]))
        n_local = len(local)
        self._local_id[local] = np.arange(n_local)
        words = _Words(inverse, lens, self._local_id[feats], np.cumsum(lens) - lens, bigram_pos, self._local_id[bigram_cols], n_local)
        span = tok_hi - tok_lo
        ends = np.cumsum(span)
        proba = np.empty((n_groups, self._n_rows), np.float32)
        g = 0
        while g < n_groups:
            if span[g] > self.chunk_tokens:
                h = g + 1
                col, count = words.dense_counts(int(tok_lo[g]), int(tok_hi[g]), self.chunk_tokens)
                indptr = np.array([0, len(col)], np.int32)
            else:
                h = int(np.searchsorted(ends, ends[g] - span[g] + self.chunk_tokens, side="right"))
                col, count, indptr = words.sorted_counts(tok_lo[g:h], tok_hi[g:h])
            proba[g:h] = self._proba_of_counts(local[col].astype(np.int32), count, indptr)
            g = h
        return proba

    def _proba_of_counts(self, col: np.ndarray, count: np.ndarray, indptr: np.ndarray) -> np.ndarray:
        """Probabilities of rows of feature counts (``col``: ranked feature numbers,
        ascending within a row; CSR ``indptr``): sublinear TF times IDF, L2 norm, the
        coefficients, Platt."""
        value = np.log(count) + np.float32(1.0) if self.config.sublinear_tf else count
        value *= self._ranked_idf[col]
        first_key = indptr[:-1]
        filled = np.diff(indptr) > 0
        norms = np.ones(len(first_key), np.float32)
        if len(col):
            norms[filled] = np.sqrt(np.add.reduceat(value * value, first_key[filled]))
        # A sparse product over all rows of the coefficients (it reads only the rows of
        # the document's features, with no copy of them), single-threaded: a dense one
        # calls BLAS, whose threads spin against the other batch workers' on a small machine.
        counts = sparse.csr_matrix((value, col, indptr), shape=(len(first_key), len(self._ranked_idf)))
        decision = np.asarray(counts @ self._ranked_coef_t) / norms[:, None] + self.intercept
        return self._calibrated(decision)

    def passage_proba(self, sums_a: np.ndarray, sums_q: np.ndarray) -> np.ndarray:
        """The labels' own probabilities of passages (sentences, which rank evidence) from
        their sums of ``idf * coef`` and ``idf**2`` over their words (see
        :meth:`passage_proba_from_counts`)."""
        scale = np.where(sums_q > 1e-9, np.maximum(sums_q, 1e-9) ** -0.5, 0.0).astype(np.float32)
        decision = sums_a * scale[:, None] + self.intercept
        return self._calibrated(decision)[:, : len(self.labels)]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Document probabilities for raw texts (tokenised with samspil's Danish pipeline)."""
        from ..tokenise import make_danish

        nlp = make_danish()
        return self.predict_proba_docs(list(nlp.pipe(texts, batch_size=16)))

    def predict_proba_docs(self, docs: Iterable) -> np.ndarray:
        docs = list(docs)
        return np.vstack([s.doc for s in self.score_docs(docs)]) if docs else np.zeros((0, len(self.labels)))

    # -- storage -----------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write the model as ``manifest.json``, ``vocab.json`` and ``weights.safetensors``."""
        from safetensors.numpy import save_file

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        tensors = {
            "idf": self.idf.astype(np.float32),
            "coef": self.coef.astype(np.float32),
            "intercept": self.intercept.astype(np.float32),
            "platt_a": self.platt_a.astype(np.float32),
            "platt_b": self.platt_b.astype(np.float32),
        }
        if self.stack is not None:
            tensors["stack_coef"] = self.stack.coef.astype(np.float32)
            tensors["stack_intercept"] = self.stack.intercept.astype(np.float32)
            if self.stack.first_thresholds is not None:
                tensors["stack_first_thresholds"] = np.asarray(self.stack.first_thresholds, dtype=np.float32)
        save_file(tensors, str(path / "weights.safetensors"))
        (path / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        write_manifest(path, {
            "format": "samspil-linear",
            "format_version": FORMAT_VERSION,
            "labels": list(self.labels),
            "thresholds": self.thresholds.to_dict(),
            "feature_config": asdict(self.config),
            "window_weight": np.round(np.asarray(self.window_weight, dtype=np.float64), 4).tolist(),
            "gate": self.gate,
            "gate_power": self.gate_power,
            **self.meta,
        }, ("weights.safetensors", "vocab.json"))

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        """Load a model directory, checking the manifest's hashes and labels."""
        from safetensors.numpy import load_file

        path = Path(path)
        manifest = read_manifest(path, "samspil-linear")
        if manifest.get("format_version") not in _READABLE_FORMATS:
            raise ModelError(f"{path}: expected a samspil-linear model of format version {' or '.join(map(str, _READABLE_FORMATS))}, found version {manifest.get('format_version')}; retrain it with this samspil (`samspil train`).")
        labels = tuple(manifest["labels"])
        unknown = [lab for lab in labels if lab not in LABELS]
        if unknown:
            raise ModelError(f"{path}: labels {unknown} are not taxonomy ids {list(LABELS)}")
        weights = load_file(str(path / "weights.safetensors"))
        vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
        gate = bool(manifest.get("gate", False))
        expected = (len(labels) + int(gate), len(vocab))
        if weights["coef"].shape != expected:
            raise ModelError(f"{path}: coef has shape {weights['coef'].shape}, expected {expected} ({len(labels)} labels{' and the gate' if gate else ''} by the vocabulary)")
        meta = {k: v for k, v in manifest.items() if k not in ("format", "format_version", "labels", "thresholds", "feature_config", "window_weight", "gate", "gate_power", "files")}
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
            window_weight=window_weight_from_json(manifest.get("window_weight", 1.0), len(labels), path),
            meta=meta,
            gate=gate,
            gate_power=float(manifest.get("gate_power", 0.0)),
            stack=LabelStack(weights["stack_coef"], weights["stack_intercept"], weights.get("stack_first_thresholds")) if "stack_coef" in weights else None,
        )


# ---------------------------------------------------------------------- training


@dataclass(frozen=True, slots=True)
class LinearParams:
    """Hyper-parameters of the linear backend."""

    C: float = 4.0
    calibration_folds: int = 5
    features: FeatureConfig = field(default_factory=FeatureConfig)
    seed: int = 0
    #: Multiple-instance training on passages (see :func:`fit_linear`); 0 rounds: documents only.
    passage_rounds: int = 0
    passage_words: int = 60
    passage_negative_weight: float = 0.3
    #: Negative passages per negative document: the ones the current model scores highest (0: all).
    passage_negatives: int = 0
    #: Also fit the relevance gate (any label against none; see :meth:`LinearModel._gated`).
    gate: bool = False
    #: F1 given up per unit of a threshold's distance from 0.5 when thresholds are tuned
    #: (see :func:`samspil.classify.thresholds.best_threshold`).
    threshold_penalty: float = 0.0

    def __post_init__(self) -> None:
        if self.threshold_penalty < 0:
            raise ValueError(f"threshold_penalty must be >= 0, got {self.threshold_penalty}")
        if self.C <= 0:
            raise ValueError(f"C must be positive, got {self.C}")
        if self.calibration_folds < 2:
            raise ValueError(f"calibration_folds must be at least 2, got {self.calibration_folds}")
        if self.passage_rounds < 0 or self.passage_words < 20 or not 0 <= self.passage_negative_weight <= 1:
            raise ValueError(f"expected passage_rounds >= 0, passage_words >= 20 and passage_negative_weight in [0, 1], got "
                             f"{self.passage_rounds}, {self.passage_words}, {self.passage_negative_weight}")


def build_vocab(docs: Sequence, config: FeatureConfig) -> list[str]:
    """Feature names that occur in at least ``min_df`` documents, sorted."""
    from collections import Counter

    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc_feature_names(doc, config))
    return sorted(name for name, n in df.items() if n >= config.min_df)


def fit_linear(docs: Sequence, y: np.ndarray, labels: tuple[str, ...], params: LinearParams = LinearParams()) -> LinearModel:
    """Fit the linear backend on spaCy ``Doc`` objects and a 0/1 label matrix.

    One logistic regression per label on the documents' TF-IDF, with Platt scaling
    fitted on out-of-fold decisions (as scikit-learn's ``CalibratedClassifierCV``
    with ``ensemble=False``). With ``params.passage_rounds > 0`` the model also
    learns from passages, as multiple-instance learning: a label on a document says
    that at least one of its passages carries it, so each round adds, for every
    positive training document, the passage that the current model scores highest
    as a positive, and every passage of the negative documents as a negative
    (weighted ``passage_negative_weight``). Passages are scored at use, so this
    teaches the model what a label-bearing passage looks like, not only a
    label-bearing document: one agenda item in twelve.

    With ``params.gate`` one more model is fitted the same way on "has any label"
    (the relevance gate), used at power 0.5 until tuning chooses
    (:func:`samspil.trainer.tune_by_cross_validation`).

    Thresholds are left at 0.5; :func:`samspil.train.train` tunes them on dev.
    """
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.model_selection import StratifiedKFold

    if y.shape != (len(docs), len(labels)):
        raise ValueError(f"expected y of shape {(len(docs), len(labels))}, got {y.shape}")
    config = params.features
    names = labels
    if params.gate:
        y = np.hstack([y, y.any(axis=1, keepdims=True)]).astype(y.dtype)
        names = (*labels, "(any label: the gate)")
    vocab = build_vocab(docs, config)
    featurizer = Featurizer(vocab, config)
    per_sentence = [featurizer.counts(d) for d in docs]
    counts = sparse.vstack([sparse.csr_matrix(c.sum(axis=0)) for c in per_sentence]).tocsr()
    tfidf = TfidfTransformer(sublinear_tf=config.sublinear_tf).fit(counts)
    idf = tfidf.idf_.astype(np.float32)
    x = tfidf.transform(counts).tocsr()
    passages, owner = _passages(docs, per_sentence, tfidf, params) if params.passage_rounds else (None, np.zeros(0, np.int64))
    coef = np.zeros((len(names), len(vocab)), dtype=np.float32)
    intercept = np.zeros(len(names), dtype=np.float32)
    a = np.zeros(len(names), dtype=np.float32)
    b = np.zeros(len(names), dtype=np.float32)
    for j in range(len(names)):
        yj = y[:, j].astype(int)
        if yj.sum() < 2 or yj.sum() > len(yj) - 2:
            raise ValueError(f"label {names[j]!r} has {int(yj.sum())} positive training documents of {len(yj)}; need at least 2 of each class")
        folds = int(min(params.calibration_folds, yj.sum(), len(yj) - yj.sum()))
        oof = np.zeros(len(yj))
        for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=params.seed).split(x, yj):
            oof[test_idx] = _fit_label(x, yj, passages, owner, train_idx, params).decision_function(x[test_idx])
        final = _fit_label(x, yj, passages, owner, np.arange(len(yj)), params)
        coef[j] = final.coef_[0]
        intercept[j] = final.intercept_[0]
        a[j], b[j] = _platt(oof, yj)
    return LinearModel(
        labels=labels,
        vocab=vocab,
        idf=idf,
        coef=coef,
        intercept=intercept,
        platt_a=a,
        platt_b=b,
        thresholds=Thresholds(labels, tuple(0.5 for _ in labels)),
        config=config,
        gate=params.gate,
        gate_power=0.5 if params.gate else 0.0,
    )

def _lr(params: LinearParams):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=params.C, class_weight="balanced", solver="liblinear", random_state=params.seed)


def _passages(docs: Sequence, per_sentence: list, tfidf, params: LinearParams) -> tuple[sparse.csr_matrix, np.ndarray]:
    """TF-IDF rows of the documents' passages (overlapping windows of about
    ``passage_words`` words) and the index of the document each comes from."""
    rows, owner = [], []
    for i, (doc, c) in enumerate(zip(docs, per_sentence)):
        words = token_table(doc).words_per_sentence.tolist()
        if sum(words) > 1.5 * params.passage_words:
            for first, last in windows(words, params.passage_words):
                rows.append(sparse.csr_matrix(c[first:last].sum(axis=0)))
                owner.append(i)
    if not rows:
        return sparse.csr_matrix((0, per_sentence[0].shape[1]), dtype=np.float32), np.zeros(0, np.int64)
    return tfidf.transform(sparse.vstack(rows).tocsr()).tocsr(), np.asarray(owner, dtype=np.int64)


def _fit_label(x, yj: np.ndarray, passages, owner: np.ndarray, doc_idx: np.ndarray, params: LinearParams):
    """One label's logistic regression on the documents ``doc_idx`` and, with passage
    rounds, on their passages chosen as :func:`fit_linear` describes."""
    clf = _lr(params).fit(x[doc_idx], yj[doc_idx])
    if not params.passage_rounds or passages is None or passages.shape[0] == 0:
        return clf
    in_fold = np.isin(owner, doc_idx)
    negative = np.flatnonzero(in_fold & (yj[owner] == 0))
    positive_rows = np.flatnonzero(in_fold & (yj[owner] == 1))
    for _ in range(params.passage_rounds):
        chosen = _top_per_doc(clf, passages, owner, positive_rows, 1)
        hard = _top_per_doc(clf, passages, owner, negative, params.passage_negatives) if params.passage_negatives else negative
        features = sparse.vstack([x[doc_idx], passages[chosen], passages[hard]]).tocsr()
        target = np.concatenate([yj[doc_idx], np.ones(len(chosen), int), np.zeros(len(hard), int)])
        weight = np.concatenate([np.ones(len(doc_idx)), np.ones(len(chosen)), np.full(len(hard), params.passage_negative_weight)])
        clf = _lr(params).fit(features, target, sample_weight=weight)
    return clf


def _top_per_doc(clf, passages, owner: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """Of the passage ``rows``, the ``k`` of each document that ``clf`` scores highest."""
    if not len(rows):
        return rows
    scores = clf.decision_function(passages[rows])
    order = np.lexsort((-scores, owner[rows]))  # by document, best first
    ranked = rows[order]
    docs = owner[ranked]
    first = np.searchsorted(docs, docs)  # the first position of each row's document
    return np.sort(ranked[np.arange(len(ranked)) - first < k])


def _platt(decision: np.ndarray, yj: np.ndarray) -> tuple[float, float]:
    """Platt scaling ``p = 1 / (1 + exp(a * d + b))`` fitted on out-of-fold decisions."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e6).fit(decision.reshape(-1, 1), yj)
    return -float(fit.coef_[0, 0]), -float(fit.intercept_[0])

