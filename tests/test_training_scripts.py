"""Scripts under training/ that the datasheet's figures come from, run as a user runs them."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from samspil.corpus import read_raw_file

ROOT = Path(__file__).resolve().parents[1]


def test_score_batches_scores_raw_files_as_the_classifier_reads_them(clf, tmp_path):
    """training/score_batches.py on a folder of raw corpus files: the labels it scores are
    the shipped classifier's for the same text read from a .txt file, and its F1 follows
    from them and the files' own labels."""
    folder = tmp_path / "klass-sample"
    folder.mkdir()
    # PDF-like texts (page marks, running headers, hyphenation); the shipped model gives
    # civ-b-0087 other labels as written than as read, so scoring the raw text would show.
    sources = sorted((ROOT / "corpus" / "raw" / "klass-af").glob("*.md"))[:5] + [ROOT / "corpus" / "raw" / "civilsamfund-b" / "civ-b-0087.md"]
    for src in sources:
        shutil.copy(src, folder / src.name)
    run = subprocess.run([sys.executable, str(ROOT / "training" / "score_batches.py"), str(ROOT / "models" / "samspil-linear"), str(folder), "--errors"],
                         capture_output=True, text=True, check=True)
    head, _, error_lines = run.stdout.partition("\n}\n")
    out = json.loads(head + "\n}")
    tp = n_gold = n_pred = 0
    errors = set()
    for src in sources:
        meta, text = read_raw_file(src)
        gold = set(meta["trends"]) | set(meta["forms"])
        txt = tmp_path / f"{meta['id']}.txt"
        txt.write_text(text, encoding="utf-8")
        pred = set(clf.classify(txt).labels)
        tp, n_gold, n_pred = tp + len(gold & pred), n_gold + len(gold), n_pred + len(pred)
        if gold != pred:
            errors.add(meta["id"])
    assert out["documents"] == len(sources) and out["by_folder"]["klass-sample"]["documents"] == len(sources)
    assert out["all"]["micro_f1"] == round(2 * tp / (n_gold + n_pred), 3)
    assert {line.split()[0] for line in error_lines.splitlines() if line.strip()} == errors
