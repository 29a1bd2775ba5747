"""Check raw corpus files (corpus/raw/<writer>/*.md) against corpus/WRITING.md.

Usage: python training/check_raw.py corpus/raw/<writer>
Prints one line per problem and a label count summary; exit 1 on problems.
"""
from __future__ import annotations

import collections
import json
import pathlib
import sys

TRENDS = {"marketisation", "equality_citizenship", "hybridisation"}
FORMS = {"premises", "grants", "dialogue", "task_collaboration", "written_agreement",
         "co_creation", "partnership", "service_delivery"}
SIDES = {"kommune", "civilsamfund", "viden", "andet"}
CSL_TYPES = {"book", "report", "chapter", "article-journal", "webpage", "thesis"}


def read_raw(path: pathlib.Path) -> tuple[dict, str]:
    raw = path.read_text(encoding="utf-8")
    head, sep, text = raw.partition("\n---\n")
    if not sep:
        raise ValueError("no line '---' between the JSON header and the text")
    return json.loads(head), text


def check(path: pathlib.Path) -> list[str]:
    problems = []
    try:
        meta, text = read_raw(path)
    except Exception as exc:  # noqa: BLE001 - report every kind of parse failure
        return [f"{path}: {exc}"]
    for key in ("id", "genre", "side", "provenance", "trends", "forms", "citations", "references"):
        if key not in meta:
            problems.append(f"{path}: missing key {key!r}")
    if meta.get("side") not in SIDES:
        problems.append(f"{path}: side {meta.get('side')!r} not in {sorted(SIDES)}")
    for t in meta.get("trends", []):
        if t not in TRENDS:
            problems.append(f"{path}: unknown trend {t!r}")
    for f in meta.get("forms", []):
        if f not in FORMS:
            problems.append(f"{path}: unknown form {f!r}")
    pos = 0
    for i, c in enumerate(meta.get("citations", [])):
        at = text.find(c.get("text", "\0"), pos)
        if at < 0:
            problems.append(f"{path}: citation {i} text {c.get('text')!r} not found after offset {pos}")
        else:
            pos = at + 1
        ref = c.get("reference")
        if ref is not None and not (0 <= ref < len(meta.get("references", []))):
            problems.append(f"{path}: citation {i} reference index {ref} out of range")
        for key in ("authors", "et_al", "year", "pages", "reference"):
            if key not in c:
                problems.append(f"{path}: citation {i} missing {key!r}")
    pos = 0
    for i, r in enumerate(meta.get("references", [])):
        at = text.find(r.get("text", "\0"), pos)
        if at < 0:
            problems.append(f"{path}: reference {i} text not found after offset {pos}: {r.get('text', '')[:60]!r}")
        else:
            pos = at + 1
        if r.get("csl", {}).get("type") not in CSL_TYPES:
            problems.append(f"{path}: reference {i} csl type {r.get('csl', {}).get('type')!r}")
    n_words = len(text.split())
    if n_words < 40:
        problems.append(f"{path}: only {n_words} words")
    return problems


def main(folder: str) -> int:
    files = sorted(pathlib.Path(folder).glob("**/*.md"))
    problems, counts, ids = [], collections.Counter(), collections.Counter()
    for f in files:
        problems += check(f)
        try:
            meta, _ = read_raw(f)
        except Exception:  # noqa: BLE001
            continue
        ids[meta.get("id")] += 1
        labels = meta.get("trends", []) + meta.get("forms", [])
        counts.update(labels)
        if not labels:
            counts["(none)"] += 1
        if meta.get("citations"):
            counts["(with citations)"] += 1
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    print("\n".join(problems))
    print(f"{len(files)} files, {len(problems)} problems")
    for k, v in sorted(counts.items()):
        print(f"  {k:22s} {v}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "corpus/raw"))
