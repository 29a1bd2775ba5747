"""Make documents in every supported format, for tests, examples and benchmarks.

Writing PDFs needs fpdf2 (in the ``dev`` extra); the other formats need only the
core dependencies.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    """A .docx with the paragraphs and, after them, an optional table."""
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_odt(paragraphs: list[str], heading: str | None = None, table: list[list[str]] | None = None) -> bytes:
    """A minimal valid OpenDocument text file (a table after the paragraphs, its first
    row a header row, then one more paragraph)."""
    body = ""
    if heading:
        body += f'<text:h text:outline-level="1">{escape(heading)}</text:h>'
    body += "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    if table:
        def row(cells: list[str]) -> str:
            return "<table:table-row>" + "".join(f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>" for c in cells) + "</table:table-row>"

        body += (f"<table:table><table:table-header-rows>{row(table[0])}</table:table-header-rows>"
                 + "".join(row(r) for r in table[1:]) + "</table:table><text:p>Slut.</text:p>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def make_rtf(paragraphs: list[str]) -> bytes:
    """An RTF file (cp1252, non-ASCII letters as \\'xx escapes)."""

    def enc(s: str) -> str:
        out = []
        for ch in s:
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ord(ch) < 128:
                out.append(ch)
            else:
                try:
                    out.append(f"\\'{ch.encode('cp1252')[0]:02x}")
                except UnicodeEncodeError:
                    out.append(f"\\u{ord(ch)}?")
        return "".join(out)

    body = "".join(f"{enc(p)}\\par\n" for p in paragraphs)
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n\\f0\\fs24 " + body + "}").encode("ascii")


def make_doc(paragraphs: list[str], *, unicode_from: int | None = None, after_text: str = "", encrypted: bool = False) -> bytes:
    """A Word 97-2003 .doc: an OLE compound file (written here, sectors of 512 bytes, no
    mini stream) with a WordDocument stream and a 1Table stream, as Word lays them out.

    The paragraphs are stored as 8-bit cp1252 text, from paragraph ``unicode_from`` on as a
    second piece in UTF-16 (Word stores text that cp1252 cannot hold so); ``after_text``
    is stored after the main text, where Word keeps headers and footnotes. Paragraphs may
    contain Word's marks: "\\x07" ends a table cell, "\\x13 code \\x14 result \\x15" is a field.
    """
    import struct

    split = len(paragraphs) if unicode_from is None else unicode_from
    first = "".join(p + "\r" for p in paragraphs[:split])
    second = "".join(p + "\r" for p in paragraphs[split:])
    ccp_text = len(first) + len(second)
    fib_size, text_at = 1024, 1024
    first_bytes = first.encode("cp1252")
    second_at = text_at + len(first_bytes) + (len(first_bytes) % 2)
    second_bytes = (second + after_text).encode("utf-16-le")
    word = bytearray(max(second_at + len(second_bytes), 4096))
    word[text_at : text_at + len(first_bytes)] = first_bytes
    word[second_at : second_at + len(second_bytes)] = second_bytes
    # File Information Block: FibBase, 14 words, 22 longs (ccpText the fourth), 93 fc/lcb pairs
    struct.pack_into("<HHHHH", word, 0, 0xA5EC, 0x00C1, 0, 0x0406, 0)
    struct.pack_into("<H", word, 0x0A, 0x0200 | (0x0100 if encrypted else 0))  # fWhichTblStm: 1Table
    struct.pack_into("<H", word, 32, 14)
    struct.pack_into("<H", word, 62, 22)
    struct.pack_into("<II", word, 64, len(word), 0)
    struct.pack_into("<I", word, 64 + 12, ccp_text)
    struct.pack_into("<H", word, 152, 93)
    assert 154 + 93 * 8 + 2 <= fib_size
    cps = [0, len(first)] + ([ccp_text + len(after_text)] if second or after_text else [])
    pieces = [((text_at * 2) | 0x40000000)] + ([second_at] if len(cps) == 3 else [])
    plc = struct.pack(f"<{len(cps)}I", *cps) + b"".join(struct.pack("<HIH", 0, fc, 0) for fc in pieces)
    clx = b"\x01" + struct.pack("<H", 3) + b"abc" + b"\x02" + struct.pack("<I", len(plc)) + plc  # a Prc, then the Pcdt
    table = bytearray(4096)
    table[512 : 512 + len(clx)] = clx
    struct.pack_into("<II", word, 154 + 33 * 8, 512, len(clx))
    return _ole_file({"WordDocument": bytes(word), "1Table": bytes(table)})


def make_msg(subject: str, body: str = "", html: str = "") -> bytes:
    """An Outlook .msg with a subject and a plain-text or an HTML body, as property
    streams in UTF-16 (the strings padded with NULs to the 4,096 bytes of a regular
    stream, as :func:`_ole_file` writes no mini stream)."""
    streams = {"__substg1.0_0037001F": subject.encode("utf-16-le")}
    if body:
        streams["__substg1.0_1000001F"] = body.encode("utf-16-le")
    if html:
        streams["__substg1.0_10130102"] = html.encode("utf-8")
    return _ole_file({k: v.ljust(4096, b"\0") for k, v in streams.items()})


def _ole_file(streams: dict[str, bytes]) -> bytes:
    """A compound file (MS-CFB, version 3) holding ``streams`` of 4,096 bytes or more each."""
    import struct

    end, free, fat_mark, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    sectors: list[bytes] = []
    chains: list[tuple[int, int]] = []  # (first sector, count) per stream
    for data in streams.values():
        assert len(data) >= 4096, "streams under 4,096 bytes would belong in the mini stream"
        padded = data + b"\0" * (-len(data) % 512)
        chains.append((len(sectors), len(padded) // 512))
        sectors += [padded[i : i + 512] for i in range(0, len(padded), 512)]

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, left, right, child) + b"\0" * 36
                + struct.pack("<IQ", start, size))

    names = list(streams)
    # the directory's tree: the root's child is the first stream, the others its right siblings
    directory = entry("Root Entry", 5, none, none, 1, end, 0)
    for k, name in enumerate(names):
        right = k + 2 if k + 1 < len(names) else none
        directory += entry(name, 2, none, right, none, chains[k][0], len(streams[name]))
    directory = directory.ljust(-(-len(directory) // 512) * 512, b"\0")
    dir_start = len(sectors)
    sectors += [directory[i : i + 512] for i in range(0, len(directory), 512)]
    n_fat = 1
    while len(sectors) + n_fat > n_fat * 128:
        n_fat += 1
    fat = [free] * (n_fat * 128)
    for first, count in chains + [(dir_start, len(directory) // 512)]:
        for i in range(first, first + count):
            fat[i] = i + 1 if i + 1 < first + count else end
    fat_start = len(sectors)
    for i in range(fat_start, fat_start + n_fat):
        fat[i] = fat_mark
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors += [fat_bytes[i : i + 512] for i in range(0, len(fat_bytes), 512)]
    difat = [fat_start + i for i in range(n_fat)] + [free] * (109 - n_fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, 4096, end, 0, end, 0) + struct.pack("<109I", *difat))
    return header + b"".join(sectors)


def make_html(title: str, paragraphs: list[str]) -> bytes:
    """An HTML page with navigation, a script and a footer around the main text."""
    ps = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'><title>" + escape(title) + "</title>"
        "<style>body{font-family:sans-serif}</style><script>var tracking = 'ikke tekst';</script></head><body>"
        "<nav><a href='/'>Forside</a> | <a href='/borger'>Borger</a> | <a href='/kontakt'>Kontakt</a></nav>"
        f"<main><h1>{escape(title)}</h1>{ps}</main>"
        "<footer>Cookiepolitik · Tilgængelighedserklæring</footer></body></html>"
    ).encode("utf-8")


def _latin1(text: str) -> str:
    return text.replace("–", "-").replace("—", "-").replace("’", "'").replace("»", '"').replace("«", '"').replace("…", "...")


def _unicode_font() -> str | None:
    """DejaVu Sans as shipped with matplotlib (a core dependency), for text beyond latin-1."""
    try:
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        return str(path) if path.is_file() else None
    except ImportError:
        return None


def make_pdf(pages: list[list[str]], header: str | None = None, footer: str | None = "Side {page}") -> bytes:
    """A PDF with one page per list of paragraphs and a running header and footer.

    Long pages flow onto further pages, each with the header and footer.
    """
    from fpdf import FPDF

    font_file = _unicode_font()
    pdf = FPDF(format="A4")
    family = "Helvetica"
    if font_file:
        pdf.add_font("DejaVu", fname=font_file)
        family = "DejaVu"
    clean = (lambda t: t) if font_file else (lambda t: _latin1(t).encode("latin-1", "replace").decode("latin-1"))
    page_no = [0]

    def furniture() -> None:
        page_no[0] += 1
        pdf.set_auto_page_break(False)
        pdf.set_font(family, size=9)
        if header:
            pdf.set_xy(15, 10)
            pdf.cell(0, 5, clean(header))
        if footer:
            pdf.set_xy(15, 285)
            pdf.cell(0, 5, clean(footer.format(page=page_no[0], pages=len(pages))))
        pdf.set_font(family, size=11)
        pdf.set_xy(15, 25)
        pdf.set_auto_page_break(True, margin=20)

    pdf.set_auto_page_break(True, margin=20)
    pdf.header = furniture  # type: ignore[method-assign]
    for paragraphs in pages:
        pdf.add_page()
        for p in paragraphs:
            pdf.multi_cell(180, 6, clean(p))
            pdf.ln(3)
    return bytes(pdf.output())


def corpus_pdf(text: str, header: str | None = None, per_page: int = 25) -> bytes:
    """A corpus text as a PDF: each non-empty line a paragraph, ``per_page`` paragraphs a
    page (long ones flow on), spacing after each paragraph, a running header and a
    "Side n af m" footer. Read back, its text has the PDF's wrapped lines, and samspil's
    reader puts an empty line where the spacing ends a paragraph."""
    import logging

    logging.getLogger("fpdf").setLevel(logging.ERROR)  # glyphs the font lacks (emoji) are left out silently
    paras = [p for p in text.split("\n") if p.strip()]
    pages = [paras[i : i + per_page] for i in range(0, len(paras), per_page)] or [[text]]
    return make_pdf(pages, header=header, footer="Side {page} af {pages}")


def pdf_text_dump(data: bytes) -> str:
    """The text of a PDF's pages one after the other, as a simple tool pulls it out:
    pdfium's lines, headers, footers and page numbers left in, no form feeds."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_bounded().replace("\x02", "-") for i in range(len(pdf)))
    finally:
        pdf.close()


def make_blank_pdf(n_pages: int = 1) -> bytes:
    """A PDF whose pages carry no text (like a scan without OCR)."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(n_pages):
        pdf.add_page()
        pdf.rect(20, 20, 100, 100)
    return bytes(pdf.output())


def make_encrypted_pdf(text: str, password: str = "hemmelig") -> bytes:
    """A password-protected PDF (needs pypdf)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(make_pdf([[text]])))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def make_zip_bomb(unpacked_bytes: int = 300_000_000) -> bytes:
    """A .docx-shaped zip whose one member expands to ``unpacked_bytes`` of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(unpacked_bytes // len(chunk)):
                member.write(chunk)
    return buf.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_tiny_bert(texts: list[str], path: Path, vocab_size: int = 800, hidden: int = 32) -> Path:
    """A tiny BERT built from scratch: a WordPiece tokenizer trained on ``texts`` and a
    two-layer ``BertConfig``, saved where ``from_pretrained`` finds it. Needs the
    ``transformer`` extra; nothing is downloaded."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=special))
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]", model_max_length=512)
    path.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(path)
    config = BertConfig(vocab_size=tok.get_vocab_size(), hidden_size=hidden, num_hidden_layers=2, num_attention_heads=2, intermediate_size=hidden * 2, max_position_embeddings=512)
    BertModel(config).save_pretrained(path, safe_serialization=True)
    return path
