"""Label stacking: each label's probability read again in the light of all the labels'.

The label models of the linear backend are fitted one by one and cannot see each other,
and their probabilities are calibrated on whole documents, not on the maximum over a
document's windows that the document score is. A second, small model per label (a
logistic regression on the logits of all the labels' document probabilities, fitted on
out-of-fold probabilities so that it learns how the first models err on texts they
have not seen; stacked generalisation, Wolpert 1992) corrects both.

What it learned on corpus version 5 (the shipped model's ``stack_coef``): mostly a
new calibration of each label's own score (own weight 0.92–1.14, intercepts −0.65 to
−1.36), and small weights between labels (−0.15 to 0.13).

The stack reads the labels of a document anew but does not decide whether a document
is about collaboration at all: that stays the first stage's (:func:`gate_to_first_stage`).
Stacked freely it doubled the share of unlabelled train and dev documents that got a
label (out-of-fold, 8.4 % to 16.5 %) for micro-F1 0.8775 → 0.8803; held to documents
that the first stage gives at least one label, it reached 0.8809 and kept the 8.4 %.
On the test split (model card) the held stack gives 2 of 39 unlabelled documents a
label (the free stack of the previous model gave 5); the price is passing mentions
alone: of the guideline's 57 example sentences as texts of their own, 32 get their
label (41 with the previous model's free stack), as a one-sentence text seldom
passes the first stage.

It is used only where cross-validation shows it helps (see
:func:`samspil.trainer.tune_by_cross_validation`); it is stored as three arrays.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import sigmoid

#: Inverse regularisation strength of the per-label logistic regressions. On dev (a
#: train-only model's dev probabilities, stackers fitted and thresholds tuned within
#: 5-fold cross-validation in dev, 10 repeats) 0.1 gave micro-F1 0.878 against 0.872
#: without stacking, 0.3 0.875, 1.0 0.872. On the 1,818 out-of-fold train and dev
#: documents of corpus version 5 (make train's folds, stacked out-of-fold) C from 0.1 to 3
#: gave 0.8806-0.8810 (0.01: 0.8784, 0.03: 0.8802; without stacking 0.8772).
STACK_C = 0.1
_EPS = 1e-4


def logits(proba: np.ndarray) -> np.ndarray:
    """Log-odds of probabilities, clipped to [1e-4, 1 - 1e-4]."""
    p = np.clip(np.asarray(proba, dtype=np.float64), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


@dataclass(frozen=True, slots=True)
class LabelStack:
    """Per label ``j``: ``sigmoid(coef[j] @ logits(p) + intercept[j])``, where ``p`` are
    the document's probabilities of all labels (in the model's label order)."""

    coef: np.ndarray  # (n_labels, n_labels)
    intercept: np.ndarray  # (n_labels,)
    #: The first stage's thresholds (tuned on its own out-of-fold probabilities): a
    #: document none of whose first-stage probabilities reaches them gets no stacked
    #: label (see :func:`gate_to_first_stage`). None: no such gate (model format 5).
    first_thresholds: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.intercept)
        if self.coef.shape != (n, n):
            raise ValueError(f"expected a square ({n}, {n}) coefficient matrix for {n} labels, got {self.coef.shape}")
        if self.first_thresholds is not None and np.shape(self.first_thresholds) != (n,):
            raise ValueError(f"expected {n} first-stage thresholds, got shape {np.shape(self.first_thresholds)}")

    def apply(self, proba: np.ndarray, thresholds: np.ndarray | None = None) -> np.ndarray:
        """Stacked probabilities of rows of label probabilities (same shape and dtype);
        given the final ``thresholds`` (the model's) and a stack with first-stage
        thresholds, held to the documents the first stage labels (:func:`gate_to_first_stage`)."""
        proba = np.asarray(proba)
        if proba.shape[-1] != len(self.intercept):
            raise ValueError(f"expected {len(self.intercept)} label probabilities per row, got {proba.shape[-1]}")
        z = logits(proba) @ self.coef.T.astype(np.float64) + self.intercept.astype(np.float64)
        stacked = sigmoid(z).astype(proba.dtype if proba.dtype.kind == "f" else np.float64)
        if self.first_thresholds is None or thresholds is None:
            return stacked
        return gate_to_first_stage(proba, stacked, self.first_thresholds, thresholds)


def gate_to_first_stage(first: np.ndarray, stacked: np.ndarray, first_thresholds, thresholds) -> np.ndarray:
    """Stacked probabilities where the first stage gives the document at least one label
    (a probability at or over its first-stage threshold); elsewhere each label's stacked
    probability, but at most its first-stage probability scaled from the first-stage
    threshold to the final one (``first * thresholds / first_thresholds``), which stays
    under the final threshold: the stack re-reads the labels of relevant documents and
    gives none to a document the first stage leaves without."""
    first, stacked = np.asarray(first), np.asarray(stacked)
    t_first = _floored(first_thresholds)
    capped = np.minimum(stacked, first * (np.asarray(thresholds, dtype=np.float64) / t_first))
    return np.where(first_stage_labels_any(first, t_first), stacked, capped).astype(stacked.dtype)


def first_stage_labels_any(first: np.ndarray, first_thresholds) -> np.ndarray:
    """Per row (a column vector): whether any first-stage probability reaches its
    first-stage threshold, the documents the stack may label (:func:`gate_to_first_stage`)."""
    return (np.asarray(first) >= _floored(first_thresholds)).any(axis=-1, keepdims=True)


def _floored(first_thresholds) -> np.ndarray:
    """First-stage thresholds as float64, at least 1e-6 (a divisor in :func:`gate_to_first_stage`)."""
    return np.maximum(np.asarray(first_thresholds, dtype=np.float64), 1e-6)


def fit_label_stack(y: np.ndarray, proba: np.ndarray, C: float = STACK_C, first_thresholds: np.ndarray | None = None) -> LabelStack:
    """Fit one logistic regression per label on the logits of all labels' ``proba``
    (out-of-fold probabilities: fitted on in-sample ones it would learn the first
    models' overconfidence). A label that is always or never present keeps its own
    probability."""
    from sklearn.linear_model import LogisticRegression

    x = logits(proba)
    n = y.shape[1]
    coef = np.zeros((n, n), np.float32)
    intercept = np.zeros(n, np.float32)
    for j in range(n):
        if y[:, j].min() == y[:, j].max():
            coef[j, j] = 1.0
            continue
        lr = LogisticRegression(C=C, max_iter=5000).fit(x, y[:, j])
        coef[j] = lr.coef_[0]
        intercept[j] = lr.intercept_[0]
    return LabelStack(coef, intercept, None if first_thresholds is None else np.asarray(first_thresholds, dtype=np.float32))


def cross_fitted(y: np.ndarray, proba: np.ndarray, folds: int = 5, seed: int = 0, C: float = STACK_C) -> np.ndarray:
    """Stacked probabilities of every document from a stack fitted without it (to tune
    thresholds on and to judge whether stacking helps, as the first models' out-of-fold
    probabilities are judged)."""
    fold_of = np.random.default_rng(seed + 1).permutation(len(y)) % folds
    out = np.zeros_like(proba, dtype=np.float32)
    for k in range(folds):
        held = fold_of == k
        out[held] = fit_label_stack(y[~held], proba[~held], C).apply(proba[held])
    return out
