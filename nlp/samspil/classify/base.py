"""The interface every classifier backend implements, and shared helpers."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Backend(Protocol):
    """A multi-label document classifier.

    ``predict_proba`` returns an ``(n_docs, n_labels)`` array of calibrated
    probabilities in the order of ``labels``. Thresholds live apart from the
    backend (:class:`samspil.classify.thresholds.Thresholds`).
    """

    labels: tuple[str, ...]

    def predict_proba(self, texts: list[str]) -> np.ndarray: ...

    def save(self, path: Path) -> None: ...


@dataclass(frozen=True, slots=True)
class SentenceScores:
    """Per-sentence label scores of one document, for aggregation and evidence.

    ``spans`` are ``(start, end)`` character offsets of the sentences; ``proba``
    is ``(n_sentences, n_labels)``; ``doc`` is the document-level ``(n_labels,)``
    probability after aggregation over windows.
    """

    spans: tuple[tuple[int, int], ...]
    proba: np.ndarray
    doc: np.ndarray


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))
