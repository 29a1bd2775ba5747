"""Score raw corpus batches with a model that has not seen them: how a model does on
documents by new hands, before they are compiled into the corpus and trained on.

Usage: python training/score_batches.py MODEL_DIR corpus/raw/klass-ae [FOLDER ...] [--errors]

The texts are read as samspil reads a .txt file (:func:`samspil.corpus.as_read`) and
scored by the model with its own thresholds. Prints one JSON object: micro-F1,
precision and recall for the trends, the forms and all labels, the unlabelled documents
given a label, the same per folder and per label; with ``--errors``, one line per
document with a missed or an extra label. The datasheet's "scored before they were
added" figures come from this script (version 7: the model of commit f0166ab on
klass-ae to klass-aj).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nlp"))

from samspil.corpus import as_read, build_record, label_matrix, read_raw_file  # noqa: E402
from samspil.evaluation import _micro_prf, load_backend  # noqa: E402
from samspil.records import FORMS, TRENDS  # noqa: E402


def prf(y: np.ndarray, pred: np.ndarray) -> list[float]:
    """Micro-F1, precision and recall, rounded for the report."""
    p, r, f = _micro_prf(y, pred)
    return [round(f, 3), round(p, 3), round(r, 3)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model")
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--errors", action="store_true", help="list the documents with a missed or an extra label")
    args = ap.parse_args()
    model = load_backend(args.model)
    docs = []
    for folder in args.folders:
        for path in sorted(Path(folder).glob("*.md")):
            meta, text = read_raw_file(path)
            docs.append(build_record(meta, text, Path(folder).name))
    if not docs:
        raise SystemExit(f"{args.folders}: expected raw corpus files (<id>.md), found none")
    y = label_matrix(docs, model.labels).astype(bool)
    pred = model.thresholds.predict(model.predict_proba([d["text"] for d in as_read(docs)])).astype(bool)
    col = {lab: j for j, lab in enumerate(model.labels)}
    out: dict = {"model": str(args.model), "documents": len(docs)}
    for name, labels in (("trends", TRENDS), ("forms", FORMS), ("all", model.labels)):
        cols = [col[lab] for lab in labels if lab in col]
        out[name] = dict(zip(("micro_f1", "precision", "recall"), prf(y[:, cols], pred[:, cols])))
    unlabelled = ~y.any(axis=1)
    out["unlabelled"] = int(unlabelled.sum())
    out["unlabelled_given_a_label"] = int(pred[unlabelled].any(axis=1).sum())
    out["by_folder"] = {}
    for folder in args.folders:
        rows = [i for i, d in enumerate(docs) if d["provenance"]["writer"] == Path(folder).name]
        out["by_folder"][Path(folder).name] = {"documents": len(rows), **dict(zip(("micro_f1", "precision", "recall"), prf(y[rows], pred[rows])))}
    out["per_label_f1"] = {lab: prf(y[:, j], pred[:, j])[0] for lab, j in col.items()}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if args.errors:
        for d, yt, yp in zip(docs, y, pred):
            missed = [model.labels[j] for j in np.flatnonzero(yt & ~yp)]
            extra = [model.labels[j] for j in np.flatnonzero(yp & ~yt)]
            if missed or extra:
                print(d["id"], "missed", missed, "extra", extra)


if __name__ == "__main__":
    main()
