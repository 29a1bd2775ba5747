"""The Danish spaCy ``Language`` that every document passes through.

``spacy.blank("da")`` with Danish abbreviations that must not end a sentence,
a sentence splitter that also knows paragraph breaks and headings, and a
lookup lemmatizer over the table of spacy-lookups-data.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable

from . import _light  # noqa: F401  (before spacy: keeps torch out)
import spacy
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

_SENT_END = frozenset({".", "!", "?", "…", ":"})
_BULLETS = frozenset({"-", "•", "–", "*", "·", "▪"})


@Language.component("samspil/sentences")
def split_sentences(doc: Doc) -> Doc:
    """Sentence starts after . ! ? (abbreviations are single tokens), at paragraph
    breaks, and at line breaks that end a heading, a list item or a sentence.

    PDF text breaks lines inside sentences, so a line break after a long line that
    ends in a lower-case word or a comma is no boundary; after a short line (a
    heading such as "Sagsfremstilling") followed by a capital it is.
    """
    if len(doc) == 0:
        return doc
    doc[0].is_sent_start = True
    line_len = 0  # words on the current line so far
    last_word = ""
    for i in range(1, len(doc)):
        tok = doc[i]
        before = doc[i - 1]
        if not before.is_space:
            last_word = before.text
            line_len += 1
        breaks = before.text.count("\n") if before.is_space else 0
        breaks += before.whitespace_.count("\n")
        first = tok.text[0]
        if tok.is_space:
            start = False
        elif breaks >= 2:
            start = True
        elif breaks == 1:
            ends_open = last_word[-1].islower() or last_word[-1] in ",;-&(" if last_word else False
            start = first in _BULLETS or not ends_open or (line_len <= 8 and (first.isupper() or first.isdigit()))
        else:
            start = before.text in _SENT_END and (first.isupper() or first.isdigit() or first in _BULLETS or first in "\"'«(")
        tok.is_sent_start = start
        if breaks:
            line_len = 0
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


@Language.component("samspil/lemmatizer")
def set_lemmas(doc: Doc) -> Doc:
    """Lookup lemmas (lower case), from spacy-lookups-data."""
    table = lemma_table()
    for tok in doc:
        if not tok.is_space and not tok.is_punct:
            tok.lemma_ = table.get(tok.lower_, tok.lower_)
    return doc


def make_danish(lemmas: bool = True) -> Language:
    """A blank Danish pipeline with samspil's tokenizer exceptions, sentences and lemmas.

    >>> nlp = make_danish()
    >>> [s.text for s in nlp("Vi samarbejder bl.a. med kommunen. Det går godt.").sents]
    ['Vi samarbejder bl.a. med kommunen.', 'Det går godt.']
    """
    nlp = spacy.blank("da")
    add_abbreviations(nlp, ABBREVIATIONS)
    nlp.add_pipe("samspil/sentences")
    if lemmas:
        nlp.add_pipe("samspil/lemmatizer")
    return nlp


def add_abbreviations(nlp: Language, abbreviations: Iterable[str]) -> None:
    """Keep each abbreviation one token, so its full stop ends no sentence."""
    from spacy.symbols import ORTH

    for abbr in abbreviations:
        if " " not in abbr:
            nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
