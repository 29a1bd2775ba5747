"""The annotated corpus: build it from the writers' raw files, check it, load it.

The corpus lives in ``corpus/data/{train,dev,test}.jsonl``: one document per
line with its split fixed in the data. :func:`load` returns a
``datasets.DatasetDict``; :func:`read_split` reads plain dicts without the
``datasets`` import (for training on the CPU at speed).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .records import FORMS, LABELS, TRENDS

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"
SPLITS = ("train", "dev", "test")
SIDES = ("kommune", "civilsamfund", "viden", "andet")


def data_dir(corpus_dir: Path | str | None = None) -> Path:
    return Path(corpus_dir or CORPUS_DIR) / "data"


def read_split(split: str, corpus_dir: Path | str | None = None) -> list[dict[str, Any]]:
    """Documents of one split as dicts (``csl`` as dicts, offsets as ints)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    path = data_dir(corpus_dir) / f"{split}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: expected the corpus split file; build it with `make corpus`")
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def as_read(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents with their texts as samspil reads them from a .txt file
    (:func:`samspil.normalise.clean_plain_text`: page marks and running headers gone,
    words hyphenated across line ends joined): what a model sees of such a document when
    it classifies, and so what it is trained and evaluated on. The corpus keeps each text
    as written, since its citation annotations' offsets point into it; the copies returned
    here leave those annotations out.
    """
    from .normalise import clean_plain_text

    return [{**{k: v for k, v in d.items() if k not in ("citations", "references")}, "text": clean_plain_text(d["text"])} for d in docs]


def read_all(corpus_dir: Path | str | None = None) -> list[dict[str, Any]]:
    return [d for s in SPLITS for d in read_split(s, corpus_dir)]


def label_matrix(docs: list[dict[str, Any]], labels: tuple[str, ...] = LABELS):
    import numpy as np

    y = np.zeros((len(docs), len(labels)), dtype=np.int8)
    for i, d in enumerate(docs):
        for lab in list(d["trends"]) + list(d["forms"]):
            if lab in labels:
                y[i, labels.index(lab)] = 1
    return y


def load(corpus_dir: Path | str | None = None):
    """The corpus as a ``datasets.DatasetDict`` with splits train, dev and test.

    Each reference's CSL-JSON item is a JSON string in ``references[i]["csl"]``
    (CSL items vary in their fields, Arrow columns may not).

    >>> ds = load()
    >>> sorted(ds)
    ['dev', 'test', 'train']
    """
    import datasets

    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "split": datasets.Value("string"),
            "genre": datasets.Value("string"),
            "side": datasets.Value("string"),
            "provenance": {"modelled_on": datasets.Value("string"), "basis": datasets.Value("string"), "writer": datasets.Value("string")},
            "text": datasets.Value("string"),
            "trends": [datasets.Value("string")],
            "forms": [datasets.Value("string")],
            "citations": [
                {
                    "text": datasets.Value("string"),
                    "start": datasets.Value("int32"),
                    "end": datasets.Value("int32"),
                    "authors": [datasets.Value("string")],
                    "et_al": datasets.Value("bool"),
                    "year": datasets.Value("string"),
                    "pages": datasets.Value("string"),
                    "reference": datasets.Value("int32"),
                }
            ],
            "references": [
                {"text": datasets.Value("string"), "start": datasets.Value("int32"), "end": datasets.Value("int32"), "csl": datasets.Value("string")}
            ],
        }
    )

    def rows(split: str) -> list[dict[str, Any]]:
        out = []
        for d in read_split(split, corpus_dir):
            row = {k: d[k] for k in features}
            row["provenance"] = {k: (None if d["provenance"].get(k) is None else str(d["provenance"].get(k))) for k in ("modelled_on", "basis", "writer")}
            row["references"] = [{**{k: r[k] for k in ("text", "start", "end")}, "csl": json.dumps(r["csl"], ensure_ascii=False)} for r in d["references"]]
            row["citations"] = [{k: c[k] for k in ("text", "start", "end", "authors", "et_al", "year", "pages", "reference")} for c in d["citations"]]
            out.append(row)
        return out

    return datasets.DatasetDict({s: datasets.Dataset.from_list(rows(s), features=features) for s in SPLITS})


# ------------------------------------------------------------------ building from raw files


def read_raw_file(path: Path) -> tuple[dict[str, Any], str]:
    raw = path.read_text(encoding="utf-8")
    head, sep, text = raw.partition("\n---\n")
    if not sep:
        raise ValueError(f"{path}: expected a JSON header, a line '---' and the text")
    return json.loads(head), text


def relabel_raw_file(path: Path, labels: set[str], **why: Any) -> bool:
    """Give a raw corpus file new labels (taxonomy ids, trends and forms together).

    The first annotation stays in the header under ``first_annotation`` and ``why``
    (the reason for the change) is added beside it. Returns False, writing nothing,
    when the labels are the file's already.
    """
    unknown = set(labels) - set(LABELS)
    if unknown:
        raise ValueError(f"{path}: expected taxonomy ids, got {sorted(unknown)}")
    meta, text = read_raw_file(path)
    if set(labels) == set(meta["trends"]) | set(meta["forms"]):
        return False
    meta.setdefault("first_annotation", {"trends": meta["trends"], "forms": meta["forms"]})
    meta["trends"] = [t for t in TRENDS if t in labels]
    meta["forms"] = [f for f in FORMS if f in labels]
    meta.update(why)
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n---\n" + text, encoding="utf-8")
    return True


def locate_spans(text: str, items: list[dict[str, Any]], what: str, doc_id: str) -> list[dict[str, Any]]:
    """Give each item ``start``/``end``: the first occurrence of its text after the previous one."""
    out, pos = [], 0
    for i, item in enumerate(items):
        at = text.find(item["text"], pos)
        if at < 0:
            raise ValueError(f"{doc_id}: {what} {i} text {item['text'][:60]!r} not found after offset {pos}")
        out.append({**item, "start": at, "end": at + len(item["text"])})
        pos = at + 1
    return out


def build_record(meta: dict[str, Any], text: str, writer: str) -> dict[str, Any]:
    refs = locate_spans(text, meta.get("references", []), "reference", meta["id"])
    cits = locate_spans(text, meta.get("citations", []), "citation", meta["id"])
    citations = [
        {
            "text": c["text"], "start": c["start"], "end": c["end"], "authors": list(c.get("authors", [])),
            "et_al": bool(c.get("et_al", False)), "year": str(c.get("year")),
            "pages": None if c.get("pages") in (None, "") else str(c["pages"]), "reference": c.get("reference"),
        }
        for c in cits
    ]
    prov = meta.get("provenance") or {}
    return {
        "id": meta["id"],
        "split": None,
        "genre": meta["genre"],
        "side": meta["side"],
        "provenance": {"modelled_on": prov.get("modelled_on"), "basis": prov.get("basis"), "writer": writer},
        "text": text,
        "trends": [t for t in TRENDS if t in meta.get("trends", [])],
        "forms": [f for f in FORMS if f in meta.get("forms", [])],
        "citations": citations,
        "references": [{"text": r["text"], "start": r["start"], "end": r["end"], "csl": r["csl"]} for r in refs],
    }


# ------------------------------------------------------------------ near-duplicates

_WORD = re.compile(r"\w+")


def shingles(text: str, k: int = 5) -> set[int]:
    words = _WORD.findall(text.lower())
    return {hash(" ".join(words[i : i + k])) & 0xFFFFFFFFFFFF for i in range(max(1, len(words) - k + 1))}


def near_duplicate_pairs(texts: list[str], threshold: float = 0.5, k: int = 5) -> list[tuple[int, int, float]]:
    """Pairs of texts whose word 5-gram shingles overlap by Jaccard ≥ ``threshold``
    or whose smaller text is ≥ 80 % contained in the other (an inverted index
    keeps it near linear in practice)."""
    sets = [shingles(t, k) for t in texts]
    index: dict[int, list[int]] = {}
    shared: Counter[tuple[int, int]] = Counter()
    for i, s in enumerate(sets):
        for h in s:
            for j in index.get(h, ()):
                shared[(j, i)] += 1
            index.setdefault(h, []).append(i)
    pairs = []
    for (i, j), n in shared.items():
        union = len(sets[i]) + len(sets[j]) - n
        jac = n / union if union else 1.0
        contain = n / max(1, min(len(sets[i]), len(sets[j])))
        if jac >= threshold or contain >= 0.8:
            pairs.append((i, j, round(max(jac, contain), 3)))
    return pairs


# ------------------------------------------------------------------ splits


def _strata(records: list[dict[str, Any]]):
    """What the splits are stratified over: the labels, "no label" and "has citations"."""
    import numpy as np

    y = label_matrix(records)
    return np.hstack([y, np.array([[int(row.sum() == 0), int(bool(r["citations"]))] for row, r in zip(y, records)])])


def _split_two(records: list[dict[str, Any]], seed: int, dev_share: float) -> None:
    import numpy as np
    from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

    y = _strata(records)
    split = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=dev_share, random_state=seed)
    train_idx, dev_idx = next(split.split(np.arange(len(records)), y))
    for k in train_idx:
        records[k]["split"] = "train"
    for k in dev_idx:
        records[k]["split"] = "dev"


def assign_splits(records: list[dict[str, Any]], seed: int = 42, fractions=(0.7, 0.15, 0.15)) -> None:
    """Give each record without a split one, by iterative stratification over the
    labels, "no label" and "has citations"; near-duplicates follow each other."""
    import numpy as np
    from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

    todo = [i for i, r in enumerate(records) if r.get("split") not in SPLITS]
    if not todo:
        return
    development = [i for i in todo if records[i].get("_development_only")]
    if development:
        # Batches written to develop rules on go to train and dev only; the test split stays as it was.
        _split_two([records[i] for i in development], seed, fractions[1] / (fractions[0] + fractions[1]))
        todo = [i for i in todo if i not in set(development)]
        if not todo:
            return
    y = _strata([records[i] for i in todo])
    idx = np.arange(len(todo))
    first = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=fractions[1] + fractions[2], random_state=seed)
    train_idx, rest_idx = next(first.split(idx, y))
    second = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=fractions[2] / (fractions[1] + fractions[2]), random_state=seed)
    dev_sub, test_sub = next(second.split(rest_idx, y[rest_idx]))
    for k in train_idx:
        records[todo[k]]["split"] = "train"
    for k in rest_idx[dev_sub]:
        records[todo[k]]["split"] = "dev"
    for k in rest_idx[test_sub]:
        records[todo[k]]["split"] = "test"
    # Near-duplicates across splits would leak: move the newer one to the older one's split.
    for i, j, _ in near_duplicate_pairs([r["text"] for r in records]):
        if records[i]["split"] != records[j]["split"]:
            moved = j if j in todo else i
            other = i if moved == j else j
            records[moved]["split"] = records[other]["split"]


def build_corpus(raw_dir: Path | str | None = None, corpus_dir: Path | str | None = None, seed: int = 42) -> dict[str, int]:
    """Compile ``corpus/raw/<writer>/*.md`` into the split files, keeping existing splits.

    Writers named in ``raw/development-only.json`` (``{"writers": [...]}``) wrote
    batches to develop the rules on: their new documents go to train and dev only.
    """
    corpus_dir = Path(corpus_dir or CORPUS_DIR)
    raw_dir = Path(raw_dir or corpus_dir / "raw")
    old: dict[str, str] = {}
    for s in SPLITS:
        p = data_dir(corpus_dir) / f"{s}.jsonl"
        if p.is_file():
            for line in p.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    old[json.loads(line)["id"]] = s
    development = set(json.loads((raw_dir / "development-only.json").read_text(encoding="utf-8"))["writers"]) if (raw_dir / "development-only.json").is_file() else set()
    records = []
    for path in sorted(raw_dir.glob("*/*.md")):
        meta, text = read_raw_file(path)
        rec = build_record(meta, text, path.parent.name)
        rec["split"] = old.get(rec["id"])
        if path.parent.name in development:
            rec["_development_only"] = True
        records.append(rec)
    assign_splits(records, seed)
    for rec in records:
        rec.pop("_development_only", None)
    out = data_dir(corpus_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for s in SPLITS:
        rows = sorted((r for r in records if r["split"] == s), key=lambda r: r["id"])
        counts[s] = len(rows)
        with open(out / f"{s}.jsonl", "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return counts


def one_item_in_many(docs: list[dict[str, Any]], n: int = 60, min_words: int = 1600, seed: int = 0) -> tuple[list[str], list[dict[str, Any]]]:
    """Long texts where one item in many matters, built from a split: each of ``n``
    labelled documents is placed, at a random position, among the split's documents
    without a label until the whole has ``min_words`` words. Returns the texts and the
    labelled documents whose labels they carry."""
    import numpy as np

    rng = np.random.default_rng(seed)
    negatives = [d["text"] for d in docs if not d["trends"] and not d["forms"]]
    positives = [d for d in docs if d["trends"] or d["forms"]]
    if not negatives or not positives:
        return [], []
    chosen = [positives[i] for i in sorted(rng.choice(len(positives), size=min(n, len(positives)), replace=False))]
    texts = []
    for d in chosen:
        parts = [d["text"]]
        n_words = len(d["text"].split())
        for k in rng.permutation(len(negatives)):
            if n_words >= min_words:
                break
            parts.insert(int(rng.integers(0, len(parts) + 1)), negatives[k])
            n_words += len(negatives[k].split())
        texts.append("\n\n".join(parts))
    return texts, chosen


def guideline_examples(corpus_dir: Path | str | None = None) -> list[tuple[str, str, str]]:
    """The example sentences of the annotation guideline's label sections (5 and 6):
    ``(label, sign, sentence)``, sign ``"+"`` for a sentence that carries the label and
    ``"-"`` for a near miss that does not (``»…«`` quotes in the ``+``/``−`` items)."""
    text = (Path(corpus_dir or CORPUS_DIR) / "GUIDELINES.md").read_text(encoding="utf-8")
    end = text.find("\n## 7.")
    parts = re.split(r"^### [56]\.\d+ `(\w+)`.*$", text[: end if end > 0 else len(text)], flags=re.M)
    out = []
    for label, body in zip(parts[1::2], parts[2::2]):
        for item in re.finditer(r"^- `([+−])` (.*?)(?=^- `|\Z)", body, flags=re.M | re.S):
            sign = "+" if item.group(1) == "+" else "-"
            out += [(label, sign, q) for q in re.findall(r"»(.*?)«", " ".join(item.group(2).split()))]
    return out


def one_sentence_in_many(docs: list[dict[str, Any]], sentences: list[str], min_words: int = 1600, seed: int = 0) -> list[str]:
    """Long texts with one sentence that matters: each sentence is placed, as its own
    paragraph at a random position, among the split's documents without a label until
    the whole has ``min_words`` words (guideline P4: one passing mention is enough)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    negatives = [d["text"] for d in docs if not d["trends"] and not d["forms"]]
    if not negatives:
        return []
    texts = []
    for sentence in sentences:
        parts: list[str] = []
        n_words = 0
        for k in rng.permutation(len(negatives)):
            if n_words >= min_words:
                break
            parts.append(negatives[k])
            n_words += len(negatives[k].split())
        parts.insert(int(rng.integers(1, len(parts))) if len(parts) > 1 else len(parts), sentence)
        texts.append("\n\n".join(parts))
    return texts


def corpus_hash(corpus_dir: Path | str | None = None) -> str:
    h = hashlib.sha256()
    for s in SPLITS:
        p = data_dir(corpus_dir) / f"{s}.jsonl"
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


# ------------------------------------------------------------------ checking


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


#: What the corpus issue asks for; the check fails when a figure falls short.
TARGETS = {"documents": 1000, "no_label_share": 0.20, "hard_negative_share_of_negatives": 0.5, "per_label": 80, "with_citations": 150}


#: Words that name a label in the taxonomy (stems, lower case). A document with no
#: label that contains one of them "has the words without the thing".
LABEL_WORDS: dict[str, tuple[str, ...]] = {
    "marketisation": ("udbud", "leverandør", "effektmål", "dokumentationskrav", "markedsgør"),
    "equality_citizenship": ("ligeværd", "medborgerskab", "inddragelse", "medskaber"),
    "hybridisation": ("socialøkonomisk", "hybrid"),
    "premises": ("lokaler", "lån af", "faciliteter", "udlån"),
    "grants": ("tilskud", "pulje", "§ 18", "bevilling"),
    "dialogue": ("dialog", "høring", "frivilligråd"),
    "task_collaboration": ("samarbejde om", "samarbejder med", "frivillig"),
    "written_agreement": ("aftale", "kontrakt"),
    "co_creation": ("samskab", "samproduk"),
    "partnership": ("partnerskab",),
    "service_delivery": ("driftsoverenskomst", "leverance", "serviceydelse"),
}
_LABEL_WORDS_RE = re.compile("|".join(re.escape(w) for ws in LABEL_WORDS.values() for w in ws), re.IGNORECASE)


def is_hard_negative(doc: dict[str, Any]) -> bool:
    """A document with no label whose text still names a label (see :data:`LABEL_WORDS`)."""
    if doc["trends"] or doc["forms"]:
        return False
    return bool(_LABEL_WORDS_RE.search(doc["text"]))


def check_corpus(corpus_dir: Path | str | None = None, targets: dict[str, Any] | None = None) -> CheckReport:
    """Validate schema, ids, spans, duplicates and near-duplicates; gather statistics."""
    targets = TARGETS if targets is None else targets
    report = CheckReport()
    err = report.errors.append
    docs: list[dict[str, Any]] = []
    for s in SPLITS:
        for d in read_split(s, corpus_dir):
            if d.get("split") != s:
                err(f"{d.get('id')}: in {s}.jsonl but split is {d.get('split')!r}")
            docs.append(d)
    required = ("id", "split", "genre", "side", "provenance", "text", "trends", "forms", "citations", "references")
    ids: Counter[str] = Counter()
    for d in docs:
        missing = [k for k in required if k not in d]
        if missing:
            err(f"{d.get('id')}: missing fields {missing}")
            continue
        ids[d["id"]] += 1
        if d["side"] not in SIDES:
            err(f"{d['id']}: side {d['side']!r} not in {SIDES}")
        for t in d["trends"]:
            if t not in TRENDS:
                err(f"{d['id']}: trend {t!r} is not a taxonomy id {TRENDS}")
        for f in d["forms"]:
            if f not in FORMS:
                err(f"{d['id']}: form {f!r} is not a taxonomy id {FORMS}")
        text = d["text"]
        for what in ("citations", "references"):
            for i, item in enumerate(d[what]):
                if text[item["start"] : item["end"]] != item["text"]:
                    err(f"{d['id']}: {what}[{i}] text {item['text'][:40]!r} differs from text at {item['start']}:{item['end']}")
        for i, c in enumerate(d["citations"]):
            ref = c.get("reference")
            if ref is not None and not 0 <= ref < len(d["references"]):
                err(f"{d['id']}: citations[{i}].reference {ref} out of range")
        if not d["provenance"].get("basis") and not d["provenance"].get("modelled_on"):
            err(f"{d['id']}: provenance says neither what the document was modelled on nor its basis")
    for i, n in ids.items():
        if n > 1:
            err(f"{i}: id occurs {n} times")
    texts = [d["text"] for d in docs]
    exact = Counter(hashlib.sha1(" ".join(t.split()).encode()).hexdigest() for t in texts)
    n_exact = sum(n - 1 for n in exact.values() if n > 1)
    if n_exact:
        err(f"{n_exact} exact duplicate texts")
    pairs = near_duplicate_pairs(texts)
    cross = [(docs[i]["id"], docs[j]["id"], s) for i, j, s in pairs if docs[i]["split"] != docs[j]["split"]]
    for a, b, s in cross:
        err(f"near-duplicates across splits: {a} ({docs[[d['id'] for d in docs].index(a)]['split']}) and {b}, similarity {s}")
    # statistics
    n = len(docs)
    label_counts = Counter(lab for d in docs for lab in d["trends"] + d["forms"])
    negatives = [d for d in docs if not d["trends"] and not d["forms"]]
    hard = [d for d in negatives if is_hard_negative(d)]
    words = sorted(len(d["text"].split()) for d in docs)
    cardinality = Counter(len(d["trends"]) + len(d["forms"]) for d in docs)
    with_cits = sum(1 for d in docs if d["citations"] and d["references"])
    stats = {
        "documents": n,
        "splits": {s: sum(1 for d in docs if d["split"] == s) for s in SPLITS},
        "labels": {lab: label_counts.get(lab, 0) for lab in LABELS},
        "no_label": len(negatives),
        "no_label_share": round(len(negatives) / max(n, 1), 3),
        "hard_negatives": len(hard),
        "hard_negative_share_of_negatives": round(len(hard) / max(len(negatives), 1), 3),
        "labels_per_document": dict(sorted(cardinality.items())),
        "with_citations": with_cits,
        "citations": sum(len(d["citations"]) for d in docs),
        "references": sum(len(d["references"]) for d in docs),
        "genres": dict(Counter(d["genre"] for d in docs).most_common()),
        "sides": dict(Counter(d["side"] for d in docs).most_common()),
        "words": {"min": words[0] if words else 0, "median": words[len(words) // 2] if words else 0, "max": words[-1] if words else 0,
                  "under_200": sum(1 for w in words if w < 200), "over_1500": sum(1 for w in words if w > 1500)},
        "near_duplicate_pairs_within_splits": len(pairs) - len(cross),
        "modelled_on_a_page": sum(1 for d in docs if d["provenance"].get("modelled_on")),
    }
    report.stats = stats
    if targets:
        if n < targets["documents"]:
            err(f"{n} documents, the corpus issue asks for at least {targets['documents']}")
        if stats["no_label_share"] < targets["no_label_share"]:
            err(f"{stats['no_label_share']:.1%} without label, expected at least {targets['no_label_share']:.0%}")
        if stats["hard_negative_share_of_negatives"] < targets["hard_negative_share_of_negatives"]:
            err(f"hard negatives are {stats['hard_negative_share_of_negatives']:.0%} of the negatives, expected at least half")
        for lab, c in stats["labels"].items():
            if c < targets["per_label"]:
                err(f"label {lab} is positive in {c} documents, expected at least {targets['per_label']}")
        if with_cits < targets["with_citations"]:
            err(f"{with_cits} documents with citations and references, expected at least {targets['with_citations']}")
        if words and (words[0] < 60 or words[-1] > 3000):
            err(f"document lengths {words[0]}-{words[-1]} words, expected 60-3,000")
    return report


def format_stats(stats: dict[str, Any]) -> str:
    lines = [f"documents: {stats['documents']}  splits: {stats['splits']}"]
    lines.append(f"no label: {stats['no_label']} ({stats['no_label_share']:.1%}), hard negatives: {stats['hard_negatives']} ({stats['hard_negative_share_of_negatives']:.0%} of negatives)")
    lines.append("labels (documents):")
    lines += [f"  {lab:22s} {c:5d}" for lab, c in stats["labels"].items()]
    lines.append(f"labels per document: {stats['labels_per_document']}")
    lines.append(f"with citations and references: {stats['with_citations']} ({stats['citations']} citations, {stats['references']} references)")
    lines.append(f"words: {stats['words']}")
    lines.append("sides: " + ", ".join(f"{k} {v}" for k, v in stats["sides"].items()))
    lines.append("genres: " + ", ".join(f"{k} {v}" for k, v in stats["genres"].items()))
    lines.append(f"near-duplicate pairs within splits: {stats['near_duplicate_pairs_within_splits']}; modelled on a named page: {stats['modelled_on_a_page']}")
    return "\n".join(lines)

