"""Batch runs over archives: folders and zip files, in parallel, resumable, loss-free.

The local engine streams inputs to worker processes that each load the model
once and classify batches of up to :data:`BATCH` documents stage by stage, writes
every result to ``DIR/results.jsonl`` the moment it arrives (one line, flushed),
and on ``resume`` skips every input whose path and content hash are already there
(a crash or a kill loses the batches in flight, which ``resume`` does again). A
document that runs past the time limit, or a worker that dies, becomes an error row
(the documents of a lost batch are tried again one by one to find which) and a
fresh worker takes over. At the end the rows
are converted to the requested format and summarised in ``report.html`` and
``summary.json``.

The dask engine runs the same per-document function on a ``dask.distributed``
cluster, one task per partition of inputs, each writing its own Parquet and
JSONL part (``DIR/parts/``) and Parquet part (``DIR/parquet/``), atomically, so the
output can be read with pandas, Polars or DuckDB (``pd.read_parquet("DIR/parquet")``).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from . import errors
from .ingest import DEFAULT_LIMITS, DOCUMENT_SUFFIXES, IngestLimits, check_zip, iter_files, walk_files
from .records import Result

JOURNAL = "results.jsonl"
#: What a batch run takes from a folder: documents, documents it names in an error, zip archives.
WALKED = DOCUMENT_SUFFIXES + (".zip",)
ENGINES = ("local", "dask")
FORMATS = ("jsonl", "csv", "parquet")


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """Settings of one batch run; checked on creation."""

    out_dir: Path
    format: str = "jsonl"
    workers: int = 1
    resume: bool = False
    engine: str = "local"
    scheduler: str | None = None
    model: str | None = None
    limits: IngestLimits = DEFAULT_LIMITS
    timeout_s: float = 120.0
    max_zip_members: int = 100_000
    partition_size: int = 200
    progress: bool | None = None  # None: only when standard error is a terminal
    force: bool = False

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, got {self.format!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {self.engine!r}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {self.timeout_s}")


@dataclass(frozen=True, slots=True)
class Item:
    """One input document: a file, or a member of a zip archive (read in place)."""

    path: str  # display path; for zip members "archive.zip!/member"
    file: str
    member: str | None = None
    size: int = 0


# ------------------------------------------------------------------ inputs


def _safe_member_name(name: str) -> str | None:
    """A zip member's name as a display path, or None for names that must not be trusted
    (absolute, drive letters, parent references): they are never written anywhere, but
    the row shows a cleaned name."""
    p = PurePosixPath(name.replace("\\", "/"))
    parts = [part for part in p.parts if part not in ("", ".", "/")]
    if any(part == ".." for part in parts) or re.match(r"^[A-Za-z]:", name):
        return None
    return "/".join(parts)


def _passed_over(paths: Iterable[str | os.PathLike[str]]) -> Counter[str]:
    """The files a run passed over, by suffix, in one walk: under the input folders, and
    inside the zip archives, read from their central directories (an archive that cannot
    be opened has its own error row)."""
    counts: Counter[str] = Counter()
    for path, kept in walk_files(paths, WALKED):
        if not kept:
            counts["~$ (lock file)" if os.path.basename(path).startswith("~$") else Path(path).suffix.lower() or "(none)"] += 1
        elif path.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(path) as zf:
                    names = [i.filename for i in zf.infolist() if not i.is_dir()]
            except (zipfile.BadZipFile, OSError):
                continue
            counts.update(f"{PurePosixPath(n).suffix.lower() or '(none)'} (in zip)" for n in names if not n.lower().endswith(DOCUMENT_SUFFIXES))
    return counts


def iter_items(paths: Iterable[str | os.PathLike[str]], config: BatchConfig) -> Iterator[Item | Result]:
    """Inputs in a stable order; a zip archive that cannot be opened is yielded as an error Result."""
    for path in iter_files(paths, WALKED):
        if not path.lower().endswith(".zip"):
            try:
                size = os.path.getsize(path)
            except OSError:
                size = 0
            yield Item(path=path, file=path, size=size)
            continue
        try:
            with zipfile.ZipFile(path) as zf:
                check_zip(zf, path, os.path.getsize(path), replace(config.limits, max_unpacked_bytes=max(config.limits.max_unpacked_bytes, 1) * 50))
                infos = [i for i in zf.infolist() if not i.is_dir()]
                if len(infos) > config.max_zip_members:
                    raise errors.ArchiveBombError(path, f"{len(infos)} members, limit {config.max_zip_members}")
                for info in infos:
                    clean = _safe_member_name(info.filename)
                    display = f"{path}!/{clean if clean is not None else 'unsafe-name-' + hashlib.sha1(info.filename.encode()).hexdigest()[:8]}"
                    if clean is not None and not clean.lower().endswith(DOCUMENT_SUFFIXES):
                        continue
                    yield Item(path=display, file=path, member=info.filename, size=info.file_size)
        except errors.IngestError as exc:
            yield Result.failure(path, exc)
        except (zipfile.BadZipFile, OSError) as exc:
            yield Result.failure(path, errors.CorruptFileError(path, f"not a readable zip archive: {exc}"))


def read_item(item: Item, limits: IngestLimits) -> bytes:
    """The bytes of an input, with the size and zip-bomb limits applied."""
    if item.member is None:
        try:
            size = os.path.getsize(item.file)
        except OSError:
            raise errors.FileNotFound(item.path) from None
        if size > limits.max_bytes:
            raise errors.FileTooLargeError(item.path, f"{size:,} bytes, limit {limits.max_bytes:,}")
        with open(item.file, "rb") as fh:
            return fh.read()
    with zipfile.ZipFile(item.file) as zf:
        info = zf.getinfo(item.member)
        if info.file_size > limits.max_bytes:
            raise errors.FileTooLargeError(item.path, f"{info.file_size:,} bytes unpacked, limit {limits.max_bytes:,}")
        if info.compress_size and info.file_size / info.compress_size > limits.max_ratio and info.file_size > 1_000_000:
            raise errors.ArchiveBombError(item.path, f"expands {info.file_size / info.compress_size:.0f} times")
        with zf.open(info) as fh:
            data = fh.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            raise errors.FileTooLargeError(item.path, f"more than {limits.max_bytes:,} bytes unpacked")
        return data


def read_safely(item: Item, limits: IngestLimits) -> tuple[bytes, errors.IngestError | None]:
    """``(data, None)``, or ``(b"", error)`` when the input cannot be read within the limits."""
    try:
        return read_item(item, limits), None
    except errors.IngestError as exc:
        return b"", exc
    except OSError as exc:
        return b"", errors.CorruptFileError(item.path, str(exc))


_EMPTY_SHA = hashlib.sha256(b"").hexdigest()


def content_id(path: str, data: bytes) -> tuple[str, str]:
    """``(id, sha256)``: the stable document id is a hash of path and content."""
    sha = hashlib.sha256(data).hexdigest()
    return hashlib.sha256(f"{path}\0{sha}".encode()).hexdigest()[:24], sha


# ------------------------------------------------------------------ one document

_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")


def guess_year(text: str) -> int | None:
    """The document's year: the most frequent plausible year in its first pages."""
    from collections import Counter

    years = Counter(int(y) for y in _YEAR.findall(text[:5000]))
    return years.most_common(1)[0][0] if years else None


def process(clf, item: Item, data: bytes | None, error: BaseException | None = None) -> dict[str, Any]:
    """One output row: the classify JSONL object plus id, sha256, size, folder and year.

    With ``data`` None the input is read here (in the worker), with the limits of ``clf``.
    """
    if data is None and error is None:
        data, error = read_safely(item, clf.limits)
    if error is not None:
        result = Result.failure(item.path, error)
    else:
        result = clf.classify_bytes(data, item.path)
    return _row(item, data, result)


def process_many(clf, tasks: list[tuple[Item, bytes | None]]) -> list[dict[str, Any]]:
    """:func:`process` of several inputs, in order: those that can be read are classified
    together (``Classifier.classify_documents``, one stage at a time over the batch)."""
    from .ingest import read_bytes

    read = []
    for item, data in tasks:
        error, document = None, None
        if data is None:
            data, error = read_safely(item, clf.limits)
        if error is None:
            try:
                document = read_bytes(data, item.path, clf.limits)
            except errors.IngestError as exc:
                error = exc
        read.append((item, data, error, document))
    results = iter(clf.classify_documents([d for *_, d in read if d is not None]))
    return [_row(item, data, next(results) if document is not None else Result.failure(item.path, error)) for item, data, error, document in read]


def process_all(clf, tasks: list[tuple[Item, bytes | None]], process_fn=None) -> list[dict[str, Any]]:
    """Rows of ``tasks``, in order: :func:`process_many`, or, where that fails (or a
    ``process_fn`` is given), ``process_fn`` (default :func:`process`) one by one, so
    that only a bad document gets an error row."""
    if process_fn is None:
        try:
            return process_many(clf, tasks)
        except Exception:  # noqa: BLE001 - then one by one below
            pass
    rows = []
    for item, data in tasks:
        try:
            rows.append((process_fn or process)(clf, item, data))
        except Exception as exc:  # noqa: BLE001 - any failure is that document's error row
            rows.append(process(clf, item, data, exc))
    return rows


def _row(item: Item, data: bytes | None, result: Result) -> dict[str, Any]:
    doc_id, sha = content_id(item.path, data or b"")
    row = result.to_dict()
    row.update(
        id=doc_id,
        sha256=sha,
        bytes=len(data or b""),
        folder=str(Path(item.path.split("!/")[0]).parent),
        year=guess_year(result.text) if result.text else None,
    )
    return row


def serialise(row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A row as its JSONL line and a small summary (path, error) for counting.

    Workers serialise their own rows, so the parent only writes strings.
    """
    return json.dumps(row, ensure_ascii=False) + "\n", {"path": row["path"], "error": row["error"]}


# ------------------------------------------------------------------ journal


def read_journal(path: Path) -> tuple[set[tuple[str, str]], int]:
    """Done ``(path, sha256)`` keys of a journal; a torn last line (a kill mid-write) is cut off."""
    done: set[tuple[str, str]] = set()
    if not path.is_file():
        return done, 0
    good_end = 0
    with open(path, "rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                break
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                break
            done.add((row["path"], row["sha256"]))
            good_end += len(line)
    if good_end != path.stat().st_size:
        with open(path, "r+b") as fh:
            fh.truncate(good_end)
    return done, good_end


# ------------------------------------------------------------------ local engine: workers


def _worker_main(model: str | None, limits: IngestLimits, conn, process_fn=None) -> None:
    from .compose import load

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    clf = load(model, limits=limits)
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        if process_fn is None:
            rows = process_all(clf, [(item, data) for _, item, data in task])
            for (key, _, _), row in zip(task, rows):
                conn.send(("done", (key, *serialise(row))))
            continue
        for key, item, data in task:  # a replaced function (tests): row by row, as each is done
            conn.send(("done", (key, *serialise(process_all(clf, [(item, data)], process_fn)[0]))))


#: Documents a worker classifies together (stage by stage), and the most bytes of input
#: such a batch holds. A crash or a kill loses at most the batches in flight; their rows
#: were never written, so ``--resume`` does them again.
BATCH = 32
BATCH_BYTES = 8_000_000


@dataclass
class _Worker:
    proc: Any
    conn: Any
    ready: bool = False
    batches: list[list[int]] = field(default_factory=list)  # keys sent, batch by batch, in order; the first is being worked on
    since: float = 0.0  # when the first batch started, or its last row came


class _Pool:
    """Worker processes, each with its own pipe, and a watchdog.

    The parent hands batches of documents to the workers and so always knows which
    documents each worker holds: a worker works through its batches in order, and
    the parent sends the next one before the current one is done (``depth`` batches
    in flight per worker) so that no worker waits for the parent. When a worker runs
    past the time limit without a row, or dies (a crash in a parser, the
    out-of-memory killer), a batch of one becomes an error row for its document; the
    documents of a larger batch are each tried again alone (so the error row names
    the document that caused it), its queued batches go back to the others, and a
    fresh worker takes its place. One pipe per worker means a worker killed
    mid-message harms no other.
    """

    depth = 2

    def __init__(self, n: int, config: BatchConfig, process_fn=None) -> None:
        import multiprocessing as mp

        self.ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
        self.config = config
        self.process_fn = process_fn
        self.workers: list[_Worker] = [self._spawn() for _ in range(n)]

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        p = self.ctx.Process(target=_worker_main, args=(self.config.model, self.config.limits, child, self.process_fn), daemon=True)
        p.start()
        child.close()
        return _Worker(p, parent)

    def idle(self) -> list[_Worker]:
        """Workers that can take another batch, the least busy first."""
        return sorted((w for w in self.workers if w.ready and len(w.batches) < self.depth), key=lambda w: len(w.batches))

    def submit(self, worker: _Worker, tasks: list[tuple[int, Item, bytes | None]]) -> None:
        if not worker.batches:
            worker.since = time.monotonic()
        worker.batches.append([key for key, _, _ in tasks])
        worker.conn.send(tasks)

    def poll(self, timeout: float = 0.2) -> list[tuple[str, Any]]:
        """Events: ("done", (key, line, summary)); ("lost", (key, "timeout" | "died")) for the
        document of a batch of one that a worker was on, ("alone", key) for each document
        of a larger one; ("retry", key) for the documents queued behind it."""
        from multiprocessing.connection import wait

        events: list[tuple[str, Any]] = []
        by_conn = {w.conn: w for w in self.workers}
        for conn in wait(list(by_conn), timeout=timeout):
            w = by_conn[conn]
            while True:
                try:
                    kind, payload = conn.recv()
                except (EOFError, OSError):
                    break  # died: handled below
                if kind == "ready":
                    w.ready = True
                else:
                    if w.batches and w.batches[0] and w.batches[0][0] == payload[0]:
                        w.batches[0].pop(0)
                        if not w.batches[0]:
                            w.batches.pop(0)
                    w.since = time.monotonic()
                    events.append(("done", payload))
                if not conn.poll():
                    break
        now = time.monotonic()
        for i, w in enumerate(self.workers):
            timed_out = bool(w.batches) and now - w.since > self.config.timeout_s
            if timed_out or not w.proc.is_alive():
                if w.proc.is_alive():
                    w.proc.kill()
                w.proc.join(5)
                w.conn.close()
                if w.batches:
                    first = w.batches[0]
                    if len(first) == 1:
                        events.append(("lost", (first[0], "timeout" if timed_out else "died")))
                    else:
                        events.extend(("alone", k) for k in first)
                    events.extend(("retry", k) for batch in w.batches[1:] for k in batch)
                self.workers[i] = self._spawn()
        return events

    def close(self) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        deadline = time.monotonic() + 5
        for w in self.workers:
            w.proc.join(max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(1)


# ------------------------------------------------------------------ the run


@dataclass
class BatchStats:
    total: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors_by_type: dict[str, int] = field(default_factory=dict)

    def count(self, row: dict[str, Any]) -> None:
        self.done += 1
        if row.get("error"):
            self.failed += 1
            t = row["error"]["type"]
            self.errors_by_type[t] = self.errors_by_type.get(t, 0) + 1


def _progress(config: BatchConfig, total: int | None):
    show = config.progress if config.progress is not None else sys.stderr.isatty()
    if not show:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    p = Progress(TextColumn("samspil"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]} dok/s"),
                 TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), transient=False)
    p.start()
    p.add_task("batch", total=total, rate="–")
    return p


def run_batch(paths: Iterable[str | os.PathLike[str]], config: BatchConfig, on_row: Callable[[dict[str, Any]], None] | None = None, _process_fn=None) -> BatchStats:
    """Process every input under ``paths`` into ``config.out_dir``; see the module doc.

    Returns counts; every input gives exactly one row in ``results.jsonl``.
    ``on_row`` is called with ``{"path", "error"}`` as each row is written.
    ``_process_fn`` replaces the per-document function in the workers (tests use it
    to make a worker die).
    """
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    journal_path = out / JOURNAL
    if journal_path.exists() and not config.resume:
        if not config.force:
            raise FileExistsError(f"{journal_path} exists: pass --resume to continue that run or --force to start over")
        journal_path.unlink()
    if config.engine == "dask":
        return run_dask(paths, config)
    done, _ = read_journal(journal_path) if config.resume else (set(), 0)
    stats = BatchStats()
    started = time.monotonic()
    paths = list(paths)
    total = sum(1 for _ in iter_items(paths, config)) if (config.progress or (config.progress is None and sys.stderr.isatty())) else None
    bar = _progress(config, total)
    with open(journal_path, "a", encoding="utf-8") as journal:

        def emit(line: str, summary: dict[str, Any]) -> None:
            journal.write(line)
            journal.flush()
            stats.count(summary)
            if on_row:
                on_row(summary)
            if bar is not None:
                elapsed = max(time.monotonic() - started, 1e-6)
                bar.update(0, advance=1, rate=f"{stats.done / elapsed:.1f}")

        try:
            if config.workers == 1:
                _run_inline(paths, config, done, emit, stats)
            else:
                _run_pool(paths, config, done, emit, stats, _process_fn)
        finally:
            if bar is not None:
                bar.stop()
    stats.seconds = round(time.monotonic() - started, 3)
    finish(out, config, paths)
    return stats


def _prepared(paths, config: BatchConfig, done, stats: BatchStats):
    """Yield (item, data, error) for inputs not yet done; error rows of the walk itself as Results.

    On a fresh run nothing is done yet, so the workers read the files themselves
    (data None); when resuming, each input is read and hashed here to skip what
    the journal already holds.
    """
    for entry in iter_items(paths, config):
        stats.total += 1
        if isinstance(entry, Result) or not done:
            yield entry, None, None
            continue
        data, error = read_safely(entry, config.limits)
        if (entry.path, hashlib.sha256(data).hexdigest()) in done:
            stats.skipped += 1
            continue
        yield entry, data, error


def _walk_error_row(result: Result) -> dict[str, Any]:
    row = result.to_dict()
    row.update(id=content_id(result.path, b"")[0], sha256=_EMPTY_SHA, bytes=0, folder=str(Path(result.path).parent), year=None)
    return row


def _run_inline(paths, config: BatchConfig, done, emit, stats) -> None:
    from .compose import chunked, load

    clf = load(config.model, limits=config.limits)

    def tasks() -> Iterator[tuple[Item, bytes | None]]:
        """The inputs to classify; rows for those that failed to be found or read."""
        for entry, data, error in _prepared(paths, config, done, stats):
            if isinstance(entry, Result):
                key = (entry.path, _EMPTY_SHA)
                if key not in done:
                    emit(*serialise(_walk_error_row(entry)))
            elif error is not None:
                emit(*serialise(process(None, entry, data, error)))
            else:
                yield entry, data

    for batch in chunked(tasks(), BATCH, BATCH_BYTES, _task_size):
        for row in process_all(clf, batch):
            emit(*serialise(row))


def _task_size(task: tuple[Item, bytes | None]) -> int:
    return task[0].size


def _run_pool(paths, config: BatchConfig, done, emit, stats, process_fn=None) -> None:
    pool = _Pool(config.workers, config, process_fn)
    pending: dict[int, tuple[Item, bytes]] = {}
    backlog: list[tuple[int, Item, bytes]] = []
    alone: list[tuple[int, Item, bytes]] = []  # documents of a lost batch, each tried by itself
    key = 0
    try:
        it = iter(_prepared(paths, config, done, stats))
        exhausted = False
        while not exhausted or pending:
            # Keep a backlog so an idle worker never waits for the walk.
            while not exhausted and len(backlog) < config.workers * BATCH * 2:
                try:
                    entry, data, error = next(it)
                except StopIteration:
                    exhausted = True
                    break
                if isinstance(entry, Result):
                    if (entry.path, _EMPTY_SHA) not in done:
                        emit(*serialise(_walk_error_row(entry)))
                    continue
                if error is not None:
                    emit(*serialise(process(None, entry, data, error)))
                    continue
                key += 1
                pending[key] = (entry, data)
                backlog.append((key, entry, data))
            while backlog or alone:
                free = pool.idle()
                if not free:
                    break
                pool.submit(free[0], [alone.pop(0)] if alone else _take_batch(backlog, config.workers))
            for kind, payload in pool.poll():
                if kind == "retry":
                    if payload in pending:
                        backlog.insert(0, (payload, *pending[payload]))
                elif kind == "alone":
                    if payload in pending:
                        alone.append((payload, *pending[payload]))
                elif kind == "done":
                    k, line, summary = payload
                    if pending.pop(k, None) is not None:
                        emit(line, summary)
                else:
                    k, why = payload
                    lost = pending.pop(k, None)
                    if lost is not None:
                        item, data = lost
                        if data is None:  # hash the real content, so that --resume recognises the row
                            data = read_safely(item, config.limits)[0]
                        exc = errors.TimeoutError_(item.path, f"limit {config.timeout_s:g} s") if why == "timeout" else errors.WorkerDiedError(item.path)
                        emit(*serialise(process(None, item, data, exc)))
    finally:
        pool.close()


def _take_batch(backlog: list[tuple[int, Item, bytes | None]], workers: int) -> list[tuple[int, Item, bytes | None]]:
    """The next batch from the front of ``backlog``: at most :data:`BATCH` documents and
    :data:`BATCH_BYTES` bytes (at least one), and no more than a fair share of the backlog
    between the workers, so that a short run still uses them all."""
    n = max(1, min(BATCH, -(-len(backlog) // workers)))
    size, taken = 0, 0
    while taken < n:
        size += backlog[taken][1].size
        taken += 1
        if size >= BATCH_BYTES:
            break
    batch = backlog[:taken]
    del backlog[:taken]
    return batch


# ------------------------------------------------------------------ outputs and report


def finish(out: Path, config: BatchConfig, paths: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write the requested format beside the journal, then the report (with the files
    under ``paths`` that the walk passed over, by suffix)."""
    rows = list(iter_rows(out))
    if config.format == "csv":
        from .write import CsvWriter

        tmp = out / "results.csv.tmp"
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            w = CsvWriter(fh)
            for row in rows:
                w.write(_row_to_result(row))
        tmp.replace(out / "results.csv")
    elif config.format == "parquet":
        write_parquet(rows, out / "results.parquet")
    from .report import write_report

    write_report(rows, out, _passed_over(paths))


def iter_rows(out: Path) -> Iterator[dict[str, Any]]:
    journal = out / JOURNAL
    if journal.is_file():
        with open(journal, encoding="utf-8") as fh:
            for line in fh:
                if line.endswith("\n"):
                    yield json.loads(line)
    parts = out / "parts"
    if parts.is_dir():
        for p in sorted(parts.glob("part-*.jsonl")):
            with open(p, encoding="utf-8") as fh:
                for line in fh:
                    yield json.loads(line)


def _row_to_result(row: dict[str, Any]) -> Result:
    from .records import Citation, Reference, Span

    return Result(
        path=row["path"], language=row.get("language"), trends=tuple(row["trends"]), forms=tuple(row["forms"]), scores=row["scores"],
        evidence={k: tuple(Span(**s) for s in v) for k, v in row["evidence"].items()}, needs_review=tuple(row.get("needs_review", ())),
        citations=tuple(Citation(**{**c, "authors": tuple(c["authors"])}) for c in row["citations"]),
        references=tuple(Reference(r.get("samspil", {}).get("text", ""), r.get("samspil", {}).get("start", 0), r.get("samspil", {}).get("end", 0), {k: v for k, v in r.items() if k != "samspil"}) for r in row["references"]),
        error=row["error"],
    )


def flat_table(rows: list[dict[str, Any]]):
    """Rows as a pyarrow Table with the flat CSV columns plus id, sha256, folder and year."""
    import pyarrow as pa

    from .write import CSV_COLUMNS, flat_row

    records = []
    for row in rows:
        flat = flat_row(_row_to_result(row))
        flat.update(id=row.get("id"), sha256=row.get("sha256"), folder=row.get("folder"), year=row.get("year"))
        records.append(flat)
    # One fixed schema, so that parts written apart (an all-ok part, an all-error part) read as one table.
    fields = []
    for col in CSV_COLUMNS + ["id", "sha256", "folder", "year"]:
        if col.startswith("score_"):
            fields.append(pa.field(col, pa.float64()))
        elif col in ("n_citations", "n_references", "year"):
            fields.append(pa.field(col, pa.int64()))
        else:
            fields.append(pa.field(col, pa.string()))
    return pa.Table.from_pylist(records, schema=pa.schema(fields))


def write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_suffix(".tmp")
    pq.write_table(flat_table(rows), tmp)
    tmp.replace(path)


# ------------------------------------------------------------------ dask engine

_DASK_CLASSIFIER = None


def _dask_partition(index: int, items: list[Item], config: BatchConfig, done: set[tuple[str, str]]) -> dict[str, int]:
    """Process one partition on a dask worker; write parts/part-NNNNN.{jsonl,parquet} atomically."""
    global _DASK_CLASSIFIER
    from .compose import chunked, load

    if _DASK_CLASSIFIER is None:
        _DASK_CLASSIFIER = load(config.model, limits=config.limits)
    out = Path(config.out_dir) / "parts"
    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any] | None] = []  # None: classified below, in this order
    tasks = []
    for item in items:
        data, error = read_safely(item, config.limits)
        if (item.path, hashlib.sha256(data).hexdigest()) in done:
            continue
        if error is not None:
            rows.append(process(_DASK_CLASSIFIER, item, data, error))
            continue
        rows.append(None)
        tasks.append((item, data))
    classified = iter([row for batch in chunked(tasks, BATCH, BATCH_BYTES, _task_size) for row in process_all(_DASK_CLASSIFIER, batch)])
    rows = [next(classified) if row is None else row for row in rows]
    stem = out / f"part-{index:05d}"
    tmp = stem.with_suffix(".jsonl.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if rows:
        pq_dir = Path(config.out_dir) / "parquet"
        pq_dir.mkdir(exist_ok=True)
        write_parquet(rows, pq_dir / f"part-{index:05d}.parquet")
    tmp.replace(stem.with_suffix(".jsonl"))
    return {"rows": len(rows), "failed": sum(1 for r in rows if r["error"])}


def run_dask(paths: Iterable[str | os.PathLike[str]], config: BatchConfig) -> BatchStats:
    """Run on a dask.distributed cluster (``config.scheduler``) or a local one."""
    from dask.distributed import Client, LocalCluster

    out = Path(config.out_dir)
    stats = BatchStats()
    started = time.monotonic()
    paths = list(paths)
    entries = list(iter_items(paths, config))
    items = [e for e in entries if isinstance(e, Item)]
    walk_errors = [e for e in entries if isinstance(e, Result)]
    stats.total = len(entries)
    parts = out / "parts"
    done: set[tuple[str, str]] = set()
    finished_parts: set[int] = set()
    if config.resume and parts.is_dir():
        for p in parts.glob("part-*.jsonl"):
            finished_parts.add(int(p.stem.split("-")[1]))
            for line in p.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                done.add((row["path"], row["sha256"]))
    else:
        for folder in (parts, out / "parquet"):
            for p in folder.glob("part-*") if folder.is_dir() else ():
                p.unlink()
    chunks = [items[i : i + config.partition_size] for i in range(0, len(items), config.partition_size)]
    cluster = None
    if config.scheduler:
        client = Client(config.scheduler)
    else:
        cluster = LocalCluster(n_workers=config.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = [client.submit(_dask_partition, i, chunk, config, done, pure=False) for i, chunk in enumerate(chunks) if i not in finished_parts]
        for f in futures:
            res = f.result()
            stats.done += res["rows"]
            stats.failed += res["failed"]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    if walk_errors:
        rows = [_walk_error_row(r) for r in walk_errors]
        with open(parts / "part-walk.jsonl.tmp", "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        (parts / "part-walk.jsonl.tmp").replace(parts / "part-walk.jsonl")
        (out / "parquet").mkdir(exist_ok=True)
        write_parquet(rows, out / "parquet" / "part-walk.parquet")
        stats.done += len(rows)
        stats.failed += len(rows)
    stats.seconds = round(time.monotonic() - started, 3)
    from .report import write_report

    write_report(list(iter_rows(out)), out, _passed_over(paths))
    return stats
