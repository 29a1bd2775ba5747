"""The ``samspil`` command line: a thin layer over the library.

Exit codes: 0 every input processed, 1 some inputs failed (every other result
still written), 2 usage error.
"""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="samspil: tendenser, samarbejdsformer og kildehenvisninger i danske dokumenter om samarbejde mellem kommuner og civilsamfund.",
)


class OutputFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


class CitationFormat(str, Enum):
    table = "table"
    csl_json = "csl-json"
    bibtex = "bibtex"


PathsArg = Annotated[list[str], typer.Argument(help="Files, folders (searched recursively) or - for standard input.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of standard output.")]
ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="Model name or directory (default: the shipped model).")]
MaxBytesOpt = Annotated[int, typer.Option("--max-bytes", help="Refuse files larger than this many bytes.")]
MaxCharsOpt = Annotated[int, typer.Option("--max-chars", help="Refuse documents whose text is longer than this many characters.")]


def _inputs(paths: list[str]):
    """Yield ('-', bytes) for standard input and file paths otherwise, in the order given."""
    from .ingest import iter_files

    for p in paths:
        if p == "-":
            yield ("-", sys.stdin.buffer.read())
        else:
            for f in iter_files([p]):
                yield (f, None)


def _results(clf, paths: list[str]):
    """Results in the order of the inputs: files through ``classify_many`` (batches of
    documents, stage by stage), standard input ("-") by itself."""
    from pathlib import Path as _P

    from .ingest import iter_files

    if "-" not in paths:
        yield from clf.classify_many(_P(f) for p in paths for f in iter_files([p]))
        return
    for name, data in _inputs(paths):
        yield clf.classify_bytes(data, name) if data is not None else clf.classify(_P(name))


def _open_out(out: Path | None):
    if out is None:
        return sys.stdout, False
    out.parent.mkdir(parents=True, exist_ok=True)
    return open(out, "w", encoding="utf-8", newline=""), True


@app.command()
def classify(
    paths: PathsArg,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="table (for people, in Danish), jsonl or csv.")] = OutputFormat.table,
    out: OutOpt = None,
    model: ModelOpt = None,
    max_bytes: MaxBytesOpt = 50_000_000,
    max_chars: MaxCharsOpt = 3_000_000,
) -> None:
    """Tag documents with trends and collaboration forms, with evidence and citations."""
    from .compose import load
    from .ingest import IngestLimits
    from .write import CsvWriter, format_summary, format_table, to_json_line

    clf = load(model, limits=IngestLimits(max_bytes=max_bytes, max_chars=max_chars))
    fh, close = _open_out(out)
    writer = CsvWriter(fh) if format is OutputFormat.csv else None
    results = []
    try:
        for result in _results(clf, paths):
            name = result.path
            results.append(result)
            if result.error:
                typer.echo(f"samspil: {result.error['message']}", err=True)
            elif result.language != "da":
                typer.echo(f"samspil: advarsel: {name} ser ikke ud til at være dansk (sprog: {result.language}); resultatet kan være upålideligt", err=True)
            if format is OutputFormat.jsonl:
                fh.write(to_json_line(result) + "\n")
            elif writer is not None:
                writer.write(result)
            else:
                fh.write(format_table(result) + "\n")
            fh.flush()
        if format is OutputFormat.table:
            fh.write(format_summary(results) + "\n")
    finally:
        if close:
            fh.close()
    if not results:
        typer.echo("samspil: no documents found under the paths given", err=True)
        raise typer.Exit(2)
    raise typer.Exit(1 if any(r.error for r in results) else 0)


@app.command()
def citations(
    paths: PathsArg,
    format: Annotated[CitationFormat, typer.Option("--format", "-f", help="table, csl-json or bibtex.")] = CitationFormat.table,
    out: OutOpt = None,
    max_bytes: MaxBytesOpt = 50_000_000,
) -> None:
    """Extract in-text citations and reference lists (no classification)."""
    import json

    from .citations import extract_citations, unlinked
    from .errors import IngestError
    from .export import to_bibtex
    from .ingest import IngestLimits, read_bytes, read_document

    limits = IngestLimits(max_bytes=max_bytes)
    fh, close = _open_out(out)
    failed = 0
    items = []
    try:
        for name, data in _inputs(paths):
            try:
                doc = read_bytes(data, name, limits) if data is not None else read_document(name, limits)
            except IngestError as exc:
                failed += 1
                typer.echo(f"samspil: {exc}", err=True)
                continue
            cits, refs = extract_citations(doc.text)
            if format is CitationFormat.table:
                missing, uncited = unlinked(cits, refs)
                fh.write(f"Fil: {name}\n  Henvisninger i teksten ({len(cits)}):\n")
                for c in cits:
                    target = f"→ post {c.reference + 1}" if c.reference is not None else "→ ingen post i listen"
                    fh.write(f"    {c.text}  {target}\n")
                fh.write(f"  Litteraturliste ({len(refs)} poster):\n")
                for i, r in enumerate(refs, 1):
                    mark = "  (ikke citeret)" if i - 1 in uncited else ""
                    fh.write(f"    {i}. {' '.join(r.text.split())}{mark}\n")
                if missing:
                    fh.write(f"  Uden post i listen: {', '.join(c.text for c in missing)}\n")
                fh.write("\n")
            else:
                items.extend(r.to_csl() | {"id": f"{Path(name).stem}-{i + 1}"} for i, r in enumerate(refs))
        if format is CitationFormat.csl_json:
            fh.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        elif format is CitationFormat.bibtex:
            fh.write(to_bibtex(items))
    finally:
        if close:
            fh.close()
    raise typer.Exit(1 if failed else 0)


class BatchFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Folders, files and zip archives.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    format: Annotated[BatchFormat, typer.Option("--format", "-f", help="jsonl, csv or parquet (results.jsonl is always written).")] = BatchFormat.jsonl,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes.")] = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Skip inputs already in OUT (same path and content).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Start over, replacing results in OUT.")] = False,
    engine: Annotated[Engine, typer.Option("--engine", help="local, or dask for a dask.distributed cluster.")] = Engine.local,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")] = None,
    model: ModelOpt = None,
    max_bytes: MaxBytesOpt = 50_000_000,
    max_pdf_pages: Annotated[int, typer.Option("--max-pdf-pages")] = 2_000,
    max_unpacked_bytes: Annotated[int, typer.Option("--max-unpacked-bytes", help="Limit for .docx/.odt/.zip contents.")] = 200_000_000,
    max_ratio: Annotated[float, typer.Option("--max-ratio", help="Largest compression ratio accepted (zip bombs).")] = 200.0,
    max_chars: MaxCharsOpt = 3_000_000,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds one document may take.")] = 120.0,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: when a terminal).")] = None,
) -> None:
    """Classify an archive: parallel, resumable, one row per file, a report at the end."""
    from .batch import BatchConfig, run_batch
    from .ingest import IngestLimits

    limits = IngestLimits(max_bytes=max_bytes, max_pdf_pages=max_pdf_pages, max_unpacked_bytes=max_unpacked_bytes, max_ratio=max_ratio, max_chars=max_chars)
    config = BatchConfig(out_dir=out, format=format.value, workers=workers, resume=resume, engine=engine.value, scheduler=scheduler,
                         model=model, limits=limits, timeout_s=timeout, progress=progress, force=force)
    try:
        stats = run_batch(inputs, config)
    except FileExistsError as exc:
        typer.echo(f"samspil: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{stats.done} dokumenter behandlet ({stats.failed} med fejl, {stats.skipped} sprunget over fra tidligere kørsel) på {stats.seconds:.1f} s; resultater i {out}", err=True)
    raise typer.Exit(1 if stats.failed else 0)


class Backend(str, Enum):
    linear = "linear"
    spacy = "spacy"
    transformer = "transformer"


@app.command()
def train(
    out: Annotated[Path | None, typer.Option(help="Model directory to write (default models/samspil-BACKEND).")] = None,
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder with data/{train,dev,test}.jsonl.")] = None,
    backend: Annotated[Backend, typer.Option(help="linear, spacy or transformer.")] = Backend.linear,
    config: Annotated[Path | None, typer.Option(help="Backend config (default: training/configs/).")] = None,
    base_model: Annotated[str | None, typer.Option("--base-model", help="transformer: local path or hub name to fine-tune.")] = None,
) -> None:
    """Train a classifier (linear: on train and dev, tuned by cross-validation; others: on train, tuned on dev)."""
    from .trainer import train as train_model

    out = out or Path(f"models/samspil-{backend.value}")
    try:
        model = train_model(out, corpus, backend=backend.value, config=config, base_model=base_model)
    except ValueError as exc:
        typer.echo(f"samspil: {exc}", err=True)
        raise typer.Exit(2) from None
    t = model.meta["tuning"]
    score = f"cross-validated micro-F1 {t['cv_micro_f1']}" if "cv_micro_f1" in t else f"dev micro-F1 {t['dev_micro_f1']}"
    if t.get("label_stack"):
        stack = t["label_stack"]
        score += f" (label stack {'used' if stack['used'] else 'not used'}: {stack['cv_micro_f1_without']} without, {stack['cv_micro_f1_with']} with)"
    typer.echo(f"trained {model.meta['name']} on {model.meta['n_train']} documents; {score}; saved to {out}")


@app.command()
def evaluate(
    model: Annotated[Path, typer.Option(help="Model directory.")] = Path("models/samspil-linear"),
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder.")] = None,
    split: Annotated[str, typer.Option(help="train, dev or test.")] = "test",
    learning_curve: Annotated[bool, typer.Option(help="Also compute the learning curve.")] = True,
) -> None:
    """Evaluate a model; write metrics.json and the model card into its directory."""
    from .evaluation import evaluate as run

    m = run(model, corpus, split, learning_curve)
    s, k = m["model_scores"], m["keyword_baseline"]
    for g in ("trends", "forms", "all"):
        ci = s["bootstrap_95"][f"{g}_micro_f1"]
        typer.echo(f"{g:7s} micro-F1 {s[g]['micro_f1']:.3f} (95% CI {ci[0]:.3f}-{ci[1]:.3f})  keyword baseline {k[g]['micro_f1']:.3f}  macro-F1 {s[g]['macro_f1']:.3f}")
    c = m["citations"]
    typer.echo(f"citations F1 (author+year) {c['citations_by_author_year']['f1']:.3f}; reference segmentation F1 {c['reference_segmentation']['f1']:.3f}; linking {c['linking_accuracy']['accuracy']}")
    typer.echo(f"wrote {model / 'metrics.json'} and {model / 'README.md'}")


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
