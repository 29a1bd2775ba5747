"""`make bench`: speed and memory of samspil, written to bench/results.json.

The benchmark builds its own archive from corpus documents (as .txt, .pdf, .docx
and Word 97-2003 .doc under bench/archive/) so anyone can rerun it, then measures, on the same
documents in the same run:

- spaCy's tokenizer alone (``spacy.blank("da")``, as the goals name it), samspil's own
  tokenizer alone (the same rules with a working cache, see
  ``samspil.tokenise.cache_friendly``; reported beside it so the gain from the cache is
  not mistaken for a cheaper pipeline) and pypdfium2's text extraction alone (the baselines);
- end-to-end throughput (read, extract, tokenise, classify, cite, write JSONL)
  on one process, and with the batch runner on 1 and N worker processes;
- peak RSS of one worker, model load time, CLI cold start;
- citation extraction on adversarial inputs of growing size (linear time).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import samspil  # noqa: F401  (first, as in real use: spaCy is then imported without torch)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench"
ARCHIVE = OUT / "archive"
N_DOCS = int(os.environ.get("SAMSPIL_BENCH_DOCS", "100000"))  # all corpus documents: a batch run starts with cold caches, so a short one would measure mostly the warm-up


def build_archive() -> dict[str, list[Path]]:
    from samspil.corpus import read_all
    from samspil.testing import corpus_pdf, make_doc, make_docx

    docs = [d for d in read_all() if d["split"] in ("test", "dev", "train")][:N_DOCS]
    files: dict[str, list[Path]] = {"txt": [], "pdf": [], "docx": [], "doc": []}
    for kind in files:
        (ARCHIVE / kind).mkdir(parents=True, exist_ok=True)
    for d in docs:
        stem = d["id"]
        txt = ARCHIVE / "txt" / f"{stem}.txt"
        if not txt.exists():
            txt.write_text(d["text"], encoding="utf-8")
        pdf = ARCHIVE / "pdf" / f"{stem}.pdf"
        if not pdf.exists():
            pdf.write_bytes(corpus_pdf(d["text"], header=f"{d['genre']} – samspil benchmark"))
        docx = ARCHIVE / "docx" / f"{stem}.docx"
        if not docx.exists():
            docx.write_bytes(make_docx([p for p in d["text"].split("\n") if p.strip()]))
        doc = ARCHIVE / "doc" / f"{stem}.doc"
        if not doc.exists():
            doc.write_bytes(make_doc([p for p in d["text"].split("\n") if p.strip()], unicode_from=0))
        files["txt"].append(txt)
        files["pdf"].append(pdf)
        files["docx"].append(docx)
        files["doc"].append(doc)
    return files


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def tokenizer_alone(paths: list[Path]) -> float:
    import spacy

    nlp = spacy.blank("da")
    texts = [p.read_text(encoding="utf-8") for p in paths]
    for t in texts[:20]:
        nlp.tokenizer(t)
    return len(paths) / best_of(lambda: [nlp.tokenizer(t) for t in texts])


def samspil_tokenizer_alone(paths: list[Path]) -> float:
    """samspil's own tokenizer (spaCy's, with the cache that multi-line text needs; see
    samspil.tokenise.cache_friendly): what the pipeline's tokenising costs."""
    from samspil.tokenise import make_danish

    nlp = make_danish(lemmas=False)
    texts = [p.read_text(encoding="utf-8") for p in paths]
    for t in texts[:20]:
        nlp.tokenizer(t)
    return len(paths) / best_of(lambda: [nlp.tokenizer(t) for t in texts])


def pdfium_alone(paths: list[Path]) -> float:
    import pypdfium2 as pdfium

    def run():
        for p in paths:
            pdf = pdfium.PdfDocument(p.read_bytes())
            for i in range(len(pdf)):
                page = pdf[i]
                tp = page.get_textpage()
                tp.get_text_bounded()
                tp.close()
                page.close()
            pdf.close()

    return len(paths) / best_of(run)


def end_to_end_one_process(paths: list[Path], one_at_a_time: bool = False) -> float:
    """Read, extract, classify and serialise every file in this process (model loaded
    before): with ``Classifier.classify_many`` (stage by stage over batches of documents),
    or with ``one_at_a_time`` one ``Classifier.classify`` call per file."""
    from samspil.write import to_json_line

    clf = samspil.load()
    for p in paths[:10]:
        clf.classify(p)
    sink = open(os.devnull, "w", encoding="utf-8")

    def run():
        results = (clf.classify(p) for p in paths) if one_at_a_time else clf.classify_many(paths)
        for r in results:
            sink.write(to_json_line(r) + "\n")

    return len(paths) / best_of(run)


def batch_rate(paths: list[Path], workers: int, tag: str, repeat: int = 2) -> float:
    """Documents per second of the batch runner, best of ``repeat`` runs, each in a fresh
    process as from the command line (start-up excluded: first row to last)."""
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench; print(bench._batch_rate_here({str(paths[0].parent)!r}, {workers}, {tag!r}))"
    return max(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]) for _ in range(repeat))


def _batch_rate_here(src: str, workers: int, tag: str) -> float:
    import shutil

    from samspil.batch import BatchConfig, run_batch

    out = OUT / f"run-{tag}-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    stamps: list[float] = []
    run_batch([src], BatchConfig(out_dir=out, workers=workers, progress=False), on_row=lambda row: stamps.append(time.perf_counter()))
    shutil.rmtree(out, ignore_errors=True)
    return (len(stamps) - 1) / (stamps[-1] - stamps[0])


def worker_peak_rss_mb(paths: list[Path]) -> float:
    """Peak resident memory of one process that loads the model and classifies the files.

    Read from /proc/self/status (VmHWM), which starts afresh at exec; ru_maxrss
    would carry over the peak of the benchmark process the child was forked from.
    """
    code = (
        "import sys, samspil\n"
        "clf = samspil.load()\n"
        "for p in sys.argv[1:]:\n    clf.classify(p)\n"
        "print(next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *map(str, paths)], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def model_load_seconds() -> float:
    code = "import time; t = time.perf_counter(); import samspil; samspil.load(); print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(3)]
    return min(runs)


def cli_cold_start_seconds(path: Path) -> float:
    exe = Path(sys.executable).parent / "samspil"
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([str(exe), "classify", str(path), "--format", "jsonl"], capture_output=True, check=True)
        runs.append(time.perf_counter() - t)
    return min(runs)


def citation_scaling() -> dict[str, float]:
    """Seconds to extract citations from adversarial text of 0.25, 0.5 and 1 MB."""
    from samspil.citations import extract_citations

    unit = "(Ibsen & Levinsen & Hansen & " * 3 + "((((( 2019 ;;; & & (se fx (jf. m.fl. et al. " + "A" * 40 + " (2018-2020) (§ 18) "
    out = {}
    for mb in (0.25, 0.5, 1.0):
        text = (unit * int(mb * 1_000_000 / len(unit) + 1))[: int(mb * 1_000_000)]
        text += "\n\nLitteratur\n" + "Hansen, A. (2019). Titel. Kbh.: Forlag.\n" * 50
        out[f"{mb}MB"] = round(best_of(lambda text=text: extract_citations(text), 2), 3)
    # Dense: real citations everywhere and a list as long as the text (thousands of
    # candidates to test against the spans already taken, and list lines to test for page furniture).
    body = "Frivillige løfter opgaven (Hansen, 2019; KL, 2020), og Ibsen og Levinsen (2019) viser det samme.\n"
    entries = "Hansen, P. ({y}). Titel nummer {i}. Odense: SDU.\nRapport fra projektet, side {i}\n"
    for mb in (0.25, 0.5, 1.0):
        n = int(mb * 1_000_000 / (len(body) + len(entries)))
        text = body * n + "\nLitteratur\n" + "".join(entries.format(y=1990 + i % 30, i=i) for i in range(n))
        out[f"dense {mb}MB"] = round(best_of(lambda text=text: extract_citations(text), 2), 3)
    return out


def main() -> None:
    OUT.mkdir(exist_ok=True)
    t = time.perf_counter()
    files = build_archive()
    print(f"archive: {len(files['txt'])} documents as txt, pdf, docx and doc under {ARCHIVE} ({time.perf_counter() - t:.0f} s)")
    workers = os.cpu_count() or 2
    r: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}, "documents": len(files["txt"])}
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in files["txt"])
    r["words"] = words
    r["txt"] = {
        "tokenizer_alone_docs_per_s": round(tokenizer_alone(files["txt"]), 1),
        "samspil_tokenizer_alone_docs_per_s": round(samspil_tokenizer_alone(files["txt"]), 1),
        "end_to_end_one_process_docs_per_s": round(end_to_end_one_process(files["txt"]), 1),
        "end_to_end_one_at_a_time_docs_per_s": round(end_to_end_one_process(files["txt"], one_at_a_time=True), 1),
        "batch_1_worker_docs_per_s": round(batch_rate(files["txt"], 1, "txt"), 1),
        f"batch_{workers}_workers_docs_per_s": round(batch_rate(files["txt"], workers, "txt"), 1),
    }
    r["pdf"] = {
        "pdfium_alone_docs_per_s": round(pdfium_alone(files["pdf"]), 1),
        "end_to_end_one_process_docs_per_s": round(end_to_end_one_process(files["pdf"]), 1),
        "end_to_end_one_at_a_time_docs_per_s": round(end_to_end_one_process(files["pdf"], one_at_a_time=True), 1),
        "batch_1_worker_docs_per_s": round(batch_rate(files["pdf"], 1, "pdf"), 1),
        f"batch_{workers}_workers_docs_per_s": round(batch_rate(files["pdf"], workers, "pdf"), 1),
    }
    r["docx"] = {"end_to_end_one_process_docs_per_s": round(end_to_end_one_process(files["docx"]), 1)}
    r["doc"] = {"end_to_end_one_process_docs_per_s": round(end_to_end_one_process(files["doc"]), 1)}
    r["ratios"] = {
        "txt_end_to_end_vs_tokenizer": round(r["txt"]["end_to_end_one_process_docs_per_s"] / r["txt"]["tokenizer_alone_docs_per_s"], 3),
        "txt_end_to_end_vs_samspil_tokenizer": round(r["txt"]["end_to_end_one_process_docs_per_s"] / r["txt"]["samspil_tokenizer_alone_docs_per_s"], 3),
        f"pdf_batch_{workers}_workers_vs_pdfium": round(r["pdf"][f"batch_{workers}_workers_docs_per_s"] / r["pdf"]["pdfium_alone_docs_per_s"], 3),
        f"txt_{workers}_workers_vs_1": round(r["txt"][f"batch_{workers}_workers_docs_per_s"] / r["txt"]["batch_1_worker_docs_per_s"], 3),
        f"pdf_{workers}_workers_vs_1": round(r["pdf"][f"batch_{workers}_workers_docs_per_s"] / r["pdf"]["batch_1_worker_docs_per_s"], 3),
        "pdf_end_to_end_vs_pdfium": round(r["pdf"]["end_to_end_one_process_docs_per_s"] / r["pdf"]["pdfium_alone_docs_per_s"], 3),
    }
    r["worker_peak_rss_mb"] = round(worker_peak_rss_mb(files["txt"][:200] + files["pdf"][:100]), 1)
    r["model_load_s"] = round(model_load_seconds(), 3)
    small = ARCHIVE / "small.txt"
    small.write_text("Foreningen låner gymnastiksalen af kommunen hver tirsdag.", encoding="utf-8")
    r["cli_cold_start_s"] = round(cli_cold_start_seconds(small), 3)
    r["citations_adversarial_s"] = citation_scaling()
    goals = {
        "txt_end_to_end_vs_tokenizer >= 0.5": r["ratios"]["txt_end_to_end_vs_tokenizer"] >= 0.5,
        f"txt_{workers}_workers_vs_1 >= 1.7": r["ratios"][f"txt_{workers}_workers_vs_1"] >= 1.7,
        "pdf_end_to_end_vs_pdfium >= 0.7": r["ratios"]["pdf_end_to_end_vs_pdfium"] >= 0.7,
        "worker_peak_rss_mb <= 400": r["worker_peak_rss_mb"] <= 400,
        "cli_cold_start_s <= 2": r["cli_cold_start_s"] <= 2,
    }
    r["goals_met"] = goals
    r["date"] = time.strftime("%Y-%m-%d %H:%M")
    (OUT / "results.json").write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    print(f"\n{'measure':55s} value")
    for section in ("txt", "pdf", "docx", "doc", "ratios"):
        for k, v in r[section].items():
            print(f"{section + '.' + k:55s} {v}")
    for k in ("worker_peak_rss_mb", "model_load_s", "cli_cold_start_s"):
        print(f"{k:55s} {r[k]}")
    for k, v in r["citations_adversarial_s"].items():
        print(f"{'citations on adversarial ' + k + ' (s)':55s} {v}")
    print()
    for k, v in goals.items():
        print(f"{'met' if v else 'NOT met':8s} {k}")
    print(f"\nwrote {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
