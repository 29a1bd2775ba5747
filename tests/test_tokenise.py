from __future__ import annotations

import pytest

from samspil.normalise import join_hyphenated, normalise_text, strip_repeated_lines
from samspil.tokenise import ABBREVIATIONS, add_abbreviations, lemmatize, make_danish


@pytest.fixture(scope="module")
def nlp():
    return make_danish()


@pytest.mark.parametrize("abbr", ["jf.", "bl.a.", "m.fl.", "ca.", "kr.", "stk.", "nr.", "fx.", "f.eks."])
def test_abbreviations_end_no_sentence(nlp, abbr):
    doc = nlp(f"Foreningen samarbejder {abbr} Kommunen om opgaven. Næste sætning.")
    assert len(list(doc.sents)) == 2


def test_headings_and_paragraphs_split(nlp):
    doc = nlp("Sagsfremstilling\nForeningen søger tilskud til\nkørsel og kaffe.\n\nBeslutning\nGodkendt.")
    assert [s.text.strip() for s in doc.sents] == ["Sagsfremstilling", "Foreningen søger tilskud til\nkørsel og kaffe.", "Beslutning", "Godkendt."]


def test_line_that_ends_short_of_the_wrap_width_ends_its_sentence(nlp):
    """A title with a subtitle (more than eight words) and an agenda item's long heading
    end their sentence when the next line's first word would have fitted on them; a
    wrapped line of the same text that a capitalised name continues does not."""
    text = ("Fra tilskud til kontrakt? Foreninger som leverandører af velfærd\n"
            "Flere kommuner har de seneste år flyttet støtten til frivillige sociale foreninger fra frie\n"
            "tilskud til kontrakter med krav om leverancer, og det gælder også samarbejdet med foreningen\n"
            "Frivilligcenter Vestegnen, som i år har fået en driftsaftale med kommunen om hjælp til lektier.\n\n"
            "7. Aftale med Ældre Sagen Middelfart om besøgsvenner på plejecentrene\n"
            "Sagsnr.: 25/03318")
    sents = [s.text.strip() for s in nlp(text).sents]
    assert sents[:2] == ["Fra tilskud til kontrakt?", "Foreninger som leverandører af velfærd"]
    assert sents[2].startswith("Flere kommuner") and sents[2].endswith("om hjælp til lektier.")
    assert sents[3:] == ["7. Aftale med Ældre Sagen Middelfart om besøgsvenner på plejecentrene", "Sagsnr.: 25/03318"]


def test_lemmas(nlp):
    doc = nlp("Foreningerne låner lokaler")
    assert [t.lemma_ for t in doc] == ["forening", "låne", "lokale"]
    assert lemmatize("Foreningerne") == "forening"


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("samar-\nbejde", "samarbejde"),
        ("2018-\n2020", "2018-\n2020"),
        ("Kultur-\nog", "Kultur-\nog"),
        ("social-\n økonomisk", "socialøkonomisk"),
    ],
)
def test_join_hyphenated(raw, clean):
    assert join_hyphenated(raw) == clean


def test_normalise_text():
    assert normalise_text("a\r\nb\u00adc  \n\n\n\nd") == "a\nbc\n\nd"


def test_strip_repeated_lines_keeps_body():
    pages = ["Referat 2019\nTekst et\nSide 1", "Referat 2019\nTekst to\nSide 2", "Referat 2019\nTekst tre\nSide 3"]
    assert strip_repeated_lines(pages) == ["Tekst et", "Tekst to", "Tekst tre"]


def test_lemma_index_matches_spacy_lookups_data():
    import srsly
    from spacy_lookups_data import get_file

    from samspil.tokenise import lemma_index

    table = srsly.read_gzip_json(get_file("da_lemma_lookup.json.gz"))
    index = lemma_index()
    for form in ["foreningerne", "lokaler", "kommunens", "tilskuddet", "frivillige", "samarbejder", "xyzord"]:
        assert index.lemma(form) == table.get(form, form)


def test_cache_friendly_tokenizer_gives_spacys_tokens(nlp):
    """The tokenizer that caches (no whitespace rules, whole words as token_match, its
    own join pass) gives spaCy's tokens on every corpus text, also with PDF-like single
    line breaks."""
    import spacy

    from samspil.corpus import read_all

    stock = spacy.blank("da")
    add_abbreviations(stock, ABBREVIATIONS)
    assert "\n" in stock.tokenizer.rules and "\n" not in nlp.tokenizer.rules
    assert "kr." in stock.tokenizer.rules and "kr." not in nlp.tokenizer.rules
    texts = [d["text"] for d in read_all()[::3]]
    texts += [t.replace("\n\n", "\n") for t in texts[:50]]  # single line breaks, as PDF text has
    for text in texts:
        for _ in range(2):  # the second pass reads the cache
            assert [(t.text, t.whitespace_) for t in nlp.tokenizer(text)] == [(t.text, t.whitespace_) for t in stock.tokenizer(text)]


def test_cache_friendly_tokenizer_on_generated_text(nlp):
    """Every special case of the Danish tokenizer, with brackets, punctuation, slashes
    and every kind of whitespace around it, tokenises as spaCy's own tokenizer does."""
    import random

    import spacy

    stock = spacy.blank("da")
    add_abbreviations(stock, ABBREVIATIONS)
    words = sorted(stock.tokenizer.rules) + ["kommunen", "s", "kr", "3", "2019", "Mbit/s", "https://x.dk/a.b", "m/k", "2.000", "§", "18,5"] * 20
    rng = random.Random(7)
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 12)):
            w = rng.choice(words)
            if rng.random() < 0.2:
                w = rng.choice("([\"§'") + w
            if rng.random() < 0.3:
                w += rng.choice([".", ",", ")", ";", ":", "?", ".)", ").", "'", "-"])
            if rng.random() < 0.05:
                w += rng.choice("/-–") + rng.choice(words)
            parts += [w, rng.choice([" ", " ", "\n", "\n\n", "  ", "\t", "\xa0"])]
        text = "".join(parts)
        for _ in range(2):
            assert [(t.text, t.whitespace_) for t in nlp.tokenizer(text)] == [(t.text, t.whitespace_) for t in stock.tokenizer(text)], text


def test_whole_words_keep_their_norm(nlp):
    import spacy

    stock = spacy.blank("da")
    add_abbreviations(stock, ABBREVIATIONS)
    text = "Mødet 3. apr. kostede 200 kr. pr. deltager (jf. bilag 2)."
    doc = nlp.tokenizer(text)
    assert [t.text for t in doc] == ["Mødet", "3.", "apr.", "kostede", "200", "kr.", "pr.", "deltager", "(", "jf.", "bilag", "2", ")", "."]
    assert [t.norm_ for t in doc] == [t.norm_ for t in stock.tokenizer(text)]
    assert doc[2].norm_ == "april"


def test_page_numbers_go_from_a_one_page_pdf_text_too():
    """A one-page document's "Side 1 af 1" is furniture like a longer one's; a bare number
    at the end of one page may be a table's last cell and stays."""
    assert strip_repeated_lines(["Referat\nTekst et\nSide 1 af 1"]) == ["Referat\nTekst et"]
    assert strip_repeated_lines(["- 1 -\nTekst et\n250"]) == ["Tekst et\n250"]
    assert strip_repeated_lines(["– 1 –\nTekst et"]) == ["Tekst et"]  # en dashes, as the text reader's page marks
    assert strip_repeated_lines(["Tekst et\nPage 1 of 1", "Tekst to\nside 2/2"]) == ["Tekst et", "Tekst to"]


def test_a_line_that_goes_on_in_lower_case_continues_its_sentence(nlp):
    """Text out of a PDF breaks lines after numbers, ordinals, dashes and abbreviations;
    the sentence goes on when the next line does (in lower case, or after "kl." / "§")."""
    text = ("Lungeforeningen i Lyngby inviterer til en rolig gåtur søndag den 14.\n"
            "september. I 2024 har partnerskabet haft 11\n"
            "pårørendecaféer og nogle politiske sejre –\n"
            "men også et svært år, og koncerten slutter kl.\n"
            "23.15 efter reglerne i servicelovens §\n"
            "104 om aktivitetstilbud.")
    assert [s.text.replace("\n", " ") for s in nlp(text).sents] == [
        "Lungeforeningen i Lyngby inviterer til en rolig gåtur søndag den 14. september.",
        "I 2024 har partnerskabet haft 11 pårørendecaféer og nogle politiske sejre – men også et svært år, "
        "og koncerten slutter kl. 23.15 efter reglerne i servicelovens § 104 om aktivitetstilbud.",
    ]


def test_a_dash_that_wrapping_moved_down_continues_its_sentence_but_a_list_item_starts_one(nlp):
    """PDF text wraps a dash to the start of a line ("sejre\n– men"); after a full line
    that ends open the sentence goes on. After a short line, or a line that ends in ":",
    a dash starts a list item, and so it does after another item however long."""
    text = ("I 2024 har partnerskabet mellem kommunen og foreningen haft mange travle måneder og nogle\n"
            "politiske sejre i byrådet, fordi vi har arbejdet sammen om pårørendecaféerne i hele året\n"
            "– men også et svært år med færre frivillige. Vi ønsker os i det nye år\n"
            "- flere frivillige\n"
            "- et nyt lokale. Foreningen tilbyder følgende aktiviteter om ugen i biblioteket i Nørre Nebel:\n"
            "– lektiecafé om tirsdagen\n\n"
            "Foreningen skal efter aftalen:\n"
            "- holde opholdsrummet rengjort og sørge for, at der altid er kaffe på kanden til alle gæster,\n"
            "- melde fejl på bygningen til kommunens ejendomscenter senest dagen efter.")
    assert [s.text.replace("\n", " ") for s in nlp(text).sents] == [
        "I 2024 har partnerskabet mellem kommunen og foreningen haft mange travle måneder og nogle "
        "politiske sejre i byrådet, fordi vi har arbejdet sammen om pårørendecaféerne i hele året "
        "– men også et svært år med færre frivillige.",
        "Vi ønsker os i det nye år ",
        "- flere frivillige ",
        "- et nyt lokale.",
        "Foreningen tilbyder følgende aktiviteter om ugen i biblioteket i Nørre Nebel: ",
        "– lektiecafé om tirsdagen  ",
        "Foreningen skal efter aftalen: ",
        "- holde opholdsrummet rengjort og sørge for, at der altid er kaffe på kanden til alle gæster, ",
        "- melde fejl på bygningen til kommunens ejendomscenter senest dagen efter.",
    ]


def test_pdfium_hyphen_before_og_is_a_suspension_hyphen():
    from samspil.normalise import clean_pdf_pages

    assert clean_pdf_pages(["et tilbud til børne\x02\nog ungdomsafdelingen om samar\x02\nbejde"]) == (
        "et tilbud til børne-\nog ungdomsafdelingen om samarbejde")
