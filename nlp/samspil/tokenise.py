"""The Danish spaCy ``Language`` that every document passes through.

``spacy.blank("da")`` with Danish abbreviations that must not end a sentence,
a sentence splitter that also knows paragraph breaks and headings, and a
lookup lemmatizer over the table of spacy-lookups-data.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import numpy as np

from . import _light  # noqa: F401  (before spacy: keeps torch out)
import spacy
from spacy.attrs import IDX, IS_SPACE, LEMMA, LOWER, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

#: Abbreviations whose full stop ends no sentence. "jf." and "bl.a." precede the
#: very words that carry a citation or a label, so a split there would cut the
#: evidence sentence in two.
ABBREVIATIONS: tuple[str, ...] = (
    "jf.", "Jf.", "stk.", "Stk.", "nr.", "Nr.", "bl.a.", "Bl.a.", "fx.", "f.eks.", "F.eks.",
    "m.fl.", "mfl.", "ca.", "Ca.", "kr.", "mio.", "mia.", "inkl.", "ekskl.", "evt.", "Evt.",
    "vedr.", "Vedr.", "mht.", "pga.", "ift.", "iht.", "s.", "pp.", "red.", "bd.", "årg.",
    "udg.", "Kbh.", "kl.", "tlf.", "pkt.", "jan.", "feb.", "aug.", "sept.", "okt.", "nov.", "dec.",
    "u.å.", "et al.", "dvs.", "osv.", "etc.", "mv.", "m.v.", "o.l.", "Hhv.", "hhv.", "ang.", "sml.",
)

_BULLETS = frozenset("-•–*·▪")
_TEXT_KEY = "samspil.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc: spaCy rebuilds it token by token on every access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT_KEY] = text
    return text
_NEWLINES = re.compile(r"\n[ \t]*(\n)?")


@Language.component("samspil/line_breaks")
def split_at_line_breaks(doc: Doc) -> Doc:
    """Sentence starts at paragraph breaks and at line breaks that end a heading,
    a list item or a sentence (after spaCy's sentencizer has split at . ! ?).

    PDF text breaks lines inside sentences, so a line break after a long line that
    ends in a lower-case word or a comma is no boundary; after a short line (a
    heading such as "Sagsfremstilling") followed by a capital it is. Only line
    breaks are visited, so the cost is independent of the number of tokens.
    """
    text = doc_text(doc)
    n = len(doc)
    if "\n" not in text or n < 2:
        return doc
    # Work on arrays and write back once: Token.is_sent_start's setter scans the
    # whole Doc on every call.
    arr = doc.to_array([IDX, IS_SPACE, SENT_START])
    starts = arr[:, 0].astype(np.int64)
    is_space = arr[:, 1] == 1
    sent = arr[:, 2].astype(np.int64)
    line_start = 0
    for m in _NEWLINES.finditer(text):
        here = int(np.searchsorted(starts, m.start(), side="right")) - 1
        if here > 0 and is_space[here]:
            sent[here] = -1  # a blank line is no sentence of its own
        nxt = int(np.searchsorted(starts, m.end()))  # first token at or after the break
        if nxt < n and is_space[nxt]:
            nxt += 1
        if nxt >= n:
            break
        line = text[line_start : m.start()].rstrip()
        line_start = m.end()
        if not line or nxt == 0:
            continue
        first = text[starts[nxt]]
        if m.group(1) is not None:
            sent[nxt] = 1
            continue
        last = line[-1]
        ends_open = last.islower() or last in ",;-&("
        short = len(line.split()) <= 8
        if first in _BULLETS or not ends_open or (short and (first.isupper() or first.isdigit())):
            sent[nxt] = 1
    sent[0] = 1
    sent[sent == 0] = -1
    doc.from_array([SENT_START], sent.astype(np.uint64).reshape(-1, 1))
    return doc


@functools.lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """The Danish lemma lookup table of spacy-lookups-data, as a plain dict.

    spaCy's own lookup lemmatizer hashes every key into a ``Table`` at start-up
    (over a second for Danish); a dict read costs a third of that and keeps the
    command line fast.
    """
    import srsly
    from spacy_lookups_data import get_file

    table = srsly.read_gzip_json(get_file("da_lemma_lookup.json.gz"))
    return {k: v for k, v in table.items() if k.islower() or not k[:1].isalpha()}


def lemmatize(word: str, table: dict[str, str] | None = None) -> str:
    """Lower-cased lemma of a word; unknown words are their own lemma.

    >>> lemmatize("Foreningerne")
    'forening'
    """
    lower = word.lower()
    return (table if table is not None else lemma_table()).get(lower, lower)


_LEMMA_HASHES: dict[int, int] = {}


@Language.component("samspil/lemmatizer")
def set_lemmas(doc: Doc) -> Doc:
    """Lookup lemmas (lower case), from spacy-lookups-data.

    Works on arrays of hashes, one dictionary look-up per word type, so that
    lemmatising costs little beside tokenising.
    """
    if len(doc) == 0:
        return doc
    strings = doc.vocab.strings
    table = lemma_table()
    lowers = doc.to_array(LOWER)
    uniq, inverse = np.unique(lowers, return_inverse=True)
    mapped = np.empty(len(uniq), dtype=np.uint64)
    for k, h in enumerate(uniq.tolist()):
        lemma_hash = _LEMMA_HASHES.get(h)
        if lemma_hash is None:
            lower = strings[h]
            lemma_hash = strings.add(table.get(lower, lower))
            _LEMMA_HASHES[h] = lemma_hash
        mapped[k] = lemma_hash
    doc.from_array([LEMMA], mapped[inverse].reshape(-1, 1))
    return doc


def make_danish(lemmas: bool = True) -> Language:
    """A blank Danish pipeline with samspil's tokenizer exceptions, sentences and lemmas.

    >>> nlp = make_danish()
    >>> [s.text for s in nlp("Vi samarbejder bl.a. med kommunen. Det går godt.").sents]
    ['Vi samarbejder bl.a. med kommunen.', 'Det går godt.']
    """
    nlp = spacy.blank("da")
    add_abbreviations(nlp, ABBREVIATIONS)
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "…"]})
    nlp.add_pipe("samspil/line_breaks")
    if lemmas:
        nlp.add_pipe("samspil/lemmatizer")
    return nlp


def add_abbreviations(nlp: Language, abbreviations: Iterable[str]) -> None:
    """Keep each abbreviation one token, so its full stop ends no sentence."""
    from spacy.symbols import ORTH

    for abbr in abbreviations:
        if " " not in abbr:
            nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
