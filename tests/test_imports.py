"""Heavy libraries stay out of a plain classification."""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "transformers", "datasets")


def test_import_samspil_is_light():
    code = f"import sys, samspil; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_cli_classify_imports_neither_torch_nor_transformers(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Foreningen låner gymnastiksalen af kommunen.", encoding="utf-8")
    code = (
        "import json, runpy, sys\n"
        f"sys.argv = ['samspil', 'classify', {str(p)!r}]\n"
        "try:\n    runpy.run_module('samspil', run_name='__main__')\nexcept SystemExit as e:\n    code = e.code\n"
        f"print(json.dumps({{'code': code, 'spacy': 'spacy' in sys.modules, 'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["code"] == 0 and report["spacy"]  # the check sees a real classification
    assert report["heavy"] == []
