"""The corpus: loads through datasets, spans point at their text, the check passes."""
from __future__ import annotations

import json
import re

import pytest

from samspil.corpus import SPLITS, check_corpus, load, near_duplicate_pairs, read_split
from samspil.records import FORMS, LABELS, TRENDS


@pytest.fixture(scope="module")
def ds():
    return load()


def test_loads_as_datasetdict_with_three_splits(ds):
    import datasets

    assert isinstance(ds, datasets.DatasetDict) and set(ds) == set(SPLITS)
    total = sum(len(ds[s]) for s in SPLITS)
    assert 0.6 < len(ds["train"]) / total < 0.8


def test_span_offsets_through_datasets(ds):
    checked = 0
    for split in SPLITS:
        for row in ds[split]:
            text = row["text"]
            for c in _rows(row["citations"]):
                assert text[c["start"] : c["end"]] == c["text"]
                checked += 1
            for r in _rows(row["references"]):
                assert text[r["start"] : r["end"]] == r["text"]
                assert json.loads(r["csl"])["type"] in {"book", "report", "chapter", "article-journal", "webpage", "thesis"}
                checked += 1
    assert checked > 500


def _rows(seq):
    # datasets returns a Sequence of structs as a dict of lists (older) or a list of dicts (newer).
    if isinstance(seq, dict):
        keys = list(seq)
        return [dict(zip(keys, vals)) for vals in zip(*seq.values())] if keys else []
    return seq


def test_labels_are_taxonomy_ids():
    for split in SPLITS:
        for d in read_split(split):
            assert set(d["trends"]) <= set(TRENDS) and set(d["forms"]) <= set(FORMS)


def test_corpus_check_passes_with_the_issue_figures():
    report = check_corpus()
    assert report.errors == []
    s = report.stats
    assert s["documents"] >= 1000 and s["no_label_share"] >= 0.2 and min(s["labels"].values()) >= 80 and s["with_citations"] >= 150


def test_near_duplicates_are_found():
    a = " ".join(f"ord{i}" for i in range(200))
    b = a.replace("ord50", "andet")
    c = " ".join(f"x{i}" for i in range(200))
    pairs = near_duplicate_pairs([a, b, c])
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]


def test_development_batches_stay_out_of_test(tmp_path):
    """Writers named in raw/development-only.json get train and dev only; the others all three splits."""
    from samspil.corpus import build_corpus, read_split

    raw = tmp_path / "raw"
    rng = __import__("random").Random(0)
    words = ("foreningen kommunen frivillige aftale tilskud lokaler dialog udbud borgere projekt samarbejde "
             "møde bestyrelse puljen hallen skolen aftenen ordningen året indsatsen").split()
    for writer, prefix in (("viden-x", "vx"), ("viden-y", "vy")):
        (raw / writer).mkdir(parents=True)
        for i in range(40):
            label = LABELS[i % len(LABELS)]
            text = " ".join(rng.choice(words) for _ in range(80)) + f" Dokument {prefix} {i}."
            head = {"id": f"{prefix}-{i:04d}", "genre": "notat", "side": "kommune", "provenance": {"modelled_on": None, "basis": "test"},
                    "trends": [label] if label in TRENDS else [], "forms": [label] if label not in TRENDS else [], "citations": [], "references": []}
            (raw / writer / f"{prefix}-{i:04d}.md").write_text(json.dumps(head) + "\n---\n" + text, encoding="utf-8")
    (raw / "development-only.json").write_text('{"writers": ["viden-y"]}', encoding="utf-8")
    counts = build_corpus(raw, tmp_path)
    assert sum(counts.values()) == 80
    test_ids = [d["id"] for d in read_split("test", tmp_path)]
    assert test_ids and not any(i.startswith("vy-") for i in test_ids)
    assert any(d["id"].startswith("vy-") for d in read_split("dev", tmp_path))


def test_relabel_raw_file_keeps_the_first_annotation(tmp_path):
    from samspil.corpus import read_raw_file, relabel_raw_file

    head = {"id": "x-0001", "genre": "notat", "side": "kommune", "provenance": {"modelled_on": None, "basis": "test"},
            "trends": [], "forms": ["grants"], "citations": [], "references": []}
    p = tmp_path / "x-0001.md"
    p.write_text(json.dumps(head) + "\n---\nKommunen giver foreningen et tilskud og låner den salen.", encoding="utf-8")
    assert not relabel_raw_file(p, {"grants"}, review="same")
    assert relabel_raw_file(p, {"premises", "grants", "marketisation"}, review={"added": ["premises"]})
    meta, text = read_raw_file(p)
    assert (meta["trends"], meta["forms"]) == (["marketisation"], ["premises", "grants"])
    assert meta["first_annotation"] == {"trends": [], "forms": ["grants"]} and meta["review"] == {"added": ["premises"]}
    assert text == "Kommunen giver foreningen et tilskud og låner den salen."
    assert relabel_raw_file(p, {"grants"}) and read_raw_file(p)[0]["first_annotation"] == {"trends": [], "forms": ["grants"]}
    with pytest.raises(ValueError, match="taxonomy"):
        relabel_raw_file(p, {"tilskud"})


def test_guideline_examples_and_one_sentence_in_many():
    """The guideline's example sentences (P4 check of make eval): every label has
    sentences that carry it and near misses; each long text holds its sentence once,
    between documents without a label."""
    from samspil.corpus import guideline_examples, one_sentence_in_many

    examples = guideline_examples()
    assert {lab for lab, sign, _ in examples if sign == "+"} == set(LABELS)
    assert {lab for lab, sign, _ in examples if sign == "-"} == set(LABELS)
    assert all(q and "»" not in q and "«" not in q for _, _, q in examples)
    dev = read_split("dev")
    sentences = [q for _, _, q in examples[:5]]
    texts = one_sentence_in_many(dev, sentences, min_words=1600)
    assert len(texts) == 5
    for q, t in zip(sentences, texts):
        assert t.count(q) == 1 and len(t.split()) >= 1600 and not t.startswith(q)


def test_as_read_is_what_the_text_reader_gives_for_every_corpus_document():
    """Models learn from what they will see: a corpus document's text as samspil reads
    it from a .txt file, page marks gone and words broken across lines joined."""
    from samspil.corpus import as_read, read_all
    from samspil.ingest import read_bytes

    docs = read_all()
    read = as_read(docs)
    assert [r["id"] for r in read] == [d["id"] for d in docs]
    assert all(r["text"] == read_bytes(d["text"].encode("utf-8"), f"{d['id']}.txt").text for d, r in zip(docs, read))
    changed = [r for d, r in zip(docs, read) if r["text"] != d["text"].strip()]
    assert 100 < len(changed) < len(docs) / 2  # the PDF-like texts, not all of them
    assert all("citations" not in r and "references" not in r for r in read)  # their offsets point into the written text
    broken = next(d for d in docs if re.search(r"[a-zæøå]samar-\n|\bsamar-\nbejde", d["text"]))
    assert "samar-\nbejde" not in as_read([broken])[0]["text"]
