"""One evaluation for every backend: label metrics with bootstrap intervals,
calibration, subsets, a keyword baseline, a learning curve, citation metrics,
and the model card."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from .classify.keywords import KeywordBaseline
from .classify.linear import LinearModel, LinearParams, fit_linear
from .records import FORMS, LABELS, TRENDS

GROUPS = {"trends": TRENDS, "forms": FORMS, "all": LABELS}
_METHODS = {
    "linear": "TF-IDF over lemma unigrams and bigrams and character 3–5-grams of word forms (NFKC-normalised, lower case); one logistic regression per label, trained on the documents and, as multiple-instance learning, on passages of {passage_words} words (each round adds the best-scoring passage of every positive document and the hardest passages of the negative ones), Platt-calibrated on out-of-fold decisions; with a relevance gate, a model of \"has any label\" fitted the same way, whose probability (to a tuned power) multiplies each label's; documents are scored whole and in overlapping windows of sentences (the document score is the maximum, windows weighted); window size and weight and per-label thresholds tuned as the next line says; where that tuning shows it helps, a label stack (one logistic regression per label over all labels' document probabilities, fitted on out-of-fold probabilities) gives the final probabilities.",
    "spacy": "spaCy textcat_multilabel (TextCatBOW, uni- and bigrams) trained with `spacy train` from training/configs/textcat.cfg; documents scored whole and in windows (maximum); thresholds tuned on dev.",
    "transformer": "a transformers sequence classifier (multi-label) fine-tuned on sentence windows; document score is the maximum over windows; thresholds tuned on dev.",
}


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return p, r, f


def label_metrics(y: np.ndarray, pred: np.ndarray, labels: tuple[str, ...]) -> dict[str, Any]:
    """Per-label precision, recall, F1 and support; micro and macro F1 per group."""
    out: dict[str, Any] = {"per_label": {}}
    for j, lab in enumerate(labels):
        tp = int(np.sum((pred[:, j] == 1) & (y[:, j] == 1)))
        fp = int(np.sum((pred[:, j] == 1) & (y[:, j] == 0)))
        fn = int(np.sum((pred[:, j] == 0) & (y[:, j] == 1)))
        p, r, f = _prf(tp, fp, fn)
        out["per_label"][lab] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": int(y[:, j].sum())}
    for group, members in GROUPS.items():
        cols = [labels.index(lab) for lab in members if lab in labels]
        out[group] = {"micro_f1": round(micro_f1(y[:, cols], pred[:, cols]), 4), "macro_f1": round(float(np.mean([out["per_label"][labels[c]]["f1"] for c in cols])), 4)}
    return out


def _micro_prf(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Micro precision, recall and F1 of 0/1 matrices."""
    tp = int(np.sum((pred == 1) & (y == 1)))
    fp = int(np.sum((pred == 1) & (y == 0)))
    fn = int(np.sum((pred == 0) & (y == 1)))
    return _prf(tp, fp, fn)


def micro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    """Micro-averaged F1 of 0/1 label matrices (0 where there is nothing to find and nothing found)."""
    return _micro_prf(y, pred)[2]


def bootstrap(y: np.ndarray, pred: np.ndarray, labels: tuple[str, ...], n: int = 1000, seed: int = 0) -> dict[str, Any]:
    """95 % bootstrap intervals (documents resampled) for micro and macro F1 per group."""
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        m = label_metrics(y[idx], pred[idx], labels)
        for group in GROUPS:
            samples.setdefault(f"{group}_micro_f1", []).append(m[group]["micro_f1"])
            samples.setdefault(f"{group}_macro_f1", []).append(m[group]["macro_f1"])
    return {k: [round(float(np.percentile(v, 2.5)), 4), round(float(np.percentile(v, 97.5)), 4)] for k, v in samples.items()}


def expected_calibration_error(y: np.ndarray, proba: np.ndarray, bins: int = 10) -> float:
    """ECE over all (document, label) probabilities, equal-width bins."""
    p, t = proba.ravel(), y.ravel()
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if mask.any():
            total += mask.mean() * abs(p[mask].mean() - t[mask].mean())
    return round(float(total), 4)


def cooccurrence_errors(y: np.ndarray, pred: np.ndarray, labels: tuple[str, ...], top: int = 10) -> list[dict[str, Any]]:
    """Which true label stood beside a wrong one: ``(true, predicted_wrongly)`` pair counts,
    and ``(true_missed, true_found)`` for misses."""
    fp_pairs: Counter[tuple[str, str]] = Counter()
    fn_pairs: Counter[tuple[str, str]] = Counter()
    for i in range(len(y)):
        true = [labels[j] for j in range(len(labels)) if y[i, j]]
        for j in range(len(labels)):
            if pred[i, j] and not y[i, j]:
                for t in true or ["(none)"]:
                    fp_pairs[(t, labels[j])] += 1
            if y[i, j] and not pred[i, j]:
                for t in [lab for lab in true if lab != labels[j]] or ["(alone)"]:
                    fn_pairs[(labels[j], t)] += 1
    return [
        *({"kind": "false_positive", "true_label": a, "wrong_label": b, "count": c} for (a, b), c in fp_pairs.most_common(top)),
        *({"kind": "false_negative", "missed_label": a, "beside": b, "count": c} for (a, b), c in fn_pairs.most_common(top)),
    ]


def subset_metrics(y: np.ndarray, pred: np.ndarray, labels: tuple[str, ...], keys: list[str]) -> dict[str, Any]:
    out = {}
    for key in sorted(set(keys)):
        mask = np.array([k == key for k in keys])
        m = label_metrics(y[mask], pred[mask], labels)
        out[key] = {"documents": int(mask.sum()), "trends_micro_f1": m["trends"]["micro_f1"], "forms_micro_f1": m["forms"]["micro_f1"], "all_micro_f1": m["all"]["micro_f1"]}
    return out


def full_report(y: np.ndarray, proba: np.ndarray, pred: np.ndarray, docs: list[dict[str, Any]], labels: tuple[str, ...]) -> dict[str, Any]:
    words = [len(d["text"].split()) for d in docs]
    report = label_metrics(y, pred, labels)
    report["bootstrap_95"] = bootstrap(y, pred, labels)
    report["ece"] = expected_calibration_error(y, proba)
    report["cooccurrence_errors"] = cooccurrence_errors(y, pred, labels)
    report["by_genre"] = subset_metrics(y, pred, labels, [d["genre"] for d in docs])
    report["by_side"] = subset_metrics(y, pred, labels, [d["side"] for d in docs])
    report["by_length"] = subset_metrics(y, pred, labels, ["under_200_words" if w < 200 else "over_1000_words" if w > 1000 else "200_to_1000_words" for w in words])
    if any(w > 1500 for w in words):
        buckets = subset_metrics(y, pred, labels, ["over_1500_words" if w > 1500 else "rest" for w in words])
        report["by_length"]["over_1500_words"] = buckets["over_1500_words"]
    return report


# ------------------------------------------------------------------ citations


def evaluate_citations(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Citation and reference extraction against the corpus's gold annotations."""
    from .citations import extract_citations, fold_name

    span = Counter()
    ay = Counter()
    seg = Counter()
    fields = {k: Counter() for k in ("author", "year", "title", "publisher", "publisher-place", "type")}
    link = Counter()
    for d in docs:
        if not d["citations"] and not d["references"]:
            continue
        cits, refs = extract_citations(d["text"])
        gold_spans = {(c["start"], c["end"]) for c in d["citations"]}
        pred_spans = {(c.start, c.end) for c in cits}
        span["tp"] += len(gold_spans & pred_spans)
        span["fp"] += len(pred_spans - gold_spans)
        span["fn"] += len(gold_spans - pred_spans)
        gold_ay = Counter((fold_name(c["authors"][0]) if c["authors"] else "", c["year"]) for c in d["citations"])
        pred_ay = Counter((fold_name(c.authors[0]) if c.authors else "", c.year) for c in cits)
        ay["tp"] += sum((gold_ay & pred_ay).values())
        ay["fp"] += sum((pred_ay - gold_ay).values())
        ay["fn"] += sum((gold_ay - pred_ay).values())
        gold_refs = {(r["start"], r["end"]): r for r in d["references"]}
        pred_refs = {(r.start, r.end): r for r in refs}
        seg["tp"] += len(gold_refs.keys() & pred_refs.keys())
        seg["fp"] += len(pred_refs.keys() - gold_refs.keys())
        seg["fn"] += len(gold_refs.keys() - pred_refs.keys())
        for key in gold_refs.keys() & pred_refs.keys():
            g, p = gold_refs[key]["csl"], pred_refs[key].csl
            for f, counter in fields.items():
                if f == "author":
                    gv = [fold_name(a.get("family") or a.get("literal") or "") for a in g.get("author", [])]
                    pv = [fold_name(a.get("family") or a.get("literal") or "") for a in p.get("author", [])]
                elif f == "year":
                    gv, pv = json.dumps(g.get("issued")), json.dumps(p.get("issued"))
                else:
                    gv, pv = _norm(g.get(f)), _norm(p.get(f))
                if f in ("publisher", "publisher-place") and gv is None:
                    continue
                counter["n"] += 1
                counter["ok"] += int(gv == pv)
        # linking: for gold citations whose span we found, is the reference the same entry?
        gold_ref_span = {i: (r["start"], r["end"]) for i, r in enumerate(d["references"])}
        pred_ref_span = {i: (r.start, r.end) for i, r in enumerate(refs)}
        by_span = {(c.start, c.end): c for c in cits}
        for c in d["citations"]:
            pc = by_span.get((c["start"], c["end"]))
            if pc is None:
                continue
            gold_target = gold_ref_span.get(c["reference"]) if c["reference"] is not None else None
            pred_target = pred_ref_span.get(pc.reference) if pc.reference is not None else None
            link["n"] += 1
            link["ok"] += int(gold_target == pred_target)
            # the same entry read loosely: the predicted entry overlaps the gold one (its
            # boundaries are segmentation's business, counted there)
            same_entry = gold_target == pred_target or (gold_target is not None and pred_target is not None
                                                        and pred_target[0] < gold_target[1] and gold_target[0] < pred_target[1])
            link["entry_ok"] += int(same_entry)

    def f(c: Counter) -> dict[str, float]:
        p, r, f1 = _prf(c["tp"], c["fp"], c["fn"])
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "gold": c["tp"] + c["fn"]}

    return {
        "citations_by_span": f(span),
        "citations_by_author_year": f(ay),
        "reference_segmentation": f(seg),
        "field_accuracy": {k: {"accuracy": round(v["ok"] / v["n"], 4) if v["n"] else None, "n": v["n"]} for k, v in fields.items()},
        "linking_accuracy": {"accuracy": round(link["ok"] / link["n"], 4) if link["n"] else None, "n": link["n"]},
        "linking_accuracy_by_entry": {"accuracy": round(link["entry_ok"] / link["n"], 4) if link["n"] else None, "n": link["n"]},
    }


def compare_refextract(docs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """refextract (INSPIRE's reference extractor) on the same gold, for the evaluation table.

    Two runs: given each document's full text (it must find the list itself, as
    samspil does), and given only the list (from the gold list's first entry on).
    Entries match gold entries by whitespace-normalised text. Returns ``None``
    when refextract is not installed (it is in the ``dev`` extra).
    """
    try:
        import refextract  # noqa: F401
    except ImportError:
        return None
    return {"full_text": _run_refextract(docs, only_list=False), "given_the_list": _run_refextract(docs, only_list=True),
            "note": "refextract finds no author-year in-text citations (it targets numbered references), so it has no in-text figure."}


def _run_refextract(docs: list[dict[str, Any]], only_list: bool) -> dict[str, Any]:
    from refextract import extract_references_from_string

    from .citations import fold_name

    seg = Counter()
    fields = {k: Counter() for k in ("author", "year", "title")}
    for d in docs:
        if not d["references"]:
            continue
        try:
            text = d["text"][d["references"][0]["start"] :] if only_list else d["text"]
            found = extract_references_from_string(text, is_only_references=only_list)
        except Exception:  # noqa: BLE001 - a crash counts as nothing found
            found = []
        pred = {}
        for r in found:
            raw = " ".join(" ".join(r.get("raw_ref", [])).split())
            pred[raw.strip(" .")] = r
        gold = {" ".join(g["text"].split()).strip(" ."): g for g in d["references"]}
        hits = gold.keys() & pred.keys()
        seg["tp"] += len(hits)
        seg["fp"] += len(pred.keys() - gold.keys())
        seg["fn"] += len(gold.keys() - pred.keys())
        for key in hits:
            g, p = gold[key]["csl"], pred[key]
            first = (g.get("author") or g.get("editor") or [{}])[0]
            fam = fold_name(first.get("family") or first.get("literal") or "")
            fields["author"]["n"] += 1
            fields["author"]["ok"] += int(bool(fam) and any(fam in fold_name(a) for a in p.get("author", [])))
            issued = g.get("issued", {})
            gy = str(issued["date-parts"][0][0]) if "date-parts" in issued else issued.get("literal")
            fields["year"]["n"] += 1
            fields["year"]["ok"] += int(gy in p.get("year", []))
            fields["title"]["n"] += 1
            fields["title"]["ok"] += int(_norm(g.get("title")) in [_norm(t.get("title") if isinstance(t, dict) else t) for t in p.get("title", [])])
    p_, r_, f_ = _prf(seg["tp"], seg["fp"], seg["fn"])
    return {
        "reference_segmentation": {"precision": round(p_, 4), "recall": round(r_, 4), "f1": round(f_, 4), "gold": seg["tp"] + seg["fn"]},
        "field_accuracy_on_matched": {k: {"accuracy": round(v["ok"] / v["n"], 4) if v["n"] else None, "n": v["n"]} for k, v in fields.items()},
    }


def _norm(v: Any) -> str | None:
    if v is None:
        return None
    return " ".join(str(v).split()).strip(" .,").casefold()


# ------------------------------------------------------------------ the whole evaluation


def load_backend(model_dir: str | Path):
    """Load any samspil model directory by the format its manifest names."""
    model_dir = Path(model_dir)
    manifest = model_dir / "manifest.json"
    if not manifest.is_file():
        from .errors import ModelError

        raise ModelError(f"{model_dir}: expected a model directory with manifest.json")
    fmt = json.loads(manifest.read_text(encoding="utf-8")).get("format")
    if fmt == "samspil-textcat":
        from .classify.textcat import TextcatModel

        return TextcatModel.load(model_dir)
    if fmt == "samspil-transformer":
        from .classify.transformer import TransformerModel

        return TransformerModel.load(model_dir)
    return LinearModel.load(model_dir)


def one_item_in_many(model, docs: list[dict[str, Any]], labels: tuple[str, ...], n: int = 60, min_words: int = 1600, seed: int = 0) -> dict[str, Any]:
    """Micro-F1 on long texts where one item in many matters (built from the split by
    :func:`samspil.corpus.one_item_in_many`) against the micro-F1 of the same labelled
    documents alone: what a label costs when it is one passage of a long text."""
    from .corpus import label_matrix
    from .corpus import one_item_in_many as build

    texts, chosen = build(docs, n, min_words, seed)
    if not texts:
        return {}
    y = label_matrix(chosen, labels)

    def prf(batch: list[str]) -> tuple[float, ...]:
        pred = model.thresholds.predict(model.predict_proba(batch)).astype(int)
        return tuple(round(x, 4) for x in _micro_prf(y, pred))

    alone, long = prf([d["text"] for d in chosen]), prf(texts)
    return {"documents": len(chosen), "median_words": int(np.median([len(t.split()) for t in texts])),
            "micro_f1_alone": alone[2], "micro_f1_in_long_text": long[2],
            "precision_alone": alone[0], "recall_alone": alone[1], "precision_in_long_text": long[0], "recall_in_long_text": long[1]}


def pdf_round_trip(model, docs: list[dict[str, Any]], labels: tuple[str, ...], pred_text: np.ndarray) -> dict[str, Any]:
    """The split's documents written to PDF (:func:`samspil.testing.corpus_pdf`: wrapped
    lines, spacing after each paragraph, running header and page footer) and read back
    by samspil's PDF reader: micro-F1 on the text out of the PDF, and how many documents
    get other labels than from their plain text. The same for that text without its
    empty lines (``*_lines``): wrapped lines and no paragraph marks; and for the PDF's
    pages dumped one after the other as plain text, headers, footers and page numbers
    left in, read by samspil's text reader (``*_dump``): as many tools pull text out of
    PDFs and as archives hold it. Needs fpdf2 (the ``dev`` extra); without it, an empty
    dict."""
    from .corpus import label_matrix
    from .ingest import read_bytes
    from .testing import corpus_pdf, pdf_text_dump

    try:
        import fpdf  # noqa: F401  (writes the PDFs; the dev extra)
    except ImportError:
        return {}
    # A neutral running header (an archive number): the genre's name or the document's id
    # would put words such as "samarbejdsaftale" or "aft" on every page.
    pdfs = [corpus_pdf(d["text"], header=f"Dokument {k}") for k, d in enumerate(docs, 1)]
    texts = [read_bytes(data, f"{k}.pdf").text for k, data in enumerate(pdfs, 1)]
    dumps = [read_bytes(pdf_text_dump(data).encode("utf-8"), f"{k}.txt").text for k, data in enumerate(pdfs, 1)]
    y = label_matrix(docs, labels)
    text_lm = label_metrics(y, pred_text, labels)
    out: dict[str, Any] = {"documents": len(docs)}
    for suffix, variant in (("", texts), ("_lines", [re.sub(r"\n\s*\n", "\n", t) for t in texts]), ("_dump", dumps)):
        pred = model.thresholds.predict(model.predict_proba(variant)).astype(int)
        lm = label_metrics(y, pred, labels)
        out[f"labels_differ_from_text{suffix}"] = int((pred != pred_text).any(axis=1).sum())
        for g in GROUPS:
            out[f"{g}_micro_f1_from_pdf{suffix}"] = lm[g]["micro_f1"]
    for g in GROUPS:
        out[f"{g}_micro_f1_from_text"] = text_lm[g]["micro_f1"]
    return out


def evaluate(model_dir: str | Path = "models/samspil-linear", corpus_dir: str | Path | None = None, split: str = "test", learning_curve: bool = True) -> dict[str, Any]:
    """Evaluate a model of any backend on a corpus split; write ``metrics.json`` and the card
    (and, for the linear backend, the learning curve).

    Returns the metrics dict that was written.
    """
    from .corpus import as_read, label_matrix, read_split
    from .trainer import parse_texts, tune_on_dev

    model_dir = Path(model_dir)
    model = load_backend(model_dir)
    labels = model.labels
    docs = read_split(split, corpus_dir)
    # The model sees the texts as samspil reads them; the citation figures and the PDFs
    # of the round trip are made from the texts as written.
    read = as_read(docs)
    y = label_matrix(docs, labels)
    is_linear = isinstance(model, LinearModel)
    parsed = parse_texts([d["text"] for d in read]) if is_linear else None
    proba = model.predict_proba_docs(parsed) if is_linear else model.predict_proba([d["text"] for d in read])
    pred = model.thresholds.predict(proba).astype(int)
    metrics: dict[str, Any] = {"model": model.meta.get("name"), "split": split, "documents": len(docs)}
    metrics["model_scores"] = full_report(y, proba, pred, docs, labels)
    review = model.thresholds.review(proba)
    right = (pred == 1) == (y == 1)
    metrics["needs_review_share"] = round(float(review.any(axis=1).mean()), 4)
    metrics["needs_review_accuracy"] = {
        "flagged_label_decisions": int(review.sum()),
        "accuracy_flagged": round(float(right[review].mean()), 4) if review.any() else None,
        "accuracy_not_flagged": round(float(right[~review].mean()), 4),
    }
    # Near misses: the split's documents without any label (most use the labels' words
    # without public–civil collaboration) that the model gives one anyway.
    unlabelled = ~y.any(axis=1)
    metrics["unlabelled_given_a_label"] = {"documents": int(unlabelled.sum()), "given_a_label": int(pred[unlabelled].any(axis=1).sum())}
    metrics["one_item_in_many"] = one_item_in_many(model, read, labels)
    metrics["one_sentence_in_many"] = one_sentence_in_many(model, read, labels)
    metrics["pdf_round_trip"] = pdf_round_trip(model, docs, labels, pred)
    kw = KeywordBaseline(labels)
    kw_proba = kw.predict_proba([d["text"] for d in read])
    metrics["keyword_baseline"] = full_report(y, kw_proba, kw_proba.astype(int), docs, labels)
    metrics["gain_over_keywords"] = {g: round(metrics["model_scores"][g]["micro_f1"] - metrics["keyword_baseline"][g]["micro_f1"], 4) for g in GROUPS}
    metrics["thresholds"] = model.thresholds.to_dict()
    metrics["tuning"] = model.meta.get("tuning")
    metrics["citations"] = evaluate_citations(docs)
    metrics["citations"]["refextract"] = compare_refextract(docs)
    comparison = model_dir / "backends.json"
    if comparison.is_file():
        metrics["backend_comparison"] = json.loads(comparison.read_text(encoding="utf-8"))
    if learning_curve and is_linear:
        train_docs = as_read(read_split("train", corpus_dir))
        dev_docs = as_read(read_split("dev", corpus_dir))
        p_train = parse_texts([d["text"] for d in train_docs])
        p_dev = parse_texts([d["text"] for d in dev_docs])
        y_train, y_dev = label_matrix(train_docs, labels), label_matrix(dev_docs, labels)
        params = LinearParams(**{k: v for k, v in (model.meta.get("params") or {}).items()}, features=model.config)
        curve = []
        rng = np.random.default_rng(0)
        order = rng.permutation(len(train_docs))
        for frac in (0.2, 0.4, 0.6, 0.8, 1.0):
            idx = np.sort(order[: max(20, int(frac * len(train_docs)))])
            try:
                m = fit_linear([p_train[i] for i in idx], y_train[idx], labels, params)
            except ValueError:
                continue  # a label with too few examples in a small subset
            tune_on_dev(m, p_dev, y_dev)
            pr = m.thresholds.predict(m.predict_proba_docs(parsed)).astype(int)
            lm = label_metrics(y, pr, labels)
            curve.append({"train_documents": int(len(idx)), "trends_micro_f1": lm["trends"]["micro_f1"], "forms_micro_f1": lm["forms"]["micro_f1"], "all_micro_f1": lm["all"]["micro_f1"]})
        metrics["learning_curve"] = curve
        plot_learning_curve(curve, model_dir / "learning_curve.png")
    (model_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_model_card(model_dir, model, metrics)
    return metrics


def plot_learning_curve(curve: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    xs = [c["train_documents"] for c in curve]
    for key, label in (("trends_micro_f1", "trends"), ("forms_micro_f1", "forms"), ("all_micro_f1", "all labels")):
        ax.plot(xs, [c[key] for c in curve], marker="o", label=label)
    ax.set_xlabel("training documents")
    ax.set_ylabel("micro-F1 on the test split")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Learning curve (linear backend)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def one_sentence_in_many(model, docs: list[dict[str, Any]], labels: tuple[str, ...], min_words: int = 1600, seed: int = 0) -> dict[str, Any]:
    """Guideline P4 ("one passing mention is enough"): the example sentences of the
    annotation guideline, alone and each placed among the split's unlabelled documents
    (:func:`samspil.corpus.one_sentence_in_many`); how many of the ``+`` sentences get
    their label, and how many of the ``−`` ones (near misses) get no label at all."""
    from .corpus import guideline_examples
    from .corpus import one_sentence_in_many as build

    examples = [(lab, sign, q) for lab, sign, q in guideline_examples() if lab in labels]
    texts = build(docs, [q for _, _, q in examples], min_words, seed)
    if not examples or not texts:
        return {}
    col = {lab: j for j, lab in enumerate(labels)}
    positive = np.array([sign == "+" for _, sign, _ in examples])
    target = np.array([col[lab] for lab, _, _ in examples])
    out: dict[str, Any] = {"positives": int(positive.sum()), "negatives": int((~positive).sum()), "median_words": int(np.median([len(t.split()) for t in texts]))}
    for where, batch in (("alone", [q for _, _, q in examples]), ("in_long_text", texts)):
        pred = model.thresholds.predict(model.predict_proba(batch)).astype(bool)
        out[f"found_{where}"] = int(pred[np.flatnonzero(positive), target[positive]].sum())
        out[f"negatives_without_label_{where}"] = int((~pred[~positive].any(axis=1)).sum())
        # A near miss for one label may rightly carry another ("Den selvejende børnehave har
        # driftsoverenskomst med kommunen" is no hybridisation, but a written agreement):
        # how many do not get the label they are a near miss for.
        out[f"negatives_without_their_label_{where}"] = int((~pred[np.flatnonzero(~positive), target[~positive]]).sum())
    # The same long texts without the sentence (the same seed draws the same documents):
    # how many the near-miss sentences' carriers leave without a label on their own.
    carriers = [t for t, pos in zip(build(docs, [""] * len(examples), min_words, seed), positive) if not pos]
    out["carriers_of_negatives_without_label"] = int((~model.thresholds.predict(model.predict_proba(carriers)).astype(bool).any(axis=1)).sum())
    return out


def _long_text_limit(one: dict[str, Any]) -> str:
    """The card's limitation line on long texts, from the one-item-in-many figures."""
    line = (f"- Long texts: a label carried by one passage is found (windows), but each further passage is another chance of a wrong label: "
            f"in constructed texts of 1,600+ words micro-F1 falls from {one.get('micro_f1_alone')} to {one.get('micro_f1_in_long_text')}")
    if "precision_alone" in one:
        lost_p = one["precision_alone"] - one["precision_in_long_text"]
        lost_r = one["recall_alone"] - one["recall_in_long_text"]
        line += f", {'more by precision' if lost_p > lost_r else 'more by recall'} (precision {one['precision_alone']} to {one['precision_in_long_text']}, recall {one['recall_alone']} to {one['recall_in_long_text']})"
    return line + ". Read the evidence sentences of labels on long minutes."


def _long_text_clause(model) -> str:
    """What the model does with long texts, from its feature config (linear backend)."""
    config = getattr(model, "config", None)
    words = getattr(config, "long_text_words", 0)
    if not words:
        return ""
    extra = f" and of {config.long_window_words} words" if config.long_window_words else ""
    sentences = (f" and by each of its sentences of {getattr(config, 'sentence_min_words', 4)} words or more, whose label probability is multiplied "
                 f"by the gate's to the power {config.sentence_gate_power:g}, so that one passing mention counts (guideline P4)") if getattr(config, "long_text_sentences", False) else ""
    margin = getattr(config, "long_text_margin", 0.0)
    margin_clause = (f" Its score for a label is the best of these runs less {margin:g}, since the best of some hundreds of runs is high by chance alone."
                     if margin else "")
    return (f" A text of more than {words:,} words is scored by its windows alone (of the tuned size{extra}){sentences}, not also whole: "
            "in long minutes the words of unrelated items would mix with the one item that matters." + margin_clause)


def _tuning_line(t: dict[str, Any], penalty: float = 0.0) -> str:
    w = t.get("window_weight", "–")
    windows = f"windows of {t.get('window_words', '–')} words, " + (f"a window weight per label ({', '.join(f'{x:g}' for x in w)}; 0: no windows)" if isinstance(w, list) else f"window weight {w}")
    by = t.get("cv_micro_f1_by_window") or t.get("dev_micro_f1_by_window") or {}
    gated = [v for k, v in by.items() if "gate power" in k]
    if gated:  # a model with a relevance gate: say what it added
        plain = [v for k, v in by.items() if "gate power" not in k and "per label" not in k]
        windows += (f", relevance gate at power {t.get('gate_power', 0):g} (0: not used; best micro-F1 without the gate "
                    f"{max(plain):.4f}, with it {max(gated):.4f})")
    stack = t.get("label_stack")
    if stack:  # see samspil.classify.stack
        windows += (f"; label stacking (a logistic regression per label on all labels' out-of-fold probabilities) "
                    f"{'used' if stack['used'] else 'not used'}: cross-validated micro-F1 {stack['cv_micro_f1_without']} without, "
                    f"{stack['cv_micro_f1_with']} with (stacked probabilities out-of-fold as well)")
        shares = stack.get("unlabelled_given_a_label")
        if shares:
            windows += (f", held to the documents the first stage gives a label (a stack free to label any document: micro-F1 "
                        f"{stack['cv_micro_f1_with_ungated']}, and {shares['with_ungated']:.1%} of the {shares['documents']} unlabelled "
                        f"documents given a label against {shares['without']:.1%} without the stack and {shares['with']:.1%} with the held stack)")
    thresholds = "per-label thresholds" + (f" (tuned with a penalty of {penalty:g} F1 per unit of distance from 0.5)" if penalty else "")
    if "cv_micro_f1" in t:
        return (f"- Tuning by {t['method']} (every document scored by a model that did not see it): {windows}; "
                f"{thresholds} and review bands; cross-validated micro-F1 {t['cv_micro_f1']}. The final model is then fitted on all of train and dev.")
    return f"- Tuning on dev: {windows}, dev micro-F1 {t.get('dev_micro_f1')}."


def _near_miss_line(metrics: dict[str, Any]) -> list[str]:
    u = metrics.get("unlabelled_given_a_label")
    if not u:
        return []
    return ["", f"Documents without any label: {u['documents']} in the {metrics.get('split', 'test')} split (most of them near misses, "
                f"which use the labels' words without public–civil collaboration); the model gives {u['given_a_label']} of them a label."]


def write_model_card(model_dir: Path, model, metrics: dict[str, Any]) -> None:
    """Write ``README.md`` in the model directory from the manifest and the metrics."""
    ms, kb = metrics["model_scores"], metrics["keyword_baseline"]
    boot = ms["bootstrap_95"]
    meta = model.meta
    cv = "cv_micro_f1" in (meta.get("tuning") or {})  # fitted on train + dev, tuned by cross-validation
    lines = [
        f"# Model card: {meta.get('name')}",
        "",
        f"- Version {meta.get('version')}, trained {meta.get('created')}, backend `{meta.get('backend')}`.",
        f"- Data: the samspil corpus (sha256 `{str(meta.get('corpus_sha256'))[:16]}…`), " + (
            f"{meta.get('n_train')} training documents (the train and dev splits); evaluated on {metrics['documents']} {metrics['split']} documents."
            if cv else
            f"{meta.get('n_train')} training and {meta.get('n_dev')} dev documents; evaluated on {metrics['documents']} {metrics['split']} documents.")
        + " Trained and evaluated on the texts as samspil reads them from a .txt file (page marks and running headers gone, words hyphenated across lines joined).",
        f"- Method: {str(_METHODS.get(meta.get('backend'), meta.get('backend'))).replace('{passage_words}', str((meta.get('params') or {}).get('passage_words', LinearParams().passage_words)))}{_long_text_clause(model)}",
        _tuning_line(meta.get("tuning") or {}, float((meta.get("params") or {}).get("threshold_penalty", 0.0))),
        "- Storage: `manifest.json` (labels, thresholds, hashes), `vocab.json`, `weights.safetensors`; nothing is unpickled.",
        "",
        "## Test figures",
        "",
        "| group | micro-F1 (95 % CI) | macro-F1 (95 % CI) | keyword baseline micro-F1 | gain |",
        "|---|---|---|---|---|",
    ]
    for g in GROUPS:
        lines.append(
            f"| {g} | {ms[g]['micro_f1']:.3f} ({boot[g + '_micro_f1'][0]:.3f}–{boot[g + '_micro_f1'][1]:.3f}) | {ms[g]['macro_f1']:.3f} ({boot[g + '_macro_f1'][0]:.3f}–{boot[g + '_macro_f1'][1]:.3f}) | {kb[g]['micro_f1']:.3f} | {ms[g]['micro_f1'] - kb[g]['micro_f1']:+.3f} |"
        )
    nr = metrics.get("needs_review_accuracy") or {}
    lines += ["", f"Expected calibration error: {ms['ece']:.3f}. Share of test documents with a label flagged for review: {metrics.get('needs_review_share')}; "
              f"flagged label decisions were right {nr.get('accuracy_flagged')} of the time, the others {nr.get('accuracy_not_flagged')} "
              f"(review bands tuned per label {'on out-of-fold scores' if cv else 'on dev'}: the widest band around the threshold, at most 0.1, inside which the label's decisions were right at most 75 % of the time).", *_near_miss_line(metrics), "", "## Per label", "", "| label | precision | recall | F1 | support | threshold | keyword F1 |", "|---|---|---|---|---|---|---|"]
    th = dict(zip(model.thresholds.labels, model.thresholds.values))
    for lab, v in ms["per_label"].items():
        lines.append(f"| `{lab}` | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} | {th.get(lab, 0):.3f} | {kb['per_label'][lab]['f1']:.3f} |")
    for title, key in (("By side", "by_side"), ("By length", "by_length"), ("By genre", "by_genre")):
        lines += ["", f"## {title}", "", "| subset | documents | trends micro-F1 | forms micro-F1 |", "|---|---|---|---|"]
        for k, v in ms[key].items():
            lines.append(f"| {k} | {v['documents']} | {v['trends_micro_f1']:.3f} | {v['forms_micro_f1']:.3f} |")
    one = metrics.get("one_item_in_many") or {}
    if one:
        lines += ["", "## One item in many", "",
                  f"{one['documents']} labelled test documents, each placed among unlabelled test documents until the whole "
                  f"has at least 1,600 words (median {one['median_words']:,}): micro-F1 {one['micro_f1_in_long_text']:.3f} in the long texts, "
                  f"{one['micro_f1_alone']:.3f} for the same documents alone (constructed texts, a check of the windows, not a sample of real minutes)."]
        if "precision_alone" in one:
            lines += ["", f"Precision {one['precision_in_long_text']:.3f} in the long texts against {one['precision_alone']:.3f} alone; "
                          f"recall {one['recall_in_long_text']:.3f} against {one['recall_alone']:.3f}."]
    sent = metrics.get("one_sentence_in_many") or {}
    if sent:
        lines += ["", "## One sentence in many (passing mentions)", "",
                  f"The annotation guideline's example sentences (corpus/GUIDELINES.md, sections 5 and 6), each placed as one paragraph among "
                  f"unlabelled test documents (median {sent['median_words']:,} words; guideline P4: one passing mention is enough): "
                  f"{sent['found_in_long_text']} of the {sent['positives']} sentences that carry a label get it ({sent['found_alone']} as a text of their own); "
                  f"of the {sent['negatives']} near-miss sentences, {sent['negatives_without_label_in_long_text']} leave the long text without any label "
                  f"({sent['negatives_without_label_alone']} on their own)"
                  + (f", and {sent['negatives_without_their_label_in_long_text']} do not get the label they are a near miss for "
                     f"({sent['negatives_without_their_label_alone']} on their own)" if "negatives_without_their_label_alone" in sent else "")
                  + (f"; without the sentence, {sent['carriers_of_negatives_without_label']} of those long texts have no label." if "carriers_of_negatives_without_label" in sent else ".")]
    pdf = metrics.get("pdf_round_trip") or {}
    if pdf:
        lines += ["", "## Text out of PDFs", "",
                  f"The {pdf['documents']} test documents written to PDF (wrapped lines, spacing after each paragraph, running header and "
                  f"page footer) and read back by samspil's PDF reader: trends micro-F1 {pdf['trends_micro_f1_from_pdf']:.3f} "
                  f"({pdf['trends_micro_f1_from_text']:.3f} from the plain text), forms {pdf['forms_micro_f1_from_pdf']:.3f} "
                  f"({pdf['forms_micro_f1_from_text']:.3f}); {pdf['labels_differ_from_text']} documents get other labels than from their plain text."]
        if "trends_micro_f1_from_pdf_lines" in pdf:
            lines += ["", f"The same text without its empty lines (wrapped lines, no paragraph marks, as many tools pull text out of PDFs): "
                      f"trends {pdf['trends_micro_f1_from_pdf_lines']:.3f}, forms {pdf['forms_micro_f1_from_pdf_lines']:.3f}; "
                      f"{pdf['labels_differ_from_text_lines']} documents get other labels than from their plain text."]
        if "trends_micro_f1_from_pdf_dump" in pdf:
            lines += ["", f"The PDF's pages dumped one after the other as plain text (headers, footers and page numbers left in) and read "
                      f"by samspil's text reader: trends {pdf['trends_micro_f1_from_pdf_dump']:.3f}, forms {pdf['forms_micro_f1_from_pdf_dump']:.3f}; "
                      f"{pdf['labels_differ_from_text_dump']} documents get other labels than from their plain text."]
    lines += ["", "## Most frequent co-occurrence errors", ""]
    for e in ms["cooccurrence_errors"][:12]:
        if e["kind"] == "false_positive":
            lines.append(f"- wrongly added `{e['wrong_label']}` beside true `{e['true_label']}`: {e['count']}")
        else:
            lines.append(f"- missed `{e['missed_label']}` beside `{e['beside']}`: {e['count']}")
    if metrics.get("learning_curve"):
        lines += ["", "## Learning curve", "", "![learning curve](learning_curve.png)", "",
                  "Each point is a model fitted on a random part of the train split and tuned on dev, scored on test"
                  + (" (the shipped model is also fitted on dev and tuned by cross-validation; the figures above are that model's)." if cv else "."),
                  "", "| training documents | trends | forms | all |", "|---|---|---|---|"]
        for c in metrics["learning_curve"]:
            lines.append(f"| {c['train_documents']} | {c['trends_micro_f1']:.3f} | {c['forms_micro_f1']:.3f} | {c['all_micro_f1']:.3f} |")
    comp = metrics.get("backend_comparison")
    if comp:
        ran_on = comp.get("corpus_sha256")
        corpus_note = ("" if ran_on == meta.get("corpus_sha256") else
                       f" The comparison ran on {'an earlier corpus (sha256 `' + ran_on[:16] + '…`)' if ran_on else 'an earlier corpus version (not recorded)'}"
                       f"{', ' + comp['date'] if comp.get('date') else ''}, not the one this model was trained on; `make compare` reruns it.")
        lines += ["", "## Backends compared", "", comp.get("why", "") + corpus_note, "", "| backend | dev micro-F1 | test trends micro-F1 | test forms micro-F1 | test all micro-F1 | docs/s on 1 CPU | notes |", "|---|---|---|---|---|---|---|"]
        for row in comp["backends"]:
            if row["backend"].startswith(meta.get("backend", "")) and not cv:
                # The default model may have been retrained since the comparison: show its current figures.
                row = {**row, "test_trends_micro_f1": ms["trends"]["micro_f1"], "test_forms_micro_f1": ms["forms"]["micro_f1"], "test_all_micro_f1": ms["all"]["micro_f1"]}
            lines.append(f"| {row['backend']} | {row['dev_micro_f1']:.3f} | {row['test_trends_micro_f1']:.3f} | {row['test_forms_micro_f1']:.3f} | {row['test_all_micro_f1']:.3f} | {row['docs_per_s']:.1f} | {row.get('note', '')} |")
        if cv:
            lines.append(f"| linear, as shipped | – (dev is in its training data) | {ms['trends']['micro_f1']:.3f} | {ms['forms']['micro_f1']:.3f} | {ms['all']['micro_f1']:.3f} | | fitted on train and dev, tuned by cross-validation |")
    cit = metrics.get("citations")
    if cit:
        lines += ["", "## Citation extraction on the same split", "", "| measure | value |", "|---|---|"]
        lines.append(f"| in-text citations F1 (author + year) | {cit['citations_by_author_year']['f1']:.3f} (gold {cit['citations_by_author_year']['gold']}) |")
        lines.append(f"| in-text citations F1 (exact span) | {cit['citations_by_span']['f1']:.3f} |")
        lines.append(f"| reference segmentation F1 | {cit['reference_segmentation']['f1']:.3f} (gold {cit['reference_segmentation']['gold']}) |")
        for k, v in cit["field_accuracy"].items():
            lines.append(f"| field accuracy `{k}` | {v['accuracy']} (n={v['n']}) |")
        lines.append(f"| linking accuracy (the citation's entry exactly as annotated) | {cit['linking_accuracy']['accuracy']} (n={cit['linking_accuracy']['n']}) |")
        if "linking_accuracy_by_entry" in cit:
            lines.append(f"| linking accuracy, entry boundaries aside (predicted entry overlaps the annotated one) | {cit['linking_accuracy_by_entry']['accuracy']} |")
        ref = cit.get("refextract")
        if ref:
            full, given = ref["full_text"], ref["given_the_list"]
            lines += ["", "Side by side with refextract on the same gold, given the whole text (it must find the list, as samspil does) and given only the list:", "",
                      "| measure | samspil (whole text) | refextract (whole text) | refextract (given the list) |", "|---|---|---|---|",
                      f"| reference segmentation F1 | {cit['reference_segmentation']['f1']:.3f} | {full['reference_segmentation']['f1']:.3f} | {given['reference_segmentation']['f1']:.3f} |"]
            for k in ("author", "year", "title"):
                ours = cit["field_accuracy"][k]["accuracy"]
                a, b = full["field_accuracy_on_matched"][k], given["field_accuracy_on_matched"][k]
                lines.append(f"| {k} accuracy on segmented entries | {ours} | {a['accuracy']} (n={a['n']}) | {b['accuracy']} (n={b['n']}) |")
            lines.append("| in-text author–year citations | yes | not supported | not supported |")
    lines += [
        "",
        "## Limits",
        "",
        "- The corpus is written for the project (see `corpus/DATASHEET.md`); figures on it are an optimistic guide to real archives.",
        ("- Scores are calibrated on the training data by cross-validation, and thresholds are chosen on out-of-fold scores of train and dev."
         if cv else
         "- Scores are calibrated on the training data by cross-validation; thresholds on a small dev split."),
        _long_text_limit(metrics.get("one_item_in_many") or {}),
        "- Non-Danish text is processed but the model has seen only Danish.",
        "",
    ]
    (model_dir / "README.md").write_text("\n".join(lines), encoding="utf-8")
