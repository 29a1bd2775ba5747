"""Citations: in-text author–year citations, reference lists, and the links between them.

Plain functions over plain text; the spaCy component in :mod:`samspil.components`
only stores their results on the ``Doc``. Every regular expression here runs in
time linear in the input: no nested unbounded quantifiers, bracket contents are
bounded in length.

Public functions: :func:`find_citations`, :func:`find_references`,
:func:`parse_reference`, :func:`link_citations`, :func:`extract_citations`.
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from .records import Citation, Reference

# ------------------------------------------------------------------ vocabulary

_YEAR = r"(?:1[6-9]\d\d|20\d\d)[a-z]?(?:/(?:1[6-9]\d\d|20\d\d)(?!\d))?|[uU]\.\s?å\.?|i\stryk|in\spress|n\.d\."
_YEAR_RE = re.compile(rf"(?<![\d\w])(?:{_YEAR})(?![\d])")
_PAGES = r"(?:s\.|ss\.|side|sider|pp?\.)\s?(?P<pages>\d+(?:\s?[-–]\s?\d+)?(?:\s?(?:ff?\.))?)"
_ETAL = r"(?:et\s?al\.?|m\.\s?fl\.?|mfl\.?|med\s+flere)"
_PREFIXES = re.compile(
    r"^(?:(?:se\s+(?:fx|f\.eks\.|også|eksempelvis|bl\.a\.)|se|jf\.|jvf\.|bl\.a\.|fx|f\.eks\.|eksempelvis|citeret\s+i|"
    r"cf\.|e\.g\.|see(?:\s+also)?|også|især|samt|og)(?:(?<=\.)|\b)\s*,?\s*)+",
    re.IGNORECASE,
)
# Words that may stand inside an organisation's name without a capital.
_NAME_PARTICLES = frozenset(
    "for og i af til med på om de der la le van von den det du di da del dos".split()
)
_NAME_WORD = re.compile(r"[A-ZÆØÅÄÖÜÉ][\w'’\-.]*$|[A-ZÆØÅ]{2,}$")

_BRACKET = re.compile(r"\(([^()]{2,400})\)|\[([^\[\]]{2,400})\]")
_WORK_SPLIT_SEMI = re.compile(r"\s*;\s*")
# "&" after a year (or page number) starts a new work: "2017 & Andersen & Espersen, 2017".
_WORK_SPLIT_AMP = re.compile(
    r"(?:(?:(?<=\d)|(?<=\d[a-z])|(?<=å\.)|(?<=tryk))\s*(?:&|og)\s*|"  # "Kramer, 1981 og Smith & Lipsky, 1993"
    r",?\s+(?:her\s+)?(?:citeret|cit\.|gengivet|refereret)\s+(?:i|efter|fra|hos)\s+)(?=[A-ZÆØÅ])"  # "Putnam 1993, citeret i Wulff 2017"
)
_LOCATOR = r"(?:\s*,\s*(?:afsnit|kap\.|kapitel|bilag|§|note|tabel|figur)\s*[\w.]+)?"
_WORK = re.compile(
    rf"^(?P<authors>[^\d;()]{{1,200}}?)(?P<etal>,?\s+{_ETAL})?\s*,?\s+(?P<year>{_YEAR})(?:\s*(?:,|&|og)\s*(?P<year2>(?:{_YEAR})(?:\s*(?:,|&|og)\s*(?:{_YEAR}))*))?"
    rf"(?:\s*,\s*\d{{1,2}}\.\s?(?:udg|udgave)\.?(?=\s*,\s*(?:s\.|ss\.|side|sider|pp?\.)))?"  # "Frederiksen, 2015, 2. udg., s. 61"
    rf"(?:\s*[,:]\s*{_PAGES}|\s*:\s*(?P<pages2>\d+(?:\s?[-–]\s?\d+)?)|\s*,\s*(?P<pages3>\d+\s?[-–]\s?\d+|\d{{1,3}})(?!\d)(?!\.\s?udg))?"
    rf"{_LOCATOR}"
)
_NAME = r"(?:(?:[vV]an[ ]de[nr]?|[vV]an[ ]der|[vV]on[ ]der|[dD]e[ ]la|von|van|de|du|la|le|La|Le|De|Van|Von|Di|Du|Mac)[ ])?[A-ZÆØÅ][\w’'\-.]*[\w’']"
_SUSPENDED = r"(?:[A-ZÆØÅ][\w’'.]*-(?:,[ ][A-ZÆØÅ][\w’'.]*-)*[ ]og[ \n])?"  # "Social- og Boligstyrelsen"
_NAMES = (
    rf"{_SUSPENDED}{_NAME}(?:[ \n](?:(?:for|i|af|til|om)[ ])?{_NAME}){{0,3}}"
    rf"(?:(?:[ ]*,[ \n]*|[ \n]+og[ \n]+|[ \n]+&[ \n]+|[ \n]+and[ \n]+){_NAME}(?:[ \n]{_NAME}){{0,2}}){{0,5}}"
)
_NARRATIVE = re.compile(
    rf"(?P<authors>{_NAMES})"
    rf"(?P<etal>\s+{_ETAL})?(?:\s+\((?:red|eds?)\.\))?\s+\((?P<inner>(?:{_YEAR})(?:\s*[,;]\s*(?:{_YEAR}))*(?:\s*,\s*\d{{1,2}}\.\s?(?:udg|udgave)\.?(?=\s*,\s*(?:s\.|ss\.|side|sider|pp?\.)))?(?:\s*,\s*{_PAGES}|\s*:\s*(?P<pages2>\d+(?:\s?[-–]\s?\d+)?)|\s*,\s*(?P<pages3>\d+\s?[-–]\s?\d+|\d{{1,3}})(?!\d))?)\)"
)
# "Thomsen 2017 har beskrevet", "Selsky & Parker, 2005 peger på", "beskrevet af Andersen & Hjort-Madsen, 2021."
_REPORTING = (
    "har|havde|peger|pegede|viser|viste|beskriver|beskrev|finder|fandt|argumenterer|argumenterede|påpeger|påpegede|advarer|advarede|"
    "konkluderer|konkluderede|fremhæver|fremhævede|skriver|skrev|understreger|nævner|mener|anbefaler|anbefalede|kalder|definerer|"
    "dokumenterer|analyserer|undersøger|undersøgte|identificerer|identificerede|betegner|foreslår|bemærker|skelner|taler|sammenfatter"
)
_BARE = re.compile(
    rf"(?P<authors>{_NAMES})(?P<etal>\s+{_ETAL})?,?\s(?P<year>(?:1[6-9]\d\d|20\d\d)[a-z]?)(?:\s*[,:]\s*(?:{_PAGES}|(?P<pages2>\d+(?:\s?[-–]\s?\d+)?)))?"
    rf"(?=\s+(?:{_REPORTING})\b)"
)
_BARE_AFTER = re.compile(
    rf"(?:(?<=\baf )|(?<=\bhos )|(?<=\bifølge )|(?<=\bIfølge )|(?<=\bjf\. ))(?P<authors>{_NAMES})(?P<etal>\s+{_ETAL})?,\s(?P<year>(?:1[6-9]\d\d|20\d\d)[a-z]?)(?:\s*,\s*{_PAGES})?(?=[.;,]?\s)"
)
_SENTENCE_WORDS = frozenset(
    "Som Ifølge Hos Med I Men Og Når Da Selv Også Både Derfor Her Der Det Den De Dette Denne Ligeledes Tilsvarende Endelig Samtidig "
    "Allerede Især Blandt Eksempelvis Fx Mens Hvor Hvis Hvad Hvordan Hvorfor Efter Før Under Ud Fra Om På Til Af Ved Uden Mod "
    "Desuden Dog Altså Også Senest Tidligere Nyere Klassisk Klassiske Studier Forskeren Forskerne Sociologen Rapporten Analysen".split()
)
_NOT_AUTHORS = frozenset(
    "Tabel Figur Bilag Kapitel Afsnit Side Lov Loven Bekendtgørelse Jf Se Budget Budgettet Nr Stk "
    "Januar Februar Marts April Maj Juni Juli August September Oktober November December "
    "Mandag Tirsdag Onsdag Torsdag Fredag Lørdag Søndag Perioden Året År Fra Siden I Og Den Det "
    "Referat Dagsorden Møde Mødet Planen Strategien Politikken Aftalen Puljen Kommuneplan Lokalplan Regnskab".split()
)

# ------------------------------------------------------------------ in-text citations


def _clean_authors(raw: str, loose: bool = False) -> tuple[tuple[str, ...], bool] | None:
    """Split an author string into family names; ``None`` when it is no author string.

    ``loose`` (inside a bracket with a year) also accepts organisation names with
    lower-case words after a capitalised first word: "Udvalget for socialøkonomiske
    virksomheder".
    """
    raw = re.sub(r"(?<=[a-zæøå])-\s*\n\s*(?=[a-zæøå])", "", raw)  # "Forbrugersty-\nrelsen"
    raw = " ".join(raw.split()).rstrip(",").strip()
    et_al = False
    m = re.search(rf"[,\s]*{_ETAL}$", raw)
    if m:
        et_al = True
        raw = raw[: m.start()].strip().rstrip(",")
    if not raw:
        return None
    if fold_name(raw) in _ALIASES:
        return (raw,), et_al  # "Styrelsen for Arbejdsmarked og Rekruttering": one organisation
    parts = _merge_suspended(re.split(r"\s*(?:&|\bog\b|\band\b|;)\s*|\s*,\s*", raw), raw)
    authors: list[str] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        words = [w.rstrip(",") for w in part.split()]  # "Transport-, Bygnings- og Boligministeriet"
        lead = 0
        while lead < len(words) - 1 and words[lead] in ("von", "van", "de", "der", "den", "du", "da", "di", "la", "le"):
            lead += 1  # "van de Donk"
        if not _NAME_WORD.match(words[lead]):
            return None
        if len(words) > 7:
            return None
        strict = all(_NAME_WORD.match(w) or w.lower() in _NAME_PARTICLES for w in words[lead:]) and _NAME_WORD.match(words[-1])
        if not strict and not (loose and len(words) <= 6 and all(w.isalpha() or w in ("-", "–", "og", "&") for w in words[1:])):
            return None
        # "Ibsen, B." — an initial after a comma belongs to the name before it.
        if re.fullmatch(r"(?:[A-ZÆØÅ]\.\s?-?)+", part) and authors:
            continue
        authors.append(part)
    if not authors or authors[0] in _NOT_AUTHORS:
        return None
    return tuple(authors), et_al


def _merge_suspended(parts: list[str], raw: str) -> list[str]:
    """Put back organisation names split at a Danish suspended hyphen:
    "Sundheds- og Ældreministeriet", "Transport-, Bygnings- og Boligministeriet"."""
    out: list[str] = []
    pos = 0
    for part in parts:
        at = raw.find(part, pos) if part else pos
        if out and out[-1].endswith("-") and at >= 0:
            prev_start = raw.rfind(out[-1], 0, at)
            out[-1] = raw[prev_start : at + len(part)] if prev_start >= 0 else f"{out[-1]} og {part}"
        else:
            out.append(part)
        pos = at + len(part) if at >= 0 else pos
    return out


def _years(first: str, more: str | None) -> list[str]:
    years = [first]
    if more:
        years += [y.strip() for y in re.split(r"\s*(?:[,;&]|\bog\b)\s*", more) if y.strip()]
    return [_normalise_year(y) for y in years]


def _normalise_year(year: str) -> str:
    y = " ".join(year.split())  # "i\ntryk" wrapped over a line is "i tryk"
    if y.lower().replace(" ", "").startswith("u.å"):
        return "u.å."
    return y


def _parse_work(text: str, offset: int) -> list[Citation]:
    """Parse one work inside a bracket (prefix removed); offsets are absolute."""
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    m = _PREFIXES.match(stripped)
    if m:
        lead += m.end()
        stripped = stripped[m.end() :]
    m = _WORK.match(stripped)
    if not m:
        return []
    # "Kommunernes Landsforening [KL], 2017": the abbreviation in brackets is no author
    names = re.sub(r"\s*\[[A-ZÆØÅa-zæøå]{2,8}\]", "", m.group("authors"))
    parsed = _clean_authors(names + (m.group("etal") or ""), loose=True)
    if parsed is None:
        return []
    authors, et_al = parsed
    pages = m.group("pages") or m.group("pages2") or m.group("pages3")
    years = _years(m.group("year"), m.group("year2"))
    end = m.end()
    span = stripped[:end].rstrip(" ,;")
    start = offset + lead
    if len(years) == 1:
        return [Citation(span, start, start + len(span), authors, et_al, years[0], pages)]
    # "Ibsen, 2016, 2019": one citation per work, the first carrying the names.
    out = []
    first_end = m.end("year")
    out.append(Citation(stripped[:first_end], start, start + first_end, authors, et_al, years[0], None))
    for ym in _YEAR_RE.finditer(stripped, first_end, end):
        if len(out) >= len(years):
            break
        out.append(Citation(ym.group(), start + ym.start(), start + ym.end(), authors, et_al, _normalise_year(ym.group()), None))
    return out


_YEAR_ONLY = re.compile(rf"\s*(?P<work>(?P<year>{_YEAR})(?:\s*,\s*{_PAGES})?)\s*$")


def _parenthetical(text: str, start: int, end: int) -> Iterator[Citation]:
    for m in _BRACKET.finditer(text, start, end):
        group = 1 if m.group(1) is not None else 2
        inner, inner_start = m.group(group), m.start(group)
        if not _YEAR_RE.search(inner):
            continue  # "(§ 18)", "(bilag 2)"
        pos = 0
        previous: Citation | None = None
        for chunk in _WORK_SPLIT_SEMI.split(inner):
            chunk_start = inner.index(chunk, pos)
            pos = chunk_start + len(chunk)
            sub_pos = 0
            for work in _WORK_SPLIT_AMP.split(chunk):
                work_start = chunk.index(work, sub_pos)
                sub_pos = work_start + len(work)
                found = _parse_work(work, inner_start + chunk_start + work_start)
                if not found and previous is not None:
                    # "(Frivilligrådet, 2017a, s. 8; 2017b)": a year alone continues the authors before it.
                    m = _YEAR_ONLY.match(work)
                    if m:
                        at = inner_start + chunk_start + work_start + m.start("work")
                        found = [Citation(m.group("work"), at, at + len(m.group("work")), previous.authors, previous.et_al,
                                          _normalise_year(m.group("year")), m.group("pages"))]
                if found:
                    previous = found[-1]
                yield from found


def _strip_sentence_words(m: re.Match[str]) -> int:
    """Offset of the first real name in a narrative match: "Som Ibsen (2019)" starts at "Ibsen"."""
    pos = m.start("authors")
    words = list(re.finditer(r"\S+", m.group("authors")))
    for k, word in enumerate(words):
        if word.group() in ("de", "la", "le", "du", "van", "von") and k + 1 < len(words) and words[k + 1].group().isupper():
            pos = m.start("authors") + word.end()  # "... end de DI (2021)": a pronoun, not a particle
            continue
        if word.group() in _SENTENCE_WORDS:
            if word.group() == "De" and k + 1 < len(words) and words[k + 1].group()[:1].isupper():
                break  # "De Vries (2019)": a particle, not the pronoun
            if word.group() in ("Det", "Den") and k + 2 < len(words) and re.fullmatch(r"[A-ZÆØÅ]\w+e", words[k + 1].group()) and words[k + 2].group()[:1].isupper():
                break  # "Det Kriminalpræventive Råd (2019)", "Den Sociale Højskole": part of the name
            pos = m.start("authors") + word.end()
            continue
        break
    while pos < len(m.string) and m.string[pos] in " \n":
        pos += 1
    return pos


_YEAR_ANCHOR = re.compile(r"(?<![\d\w])(?:1[6-9]\d\d|20\d\d)[a-z]?(?!\d)|u\.\s?å\.|i\stryk|in\spress")
# What each name pattern needs beside its year: a narrative citation an opening bracket
# right before it, a bare one a reporting verb soon after it, one after "af"/"ifølge" a
# comma before it. Windows around these alone keep the name patterns off the many years
# (dates, budgets, periods) that no citation follows.
_NARRATIVE_ANCHOR = re.compile(r"\((?:(?:1[6-9]\d\d|20\d\d)[a-z]?(?!\d)|[uU]\.\s?å\.|i\stryk|in\spress|n\.d\.)")
_BARE_ANCHOR = re.compile(rf"(?<![\d\w])(?:1[6-9]\d\d|20\d\d)[a-z]?(?=[\s\S]{{0,40}}?\s(?:{_REPORTING})\b)")
_BARE_AFTER_ANCHOR = re.compile(r",\s(?:1[6-9]\d\d|20\d\d)")


def _windows_before_years(text: str, start: int, end: int, reach: int = 160, anchor: re.Pattern[str] = _YEAR_ANCHOR) -> Iterator[tuple[int, int]]:
    """Merged stretches of text that end shortly after a year (``anchor``): the only
    places an author–year citation can be. Scanning them instead of the whole text
    keeps the name patterns off the long stretches without years."""
    lo = hi = -1
    for m in anchor.finditer(text, start, end):
        a, b = max(start, m.start() - reach), min(end, m.end() + 40)
        if a <= hi:
            hi = b
        else:
            if hi > lo:
                yield lo, hi
            lo, hi = a, b
    if hi > lo:
        yield lo, hi


def _after_short_line(text: str, start: int, authors_end: int) -> int:
    """Names may run over a line break in wrapped text ("Indenrigs- og\\nBoligministeriet
    (2021)"); after a short line (a heading: "Fordele\\nDalgaard og Øhrström (2019)") or a
    running header the citation starts on the new line."""
    nl = text.rfind("\n", start, authors_end)
    if nl < 0:
        return start
    line_start = text.rfind("\n", 0, start) + 1
    if nl - line_start >= 40 and not _is_furniture(text[line_start:nl], text, ""):
        return start
    return nl + 1


class _Spans:
    """Spans already taken, for overlap tests in logarithmic time (a long text may hold
    thousands of citations; testing each candidate against all of them was quadratic)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def overlaps(self, a: int, b: int) -> bool:
        """Whether ``[a, b)`` shares a character with a taken span."""
        i = bisect.bisect_left(self.starts, b) - 1
        return i >= 0 and self.ends[i] > a

    def holds(self, pos: int) -> bool:
        """Whether the character at ``pos`` lies in a taken span."""
        return self.overlaps(pos, pos + 1)


def _bare(text: str, end: int, taken: _Spans) -> Iterator[Citation]:
    seen: set[int] = set()
    for pattern, anchor in ((_BARE, _BARE_ANCHOR), (_BARE_AFTER, _BARE_AFTER_ANCHOR)):
        wins = list(_windows_before_years(text, 0, end, anchor=anchor))
        for m in (m for a, b in wins for m in pattern.finditer(text, a, b)):
            if m.start() in seen:
                continue
            seen.add(m.start())
            s = _strip_sentence_words(m) if pattern is _BARE else m.start("authors")
            s = _after_short_line(text, s, m.end("authors"))
            if s >= m.end("authors") or taken.holds(s) or taken.holds(m.end() - 1):
                continue
            parsed = _clean_authors(text[s : m.end("authors")] + (m.group("etal") or ""))
            if parsed is None:
                continue
            authors, et_al = parsed
            pages = m.group("pages") or (m.group("pages2") if "pages2" in pattern.groupindex else None)
            yield Citation(text[s : m.end()], s, m.end(), authors, et_al, m.group("year"), pages, narrative=True)


def _narrative(text: str, end: int, taken: _Spans) -> Iterator[Citation]:
    seen: set[int] = set()
    wins = list(_windows_before_years(text, 0, end, anchor=_NARRATIVE_ANCHOR))
    for m in (m for a, b in wins for m in _NARRATIVE.finditer(text, a, b)):
        if m.start() in seen or taken.holds(m.start()):
            continue
        seen.add(m.start())
        first = _after_short_line(text, _strip_sentence_words(m), m.end("authors"))
        if first >= m.end("authors"):
            continue
        parsed = _clean_authors(text[first : m.end("authors")] + (m.group("etal") or ""))
        if parsed is None:
            continue
        authors, et_al = parsed
        inner = m.group("inner")
        pm = re.search(_PAGES, inner)
        extra = m.group("pages2") or m.group("pages3")
        cut = pm.start() if pm else (m.start("pages2") if m.group("pages2") else m.start("pages3") if m.group("pages3") else m.end("inner")) - m.start("inner")
        years = [_normalise_year(y.group()) for y in _YEAR_RE.finditer(inner[:cut])]
        if not years:
            continue
        pages = pm.group("pages") if pm else extra
        if len(years) == 1:
            yield Citation(text[first : m.end()], first, m.end(), authors, et_al, years[0], pages, narrative=True)
        else:
            for i, ym in enumerate(_YEAR_RE.finditer(m.group("inner"))):
                if i == 0:
                    s, e = first, m.start("inner") + ym.end()
                else:
                    s, e = m.start("inner") + ym.start(), m.start("inner") + ym.end()
                yield Citation(text[s:e], s, e, authors, et_al, years[i], None, narrative=True)


def find_citations(text: str, end: int | None = None) -> list[Citation]:
    """Find the in-text author–year citations of ``text[:end]``, one per cited work.

    >>> [c.text for c in find_citations("Se (Benjaminsen et al., 2017 & Andersen & Espersen, 2017).")]
    ['Benjaminsen et al., 2017', 'Andersen & Espersen, 2017']
    >>> [(c.authors, c.year) for c in find_citations("Hjære m.fl. (2018) viser det (§ 18, bilag 2).")]
    [(('Hjære',), '2018')]
    """
    end = len(text) if end is None else end
    paren = list(_parenthetical(text, 0, end))
    narrative = list(_narrative(text, end, _Spans((c.start, c.end) for c in paren)))
    taken = _Spans([(c.start, c.end) for c in paren] + [(c.start, c.end) for c in narrative])
    found = paren + narrative + list(_bare(text, end, taken))
    found.sort(key=lambda c: c.start)
    out: list[Citation] = []
    for c in found:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


# ------------------------------------------------------------------ reference lists

_SAME_AUTHOR = r"(?:—{2,}|–{2,}|-{3,}|_{3,})"  # "——— (2021)": the author of the entry before
_HEADING = re.compile(
    r"^[ \t]*(?:(?:Kapitel|Afsnit|Del|Bilag)[ \t]+\d+[ \t]*[:.–-]?[ \t]+)?(?:\d+(?:\.\d+)*\.?\s+)?"
    r"(?:(?:Udvalgt|Udvalgte|Anbefalet|Brugt|Brugte|Benyttet|Benyttede|Citeret|Citerede|Supplerende|Yderligere|Anvendt|Anvendte)[ \t]+)?"
    r"(?P<h>Kilder|Kildeliste|Kildeoversigt|Kildegrundlag|Sources|Works cited|Reference list|Noter og henvisninger|Noter og kilder|Noter og referencer|Kilder og litteratur|Litteratur|Litteraturliste|Litteratur og kilder|"
    r"Anvendt litteratur|Referencer|Referenceliste|Bibliografi|Bibliography|References|Literature|Noter og litteratur|"
    r"Henvisninger|Kildehenvisninger|Kildeangivelser|Baggrundsmateriale|Baggrundslitteratur|Kildemateriale|Anvendte kilder|Kildefortegnelse|Litteraturfortegnelse|Litteraturhenvisninger)"
    r"(?:[ \t]+\([^()\n]{1,30}\)|[ \t]+(?:fra|til|og|i|om|brugt|nævnt|anvendt|benyttet|citeret)[ \t][^\n.]{1,40})?[ \t]*:?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_ENTRY_START = re.compile(
    rf"^[ \t]*(?:\[\d+\]\s*|\d+\.\s+|[-•]\s*)?(?:(?:von|van|de|du|da|di|la|le|van\sder|van\sden|von\sder|de\sla)\s)?(?:[A-ZÆØÅÄÖÜ]|{_SAME_AUTHOR})[^\n]{{0,250}}?(?:\((?:{_YEAR})\)|[,.]\s(?:{_YEAR})(?:[.,)]|:(?!\d))|\s(?:{_YEAR})(?:\.|:(?!\d)))"
)
# A list marker ("1.", "[3]", "•") always opens an entry; so does a line that opens
# with names and a bracketed year ("Aarhus Kommune (2021):"), even after a line that
# ended without a full stop.
_LIST_MARKER = re.compile(r"[ \t]*(?:\[\d{1,3}\]|\d{1,3}[.)]|[•▪·*]|[-–])[ \t]+(?=[A-ZÆØÅÄÖÜ—–_-])")
_STRONG_START = re.compile(
    rf"^[ \t]*(?:(?:von|van|de|la|van\sder|van\sden|von\sder|de\sla)\s)?[A-ZÆØÅÄÖÜ][\w'’\-.]*,?(?:\s(?:(?:og|&|and|von|van|de|la)\s)?[A-ZÆØÅÄÖÜ][\w'’\-.]*,?){{0,7}}\s\((?:{_YEAR})(?:,[ ][^()\n]{{1,25}}|[ ]\[\d{{4}}\])?\)"
)
_URL = re.compile(r"https?://[^\s<>\")]+|www\.[^\s<>\")]+")
_DOI = re.compile(r"\b(?:doi:\s?|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)


def find_reference_sections(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of every reference list's body, in order (see
    :func:`find_reference_section` for the last one). A report may give a list after
    each chapter ("Litteratur til kapitel 4"); an earlier heading counts as a list when
    an entry starts on its first line, and two or more entries follow, most of them with
    a year or a URL (a table of contents that names "Litteratur" gives none)."""
    return list(_reference_lists(text)[0])


def reference_regions(text: str) -> list[tuple[int, int]]:
    """The stretches of text the reference lists take: each list's body up to its last
    entry, the last list up to where the running text goes on after it (or the end).
    Citations are searched, and evidence taken, outside them."""
    sections, _, resume = _reference_lists(text)
    if not sections:
        return []
    last = sections[-1]
    return list(sections[:-1]) + [(last[0], resume if resume is not None else len(text))]


@functools.lru_cache(maxsize=8)
def _reference_lists(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...], int | None]:
    """The lists of a text, found once for the citations, the references and the
    evidence: their bodies, their entries, and where the running text goes on after the
    last one (``None``: the list runs to the end)."""
    last = find_reference_section(text)
    if last is None:
        return (), (), None
    sections, entries = [], []
    heads = [m for m in _HEADING.finditer(text) if m.end() < last[0]]
    for k, m in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else text.rfind("\n", 0, last[0]) + 1
        found = split_reference_entries(text, m.end(), end)
        for k2, (s, e) in enumerate(found[1:], 1):
            if e - s < 80 and not _year_match(text[s:e]) and not _URL.search(text, s, e):
                found = found[:k2]  # "2. Frivilligcentre": the next chapter's heading
                break
        dated = sum(1 for s, e in found if _year_match(text[s:e]) or _URL.search(text, s, e))
        if len(found) >= 2 and _opens_at_once(text, m.end(), found) and dated * 2 > len(found):
            # the section is what this list's entries cover (as split to the next heading)
            sections.append((m.end(), found[-1][1]))
            entries += split_reference_entries(text, m.end(), found[-1][1])
    last_entries, resume = _split_list(text, *last)
    return tuple(sections) + (last,), tuple(entries + last_entries), resume


def _opens_at_once(text: str, start: int, entries: list[tuple[int, int]]) -> bool:
    """Whether the first entry starts on the first non-empty line after ``start`` (a
    heading followed by its list, not by running text)."""
    first_line = re.search(r"\S[^\n]*", text[start:])
    return bool(entries and first_line and entries[0][0] <= start + first_line.end())


def find_reference_section(text: str) -> tuple[int, int] | None:
    """The ``(start, end)`` of the reference list's body (after its heading), or ``None``.

    The last heading wins: a table of contents may name "Litteratur" early on.
    """
    last = None
    folded = text.casefold()
    if _holds_any(folded, _HEADING_WORDS):
        for m in _HEADING.finditer(text):
            last = m
    if last is None and _holds_any(folded, _INLINE_HEADING_WORDS):
        # "Kilder: KL (2018): Frivillighed i kommunerne ...": the heading and the first entry on one line
        for m in _INLINE_HEADING.finditer(text):
            if split_reference_entries(text, m.end(), len(text)):
                last = m
    if last is None and _holds_any(folded, _WEAK_HEADING_WORDS):
        # "Læs mere", "Se også", "Baggrund", "Vi har brugt følgende kilder:" head other
        # things as often as sources: such a line heads the list only when an entry starts
        # on the next line and an entry carries a year (or it is a list of several).
        for m in _WEAK_HEADING.finditer(text):
            entries = split_reference_entries(text, m.end(), len(text))
            if _opens_at_once(text, m.end(), entries) and all(e - s <= 400 for s, e in entries) and (
                    any(_year_match(text[s:e]) or re.search(r",\s(?:1[6-9]\d\d|20\d\d)\.?$", text[s:e]) for s, e in entries)):
                last = m
    if last is None:
        return None
    return last.end(), len(text)


# Words one of which each heading pattern needs (case-folded): a text without any of
# them is not searched with the pattern, which tries every position of the text.
_HEADING_WORDS = ("kilde", "litteratur", "referen", "bibliogra", "sources", "works cited", "henvisning", "baggrundsmateriale", "literature")
_INLINE_HEADING_WORDS = ("kilde", "litteratur", "referen")
_WEAK_HEADING_WORDS = ("læs", "mere viden", "se også", "baggrund", "dokumentation", "links", "inspiration", "kilde", "tallene",
                       "litteratur", "materialet", "henvisning")


def _holds_any(folded: str, words: tuple[str, ...]) -> bool:
    return any(w in folded for w in words)


_INLINE_HEADING = re.compile(r"^[ \t]*(?:Kilder?|Litteratur|Referencer?|Kildeliste)[ \t]*:[ \t]+(?=\S)", re.MULTILINE)
_WEAK_HEADING = re.compile(
    r"^[ \t]*(?:(?:\d+\.?[ \t]+)?(?:Læs mere|Læs også|Mere viden|Videre læsning|Se også|Baggrund|Baggrundsviden|Dokumentation|"
    r"Links|Links og kilder|Inspiration|Kilder og inspiration)[ \t]*:?|[^\n]*\b(?:følgende|disse|flg\.)[ \t]+kilder[ \t]*:|"
    r"[^\n]{0,60}\b(?:kilder|kilderne|tallene|litteraturen|materialet|henvisninger)\b[^\n:]{0,30}:)[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)


def split_reference_entries(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a reference section into entries, as ``(start, end)`` offsets (see :func:`_split_list`)."""
    return _split_list(text, start, end)[0]


def _split_list(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], int | None]:
    """Split a reference section into entries, as ``(start, end)`` offsets, and say where
    the running text goes on after the list (``None`` when the list runs to the end or to
    "Bilag", "Kontakt").

    An entry starts at a line that opens with a name and carries a year soon
    after (or with a list marker, or as :func:`_yearless_start` describes); the
    lines after it belong to it until an empty line or the next such start. A
    line that follows a line ending mid-sentence (a lower-case word, a comma, a
    hyphen: a PDF broke the entry there) continues the entry even if it looks
    like a start. An entry that ends mid-sentence before an empty line was broken
    by a page: the lines up to the next start (a page number, a running header,
    the rest of the entry) belong to it. A paragraph after an empty line that does
    not look like an entry ("Senest opdateret 10-10-2019") is left out.
    """
    entries: list[list[int]] = []
    pos = start
    open_entry = False
    suspended = False  # the last entry ended mid-sentence before an empty line
    held_end = -1  # where the lines held for a suspended entry end
    held_continues = False  # a held line reads as the rest of the entry
    previous = ""
    after_blank = False
    resume: int | None = None
    first_indent: int | None = None  # entries "hang": their further lines are indented
    for line in text[start:end].split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if not line.strip():
            after_blank = bool(entries)
            if open_entry and not suspended and _ends_open(previous):
                suspended, held_end, held_continues = True, -1, False
            elif not suspended:
                open_entry = False
            continue
        if _SECTION_END.match(line):
            break  # "Bilag", "Kontakt": the list is over
        broken = open_entry and not suspended and _ends_open(previous)
        marker = _LIST_MARKER.match(line)
        ends_entry = previous.endswith(".") or bool(re.search(r"https?://\S+$|www\.\S+$", previous))
        furniture = _is_furniture(line, text, previous)
        if after_blank and (_NUMBERED_HEADING.match(line) or _DATE_ONLY.match(line)):
            resume = line_start
            break  # "2. Frivilligcentre" after an empty line: the next chapter
        if furniture and entries and not suspended and not _ends_open(previous):
            continue  # a running header or footer after a finished entry belongs to no entry
        closed = not entries or not _ends_open(previous)
        indent = len(line) - len(line.lstrip())
        hanging = bool(entries) and first_indent is not None and indent >= first_indent + 2 and not marker
        starts = not furniture and not hanging and bool((not entries and _YEAR_LAST.match(line)) or marker or (not broken and _AUTHORS_LINE.match(line)) or (_STRONG_START.match(line) and not (broken and previous.rstrip()[-1:] in ",;&")) or (_ENTRY_START.match(line) and not broken and _names_first(line))
                                        or (not (broken and _surely_broken(previous, line)) and _yearless_start(line, ends_entry, closed)))
        if after_blank and not suspended and not furniture and (
                (not starts and _is_prose(line)) or (not marker and _is_running_text(line))):
            resume = line_start
            break  # "Indstilling: Forvaltningen indstiller, at ...": the text goes on after the list
        after_blank = False
        if suspended:
            if not starts:
                held_end = line_end
                held_continues = held_continues or bool(re.match(r"\s*(?:[a-zæøå]|\d+\.?\s+[a-zæøå]|https?://|www\.)", line))
                if held_end - entries[-1][1] > 400:  # too far for a page break
                    suspended, open_entry = False, False
                continue
            if held_end > 0:
                entries[-1][1] = held_end
            suspended = False
        if starts:
            entries.append([line_start + (marker.end() if marker else len(line) - len(line.lstrip())), line_end])
            if first_indent is None:
                first_indent = indent
            open_entry = True
        elif open_entry and entries:
            entries[-1][1] = line_end
        previous = line.rstrip()
    if suspended and held_end > 0 and held_continues:
        entries[-1][1] = held_end  # the list ends with the broken entry's rest
    return [(s, e) for s, e in entries], resume


_PAGE_NUMBER = re.compile(r"[ \t]*(?:[-–][ \t]*)?(?:[Ss]ide[ \t]+)?\d{1,4}(?:[ \t]*(?:af|/)[ \t]*\d{1,4})?(?:[ \t]*[-–])?[ \t]*$|.*[ \t][-–·|][ \t]+[Ss]ide[ \t]+\d{1,4}[ \t]*$")


@functools.lru_cache(maxsize=8)
def _line_counts(text: str) -> Counter:
    """How often each (stripped) line occurs in the text: a running header repeats."""
    return Counter(line.strip() for line in text.split("\n"))


def _is_furniture(line: str, text: str, previous: str) -> bool:
    """Whether a line is page furniture, not part of an entry: a running header in capitals,
    a line with a wide gap before a page number ("WORKING PAPER 2021:2      7"), a page
    number ("Side 4", "– 3 –"), a line repeated elsewhere in the text (a running header),
    or, after an entry that ended with a full stop, a short sub-heading ("Kommunale
    dokumenter")."""
    body = line.strip()
    if (body.isupper() and not body.endswith(".")) or re.search(r"\S\s{5,}\S.{0,20}$", line) or _PAGE_NUMBER.match(line):
        return True
    if len(body) >= 12 and not body.endswith(".") and _line_counts(text)[body] >= 2 and not _year_match(body):
        return True
    words = body.split()
    return (previous.endswith(".") and 1 <= len(words) <= 4 and body[0].isupper() and not re.search(r"[\d.,:;)]$|\d", body))


# "Clary, E.G., Snyder, M., Ridge, R.D., ... Haugen, J. &": authors only, the year on the next line
_AUTHORS_LINE = re.compile(r"[ \t]*(?:(?:von|van|de|la)\s)?[A-ZÆØÅ][\w'’\-]+,\s(?:[A-ZÆØÅ]\.\s?-?)+(?:,\s(?:(?:von|van|de|la)\s)?[A-ZÆØÅ][\w'’\-]+,\s(?:[A-ZÆØÅ]\.\s?-?)+)+,?\s(?:&|og|and)[ \t]*$")
_NUMBERED_HEADING = re.compile(r"[ \t]*\d{1,2}(?:\.\d{1,2})*\.?[ \t]+[A-ZÆØÅ][^\n.:()]{0,60}$")


def _surely_broken(previous: str, line: str) -> bool:
    """After a line that ends open, whether the next line surely continues it: the line
    ended with a comma or a short word ("i", "The"), or the next line names editors
    ("Dalsgaard (red.): Filantropi i Norden"). An entry that ends without a full stop
    ("… Brøndby: Danmarks Idrætsforbund") may still be followed by a new one."""
    last = previous.split()[-1] if previous.split() else ""
    return previous.rstrip()[-1:] in ",;:&-–" or len(last) <= 3 or bool(re.search(r"\((?:red|eds?)\.\)\s*:", line))


def _ends_open(line: str) -> bool:
    """Whether a line stops mid-sentence: a lower-case word, a comma, a hyphen ("fra",
    "samar-"); a URL or DOI ends an entry in lower case and does not count."""
    words = line.split()
    if not words:
        return False
    last = words[-1]
    if "/" in last or last.startswith(("www.", "doi:")):
        return False
    return last[-1].islower() or last[-1] in ",;:-–&"


_SECTION_END = re.compile(
    r"[ \t]*(?:Bilag|Bilagsliste|Bilagsoversigt|Kontakt|Kontaktoplysninger|Kontaktperson|Noter|Fodnoter|Appendiks|"
    r"Om forfatteren|Om forfatterne|Om rapporten)\b[^\n]{0,40}$|"
    r"[ \t]*(?:Kontakt|Kontaktperson|Sagsbehandler|Redaktion|Udarbejdet af|Yderligere oplysninger)\b"
)
_LOWER_IN_NAMES = frozenset("og for i af til med om på von van de du la le der den det et al red".split())
_LAW_START = re.compile(r"[ \t]*(?:Lov(?:bekendtgørelse)?\s+(?:om|nr\.)|Bekendtgørelse\s+(?:om|nr\.|af\s+lov)|Cirkulære\s+om|[A-ZÆØÅ]\w+loven\b)")
# "Fælles it-drift i mindre kommuner – en foranalyse, Rambøll 2016": title first, the
# author (an organisation) and the year last
_TITLE_FIRST = re.compile(r"[ \t]*[A-ZÆØÅ][^\n]{10,200},[ \t]+[A-ZÆØÅ][\w&.\- ]{0,60}?,?[ \t](?:1[6-9]\d\d|20\d\d)[a-z]?\.?[ \t]*$")
_COLON_ENTRY = re.compile(r"[ \t]*(?P<names>[A-ZÆØÅ][^:\d\"“”()\[\]\n]{0,80}?(?:\s\((?:red|eds?)\.\))?):\s+(?P<rest>\S+(?:\s+\S+){3,})")


def _names_first(line: str) -> bool:
    """Whether a line opens with names (a person, an organisation), not a sentence:
    at most two lower-case words besides "og", "for", "i", ... before the first , . ( or :."""
    head = re.split(r"[,.(:]", line.strip(), maxsplit=1)[0]
    lower = [w for w in head.split() if w[:1].islower() and w not in _LOWER_IN_NAMES]
    return len(lower) <= 2


def _yearless_start(line: str, after_full_entry: bool, closed: bool = False) -> bool:
    """An entry without a year in front: "Holstebro Kommune: Idrætspartnerskab ... Lokaliseret ..."
    (two or more names before the colon: "Odense: Syddansk Universitetsforlag" is a place;
    after an entry that ended with a full stop, a short title will do: "Sønderdal Kommune:
    Ældrepolitik 2022-2026."), after a line that ended a sentence a law ("Lov om social
    service, ...", "Serviceloven § 18, LBK nr. 170"), or, after a full stop, a title
    followed by its author and year ("Fælles it-drift ... – en foranalyse, Rambøll 2016")."""
    m = _COLON_ENTRY.match(line) or (_SHORT_COLON_ENTRY.match(line) if after_full_entry else None)
    names = m.group("names") if m else ""
    if m and ". " not in names and _names_first(names) and (len(names.split()) >= 2 or "," in names) and len(names.split()) <= 8:
        return True
    return bool(_LAW_START.match(line) and (closed or after_full_entry or _LAW_START.match(line).group().strip().endswith("loven"))) or bool(after_full_entry and _TITLE_FIRST.match(line)) or bool(closed and _ORG_FIRST.match(line))


# "Skattestyrelsen. Moms af ...", "Digitaliseringsstyrelsen: Den fællesoffentlige ...":
# one word that names an organisation, then the title
_ORG_FIRST = re.compile(
    r"[ \t]*(?:[A-ZÆØÅ]\w*(?:styrelsen|rådet|ministeriet|institut|instituttet|centret|center|fonden|forbundet|"
    r"sekretariatet|tilsynet|direktoratet|agenturet|forening|foreningen)|[A-ZÆØÅ]{2,6})[.:][ \t]+[A-ZÆØÅ]\w*[ \t]+\w"
)


# "Gode samarbejdsaftaler – en skabelon. Frivilligcentrene i Region Sjælland, 2021." opening a list
_YEAR_LAST = re.compile(r"[ \t]*[A-ZÆØÅ][^\n]{10,250}[,.][ \t](?:1[6-9]\d\d|20\d\d)[a-z]?\.?[ \t]*$")
_SHORT_COLON_ENTRY = re.compile(r"[ \t]*(?P<names>[A-ZÆØÅ][^:\d\"“”()\[\]\n]{0,80}?):\s+(?P<rest>[A-ZÆØÅ]\S*(?:\s+\S+){0,3}\.)[ \t]*$")


_DATE_ONLY = re.compile(r"[^()\n]*\b\d{1,2}\.\s(?:januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)\s(?:1[6-9]\d\d|20\d\d)\.?[ \t]*$", re.IGNORECASE)


def _is_running_text(line: str) -> bool:
    """A paragraph, not an entry: ten or more lower-case words and no year in its first
    80 characters (an author–year entry gives its year early)."""
    return len(line) > 120 and sum(1 for w in line.split() if w[:1].islower()) >= 10 and not _YEAR_ANCHOR.search(line[:80])


def _is_prose(line: str) -> bool:
    """Whether a line reads as running text (six or more lower-case words), not as an entry."""
    return sum(1 for w in line.split() if w[:1].islower()) >= 6


_NAME_PART = r"(?:[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ]?[a-zæøåéü]+)*|[A-ZÆØÅ]\.)"
_NATURAL_NAME = re.compile(rf"{_NAME_PART}(?:\s{_NAME_PART}){{1,3}}")  # "Dorte Skot-Hansen", "Casper Hvenegaard Rasmussen"


def _split_names(raw: str) -> list[dict[str, str]]:
    raw = raw.strip().rstrip(",:;").strip()
    if raw.endswith(".") and not re.search(r"(?:^|[\s.\-])[A-ZÆØÅ]\.$", raw):
        raw = raw[:-1]  # a full stop after the names, not an initial's
    if fold_name(raw) in _ALIASES:
        return [{"literal": raw}]  # "Frivilligcentre og Selvhjælp Danmark": one organisation, not two
    raw = re.sub(rf"[,\s]*{_ETAL}$", "", raw).strip().rstrip(",")
    if not raw:
        return []
    people: list[dict[str, str]] = []
    chunks = _merge_suspended(re.split(r"\s*(?:&|\bog\b|\band\b|;)\s*", raw), raw)
    for chunk in chunks:
        chunk = chunk.strip().strip(",")
        if not chunk:
            continue
        pieces = [p.strip() for p in chunk.split(",") if p.strip()]
        if "-," in chunk or re.search(r"-\s+(?:og|&)\s", chunk):
            people.append({"literal": chunk})  # "Transport-, Bygnings- og Boligministeriet"
            continue
        natural = [p for p in pieces[2:] if _NATURAL_NAME.fullmatch(p)]
        if len(pieces) >= 3 and len(natural) == len(pieces) - 2:
            # Chicago: "Jochumsen, Henrik, Casper Hvenegaard Rasmussen": the first
            # name inverted, the others in natural order.
            people.append({"family": pieces[0], "given": pieces[1]})
            for name in natural:
                words = name.split()
                people.append({"family": words[-1], "given": " ".join(words[:-1])})
        # "Ibsen, B., Levinsen, K." — family, given, family, given ...
        elif len(pieces) >= 2 and all(len(p.split()) <= 4 for p in pieces):
            if len(pieces) % 2 == 1 and re.fullmatch(r"[A-ZÆØÅ][\w\-]+", pieces[-1]):
                pieces.append("")
            for i in range(0, len(pieces) - 1, 2):
                family, given = pieces[i], pieces[i + 1]
                if re.search(r"\b(?:red|eds?)\.?$", given):
                    given = re.sub(r"\s*\(?(?:red|eds?)\.?\)?$", "", given)
                people.append({"family": family, "given": given} if given else {"family": family})
        elif people and "family" in people[0] and _NATURAL_NAME.fullmatch(chunk):
            words = chunk.split()  # "Defourny, Jacques & Marthe Nyssens": the second name in natural order
            people.append({"family": words[-1], "given": " ".join(words[:-1])})
        else:
            # Reference lists write people "Family, Given"; a name without a comma
            # in the author position is an organisation ("Ældre Sagen", "KL").
            people.append({"literal": chunk})
    return people


def _year_match(entry: str) -> re.Match[str] | None:
    return re.search(rf"\(\s*(?P<y>{_YEAR})(?:,[ ][^()\n]{{1,25}}|[ ]\[\d{{4}}\])?\s*\)|(?<=[,.]\s)(?P<y2>{_YEAR})(?=[.,:)])|(?<=\s)(?P<y3>{_YEAR})(?=[.:])|{_TRAILING_YEAR}", entry)


_MONTH_NAMES = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december")
# "…, 2019" or "…, 3. oktober 2023" closing an entry that gives its year last
_TRAILING_YEAR = "(?:(?<=,\\s)|" + "|".join(f"(?<={m}\\s)" for m in _MONTH_NAMES) + ")(?P<y4>(?:1[6-9]\\d\\d|20\\d\\d))\\.?\\s*$"


_EDITION = re.compile(r"\s*\(\d+\.\s*(?:udg|udgave|ed|oplag)\.?\)")
_BOOK_PUBLISHERS = re.compile(
    r"Forlag|forlag|Press|Gyldendal|Samfundslitteratur|Reitzel|Frydenlund|Routledge|Palgrave|Akademisk|Klim|Politikens|Sage|SAGE|"
    r"Springer|Polity|Edward Elgar|Bloomsbury|Informations|Unge Pædagoger|Munksgaard|Djøf|Columbia|Cambridge University|Oxford University"
)


def _tail_start(rest: str) -> int:
    """Where the title ends: the earliest container, journal, place–publisher, series, URL or edition."""
    candidates = []
    patterns = (
        r"(?<=[.?!])\s+I:?\s+\S",
        r"(?<=[.?!])\s+[^.?!]{2,150}?,?\s+(?:(?:årg\.|vol\.|Vol\.|bd\.)\s*)?\d+\s*\(",
        r"(?<=[.?!])\s+[^.?!]{2,150}?,\s+(?:årg\.|vol\.|Vol\.|bd\.|nr\.)\s*\d",
        r"(?<=[.?!])\s+(?:[A-ZÆØÅ][a-zæøå]{1,3}\.\s)?[A-ZÆØÅ][\w\-/]*(?:\s[A-ZÆØÅ][\w\-/]*)?(?:,\s?[A-Z]{2})?\.?\s?:\s",
        r"(?<=[.?!])\s+\d+\.\s*(?:udg|udgave|oplag)\.",
        r"(?<=[.?!])\s+[^.?!]{2,150}?,?\s+(?:nr\.\s*)?\(?\d+[A-Z]?\)?,\s*(?:s\.\s*)?\d+\s*[-–]\s*\d+",  # "Journal, 17, 61-80"
        r"(?<=[.?!])\s+[^.?!]{2,80}?\s+nr\.\s*\d",  # "Social Kritik nr. 147"
        r"(?<=[.?!])\s+(?:Hentet|Besøgt|Lokaliseret|Tilgængelig|Set|Available at|Retrieved from)\b",
        r"(?<=[.?!])\s+(?:Serie|Skriftserie\w*|Rapportserie|Working [Pp]aper|Arbejdspapir|Udarbejdet af|En del af|Speciale|Kandidatspeciale|Ph\.d\.|"
        r"Masterprojekt|Masterafhandling|Bachelorprojekt|Afhandling)",
        # APA 7: a description in square brackets, a series, number or edition in brackets after the title
        r"\s\[[^\[\]]{3,120}\](?=\.|\s*$)",
        r"\s\((?:\d+(?:\.|nd|rd|th|st)?\s*(?:ed|udg|udgave|edition)\.?|[^()]{0,60}(?:[Rr]apport|[Rr]eport|[Pp]apers?|Movements?|[Nn]otat|[Ss]erie|[Ss]eries|nr\.|No\.)[^()]{0,30})\)(?=\.|\s*$)",
        # APA 7: the publisher alone after the title, no place
        r"(?<=[.?!])\s+[^.?!:]{2,90}?(?:Press|Forlag|forlag|Publishing|Publishers|Universitet|University|[Mm]inisteriet|[Ss]tyrelsen|Schuster|Macmillan|Routledge|SAGE|Sage|Springer|Gyldendal|Reitzels|Samfundslitteratur|Arbejde|Network|Institut|Kommune|KL|VIVE)\.?\s*$",
        r"(?<=[.?!])\s+[^.?!:]{1,60}?\s\d{2,4}:\d+",  # "Movements 2019:6", "Rapport 14:02"
        r"(?<=[.?!])\s+[\w\-]*[Rr]apport(?:en)?\b[^.?!]{0,30}\d",  # "KORA-rapport 11048"
        r"(?<=[.?!])\s+Frivilligrapporten\b",
        # a last part that names a journal, an institute or a report series, alone or before a place
        r"(?<=[.?!])\s+[^.?!]{0,60}(?:Institut|institut|Forum|Tidsskrift|tidsskrift|Sociologi|Review|Journal|Quarterly|[Ss]kriftserie|Report|[Rr]apport|Analyse|Forskning)\b[^.?!:]{0,40}\.?\s*(?:$|(?:[A-ZÆØÅ][a-zæøå]{1,3}\.\s)?[A-ZÆØÅ][\w\-/]*\s?:|Tilgængelig|https?://)",
        r"(?<=[.?!])\s+[^.?!]{2,60}\.\s+(?:https?://|www\.)",  # a site's name before its URL
        r"\s(?:https?://|www\.)",
        r"(?<=[.?!])\s+[A-ZÆØÅ][\w\-]+\.?$",
    )
    for pat in patterns:
        m = re.search(pat, rest)
        if m:
            candidates.append(m.start())
    m = _EDITION.search(rest)
    if m:
        candidates.append(m.start())
    return min(candidates) if candidates else len(rest)


def parse_reference(entry: str) -> dict[str, Any]:
    """Parse one reference entry into a CSL-JSON item (rules; see the module doc).

    The title runs from the year to the first part that belongs to the source:
    a container ("I: … (red.)"), a journal with volume(issue), "Place: Publisher",
    a series, a URL or an edition; subtitles stay in the title.

    >>> item = parse_reference("Ibsen, Bjarne & Levinsen, Klaus (2019). Foreninger og frivillige. Odense: Syddansk Universitet.")
    >>> item["author"], item["issued"], item["title"], item["publisher-place"]
    ([{'family': 'Ibsen', 'given': 'Bjarne'}, {'family': 'Levinsen', 'given': 'Klaus'}], {'date-parts': [[2019]]}, 'Foreninger og frivillige', 'Odense')
    """
    text = " ".join(_HYPHEN_BREAK.sub("", _drop_page_furniture(entry)).split())
    item: dict[str, Any] = {"type": "book"}
    tf = _TITLE_FIRST_PARTS.match(text)
    if tf and not _COLON_AUTHORS.match(text) and not _STRONG_START.match(text) and not _LAW_START.match(text):
        # "Ensomhed blandt ældre i Danmark – en kortlægning, Rambøll 2020"
        item["type"] = "report"
        item["author"] = [{"literal": tf.group("org").strip()}]
        year = tf.group("year")
        item["issued"] = {"date-parts": [[int(year[:4])]]}
        if len(year) > 4:
            item["year-suffix"] = year[4:]
        item["title"] = tf.group("title").strip()
        return item
    ym = _year_match(text)
    if ym is None or _LAW_START.match(text):
        colon = _COLON_AUTHORS.match(text)
        if _LAW_START.match(text):
            item["type"] = "report"  # a law or an order: its name is its title
            item["title"] = re.split(r",\s", text, maxsplit=1)[0].rstrip(".")
        elif colon and len(colon.group("names").split()) <= 8 and _names_first(colon.group("names")):
            # "Holstebro Kommune: Idrætspartnerskab Holstebro – aftaletekst. Lokaliseret d. ..."
            authors = _split_names(colon.group("names"))
            if authors:
                item["author"] = authors
            rest = text[colon.end() :]
            cut = _tail_start(rest)
            item["title"] = rest[:cut].strip().rstrip(".").strip()
            _parse_tail(rest[cut:].strip().lstrip(".").strip(), item)
        else:
            item["title"] = text.rstrip(".")
        return item
    year = _normalise_year(ym.group("y") or ym.group("y2") or ym.group("y3") or ym.group("y4"))
    first_published = re.match(r"\s\[(\d{4})\]", text[ym.end("y") :]) if ym.group("y") else None
    if first_published and year.isdigit():
        year = f"{first_published.group(1)}/{year}"  # "(1991 [1945])" as "(1945/1991)"
    names = text[: ym.start()].rstrip(" (,")
    colon = _COLON_AUTHORS.match(text)
    if colon and colon.end() <= ym.start() and not re.search(r"\.\s+[A-ZÆØÅ][a-zæøå]{2,}", colon.group("names")):
        # "Ibsen, Bjarne: Titel. Odense, 2019." (the year at the end): names before the colon,
        # the year taken out of the rest.
        names = colon.group("names")
        before = text[colon.end() : ym.start()].rstrip(" ,(")
        before = re.sub(r",?\s*(?:\d{1,2}\.\s*)?(?:" + "|".join(_MONTH_NAMES) + r")\s*$", "", before, flags=re.IGNORECASE)  # "…, 3. oktober 2023"
        after = text[ym.end() :].lstrip(" ).,")
        if _tail_start(before) == len(before) and not re.match(r"[\"“”«»']", before) and ". " in before:
            # "Titel. UCC og Roskilde Universitet, 2015.": what stands before the year is the publisher.
            cut = before.rindex(". ")
            item = _parse_after_year(item, names, year, (before[: cut + 1] + " " + after).strip())
            publisher = before[cut + 2 :].strip().rstrip(".,")
            if publisher and "publisher" not in item:
                item["publisher"] = publisher
                if item["type"] in ("book", "report"):
                    item["type"] = "book" if _BOOK_PUBLISHERS.search(publisher) else "report"
            return item
        return _parse_after_year(item, names, year, (before + " " + after).strip())
    rest = text[ym.end() :].lstrip(" ).:,")
    return _parse_after_year(item, names, year, rest)


_COLON_AUTHORS = re.compile(r"(?P<names>[A-ZÆØÅ][^:\d\"“”()\[\]]{1,120}?(?:\s\((?:red|eds?)\.\))?):\s+(?=\S)")
_TITLE_FIRST_PARTS = re.compile(r"(?P<title>[A-ZÆØÅ][^\n]{10,200}),\s+(?P<org>[A-ZÆØÅ][\w&.\- ]{0,60}?),?\s(?P<year>(?:1[6-9]\d\d|20\d\d)[a-z]?)\.?\s*$")


def _drop_page_furniture(entry: str) -> str:
    """An entry broken by a page holds the page's number and running header between
    empty lines: keep what comes before, and from the first line that reads as the
    rest of the entry (lower case, a date, a URL; else the last line)."""
    lines = entry.split("\n")
    blank = next((i for i, ln in enumerate(lines) if not ln.strip()), None)
    if blank is None:
        return entry
    rest = [ln for ln in lines[blank:] if ln.strip()]
    if not rest:
        return "\n".join(lines[:blank])
    k = next((j for j, ln in enumerate(rest) if re.match(r"\s*(?:[a-zæøå]|\d+\.?\s+[a-zæøå]|https?://|www\.)", ln)), len(rest) - 1)
    return "\n".join(lines[:blank] + rest[k:])


def _parse_after_year(item: dict[str, Any], names: str, year: str, rest: str) -> dict[str, Any]:
    """Fill ``item`` from the entry's names, its year and the text after them."""
    em = re.search(r",?\s*(?:\((?:red|eds?|Ed|Eds|Hrsg)\.?\)|\b(?:red|eds?|Hrsg)\.)$", names)
    alias = None if em else re.search(r"\s*(?:\(([^()]{2,60})\)|\[([^\[\]]{2,60})\])$", names)
    if em:
        editors = _split_names(names[: em.start()])
        if editors:
            item["editor"] = editors
    elif alias and "," not in names:
        # "Frivilligcentre og Selvhjælp Danmark (FriSe)", "KL (Kommunernes Landsforening)":
        # one organisation and its other name, which linking uses.
        item["author"] = [{"literal": names[: alias.start()].strip()}]
    else:
        authors = _split_names(names)
        if authors:
            item["author"] = authors
    if re.fullmatch(r"\d{4}/\d{4}", year):
        # "(1944/2001)": first published 1944, the edition used 2001
        item["issued"] = {"date-parts": [[int(year[5:])]]}
        item["original-date"] = {"date-parts": [[int(year[:4])]]}
    elif year[:4].isdigit():
        item["issued"] = {"date-parts": [[int(year[:4])]]}
        if len(year) > 4:
            item["year-suffix"] = year[4:]
    else:
        item["issued"] = {"literal": year}
    quoted = re.match(r"[\"“”«»]\s*(?P<t>[^\"“”«»]{1,400}?)\s*[\"“”«»]|['‘’](?P<t2>[^'‘’]{1,400}?)['‘’](?=[,.])", rest)
    if quoted and re.match(r"\s*(?::|[–-]\s)", rest[quoted.end() :]):
        quoted = None  # '"Vi tæller ikke kopper kaffe" – dokumentation i ...': the quotation opens the title
    if quoted:  # Chicago: "Title." Container ...
        item["title"] = (quoted.group("t") or quoted.group("t2")).strip().rstrip(".").strip()
        tail = rest[quoted.end() :].strip().lstrip(".,").strip()
        tail = re.sub(r"^i\s+(?=[^()]{1,200}\((?:red|eds?)\.?\))", "I: ", tail)  # "i Ibsen, B. (red.)"
    else:
        cut = _tail_start(rest)
        item["title"] = _EDITION.sub("", rest[:cut]).strip().rstrip(".").strip()
        tail = rest[cut:].strip().lstrip(".").strip()
    _parse_tail(tail, item)
    if item["type"] in ("book", "report"):
        item["type"] = "book" if _BOOK_PUBLISHERS.search(item.get("publisher", "")) else "report"
    return item


_HYPHEN_BREAK = re.compile(r"(?<=[a-zæøå])-[ \t]*\n[ \t]*(?=[a-zæøå])")


def _parse_tail(tail: str, item: dict[str, Any]) -> None:
    url = _URL.search(tail)
    if url:
        item["URL"] = url.group().rstrip(".,")
        item["type"] = "webpage"
    doi = _DOI.search(tail)
    if doi:
        item["DOI"] = doi.group(1).rstrip(".,")
    hm = re.search(r"\b(?:hentet|besøgt|lokaliseret|set|accessed)\s+(?:d\.\s*|den\s+)?(\d{1,2})\.?\s*([a-zæøå]+\.?|\d{1,2}\.?)\s*(\d{4})", tail, re.IGNORECASE)
    if hm:
        month = _MONTHS.get(hm.group(2).rstrip(".").lower()[:3]) if not hm.group(2)[0].isdigit() else int(hm.group(2).rstrip("."))
        if month:
            item["accessed"] = {"date-parts": [[int(hm.group(3)), month, int(hm.group(1))]]}
    cm = re.match(r"I:?\s+(?P<c>.+)", tail)
    if cm:
        item["type"] = "chapter"
        container = cm.group("c")
        ed = re.match(r"(?P<eds>[^()]{1,200}?)\s*\((?:red|eds?)\.?\)\s*[,:]?\s*(?P<rest>.*)", container)
        if ed:
            item["editor"] = _split_names(ed.group("eds"))
            container = ed.group("rest")
        parts = re.split(r"(?<=[.?!])\s+", container, maxsplit=1)
        item["container-title"] = parts[0].strip().rstrip(".,")
        tail = parts[1] if len(parts) > 1 else ""
    jm = re.match(r"(?P<j>[^,.]{2,150}?),?\s+(?:(?:årg\.|vol\.|bd\.)\s*)?(?P<v>\d+)\s*\((?P<i>[\w\-/]+)\)\s*[,:]?\s*(?:s\.\s*|pp\.\s*)?(?P<p>\d+\s*[-–]\s*\d+)?", tail) or re.match(
        r"(?P<j>[^,.]{2,150}?),\s*(?:årg\.|vol\.|Vol\.|bd\.)\s*(?P<v>\d+),\s*(?:nr\.|no\.|hæfte)\s*(?P<i>[\w\-/]+)(?:,\s*(?:s\.\s*|pp\.\s*)?(?P<p>\d+\s*[-–]\s*\d+))?", tail)
    if jm and item["type"] != "chapter":
        item["type"] = "article-journal"
        item["container-title"] = jm.group("j").strip()
        item["volume"] = jm.group("v")
        item["issue"] = jm.group("i")
        if jm.group("p"):
            item["page"] = jm.group("p").replace(" ", "")
        return
    pm = re.search(r"(?:s\.|pp\.)\s*(\d+\s*[-–]\s*\d+)", tail)
    if pm:
        item["page"] = pm.group(1).replace(" ", "")
    sm = re.search(r"(?:Serie|Skriftserie|Rapportserie)\s*:\s*(?P<s>[^,.]+?)(?:,\s*(?P<n>[\w:/\-]+))?\s*[.]", tail)
    if sm:
        item["collection-title"] = sm.group("s").strip()
        if sm.group("n"):
            item["collection-number"] = sm.group("n")
        item["type"] = "report"
    if re.search(r"\b(?:speciale|specialeafhandling|ph\.d\.-afhandling|afhandling|kandidatspeciale|bachelorprojekt|masterprojekt|masterafhandling)\b", tail, re.I):
        item["type"] = "thesis"
        # "[Ph.d.-afhandling, Roskilde Universitet]", "Masterprojekt, Master of Public Health, Københavns Universitet."
        inst = re.search(r"(?:afhandling|speciale|projekt)[^,\]]*(?:,[^,\]]*)*?,\s*(?P<i>[^,\]]*(?:Universitet|University|Højskole|[Hh]øjskolen[^,\]]*|Handelshøjskole|Professionshøjskole[^,\]]*))", tail, re.I)
        if inst:
            item["publisher"] = inst.group("i").strip().rstrip(".")
            return
    if re.search(r"\b(?:rapport|report|notat|analyse|VIVE|KORA|SFI|arbejdspapir|working paper)\b", tail + " " + item.get("title", ""), re.I) and item["type"] == "book":
        item["type"] = "report"
    # Place: Publisher — "Kbh.: Hans Reitzels Forlag", "Odense: Syddansk Universitetsforlag".
    for m in re.finditer(r"(?:^|[.,]\s+)(?P<place>(?:[A-ZÆØÅ][a-zæøå]{1,3}\.\s)?[A-ZÆØÅ][\w\-/]*(?:\s[A-ZÆØÅ][\w\-/]+)?(?:,\s?[A-Z]{2})?\.?)\s?:\s*(?P<pub>[^.:]{2,200}?)(?:\.\s|\.$|,\s*s\.|$)", tail):
        place = m.group("place")
        if place.rstrip(".") in ("Serie", "Skriftserie", "Rapportserie", "I", "URL", "DOI", "Hentet", "Tilgængelig"):
            continue
        item["publisher-place"] = place
        publisher = m.group("pub").strip().rstrip(".,")
        pages = re.search(r",\s*(?:s\.\s*)?(\d+\s*[-–]\s*\d+)$", publisher)
        if pages:  # "Syddansk Universitetsforlag, 69-92" (a chapter's pages)
            item.setdefault("page", pages.group(1).replace(" ", ""))
            publisher = publisher[: pages.start()]
        item["publisher"] = publisher
        break
    else:
        lone = re.search(r"(?:^|[.]\s+)(?P<place>København|Kbh\.|Aarhus|Århus|Odense|Aalborg|Roskilde|Frederiksberg|Esbjerg|Oslo|Stockholm|Bergen|London|Kolding|Vejle)\.?$", tail)
        if lone:
            item["publisher-place"] = lone.group("place")
        if item["type"] in ("report", "book") and tail and not url:
            last = tail.rstrip(". ").split(". ")[-1].strip()
            if last and not re.search(r"\d{4}:\d", last) and not last.startswith(("Serie", "Udarbejdet", "En del")) and len(last) < 120:
                item.setdefault("publisher", last)


_MONTHS = {m[:3]: i + 1 for i, m in enumerate(
    ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"])}
_MONTHS["mar"] = 3


def find_references(text: str) -> list[Reference]:
    """Find the reference list and parse its entries into CSL-JSON.

    >>> refs = find_references("Tekst.\\n\\nLitteratur\\n\\nKL (2020). Frivillighed i kommunerne. København: KL.\\n")
    >>> refs[0].csl["author"], refs[0].year
    ([{'literal': 'KL'}], '2020')
    """
    refs: list[Reference] = []
    for s, e in _reference_lists(text)[1]:
        entry = text[s:e]
        csl = parse_reference(entry)
        if refs and re.match(_SAME_AUTHOR, entry):
            # "——— (2021)": the same author(s) as the entry before.
            csl.pop("author", None)
            csl.pop("editor", None)
            for role in ("author", "editor"):
                if role in refs[-1].csl:
                    csl[role] = [dict(p) for p in refs[-1].csl[role]]
                    break
        refs.append(Reference(entry, s, e, csl))
    return refs


# ------------------------------------------------------------------ linking


@functools.lru_cache(maxsize=65536)
def fold_name(name: str) -> str:
    """Fold a name for matching: case, æ/ae, ø/oe, å/aa and diacritics ignored.

    >>> fold_name("Hjære") == fold_name("Hjaere") == fold_name("HJÆRE")
    True
    """
    s = name.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if ch.isalnum())


_LOOSE = (("aa", "a"), ("å", "a"), ("ø", "o"), ("oe", "o"), ("æ", "a"), ("ae", "a"), ("ü", "u"), ("ue", "u"), ("ö", "o"), ("ä", "a"))


@functools.lru_cache(maxsize=65536)
def loose_name(name: str) -> str:
    """A looser key than :func:`fold_name`, for names spelt without Danish letters:
    "Sorensen" and "Sørensen", "Mueller" and "Müller", "Aagaard" and "Ågaard" meet."""
    s = name.casefold()
    for a, b in _LOOSE:
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if ch.isalnum())


_PARTICLES = ("von ", "van ", "de ", "du ", "da ", "di ", "la ", "le ", "der ", "den ")


def _bare_name(name: str) -> str:
    """A name without a leading particle: "von Hausen" → "Hausen", "la Cour" → "Cour"."""
    lower = name.lower()
    for p in _PARTICLES:
        if lower.startswith(p) and len(name) > len(p):
            return name[len(p) :]
    return name


def _genitive_base(name: str) -> str:
    return re.sub(r"(?:'s|’s|s)$", "", name) if len(name) > 3 or "'" in name or "’" in name else name


def _name_keys(name: str) -> list[str]:
    """Keys to try for a cited name, best first: as written, without a genitive
    ("Socialstyrelsens", "KL's"), loosely spelt, and without a particle ("von Hausens")."""
    base = _genitive_base(name)
    keys = [fold_name(name)]
    if base != name:
        keys.append(fold_name(base))
    keys += ["~" + loose_name(name)] + (["~" + loose_name(base)] if base != name else [])
    bare = _bare_name(base)
    if bare != base:
        keys += [fold_name(bare), "~" + loose_name(bare)]
    return keys


def _first_name(ref: Reference) -> str | None:
    people = ref.csl.get("author") or ref.csl.get("editor") or []
    if not people:
        return None
    return people[0].get("family") or people[0].get("literal")


_ALIAS = re.compile(r"[\[(]([^\[\]()]{2,80})[\])]|\s[–-]\s(.{2,80})$")


def _ref_names(ref: Reference) -> list[str]:
    """The first author's name and its other forms in the entry: "KL (Kommunernes
    Landsforening)", "Landsbyggefonden [LBF]", "CFSA – Center for Frivilligt Socialt Arbejde"."""
    name = _first_name(ref)
    if not name:
        return []
    names = [name, _bare_name(name)]
    head = ref.text[: max(0, ref.text.find(ref.year))] if ref.year and ref.year in ref.text else ""
    if not (ref.csl.get("author") and "family" in ref.csl["author"][0]):
        for m in _ALIAS.finditer(head.split(",")[0] if "," in head and "(" not in head.split(",")[0] else head):
            alias = (m.group(1) or m.group(2) or "").strip(" .")
            if alias and not re.fullmatch(r"(?:red|eds?|Hrsg)\.?|" + _YEAR, alias):
                names.append(alias)
        for part in re.split(r"\s[–-]\s", name):
            names.append(part.strip())
    return [n for n in dict.fromkeys(names) if n]


#: Abbreviations of Danish organisations that do not spell their names' initials, or
#: whose full name a list may give instead ("DST (2023)" cited as "Danmarks Statistik").
KNOWN_ABBREVIATIONS = {
    "DST": "Danmarks Statistik",
    "KL": "Kommunernes Landsforening",
    "CFSA": "Center for Frivilligt Socialt Arbejde",
    "SBST": "Social- og Boligstyrelsen",
    "SST": "Sundhedsstyrelsen",
    "DIF": "Danmarks Idrætsforbund",
    "DGI": "Danske Gymnastik- og Idrætsforeninger",
    "DUF": "Dansk Ungdoms Fællesråd",
    "EVA": "Danmarks Evalueringsinstitut",
    "IDAN": "Idrættens Analyseinstitut",
    "SLKS": "Slots- og Kulturstyrelsen",
    "STAR": "Styrelsen for Arbejdsmarked og Rekruttering",
    "DKR": "Det Kriminalpræventive Råd",
    "FriSe": "Frivilligcentre og Selvhjælp Danmark",
    "DH": "Danske Handicaporganisationer",
    "VIVE": "Det Nationale Forsknings- og Analysecenter for Velfærd",
    "SFI": "Det Nationale Forskningscenter for Velfærd",
    "KORA": "Det Nationale Institut for Kommuners og Regioners Analyse og Forskning",
}
_ALIASES: dict[str, str] = {}
for _abbr, _full in KNOWN_ABBREVIATIONS.items():
    _ALIASES[fold_name(_abbr)] = fold_name(_full)
    _ALIASES[fold_name(_full)] = fold_name(_abbr)


def _is_abbreviation(name: str) -> bool:
    """"KL", "DST", "SLKS", "FriSe": short, with at least two capitals."""
    return 2 <= len(name) <= 7 and name.isalpha() and sum(ch.isupper() for ch in name) >= 2


def _abbreviates(abbr: str, name: str) -> bool:
    """Whether ``abbr`` can be read off ``name``: its letters in order, the first one
    the name's first letter ("DST" in Danmarks Statistik, "KFST" in Konkurrence- og
    Forbrugerstyrelsen)."""
    a, n = fold_name(abbr), fold_name(name)
    if not a or not n or a[0] != n[0] or len(n) < len(a) + 3:
        return False
    pos = 0
    for ch in a:
        pos = n.find(ch, pos) + 1
        if pos == 0:
            return False
    return True


def _n_authors(ref: Reference) -> int:
    return len(ref.csl.get("author") or ref.csl.get("editor") or [])


def link_citations(citations: list[Citation], references: list[Reference]) -> list[Citation]:
    """Point each citation at its reference: same first family name and year.

    Names are folded (case, æ/ae, diacritics); failing that, a genitive is dropped
    ("Socialstyrelsens (2019)"), names are compared loosely ("Sorensen" and
    "Sørensen") and without a particle ("von Hausens (2018)" and "Hausen,
    Friederike von"). An organisation is also found by the other name its entry
    gives in brackets or after a dash ("KL (Kommunernes Landsforening)"), and an
    abbreviation by an organisation it can be read off ("DST" and "Danmarks
    Statistik") when exactly one such entry has the year. A reference without
    authors is matched on its first editor. When several entries share first name
    and year, the number of authors decides ("m.fl." points to a work with three or
    more, a single name to a single-author work) and then the co-authors. A citation
    "2017" and entries "2017a"/"2017b" stay unlinked (ambiguous); a citation "2017a"
    links to the "2017a" entry only; but when the list has just one work of that name
    and year, a letter on one side only does not matter ("Jensen (2019)" and "Jensen
    (2019a)"). A citation whose name matched through a
    genitive gets the base form as author.
    """
    index: dict[tuple[str, str], list[int]] = {}
    ref_names = [_ref_names(r) for r in references]  # computed once: the fallbacks below look at them often
    ref_years = [r.year.lower() if r.year else None for r in references]
    by_year4: dict[str, list[int]] = {}
    for i, y in enumerate(ref_years):
        by_year4.setdefault(y[:4] if y else "", []).append(i)
    for i, ref in enumerate(references):
        year = ref.year
        if not year:
            continue
        keys: set[str] = set()
        people = ref.csl.get("author") or ref.csl.get("editor") or []
        literal = bool(people) and "literal" in people[0]
        for name in ref_names[i]:
            keys |= {fold_name(name), fold_name(name.split()[-1]), "~" + loose_name(name), "~" + loose_name(name.split()[-1])}
            if not literal and "-" in name.split()[-1]:
                keys |= {fold_name(part) for part in name.split()[-1].split("-") if len(part) > 2}  # "Larsen" for "Brink-Larsen"
            first_word = name.split()[0]
            if first_word.isupper() and len(first_word) >= 2:
                keys.add(fold_name(first_word))
            elif literal and len(name.split()) >= 2 and first_word[:1].isupper() and len(first_word) >= 4:
                keys.add(fold_name(first_word))  # "Rambøll (2020)" for "Rambøll Management Consulting (2020)"
        keys |= {_ALIASES[k] for k in keys if k in _ALIASES}
        years = {year.lower()}
        original = (ref.csl.get("original-date") or {}).get("date-parts") or [[None]]
        if original[0] and original[0][0]:
            years |= {str(original[0][0]), f"{original[0][0]}/{year}"}
        for key in keys:
            for y in years:
                index.setdefault((key, y), []).append(i)

    def named(i: int, keys: set[str]) -> bool:
        return bool(keys & ({fold_name(n) for n in ref_names[i]} | {"~" + loose_name(n) for n in ref_names[i]}))

    out = []
    for c in citations:
        first = c.authors[0] if c.authors else ""
        year = c.year.lower()
        same_year = [i for i in by_year4.get(year[:4], ()) if ref_years[i] == year]
        hits: list[int] = []
        for key in _name_keys(first) + ([fold_name(first.split()[-1])] if " " in first else []):
            for y in (year, *(c.year.split("/")[::-1] if "/" in c.year else ())):
                hits = sorted(set(index.get((key, y), [])))
                if hits:
                    break
            if hits:
                break
        if not hits and _is_abbreviation(_genitive_base(first) if first.endswith("s") and not first.isupper() else first):
            abbr = re.sub(r"(?:'s|’s)$", "", first)
            hits = [i for i in same_year if any(_abbreviates(abbr, n) for n in ref_names[i])]
            hits = hits if len(hits) == 1 else []
        if not hits and first:
            # "Jensen (2019)" cited, only "Jensen (2019a)" listed (or the other way round):
            # the one entry of that name whose year differs only by the letter
            keys = set(_name_keys(first))
            hits = [i for i in by_year4.get(year[:4], ()) if ref_years[i] != year and (year[4:] == "" or ref_years[i][4:] == "") and named(i, keys)]
            hits = hits if len(hits) == 1 else []
        if not hits and first and c.year == "u.å.":
            # "(Digitaliseringsstyrelsen, u.å.)": an entry of that name that gives no year
            keys = set(_name_keys(first))
            hits = [i for i in by_year4.get("", ()) if named(i, keys)]
            hits = hits if len(hits) == 1 else []
        if not hits and " " in first:
            # "Kommunernes Landsforening (2021)" cited, "KL (2021)" listed
            hits = [i for i in same_year if any(_is_abbreviation(n) and _abbreviates(n, first) for n in ref_names[i])]
            hits = hits if len(hits) == 1 else []
        if len(hits) > 1:
            if c.et_al:
                hits = [i for i in hits if _n_authors(references[i]) >= 3] or [i for i in hits if _n_authors(references[i]) >= 2] or hits
            elif len(c.authors) == 1:
                hits = [i for i in hits if _n_authors(references[i]) == 1] or hits
            else:
                # Two works by the same first author and year: the co-authors decide.
                hits = [i for i in hits if _coauthors_match(c, references[i])] or hits
        authors = c.authors
        if hits and fold_name(first) != fold_name(_first_name(references[hits[0]]) or "") and re.search(r"(?:'s|’s|s)$", first):
            base = re.sub(r"(?:'s|’s|s)$", "", first)
            if fold_name(base) == fold_name(_first_name(references[hits[0]]) or "") or loose_name(base) == loose_name(_first_name(references[hits[0]]) or ""):
                authors = (base, *c.authors[1:])
        if len(hits) > 1:
            # the same work listed after two chapters: the list that follows the citation
            hits = [i for i in hits if references[i].start > c.start] or hits
        out.append(replace(c, reference=hits[0] if hits else None, authors=authors))
    return out


def _coauthors_match(c: Citation, ref: Reference) -> bool:
    fams = [fold_name(a.get("family") or a.get("literal") or "") for a in ref.csl.get("author") or ref.csl.get("editor") or []]
    return all(fold_name(a) in fams for a in c.authors[1:])


def extract_citations(text: str) -> tuple[list[Citation], list[Reference]]:
    """Citations (in the running text, not in a reference list) and references of a text, linked.

    >>> cits, refs = extract_citations("Som vist (Ibsen, 2019).\\n\\nLitteratur\\nIbsen, Bjarne (2019). Titel. Odense: SDU.")
    >>> cits[0].reference, refs[0].csl["title"]
    (0, 'Titel')
    """
    regions = reference_regions(text)
    references = find_references(text) if regions else []
    # Citations stand in the running text: before the list, between lists (after a
    # chapter), and after a list that the text goes on from; not in the lists.
    body_end = regions[-1][0] if regions and regions[-1][1] == len(text) else len(text)
    found = find_citations(text, body_end)
    if regions:
        inside = _Spans(regions)
        found = [c for c in found if not inside.holds(c.start)]
    linked = link_citations(found, references)
    if references:
        # "Tortzens undersøgelse (2019)": a genitive name, a noun and a year count when
        # the list has that author and year (alone, the pattern is too often no citation).
        taken = _Spans((c.start, c.end) for c in linked)
        candidates = [c for c in _genitive_narratives(text, body_end) if not taken.overlaps(c.start, c.end)]
        extra = [c for c in link_citations(candidates, references) if c.reference is not None]
        if extra:
            linked = sorted(linked + extra, key=lambda c: c.start)
    return linked, references


_GENITIVE_NARRATIVE = re.compile(
    rf"(?<![\w-])(?P<name>{_NAME})(?:s|'s|’s)\s(?P<noun>[a-zæøå]{{3,25}})\s\((?P<year>(?:1[6-9]\d\d|20\d\d)[a-z]?)(?:,\s*{_PAGES})?\)"
)


def _genitive_narratives(text: str, end: int) -> list[Citation]:
    out = []
    for m in _GENITIVE_NARRATIVE.finditer(text, 0, end):
        name = m.group("name")
        if name in _NOT_AUTHORS or name in _SENTENCE_WORDS:
            continue
        out.append(Citation(m.group(), m.start(), m.end(), (name,), False, m.group("year"), m.group("pages"), narrative=True))
    return out


def unlinked(citations: list[Citation], references: list[Reference]) -> tuple[list[Citation], list[int]]:
    """Citations without a reference, and indexes of references never cited."""
    cited = {c.reference for c in citations if c.reference is not None}
    return [c for c in citations if c.reference is None], [i for i in range(len(references)) if i not in cited]
