"""Per-label decision thresholds, tuned on dev, stored with the model."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Per-label thresholds and the "needs review" band around them.

    A label is predicted when its probability is at least its threshold; it is
    flagged for review when the probability lies within the band of the threshold
    (on either side): ``bands`` per label where tuned, else ``band`` for all.
    """

    labels: tuple[str, ...]
    values: tuple[float, ...]
    band: float = 0.1
    bands: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.values):
            raise ValueError(f"expected one threshold per label ({len(self.labels)}), got {len(self.values)}")
        if not 0 <= self.band < 0.5:
            raise ValueError(f"band must lie in [0, 0.5), got {self.band}")
        if self.bands is not None and (len(self.bands) != len(self.labels) or not all(0 <= b < 0.5 for b in self.bands)):
            raise ValueError(f"expected one band in [0, 0.5) per label ({len(self.labels)}), got {self.bands}")

    def predict(self, proba: np.ndarray) -> np.ndarray:
        return proba >= np.asarray(self.values)

    def review(self, proba: np.ndarray) -> np.ndarray:
        band = np.asarray(self.bands) if self.bands is not None else self.band
        return np.abs(proba - np.asarray(self.values)) < band

    def to_dict(self) -> dict:
        out = {"labels": list(self.labels), "values": [round(float(v), 4) for v in self.values], "band": self.band}
        if self.bands is not None:
            out["bands"] = [round(float(b), 4) for b in self.bands]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Thresholds:
        bands = tuple(float(b) for b in data["bands"]) if data.get("bands") is not None else None
        return cls(tuple(data["labels"]), tuple(float(v) for v in data["values"]), float(data.get("band", 0.1)), bands)


def tune_thresholds(y_true: np.ndarray, proba: np.ndarray, labels: tuple[str, ...], band: float = 0.1,
                    penalty: float = 0.0) -> Thresholds:
    """The threshold per label that maximises F1 on ``(y_true, proba)``, less
    ``penalty`` per unit of distance from 0.5 (see :func:`best_threshold`).

    Ties go to the threshold nearest 0.5, so that a label with few dev examples
    does not get an extreme threshold by chance.
    """
    return Thresholds(labels, tuple(best_threshold(y_true[:, j], proba[:, j], penalty)[0] for j in range(len(labels))), band)


def best_threshold(y_true: np.ndarray, proba: np.ndarray, penalty: float = 0.0) -> tuple[float, float]:
    """For one label: the threshold on the grid 0.05, 0.075, ..., 0.95 that maximises
    F1 minus ``penalty`` x its distance from 0.5, and its F1 (ties go to the threshold
    nearest 0.5).

    F1 is flat around its best threshold, so the plain best grid point moves with the
    sample; on calibrated probabilities 0.5 is the natural cut, and a penalty keeps a
    threshold there unless moving it pays. Measured on corpus version 7 (thresholds
    tuned on four folds' out-of-fold scores, applied to the fifth): penalty 0 gave
    micro-F1 0.8723 with thresholds moving by 0.046 between folds, 0.05 gave 0.8736 and
    0.026 (training/configs/linear.json).
    """
    if penalty < 0:
        raise ValueError(f"penalty must be >= 0, got {penalty}")
    best, best_f1, best_score = 0.5, -1.0, -np.inf
    for t in np.round(np.arange(0.05, 0.951, 0.025), 3):
        pred = proba >= t
        tp = np.sum(pred & (y_true == 1))
        fp = np.sum(pred & (y_true == 0))
        fn = np.sum(~pred & (y_true == 1))
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        score = f1 - penalty * abs(t - 0.5)
        if score > best_score + 1e-9 or (abs(score - best_score) <= 1e-9 and abs(t - 0.5) < abs(best - 0.5)):
            best, best_f1, best_score = float(t), f1, score
    return best, float(best_f1)


def tune_review_bands(y_true: np.ndarray, proba: np.ndarray, thresholds: Thresholds, max_accuracy: float = 0.75,
                      max_band: float = 0.1, min_inside: int = 3) -> Thresholds:
    """Per label, the widest band around the threshold (at most ``max_band``) inside
    which the label's decisions on ``(y_true, proba)`` were right at most
    ``max_accuracy`` of the time (with at least ``min_inside`` decisions inside); 0
    where the model is never that unreliable near the threshold.

    A case worker is asked to read the document exactly where the model's decision
    is close to a coin toss, not for a fixed share of all labels.
    """
    from dataclasses import replace

    grid = np.round(np.arange(0.025, max_band + 1e-9, 0.025), 3)
    bands = []
    for j, t in enumerate(thresholds.values):
        chosen = 0.0
        for b in grid:
            inside = np.abs(proba[:, j] - t) < b
            if inside.sum() < min_inside:
                continue
            right = ((proba[inside, j] >= t) == (y_true[inside, j] == 1)).mean()
            if right <= max_accuracy:
                chosen = float(b)
        bands.append(chosen)
    return replace(thresholds, bands=tuple(bands))
