"""Every input type, and every bad input, on files the tests create."""
from __future__ import annotations

import pytest

from samspil import errors
from samspil.ingest import IngestLimits, decode_text, iter_files, read_bytes, read_document
from samspil.normalise import normalise_text
from samspil.testing import (
    make_blank_pdf,
    make_doc,
    make_docx,
    make_encrypted_pdf,
    make_html,
    make_msg,
    make_odt,
    make_pdf,
    make_rtf,
    make_zip_bomb,
)

TEXT = "Foreningen låner gymnastiksalen af kommunen, og børnene får ædru, sød saft."


@pytest.mark.parametrize(
    "encoding,prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("utf-16-le", b""), ("cp1252", b""), ("latin-1", b"")],
)
def test_text_encodings_come_out_right(tmp_path, encoding, prefix):
    p = tmp_path / "note.txt"
    p.write_bytes(prefix + TEXT.encode(encoding))
    doc = read_document(p)
    assert doc.text == TEXT
    assert "æ" in doc.text and "ø" in doc.text and "å" in doc.text


def test_cp1252_specific_characters(tmp_path):
    text = "Tilskud – 2.000 kr. til “Ældre Sagen” og ‘Æblehaven’"
    p = tmp_path / "windows.txt"
    p.write_bytes(text.encode("cp1252"))
    assert read_document(p).text == text


def test_markdown(tmp_path):
    p = tmp_path / "nyhed.md"
    p.write_text("# Overskrift\n\nFrivillige i *biblioteket*.\n", encoding="utf-8")
    doc = read_document(p)
    assert doc.source_type == "md" and "Frivillige i *biblioteket*." in doc.text


def test_html_main_text_without_script_style_navigation(tmp_path):
    p = tmp_path / "side.html"
    p.write_bytes(make_html("Tilskud til foreninger", ["Foreninger kan søge tilskud.", "Fristen er 1. marts."]))
    text = read_document(p).text
    assert "Foreninger kan søge tilskud." in text and "Fristen er 1. marts." in text
    assert "tracking" not in text and "font-family" not in text
    assert "Forside" not in text and "Cookiepolitik" not in text


def test_html_in_latin1_with_meta_charset(tmp_path):
    p = tmp_path / "gammel.htm"
    p.write_bytes('<html><head><meta charset="iso-8859-1"></head><body><p>Frivilligrådet mødes på Rådhuset.</p></body></html>'.encode("latin-1"))
    assert "Frivilligrådet mødes på Rådhuset." in read_document(p).text


def test_docx_paragraphs_and_tables(tmp_path):
    p = tmp_path / "aftale.docx"
    p.write_bytes(make_docx(["Samarbejdsaftale mellem kommunen og foreningen.", "§ 1. Formål."], [["År", "Tilskud"], ["2025", "40.000 kr."]]))
    text = read_document(p).text
    assert "Samarbejdsaftale mellem kommunen og foreningen." in text
    assert "År\tTilskud" in text and "2025\t40.000 kr." in text


def test_docx_written_by_word_library_reads_as_python_docx_reads_it(tmp_path):
    """samspil parses only word/document.xml; the text is what python-docx's whole
    Document gives: styled headings, runs, line breaks, tabs, a table with merged cells."""
    import docx

    d = docx.Document()
    d.add_heading("Referat af mødet i Frivilligrådet", level=1)
    para = d.add_paragraph("Rådet drøftede ")
    para.add_run("frivillighedspolitikken").bold = True
    para.add_run(" og partnerskabsaftalen.\tBilag 2")
    para.add_run().add_break()
    para.add_run("Næste møde: 3. marts.")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["Forening", "Tilskud", "Lokaler"], ["Idrætsforeningen", "40.000 kr.", "Hal 2"], ["Spejderne", "12.000 kr.", "Hal 2"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))
    d.add_paragraph("Beslutning: Godkendt.")
    p = tmp_path / "referat.docx"
    d.save(p)
    whole = docx.Document(p)
    expected = []
    for block in whole.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            expected.append(docx.text.paragraph.Paragraph(block, whole).text)
        elif tag == "tbl":
            rows = []
            for row in docx.table.Table(block, whole).rows:
                cells = []
                for cell in row.cells:
                    if not cells or cell.text != cells[-1]:
                        cells.append(cell.text)
                rows.append("\t".join(cells))
            expected.append("\n".join(rows))
    text = read_document(p).text
    assert text == normalise_text("\n\n".join(expected))  # paragraphs apart, a table's rows a line each
    assert "Referat af mødet i Frivilligrådet\n\nRådet drøftede" in text
    assert "Forening\tTilskud\tLokaler\nIdrætsforeningen\t40.000 kr.\tHal 2\n" in text


def test_paragraph_ends_of_word_documents_end_sentences(tmp_path):
    """A heading paragraph without a full stop is a sentence of its own, not read into the
    paragraph after it (as it would be from a single line break, which in PDF text is
    often a wrapped line); in .docx, .odt, .rtf and .doc alike."""
    from samspil.tokenise import make_danish

    heading = "Driftsoverenskomst mellem Holbæk Kommune og den selvejende institution Værestedet Havnen"
    body = "§ 1. Formål. Værestedet driver et dagtilbud på vegne af kommunen."
    (tmp_path / "a.docx").write_bytes(make_docx([heading, body]))
    (tmp_path / "a.odt").write_bytes(make_odt([body], heading=heading))
    (tmp_path / "a.rtf").write_bytes(make_rtf([heading, body]))
    (tmp_path / "a.doc").write_bytes(make_doc([heading, body]))
    nlp = make_danish()
    for name in ("a.docx", "a.odt", "a.rtf", "a.doc"):
        sentences = [s.text.strip() for s in nlp(read_document(tmp_path / name).text).sents]
        assert sentences[0] == heading and sentences[1].startswith("§ 1.")


def test_docx_without_body(tmp_path):
    import zipfile

    p = tmp_path / "tom.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    _raises(p, errors.CorruptFileError, "body")


def test_odt(tmp_path):
    p = tmp_path / "svar.odt"
    p.write_bytes(make_odt(["Frivilligrådet takker for høringen.", "Vi ønsker dialog."], heading="Høringssvar"))
    assert read_document(p).text == "Høringssvar\n\nFrivilligrådet takker for høringen.\n\nVi ønsker dialog."


def test_odt_table_rows_are_lines_of_one_block(tmp_path):
    p = tmp_path / "budget.odt"
    p.write_bytes(make_odt(["Tilskud fordelt på foreninger:"], table=[["Forening", "Tilskud"], ["Spejderne", "12.000 kr."], ["Idrætsforeningen", "40.000 kr."]]))
    assert read_document(p).text == "Tilskud fordelt på foreninger:\n\nForening\tTilskud\nSpejderne\t12.000 kr.\nIdrætsforeningen\t40.000 kr.\n\nSlut."


def test_rtf_with_danish_letters(tmp_path):
    p = tmp_path / "brev.rtf"
    p.write_bytes(make_rtf(["Kære forening,", "vi bevilger 5.000 kr. til jeres ældrecafé i Ærøskøbing."]))
    text = read_document(p).text
    assert "vi bevilger 5.000 kr. til jeres ældrecafé i Ærøskøbing." in text


def test_rtf_paragraphs_are_blocks_and_line_breaks_lines(tmp_path):
    r"""\par ends a paragraph (an empty line in the text), \line breaks a line within one,
    and \pard (paragraph defaults) is no paragraph end."""
    p = tmp_path / "brev.rtf"
    p.write_bytes(b"{\\rtf1\\ansi\\ansicpg1252\\pard Kulturforvaltningen\\line R\\'e5dhuset\\par\\pard Tak for ans\\'f8gningen.\\par}")
    assert read_document(p).text == "Kulturforvaltningen\nRådhuset\n\nTak for ansøgningen."


def test_word_97_doc_main_text_with_tables_fields_and_both_piece_encodings(tmp_path):
    """A Word 97-2003 .doc: cp1252 and UTF-16 pieces, table cells as tabs and rows as lines,
    a hyperlink field's shown text without its code, and nothing of the text Word keeps after
    the main text (headers, footnotes)."""
    p = tmp_path / "referat 2003.doc"
    p.write_bytes(make_doc(["Referat af mødet i Kultur- og Fritidsudvalget", TEXT,
                            "Forening\x07Tilskud\x07\x07Spejderne i Ærøskøbing\x072.000 kr.\x07\x07",
                            'Læs mere på \x13 HYPERLINK "https://aeroe.dk" \x14kommunens side\x15 – også om § 18.'],
                           unicode_from=3, after_text="Sidehoved: Ærø Kommune – fortroligt\r"))
    doc = read_document(p)
    assert doc.source_type == "doc"
    assert doc.text == ("Referat af mødet i Kultur- og Fritidsudvalget\n\n" + TEXT + "\n\n"
                        "Forening\tTilskud\nSpejderne i Ærøskøbing\t2.000 kr.\n\n"
                        "Læs mere på kommunens side – også om § 18.")


def test_doc_files_that_are_rtf_html_or_docx_inside_are_read_as_what_they_are(tmp_path):
    """Archives hold files saved "as .doc" that are RTF, HTML or Word 2007 inside."""
    (tmp_path / "rtf.doc").write_bytes(make_rtf(["Kære forening,", "vi bevilger 5.000 kr. til jeres ældrecafé."]))
    (tmp_path / "html.doc").write_bytes(make_html("Høringssvar", ["Frivilligrådet takker for høringen."]))
    (tmp_path / "docx.doc").write_bytes(make_docx(["Foreningen låner salen om tirsdagen."]))
    assert "ældrecafé" in read_document(tmp_path / "rtf.doc").text
    assert "Frivilligrådet takker" in read_document(tmp_path / "html.doc").text
    assert read_document(tmp_path / "docx.doc").text == "Foreningen låner salen om tirsdagen."


def test_bad_doc_files_give_clear_errors(tmp_path):
    encrypted = tmp_path / "kode.doc"
    encrypted.write_bytes(make_doc([TEXT], encrypted=True))
    _raises(encrypted, errors.EncryptedFileError, "password")
    word95 = make_doc([TEXT])
    at = word95.index(b"\xec\xa5\xc1\x00")  # the FIB's wIdent and nFib at the start of WordDocument
    old = tmp_path / "gammel.doc"
    old.write_bytes(word95[:at] + b"\xdc\xa5" + word95[at + 2 :])
    _raises(old, errors.UnsupportedTypeError, "word 95", "save it as .docx")
    truncated = tmp_path / "halv.doc"
    truncated.write_bytes(make_doc([TEXT])[:1500])
    _raises(truncated, errors.CorruptFileError, "ole container")
    junk = tmp_path / "junk.doc"
    junk.write_bytes(b"\x00\x01binary junk\xff" * 40)
    _raises(junk, errors.CorruptFileError, "d0 cf 11 e0")


def test_eml_mail_subject_and_body_quoted_printable_and_html(tmp_path):
    """An e-mail as saved from a mail program: the subject, then the text body (here
    quoted-printable in latin-1); a mail with only an HTML body is read as a web page;
    attachments are not read."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "kultur@aeroe.dk", "formand@spejder.dk", "Svar på ansøgning om lokaletilskud"
    msg.set_content("Kære Jens\n\nUdvalget har bevilget 4.000 kr. til jeres lokaler på Ærø.\n", charset="latin-1", cte="quoted-printable")
    msg.add_attachment(b"%PDF-1.4 bilag", maintype="application", subtype="pdf", filename="bilag.pdf")
    (tmp_path / "svar.eml").write_bytes(msg.as_bytes())
    doc = read_document(tmp_path / "svar.eml")
    assert doc.source_type == "eml"
    assert doc.text == "Svar på ansøgning om lokaletilskud\n\nKære Jens\n\nUdvalget har bevilget 4.000 kr. til jeres lokaler på Ærø."
    html = EmailMessage()
    html["Subject"] = "Dialogmøde"
    html.set_content("<html><body><p>Frivilligrådet inviterer til dialogmøde.</p><script>x()</script></body></html>", subtype="html")
    (tmp_path / "html.eml").write_bytes(html.as_bytes())
    assert read_document(tmp_path / "html.eml").text == "Dialogmøde\n\nFrivilligrådet inviterer til dialogmøde."
    (tmp_path / "tom.eml").write_bytes(b"Bare tekst uden brevhoved, ikke en mail.")
    _raises(tmp_path / "tom.eml", errors.CorruptFileError, "mail headers")


def test_outlook_msg_subject_and_body(tmp_path):
    """An Outlook .msg as a case system exports it: subject, then the plain-text body, or
    the HTML body when there is no plain one; a corrupt or empty item gives a clear error."""
    (tmp_path / "svar.msg").write_bytes(make_msg("SV: Lån af gymnastiksal", "Kære Birthe\r\n\r\nI kan låne salen på Ærø hver tirsdag fra kl. 17.\r\n"))
    doc = read_document(tmp_path / "svar.msg")
    assert doc.source_type == "msg"
    assert doc.text == "SV: Lån af gymnastiksal\n\nKære Birthe\n\nI kan låne salen på Ærø hver tirsdag fra kl. 17."
    (tmp_path / "html.msg").write_bytes(make_msg("Dialogmøde", html="<html><body><p>Frivilligrådet inviterer.</p></body></html>"))
    assert read_document(tmp_path / "html.msg").text == "Dialogmøde\n\nFrivilligrådet inviterer."
    (tmp_path / "tom.msg").write_bytes(make_msg(""))
    _raises(tmp_path / "tom.msg", errors.EmptyFileError, "without subject or body")
    (tmp_path / "halv.msg").write_bytes(make_msg("Emne", "Tekst")[:1200])
    _raises(tmp_path / "halv.msg", errors.CorruptFileError, "ole container")


def test_pdf_text_hyphenation_and_running_headers(tmp_path):
    pages = [
        ["Kommunen og foreningerne har et godt samar-\nbejde om lektiecaféen.", "Første side slutter her."],
        ["Anden side handler om tilskud til frivillige.", "Periode 2018-\n2020 er et spænd."],
        ["Tredje side: lokaler lånes gratis."],
    ]
    p = tmp_path / "rapport.pdf"
    p.write_bytes(make_pdf(pages, header="Aarhus Kommune - Frivillighedsrapport", footer="Side {page} af {pages}"))
    doc = read_document(p)
    assert doc.source_type == "pdf" and doc.n_pages == 3
    assert "samarbejde om lektiecaféen" in doc.text
    assert "2018-\n2020" in doc.text  # a number range is no hyphenated word
    assert "Frivillighedsrapport" not in doc.text
    assert "Side 2 af 3" not in doc.text
    assert "Tredje side: lokaler lånes gratis." in doc.text


def test_pdf_paragraphs_come_back_as_paragraphs(tmp_path):
    """Each line of a PDF ends in a line break; where the layout ends a paragraph (the
    spacing after it) the text has an empty line, so a heading or a one-line paragraph
    is not run into the next sentence."""
    body = ("Kommunen og Ældre Sagen har i tre år drevet besøgsvennetjenesten sammen, og "
            "erfaringerne er gode: 140 ældre har fået en fast besøgsven, og foreningen har "
            "rekrutteret 60 nye frivillige gennem kommunens kanaler.")
    pages = [["Samarbejdsaftale om besøgsvenner", "Parter: Middelfart Kommune og Ældre Sagen Middelfart", body, "Økonomi",
              "Kommunen yder et tilskud på 45.000 kr. om året."]]
    p = tmp_path / "aftale.pdf"
    p.write_bytes(make_pdf(pages, footer=None))
    paragraphs = read_document(p).text.split("\n\n")
    assert paragraphs[:2] == pages[0][:2] and paragraphs[3:] == pages[0][3:]
    assert paragraphs[2].replace("\n", " ") == body and "\n" in paragraphs[2]  # wrapped lines stay lines


def test_a_sentence_goes_on_across_a_page_break(tmp_path):
    """The gap between a page's last line and its footer is no paragraph end: with the
    footer and the next page's header gone, the sentence runs on after a line break."""
    text = " ".join(f"Sætning nummer {i} handler om frivillige i kommunen og foreningerne, som mødes hver uge." for i in range(60))
    p = tmp_path / "lang.pdf"
    p.write_bytes(make_pdf([[text]], header="Aarhus Kommune", footer="Side {page} af {pages}"))
    doc = read_document(p)
    assert doc.n_pages >= 2 and "\n\n" not in doc.text and "Side 1" not in doc.text
    assert doc.text.replace("\n", " ") == text


def test_paragraph_ends_from_line_geometry():
    """Without spacing, a line that stops short of the column's right margin by more than
    the next line's first word ends its paragraph when the next line starts as a new one
    would; a full line, a line the next continues in lower case, a hyphenated line and a
    line of another column do not."""
    from samspil.ingest import paragraph_ends

    lines = ["Sagsfremstilling", "Foreningen Lyngby Seniorer har søgt kommunen om et tilskud til",
             "Kulturnatten og til kørsel af ældre borgere til foreningens arrangementer",
             "i hele kommunen.", "Behandlet i udvalget.", "Beløbet er stort, og samar-",
             "Bejde kræver tid.", "Indrykket citat her", "Sidste linje"]
    left, right = 50.0, 500.0
    boxes = [(left, 150.0, 700.0), (left, 499.0, 686.0), (left, 497.0, 672.0), (left, 250.0, 658.0),
             (left, 200.0, 644.0), (left, 320.0, 630.0), (left, 180.0, 616.0), (90.0, 200.0, 602.0), (left, right, 588.0)]
    ends = paragraph_ends(lines, boxes)
    # heading; full line (the capital "Kulturnatten" continues); a short line before a capital;
    # a short line; hyphenated; short before a capital; an indented line (another left edge)
    assert ends == [True, False, False, True, True, False, True, False, False]
    # spacing: a drop of 1.5 line pitches ends a paragraph whatever the line's length
    spaced = [(left, right, 700.0), (left, right, 686.0), (left, right, 665.0), (left, right, 651.0)]
    assert paragraph_ends(["Et", "To", "Tre", "Fire"], spaced) == [False, True, False, False]
    assert paragraph_ends(["Et", "To"], spaced[:2]) == [False, False]  # too few lines to judge


def test_text_out_of_a_pdf_has_its_broken_words_joined(tmp_path):
    p = tmp_path / "referat.txt"
    p.write_bytes("Foreningen og kommunen har et godt samar-\r\nbejde om lektiecaféen.\r\n"
                  "Kultur- og Fritidsudvalget bevilgede for 2018-\r\n2020 et til-\r\nskud til Ældre-\r\nSagen.".encode("cp1252"))
    doc = read_document(p)
    assert doc.encoding == "cp1252"
    assert "et godt samarbejde om lektiecaféen." in doc.text
    assert "et tilskud til Ældre-\nSagen." in doc.text  # before a capital the hyphen stays
    assert "Kultur- og Fritidsudvalget" in doc.text and "2018-\n2020" in doc.text


def test_text_out_of_a_pdf_loses_its_page_furniture(tmp_path):
    """Plain text pulled out of a PDF carries its pages' marks and running headers between
    the pages (with or without pdftotext's form feeds); they go, and the sentence and the
    word that a page cut run on. Text without page marks is left as it is."""
    header = "Referat · Kultur- og Fritidsudvalget · 12. marts 2025"
    pages = [f"{header}\n1. Godkendelse af dagsorden\nGodkendt.\n2. Tilskud til foreningen Lyngby\nSeniorer, som har",
             f"{header}\nsøgt om et tilskud til samar-", f"{header}\nbejdet med kommunen.\nBevilget."]
    marked = "".join(f"{p}\nSide {k} af 3\n" for k, p in enumerate(pages, 1))
    fed = "\f".join(f"{p}\n- {k} -" for k, p in enumerate(pages, 1))
    for name, raw in (("marked.txt", marked), ("fed.txt", fed)):
        (tmp_path / name).write_bytes(raw.replace("\n", "\r\n").encode("cp1252"))
        text = read_document(tmp_path / name).text
        assert "Side" not in text and "- 2 -" not in text and "Fritidsudvalget" not in text, name
        assert "Seniorer, som har\nsøgt om et tilskud til samarbejdet med kommunen." in text, name
    plain = "Sagsfremstilling\nSide 2 i bilaget viser budgettet.\nReferat · Kultur- og Fritidsudvalget"
    (tmp_path / "plain.txt").write_text(plain, encoding="utf-8")
    assert read_document(tmp_path / "plain.txt").text == plain


def test_from_bytes_without_suffix_is_text():
    assert read_bytes(TEXT.encode("utf-8"), "-").text == TEXT


# ---------------------------------------------------------------- bad input


def _raises(path, cls, *words, limits=None):
    with pytest.raises(cls) as info:
        read_document(path, limits or IngestLimits())
    message = str(info.value)
    assert str(path) in message
    for w in words:
        assert w in message.lower()
    return message


def test_missing_file(tmp_path):
    _raises(tmp_path / "findes-ikke.pdf", errors.FileNotFound, "no such file")


@pytest.mark.parametrize("content", [b"", b"   \n\t  \n"])
def test_empty_file(tmp_path, content):
    p = tmp_path / "tom.txt"
    p.write_bytes(content)
    _raises(p, errors.EmptyFileError, "empty")


def test_binary_file_named_txt(tmp_path):
    p = tmp_path / "billede.txt"
    p.write_bytes(bytes(range(256)) * 40)
    _raises(p, errors.BinaryFileError, "binary")


def test_binary_file_with_many_nul_bytes_named_txt(tmp_path):
    """A third NUL bytes looks like UTF-16 without a byte-order mark; decoded, it is
    control characters, so binary (it was once classified as Vietnamese text)."""
    p = tmp_path / "data.txt"
    p.write_bytes(b"\x00\x01\x02" * 500)
    _raises(p, errors.BinaryFileError, "binary")


def test_text_longer_than_the_limit(tmp_path):
    p = tmp_path / "kommuneplan.txt"
    p.write_text("Kommunen og foreningerne samarbejder om hallen. " * 50, encoding="utf-8")
    _raises(p, errors.TextTooLongError, "2,399 characters, limit 1,000", "--max-chars", limits=IngestLimits(max_chars=1_000))
    assert len(read_document(p, IngestLimits(max_chars=5_000)).text) == 2_399


def test_unsupported_type(tmp_path):
    p = tmp_path / "program.exe"
    p.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" * 100)
    _raises(p, errors.UnsupportedTypeError, "unsupported")


def test_documents_samspil_does_not_read_are_named_with_advice_and_found_in_folders(tmp_path):
    """A spreadsheet or a WordPerfect file in an archive is a document the user would miss: it
    gives an error that says how to convert it, and a folder walk yields it; a picture
    is passed over."""
    for name, data in (("budget.xlsx", b"PK\x03\x04 a spreadsheet"), ("noter.wpd", b"\xffWPC WordPerfect")):
        (tmp_path / name).write_bytes(data)
        _raises(tmp_path / name, errors.UnsupportedTypeError, "convert it to pdf", "soffice")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert [p.rsplit("/", 1)[1] for p in iter_files([tmp_path])] == ["budget.xlsx", "noter.wpd"]


def test_larger_than_limit(tmp_path):
    p = tmp_path / "stor.txt"
    p.write_text("frivillig " * 2000, encoding="utf-8")
    _raises(p, errors.FileTooLargeError, "limit", limits=IngestLimits(max_bytes=1000))


def test_corrupt_pdf(tmp_path):
    p = tmp_path / "itu.pdf"
    p.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 200)
    _raises(p, errors.CorruptFileError, "corrupt")


def test_pdf_that_is_not_a_pdf(tmp_path):
    p = tmp_path / "forkert.pdf"
    p.write_text("Det her er bare tekst", encoding="utf-8")
    _raises(p, errors.CorruptFileError, "%pdf")


def test_encrypted_pdf(tmp_path):
    p = tmp_path / "hemmelig.pdf"
    p.write_bytes(make_encrypted_pdf("Fortroligt referat fra mødet."))
    _raises(p, errors.EncryptedFileError, "encrypted")


def test_scanned_pdf_without_text_layer(tmp_path):
    p = tmp_path / "scannet.pdf"
    p.write_bytes(make_blank_pdf(2))
    _raises(p, errors.NoTextLayerError, "no text layer")


def test_too_many_pdf_pages(tmp_path):
    p = tmp_path / "lang.pdf"
    p.write_bytes(make_pdf([["Side med tekst om frivillige."]] * 3))
    with pytest.raises(errors.FileTooLargeError):
        read_document(p, IngestLimits(max_pdf_pages=2))


def test_corrupt_docx(tmp_path):
    p = tmp_path / "itu.docx"
    p.write_bytes(b"PK\x03\x04 this is not a real zip" * 10)
    _raises(p, errors.CorruptFileError, "corrupt")


def test_encrypted_docx(tmp_path):
    p = tmp_path / "kode.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    _raises(p, errors.EncryptedFileError, "encrypted")


def test_zip_bomb_docx(tmp_path):
    p = tmp_path / "bombe.docx"
    p.write_bytes(make_zip_bomb(250_000_000))
    _raises(p, errors.ArchiveBombError, "zip bomb")


def test_every_error_is_an_ingest_error():
    for cls in (errors.FileNotFound, errors.EmptyFileError, errors.BinaryFileError, errors.CorruptFileError, errors.EncryptedFileError,
                errors.FileTooLargeError, errors.ArchiveBombError, errors.NoTextLayerError, errors.UnsupportedTypeError):
        assert issubclass(cls, errors.IngestError)


def test_decode_reports_encoding():
    assert decode_text("æøå".encode("cp1252"))[1] == "cp1252"
    assert decode_text("æøå".encode())[1] == "utf-8"


def test_iter_files_recurses_sorted_and_survives_symlink_loops(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "x.txt").write_text("x")
    (tmp_path / "a" / "y.pdf").write_bytes(b"%PDF")
    (tmp_path / "a" / "ignored.jpg").write_bytes(b"\xff")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    files = list(iter_files([tmp_path]))
    assert [f.replace(str(tmp_path), "") for f in files] == ["/a/y.pdf", "/b/x.txt"]
