"""A wheel built from the repository works in a fresh virtual environment outside it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import DANISH, ROOT
from samspil.testing import make_docx, make_pdf


@pytest.mark.slow
def test_wheel_in_fresh_venv_classifies_txt_docx_pdf(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(ROOT)], check=True, capture_output=True)
    wheel = next((work / "dist").glob("samspil-*.whl"))
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt"), str(wheel)], check=True, capture_output=True)
    docs = work / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(DANISH, encoding="utf-8")
    (docs / "b.docx").write_bytes(make_docx([DANISH]))
    (docs / "c.pdf").write_bytes(make_pdf([[DANISH]]))
    out = subprocess.run([str(env_dir / "bin" / "samspil"), "classify", "a.txt", "b.docx", "c.pdf", "--format", "jsonl"],
                         cwd=docs, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["path"] for r in rows] == ["a.txt", "b.docx", "c.pdf"]
    assert all("premises" in r["forms"] for r in rows)
    where = subprocess.run([str(py), "-c", "import samspil.models as m; print(m.resolve_model())"], cwd=docs, capture_output=True, text=True, check=True)
    assert str(Path(where.stdout.strip())).startswith(str(env_dir))  # the model came inside the wheel
