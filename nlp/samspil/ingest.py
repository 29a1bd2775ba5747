"""Ingest: files in many formats → :class:`~samspil.records.Document`.

Every failure raises an :class:`~samspil.errors.IngestError` subclass whose
message names the file and the cause. Readers work on bytes, so that files,
standard input and zip members share one path.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import struct
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import errors
from .normalise import BULLETS, clean_pdf_pages, clean_plain_text, normalise_text
from .records import Document

SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".docx", ".doc", ".odt", ".rtf", ".pdf", ".eml", ".msg")
#: Documents samspil does not read: spreadsheets, slides, mail, other word processors,
#: scanned images. Under a folder they are not passed over like pictures and programs:
#: each gives an error row that says how to convert it.
UNREAD_SUFFIXES: tuple[str, ...] = (".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp", ".wpd", ".wps", ".pages", ".tif", ".tiff")
#: The files a folder walk takes: those samspil reads and those it names in an error.
DOCUMENT_SUFFIXES: tuple[str, ...] = SUFFIXES + UNREAD_SUFFIXES


@dataclass(frozen=True, slots=True)
class IngestLimits:
    """Limits against hostile or accidental input. All sizes in bytes."""

    max_bytes: int = 50_000_000
    max_pdf_pages: int = 2_000
    max_unpacked_bytes: int = 200_000_000
    max_ratio: float = 200.0
    max_chars: int = 3_000_000  # characters of extracted text (about 450,000 words)

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_pdf_pages", "max_unpacked_bytes", "max_chars"):
            if getattr(self, name) <= 0:
                raise ValueError(f"IngestLimits.{name} must be positive, got {getattr(self, name)}")
        if self.max_ratio <= 1:
            raise ValueError(f"IngestLimits.max_ratio must be above 1, got {self.max_ratio}")


DEFAULT_LIMITS = IngestLimits()


def read_document(path: str | os.PathLike[str], limits: IngestLimits = DEFAULT_LIMITS) -> Document:
    """Read one file and return its text.

    Args:
        path: a .txt, .md, .html, .htm, .docx, .doc, .odt, .rtf, .pdf, .eml or .msg file.
        limits: size limits; a file over them raises instead of being read.

    Raises:
        IngestError: a subclass naming the file and the cause.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> _ = p.write_bytes("Foreningen låner salen.".encode("cp1252"))
    >>> read_document(p).text
    'Foreningen låner salen.'
    """
    p = Path(path)
    name = str(path)
    if not p.is_file():
        raise errors.FileNotFound(name)
    size = p.stat().st_size
    if size > limits.max_bytes:
        raise errors.FileTooLargeError(name, f"{size:,} bytes, limit {limits.max_bytes:,}")
    return read_bytes(p.read_bytes(), name, limits)


def read_bytes(data: bytes, name: str, limits: IngestLimits = DEFAULT_LIMITS) -> Document:
    """Read a document from bytes; ``name`` gives its type by suffix and is used in errors.

    A name without a known suffix is read as plain text.
    """
    if len(data) > limits.max_bytes:
        raise errors.FileTooLargeError(name, f"{len(data):,} bytes, limit {limits.max_bytes:,}")
    if not data.strip():
        raise errors.EmptyFileError(name)
    suffix = Path(name).suffix.lower()
    if suffix in UNREAD_SUFFIXES:
        raise errors.UnsupportedTypeError(name, f"samspil does not read {suffix} files; convert it to PDF, .docx or .txt first "
                                                "(LibreOffice: soffice --headless --convert-to pdf FILE; a scanned image needs OCR)")
    reader = _READERS.get(suffix)
    if reader is None:
        if suffix and _looks_binary(data):
            raise errors.UnsupportedTypeError(name, f"suffix {suffix!r}")
        reader = _read_text
    doc = reader(data, name, limits)
    if not doc.text.strip():
        raise errors.EmptyFileError(name, "no text after extraction")
    check_length(doc.text, name, limits)
    return doc


def check_length(text: str, name: str, limits: IngestLimits = DEFAULT_LIMITS) -> None:
    """Raise :class:`~samspil.errors.TextTooLongError` for a text over ``limits.max_chars``."""
    if len(text) > limits.max_chars:
        raise errors.TextTooLongError(name, f"{len(text):,} characters, limit {limits.max_chars:,}")


# ---------------------------------------------------------------- plain text

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode text bytes, detecting the encoding; returns ``(text, encoding)``.

    Order: a byte-order mark; UTF-16 without one (NUL bytes in every other
    position); strict UTF-8; cp1252, which covers latin-1's letters and is what
    Danish Windows archives hold; and charset-normalizer for the rest.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise errors.CorruptFileError(name, f"invalid {encoding}: {exc.reason}") from None
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = None
        if text is not None and not _mostly_control(text):  # binary bytes decode too
            return text, encoding
    if _looks_binary(data):
        raise errors.BinaryFileError(name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise errors.BinaryFileError(name, "no text encoding fits") from None
        return str(best), best.encoding
    return text, "cp1252"


#: Bytes that are not control characters (tab, line feed, form feed and carriage
#: return count as text): deleting them leaves the control characters to count.
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13))


def _mostly_control(text: str) -> bool:
    """Whether over 5 % of the first 4,096 characters are control characters (as
    :func:`_looks_binary` counts them in bytes)."""
    sample = text[:4096]
    control = sum(1 for ch in sample if ch < " " and ch not in "\t\n\f\r")
    return bool(sample) and control / len(sample) > 0.05


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = len(sample.translate(None, _NOT_CONTROL))
    return control / len(sample) > 0.05


def _read_text(data: bytes, name: str, limits: IngestLimits) -> Document:
    text, encoding = decode_text(data, name)
    source = "md" if name.lower().endswith(".md") else "txt"
    # Plain text is often what someone copied or exported out of a PDF, with page marks
    # and running headers between its pages and words broken across line ends
    # ("samar-\nbejde"); they go, and the words are joined, as for PDFs.
    return Document(path=name, text=clean_plain_text(text), source_type=source, encoding=encoding)


# ---------------------------------------------------------------- HTML

_HTML_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg", "iframe")
_HTML_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section", "article", "table", "dd", "dt", "blockquote", "pre")


def _read_html(data: bytes, name: str, limits: IngestLimits) -> Document:
    from bs4 import BeautifulSoup

    if _looks_binary(data):
        raise errors.BinaryFileError(name)
    soup = BeautifulSoup(data, "lxml")
    for tag in soup(list(_HTML_DROP)):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo"]}):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = root.get_text()
    encoding = getattr(soup, "original_encoding", None)
    return Document(path=name, text=normalise_text(text), source_type="html", encoding=encoding)


def _read_eml(data: bytes, name: str, limits: IngestLimits) -> Document:
    """An e-mail saved as .eml (RFC 5322, read with the standard library's parser): its
    subject as the first paragraph, then its text body, or its HTML body read as a web
    page. Attachments are not read."""
    import email
    from email import policy

    if _looks_binary(data):
        raise errors.BinaryFileError(name)
    msg = email.message_from_bytes(data, policy=policy.default)
    if not msg.keys():
        raise errors.CorruptFileError(name, "an .eml file starts with mail headers (From:, To:, Subject:)")
    body = msg.get_body(preferencelist=("plain", "html"))
    try:
        content = body.get_content() if body is not None else ""
    except (LookupError, ValueError) as exc:  # an unknown charset or a broken transfer encoding
        raise errors.CorruptFileError(name, f"the mail's body cannot be decoded: {exc}") from None
    if body is not None and body.get_content_type() == "text/html":
        content = _read_html(content.encode("utf-8"), name, limits).text
    subject = str(msg.get("subject", "") or "").strip()
    return Document(path=name, text=normalise_text(join_blocks([b for b in (subject, content.strip()) if b])), source_type="eml")


# ---------------------------------------------------------------- zipped XML (docx, odt)


def check_zip(zf: zipfile.ZipFile, name: str, packed_size: int, limits: IngestLimits) -> None:
    """Refuse zip archives that expand past the limits (zip bombs)."""
    unpacked = sum(info.file_size for info in zf.infolist())
    if unpacked > limits.max_unpacked_bytes:
        raise errors.ArchiveBombError(name, f"{unpacked:,} bytes unpacked, limit {limits.max_unpacked_bytes:,}")
    ratio = unpacked / max(packed_size, 1)
    if ratio > limits.max_ratio and unpacked > 1_000_000:
        raise errors.ArchiveBombError(name, f"expands {ratio:.0f} times, limit {limits.max_ratio:.0f}")


def _open_zip(data: bytes, name: str, limits: IngestLimits, kind: str) -> zipfile.ZipFile:
    if data[:2] == b"\xd0\xcf":
        # An OLE2 container under a .docx name: that is how Word saves encrypted files.
        raise errors.EncryptedFileError(name, f"an encrypted {kind} is an OLE container, not a zip")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise errors.CorruptFileError(name, f"not a valid {kind} zip package: {exc}") from None
    check_zip(zf, name, len(data), limits)
    return zf


class _NoPart:
    """The parent python-docx's paragraphs and tables are given: reading their text
    never asks it for the package part (styles, numbering, images)."""

    part = None


def _read_docx(data: bytes, name: str, limits: IngestLimits) -> Document:
    """Paragraphs and table rows of the main document part, in order.

    Only word/document.xml is parsed (python-docx's own element classes and text
    rules); ``docx.Document`` would load and parse every part of the package, styles,
    theme, settings, fonts, which took nine tenths of the time.
    """
    from docx.oxml.parser import parse_xml
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    zf = _open_zip(data, name, limits, "Word document")
    if "word/document.xml" not in zf.namelist():
        raise errors.CorruptFileError(name, "no word/document.xml inside")
    try:
        body = parse_xml(zf.read("word/document.xml")).body
    except Exception as exc:  # broken XML, or a root that is no w:document
        raise errors.CorruptFileError(name, f"word/document.xml: {type(exc).__name__}: {exc}") from None
    if body is None:
        raise errors.CorruptFileError(name, "word/document.xml has no body")
    parent = _NoPart()
    blocks: list[str] = []
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Paragraph(block, parent).text)
        elif tag == "tbl":
            rows: list[str] = []
            for row in Table(block, parent).rows:
                cells: list[str] = []
                for cell in row.cells:
                    if not cells or cell.text != cells[-1]:  # merged cells repeat
                        cells.append(cell.text)
                rows.append("\t".join(cells))
            blocks.append("\n".join(rows))
    return Document(path=name, text=normalise_text(join_blocks(blocks)), source_type="docx")


def join_blocks(blocks: list[str]) -> str:
    """The paragraphs (and tables, a row a line) of a word-processor document as plain
    text: an empty line between them, as in the corpus, so that the end of a paragraph
    ends its sentence (a heading without a full stop is not read into the paragraph after
    it, which a single line break, in PDF text often a wrapped line, would not show)."""
    return "\n\n".join(blocks)


def _read_odt(data: bytes, name: str, limits: IngestLimits) -> Document:
    zf = _open_zip(data, name, limits, "OpenDocument")
    if "content.xml" not in zf.namelist():
        raise errors.CorruptFileError(name, "no content.xml inside")
    manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in zf.namelist() else b""
    if b"encryption-data" in manifest:
        raise errors.EncryptedFileError(name, "the OpenDocument is password protected")
    from lxml import etree

    try:
        root = etree.fromstring(zf.read("content.xml"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise errors.CorruptFileError(name, f"broken content.xml: {exc}") from None
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    blocks: list[str] = []
    rows: list[str] = []  # the rows of the table being read

    def inline(el) -> str:
        parts = [el.text or ""]
        for child in el:
            local = etree.QName(child).localname
            if local == "s":
                parts.append(" " * int(child.get(f"{{{text_ns}}}c", "1")))
            elif local == "tab":
                parts.append("\t")
            elif local == "line-break":
                parts.append("\n")
            elif local != "note":
                parts.append(inline(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def walk(el) -> None:
        for child in el:
            qn = etree.QName(child)
            if qn.namespace == text_ns and qn.localname in ("p", "h"):
                blocks.append(inline(child))
            elif qn.namespace == table_ns and qn.localname == "table":
                walk(child)
                blocks.append("\n".join(rows))
                rows.clear()
            elif qn.namespace == table_ns and qn.localname == "table-row":
                cells = [" ".join(inline(p) for p in cell.iter(f"{{{text_ns}}}p")) for cell in child if etree.QName(cell).localname == "table-cell"]
                rows.append("\t".join(c for c in cells if c))
            else:
                walk(child)

    walk(root)
    return Document(path=name, text=normalise_text(join_blocks(blocks)), source_type="odt")


# ---------------------------------------------------------------- RTF


_RTF_PAR = re.compile(r"(?<!\\)\\par(?![A-Za-z])")  # the control word \par, not \pard or an escaped backslash


def _read_rtf(data: bytes, name: str, limits: IngestLimits) -> Document:
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise errors.CorruptFileError(name, "an RTF file starts with '{\\rtf'")
    raw = data.decode("latin-1")  # RTF is 7-bit; \'xx escapes carry the code page
    codepage = "cp1252"
    marker = raw.find("\\ansicpg")
    if marker >= 0:
        digits = "".join(ch for ch in raw[marker + 8 : marker + 14] if ch.isdigit())
        if digits:
            codepage = f"cp{digits}"
    # striprtf writes a paragraph end (\par) and a line break (\line) alike as one "\n";
    # a paragraph end is an empty line in samspil's text, as in the other readers, so
    # that a heading paragraph ends its sentence.
    raw = _RTF_PAR.sub(r"\\par\\par", raw)
    try:
        text = rtf_to_text(raw, encoding=codepage, errors="replace")
    except Exception as exc:  # striprtf raises plain exceptions on broken groups
        raise errors.CorruptFileError(name, f"{type(exc).__name__}: {exc}") from None
    return Document(path=name, text=normalise_text(text), source_type="rtf", encoding=codepage)


# ---------------------------------------------------------------- Word 97-2003 (.doc)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Word's marks in the text stream (MS-DOC 2.8): line, page and section breaks become line
#: breaks, a non-breaking hyphen a hyphen; optional hyphens, picture and footnote anchors go.
#: Paragraph ends ("\r"), table cells ("\x07") and fields are handled in :func:`_doc_text`.
_DOC_MARKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\x0e": "\n", "\x1e": "-", "\x1f": None,
                            "\x01": None, "\x02": None, "\x05": None, "\x08": None})
_FIELD_MARK = re.compile(r"([\x13\x14\x15])")


def _read_doc(data: bytes, name: str, limits: IngestLimits) -> Document:
    """A Word 97-2003 document (an OLE container, read with olefile): the main text.

    Archives also hold RTF, HTML and Word 2007 files saved under a .doc name; they are
    read by their own readers. Word 6 and Word 95 files are refused with advice.
    """
    if not data.startswith(_OLE_MAGIC):
        head = data[:2048].lstrip().lower()
        if head.startswith(b"{\\rtf"):
            return _read_rtf(data, name, limits)
        if data[:4] == b"PK\x03\x04":
            return _read_docx(data, name, limits)
        if head.startswith((b"<html", b"<!doctype html")) or b"<html" in head:
            return _read_html(data, name, limits)
        raise errors.CorruptFileError(name, "a Word 97-2003 .doc file is an OLE container starting with D0 CF 11 E0; "
                                            "this is neither that nor RTF, HTML or .docx")
    with _open_ole(data, name) as ole:
        if ole.exists("EncryptedPackage"):
            raise errors.EncryptedFileError(name, "the Word document is password protected")
        if not ole.exists("WordDocument"):
            raise errors.CorruptFileError(name, "the OLE container holds no WordDocument stream (an Excel or PowerPoint file named .doc?)")
        try:
            text = _doc_text(ole.openstream("WordDocument").read(), lambda stream: ole.openstream(stream).read() if ole.exists(stream) else b"", name)
        except (struct.error, OSError) as exc:
            raise errors.CorruptFileError(name, f"the Word document's tables do not add up: {exc}") from None
    return Document(path=name, text=normalise_text(text), source_type="doc")


def _open_ole(data: bytes, name: str):
    """An OLE compound file (Word 97-2003, Outlook) opened with olefile."""
    import olefile

    try:
        return olefile.OleFileIO(data)
    except Exception as exc:  # olefile raises OSError and its own errors on broken containers
        raise errors.CorruptFileError(name, f"not a readable OLE container: {exc}") from None


def _read_msg(data: bytes, name: str, limits: IngestLimits) -> Document:
    """An Outlook message (.msg, an OLE container read with olefile): its subject, then
    its plain-text body, or its HTML body read as a web page. The properties are streams
    named by tag and type (MS-OXMSG 2.1): subject 0x0037, body 0x1000, HTML 0x1013;
    strings in UTF-16 (001F) or 8-bit (001E, read as cp1252). Attachments are not read."""
    if not data.startswith(_OLE_MAGIC):
        raise errors.CorruptFileError(name, "an Outlook .msg file is an OLE container starting with D0 CF 11 E0")
    with _open_ole(data, name) as ole:

        def prop(tag: str) -> str:
            for kind, codec in (("001F", "utf-16-le"), ("001E", "cp1252")):
                stream = f"__substg1.0_{tag}{kind}"
                if ole.exists(stream):
                    return ole.openstream(stream).read().decode(codec, errors="replace").rstrip("\0").strip()
            return ""

        try:
            subject, body = prop("0037"), prop("1000")
            if not body and ole.exists("__substg1.0_10130102"):
                body = _read_html(ole.openstream("__substg1.0_10130102").read().rstrip(b"\0"), name, limits).text
        except OSError as exc:
            raise errors.CorruptFileError(name, f"the message's streams cannot be read: {exc}") from None
    if not subject and not body:
        raise errors.EmptyFileError(name, "an Outlook item without subject or body (a contact or a calendar item?)")
    return Document(path=name, text=normalise_text(join_blocks([b for b in (subject, body) if b])), source_type="msg")


def _doc_text(word: bytes, stream: Callable[[str], bytes], name: str) -> str:
    """The main document's text from a Word 97-2003 file's WordDocument stream and its
    table stream (``stream(name)`` gives a stream's bytes): the File Information Block
    gives the table stream, the length of the main text and the place of the piece table
    (Clx), whose pieces are 8-bit cp1252 or UTF-16 runs of the WordDocument stream (MS-DOC
    2.5, 2.9.38, 2.4.1). Headers, footnotes and comments come after the main text and are
    left out; of a field, its result is kept and its code (``HYPERLINK "…"``) dropped; table
    cells are separated by tabs, rows and paragraphs as in the .docx reader."""
    ident, flags = struct.unpack_from("<H", word, 0)[0], struct.unpack_from("<H", word, 0x0A)[0]
    if ident == 0xA5DC:
        raise errors.UnsupportedTypeError(name, "a Word 6 or Word 95 document; open it in Word or LibreOffice and save it as .docx")
    if ident != 0xA5EC:
        raise errors.CorruptFileError(name, f"the WordDocument stream starts with {ident:#06x}, not Word's 0xa5ec")
    if flags & 0x0100:
        raise errors.EncryptedFileError(name, "the Word document is password protected")
    csw = struct.unpack_from("<H", word, 32)[0]
    lw = 34 + 2 * csw + 2
    ccp_text = struct.unpack_from("<I", word, lw + 12)[0]
    rg = lw + 4 * struct.unpack_from("<H", word, lw - 2)[0]
    if struct.unpack_from("<H", word, rg)[0] < 34:
        raise errors.CorruptFileError(name, "the Word document's header has no piece table entry")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, rg + 2 + 33 * 8)
    clx = stream("1Table" if flags & 0x0200 else "0Table")[fc_clx : fc_clx + lcb_clx]
    i = 0
    while i + 3 <= len(clx) and clx[i] == 1:  # Prc: formatting, skipped
        i += 3 + struct.unpack_from("<H", clx, i + 1)[0]
    if i + 5 > len(clx) or clx[i] != 2:
        raise errors.CorruptFileError(name, "the Word document's piece table is missing")
    plc = clx[i + 5 : i + 5 + struct.unpack_from("<I", clx, i + 1)[0]]
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    parts: list[str] = []
    for k in range(n):
        start, end = cps[k], min(cps[k + 1], ccp_text)
        if end <= start:
            continue
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        if fc & 0x40000000:
            at = (fc & 0x3FFFFFFF) // 2
            parts.append(word[at : at + end - start].decode("cp1252", errors="replace"))
        else:
            parts.append(word[fc : fc + 2 * (end - start)].decode("utf-16-le", errors="replace"))
    text: list[str] = []
    fields: list[bool] = []  # per open field: whether it has reached its result
    for piece in _FIELD_MARK.split("".join(parts)):
        if piece == "\x13":
            fields.append(False)
        elif piece == "\x14" and fields:
            fields[-1] = True
        elif piece == "\x15" and fields:
            fields.pop()
        elif all(fields):
            text.append(piece)
    body = "".join(text).translate(_DOC_MARKS).replace("\x07\x07", "\n").replace("\x07", "\t")
    return join_blocks([block.rstrip("\t") for block in body.split("\r")])


# ---------------------------------------------------------------- PDF


#: PDFium allows one call at a time in a process, from any thread (pypdfium2's
#: "Incompatibility with Threading": two at once crash or corrupt the process);
#: samspil reads PDFs under this lock, so a program may call it from several threads.
PDFIUM_LOCK = threading.Lock()


def _read_pdf(data: bytes, name: str, limits: IngestLimits) -> Document:
    if not data.startswith(b"%PDF"):
        raise errors.CorruptFileError(name, "a PDF starts with '%PDF'")
    with PDFIUM_LOCK:
        pages = _pdf_pages(data, name, limits)
    n_pages = len(pages)
    if n_pages == 0:
        raise errors.EmptyFileError(name, "the PDF has no pages")
    chars = sum(len(p.strip()) for p in pages)
    if chars < 20 * n_pages and chars < 200:
        raise errors.NoTextLayerError(name, f"{n_pages} page(s), almost no extractable text")
    text = clean_pdf_pages(pages)
    return Document(path=name, text=text, source_type="pdf", n_pages=n_pages)


def _pdf_pages(data: bytes, name: str, limits: IngestLimits) -> list[str]:
    """The text of each page (pdfium calls only: run it under :data:`PDFIUM_LOCK`)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower() or "security" in message.lower():
            raise errors.EncryptedFileError(name) from None
        raise errors.CorruptFileError(name, message) from None
    try:
        n_pages = len(pdf)
        if n_pages > limits.max_pdf_pages:
            raise errors.FileTooLargeError(name, f"{n_pages} pages, limit {limits.max_pdf_pages}")
        pages: list[str] = []
        for i in range(n_pages):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(_page_text(textpage))
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise errors.CorruptFileError(name, str(exc)) from None
    finally:
        pdf.close()
    return pages


def _page_text(textpage) -> str:
    """A page's text, with an empty line where the page's layout ends a paragraph.

    pdfium gives lines, not paragraphs: each line of a paragraph ends in "\\r\\n" like the
    paragraph's last. The boxes of each line's first and last characters (two calls a
    line) let :func:`paragraph_ends` tell them apart. Falls back to the lines alone when
    pdfium's characters and text do not line up or a box cannot be had.
    """
    import pypdfium2.raw as pdfium_c

    text = textpage.get_text_range().replace("\ufffe", "\x02")  # the line-end hyphen mark, as get_text_bounded gives it
    if "\r\n" not in text or len(text) != textpage.count_chars():
        return text
    lines = text.split("\r\n")
    rect, char_box, handle = pdfium_c.FS_RECTF(), pdfium_c.FPDFText_GetLooseCharBox, textpage.raw
    boxes: list[tuple[float, float, float] | None] = []
    start = 0
    for line in lines:
        words = line.strip()
        if words:
            first = start + len(line) - len(line.lstrip())
            if not char_box(handle, first, rect):
                return text
            left, baseline = rect.left, rect.bottom
            if not char_box(handle, first + len(words) - 1, rect):
                return text
            boxes.append((left, rect.right, baseline))
        else:
            boxes.append(None)
        start += len(line) + 2
    ends = paragraph_ends(lines, boxes)
    return "".join(line + ("\n\n" if brk else "\n") for line, brk in zip(lines, ends))


#: A gap between two lines' baselines this many times the page's usual line pitch is a
#: paragraph's spacing (word processors put 6-12 pt after a paragraph of 11 pt text).
PARAGRAPH_GAP = 1.3


def paragraph_ends(lines: list[str], boxes: list[tuple[float, float, float] | None]) -> list[bool]:
    """Which of a page's lines end a paragraph, from their ``(left, right, baseline)`` in
    points (``None`` for a blank line).

    A line ends a paragraph when the next line lies lower by more than
    :data:`PARAGRAPH_GAP` times the page's usual line pitch, or when it stops short of
    the right margin of the page's main text column by more than the next line's first
    word and the next line starts as a new one would (a capital, a digit or a bullet):
    text wrapped at a width moves a word down only when it does not fit. Justified text,
    headings and the short last line of a paragraph without spacing are found this way.
    A line that ends in a hyphen, or that the next continues in lower case, never ends
    one. The main column is the lines starting at the page's most common left edge, so
    a second column or an indented block is judged by nothing but the gap.
    """
    n = len(lines)
    ends = [False] * n
    placed = [k for k in range(n) if boxes[k] is not None]
    if len(placed) < 3:
        return ends
    pitches = sorted(boxes[a][2] - boxes[b][2] for a, b in zip(placed, placed[1:]) if boxes[a][2] - boxes[b][2] > 0.5)
    pitch = pitches[len(pitches) // 4] if pitches else 0.0  # a low quantile: a list of one-line paragraphs spaces most lines
    column_left = Counter(round(boxes[k][0]) for k in placed).most_common(1)[0][0]
    column = [k for k in placed if abs(boxes[k][0] - column_left) <= 2]
    rights = sorted(boxes[k][1] for k in column)
    margin = rights[(len(rights) - 1) * 9 // 10]  # not the maximum: one long URL or table row would make every line short
    widths = sorted((boxes[k][1] - boxes[k][0]) / len(lines[k].strip()) for k in column if len(lines[k].strip()) > 20)
    char_width = widths[len(widths) // 2] if widths else 0.0
    for a, b in zip(placed, placed[1:]):
        line, nxt = lines[a].rstrip(), lines[b].lstrip()
        if line.endswith(("-", "\x02")) or nxt[:1].islower():
            continue
        drop = boxes[a][2] - boxes[b][2]
        if pitch and drop > PARAGRAPH_GAP * pitch:
            ends[a] = True
        elif len(column) >= 4 and char_width and abs(boxes[a][0] - column_left) <= 2 and (nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in BULLETS):
            word = len(nxt.split(maxsplit=1)[0])
            ends[a] = margin - boxes[a][1] > char_width * (word + 1.5)
    return ends


_READERS: dict[str, Callable[[bytes, str, IngestLimits], Document]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".text": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".xhtml": _read_html,
    ".docx": _read_docx,
    ".doc": _read_doc,
    ".eml": _read_eml,
    ".msg": _read_msg,
    ".odt": _read_odt,
    ".rtf": _read_rtf,
    ".pdf": _read_pdf,
}


# ---------------------------------------------------------------- folders


def iter_files(paths: Iterable[str | os.PathLike[str]], suffixes: tuple[str, ...] = DOCUMENT_SUFFIXES) -> Iterator[str]:
    """Yield the files named, and the documents under folders named, in sorted order.

    Folders are walked recursively with symlink loops broken (each real folder is
    visited once); files in folders are kept when their suffix is in ``suffixes``
    (by default the documents samspil reads and those it names in an error,
    :data:`DOCUMENT_SUFFIXES`). Files named directly are always yielded, so that an
    unsupported one gives an error row instead of vanishing.
    """
    for path, kept in walk_files(paths, suffixes):
        if kept:
            yield path


def walk_files(paths: Iterable[str | os.PathLike[str]], suffixes: tuple[str, ...] = DOCUMENT_SUFFIXES) -> Iterator[tuple[str, bool]]:
    """Every file named or under a folder named, in :func:`iter_files`' order, with whether
    it keeps it (not a picture, a program or an Office lock file "~$…")."""
    for path in paths:
        p = Path(path)
        if not p.is_dir():
            yield str(path), True
            continue
        seen: set[str] = set()
        for root, dirs, files in os.walk(p, followlinks=True):
            real = os.path.realpath(root)
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            dirs.sort()
            for f in sorted(files):
                yield os.path.join(root, f), f.lower().endswith(suffixes) and not f.startswith("~$")
