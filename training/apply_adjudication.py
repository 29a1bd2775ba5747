"""Apply the adjudicated labels (corpus/annotation/adjudication.jsonl) to the raw corpus files.

The first annotation of each changed document is kept in its header under
"first_annotation", so the change stays visible.
"""
from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "nlp"))
from samspil.corpus import read_raw_file, relabel_raw_file  # noqa: E402
from samspil.records import FORMS, TRENDS  # noqa: E402


def main() -> None:
    decisions = {}
    for line in pathlib.Path("corpus/annotation/adjudication.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            decisions[d["id"]] = d
    changed = 0
    for path in sorted(pathlib.Path("corpus/raw").glob("*/*.md")):
        meta, _ = read_raw_file(path)
        d = decisions.get(meta["id"])
        if d is None:
            continue
        unknown = set(d["trends"]) - set(TRENDS) | set(d["forms"]) - set(FORMS)
        if unknown:
            raise SystemExit(f"{meta['id']}: adjudication uses unknown ids {sorted(unknown)}")
        changed += relabel_raw_file(path, set(d["trends"]) | set(d["forms"]), adjudication=d.get("reason", ""))
    print(f"{len(decisions)} adjudicated documents, {changed} raw files changed")


if __name__ == "__main__":
    main()
