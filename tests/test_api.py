"""The library API: load, classify, classify_many, Result, the spaCy pipeline."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import samspil
from conftest import DANISH
from samspil.records import LABELS

KEYS = {"path", "language", "trends", "forms", "scores", "evidence", "needs_review", "citations", "references", "error"}


def test_classify_text_and_path(clf, tmp_path):
    r = clf.classify(DANISH)
    assert isinstance(r, samspil.Result) and r.path == "<text>" and r.language == "da"
    assert "premises" in r.forms and set(r.scores) == set(LABELS)
    p = tmp_path / "note.txt"
    p.write_text(DANISH, encoding="utf-8")
    assert clf.classify(p).path == str(p)
    assert clf.classify(str(p)).forms == r.forms


def test_result_is_frozen_and_to_dict_is_the_jsonl_object(clf):
    r = clf.classify(DANISH)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.path = "x"  # type: ignore[misc]
    d = r.to_dict()
    assert set(d) == KEYS and d["error"] is None
    assert all(isinstance(v, float) for v in d["scores"].values())


def test_bad_file_gives_error_result_not_exception(clf, tmp_path):
    p = tmp_path / "tom.txt"
    p.write_bytes(b"")
    r = clf.classify(p)
    assert r.error["type"] == "EmptyFileError" and str(p) in r.error["message"] and r.labels == ()


def test_classify_many_streams_in_input_order(clf, tmp_path):
    items = []
    for i in range(5):
        p = tmp_path / f"d{i}.txt"
        p.write_text(DANISH if i % 2 == 0 else "", encoding="utf-8")
        items.append(p)
    results = list(clf.classify_many(items))
    assert [r.path for r in results] == [str(p) for p in items]
    assert [r.error is None for r in results] == [True, False, True, False, True]


def test_classify_many_in_batches_matches_one_at_a_time(clf, tmp_path):
    """classify_many runs the pipeline stage by stage over batches (nlp.pipe); every
    Result is the one classify gives, a bad file among them included."""
    from samspil.compose import BATCH_SIZE
    from samspil.corpus import read_split

    items = []
    for i, d in enumerate(read_split("dev")[: BATCH_SIZE + 6]):
        p = tmp_path / f"d{i:03d}.txt"
        p.write_text(d["text"], encoding="utf-8")
        items.append(p)
    (tmp_path / "bad.txt").write_bytes(b"")
    items.insert(7, tmp_path / "bad.txt")
    many = [r.to_dict() for r in clf.classify_many(items)]
    assert many == [clf.classify(p).to_dict() for p in items]
    assert many[7]["error"] is not None and sum(r["error"] is None for r in many) == len(items) - 1
    assert sum(bool(r["trends"] or r["forms"]) for r in many) > len(items) // 2


def test_classify_many_in_two_processes_matches_one(clf, tmp_path):
    items = []
    for i in range(4):
        p = tmp_path / f"d{i}.txt"
        p.write_text(DANISH + f" Dokument nummer {i}.", encoding="utf-8")
        items.append(p)
    one = [r.to_dict() for r in clf.classify_many(items)]
    two = [r.to_dict() for r in clf.classify_many(items, n_process=2)]
    assert one == two


def test_pipeline_sets_doc_extensions():
    nlp = samspil.pipeline()
    assert nlp.pipe_names == ["samspil/sentences", "samspil/lemmatizer", "samspil/citations", "samspil/classifier"]
    doc = nlp("Foreningen låner gymnastiksalen gratis af kommunen (Ibsen & Levinsen, 2019).")
    assert "premises" in doc._.forms and doc._.citations[0].authors == ("Ibsen", "Levinsen")
    assert set(doc._.scores) == set(LABELS) and doc._.references == ()


def test_pipeline_saves_and_loads_with_spacy(tmp_path):
    import spacy

    nlp = samspil.pipeline()
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    assert type(again.tokenizer) is type(nlp.tokenizer) and again.config["nlp"]["tokenizer"]["@tokenizers"] == "samspil.Tokenizer.v1"
    assert [t.text for t in again.tokenizer("Pris 200 kr. pr. md. (jf. bilag 2).")] == [t.text for t in nlp.tokenizer("Pris 200 kr. pr. md. (jf. bilag 2).")]
    doc = again("Vi stiller gymnastiksalen gratis til rådighed for foreningen.")
    assert doc._.forms == nlp("Vi stiller gymnastiksalen gratis til rådighed for foreningen.")._.forms


def test_pipeline_pickles_and_pipes_on_two_processes():
    """spaCy's nlp.pipe(n_process=...) and multiprocessing pickle the pipeline; the
    tokenizer comes back as samspil's, on the unpickled vocabulary."""
    import pickle

    from samspil.tokenise import make_danish

    nlp = make_danish()
    again = pickle.loads(pickle.dumps(nlp))
    text = "Pris 200 kr. pr. md. (jf. bilag 2), 100 Mbit/s."
    assert type(again.tokenizer) is type(nlp.tokenizer) and again.tokenizer.vocab is again.vocab
    assert [t.text for t in again(text)] == [t.text for t in nlp(text)]
    docs = list(nlp.pipe([text, "Vi mødes kl. 10 i salen."] * 4, n_process=2, batch_size=2))
    assert [[t.text for t in d] for d in docs[:2]] == [[t.text for t in nlp(text)], ["Vi", "mødes", "kl.", "10", "i", "salen", "."]]


def test_public_api_is_small_and_typed():
    assert (Path(samspil.__file__).parent / "py.typed").is_file()
    for name in samspil.__all__:
        assert getattr(samspil, name) is not None


def test_evidence_is_taken_from_the_run_that_gave_the_label():
    """select_evidence with a run ranks only that run's sentences (falling back to the whole
    text when none of them can be shown)."""
    import numpy as np

    from samspil.components import select_evidence

    text = "Kommunen giver tilskud til foreningen hvert år. Vejen asfalteres i uge 32 af en entreprenør. Foreningen får tilskud fra puljen til aktiviteter."
    spans = ((0, 48), (48, 93), (93, len(text)))
    proba = np.array([0.9, 0.2, 0.7])
    assert [s.text for s in select_evidence(text, spans, proba, 0.5)] == [text[0:47], text[93:]]
    assert [s.text for s in select_evidence(text, spans, proba, 0.5, run=(1, 3))] == [text[93:]]
    assert [s.text for s in select_evidence(text, spans, proba, 0.5, run=(0, 3))] == [text[0:47], text[93:]]
