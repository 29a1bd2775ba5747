"""Apply the adjudicated labels (corpus/annotation/adjudication.jsonl) to the raw corpus files.

The first annotation of each changed document is kept in its header under
"first_annotation", so the change stays visible.
"""
from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "nlp"))
from samspil.records import FORMS, TRENDS  # noqa: E402


def main() -> None:
    decisions = {}
    for line in pathlib.Path("corpus/annotation/adjudication.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            decisions[d["id"]] = d
    changed = 0
    for path in sorted(pathlib.Path("corpus/raw").glob("*/*.md")):
        raw = path.read_text(encoding="utf-8")
        head, sep, text = raw.partition("\n---\n")
        meta = json.loads(head)
        d = decisions.get(meta["id"])
        if d is None:
            continue
        trends = [t for t in TRENDS if t in d["trends"]]
        forms = [f for f in FORMS if f in d["forms"]]
        unknown = set(d["trends"]) - set(TRENDS) | set(d["forms"]) - set(FORMS)
        if unknown:
            raise SystemExit(f"{meta['id']}: adjudication uses unknown ids {sorted(unknown)}")
        if (set(trends), set(forms)) != (set(meta["trends"]), set(meta["forms"])):
            meta.setdefault("first_annotation", {"trends": meta["trends"], "forms": meta["forms"]})
            meta["trends"], meta["forms"] = trends, forms
            meta["adjudication"] = d.get("reason", "")
            path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + sep + text, encoding="utf-8")
            changed += 1
    print(f"{len(decisions)} adjudicated documents, {changed} raw files changed")


if __name__ == "__main__":
    main()
