"""The spaCy backend: ``textcat_multilabel`` trained from a ``spacy train`` config.

Training writes the corpus as ``.spacy`` files and calls spaCy's own training
loop with ``training/configs/textcat.cfg``; the trained pipeline is stored by
spaCy (its own binary format, no pickle) beside a samspil manifest with labels,
thresholds and file hashes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..models import config_dir
from .base import read_manifest, write_manifest
from .thresholds import Thresholds

CONFIG = config_dir() / "textcat.cfg"


class TextcatModel:
    """A trained spaCy text classifier with samspil's thresholds."""

    def __init__(self, nlp, labels: tuple[str, ...], thresholds: Thresholds, meta: dict[str, Any] | None = None) -> None:
        self.nlp = nlp
        self.labels = labels
        self.thresholds = thresholds
        self.meta = meta or {}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Document probabilities: the maximum over the whole text and its windows of about 150 words."""
        out = np.zeros((len(texts), len(self.labels)))
        for i, text in enumerate(texts):
            parts = [text] + _windows(text)
            docs = list(self.nlp.pipe(parts, batch_size=16))
            scores = np.array([[d.cats.get(lab, 0.0) for lab in self.labels] for d in docs])
            out[i] = scores.max(axis=0) if self.meta.get("window_weight", 1.0) > 0 else scores[0]
        return out

    def save(self, path: str | Path) -> None:
        path = Path(path)
        self.nlp.to_disk(path / "pipeline")
        write_manifest(path, {"format": "samspil-textcat", "labels": list(self.labels), "thresholds": self.thresholds.to_dict(), **self.meta}, ("pipeline",))

    @classmethod
    def load(cls, path: str | Path) -> TextcatModel:
        import spacy

        path = Path(path)
        manifest = read_manifest(path, "samspil-textcat")
        meta = {k: v for k, v in manifest.items() if k not in ("format", "labels", "thresholds", "files")}
        return cls(spacy.load(path / "pipeline"), tuple(manifest["labels"]), Thresholds.from_dict(manifest["thresholds"]), meta)


def _windows(text: str, words: int = 150) -> list[str]:
    tokens = text.split()
    if len(tokens) <= 1.5 * words:
        return []
    step = words // 2
    return [" ".join(tokens[i : i + words]) for i in range(0, len(tokens) - step, step)]


def to_docbin(docs: list[dict[str, Any]], labels: tuple[str, ...], path: Path) -> None:
    """Write corpus documents with their ``cats`` as a ``.spacy`` file."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("da")
    db = DocBin()
    for d in docs:
        doc = nlp.make_doc(d["text"])
        gold = set(d["trends"]) | set(d["forms"])
        doc.cats = {lab: float(lab in gold) for lab in labels}
        db.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)


def fit_textcat(train_docs: list[dict[str, Any]], dev_docs: list[dict[str, Any]], labels: tuple[str, ...], work: Path, config: Path = CONFIG, seed: int = 0):
    """Train with spaCy's training loop; returns the trained ``Language``."""
    import spacy
    from spacy.cli.train import train as spacy_train

    to_docbin(train_docs, labels, work / "train.spacy")
    to_docbin(dev_docs, labels, work / "dev.spacy")
    spacy_train(config, work / "out", overrides={"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"), "system.seed": seed})
    return spacy.load(work / "out" / "model-best")
