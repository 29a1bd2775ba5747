"""Train the spaCy and transformer backends beside the default linear model and
compare them on dev (the choice) and test (for the record). Writes
models/samspil-linear/backends.json, which `make eval` puts into the model card.

The transformer is fine-tuned from a tiny BERT built here from scratch (a
WordPiece tokenizer trained on the training split and a two-layer BertConfig):
no pretrained model can be downloaded on the project's machines. On a machine
with a Danish BERT, pass its path with --base-model to compare for real.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from samspil.corpus import as_read, corpus_hash, label_matrix, read_split
from samspil.evaluation import label_metrics, load_backend
from samspil.trainer import micro_f1, train

ROOT = Path(__file__).resolve().parents[1]


def score(model_dir: Path, dev, test) -> dict:
    model = load_backend(model_dir)
    labels = model.labels
    y_dev, y_test = label_matrix(dev, labels), label_matrix(test, labels)
    dev_pred = model.thresholds.predict(model.predict_proba([d["text"] for d in dev])).astype(int)
    t = time.perf_counter()
    proba = model.predict_proba([d["text"] for d in test])
    rate = len(test) / (time.perf_counter() - t)
    m = label_metrics(y_test, model.thresholds.predict(proba).astype(int), labels)
    return {"dev_micro_f1": round(micro_f1(y_dev, dev_pred), 4), "test_trends_micro_f1": m["trends"]["micro_f1"], "test_forms_micro_f1": m["forms"]["micro_f1"],
            "test_all_micro_f1": m["all"]["micro_f1"], "docs_per_s": round(rate, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-model", help="transformer checkpoint to fine-tune (default: a tiny BERT built from scratch)")
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args()
    dev, test = as_read(read_split("dev")), as_read(read_split("test"))
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        # The shipped linear model is fitted on train and dev (cross-validated tuning); to
        # compare backends on dev, each is fitted on train and tuned on dev here.
        train(work / "linear", tuning="dev")
        rows.append({"backend": "linear (default)", **score(work / "linear", dev, test),
                     "note": "training/configs/linear.json; fitted on train, tuned on dev for this comparison"})
        train(work / "spacy", backend="spacy")
        rows.append({"backend": "spacy", **score(work / "spacy", dev, test), "note": "TextCatBOW, training/configs/textcat.cfg"})
        base = args.base_model
        note = f"fine-tuned from {base}"
        if base is None:
            from samspil.testing import make_tiny_bert

            base = str(make_tiny_bert([d["text"] for d in as_read(read_split("train"))], work / "tiny-bert", vocab_size=4000, hidden=64))
            note = "tiny BERT from scratch (no pretrained weights reachable), 3 epochs"
        cfg = work / "transformer.json"
        cfg.write_text(json.dumps({"epochs": args.epochs, "learning_rate": 5e-4 if args.base_model is None else 5e-5, "batch_size": 16, "max_length": 256}), encoding="utf-8")
        train(work / "transformer", backend="transformer", base_model=base, config=cfg)
        rows.append({"backend": "transformer", **score(work / "transformer", dev, test), "note": note})
    best = max(rows, key=lambda r: r["dev_micro_f1"])
    why = (f"The default is the backend with the best dev micro-F1 among those that run on the CPU within the batch speed goals: "
           f"{best['backend']} (dev figures in the table). Test figures are shown for the record, not used for the choice.")
    out = ROOT / "models" / "samspil-linear" / "backends.json"
    out.write_text(json.dumps({"why": why, "corpus_sha256": corpus_hash(), "date": time.strftime("%Y-%m-%d"), "backends": rows}, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(rows, indent=2))
    print(why)


if __name__ == "__main__":
    main()
