"""Inter-annotator agreement between the first annotation (corpus/raw) and the blind
second annotation (corpus/annotation/second), per label: Cohen's kappa and F1.

Usage: python training/agreement.py [--write corpus/annotation/agreement.json] [--disagreements FILE]
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "nlp"))

from samspil.corpus import read_raw_file  # noqa: E402
from samspil.records import LABELS  # noqa: E402


def kappa(a: list[int], b: list[int]) -> float | None:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return None if pe == 1 else (po - pe) / (1 - pe)


def f1(a: list[int], b: list[int]) -> float | None:
    tp = sum(x and y for x, y in zip(a, b))
    denom = sum(a) + sum(b)
    return None if denom == 0 else 2 * tp / denom


def load_first() -> dict[str, dict]:
    out = {}
    for p in sorted(pathlib.Path("corpus/raw").glob("*/*.md")):
        meta, _ = read_raw_file(p)
        out[meta["id"]] = meta
    return out


def agreement(first: dict[str, dict], second_dir: pathlib.Path) -> tuple[dict, list[dict]]:
    seconds = {}
    for p in sorted(second_dir.glob("*.json")):
        s = json.loads(p.read_text(encoding="utf-8"))
        if s["id"] in first:
            seconds[s["id"]] = s
    ids = sorted(seconds)
    per_label = {}
    for lab in LABELS:
        a = [int(lab in first[i]["trends"] + first[i]["forms"]) for i in ids]
        b = [int(lab in seconds[i]["trends"] + seconds[i]["forms"]) for i in ids]
        k, f = kappa(a, b), f1(a, b)
        per_label[lab] = {"kappa": None if k is None else round(k, 3), "f1": None if f is None else round(f, 3), "first": sum(a), "second": sum(b), "both": sum(x and y for x, y in zip(a, b))}
    exact = sum(set(first[i]["trends"] + first[i]["forms"]) == set(seconds[i]["trends"] + seconds[i]["forms"]) for i in ids)
    none_a = [int(not (first[i]["trends"] + first[i]["forms"])) for i in ids]
    none_b = [int(not (seconds[i]["trends"] + seconds[i]["forms"])) for i in ids]
    ks = [v["kappa"] for v in per_label.values() if v["kappa"] is not None]
    summary = {
        "documents": len(ids),
        "exact_label_set_agreement": round(exact / len(ids), 3) if ids else None,
        "no_label_kappa": round(kappa(none_a, none_b), 3) if ids else None,
        "mean_kappa": round(sum(ks) / len(ks), 3) if ks else None,
        "per_label": per_label,
    }
    disagreements = []
    for i in ids:
        fa, fb = set(first[i]["trends"] + first[i]["forms"]), set(seconds[i]["trends"] + seconds[i]["forms"])
        if fa != fb:
            disagreements.append({"id": i, "first": sorted(fa), "second": sorted(fb), "only_first": sorted(fa - fb), "only_second": sorted(fb - fa), "second_note": seconds[i].get("note", "")})
    return summary, disagreements


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--second", default="corpus/annotation/second")
    ap.add_argument("--write")
    ap.add_argument("--disagreements")
    args = ap.parse_args()
    summary, dis = agreement(load_first(), pathlib.Path(args.second))
    print(f"{summary['documents']} documents doubly annotated; exact label-set agreement {summary['exact_label_set_agreement']}; mean kappa {summary['mean_kappa']}")
    for lab, v in summary["per_label"].items():
        print(f"  {lab:22s} kappa {v['kappa']}  F1 {v['f1']}  (first {v['first']}, second {v['second']}, both {v['both']})")
    if args.write:
        pathlib.Path(args.write).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if args.disagreements:
        pathlib.Path(args.disagreements).write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dis), encoding="utf-8")
        print(f"{len(dis)} documents with disagreements written to {args.disagreements}")


if __name__ == "__main__":
    main()
