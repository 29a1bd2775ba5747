"""The linear backend and the shipped default model."""
from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from samspil.classify.keywords import KeywordBaseline
from samspil.classify.linear import FeatureConfig, LinearModel, LinearParams, fit_linear, sliding_windows, token_table, windows
from samspil.classify.thresholds import Thresholds, tune_thresholds
from samspil.corpus import read_split
from samspil.errors import ModelError
from samspil.models import resolve_model
from samspil.records import FORMS, LABELS, TRENDS
from samspil.tokenise import make_danish


@pytest.fixture(scope="module")
def model():
    """The shipped model without its label stack (if it has one), so that its document
    probabilities can be checked against training's; the stack is tested apart."""
    m = LinearModel.load(resolve_model())
    m.stack = None
    return m


def test_shipped_model_has_manifest_card_and_taxonomy_labels(model):
    path = resolve_model()
    manifest = json.loads((path / "manifest.json").read_text())
    assert tuple(manifest["labels"]) == LABELS
    assert manifest["name"] == "samspil-linear" and manifest["n_train"] > 100
    assert (path / "README.md").is_file() and (path / "metrics.json").is_file()
    assert not list(path.glob("*.pkl")) and not list(path.glob("*.pickle"))
    assert model.coef.shape == (len(LABELS) + int(model.gate), len(model.vocab))


def test_source_article_gets_all_three_trends(clf, source_article_text):
    result = clf.classify(source_article_text)
    assert set(result.trends) == set(TRENDS)


@pytest.mark.parametrize(
    "text,label",
    [
        ("Foreningen har fået 25.000 kr. i tilskud fra puljen til frivilligt socialt arbejde efter servicelovens § 18.", "grants"),
        ("Vi stiller gymnastiksalen og mødelokalet på skolen gratis til rådighed for spejderne hver torsdag aften.", "premises"),
        ("Kommunen har indgået en driftsoverenskomst med den selvejende institution, som driver herberget på kommunens vegne mod betaling pr. overnatning.", "service_delivery"),
    ],
)
def test_clear_cases(clf, text, label):
    assert label in clf.classify(text).labels


def test_unrelated_text_gets_no_label(clf):
    result = clf.classify("Vejdirektoratet udbyder asfaltarbejdet på motorvejen mellem Kolding og Vejle. Arbejdet begynder i uge 32 og varer seks uger.")
    assert result.labels == ()


@pytest.mark.parametrize(
    "text",
    [
        # a tender, a contract and reporting demands, but for road maintenance
        "Teknik- og Miljøudvalget godkender, at vintervedligeholdelsen af de kommunale veje for 2026-2029 sendes i offentligt udbud. "
        "Kontrakten tildeles efter kriteriet bedste forhold mellem pris og kvalitet, og leverandøren skal dokumentere responstider og saltforbrug hver måned.",
        # a grant pool, but for house owners
        "Ejere af enfamiliehuse i Hedensted Kommune kan nu søge tilskud fra den nye pulje til energirenovering. Puljen er på 2 mio. kr., "
        "og der gives op til 25.000 kr. pr. bolig til efterisolering og udskiftning af oliefyr. Ansøgningsfristen er 1. marts.",
        # an association's internal matters
        "Generalforsamlingen i Kajakklubben Ørnen blev holdt den 14. februar med 38 fremmødte. Formanden aflagde beretning, regnskabet blev "
        "godkendt, og kontingentet hæves med 50 kr. Bestyrelsen arbejder videre med at skaffe nye både og planlægger en tur til Møn i juni.",
        # a sponsor "partnership" between a firm and a club
        "Brødrene Hansen A/S fortsætter som hovedsponsor for Vejle Boldklubs ungdomsafdeling. Partnerskabet betyder nye trøjer til alle hold "
        "og et fast beløb til klubbens talentarbejde de næste tre år, siger direktør Jens Hansen.",
        # an agreement between municipalities
        "Kommunerne i Trekantområdet har indgået en samarbejdsaftale om fælles indkøb af it-systemer og om en fælles beredskabstjeneste. "
        "Aftalen skal spare kommunerne for 12 mio. kr. årligt og evalueres efter to år.",
    ],
    ids=["road-tender", "house-owner-grant", "internal-association", "sponsor-partnership", "inter-municipal-agreement"],
)
def test_near_misses_get_no_label(clf, text):
    """Texts with the labels' words and no public–civil collaboration (TAXONOMY.md)."""
    assert clf.classify(text).labels == ()


def test_document_scored_as_in_training(model):
    """The whole text is scored exactly as training scores it (TF-IDF from its counts),
    and that TF-IDF is scikit-learn's."""
    nlp = make_danish()
    doc = nlp("Foreningen låner lokaler af kommunen. Kommunen giver tilskud til foreningen. Vi holder dialogmøde med kommunen hvert forår.")
    counts = model.featurizer.counts(doc)
    assert counts.shape == (3, len(model.vocab)) and counts.nnz > 0
    total = sparse.csr_matrix(counts.sum(axis=0))
    np.testing.assert_allclose(model.score_doc(doc).doc, model.proba_from_counts(total)[0], atol=1e-5)  # too short for windows
    t = TfidfTransformer(sublinear_tf=True)
    t.idf_ = model.idf.astype(np.float64)
    np.testing.assert_allclose(model.tfidf(total).toarray(), t.transform(total).toarray(), atol=1e-5)


def test_windows_scored_as_in_training(model):
    """A text of some length (under long_text_words) scores the larger of its own and its
    windows' (weighted), each computed from its counts as training computes a text's."""
    text = "\n\n".join(d["text"] for d in read_split("dev")[:3])
    doc = make_danish()(text)
    assert not model.config.long_text_words or int(token_table(doc).words_per_sentence.sum()) <= model.config.long_text_words
    bounds = windows(token_table(doc).words_per_sentence.tolist(), model.config.window_words)
    assert len(bounds) > 3 and np.max(model.window_weight) > 0
    slow = model.proba_from_counts(_run_rows(model, doc, (model.config.window_words,)))
    expected = np.maximum(slow[0], model.window_weight * slow[1:].max(axis=0))
    np.testing.assert_allclose(model.score_doc(doc).doc, expected, atol=1e-5)


def test_sentences_scored_from_per_type_sums(model):
    """Sentences scored from cached per-type sums equal the passage formula computed from
    their own counts."""
    nlp = make_danish()
    doc = nlp("Foreningen låner lokaler af kommunen. Tilskud gives efter § 18. Vi holder dialogmøde med forvaltningen hvert forår.")
    counts = model.featurizer.counts(doc)
    scored = model.score_doc(doc)
    np.testing.assert_allclose(scored.proba, model.passage_proba_from_counts(counts), atol=1e-5)


def test_documents_scored_together_as_one_by_one(model):
    """score_docs (a batch in one pass) gives each document what score_doc gives it:
    long ones with windows, short ones, an empty one, one of only punctuation."""
    nlp = make_danish(lemmas=False)
    texts = [d["text"] for d in read_split("dev")[:12]]
    texts[3:3] = ["", "… – !", "Kommunen giver tilskud til foreningen."]
    docs = [nlp(t) for t in texts]
    together = model.score_docs(docs)
    assert len(together) == len(docs)
    for doc, got in zip(docs, together):
        alone = model.score_doc(doc)
        assert got.spans == alone.spans
        np.testing.assert_array_equal(got.doc, alone.doc)
        np.testing.assert_array_equal(got.proba, alone.proba)


def test_long_runs_counted_piece_by_piece_score_the_same(model):
    """Runs longer than chunk_tokens (the whole of a long document) are counted piece by
    piece into a dense vector, shorter ones chunk by chunk: the scores do not change."""
    nlp = make_danish(lemmas=False)
    docs = [nlp(d["text"]) for d in read_split("dev")[:8]]
    whole = model.score_docs(docs)
    pieces = copy.copy(model)
    pieces.chunk_tokens = 40
    for a, b in zip(whole, pieces.score_docs(docs)):
        np.testing.assert_array_equal(a.doc, b.doc)


def test_text_longer_than_spacys_default_limit_is_classified(clf):
    """spaCy's max_length (1,000,000 characters) guards its parser and NER; samspil's
    limit is IngestLimits.max_chars (3,000,000), past which the Result says so."""
    unit = "Foreningen låner gymnastiksalen gratis af kommunen hver tirsdag aften. "
    result = clf.classify(unit * (1_100_000 // len(unit)))
    assert result.error is None and "premises" in result.forms
    too_long = clf.classify(unit * (3_100_000 // len(unit)))
    assert too_long.error["type"] == "TextTooLongError" and "limit 3,000,000" in too_long.error["message"]


def test_decomposed_letters_and_ligatures_score_as_plain_text(clf):
    """Text from a Mac (NFD: "å" as "a" and a combining ring) or a PDF's ligatures ("ﬁ")
    gets the features, so the scores, of the same text in plain NFC."""
    import unicodedata

    text = ("Foreningen får et fast årligt tilskud fra kommunens pulje til frivilligt socialt arbejde, "
            "og de frivillige låner lokaler gratis på skolen. Aftalen om finansiering er skriftlig.")
    plain = clf.classify(text)
    assert plain.labels
    for variant in (unicodedata.normalize("NFD", text), text.replace("fi", "\ufb01")):
        assert variant != text
        other = clf.classify(variant)
        assert other.labels == plain.labels
        np.testing.assert_allclose([other.scores[k] for k in LABELS], [plain.scores[k] for k in LABELS], atol=1e-6)


def test_evidence_points_into_the_text(clf):
    text = "Referat.\n\nPunkt 1. Vejbelysning på Møllevej udskiftes.\n\nPunkt 2. Idrætsforeningen får lov til at låne skolens gymnastiksal gratis hver tirsdag.\n\nPunkt 3. Eventuelt."
    result = clf.classify(text)
    assert "premises" in result.forms
    for spans in result.evidence.values():
        for s in spans:
            assert text[s.start : s.end] == s.text
    assert "gymnastiksal" in result.evidence["premises"][0].text


def test_windows_overlap_by_half():
    assert windows([50, 50, 50, 50, 50, 50], 100) == [(0, 2), (2, 4), (4, 6), (1, 3), (3, 5)]


def test_sliding_windows_do_not_move_with_what_comes_before():
    """A window starts at every sentence; a sentence put before the text adds windows and
    moves none (the grid of :func:`windows` moves them all)."""
    words = [10, 20, 15, 5, 30, 12, 3]
    assert sliding_windows(words, 40) == [(0, 3), (1, 4), (2, 5), (3, 6), (4, 6), (5, 7)]
    shifted = sliding_windows([2, *words], 40)
    assert {(a - 1, b - 1) for a, b in shifted if a > 0} == set(sliding_windows(words, 40))
    assert {(a - 1, b - 1) for a, b in windows([2, *words], 40) if a > 0} != set(windows(words, 40))
    assert sliding_windows([50], 40) == [(0, 1)] and sliding_windows([], 40) == []


def test_a_model_with_sliding_windows_scores_them(model):
    """``sliding_windows`` in the feature config: the text is scored by itself and by a
    window starting at each sentence, as training computes a text's scores."""
    from dataclasses import replace

    m = copy.copy(model)
    m.config = replace(model.config, sliding_windows=True, long_text_words=0)
    doc = make_danish()("\n\n".join(d["text"] for d in read_split("dev")[:3]))
    counts = m.featurizer.counts(doc)
    bounds = sliding_windows(token_table(doc).words_per_sentence.tolist(), m.config.window_words)
    rows = sparse.vstack([sparse.csr_matrix(counts.sum(axis=0))] + [sparse.csr_matrix(counts[a:b].sum(axis=0)) for a, b in bounds]).tocsr()
    slow = m.proba_from_counts(rows)
    expected = np.maximum(slow[0], m.window_weight * slow[1:].max(axis=0))
    if m.stack is not None:
        expected = m.stack.apply(expected[None, :], m.thresholds.values)[0]
    np.testing.assert_allclose(m.score_doc(doc).doc, expected, atol=1e-5)


def test_thresholds_tuned_and_review_band():
    y = np.array([[1], [1], [0], [0]])
    p = np.array([[0.9], [0.6], [0.4], [0.1]])
    th = tune_thresholds(y, p, ("grants",))
    assert th.predict(p).ravel().tolist() == [True, True, False, False]
    t = Thresholds(("grants",), (0.5,), 0.1)
    assert t.review(np.array([[0.55], [0.7]])).ravel().tolist() == [True, False]


def test_threshold_penalty_keeps_a_threshold_near_half_unless_moving_it_pays():
    from samspil.classify.thresholds import best_threshold

    # Plain F1 is best at 0.3 (it catches the positive at 0.32 for one false positive at 0.35):
    # 6 positives, 4 above 0.5; F1 at 0.5 is 0.8, at 0.3 it is 10/12.
    y = np.array([1, 1, 1, 1, 1, 0, 1, 0, 0, 0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.32, 0.35, 0.1, 0.2, 0.1, 0.05])
    assert best_threshold(y, p)[0] == 0.3
    t, f1 = best_threshold(y, p, penalty=0.05)
    assert t == 0.3 and round(f1, 4) == round(10 / 12, 4)  # a gain of 0.033 beats a penalty of 0.01
    t, f1 = best_threshold(y, p, penalty=0.5)
    assert t == 0.5 and f1 == 0.8  # now the penalty (0.1) outweighs it
    with pytest.raises(ValueError, match="penalty"):
        best_threshold(y, p, penalty=-1)


def test_overfits_a_tiny_corpus(tmp_path):
    nlp = make_danish()
    texts = [
        "Kommunen giver foreningen tilskud til aktiviteter.", "Foreningen søger tilskud fra puljen.", "Tilskud bevilges efter § 18.",
        "Spejderne låner skolens lokaler.", "Klubben låner hallen gratis.", "Lokaler stilles til rådighed for foreningen.",
    ]
    y = np.array([[1, 0]] * 3 + [[0, 1]] * 3)
    docs = list(nlp.pipe(texts))
    m = fit_linear(docs, y, ("grants", "premises"), LinearParams(calibration_folds=3, features=FeatureConfig(min_df=1)))
    proba = m.predict_proba_docs(docs)
    assert (proba.argmax(axis=1) == np.array([0, 0, 0, 1, 1, 1])).all()
    m.save(tmp_path / "tiny")
    again = LinearModel.load(tmp_path / "tiny")
    assert np.allclose(again.predict_proba_docs(docs), proba)


def test_damaged_model_is_refused_with_a_clear_error(tmp_path):
    target = tmp_path / "m"
    shutil.copytree(resolve_model(), target)
    weights = target / "weights.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        LinearModel.load(target)


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="manifest.json"):
        resolve_model(tmp_path / "nothing")


def test_keyword_baseline():
    kb = KeywordBaseline()
    p = kb.predict_proba(["Vi søger tilskud og vil gerne i dialog."])
    assert p[0, LABELS.index("grants")] == 1 and p[0, LABELS.index("dialogue")] == 1 and p[0, LABELS.index("premises")] == 0
    assert len(FORMS) == 8


def test_review_bands_are_narrow_where_the_model_is_reliable():
    from samspil.classify.thresholds import tune_review_bands

    y = np.array([[1, 1], [1, 1], [0, 0], [0, 0], [1, 1], [0, 0]])
    p = np.array([[0.9, 0.55], [0.8, 0.45], [0.1, 0.52], [0.2, 0.48], [0.95, 0.6], [0.05, 0.4]])
    th = tune_review_bands(y, p, Thresholds(("a", "b"), (0.5, 0.5)), max_accuracy=0.75, min_inside=2)
    assert th.bands[0] == 0.0  # label a is always right
    assert th.bands[1] > 0.0  # label b errs close to its threshold
    again = Thresholds.from_dict(th.to_dict())
    assert again.bands == th.bands and again.review(np.array([[0.5, 0.51]])).tolist() == [[False, True]]


def test_one_item_in_many_builds_long_texts_and_scores_them(model):
    from samspil.evaluation import one_item_in_many

    docs = read_split("dev")[:60]
    out = one_item_in_many(model, docs, model.labels, n=8, min_words=1600)
    assert out["documents"] == 8 and out["median_words"] >= 1600
    assert 0.0 <= out["micro_f1_in_long_text"] <= 1.0 and 0.0 < out["micro_f1_alone"] <= 1.0


def test_one_sentence_in_many_counts_near_misses_both_ways(model):
    """make eval's passing-mention check: a near-miss sentence that gets no label at all
    also lacks the label it is a near miss for, so that count is at least as high; and
    it is the count of near misses whose own label stays under its threshold."""
    from samspil.corpus import guideline_examples
    from samspil.evaluation import one_sentence_in_many

    out = one_sentence_in_many(model, read_split("dev"), model.labels, min_words=400)
    assert out["positives"] + out["negatives"] == len(guideline_examples())
    for where in ("alone", "in_long_text"):
        assert out[f"negatives_without_label_{where}"] <= out[f"negatives_without_their_label_{where}"] <= out["negatives"]
    near = [(lab, q) for lab, sign, q in guideline_examples() if sign == "-"]
    pred = model.thresholds.predict(model.predict_proba([q for _, q in near])).astype(bool)
    assert out["negatives_without_their_label_alone"] == sum(not pred[i, model.labels.index(lab)] for i, (lab, _) in enumerate(near))


def test_pdf_round_trip_reads_the_documents_back_from_real_pdfs(model):
    """make eval's "text out of PDFs": the documents go through fpdf2 and samspil's PDF
    reader (wrapped lines, paragraphs, page furniture), and the shipped model gives
    documents it was trained on (dev) the same labels from that text, from it without
    its empty lines and from the pages dumped as plain text, as from the plain text."""
    from samspil.evaluation import pdf_round_trip
    from samspil.ingest import read_bytes
    from samspil.testing import corpus_pdf

    docs = [d for d in read_split("dev") if d["trends"] or d["forms"]][:6]
    back = read_bytes(corpus_pdf(docs[0]["text"], header="x"), "a.pdf").text
    assert "\n\n" in back and back != docs[0]["text"]
    pred = model.thresholds.predict(model.predict_proba([d["text"] for d in docs])).astype(int)
    out = pdf_round_trip(model, docs, model.labels, pred)
    assert out["documents"] == 6 and max(out[f"labels_differ_from_text{s}"] for s in ("", "_lines", "_dump")) <= 1
    for key in ("all_micro_f1_from_pdf", "all_micro_f1_from_pdf_lines", "all_micro_f1_from_pdf_dump"):
        assert out[key] >= 0.9 and abs(out[key] - out["all_micro_f1_from_text"]) <= 0.1


def test_a_window_weight_per_label_is_saved_and_applied(model, tmp_path):
    """Labels may weigh windows differently (0: the whole text only); the weights travel
    with the model and act per label."""
    from samspil.classify.linear import LinearModel

    text = "\n\n".join(d["text"] for d in read_split("dev")[:3])
    doc = make_danish()(text)
    whole = copy.copy(model)
    whole.window_weight = 0.0
    mixed = copy.copy(model)
    mixed.window_weight = np.array([0.0] * 5 + [1.0] * (len(model.labels) - 5), dtype=np.float32)
    mixed.save(tmp_path / "m")
    again = LinearModel.load(tmp_path / "m")
    np.testing.assert_allclose(again.window_weight, mixed.window_weight)
    full = copy.copy(model)
    full.window_weight = 1.0
    got = again.score_doc(doc).doc
    np.testing.assert_allclose(got[:5], whole.score_doc(doc).doc[:5], atol=1e-6)
    np.testing.assert_allclose(got[5:], full.score_doc(doc).doc[5:], atol=1e-6)


def test_relevance_gate_multiplies_each_run_and_travels_with_the_model(tmp_path):
    """With a gate, each run's (the text's, each window's) label probability is its own
    times the gate's ("any label") to the tuned power, before the maximum over runs."""
    from dataclasses import replace

    from samspil.classify.base import sigmoid

    nlp = make_danish()
    texts = [
        "Kommunen giver foreningen tilskud til aktiviteter.", "Foreningen søger tilskud fra puljen.", "Tilskud bevilges efter § 18.",
        "Spejderne låner skolens lokaler.", "Klubben låner hallen gratis.", "Lokaler stilles til rådighed for foreningen.",
        "Vejen asfalteres i uge 32.", "Cykelstien lukkes om natten.", "Broen males til foråret.",
    ]
    y = np.array([[1, 0]] * 3 + [[0, 1]] * 3 + [[0, 0]] * 3)
    docs = list(nlp.pipe(texts))
    m = fit_linear(docs, y, ("grants", "premises"), LinearParams(calibration_folds=3, gate=True, features=FeatureConfig(min_df=1)))
    assert m.gate and m.coef.shape == (3, len(m.vocab)) and m.gate_power == 0.5

    def by_hand(counts, power):  # every row: labels and gate, then the product
        raw = sigmoid(-(m.platt_a * (np.asarray(m.tfidf(counts) @ m.coef.T) + m.intercept) + m.platt_b))
        return raw[:, :2] * raw[:, 2:] ** power

    doc = nlp("Foreningen låner lokaler af kommunen og får tilskud.")
    total = sparse.csr_matrix(m.featurizer.counts(doc).sum(axis=0))
    for power in (0.0, 0.5, 1.0):
        m.gate_power = power
        np.testing.assert_allclose(m.score_doc(doc).doc, by_hand(total, power)[0], atol=1e-5)
    # A long text: the product is taken per run, then the maximum.
    long_doc = nlp(" ".join(texts * 3))
    m.config = replace(m.config, window_words=20)
    m.window_weight = 1.0
    counts = m.featurizer.counts(long_doc)
    bounds = windows(token_table(long_doc).words_per_sentence.tolist(), 20)
    rows = sparse.vstack([sparse.csr_matrix(counts.sum(axis=0))] + [sparse.csr_matrix(counts[a:b].sum(axis=0)) for a, b in bounds]).tocsr()
    expected = by_hand(rows, 1.0)
    np.testing.assert_allclose(m.score_doc(long_doc).doc, np.maximum(expected[0], expected[1:].max(axis=0)), atol=1e-5)
    # Saved and loaded: the gate, its power and the scores.
    m.save(tmp_path / "gated")
    again = LinearModel.load(tmp_path / "gated")
    assert again.gate and again.gate_power == 1.0
    np.testing.assert_allclose(again.predict_proba_docs(docs + [long_doc]), m.predict_proba_docs(docs + [long_doc]), atol=1e-6)
    with pytest.raises(ValueError, match="rows of coefficients"):
        LinearModel(labels=("grants", "premises"), vocab=m.vocab, idf=m.idf, coef=m.coef, intercept=m.intercept,
                    platt_a=m.platt_a, platt_b=m.platt_b, thresholds=m.thresholds)


def _run_rows(m, doc, sizes):
    """Counts of the whole text and of its windows at each size (the runs scoring takes)."""
    counts = m.featurizer.counts(doc)
    words = token_table(doc).words_per_sentence.tolist()
    bounds = [b for size in sizes for b in windows(words, size)]
    return sparse.vstack([sparse.csr_matrix(counts.sum(axis=0))] + [sparse.csr_matrix(counts[a:b].sum(axis=0)) for a, b in bounds]).tocsr()


def test_long_text_scored_by_its_windows_alone(model, tmp_path):
    """A text of more than long_text_words words is scored by its windows alone, at
    window_words and at long_window_words; a shorter one by itself and its windows. The
    setting travels with the model."""
    from dataclasses import replace

    m = copy.copy(model)
    m.config = replace(model.config, long_text_words=300, long_window_words=150, long_text_sentences=False, long_text_margin=0.0)
    m.window_weight = 0.9
    nlp = make_danish()
    long_doc = nlp("\n\n".join(d["text"] for d in read_split("dev")[:3]))
    assert int(token_table(long_doc).words_per_sentence.sum()) > 300
    runs = m.proba_from_counts(_run_rows(m, long_doc, (m.config.window_words, 150)))
    scored = m.score_doc(long_doc)
    np.testing.assert_allclose(scored.doc, 0.9 * runs[1:].max(axis=0), atol=1e-5)
    # each label's run (where its evidence is taken from) is the window that gave its score
    words = token_table(long_doc).words_per_sentence.tolist()
    bounds = windows(words, m.config.window_words) + windows(words, 150)
    assert [tuple(r) for r in scored.runs.tolist()] == [bounds[k] for k in runs[1:].argmax(axis=0)]
    short = next(nlp(d["text"]) for d in read_split("dev") if 150 < len(d["text"].split()) < 250)
    runs = m.proba_from_counts(_run_rows(m, short, (m.config.window_words,)))
    np.testing.assert_allclose(m.score_doc(short).doc, np.maximum(runs[0], 0.9 * runs[1:].max(axis=0)), atol=1e-5)
    m.save(tmp_path / "m")
    again = LinearModel.load(tmp_path / "m")
    assert (again.config.long_text_words, again.config.long_window_words) == (300, 150)
    np.testing.assert_allclose(again.score_doc(long_doc).doc, m.score_doc(long_doc).doc, atol=1e-6)


@pytest.mark.parametrize("min_words", [4, 8])
def test_sentences_of_a_long_text_are_runs_gated_harder(model, min_words):
    """With long_text_sentences, each sentence of sentence_min_words words or more in a
    long text is a run too, its label probability times the gate's to
    sentence_gate_power; shorter ones (headings) are not."""
    from dataclasses import replace

    assert model.gate
    m = copy.copy(model)
    m.config = replace(model.config, long_text_words=300, long_window_words=0, long_text_sentences=True, sentence_gate_power=3.0,
                       sentence_min_words=min_words, long_text_margin=0.0)
    m.window_weight = 1.0
    doc = make_danish()("\n\n".join(d["text"] for d in read_split("dev")[:3]))
    table = token_table(doc)
    counts = m.featurizer.counts(doc)
    window_rows = _run_rows(m, doc, (m.config.window_words,))
    sentence_rows = sparse.vstack([sparse.csr_matrix(counts[k].sum(axis=0)) for k, n in enumerate(table.words_per_sentence) if n >= min_words]).tocsr()
    n = len(m.labels)
    raw = m._calibrated(np.asarray(m.tfidf(sentence_rows) @ m.coef.T) + m.intercept)
    sentences = raw[:, :n] * raw[:, n:] ** 3.0
    windowed = m.proba_from_counts(window_rows)[1:]
    np.testing.assert_allclose(m.score_doc(doc).doc, np.maximum(windowed.max(axis=0), sentences.max(axis=0)), atol=1e-5)
    off = copy.copy(m)
    off.config = replace(m.config, long_text_sentences=False)
    np.testing.assert_allclose(off.score_doc(doc).doc, windowed.max(axis=0), atol=1e-5)


def test_long_text_margin_lowers_long_texts_only(model, tmp_path):
    """long_text_margin is taken off a long text's score for every label that has
    windows (the best of many runs is high by chance alone), never below 0; a text under
    long_text_words keeps its score. The setting travels with the model."""
    from dataclasses import replace

    nlp = make_danish()
    m = copy.copy(model)
    m.config = replace(model.config, long_text_words=300, long_text_margin=0.0)
    m.stack = None  # the margin is taken before the label stack; compare the first stage
    m.window_weight = np.array([1.0] * (len(m.labels) - 1) + [0.0], dtype=np.float32)
    long_doc = nlp("\n\n".join(d["text"] for d in read_split("dev")[:3]))
    short = next(nlp(d["text"]) for d in read_split("dev") if 150 < len(d["text"].split()) < 250)
    before_long, before_short = m.score_doc(long_doc).doc, m.score_doc(short).doc
    m.config = replace(m.config, long_text_margin=0.1)
    after = m.score_doc(long_doc).doc
    np.testing.assert_allclose(after[:-1], np.maximum(before_long[:-1] - 0.1, 0.0), atol=1e-6)
    np.testing.assert_allclose(after[-1], before_long[-1], atol=1e-6)  # no windows: scored whole, no margin
    np.testing.assert_allclose(m.score_doc(short).doc, before_short, atol=1e-6)
    m.save(tmp_path / "m")
    again = LinearModel.load(tmp_path / "m")
    assert again.config.long_text_margin == 0.1
    np.testing.assert_allclose(again.score_doc(long_doc).doc, after, atol=1e-6)
    with pytest.raises(ValueError, match="long_text_margin"):
        replace(m.config, long_text_margin=1.5)


LONG_MINUTES = Path(__file__).parent / "data" / "long_minutes.txt"


def _minutes_item(text: str, number: int) -> tuple[int, int]:
    start = text.index(f"Punkt {number}.")
    return start, text.index(f"Punkt {number + 1}.")


def test_long_minutes_labelled_by_the_one_item_that_matters(clf):
    """Twelve agenda items (written for this test), one about public–civil collaboration
    (item 8: a written agreement with a volunteer association on visiting friends at the
    care homes, which lend a room); the others budget, a road-clearing tender, a grant
    pool for house owners, an agreement between two municipalities. The labels come
    from item 8 and their evidence lies there; the near misses add nothing, not even a
    label to review."""
    text = LONG_MINUTES.read_text(encoding="utf-8")
    result = clf.classify(text)
    assert {"task_collaboration", "written_agreement"} <= set(result.labels)
    assert not {"grants", "marketisation", "service_delivery", "hybridisation"} & (set(result.labels) | set(result.needs_review))
    start, end = _minutes_item(text, 8)
    for label in result.labels:
        assert all(start <= span.start < end for span in result.evidence[label]), label


def test_long_minutes_without_that_item_get_no_label(clf):
    text = LONG_MINUTES.read_text(encoding="utf-8")
    start, end = _minutes_item(text, 8)
    assert clf.classify(text[:start] + text[end:]).labels == ()


def test_model_card_says_when_the_backend_comparison_ran_on_another_corpus(model, tmp_path):
    """The card's backend table comes from backends.json (make compare); when that ran on
    another corpus than the model's, the card says so instead of passing it off as current."""
    from samspil.evaluation import write_model_card

    metrics = json.loads((Path(resolve_model()) / "metrics.json").read_text(encoding="utf-8"))
    comparison = {k: v for k, v in metrics["backend_comparison"].items() if k not in ("corpus_sha256", "date")}
    for ran_on, expected in ((None, "not recorded"), ("0" * 64, "an earlier corpus (sha256 `0000000000000000…`)"), (model.meta["corpus_sha256"], None)):
        metrics["backend_comparison"] = {**comparison, **({"corpus_sha256": ran_on} if ran_on else {})}
        write_model_card(tmp_path, model, metrics)
        card = (tmp_path / "README.md").read_text(encoding="utf-8")
        assert "## Backends compared" in card
        assert ("make compare` reruns it" in card) == (expected is not None)
        assert expected is None or expected in card


def test_model_card_names_the_threshold_penalty(model, tmp_path):
    """The card's tuning line says how the thresholds were tuned, penalty included, from the
    parameters stored with the model."""
    from samspil.evaluation import write_model_card

    metrics = json.loads((Path(resolve_model()) / "metrics.json").read_text(encoding="utf-8"))
    write_model_card(tmp_path, model, metrics)
    penalty = model.meta["params"]["threshold_penalty"]
    assert penalty > 0
    assert f"per-label thresholds (tuned with a penalty of {penalty:g} F1 per unit of distance from 0.5)" in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_model_card_names_the_long_text_margin(model, tmp_path):
    """The card's method line names the sentence runs' minimum length and the long-text
    margin from the model's own feature config."""
    from dataclasses import replace

    from samspil.evaluation import write_model_card

    metrics = json.loads((Path(resolve_model()) / "metrics.json").read_text(encoding="utf-8"))
    m = copy.copy(model)
    m.config = replace(model.config, long_text_words=1000, long_text_sentences=True, sentence_min_words=8, long_text_margin=0.1)
    write_model_card(tmp_path, m, metrics)
    card = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "each of its sentences of 8 words or more" in card and "the best of these runs less 0.1" in card
