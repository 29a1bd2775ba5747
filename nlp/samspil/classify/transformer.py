"""The transformer backend: a ``transformers`` sequence classifier with
``problem_type="multi_label_classification"``, fine-tuned from any local path or
hub name the user gives.

Long documents are split at sentence boundaries into windows that fit the
model; a document's probability for a label is the maximum over its windows, so
a label carried by one agenda item in twelve is not diluted. torch and
transformers are imported only here, and only when this backend is used.
Weights are saved as safetensors; a samspil manifest holds labels, thresholds
and file hashes, checked on load.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .base import read_manifest, write_manifest
from .thresholds import Thresholds, tune_thresholds


@dataclass(frozen=True, slots=True)
class TransformerParams:
    """Fine-tuning settings."""

    epochs: int = 3
    learning_rate: float = 5e-5
    batch_size: int = 8
    max_length: int = 256
    weight_decay: float = 0.01
    seed: int = 0

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {self.epochs}")
        if not 16 <= self.max_length <= 4096:
            raise ValueError(f"max_length must lie in [16, 4096], got {self.max_length}")
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")


def split_windows(text: str, tokenizer, max_length: int) -> list[str]:
    """Sentences grouped into windows of at most ``max_length`` model tokens (a longer
    sentence is its own window and is truncated by the tokenizer)."""
    nlp = _sentence_nlp()
    sents = [s.text.strip() for s in nlp(text).sents if s.text.strip()] or [text]
    budget = max_length - 2
    lengths = [len(ids) for ids in tokenizer(sents, add_special_tokens=False)["input_ids"]]
    windows, current, used = [], [], 0
    for sent, n in zip(sents, lengths):
        if current and used + n > budget:
            windows.append(" ".join(current))
            current, used = [], 0
        current.append(sent)
        used += n
    if current:
        windows.append(" ".join(current))
    return windows


_NLP = None


def _sentence_nlp():
    global _NLP
    if _NLP is None:
        from ..tokenise import make_danish

        _NLP = make_danish(lemmas=False)
    return _NLP


class TransformerModel:
    """A fine-tuned transformer classifier with samspil's thresholds."""

    def __init__(self, model, tokenizer, labels: tuple[str, ...], thresholds: Thresholds, max_length: int, meta: dict[str, Any] | None = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.labels = labels
        self.thresholds = thresholds
        self.max_length = max_length
        self.meta = meta or {}

    def window_proba(self, windows: list[str], batch_size: int = 16) -> np.ndarray:
        import torch

        self.model.eval()
        device = next(self.model.parameters()).device
        out = []
        with torch.no_grad():
            for i in range(0, len(windows), batch_size):
                enc = self.tokenizer(windows[i : i + batch_size], truncation=True, max_length=self.max_length, padding=True, return_tensors="pt").to(device)
                out.append(torch.sigmoid(self.model(**enc).logits).cpu().numpy())
        return np.vstack(out) if out else np.zeros((0, len(self.labels)))

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Per document: the maximum probability over its windows."""
        rows = []
        for text in texts:
            rows.append(self.window_proba(split_windows(text, self.tokenizer, self.max_length)).max(axis=0))
        return np.vstack(rows) if rows else np.zeros((0, len(self.labels)))

    def save(self, path: str | Path) -> None:
        path = Path(path)
        self.model.save_pretrained(path / "model", safe_serialization=True)
        self.tokenizer.save_pretrained(path / "model")
        write_manifest(path, {"format": "samspil-transformer", "labels": list(self.labels), "thresholds": self.thresholds.to_dict(),
                              "max_length": self.max_length, **self.meta}, ("model",))

    @classmethod
    def load(cls, path: str | Path) -> TransformerModel:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        path = Path(path)
        manifest = read_manifest(path, "samspil-transformer")
        model = AutoModelForSequenceClassification.from_pretrained(path / "model", use_safetensors=True)
        tokenizer = AutoTokenizer.from_pretrained(path / "model")
        meta = {k: v for k, v in manifest.items() if k not in ("format", "labels", "thresholds", "files", "max_length")}
        return cls(model, tokenizer, tuple(manifest["labels"]), Thresholds.from_dict(manifest["thresholds"]), int(manifest["max_length"]), meta)


def fit_transformer(
    train_docs: list[dict[str, Any]],
    dev_docs: list[dict[str, Any]],
    labels: tuple[str, ...],
    base_model: str,
    params: TransformerParams = TransformerParams(),
) -> TransformerModel:
    """Fine-tune ``base_model`` (a local path or a hub name) on windows of the training documents.

    Every window of a training document carries the document's labels; thresholds
    are tuned on dev with the same window aggregation used in prediction.
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(params.seed)
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    model = AutoModelForSequenceClassification.from_pretrained(
        base_model,
        num_labels=len(labels),
        problem_type="multi_label_classification",
        id2label=dict(enumerate(labels)),
        label2id={lab: i for i, lab in enumerate(labels)},
    )
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model.to(device)
    texts, targets = [], []
    for d in train_docs:
        gold = set(d["trends"]) | set(d["forms"])
        y = [float(lab in gold) for lab in labels]
        for w in split_windows(d["text"], tokenizer, params.max_length):
            texts.append(w)
            targets.append(y)
    optim = torch.optim.AdamW(model.parameters(), lr=params.learning_rate, weight_decay=params.weight_decay)
    rng = np.random.default_rng(params.seed)
    model.train()
    for _ in range(params.epochs):
        order = rng.permutation(len(texts))
        for i in range(0, len(order), params.batch_size):
            idx = order[i : i + params.batch_size]
            enc = tokenizer([texts[j] for j in idx], truncation=True, max_length=params.max_length, padding=True, return_tensors="pt").to(device)
            out = model(**enc, labels=torch.tensor([targets[j] for j in idx], dtype=torch.float32, device=device))
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            optim.zero_grad()
    result = TransformerModel(model, tokenizer, labels, Thresholds(labels, tuple(0.5 for _ in labels)), params.max_length,
                              {"base_model": str(base_model), "params": asdict(params), "n_train_windows": len(texts)})
    if dev_docs:
        y_dev = np.array([[float(lab in set(d["trends"]) | set(d["forms"])) for lab in labels] for d in dev_docs])
        result.thresholds = tune_thresholds(y_dev, result.predict_proba([d["text"] for d in dev_docs]), labels)
    return result
