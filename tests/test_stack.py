"""Label stacking: a second model per label over all labels' document probabilities."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from samspil.classify.linear import LinearModel
from samspil.classify.stack import LabelStack, cross_fitted, fit_label_stack, gate_to_first_stage, logits
from samspil.corpus import read_split
from samspil.models import resolve_model
from samspil.records import LABELS
from samspil.tokenise import make_danish


def _dependent_labels(n: int = 600, seed: int = 0):
    """Three labels: A and C read well from their own probabilities; B's own
    probability is noise, but B is present exactly when A is and C is not."""
    rng = np.random.default_rng(seed)
    a, c = rng.random(n) < 0.4, rng.random(n) < 0.4
    b = a & ~c
    y = np.stack([a, b, c], axis=1).astype(int)
    own = np.where(y == 1, 0.75, 0.25) + rng.normal(0, 0.12, y.shape)
    own[:, 1] = rng.random(n)  # B's first model knows nothing
    return y, np.clip(own, 0.01, 0.99).astype(np.float32)


def test_stack_learns_a_label_from_the_others():
    y, proba = _dependent_labels()
    stacked = cross_fitted(y, proba, folds=5, seed=0)
    assert stacked.shape == proba.shape and stacked.dtype == np.float32

    def auc(score, truth):
        pos, neg = score[truth == 1], score[truth == 0]
        return float((pos[:, None] > neg[None, :]).mean())

    assert auc(proba[:, 1], y[:, 1]) < 0.6  # alone, B is guesswork
    assert auc(stacked[:, 1], y[:, 1]) > 0.95  # read from A and C, out of fold
    stack = fit_label_stack(y, proba)
    assert stack.coef[1, 0] > 0 > stack.coef[1, 2]  # B goes with A, against C


def test_a_label_always_absent_keeps_its_own_probability():
    y, proba = _dependent_labels()
    y[:, 2] = 0
    stack = fit_label_stack(y, proba)
    np.testing.assert_allclose(stack.apply(proba)[:, 2], proba[:, 2], rtol=1e-3, atol=1e-4)


def test_stack_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="square"):
        LabelStack(np.zeros((3, 2), np.float32), np.zeros(3, np.float32))
    with pytest.raises(ValueError, match="3 label probabilities"):
        LabelStack(np.eye(3, dtype=np.float32), np.zeros(3, np.float32)).apply(np.full((1, 4), 0.5))


def test_identity_stack_changes_nothing():
    p = np.array([[0.1, 0.5, 0.93]], np.float32)
    np.testing.assert_allclose(LabelStack(np.eye(3, dtype=np.float32), np.zeros(3, np.float32)).apply(p), p, atol=1e-6)
    assert np.allclose(logits(np.array([0.0, 1.0])), [np.log(1e-4 / (1 - 1e-4)), np.log((1 - 1e-4) / 1e-4)])


def test_stack_travels_with_the_model_and_acts_on_document_probabilities(tmp_path):
    """A model with a stack saves it in its safetensors file and, loaded again, gives
    each document the stacked probabilities of what the first stage gives it; the
    evidence (sentence scores and runs) is the first stage's."""
    shipped = LinearModel.load(resolve_model())
    plain = copy.copy(shipped)
    plain.stack = None
    rng = np.random.default_rng(1)
    n = len(LABELS)
    stacked = copy.copy(plain)
    stacked.stack = shipped.stack or LabelStack((np.eye(n) + rng.normal(0, 0.1, (n, n))).astype(np.float32), rng.normal(0, 0.2, n).astype(np.float32))
    stacked.save(tmp_path / "m")
    again = LinearModel.load(tmp_path / "m")
    np.testing.assert_array_equal(again.stack.coef, stacked.stack.coef)
    if shipped.stack is not None and shipped.stack.first_thresholds is not None:
        np.testing.assert_array_equal(again.stack.first_thresholds, shipped.stack.first_thresholds)
    nlp = make_danish(lemmas=False)
    docs = [nlp(d["text"]) for d in read_split("dev")[:6]]
    for first, got in zip(plain.score_docs(docs), again.score_docs(docs)):
        np.testing.assert_allclose(got.doc, stacked.stack.apply(first.doc[None, :], stacked.thresholds.values)[0], atol=1e-5)
        np.testing.assert_array_equal(got.proba, first.proba)
        np.testing.assert_array_equal(got.runs, first.runs)


def test_model_with_a_stack_for_other_labels_is_refused():
    shipped = LinearModel.load(resolve_model())
    with pytest.raises(ValueError, match="label stack"):
        LinearModel(labels=shipped.labels, vocab=shipped.vocab, idf=shipped.idf, coef=shipped.coef, intercept=shipped.intercept,
                     platt_a=shipped.platt_a, platt_b=shipped.platt_b, thresholds=shipped.thresholds, config=shipped.config,
                     gate=shipped.gate, gate_power=shipped.gate_power, stack=LabelStack(np.eye(3, dtype=np.float32), np.zeros(3, np.float32)))


def test_stack_gives_no_label_to_a_document_the_first_stage_leaves_without():
    """Held to the first stage: a document with no first-stage probability at its
    threshold keeps every stacked probability under the final threshold (at most its
    first-stage one, scaled); a document with a first-stage label gets the stack's."""
    first = np.array([[0.2, 0.3], [0.6, 0.1]], np.float32)
    stacked = np.array([[0.9, 0.2], [0.4, 0.8]], np.float32)
    out = gate_to_first_stage(first, stacked, [0.5, 0.5], [0.4, 0.4])
    np.testing.assert_allclose(out, [[0.16, 0.2], [0.4, 0.8]], atol=1e-6)
    rng = np.random.default_rng(3)
    first, stacked = rng.random((500, 4)).astype(np.float32), rng.random((500, 4)).astype(np.float32)
    t_first, t_final = rng.uniform(0.2, 0.8, 4), rng.uniform(0.2, 0.8, 4)
    out = gate_to_first_stage(first, stacked, t_first, t_final)
    relevant = (first >= t_first).any(axis=1)
    assert not (out[~relevant] >= t_final).any()
    np.testing.assert_array_equal(out[relevant], stacked[relevant])
    stack = LabelStack(np.eye(4, dtype=np.float32), np.zeros(4, np.float32), t_first.astype(np.float32))
    np.testing.assert_allclose(stack.apply(first, t_final), gate_to_first_stage(first, stack.apply(first), stack.first_thresholds, t_final), rtol=1e-6)
    with pytest.raises(ValueError, match="first-stage thresholds"):
        LabelStack(np.eye(4, dtype=np.float32), np.zeros(4, np.float32), np.zeros(3, np.float32))


def test_training_keeps_a_helpful_stack_without_labelling_more_unlabelled_documents():
    """make train's stacking step on labels where one is readable only from the others:
    the stack is used, gated, and gives no more unlabelled documents a label than the
    first stage does."""
    from samspil.classify.thresholds import tune_thresholds
    from samspil.evaluation import micro_f1
    from samspil.trainer import stack_and_review_bands

    y, proba = _dependent_labels()
    labels = LABELS[:3]
    th = tune_thresholds(y, proba, labels)
    f1 = micro_f1(y, th.predict(proba).astype(int))
    record, stack, thresholds, cv_f1 = stack_and_review_bands(y, labels, f1, th, proba)
    assert record["used"] and stack is not None and cv_f1 > f1 + 0.05
    np.testing.assert_array_equal(stack.first_thresholds, np.asarray(th.values, np.float32))
    shares = record["unlabelled_given_a_label"]
    assert shares["documents"] == int((~y.any(axis=1)).sum()) and shares["with"] <= shares["without"]
