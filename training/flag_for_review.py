"""Select train and dev documents whose labels a model trained without them disputes,
for a blind second annotation (corpus/annotation/review/).

Every document of train, dev and the raw batches not yet compiled into a split is
scored by a model that did not see it (5-fold cross-validation, linear backend,
documents only). A
(document, label) pair is flagged when that out-of-fold probability is at least HIGH
while the label is absent, or at most LOW while it is present. Documents that were
already double annotated (corpus/annotation/second/) are left out. Of the test split
only the ids are read, to keep its documents out.

Usage: python training/flag_for_review.py [--high 0.8] [--low 0.2] [--out corpus/annotation/review-flags.json]
Writes the flagged pairs with their probabilities and, with --texts DIR, the flagged
documents' bare texts (no labels) for the annotator.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from dataclasses import replace

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "nlp"))
sys.path.insert(0, str(pathlib.Path(__file__).parent))


from check_raw import read_raw  # noqa: E402
from samspil.corpus import as_read, label_matrix, read_split  # noqa: E402
from samspil.records import LABELS  # noqa: E402
from samspil.trainer import linear_params_from_file, out_of_fold_proba, parse_texts  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--high", type=float, default=0.8)
    ap.add_argument("--low", type=float, default=0.2)
    ap.add_argument("--out", default="corpus/annotation/review-flags.json")
    ap.add_argument("--texts")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    params = replace(linear_params_from_file("training/configs/linear.json"), passage_rounds=0)
    reviewable = read_split("train") + read_split("dev")
    compiled = {d["id"] for d in reviewable} | {d["id"] for d in read_split("test")}  # test ids only, to leave them out
    extra = []
    for p in sorted(pathlib.Path("corpus/raw").glob("*/*.md")):
        meta, text = read_raw(p)
        if meta["id"] not in compiled:
            extra.append({"id": meta["id"], "text": text, "trends": meta["trends"], "forms": meta["forms"]})
    docs = reviewable + extra
    y = label_matrix(docs)
    window = (40, 0.9)
    oof = out_of_fold_proba(parse_texts([d["text"] for d in as_read(docs)]), y, LABELS, params, [window], seed=args.seed)[window]
    second = {q.stem for q in pathlib.Path("corpus/annotation/second").glob("*.json")}
    flags = {}
    for i, d in enumerate(reviewable):
        if d["id"] in second:
            continue
        pairs = {LABELS[j]: round(float(oof[i, j]), 3) for j in range(len(LABELS))
                 if (y[i, j] == 0 and oof[i, j] >= args.high) or (y[i, j] == 1 and oof[i, j] <= args.low)}
        if pairs:
            flags[d["id"]] = pairs
    pathlib.Path(args.out).write_text(json.dumps({"high": args.high, "low": args.low, "documents": flags}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(flags)} documents, {sum(map(len, flags.values()))} flagged labels -> {args.out}")
    if args.texts:
        out = pathlib.Path(args.texts)
        out.mkdir(parents=True, exist_ok=True)
        text_of = {d["id"]: d["text"] for d in reviewable}
        for i in flags:
            (out / f"{i}.txt").write_text(text_of[i], encoding="utf-8")


if __name__ == "__main__":
    main()
