"""Named cleaning steps applied to extracted text before tokenisation."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

#: Characters that open a list item at the start of a line.
BULLETS = frozenset("-•–*·▪")
_SOFT_HYPHEN = "\u00ad"
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
# A word broken at a line end: a lower-case letter, a hyphen, the line break,
# and a lower-case letter that continues the word ("samar-\nbejde"). A hyphen
# before a capital or a digit is kept: "Social-\nog" is rare, "kultur- og" is not
# broken, and "2018-\n2020" must stay a range. Before "og"/"eller" the hyphen is
# Danish suspension ("Kultur- og fritidsudvalget") and stays.
_WORD_GOES_ON = r"(?!(?:og|eller|samt|til)\b)(?=[a-zæøåéü])"
_HYPHENATED_BREAK = re.compile(r"(?<=[a-zæøåéü])-[ \t]*\n[ \t]*" + _WORD_GOES_ON)
_DIGITS = re.compile(r"\d+")


def normalise_text(text: str) -> str:
    """Unicode NFC, Unix line ends, no soft hyphens, no trailing blanks, at most one empty line."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(_SOFT_HYPHEN, "")
    text = text.replace("\ufeff", "").replace("\x0c", "\n")
    text = _TRAILING_SPACE.sub("\n", text + "\n")
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def join_hyphenated(text: str) -> str:
    """Join words hyphenated across line ends: ``"samar-\\nbejde"`` → ``"samarbejde"``.

    >>> join_hyphenated("et godt samar-\\nbejde med 2018-\\n2020")
    'et godt samarbejde med 2018-\\n2020'
    """
    return _HYPHENATED_BREAK.sub("", text)


#: A line that is a page number and nothing else (digits already "#"): "3", "- 3 -",
#: "Side 3", "Side 3 af 14", "side 3/14", "3 / 14", "Page 3 of 14".
_PAGE_NUMBER = re.compile(r"(?:(?:side|page) ?)?(?:[-–] ?# ?[-–]|#(?: ?(?:af|of|/) ?#)?)")


def _line_key(line: str) -> str:
    # Page numbers change from page to page: "Side 3 af 14" and "Side 4 af 14" are one header.
    return _DIGITS.sub("#", line.strip().lower())


def strip_repeated_lines(pages: list[str], min_share: float = 0.6, depth: int = 3) -> list[str]:
    """Drop header and footer lines that repeat on most pages.

    A line among the first or last ``depth`` lines of a page whose text (digits
    ignored) recurs in that zone on at least ``min_share`` of the pages (and on
    two pages at least) is a running header or footer. Lone page numbers ("Side 1 af 1")
    go too, also from a document of one page.
    """
    split = [[ln for ln in page.splitlines()] for page in pages]
    zone_counts: Counter[str] = Counter()
    for lines in split:
        nonblank = [ln for ln in lines if ln.strip()]
        zone = nonblank[:depth] + nonblank[-depth:]
        zone_counts.update({_line_key(ln) for ln in zone})
    needed = max(2, int(min_share * len(pages) + 0.999))
    repeated = {key for key, n in zone_counts.items() if n >= needed and key}
    cleaned = []
    for lines in split:
        nonblank_idx = [i for i, ln in enumerate(lines) if ln.strip()]
        zone_idx = set(nonblank_idx[:depth] + nonblank_idx[-depth:])
        keep = []
        for i, ln in enumerate(lines):
            key = _line_key(ln)
            # a bare number ends many a one-page table; on one page it must say it is a page number
            if i in zone_idx and (key in repeated or (_PAGE_NUMBER.fullmatch(key) and (key != "#" or len(pages) > 1))):
                continue
            keep.append(ln)
        cleaned.append("\n".join(keep))
    return cleaned


#: A line that marks a page in text out of a PDF: "Side 3", "Side 3 af 12", "side 3/12",
#: "Page 3 of 12", "- 3 -" (a bare number may be a table's cell and is no mark).
_PAGE_MARK_LINE = re.compile(r"^[ \t]*(?:(?:[Ss]ide|SIDE|[Pp]age)[ \t]+\d{1,4}(?:[ \t]*(?:af|of|/)[ \t]*\d{1,4})?|[-–][ \t]*\d{1,4}[ \t]*[-–])[ \t]*$", re.M)


def strip_text_page_furniture(text: str) -> str:
    """Page furniture in plain text that was pulled out of a PDF: the text is cut into
    pages at form feeds (pdftotext's page ends) or, without them, after each line that
    marks a page ("Side 3 af 12"), and :func:`strip_repeated_lines` drops the marks and
    the running headers and footers beside them. The pages join with a line break, so
    a sentence or a hyphenated word cut by a page runs on. Text without page marks is
    returned as it is.

    >>> strip_text_page_furniture("Foreningen har\\nSide 3 af 12\\nsøgt om tilskud.")
    'Foreningen har\\nsøgt om tilskud.'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:
        pages = text.split("\f")
    else:
        marks = [m.end() for m in _PAGE_MARK_LINE.finditer(text)]
        if not marks:
            return text
        pages = [text[a:b] for a, b in zip([0, *marks], [*marks, len(text)])]
    return join_pages(pages, strip="\n")


def clean_plain_text(text: str) -> str:
    """Plain text as samspil's text reader gives it: page furniture stripped
    (:func:`strip_text_page_furniture`), normalised (:func:`normalise_text`) and words
    hyphenated across line ends joined (:func:`join_hyphenated`).

    >>> clean_plain_text("Et godt samar-\\nbejde\\nSide 2 af 9\\nmed klubben.")
    'Et godt samarbejde\\nmed klubben.'
    """
    return join_hyphenated(normalise_text(strip_text_page_furniture(text)))


# The same rule for pdfium's mark: before "og"/"eller" it is a suspension hyphen that
# the line break happened to follow ("børne-\nog ungdomsaktiviteter").
_PDFIUM_HYPHEN = re.compile(r"\x02[ \t]*\n?[ \t]*" + _WORD_GOES_ON)


def clean_pdf_pages(pages: list[str]) -> str:
    """Turn the text of a PDF's pages into one clean text.

    pdfium marks a hyphen it found at a line end with U+0002; before a lower-case
    letter that is a word broken across lines, elsewhere a real hyphen. Pages join with
    a line break, not an empty line: the space between a page's last line and its footer
    (or the next page's header and its first line) says nothing of whether a paragraph
    ended there, and a sentence often goes on on the next page.
    """
    pages = [normalise_text(_PDFIUM_HYPHEN.sub("", p).replace("\x02", "-")) for p in pages]
    return normalise_text(join_hyphenated(join_pages(pages)))


def join_pages(pages: list[str], strip: str | None = None) -> str:
    """Pages without their running headers, footers and page numbers
    (:func:`strip_repeated_lines`), each stripped of ``strip`` (default: whitespace; a
    text file's pages keep their lines' indentation with ``"\n"``), the blank ones left
    out, joined with a line break: a sentence cut by a page runs on."""
    return "\n".join(p.strip(strip) for p in strip_repeated_lines(pages) if p.strip())
