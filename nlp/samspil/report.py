"""The batch report: ``summary.json`` and ``report.html`` with PNG charts (matplotlib)."""
from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path
from typing import Any

from .records import DANISH_NAMES, LABELS


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The numbers behind the report."""
    ok = [r for r in rows if not r.get("error")]
    labels = Counter(lab for r in ok for lab in r["trends"] + r["forms"])
    pairs: Counter[tuple[str, str]] = Counter()
    for r in ok:
        labs = r["trends"] + r["forms"]
        for a in labs:
            for b in labs:
                pairs[(a, b)] += 1
    by_folder: dict[str, Counter[str]] = {}
    by_year: dict[str, Counter[str]] = {}
    for r in ok:
        f = by_folder.setdefault(r.get("folder") or ".", Counter())
        f["(documents)"] += 1
        f.update(r["trends"] + r["forms"])
        y = by_year.setdefault(str(r.get("year") or "ukendt"), Counter())
        y["(documents)"] += 1
        y.update(r["trends"] + r["forms"])
    cited: Counter[str] = Counter()
    for r in ok:
        for c in r["citations"]:
            names = " & ".join(c["authors"][:2]) + (" m.fl." if c["et_al"] or len(c["authors"]) > 2 else "")
            cited[f"{names} ({c['year']})"] += 1
    return {
        "documents": len(rows),
        "classified": len(ok),
        "failed": len(rows) - len(ok),
        "no_label": sum(1 for r in ok if not r["trends"] and not r["forms"]),
        "needs_review": sum(1 for r in ok if r.get("needs_review")),
        "languages": dict(Counter(r.get("language") or "und" for r in ok).most_common()),
        "label_counts": {lab: labels.get(lab, 0) for lab in LABELS},
        "cooccurrence": {a: {b: pairs.get((a, b), 0) for b in LABELS} for a in LABELS},
        "labels_by_folder": {k: dict(v) for k, v in sorted(by_folder.items())},
        "labels_by_year": {k: dict(v) for k, v in sorted(by_year.items())},
        "most_cited": [{"work": w, "citations": n} for w, n in cited.most_common(20)],
        "errors_by_type": dict(Counter(r["error"]["type"] for r in rows if r.get("error")).most_common()),
    }


def _charts(summary: dict[str, Any], out: Path) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    made = []

    def save(fig, name, title):
        fig.tight_layout()
        fig.savefig(out / name, dpi=90)
        plt.close(fig)
        made.append((name, title))

    names = [DANISH_NAMES[lab] for lab in LABELS]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.barh(names[::-1], [summary["label_counts"][lab] for lab in LABELS][::-1], color="#2b6f8f")
    ax.set_xlabel("dokumenter")
    save(fig, "labels.png", "Kategorier: antal dokumenter")

    m = np.array([[summary["cooccurrence"][a][b] for b in LABELS] for a in LABELS])
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    im = ax.imshow(m, cmap="Blues")
    ax.set_xticks(range(len(LABELS)), LABELS, rotation=70, ha="right", fontsize=8)
    ax.set_yticks(range(len(LABELS)), LABELS, fontsize=8)
    fig.colorbar(im, ax=ax, shrink=0.8)
    save(fig, "cooccurrence.png", "Kategorier, der optræder sammen")

    for key, name, title in (("labels_by_folder", "folders.png", "Kategorier pr. mappe"), ("labels_by_year", "years.png", "Kategorier pr. år")):
        groups = list(summary[key])[:30]
        if not groups:
            continue
        fig, ax = plt.subplots(figsize=(9, 4.5))
        bottom = np.zeros(len(groups))
        for lab in LABELS:
            vals = np.array([summary[key][g].get(lab, 0) for g in groups], dtype=float)
            if vals.any():
                ax.bar(range(len(groups)), vals, bottom=bottom, label=lab)
                bottom += vals
        ax.set_xticks(range(len(groups)), [g[-25:] for g in groups], rotation=60, ha="right", fontsize=7)
        ax.legend(fontsize=6, ncol=2)
        save(fig, name, title)

    if summary["most_cited"]:
        works = summary["most_cited"][:15]
        fig, ax = plt.subplots(figsize=(8, 4.5))
        ax.barh([w["work"] for w in works][::-1], [w["citations"] for w in works][::-1], color="#8f5b2b")
        save(fig, "cited.png", "Mest citerede værker")
    if summary["errors_by_type"]:
        fig, ax = plt.subplots(figsize=(7, 3.5))
        ax.bar(list(summary["errors_by_type"]), list(summary["errors_by_type"].values()), color="#a33")
        ax.tick_params(axis="x", rotation=45, labelsize=7)
        save(fig, "errors.png", "Fejl efter type")
    return made


def write_report(rows: list[dict[str, Any]], out: Path, passed_over: Counter[str] | None = None) -> dict[str, Any]:
    """Write ``summary.json``, the PNG charts and ``report.html`` into ``out``;
    ``passed_over`` counts the files under the input folders and in the zip archives
    that were not documents."""
    summary = summarise(rows)
    summary["passed_over"] = dict((passed_over or Counter()).most_common())
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    charts = _charts(summary, out) if rows else []
    parts = [
        "<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'><title>samspil – rapport</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}</style></head><body>",
        "<h1>samspil – rapport over kørslen</h1>",
        f"<p>{summary['documents']} dokumenter: {summary['classified']} klassificeret, {summary['failed']} med fejl, "
        f"{summary['no_label']} uden kategori, {summary['needs_review']} med en kategori tæt på grænsen.</p>",
        (f"<p>{sum(summary['passed_over'].values())} filer i mapperne og zip-arkiverne er ikke dokumenter og er sprunget over: "
         + html.escape(", ".join(f"{k} {v}" for k, v in summary["passed_over"].items())) + ".</p>") if summary["passed_over"] else "",
        "<table><tr><th>Kategori</th><th>id</th><th>Dokumenter</th></tr>",
        *(f"<tr><td>{html.escape(DANISH_NAMES[lab])}</td><td><code>{lab}</code></td><td>{summary['label_counts'][lab]}</td></tr>" for lab in LABELS),
        "</table>",
    ]
    for name, title in charts:
        parts.append(f"<h2>{html.escape(title)}</h2><img src='{name}' alt='{html.escape(title)}'>")
    if summary["errors_by_type"]:
        parts.append("<h2>Fejl</h2><table><tr><th>Type</th><th>Antal</th></tr>")
        parts += [f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in summary["errors_by_type"].items()]
        parts.append("</table>")
    parts.append("<p>Tallene står også i <code>summary.json</code>; hver fil har én række i <code>results.jsonl</code>.</p></body></html>")
    (out / "report.html").write_text("\n".join(parts), encoding="utf-8")
    return summary
