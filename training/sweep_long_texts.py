"""How the long-text settings of the linear backend behave, on long texts built from dev
only (never test): the grid behind ``sentence_min_words`` and ``long_text_margin`` in
training/configs/linear.json.

Usage: python training/sweep_long_texts.py [MODEL_DIR]

MODEL_DIR is a linear model fitted on train alone and tuned on dev
(``samspil.trainer.train(out=..., tuning="dev")``); without it one is fitted first (about
six minutes on two cores). For every setting it prints one JSON line:

- ``unlabelled_long_texts_without_label``: long texts (1,600+ words, four seeds of 40)
  made of dev's documents without a label, left without any label;
- ``guideline_sentences_found``: the guideline's 57 example sentences that carry a label,
  each placed in such a long text, given their label;
- ``one_item_in_many``: micro-precision, recall and F1 on long texts where one labelled dev
  document lies among unlabelled ones (two seeds of 60);
- ``dev_long`` and ``dev``: micro-F1 on dev's documents over 1,000 words and on all of dev.
"""
from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nlp"))

from samspil.classify.linear import LinearModel  # noqa: E402
from samspil.corpus import as_read, guideline_examples, label_matrix, one_item_in_many, one_sentence_in_many, read_split  # noqa: E402
from samspil.evaluation import _micro_prf  # noqa: E402
from samspil.records import LABELS  # noqa: E402
from samspil.trainer import parse_texts, train  # noqa: E402

MIN_WORDS = (4, 6, 8, 10, 12)
MARGINS = (0.0, 0.05, 0.1, 0.15)


def main(model_dir: str | None = None) -> None:
    if model_dir is None:
        model_dir = tempfile.mkdtemp(prefix="samspil-train-only-")
        train(out=model_dir, tuning="dev")
    model = LinearModel.load(model_dir)
    dev = as_read(read_split("dev"))
    carriers = [t for seed in range(4) for t in one_sentence_in_many(dev, [""] * 40, 1600, seed)]
    examples = [(lab, q) for lab, sign, q in guideline_examples() if sign == "+" and lab in LABELS]
    placed = one_sentence_in_many(dev, [q for _, q in examples], 1600, 7)
    items, chosen = [], []
    for seed in range(2):
        texts, docs = one_item_in_many(dev, 60, 1600, seed)
        items += texts
        chosen += docs
    parsed = {"carriers": parse_texts(carriers), "placed": parse_texts(placed), "items": parse_texts(items),
              "dev": parse_texts([d["text"] for d in dev])}
    y_items, y_dev = label_matrix(chosen, LABELS), label_matrix(dev, LABELS)
    long_dev = np.array([len(d["text"].split()) > model.config.long_text_words for d in dev])
    target = np.array([LABELS.index(lab) for lab, _ in examples])
    base = model.config
    settings = [("no sentence runs", replace(base, long_text_sentences=False, long_text_margin=0.0))]
    settings += [(f"sentences of {w}+ words, margin {m:g}", replace(base, long_text_sentences=True, sentence_min_words=w, long_text_margin=m))
                 for w in MIN_WORDS for m in MARGINS]
    for name, config in settings:
        model.config = config

        def predict(key: str) -> np.ndarray:
            return model.thresholds.predict(model.predict_proba_docs(parsed[key])).astype(int)

        clean = int((predict("carriers").sum(axis=1) == 0).sum())
        found = int(predict("placed")[np.arange(len(examples)), target].sum())
        pred_dev = predict("dev")
        print(json.dumps({
            "setting": name,
            "unlabelled_long_texts_without_label": f"{clean}/{len(carriers)}",
            "guideline_sentences_found": f"{found}/{len(examples)}",
            "one_item_in_many": [round(x, 4) for x in _micro_prf(y_items, predict("items"))],
            "dev_long": round(_micro_prf(y_dev[long_dev], pred_dev[long_dev])[2], 4),
            "dev": round(_micro_prf(y_dev, pred_dev)[2], 4),
        }), flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
