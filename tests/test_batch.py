"""Batch runs: one row per file whatever happens, resume after kills, hostile archives, dask."""
from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from samspil.batch import BatchConfig, process, run_batch
from samspil.corpus import read_split
from samspil.ingest import IngestLimits
from samspil.testing import make_doc, make_docx, make_encrypted_pdf, make_pdf, make_zip_bomb


def _count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


def _rows(out: Path) -> list[dict]:
    from samspil.batch import iter_rows

    return list(iter_rows(out))


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    docs = read_split("train")
    return [s.strip() for d in docs[:80] for s in d["text"].split(".") if len(s.split()) > 5]


def test_kill_at_random_points_and_resume_gives_one_row_per_file(tmp_path, sentences):
    rng = random.Random(7)
    src = tmp_path / "arkiv"
    n = 2000
    for i in range(n):
        sub = src / f"mappe{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        text = ". ".join(rng.sample(sentences, 3)) + f". Dokument {i}."
        (sub / f"dok{i:05d}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "ud"
    journal = out / "results.jsonl"
    cmd = [sys.executable, "-m", "samspil", "batch", str(src), "--out", str(out), "--workers", "2", "--no-progress"]
    kills = 0
    for attempt in range(4):
        proc = subprocess.Popen(cmd + (["--resume"] if attempt else []), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        if attempt < 3:
            # Kill the whole process group (parent and workers) once the journal has grown
            # by a random number of rows: a kill in mid-run, wherever that falls.
            start = _count_lines(journal)
            target = start + rng.randint(20, 400)
            deadline = time.monotonic() + 300
            while proc.poll() is None and _count_lines(journal) < target and time.monotonic() < deadline:
                time.sleep(0.05)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                kills += 1
            proc.wait()
        else:
            assert proc.wait(timeout=600) in (0, 1)
    assert kills == 3
    rows = _rows(out)
    counts = Counter(r["path"] for r in rows)
    assert len(counts) == n and set(counts.values()) == {1}
    assert all(r["error"] is None for r in rows)
    assert (out / "report.html").is_file() and json.loads((out / "summary.json").read_text())["documents"] == n


def _hostile_archive(root: Path) -> dict[str, str | None]:
    """Files of every bad kind; returns path → expected error type (None: classified)."""
    root.mkdir()
    expected: dict[str, str | None] = {}

    def put(name, data, err):
        (root / name).write_bytes(data)
        expected[str(root / name)] = err

    put("ok.txt", "Foreningen låner gymnastiksalen af kommunen hver tirsdag.".encode(), None)
    put("windows.txt", "Kommunen bevilger ældreklubben et tilskud på 10.000 kr. fra puljen til frivilligt socialt arbejde efter § 18.".encode("cp1252"), None)
    put("korrupt.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 100, "CorruptFileError")
    put("krypteret.pdf", make_encrypted_pdf("Fortroligt."), "EncryptedFileError")
    put("tom.txt", b"", "EmptyFileError")
    put("binaer.txt", bytes(range(256)) * 50, "BinaryFileError")
    put("stor.txt", ("frivillig " * 40_000).encode(), "FileTooLargeError")
    put("bombe.docx", make_zip_bomb(250_000_000), "ArchiveBombError")
    put("aftale.docx", make_docx(["Samarbejdsaftale om lektiecafé på biblioteket."]), None)
    put("rapport.pdf", make_pdf([["Foreningen får tilskud efter § 18 til besøgstjenesten."]]), None)
    put("referat 1999.doc", make_doc(["Udvalget bevilger spejderne 4.000 kr. i lokaletilskud efter folkeoplysningsloven."]), None)
    put("budget.xlsx", b"PK\x03\x04 a spreadsheet", "UnsupportedTypeError")  # a document samspil names, not reads
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))  # a picture: no row
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inde/note.txt", "Spejderne låner skolens lokaler gratis.".encode("cp1252"))
        zf.writestr("../../etc/ond.txt", "Frivilligrådet holder dialogmøde med udvalget.")
        zf.writestr("inde/tom.txt", "")
        zf.writestr("inde/foto.JPG", b"\xff\xd8\xff picture")  # passed over, and counted
    put("pakke.zip", buf.getvalue(), "zip")
    return expected


def test_hostile_archive_completes_with_one_correct_row_each(tmp_path):
    expected = _hostile_archive(tmp_path / "arkiv")
    out = tmp_path / "ud"
    stats = run_batch([tmp_path / "arkiv"], BatchConfig(out_dir=out, workers=2, limits=IngestLimits(max_bytes=300_000), progress=False, format="csv"))
    rows = {r["path"]: r for r in _rows(out)}
    zip_rows = {p: r for p, r in rows.items() if "!/" in p}
    assert len(zip_rows) == 3
    assert any(p.endswith("!/etc/ond.txt") or "unsafe-name" in p for p in zip_rows)
    assert not (tmp_path / "etc").exists()  # nothing was extracted
    for path, err in expected.items():
        if err == "zip":
            continue
        assert path in rows, path
        got = rows[path]["error"]["type"] if rows[path]["error"] else None
        assert got == err, (path, rows[path]["error"])
    win = rows[str(tmp_path / "arkiv" / "windows.txt")]
    assert "grants" in win["forms"] and win["language"] == "da"  # æøå decoded and classified
    assert "æ" in win["evidence"]["grants"][0]["text"]
    assert len(rows) == len(expected) - 1 + 3 == stats.done
    assert (out / "results.csv").is_file()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["passed_over"] == {".png": 1, ".jpg (in zip)": 1}  # every file accounted for: a row each, or counted here
    assert "2 filer i mapperne og zip-arkiverne er ikke dokumenter" in (out / "report.html").read_text()


def _die_on_marked(clf, item, data):
    raw = data if data is not None else Path(item.file).read_bytes()
    if b"DIE" in raw:
        os._exit(3)
    if b"SLOW" in raw:
        time.sleep(30)
    return process(clf, item, data)


def test_timeout_and_dead_worker_become_error_rows(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        (src / f"ok{i}.txt").write_text(f"Foreningen låner salen af kommunen. Nummer {i}.", encoding="utf-8")
    (src / "crash.txt").write_text("DIE here", encoding="utf-8")
    (src / "slow.txt").write_text("SLOW here", encoding="utf-8")
    out = tmp_path / "out"
    run_batch([src], BatchConfig(out_dir=out, workers=2, timeout_s=3, progress=False), _process_fn=_die_on_marked)
    rows = {Path(r["path"]).name: r for r in _rows(out)}
    assert len(rows) == 8
    assert rows["crash.txt"]["error"]["type"] == "WorkerDiedError"
    assert rows["slow.txt"]["error"]["type"] == "TimeoutError_"
    assert all(rows[f"ok{i}.txt"]["error"] is None for i in range(6))


def test_parquet_output_opens_with_pandas(tmp_path):
    import pandas as pd

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"d{i}.txt").write_text("Kommunen og foreningen har en skriftlig samarbejdsaftale.", encoding="utf-8")
    run_batch([src], BatchConfig(out_dir=tmp_path / "out", format="parquet", progress=False))
    df = pd.read_parquet(tmp_path / "out" / "results.parquet")
    assert len(df) == 3 and "score_written_agreement" in df.columns


def test_dask_engine_on_a_local_cluster(tmp_path):
    import pandas as pd

    src = tmp_path / "in"
    src.mkdir()
    for i in range(5):
        (src / f"d{i}.txt").write_text(f"Foreningen får tilskud fra puljen. Dokument {i}.", encoding="utf-8")
    (src / "tom.txt").write_text("", encoding="utf-8")
    (src / "~$d0.docx").write_bytes(b"lock")  # Word's lock file: passed over, and counted
    out = tmp_path / "out"
    stats = run_batch([src], BatchConfig(out_dir=out, engine="dask", workers=2, partition_size=2, progress=False))
    assert stats.done == 6 and stats.failed == 1
    assert json.loads((out / "summary.json").read_text())["passed_over"] == {"~$ (lock file)": 1}
    df = pd.read_parquet(out / "parquet")
    assert sorted(Path(p).name for p in df["path"]) == sorted([f"d{i}.txt" for i in range(5)] + ["tom.txt"])
    again = run_batch([src], BatchConfig(out_dir=out, engine="dask", workers=2, partition_size=2, resume=True, progress=False))
    assert again.done == 0 and len(_rows(out)) == 6


def test_refuses_to_overwrite_without_resume_or_force(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Foreningen låner salen.", encoding="utf-8")
    run_batch([src], BatchConfig(out_dir=tmp_path / "out", progress=False))
    with pytest.raises(FileExistsError, match="--resume"):
        run_batch([src], BatchConfig(out_dir=tmp_path / "out", progress=False))
