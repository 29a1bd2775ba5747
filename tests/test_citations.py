"""Citation extraction: tables of text → expected citations, the source article, properties."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspil.citations import extract_citations, find_citations, find_references, fold_name, parse_reference
from samspil.export import to_bibtex


@pytest.mark.parametrize(
    "text,expected",
    [
        ("(Espersen et al., 2018)", [("Espersen et al., 2018", ("Espersen",), True, "2018", None)]),
        ("(Ibsen & Levinsen, 2019, s. 14)", [("Ibsen & Levinsen, 2019, s. 14", ("Ibsen", "Levinsen"), False, "2019", "14")]),
        (
            "(Benjaminsen et al., 2017 & Andersen & Espersen, 2017)",
            [("Benjaminsen et al., 2017", ("Benjaminsen",), True, "2017", None), ("Andersen & Espersen, 2017", ("Andersen", "Espersen"), False, "2017", None)],
        ),
        (
            "(Andersen & Espersen, 2017; Hjære & Jørgensen, 2017 & Ibsen & Espersen, 2016)",
            [
                ("Andersen & Espersen, 2017", ("Andersen", "Espersen"), False, "2017", None),
                ("Hjære & Jørgensen, 2017", ("Hjære", "Jørgensen"), False, "2017", None),
                ("Ibsen & Espersen, 2016", ("Ibsen", "Espersen"), False, "2016", None),
            ],
        ),
        ("Hjære m.fl. (2018) viser", [("Hjære m.fl. (2018)", ("Hjære",), True, "2018", None)]),
        ("Ibsen og Levinsen (2019) finder", [("Ibsen og Levinsen (2019)", ("Ibsen", "Levinsen"), False, "2019", None)]),
        ("som KL (2020) anbefaler", [("KL (2020)", ("KL",), False, "2020", None)]),
        ("(se fx Ibsen, 2016)", [("Ibsen, 2016", ("Ibsen",), False, "2016", None)]),
        ("(jf. Socialstyrelsen, 2019)", [("Socialstyrelsen, 2019", ("Socialstyrelsen",), False, "2019", None)]),
        ("(La Cour, 2014a, s. 12-14)", [("La Cour, 2014a, s. 12-14", ("La Cour",), False, "2014a", "12-14")]),
        ("(Frederiksen, u.å.)", [("Frederiksen, u.å.", ("Frederiksen",), False, "u.å.", None)]),
        ("(Boje mfl., 2017b)", [("Boje mfl., 2017b", ("Boje",), True, "2017b", None)]),
        ("(Pestoff 2012: 1105)", [("Pestoff 2012: 1105", ("Pestoff",), False, "2012", "1105")]),
        ("(Ibsen 2019, 14-16)", [("Ibsen 2019, 14-16", ("Ibsen",), False, "2019", "14-16")]),
        ("(Transport-, Bygnings- og Boligministeriet, 2018)", [("Transport-, Bygnings- og Boligministeriet, 2018", ("Transport-, Bygnings- og Boligministeriet",), False, "2018", None)]),
        ("Thomsen 2017 har beskrevet", [("Thomsen 2017", ("Thomsen",), False, "2017", None)]),
        ("(Frivilligrådet, 2017a, s. 8; 2017b)", [("Frivilligrådet, 2017a, s. 8", ("Frivilligrådet",), False, "2017a", "8"), ("2017b", ("Frivilligrådet",), False, "2017b", None)]),
        ("som Boje og Holt (red.) (2021) samler", [("Boje og Holt (red.) (2021)", ("Boje", "Holt"), False, "2021", None)]),
        ("Ifølge De Vries (2019) er", [("De Vries (2019)", ("De Vries",), False, "2019", None)]),
        ("som Lund og la Cour (2019) viser", [("Lund og la Cour (2019)", ("Lund", "la Cour"), False, "2019", None)]),
        ("hvad de\nMøller og Krog (2019) kalder", [("Møller og Krog (2019)", ("Møller", "Krog"), False, "2019", None)]),
    ],
)
def test_citation_table(text, expected):
    found = [(c.text, c.authors, c.et_al, c.year, c.pages) for c in find_citations(text)]
    assert found == expected
    for c in find_citations(text):
        assert text[c.start : c.end] == c.text


@pytest.mark.parametrize(
    "text",
    [
        "Forskerne Ibsen og Levinsen har argumenteret for det.",
        "Projektet løber i perioden (2018-2020).",
        "Tilskud gives efter reglerne (§ 18).",
        "Se budgettet (bilag 2).",
        "Foreningen får et mindre beløb (kr. 2.000).",
        "Det følger af loven (jf. servicelovens § 18).",
        "Mødet blev holdt (14. marts 2019).",
    ],
)
def test_not_citations(text):
    assert find_citations(text) == []


def test_source_article_citations_and_references(source_article_text):
    cits, refs = extract_citations(source_article_text)
    assert len(cits) == 19
    assert len(refs) == 10
    for c in cits:
        assert source_article_text[c.start : c.end] == c.text
    unlinked = [c for c in cits if c.reference is None]
    assert [(c.authors, c.year, c.et_al) for c in unlinked] == [(("Espersen",), "2017", True)]
    assert refs[0].csl["author"][0] == {"family": "Andersen", "given": "Linda Lundgaard"}
    assert [r.year for r in refs] == ["2018", "2017", "2017", "2018", "2017", "2018", "2016", "2017", "2017", "2019"]


def test_reference_fields():
    item = parse_reference("Ibsen, Bjarne & Levinsen, Klaus (2019). Foreninger og frivillige. Odense: Syddansk Universitet.")
    assert item["title"] == "Foreninger og frivillige"
    assert item["publisher"] == "Syddansk Universitet" and item["publisher-place"] == "Odense"
    danish = parse_reference("Jensen, M. (2021). Kommunale puljer. Tidsskrift for Socialt Arbejde, årg. 12, nr. 3, s. 45-60.")
    assert (danish["type"], danish["volume"], danish["issue"], danish["page"]) == ("article-journal", "12", "3", "45-60")
    assert danish["author"] == [{"family": "Jensen", "given": "M."}]
    journal = parse_reference("Hansen, Mette (2020). Frivillige i velfærden. Tidsskrift for Arbejdsliv, 21(3), 45-60.")
    assert journal["type"] == "article-journal" and journal["volume"] == "21" and journal["issue"] == "3" and journal["page"] == "45-60"
    web = parse_reference("KL (2021). Frivillighed i kommunerne. https://www.kl.dk/frivillighed (hentet 12. marts 2023).")
    assert web["type"] == "webpage" and web["URL"].startswith("https://www.kl.dk") and web["accessed"] == {"date-parts": [[2023, 3, 12]]}
    assert web["author"] == [{"literal": "KL"}]


def test_reference_list_after_heading_only():
    text = "Indhold\nLitteratur ... side 9\n\nTekst (Ibsen, 2019).\n\nReferencer\n\nIbsen, B. (2019). Titel. Odense: SDU.\n\nSenest opdateret 10-10-2019"
    refs = find_references(text)
    assert len(refs) == 1 and refs[0].text == "Ibsen, B. (2019). Titel. Odense: SDU."


def test_linking_is_tolerant_of_ae_and_disambiguates_suffixes():
    text = "Se (Hjaere, 2017a) og (Hjære, 2017b).\n\nLitteratur\nHjære, Mette (2017a). En. Odense: CFSA.\nHjære, Mette (2017b). To. Odense: CFSA.\n"
    cits, _ = extract_citations(text)
    assert [c.reference for c in cits] == [0, 1]
    assert fold_name("Hjære") == fold_name("Hjaere")


@pytest.mark.parametrize(
    "cited,entries,target",
    [
        # an abbreviation read off the organisation's name
        ("(DST, 2022)", ["Danmarks Statistik (2022). Frivilligt arbejde. København: Danmarks Statistik.", "Dahl, Søren (2022). Noget andet. Aarhus: Klim."], 0),
        ("(KFST, 2021)", ["Konkurrence- og Forbrugerstyrelsen (2021): Markedsdialog. Valby: KFST."], 0),
        # the other name an entry gives in brackets
        ("(FriSe, 2020)", ["Frivilligcentre og Selvhjælp Danmark (FriSe) (2020). Frivilligcentrene. Vejle: FriSe."], 0),
        ("(Kommunernes Landsforening, 2020)", ["KL (Kommunernes Landsforening) (2020). Frivillighed. København: KL."], 0),
        ("(Landsbyggefonden, 2019)", ["Landsbyggefonden [LBF] (2019). Regulativ. København: LBF."], 0),
        # a particle before the name, and a genitive
        ("som von Hausens (2018) studie", ["Hausen, Friederike von (2018). Partnerschaften. Berlin: Springer."], 0),
        # m.fl. points to the work with several authors, one name to the single-author work
        ("(Nielsen m.fl., 2020)", ["Nielsen, J. (2020). Et. Odense: SDU.", "Nielsen, J., Storgaard, M. & Bæk, L. (2020). To. Odense: SDU."], 1),
        ("(Nielsen, 2020)", ["Nielsen, J., Storgaard, M. & Bæk, L. (2020). To. Odense: SDU.", "Nielsen, J. (2020). Et. Odense: SDU."], 1),
        # editors named in the citation point to the edited book, not the editor's chapter
        ("som Bech og Holt (red.) (2021) samler", ["Bech, Lene. 2021. \"Indledning.\" I Velfærdens former, redigeret af Lene Bech og Peter Holt, 1-20. Odense: SDU.", "Bech, Lene, og Peter Holt, red. 2021. Velfærdens former. Odense: Syddansk Universitetsforlag."], 1),
        # capital U.å. in the entry
        ("(Kulturhusene i Danmark, u.å.)", ["Kulturhusene i Danmark. U.å. \"Gode driftsaftaler.\" Hentet 2. november 2023."], 0),
        # an abbreviation that fits two entries of the year is left unlinked
        ("(DS, 2022)", ["Danmarks Statistik (2022). Tal. København: DST.", "Dansk Skoleidræt (2022). Idræt. Odense: DS."], None),
    ],
)
def test_linking_hard_cases(cited, entries, target):
    text = f"Tekst {cited} slutter.\n\nLitteratur\n" + "\n".join(entries) + "\n"
    cits, refs = extract_citations(text)
    assert len(refs) == len(entries) and len(cits) == 1
    assert cits[0].reference == target


def test_bibtex_export():
    bib = to_bibtex([parse_reference("Ibsen, Bjarne (2019). Foreninger. Odense: Syddansk Universitetsforlag.")])
    assert bib.startswith("@book{Ibsen2019,") and "address = {Odense}" in bib
    report = to_bibtex([parse_reference("Ibsen, Bjarne (2019). Foreninger. Serie: Movements, 2019:1. Odense: SDU.")])
    assert report.startswith("@techreport{Ibsen2019,") and "series = {Movements}" in report


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcæøå ABCÆØÅ()[];,&.:-0123456789\nsmfletalu")), max_size=400))
def test_extraction_never_raises_and_offsets_point_at_text(text):
    cits, refs = extract_citations(text)
    for c in cits:
        assert text[c.start : c.end] == c.text
    for r in refs:
        assert text[r.start : r.end] == r.text


def test_reference_lists_as_everyday_documents_write_them():
    text = (
        "Vi bygger på erfaringer (Lund m.fl., 2019; Ældre Sagen 2020) og (Konkurrence- og Forbrugerstyrelsen, 2021). "
        "Ibsen (2019) og Frivilligrådet (2020) peger samme vej, jf. Aarhus Kommune (2021).\n\n"
        "Kilder nævnt på dagen:\n"
        "1. Lund, R. m.fl. (2019). Ensomhed blandt ældre. København: VIVE.\n"
        "2. Ældre Sagen (2020). Besøgsvenner. København: Ældre Sagen\n"
        "Aarhus Kommune (2021): Medborgerskabspolitik – evaluering. Aarhus\n"
        "Konkurrence- og Forbrugerstyrelsen (2019). Udbud af rengøring. Valby: KFST.\n"
        "——— (2021). Offentlig-privat partnerskab. Valby: KFST.\n"
        'Ibsen, Bjarne: "Samskabelse – ny vin på gamle flasker?" Samfundsøkonomen, nr. 3, 2019, s. 22-28.\n'
        "Frivilligrådet: Frivillighed på egne præmisser. København, 2020.\n"
    )
    cits, refs = extract_citations(text)
    assert [r.text[:12] for r in refs] == ["Lund, R. m.f", "Ældre Sagen ", "Aarhus Kommu", "Konkurrence-", "——— (2021). ", "Ibsen, Bjarn", "Frivilligråd"]
    assert refs[4].csl["author"] == [{"literal": "Konkurrence- og Forbrugerstyrelsen"}]
    assert refs[5].csl["author"] == [{"family": "Ibsen", "given": "Bjarne"}] and refs[5].year == "2019"
    assert refs[5].csl["title"] == "Samskabelse – ny vin på gamle flasker?"
    assert refs[6].csl["author"] == [{"literal": "Frivilligrådet"}] and refs[6].year == "2020"
    assert {c.text: c.reference for c in cits} == {
        "Lund m.fl., 2019": 0, "Ældre Sagen 2020": 1, "Konkurrence- og Forbrugerstyrelsen, 2021": 4,
        "Ibsen (2019)": 5, "Frivilligrådet (2020)": 6, "Aarhus Kommune (2021)": 2,
    }


def test_laes_mere_heads_a_reference_list_only_with_entries():
    with_entries = "Det viser en undersøgelse (EVA 2020).\n\nLæs mere\nEVA (2020). Dagtilbud og lokalsamfund. København: EVA.\n"
    cits, refs = extract_citations(with_entries)
    assert len(refs) == 1 and cits[0].reference == 0
    links_only = "Foreningen holder åbent hus.\n\nLæs mere\nwww.foreningen.dk/aabent-hus\n"
    assert extract_citations(links_only) == ([], [])


def test_reference_list_ends_at_appendices_and_contact_lines():
    text = (
        "Som vist (Hansen, 2019).\n\nLitteratur\nHansen, A. (2019). Foreninger. Odense: SDU.\n"
        "Udbudsloven, lov nr. 1564 af 15. december 2015, afsnit III.\n"
        "Holstebro Kommune: Idrætspartnerskab Holstebro – aftaletekst. Lokaliseret d. 3. oktober 2023 på www.holstebro.dk/ip\n\n"
        "Bilag\n1. Samlede høringssvar\n2. Høringsnotat (2024)\n\nKontakt: projektleder Nadia Hansen, tlf. 22 61 40 93\n"
    )
    refs = find_references(text)
    assert [r.text[:20] for r in refs] == ["Hansen, A. (2019). F", "Udbudsloven, lov nr.", "Holstebro Kommune: I"]
    assert refs[1].csl["title"] == "Udbudsloven"
    assert refs[2].csl["author"] == [{"literal": "Holstebro Kommune"}] and refs[2].csl["title"] == "Idrætspartnerskab Holstebro – aftaletekst"


def test_a_place_before_a_colon_continues_the_entry():
    text = "Litteratur\nBoje, T. (2017a). Frivilligcentre i Danmark: Organisering og økonomi.\nOdense: Center for Frivilligt Socialt Arbejde.\n"
    refs = find_references(text)
    assert len(refs) == 1 and refs[0].csl["publisher-place"] == "Odense"


@pytest.mark.parametrize(
    "entry,title,publisher",
    [
        ('Hansen, Lis (2021). "Vi tæller ikke kopper kaffe" – dokumentation i frivillige foreninger. Odense: CFSA.', '"Vi tæller ikke kopper kaffe" – dokumentation i frivillige foreninger', "CFSA"),
        ("Agger, Annika og Tortzen, Anne: Forskningsreview om samskabelse. UCC og Roskilde Universitet, 2015.", "Forskningsreview om samskabelse", "UCC og Roskilde Universitet"),
    ],
)
def test_titles_and_publishers_in_everyday_styles(entry, title, publisher):
    item = parse_reference(entry)
    assert item["title"] == title and item["publisher"] == publisher


def test_genitive_name_noun_year_counts_only_with_its_entry():
    text = "Tortzens undersøgelse (2019) af fire kommuner viser det. Kommunens budget (2024) er vedtaget.\n\nLitteratur\nTortzen, A. (2019). Samskabelse. Roskilde: RUC.\n"
    cits, _ = extract_citations(text)
    assert [(c.text, c.authors, c.reference) for c in cits] == [("Tortzens undersøgelse (2019)", ("Tortzen",), 0)]
    assert find_citations(text.split("\n\n")[0]) == []  # without the list it is not claimed


def test_entry_broken_by_a_page_keeps_its_rest_and_drops_the_page():
    text = (
        "Tekst (Kramer, 1981; Lykkegaard, 2019a).\n\nLitteratur\n"
        "Kramer, R. M. (1981). Voluntary Agencies in the Welfare State. Berkeley: University of\n\n"
        "Kapitel 1 · Indledning                                        3\n"
        "California Press.\n"
        "Lykkegaard, S. (2019a). Foreningen og fællesskabet. Frederiksberg: Samfund-\n\n23\n\n"
        "Samskabelse mellem kommune og forening – kandidatspeciale\nslitteratur.\n"
    )
    cits, refs = extract_citations(text)
    assert len(refs) == 2 and [c.reference for c in cits] == [0, 1]
    assert refs[0].text.endswith("California Press.") and refs[1].text.endswith("slitteratur.")
    assert refs[0].csl["publisher"] == "University of California Press"
    assert refs[1].csl["publisher"] == "Samfundslitteratur" and refs[1].csl["title"] == "Foreningen og fællesskabet"


@pytest.mark.parametrize(
    "entry,title,publisher,kind",
    [
        ("Smith, S. R. & Lipsky, M. (1993). Nonprofits for Hire: The Welfare State in the Age of Contracting. Harvard University Press.",
         "Nonprofits for Hire: The Welfare State in the Age of Contracting", "Harvard University Press", "book"),
        ("Holm, A. (2021). Samskabelsens grænser: Foreninger og magt [Ph.d.-afhandling, Roskilde Universitet].",
         "Samskabelsens grænser: Foreninger og magt", "Roskilde Universitet", "thesis"),
        ("Ibsen, B. (2017). Kommunale institutioners samarbejde med foreninger (Movements 2017:1). Syddansk Universitet.",
         "Kommunale institutioners samarbejde med foreninger", "Syddansk Universitet", "report"),
    ],
)
def test_apa7_titles_and_publishers(entry, title, publisher, kind):
    item = parse_reference(entry)
    assert (item["title"], item.get("publisher"), item["type"]) == (title, publisher, kind)


def test_secondary_sources_and_og_between_works():
    found = [c.text for c in find_citations("(Putnam 1993, citeret i Wulff 2017: 12) og (se især Kramer, 1981 og Smith & Lipsky, 1993)")]
    assert found == ["Putnam 1993", "Wulff 2017: 12", "Kramer, 1981", "Smith & Lipsky, 1993"]
    assert [c.authors for c in find_citations("som Brandsen, van de Donk og Putters (2005) viser")] == [("Brandsen", "van de Donk", "Putters")]


def test_everyday_source_lists_end_where_the_text_goes_on():
    """A source list inside one agenda item: the next item is no entry; a running footer
    ("… Side 3 af 3") after a finished entry belongs to none."""
    text = (
        "Skolerne samarbejder med foreninger (Bjerregaard & Holst, 2021). Kommunernes Landsforening 2021, s. 8 "
        "peger på det samme, og det gør Danmarks Statistik (2023) også.\n\n"
        "Baggrundsmateriale\n"
        "• Bjerregaard, Mette & Holst, Niels (2021): Åben skole og foreningslivet. Odense: Syddansk Universitet.\n"
        "• KL (2021): Kommunernes samarbejde med civilsamfundet. København: KL.\n"
        "Ravnsø Kommune · Børn og Unge                                    Side 3 af 3\n"
        "• DST (2023): Frivilligt arbejde 2022. København.\n"
        "Fælles it-drift i mindre kommuner – en foranalyse, Rambøll 2016\n"
        "Digitaliseringsstyrelsen: Den fællesoffentlige rammearkitektur – introduktion. https://arkitektur.digst.dk\n"
        "Serviceloven § 18, LBK nr. 170 af 24/01/2022\n\n"
        "Indstilling: Forvaltningen indstiller, at ordningen videreføres uændret i det kommende skoleår.\n\n"
        "7. Udbud af rengøring på skoler og kulturinstitutioner\n"
        "Sagsfremstilling: Kontrakten udløber, og forvaltningen foreslår et nyt udbud.\n"
    )
    cits, refs = extract_citations(text)
    assert [r.text.split("(")[0].split(":")[0].strip() for r in refs] == [
        "Bjerregaard, Mette & Holst, Niels", "KL", "DST", "Fælles it-drift i mindre kommuner – en foranalyse, Rambøll 2016",
        "Digitaliseringsstyrelsen", "Serviceloven § 18, LBK nr. 170 af 24/01/2022",
    ]
    assert refs[3].csl["author"] == [{"literal": "Rambøll"}] and refs[3].csl["title"] == "Fælles it-drift i mindre kommuner – en foranalyse"
    assert "Side 3" not in refs[1].text
    # Full names cited, abbreviations listed: read off the initials, or a known abbreviation.
    by_author = {c.authors[0]: c.reference for c in cits}
    assert by_author == {"Bjerregaard": 0, "Kommunernes Landsforening": 1, "Danmarks Statistik": 2}


def test_report_lists_with_page_furniture_sub_headings_and_wrapped_names():
    """PDF text of a report: names wrapped over a line, page numbers, running headers and a
    sub-heading between finished entries, APA dates in the year bracket, "van der"."""
    text = (
        "Kattegat Analyse · Midtvejsevaluering af Familiebroen\n"
        "Samarbejdet er velbeskrevet i litteraturen, blandt andet af Indenrigs- og\n"
        "Boligministeriet (2021), og Det Kriminalpræventive Råd (2019) anbefaler det samme. Van der Meer\n"
        "og de Vries (2016) sammenligner seks lande, og Boligsocialnet (2022) samler erfaringerne.\n"
        "Fordele\n"
        "Pihl og Damsgaard (2019) viser, at det virker.\n\n"
        "Kildefortegnelse\n"
        "Boligsocialnet. (2022, 14. marts). Frivillige i de boligsociale indsatser. Hentet 3. maj 2023 fra https://www.boligsocialnet.dk/viden\n"
        "Det Kriminalpræventive Råd (2019). Lokale partnerskaber. København: DKR.\n"
        "Side 4\n"
        "Kattegat Analyse · Midtvejsevaluering af Familiebroen\n"
        "Indenrigs- og Boligministeriet (2021). Vejledning om grundfinansiering af\n"
        "frivilligcentre. København: Indenrigs- og Boligministeriet.\n"
        "Kommunale dokumenter\n"
        "Pihl, A. og Damsgaard, B. (2019). Frivillige på kontrakt. Odense: Syddansk Universitetsforlag.\n"
        "van der Meer, J., & de Vries, P. (2016). Volunteer centres and local government. Voluntary Sector Review, 7(3), 281–299.\n"
    )
    cits, refs = extract_citations(text)
    assert [r.text.split(" (")[0].split(".")[0] for r in refs] == [
        "Boligsocialnet", "Det Kriminalpræventive Råd", "Indenrigs- og Boligministeriet", "Pihl, A", "van der Meer, J"]
    assert not any("Side 4" in r.text or "Kattegat" in r.text or "Kommunale dokumenter" in r.text for r in refs)
    assert refs[0].csl["issued"] == {"date-parts": [[2022]]} and refs[0].csl["author"] == [{"literal": "Boligsocialnet"}]
    assert [(c.text, c.reference) for c in cits] == [
        ("Indenrigs- og\nBoligministeriet (2021)", 2), ("Det Kriminalpræventive Råd (2019)", 1),
        ("Van der Meer\nog de Vries (2016)", 4), ("Boligsocialnet (2022)", 0), ("Pihl og Damsgaard (2019)", 3),
    ]


def test_links_across_a_letter_a_missing_year_and_a_longer_organisation_name():
    text = (
        "Jensen (2019) viser det, Rambøll (2020) måler det (Digitaliseringsstyrelsen, u.å.), "
        "men Hansen (2018) er tvetydig.\n\n"
        "Litteratur\n"
        "Jensen, L. (2019a). Paragraf 18 under forandring. Aarhus: Forlaget Velfærd.\n"
        "Rambøll Management Consulting (2020). Evaluering af puljen. København: Rambøll.\n"
        "Digitaliseringsstyrelsen: Den fællesoffentlige rammearkitektur. https://arkitektur.digst.dk\n"
        "Hansen, P. (2018a). Første værk. Odense: SDU.\n"
        "Hansen, P. (2018b). Andet værk. Odense: SDU.\n"
    )
    cits, refs = extract_citations(text)
    assert [(c.text, c.reference) for c in cits] == [
        ("Jensen (2019)", 0), ("Rambøll (2020)", 1), ("Digitaliseringsstyrelsen, u.å.", 2), ("Hansen (2018)", None)]


def test_reprints_bracketed_abbreviations_and_entries_wrapped_after_editors():
    text = (
        "Markedet er indlejret (Polanyi 1944/2001, s. 12; Kommunernes Landsforening [KL], 2017), "
        "og Nørskov har fulgt det (Nørskov, 2019 & 2021).\n\n"
        "Litteratur\n"
        "Kommunernes Landsforening (2017). Frivillighed i kommunerne. København: KL.\n"
        "Nørskov, P. (2019). Første bog. Odense: SDU.\n"
        "Nørskov, P. (2021). Anden bog. Odense: SDU.\n"
        "Polanyi, K. (1944/2001) The Great Transformation. Boston: Beacon Press.\n"
        "Prewitt, Kenneth (2006): ”Foundations”, i Walter W. Powell & Richard Steinberg (red.): The\n"
        "Nonprofit Sector: A Research Handbook. New Haven: Yale University Press, s. 355-377.\n"
        "Østby, Rune (2019): Filantropiske partnerskaber i Norge.\n"
        "Oslo: Institutt for samfunnsforskning (Rapport, 2019:7).\n"
    )
    cits, refs = extract_citations(text)
    assert len(refs) == 6 and refs[4].text.endswith("s. 355-377.") and refs[5].text.endswith("2019:7).")
    assert refs[3].csl["issued"] == {"date-parts": [[2001]]} and refs[3].csl["original-date"] == {"date-parts": [[1944]]}
    assert [(c.text, c.authors, c.year, c.reference) for c in cits] == [
        ("Polanyi 1944/2001, s. 12", ("Polanyi",), "1944/2001", 3),
        ("Kommunernes Landsforening [KL], 2017", ("Kommunernes Landsforening",), "2017", 0),
        ("Nørskov, 2019", ("Nørskov",), "2019", 1), ("2021", ("Nørskov",), "2021", 2),
    ]


@pytest.mark.parametrize("heading", ["Kilder: ", "Udvalgt litteratur\n", "Noter og henvisninger\n", "Kildefortegnelse\n", "Baggrundsmateriale\n"])
def test_list_headings(heading):
    text = f"Som KL (2018) skriver.\n\n{heading}KL (2018): Frivillighed i kommunerne. København: KL.\nSocialstyrelsen (2019): Vejledning. Odense.\n"
    cits, refs = extract_citations(text)
    assert [r.text for r in refs] == ["KL (2018): Frivillighed i kommunerne. København: KL.", "Socialstyrelsen (2019): Vejledning. Odense."]
    assert [(c.text, c.reference) for c in cits] == [("KL (2018)", 0)]


def test_a_list_after_each_chapter():
    """Both chapter lists are found; the text between them is searched for citations,
    and nothing inside the first list's entries counts as one."""
    text = (
        "Indhold\n1. Indledning\n2. Frivilligcentre\nLitteratur\n\n"
        "1. Indledning\nFrivilligcentrene er vokset (Bøgh, 2019).\n\n"
        "Litteratur til kapitel 1\n"
        "Bøgh, M. (2019). Frivilligcentrene og kommunerne. I: Hansen, P. (red.) (2018), Civilsamfund. Odense: SDU.\n"
        "Hjære, M. (2017). Frivilligrapporten. København: CFSA.\n\n"
        "2. Frivilligcentre\nHjære (2017) viser det, og Lund (2020) giver et eksempel.\n\n"
        "Litteratur til kapitel 2\n"
        "Lund, A. (2020). Lokale partnerskaber. Aarhus: Klim.\n"
    )
    cits, refs = extract_citations(text)
    assert [r.text.split(" (")[0] for r in refs] == ["Bøgh, M.", "Hjære, M.", "Lund, A."]
    assert [(c.text, c.reference) for c in cits] == [("Bøgh, 2019", 0), ("Hjære (2017)", 1), ("Lund (2020)", 2)]


def test_links_of_the_hard_kinds():
    """Reprint notation, an edition before the pages, authors alone on the first line of an
    entry, a double surname cited by its last part, a known organisation whose name has
    "og" in it, and "de" before an abbreviation."""
    text = (
        "Koch (1945/1991) og Frederiksen (2015, 2. udg., s. 61) er klassikere (Frederiksen, 2015, 2. udg., s. 61). "
        "Clary et al. (1998) måler motiver, Larsen (2021) kritiserer, og FriSe (2021) samler erfaringer, "
        "som både de DI (2021) og Styrelsen for Arbejdsmarked og Rekruttering (2019) bruger.\n\n"
        "Litteraturliste\n"
        "Brink-Larsen, T. (2021). Socialøkonomiske virksomheder. Odense: SDU.\n"
        "Clary, E.G., Snyder, M., Ridge, R.D., Copeland, J. &\n"
        "  Miene, P. (1998). Understanding and assessing the motivations of volunteers. Journal of\n"
        "  Personality and Social Psychology, 74(6), 1516-1530.\n"
        "DI (2021). Virksomheder og foreninger. København: DI.\n"
        "Frederiksen, M. (2015). Frivillighed. 2. udg. København: Hans Reitzels Forlag.\n"
        "Frivilligcentre og Selvhjælp Danmark (2021). Frivilligrådenes håndbog. Odense.\n"
        "Koch, H. (1991 [1945]). Hvad er demokrati? København: Gyldendal.\n"
        "Styrelsen for Arbejdsmarked og Rekruttering (2019). Mentorstøtte. København: STAR.\n"
    )
    cits, refs = extract_citations(text)
    assert len(refs) == 7 and refs[1].text.startswith("Clary") and refs[1].text.endswith("1516-1530.")
    assert refs[5].csl["issued"] == {"date-parts": [[1991]]} and refs[5].csl["original-date"] == {"date-parts": [[1945]]}
    assert refs[4].csl["author"] == [{"literal": "Frivilligcentre og Selvhjælp Danmark"}]
    assert [(c.text, c.reference) for c in cits] == [
        ("Koch (1945/1991)", 5), ("Frederiksen (2015, 2. udg., s. 61)", 3), ("Frederiksen, 2015, 2. udg., s. 61", 3),
        ("Clary et al. (1998)", 1), ("Larsen (2021)", 0), ("FriSe (2021)", 4), ("DI (2021)", 2),
        ("Styrelsen for Arbejdsmarked og Rekruttering (2019)", 6),
    ]


def test_everyday_list_layouts():
    """A list under "Vi har brugt følgende kilder:" in the middle of the text (citations
    after it are found), hanging indentation, "Kapitel 9: Referencer", entries that give
    organisation and year last, and a date that ends no entry."""
    text = (
        "Bestyrelsen har set på andre klubber. Vi har brugt følgende kilder:\n\n"
        "- DGI (2022) Frivillige trænere – sådan holder I på dem.\n"
        "- Frivillighed i tal 2022, Danmarks Statistik, 2023\n"
        "- Fritidsrådet: Høringssvar om ny tilskudsmodel, 3. oktober 2023\n\n"
        "Det, der går igen, er, at frivillige bliver, når de føler sig værdsat og ikke står alene med opgaven "
        "(DGI 2022), og at klubberne vokser (DST 2023), som Fritidsrådets (2023) høringssvar også siger.\n"
    )
    cits, refs = extract_citations(text)
    assert [r.csl.get("author") for r in refs] == [[{"literal": "DGI"}], [{"literal": "Danmarks Statistik"}], [{"literal": "Fritidsrådet"}]]
    assert [r.year for r in refs] == ["2022", "2023", "2023"] and refs[1].csl["title"] == "Frivillighed i tal 2022"
    assert [(c.text, c.reference) for c in cits] == [("DGI 2022", 0), ("DST 2023", 1), ("Fritidsrådets (2023)", 2)]

    text = (
        "Som Agerskov (2021) viser.\n\nKapitel 9: Referencer\n\n"
        "Agerskov, L. (2021). Beboerdemokrati under pres: Boligsociale helhedsplaner\n"
        "    og kommunal styring. Ph.d.-afhandling, Københavns Universitet.\n"
        "Guldborgsund Kommune (2021). Partnerskabsaftale: Broen til job 2021-2025.\n"
        "    Nykøbing F.: Guldborgsund Kommune.\n\n"
        "Politikken er vedtaget af Byrådet den 23. april 2024.\n"
    )
    cits, refs = extract_citations(text)
    assert [r.text.split(" (")[0] for r in refs] == ["Agerskov, L.", "Guldborgsund Kommune"]
    assert refs[1].text.endswith("Guldborgsund Kommune.") and [(c.text, c.reference) for c in cits] == [("Agerskov (2021)", 0)]
