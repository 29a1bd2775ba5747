"""The spaCy and transformer backends: real training and loading code on small data.

The transformer test builds a tiny BERT itself (a WordPiece tokenizer trained on
corpus texts and a two-layer BertConfig) and never touches the network.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from samspil.corpus import read_split
from samspil.errors import ModelError
from samspil.records import LABELS


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """A researcher's own small corpus folder: 60 train, 20 dev, 10 test documents."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "data").mkdir()
    for split, n in (("train", 60), ("dev", 20), ("test", 10)):
        rows = read_split(split)[:n]
        (root / "data" / f"{split}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return root


def test_spacy_backend_trains_from_a_config_and_reloads(small_corpus, tmp_path):
    from samspil.classify.textcat import CONFIG, TextcatModel
    from samspil.trainer import train

    cfg = tmp_path / "textcat.cfg"
    cfg.write_text(CONFIG.read_text(encoding="utf-8").replace("max_epochs = 25", "max_epochs = 2"), encoding="utf-8")
    model = train(tmp_path / "m", corpus_dir=small_corpus, backend="spacy", config=cfg)
    texts = [d["text"] for d in read_split("test")[:3]]
    again = TextcatModel.load(tmp_path / "m")
    p = again.predict_proba(texts)
    assert p.shape == (3, len(LABELS)) and np.allclose(p, model.predict_proba(texts))
    assert again.labels == LABELS and (tmp_path / "m" / "pipeline" / "config.cfg").is_file()
    (tmp_path / "m" / "pipeline" / "meta.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="sha256"):
        TextcatModel.load(tmp_path / "m")


@pytest.mark.slow
def test_transformer_backend_fine_tunes_a_tiny_bert_offline(small_corpus, tmp_path, monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from samspil.classify.transformer import TransformerModel, split_windows
    from samspil.testing import make_tiny_bert
    from samspil.trainer import train

    base = make_tiny_bert([d["text"] for d in read_split("train", small_corpus)], tmp_path / "tiny")
    cfg = tmp_path / "t.json"
    cfg.write_text(json.dumps({"epochs": 1, "max_length": 64, "batch_size": 8}), encoding="utf-8")
    model = train(tmp_path / "m", corpus_dir=small_corpus, backend="transformer", base_model=str(base), config=cfg)
    assert model.model.config.problem_type == "multi_label_classification"
    assert model.meta["n_train"] == 60 and model.meta["backend"] == "transformer"
    assert list((tmp_path / "m" / "model").glob("*.safetensors")) and not list((tmp_path / "m").rglob("*.bin"))
    long_text = " ".join(d["text"] for d in read_split("test", small_corpus)[:5])
    assert len(split_windows(long_text, model.tokenizer, 64)) > 3  # long documents become windows
    again = TransformerModel.load(tmp_path / "m")
    texts = [d["text"] for d in read_split("test", small_corpus)[:3]]
    p = again.predict_proba(texts)
    assert p.shape == (3, len(LABELS)) and ((p >= 0) & (p <= 1)).all()
    assert np.allclose(p, model.predict_proba(texts), atol=1e-5)
    shutil.copy(tmp_path / "m" / "manifest.json", tmp_path / "manifest.bak")
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    manifest["files"]["model/config.json"] = "0" * 64
    (tmp_path / "m" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError):
        TransformerModel.load(tmp_path / "m")


def test_transformer_backend_needs_a_base_model(small_corpus, tmp_path):
    from samspil.trainer import train

    with pytest.raises(ValueError, match="base model"):
        train(tmp_path / "m", corpus_dir=small_corpus, backend="transformer")


def test_linear_backend_retrains_on_a_researchers_corpus(small_corpus, tmp_path):
    import samspil

    model = samspil.train(tmp_path / "lin", corpus_dir=small_corpus)
    assert model.meta["n_train"] == 60 + 20 and model.meta["tuning"]["method"].startswith("5-fold cross-validation")
    stacking = model.meta["tuning"]["label_stack"]  # judged by cross-validation, used only where it helps
    assert stacking["used"] == (stacking["cv_micro_f1_with"] > stacking["cv_micro_f1_without"] + 0.002) == (model.stack is not None)
    assert model.meta["tuning"]["cv_micro_f1"] == max(stacking["cv_micro_f1_with"] if stacking["used"] else 0, stacking["cv_micro_f1_without"])
    metrics = samspil.evaluate(tmp_path / "lin", corpus_dir=small_corpus, split="test", learning_curve=False)
    assert metrics["documents"] == 10 and 0 <= metrics["model_scores"]["all"]["micro_f1"] <= 1
    assert (tmp_path / "lin" / "README.md").is_file() and (tmp_path / "lin" / "metrics.json").is_file()


def test_train_command_says_what_tuning_chose(small_corpus, tmp_path):
    from typer.testing import CliRunner

    from samspil.cli import app

    result = CliRunner().invoke(app, ["train", "--corpus", str(small_corpus), "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text(encoding="utf-8"))
    stack = manifest["tuning"]["label_stack"]
    assert f"on 80 documents; cross-validated micro-F1 {manifest['tuning']['cv_micro_f1']}" in result.output
    assert f"(label stack {'used' if stack['used'] else 'not used'}: {stack['cv_micro_f1_without']} without, {stack['cv_micro_f1_with']} with)" in result.output
