"""Train a classifier on the corpus (``samspil train`` and ``make train``)."""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .classify.linear import LinearModel, LinearParams, fit_linear
from .classify.thresholds import tune_thresholds
from .corpus import corpus_hash, label_matrix, read_split
from .records import LABELS
from .tokenise import make_danish

WINDOW_WEIGHTS = (0.0, 0.8, 0.9, 1.0)


def parse_texts(texts: list[str], batch_size: int = 16) -> list:
    """Run the Danish tokeniser, sentence splitter and lemmatizer over texts."""
    nlp = make_danish()
    return list(nlp.pipe(texts, batch_size=batch_size))


def micro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = int(np.sum((pred == 1) & (y == 1)))
    fp = int(np.sum((pred == 1) & (y == 0)))
    fn = int(np.sum((pred == 0) & (y == 1)))
    return 2 * tp / max(2 * tp + fp + fn, 1)


def tune_on_dev(model: LinearModel, dev_docs: list, y_dev: np.ndarray, band: float = 0.1) -> dict[str, Any]:
    """Choose the window weight and per-label thresholds that maximise dev micro-F1."""
    results = {}
    best = None
    for w in WINDOW_WEIGHTS:
        model.window_weight = w
        proba = model.predict_proba_docs(dev_docs)
        th = tune_thresholds(y_dev, proba, model.labels, band)
        f1 = micro_f1(y_dev, th.predict(proba).astype(int))
        results[str(w)] = round(f1, 4)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, w, th)
    assert best is not None
    model.window_weight = best[1]
    model.thresholds = best[2]
    return {"dev_micro_f1_by_window_weight": results, "window_weight": best[1], "dev_micro_f1": round(best[0], 4)}


def train(
    out: str | Path = "models/samspil-linear",
    corpus_dir: str | Path | None = None,
    params: LinearParams | None = None,
    labels: tuple[str, ...] = LABELS,
    name: str = "samspil-linear",
) -> LinearModel:
    """Train the linear backend on the train split, tune it on dev, save it to ``out``.

    Args:
        out: model directory to write.
        corpus_dir: a corpus folder with ``data/{train,dev,test}.jsonl`` (default: the shipped corpus).
        params: hyper-parameters (:class:`~samspil.classify.linear.LinearParams`).
        labels: label ids to train; a researcher's own corpus may use its own.
        name: the model's name in its manifest.
    """
    params = params or LinearParams()
    train_docs = read_split("train", corpus_dir)
    dev_docs = read_split("dev", corpus_dir)
    parsed_train = parse_texts([d["text"] for d in train_docs])
    parsed_dev = parse_texts([d["text"] for d in dev_docs])
    y_train = label_matrix(train_docs, labels)
    y_dev = label_matrix(dev_docs, labels)
    model = fit_linear(parsed_train, y_train, labels, params)
    tuning = tune_on_dev(model, parsed_dev, y_dev)
    import sklearn
    import spacy

    model.meta = {
        "name": name,
        "version": __version__,
        "backend": "linear",
        "created": _dt.date.today().isoformat(),
        "corpus_sha256": corpus_hash(corpus_dir),
        "n_train": len(train_docs),
        "n_dev": len(dev_docs),
        "params": {k: v for k, v in asdict(params).items() if k != "features"},
        "tuning": tuning,
        "versions": {"samspil": __version__, "spacy": spacy.__version__, "scikit-learn": sklearn.__version__},
    }
    model.save(out)
    return model
