"""Train a classifier on the corpus (``samspil train`` and ``make train``)."""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .classify.linear import LinearModel, LinearParams, fit_linear, window_weight_from_json
from .classify.stack import STACK_C, LabelStack, cross_fitted, first_stage_labels_any, fit_label_stack, gate_to_first_stage
from .classify.thresholds import Thresholds, best_threshold, tune_review_bands, tune_thresholds
from .corpus import as_read, corpus_hash, label_matrix, read_split
from .evaluation import micro_f1
from .models import config_dir
from .records import LABELS
from .tokenise import make_danish

WINDOW_WEIGHTS = (0.0, 0.8, 0.9, 1.0)
WINDOW_WORDS = (40, 60, 100, 150)
GATE_POWERS = (0.0, 0.5, 1.0)  # how much the relevance gate counts (0: not used); see LinearModel._gated
PER_LABEL_MARGIN = 0.005  # cross-validated micro-F1 a weight per label must add to be used
STACK_MARGIN = 0.002  # cross-validated micro-F1 label stacking must add to be used


def parse_texts(texts: list[str], batch_size: int = 16) -> list:
    """Run the Danish tokeniser, sentence splitter and lemmatizer over texts."""
    nlp = make_danish()
    return list(nlp.pipe(texts, batch_size=batch_size))


def tune_on_dev(model: LinearModel, dev_docs: list, y_dev: np.ndarray, band: float = 0.1, penalty: float = 0.0) -> dict[str, Any]:
    """Choose the window size, the window weight, the gate's power (for a model with a
    relevance gate) and the per-label thresholds that maximise dev micro-F1 (windows
    let one relevant item in a long text carry a label)."""
    results = {}
    best = None
    for config in tuning_configs(model.gate):
        apply_config(model, config)
        proba = model.predict_proba_docs(dev_docs)
        th = tune_thresholds(y_dev, proba, model.labels, band, penalty)
        f1 = micro_f1(y_dev, th.predict(proba).astype(int))
        results[config_name(config)] = round(f1, 4)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, config, th)
    assert best is not None
    apply_config(model, best[1])
    model.thresholds = tune_review_bands(y_dev, model.predict_proba_docs(dev_docs), best[2], max_accuracy=0.75, max_band=0.1)
    size, w, power = best[1]
    return {"method": "tuned on dev", "dev_micro_f1_by_window": results, "window_words": size, "window_weight": w,
            "gate_power": power, "dev_micro_f1": round(best[0], 4)}


def window_configs() -> list[tuple[int, float]]:
    """The (window size, window weight) pairs tuning chooses from; weight 0 is no windows."""
    return [(WINDOW_WORDS[0], 0.0)] + [(size, w) for size in WINDOW_WORDS for w in WINDOW_WEIGHTS if w > 0]


def tuning_configs(gate: bool) -> list[tuple[int, float, float]]:
    """The (window size, window weight, gate power) triples tuning chooses from: every
    window setting with every power for a model with a gate, with power 0 without."""
    return [(size, w, power) for power in (GATE_POWERS if gate else (0.0,)) for size, w in window_configs()]


def apply_config(model: LinearModel, config: tuple) -> None:
    """Set a (window size, window weight[, gate power]) setting on ``model``."""
    model.config = replace(model.config, window_words=config[0])
    model.window_weight = config[1]
    if len(config) > 2:
        model.gate_power = config[2]


def config_name(config: tuple) -> str:
    name = f"{config[0]} words, weight {config[1]}" if config[1] else "no windows"
    return name + (f", gate power {config[2]}" if len(config) > 2 and config[2] else "")


def out_of_fold_proba(docs: list, y: np.ndarray, labels: tuple[str, ...], params: LinearParams,
                      configs: list[tuple[int, float]], folds: int = 5, seed: int = 0) -> dict[tuple[int, float], np.ndarray]:
    """Every document's probabilities from a model fitted without it: the documents are
    split into ``folds`` parts (a seeded permutation), a linear model is fitted on all
    parts but one and scores the one left out, once per (window size, window weight)
    in ``configs`` (or (size, weight, gate power))."""
    fold_of = np.random.default_rng(seed).permutation(len(docs)) % folds
    oof = {c: np.zeros(y.shape, dtype=np.float32) for c in configs}
    for k in range(folds):
        fit_idx, held_idx = np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)
        m = fit_linear([docs[i] for i in fit_idx], y[fit_idx], labels, params)
        held = [docs[i] for i in held_idx]
        for config in configs:
            apply_config(m, config)
            oof[config][held_idx] = m.predict_proba_docs(held)
    return oof


def stack_and_review_bands(y: np.ndarray, labels: tuple[str, ...], f1_plain: float, th_plain: Thresholds, proba_plain: np.ndarray,
                           folds: int = 5, seed: int = 0, penalty: float = 0.0) -> tuple[dict[str, Any], LabelStack | None, Thresholds, float]:
    """The last step of :func:`tune_by_cross_validation`, from the out-of-fold
    probabilities of the chosen setting (``proba_plain``, with their thresholds and
    micro-F1): label stacking, fitted on them, judged on stacked probabilities that are
    out-of-fold as well (a second split), kept only when it beats the plain model by
    ``STACK_MARGIN``; then the review bands. Returns the stacking record, the stack (or
    None), the thresholds with their bands, and the cross-validated micro-F1."""
    # The stack gives no label to a document the first stage leaves without one
    # (gate_to_first_stage): its thresholds are tuned on the documents the first stage
    # labels (the others can only be missed), and it is judged as gated.
    stacked = cross_fitted(y, proba_plain, folds, seed)
    first_thresholds = np.asarray(th_plain.values, dtype=np.float32)
    relevant = first_stage_labels_any(proba_plain, first_thresholds)  # as the stored stack will decide it
    th_stacked = tune_thresholds(y, np.where(relevant, stacked, 0.0), labels, penalty=penalty)
    free_pred = tune_thresholds(y, stacked, labels, penalty=penalty).predict(stacked)
    stacked = gate_to_first_stage(proba_plain, stacked, first_thresholds, th_stacked.values)
    f1_stacked = micro_f1(y, th_stacked.predict(stacked).astype(int))
    used = f1_stacked > f1_plain + STACK_MARGIN
    unlabelled = ~y.any(axis=1)
    stacking = {"cv_micro_f1_without": round(f1_plain, 4), "cv_micro_f1_with": round(f1_stacked, 4), "used": bool(used), "C": STACK_C,
                "cv_micro_f1_with_ungated": round(micro_f1(y, free_pred.astype(int)), 4),
                "unlabelled_given_a_label": {"documents": int(unlabelled.sum()), "without": _share(relevant, unlabelled),
                                             "with": _share(th_stacked.predict(stacked), unlabelled), "with_ungated": _share(free_pred, unlabelled)}}
    stack = fit_label_stack(y, proba_plain, first_thresholds=first_thresholds) if used else None
    proba, th, cv_f1 = (stacked, th_stacked, f1_stacked) if used else (proba_plain, th_plain, f1_plain)
    return stacking, stack, tune_review_bands(y, proba, th, max_accuracy=0.75, max_band=0.1), cv_f1


def _share(pred: np.ndarray, rows: np.ndarray) -> float:
    """Share of the ``rows`` documents given at least one label by ``pred``."""
    return round(float(pred[rows].any(axis=1).mean()), 4) if rows.any() else 0.0


def tune_by_cross_validation(docs: list, y: np.ndarray, labels: tuple[str, ...], params: LinearParams,
                             folds: int = 5, seed: int = 0) -> tuple[dict[str, Any], Thresholds, LabelStack | None]:
    """Choose the window size and weight, the per-label thresholds and the review bands
    from out-of-fold predictions: the documents are split into ``folds`` parts, a model
    is fitted on all parts but one and scores the one left out, so every document is
    scored by a model that did not see it.

    Thresholds chosen on some 1,200 out-of-fold scores are steadier than on a dev split of
    200; tested on dev (models fitted on train), thresholds from train's out-of-fold
    scores gave micro-F1 0.846 against 0.836 for thresholds from half of dev.

    Returns the tuning record (for the model card), the thresholds with their review
    bands, and a label stack (:mod:`samspil.classify.stack`) where stacking the
    out-of-fold probabilities raised cross-validated micro-F1 by more than
    ``STACK_MARGIN``, else None.
    """
    configs = tuning_configs(params.gate)
    oof = out_of_fold_proba(docs, y, labels, params, configs, folds, seed)
    results, best = {}, None
    penalty = params.threshold_penalty
    for config, proba in oof.items():
        th = tune_thresholds(y, proba, labels, penalty=penalty)
        f1 = micro_f1(y, th.predict(proba).astype(int))
        results[config_name(config)] = round(f1, 4)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, config[0], config[1], th, proba)
            power = config[2]
    assert best is not None
    # One weight per label: a trend read from the whole text may do best without
    # windows, a form carried by one agenda item with them. Eleven more choices made on
    # the same out-of-fold scores flatter themselves, so it is kept only when it beats
    # the best single weight by PER_LABEL_MARGIN (on the 1,416-document corpus it gained
    # 0.0009 and was not kept).
    # (At the gate power chosen above.)
    no_windows = oof[(WINDOW_WORDS[0], 0.0, power)]
    for size in WINDOW_WORDS:
        proba = np.empty_like(no_windows)
        weights = []
        for j in range(len(labels)):
            options = [(0.0, no_windows[:, j])] + [(w, oof[(size, w, power)][:, j]) for w in WINDOW_WEIGHTS if w > 0]
            scored = [(best_threshold(y[:, j], p, penalty)[1], w, p) for w, p in options]
            f1_j, w_j, p_j = max(scored, key=lambda t: (t[0] + 1e-9 * (t[1] == 0.0), t[1]))
            weights.append(w_j)
            proba[:, j] = p_j
        th = tune_thresholds(y, proba, labels, penalty=penalty)
        f1 = micro_f1(y, th.predict(proba).astype(int))
        results[f"{size} words, a weight per label"] = round(f1, 4)
        if f1 > best[0] + PER_LABEL_MARGIN:
            best = (f1, size, np.asarray(weights, dtype=np.float32), th, proba)
    stacking, stack, thresholds, cv_f1 = stack_and_review_bands(y, labels, best[0], best[3], best[4], folds, seed, penalty)
    weight = best[2].tolist() if isinstance(best[2], np.ndarray) else best[2]
    tuning = {"method": f"{folds}-fold cross-validation on train and dev", "cv_micro_f1_by_window": results,
              "window_words": best[1], "window_weight": weight, "gate_power": power, "label_stack": stacking,
              "cv_micro_f1": round(cv_f1, 4)}
    return tuning, thresholds, stack



CONFIGS = config_dir()
BACKENDS = ("linear", "spacy", "transformer")


def linear_params_from_file(path: str | Path) -> LinearParams:
    """Read a linear-backend config (JSON) into checked parameters."""
    from .classify.linear import FeatureConfig

    data = {k: v for k, v in json.loads(Path(path).read_text(encoding="utf-8")).items() if not k.startswith("_")}
    features = FeatureConfig(**data.pop("features", {}))
    return LinearParams(**data, features=features)


def _meta(name: str, backend: str, corpus_dir, n_train: int, n_dev: int, **extra) -> dict:
    import spacy

    return {
        "name": name,
        "version": __version__,
        "backend": backend,
        "created": _dt.date.today().isoformat(),
        "corpus_sha256": corpus_hash(corpus_dir),
        "n_train": n_train,
        "n_dev": n_dev,
        "versions": {"samspil": __version__, "spacy": spacy.__version__},
        **extra,
    }


def _train_and_dev(corpus_dir) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The train and dev splits as samspil reads their texts (:func:`samspil.corpus.as_read`):
    what every backend learns and is tuned on."""
    return as_read(read_split("train", corpus_dir)), as_read(read_split("dev", corpus_dir))


def train(
    out: str | Path = "models/samspil-linear",
    corpus_dir: str | Path | None = None,
    params: LinearParams | None = None,
    labels: tuple[str, ...] = LABELS,
    name: str | None = None,
    backend: str = "linear",
    config: str | Path | None = None,
    base_model: str | None = None,
    tuning: str = "cv",
):
    """Train a backend and save it to ``out``.

    The linear backend (the default model) is by default fitted on train and dev
    together, with its window setting, thresholds, review bands and label stack chosen
    by 5-fold cross-validation over them (:func:`tune_by_cross_validation`);
    ``tuning="dev"`` fits it on train and tunes on dev, as the other backends are, for
    comparing backends on dev (without a label stack, which needs out-of-fold
    probabilities of the training documents). The test split is never used. Every backend
    learns from the texts as samspil reads them (:func:`_train_and_dev`).

    Args:
        out: model directory to write.
        corpus_dir: a corpus folder with ``data/{train,dev,test}.jsonl`` (default: the shipped corpus).
        params: linear-backend hyper-parameters; default: ``training/configs/linear.json``.
        labels: label ids to train; a researcher's own corpus may use its own.
        name: the model's name in its manifest (default ``samspil-<backend>``).
        backend: ``linear``, ``spacy`` or ``transformer``.
        config: a config file for the backend (JSON for linear and transformer, a
            spaCy ``.cfg`` for spacy); default: the one in ``training/configs``.
        base_model: for ``transformer``: a local path or hub name to fine-tune.
        tuning: linear backend: ``cv`` (train + dev, cross-validated) or ``dev``.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    name = name or f"samspil-{backend}"
    if backend == "spacy":
        return _train_textcat(Path(out), corpus_dir, labels, name, Path(config) if config else None)
    if backend == "transformer":
        return _train_transformer(Path(out), corpus_dir, labels, name, Path(config) if config else None, base_model)
    if params is None:
        params = linear_params_from_file(config or CONFIGS / "linear.json")
    if tuning not in ("cv", "dev"):
        raise ValueError(f"tuning must be 'cv' or 'dev', got {tuning!r}")
    train_docs, dev_docs = _train_and_dev(corpus_dir)
    parsed_train = parse_texts([d["text"] for d in train_docs])
    parsed_dev = parse_texts([d["text"] for d in dev_docs])
    y_train = label_matrix(train_docs, labels)
    y_dev = label_matrix(dev_docs, labels)
    if tuning == "dev":
        model = fit_linear(parsed_train, y_train, labels, params)
        tuned = tune_on_dev(model, parsed_dev, y_dev, penalty=params.threshold_penalty)
        n_train, n_dev = len(train_docs), len(dev_docs)
    else:
        docs, y = parsed_train + parsed_dev, np.vstack([y_train, y_dev])
        tuned, thresholds, stack = tune_by_cross_validation(docs, y, labels, params, folds=params.calibration_folds, seed=params.seed)
        model = fit_linear(docs, y, labels, params)
        apply_config(model, (tuned["window_words"], window_weight_from_json(tuned["window_weight"], len(labels), out), tuned["gate_power"]))
        model.thresholds = thresholds
        model.stack = stack
        n_train, n_dev = len(docs), 0
    import sklearn

    model.meta = _meta(name, "linear", corpus_dir, n_train, n_dev,
                       params={k: v for k, v in asdict(params).items() if k != "features"}, tuning=tuned)
    model.meta["versions"]["scikit-learn"] = sklearn.__version__
    model.save(out)
    return model


def _train_textcat(out: Path, corpus_dir, labels, name: str, config: Path | None):
    import tempfile

    from .classify.textcat import CONFIG, TextcatModel, fit_textcat

    train_docs, dev_docs = _train_and_dev(corpus_dir)
    with tempfile.TemporaryDirectory() as work:
        nlp = fit_textcat(train_docs, dev_docs, labels, Path(work), config or CONFIG)
        model = TextcatModel(nlp, labels, Thresholds(labels, tuple(0.5 for _ in labels)))
        y_dev = label_matrix(dev_docs, labels)
        proba = model.predict_proba([d["text"] for d in dev_docs])
        model.thresholds = tune_thresholds(y_dev, proba, labels)
        f1 = micro_f1(y_dev, model.thresholds.predict(proba).astype(int))
        model.meta = _meta(name, "spacy", corpus_dir, len(train_docs), len(dev_docs), config=str(config or CONFIG), tuning={"dev_micro_f1": round(f1, 4)})
        out.mkdir(parents=True, exist_ok=True)
        model.save(out)
    return model


def _train_transformer(out: Path, corpus_dir, labels, name: str, config: Path | None, base_model: str | None):
    from .classify.transformer import TransformerParams, fit_transformer

    if not base_model:
        raise ValueError("the transformer backend needs a base model: --base-model PATH_OR_HUB_NAME")
    data = {k: v for k, v in json.loads((config or CONFIGS / "transformer.json").read_text(encoding="utf-8")).items() if not k.startswith("_")}
    params = TransformerParams(**data)
    train_docs, dev_docs = _train_and_dev(corpus_dir)
    model = fit_transformer(train_docs, dev_docs, labels, base_model, params)
    y_dev = label_matrix(dev_docs, labels)
    f1 = micro_f1(y_dev, model.thresholds.predict(model.predict_proba([d["text"] for d in dev_docs])).astype(int))
    model.meta.update(_meta(name, "transformer", corpus_dir, len(train_docs), len(dev_docs), tuning={"dev_micro_f1": round(f1, 4)}))
    out.mkdir(parents=True, exist_ok=True)
    model.save(out)
    return model
