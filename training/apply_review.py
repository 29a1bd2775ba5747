"""Apply the blind second annotation of disputed labels (corpus/annotation/review/) to the
raw corpus files.

training/flag_for_review.py flags (document, label) pairs of train and dev whose first
annotation a model trained without the document disputes; those documents were annotated
again, blind (the annotator saw the bare text and the guideline, not the first labels, the
flags or the model). For a flagged pair the second annotation decides: it is the majority
of the three votes (first annotator, model, second annotator). Labels that were not
flagged keep the first annotation. The first annotation of each changed document is kept
in its header under "first_annotation" and the change under "review".

Usage: python training/apply_review.py [--dry-run]
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "nlp"))
from samspil.corpus import read_raw_file, relabel_raw_file  # noqa: E402
from samspil.records import FORMS, TRENDS  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    flags = json.loads(pathlib.Path("corpus/annotation/review-flags.json").read_text(encoding="utf-8"))["documents"]
    reviews = {}
    for p in sorted(pathlib.Path("corpus/annotation/review").glob("*.json")):
        r = json.loads(p.read_text(encoding="utf-8"))
        unknown = set(r["trends"]) - set(TRENDS) | set(r["forms"]) - set(FORMS)
        if unknown:
            raise SystemExit(f"{p}: unknown label ids {sorted(unknown)}")
        reviews[r["id"]] = r
    missing = sorted(set(flags) - set(reviews))
    if missing:
        raise SystemExit(f"{len(missing)} flagged documents have no review yet, e.g. {missing[:5]}")
    added = removed = changed_docs = 0
    for path in sorted(pathlib.Path("corpus/raw").glob("*/*.md")):
        meta, _ = read_raw_file(path)
        flagged = flags.get(meta["id"])
        if not flagged:
            continue
        second = set(reviews[meta["id"]]["trends"]) | set(reviews[meta["id"]]["forms"])
        labels = set(meta["trends"]) | set(meta["forms"])
        new = (labels - set(flagged)) | (second & set(flagged))
        if new == labels:
            continue
        changed_docs += 1
        added += len(new - labels)
        removed += len(labels - new)
        if not args.dry_run:
            review = {"added": sorted(new - labels), "removed": sorted(labels - new), "note": reviews[meta["id"]].get("note", "")}
            relabel_raw_file(path, new, review=review)
    print(f"{len(flags)} reviewed documents, {sum(map(len, flags.values()))} flagged labels: {changed_docs} documents changed, {added} labels added, {removed} removed" + (" (dry run)" if args.dry_run else ""))


if __name__ == "__main__":
    main()
