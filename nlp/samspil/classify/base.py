"""The interface every classifier backend implements, and shared helpers."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..errors import ModelError


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
    probability after aggregation over windows; ``runs`` (when known) is
    ``(n_labels, 2)``: for each label the sentences ``[first, last)`` of the run (the
    whole text, a window, a sentence) its document score came from, where its
    evidence is to be found.
    """

    spans: tuple[tuple[int, int], ...]
    proba: np.ndarray
    doc: np.ndarray
    runs: np.ndarray | None = None


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_hashes(path: Path, parts: tuple[str, ...]) -> dict[str, str]:
    """sha256 of the model's own files, by path relative to ``path``: each of ``parts`` is a
    file or a folder (all files below it). Cards and metrics beside them are not model files."""
    out = {}
    for part in parts:
        target = path / part
        files = sorted(f for f in target.rglob("*") if f.is_file()) if target.is_dir() else [target]
        out.update({str(f.relative_to(path)): sha256_file(f) for f in files})
    return out


def write_manifest(path: Path, manifest: dict[str, Any], parts: tuple[str, ...]) -> None:
    """Write ``manifest.json`` with the hashes of the model files ``parts``."""
    manifest = {**manifest, "files": file_hashes(path, parts)}
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_manifest(path: Path, fmt: str) -> dict[str, Any]:
    """Read and check a model directory's manifest: its format, and that every file it
    lists is there with the same sha256. Raises :class:`~samspil.errors.ModelError`."""
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise ModelError(f"{path}: expected a model directory with manifest.json, found none. Train one with `make train` or pass the right path.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != fmt:
        raise ModelError(f"{path}: expected format {fmt!r}, found {manifest.get('format')!r}")
    for name, digest in manifest.get("files", {}).items():
        if not (path / name).is_file():
            raise ModelError(f"{path}: the manifest lists {name}, which is missing. Reinstall or retrain the model.")
        actual = sha256_file(path / name)
        if actual != digest:
            raise ModelError(f"{path}: {name} has sha256 {actual[:12]}…, the manifest's hashes expect {digest[:12]}…; the model was changed or damaged. Retrain it (`make train`) or reinstall.")
    return manifest
