"""The Danish spaCy ``Language`` that every document passes through.

``spacy.blank("da")`` with Danish abbreviations that must not end a sentence,
a sentence splitter that also knows paragraph breaks and headings, and a
lookup lemmatizer over the table of spacy-lookups-data.
"""
from __future__ import annotations

# isort: off
from . import _light  # noqa: F401  (first: keeps thinc from importing torch)
# isort: on

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import spacy
import srsly
from spacy.attrs import IDX, IS_SPACE, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc

from .normalise import BULLETS

#: Abbreviations whose full stop ends no sentence. "jf." and "bl.a." precede the
#: very words that carry a citation or a label, so a split there would cut the
#: evidence sentence in two.
ABBREVIATIONS: tuple[str, ...] = (
    "jf.", "Jf.", "stk.", "Stk.", "nr.", "Nr.", "bl.a.", "Bl.a.", "fx.", "f.eks.", "F.eks.",
    "m.fl.", "mfl.", "ca.", "Ca.", "kr.", "mio.", "mia.", "inkl.", "ekskl.", "evt.", "Evt.",
    "vedr.", "Vedr.", "mht.", "pga.", "ift.", "iht.", "s.", "pp.", "red.", "bd.", "årg.",
    "udg.", "Kbh.", "kl.", "tlf.", "pkt.", "jan.", "feb.", "aug.", "sept.", "okt.", "nov.", "dec.",
    "u.å.", "et al.", "dvs.", "osv.", "etc.", "mv.", "m.v.", "o.l.", "Hhv.", "hhv.", "ang.", "sml.",
    "Sagsnr.", "sagsnr.", "J.nr.", "j.nr.",
)

#: Last words of a line after which a number goes on with the sentence ("kl.\n23.15",
#: "§\n104", "s.\n12-14"), unlike "osv." or "m.fl.", which often end one.
_OPEN_ENDS = frozenset(("kl.", "nr.", "Nr.", "kr.", "ca.", "Ca.", "s.", "pp.", "stk.", "Stk.", "jf.", "Jf.", "§", "§§",
                        "Sagsnr.", "sagsnr.", "J.nr.", "j.nr.", "pkt.", "tlf.", "årg.", "bd."))
TEXT_KEY = "samspil.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc: spaCy rebuilds it token by token on every access."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text
_NEWLINES = re.compile(r"\n[ \t]*(\n)?")


_END_MARKS = (".", "!", "?", "…")
_WORD = re.compile(r"\S+")
_DASH_WORD = re.compile(r"[-–][ \t]+(\w+)")
#: Share of the longest line within which a line plus the next line's first word must
#: stay for the line break to count as chosen rather than wrapped (see split_sentences).
FIT_SHARE = 0.9
_END_HASHES: frozenset[int] = frozenset()


def split_sentences(doc: Doc) -> Doc:
    """Sentence boundaries, computed on arrays and written back once.

    A sentence starts after . ! ? … (abbreviations such as "jf." and "bl.a." are
    single tokens, so their full stop ends nothing), at paragraph breaks, and at
    line breaks that end a heading, a list item or a sentence. PDF text breaks
    lines inside sentences, so a line break after a long line that ends in a
    lower-case word or a comma is no boundary; after a short line (a heading such
    as "Sagsfremstilling") followed by a capital it is, and so it is after a longer
    line followed by a capital when the next line's first word would have fitted on
    it (a title with a subtitle, "Fra tilskud til kontrakt? Foreninger som
    leverandører af velfærd"): text wrapped at a width moves a word to the next line
    only when it does not fit. The width is the text's longest line; a word "fits"
    within ``FIT_SHARE`` of it, as proportional fonts make characters a rough measure.
    A line break before a lower-case letter is never a boundary, whatever the line
    ends in: wrapped lines end in numbers, ordinals and dashes as well ("søndag den
    14.\nseptember", "haft 11\npårørendecaféer", "sejre –\nmen"); nor is one before
    a number after an abbreviation or "§" ("kl.\n23.15", "servicelovens §\n104"). A
    line that starts with a dash goes on the sentence too when wrapping put it there
    (:func:`_wrapped_before_dash`) outside a list.
    """
    global _END_HASHES
    n = len(doc)
    if n == 0:
        return doc
    if not _END_HASHES:
        _END_HASHES = frozenset(doc.vocab.strings.add(m) for m in _END_MARKS)
    text = doc_text(doc)
    arr = doc.to_array([ORTH, IS_SPACE, IDX])
    is_space = arr[:, 1] == 1
    starts = arr[:, 2].astype(np.int64)
    sent = np.full(n, -1, dtype=np.int64)
    sent[0] = 1
    # After an end mark: the next token that is neither space nor another mark.
    is_end = np.isin(arr[:, 0], np.fromiter(_END_HASHES, dtype=np.uint64))
    after = np.flatnonzero(is_end[:-1] & ~is_end[1:]) + 1
    while len(after):
        spaces = is_space[after]
        sent[after[~spaces]] = 1
        after = after[spaces] + 1
        after = after[after < n]
    if "\n" in text:
        breaks = [(m.start(), m.end(), m.group(1) is not None) for m in _NEWLINES.finditer(text)]
        # the first token at or after each break, all at once
        after_break = np.searchsorted(starts, np.fromiter((b[1] for b in breaks), np.int64, len(breaks))).tolist()
        space, token_start = is_space.tolist(), starts.tolist()
        fits_within = FIT_SHARE * max(len(line.rstrip()) for line in text.split("\n"))
        opens = []
        line_start = 0
        in_list = False  # a line of the paragraph so far starts with a bullet
        for (brk, brk_end, blank), nxt in zip(breaks, after_break):
            if nxt < n and space[nxt]:
                nxt += 1
            if nxt >= n:
                break
            line = text[line_start:brk].rstrip()
            line_start = brk_end
            in_list = in_list or line.lstrip()[:1] in BULLETS
            if blank:
                in_list = False
            if not line or nxt == 0:
                continue
            if blank:
                opens.append(nxt)
                continue
            first = text[token_start[nxt]]
            if first.islower() or (first.isdigit() and line[line.rfind(" ") + 1 :] in _OPEN_ENDS):
                continue  # the sentence goes on ("den 14.\nseptember", "kl.\n23.15")
            last = line[-1]
            ends_open = last.islower() or last in ",;-&("
            if first in "-–" and ends_open and not in_list and _wrapped_before_dash(text, token_start[nxt], line, fits_within):
                continue  # "nogle politiske sejre\n– men også": a dash that a wrapped line moved down
            if first in BULLETS or not ends_open or (len(line.split()) <= 8 and (first.isupper() or first.isdigit())):
                opens.append(nxt)
            elif first.isupper() and last.isalpha() and len(line) + 1 + len(_WORD.match(text, token_start[nxt]).group()) <= fits_within:
                opens.append(nxt)  # the next word would have fitted: the line ended by choice, not by wrapping
        sent[opens] = 1
    sent[is_space & (np.arange(n) > 0)] = -1  # whitespace never opens a sentence
    doc.from_array([SENT_START], sent.astype(np.uint64).reshape(-1, 1))
    return doc


def _wrapped_before_dash(text: str, at: int, line: str, fits_within: float) -> bool:
    """Whether a line that starts with a dash at ``at`` goes on the sentence of ``line``,
    the line before (which ends open, in a lower-case word or a comma, in a paragraph
    with no bulleted line so far), rather than starting a list item: the dash is followed
    by a word in lower case, and the dash with that word would not have fitted on the
    line before, so wrapping put it there. A list item after a short line ("Vi ønsker\\n-
    flere frivillige") or after another item still starts a sentence."""
    word = _DASH_WORD.match(text, at)
    return bool(word) and word.group(1)[0].islower() and len(line) + 1 + len(word.group()) > fits_within


def pipe_in_batches(component, docs: Iterable[Doc], batch_size: int) -> Iterable[Doc]:
    """A component's ``pipe``: ``component`` applied to ``batch_size`` documents before
    the first of them goes on, so that ``nlp.pipe`` runs one stage at a time over a
    batch and each stage's tables stay in the CPU cache (about a fifth faster over a
    corpus than one document at a time through all stages)."""
    from spacy.util import minibatch

    for batch in minibatch(docs, size=batch_size):
        yield from [component(doc) for doc in batch]


class SentenceSplitter:
    """The ``samspil/sentences`` component: :func:`split_sentences` on each ``Doc``."""

    def __init__(self, name: str = "samspil/sentences") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return split_sentences(doc)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        return pipe_in_batches(self, docs, batch_size)


@Language.factory("samspil/sentences")
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    """Sentence boundaries from punctuation, paragraph breaks and headings (:func:`split_sentences`)."""
    return SentenceSplitter(name)


_DATA = Path(__file__).parent / "data"


class LemmaIndex:
    """Danish lookup lemmas (from spacy-lookups-data) as sorted arrays of 64-bit hashes.

    A dictionary of the half million Danish forms costs over 100 MB and a third
    of a second to build; these arrays load in milliseconds, take a tenth of the
    memory, and look up every word type of a document in one ``searchsorted``.
    Built by ``training/build_lemmas.py``.
    """

    def __init__(self, form_hashes: np.ndarray, lemma_ids: np.ndarray, lemma_hashes: np.ndarray, lemmas: list[str]) -> None:
        self.form_hashes = form_hashes
        self.lemma_ids = lemma_ids
        self.lemma_hashes = lemma_hashes
        self.lemmas = lemmas

    @classmethod
    def load(cls, folder: Path = _DATA) -> LemmaIndex:
        from safetensors.numpy import load_file

        arrays = load_file(str(folder / "da_lemmas.safetensors"))
        meta = json.loads((folder / "da_lemmas.json").read_text(encoding="utf-8"))
        return cls(arrays["form_hashes"], arrays["lemma_ids"], arrays["lemma_hashes"], meta["lemmas"])

    def ids(self, hashes: np.ndarray) -> np.ndarray:
        """Lemma index per form hash, -1 where the form is its own lemma."""
        pos = np.searchsorted(self.form_hashes, hashes)
        pos[pos >= len(self.form_hashes)] = 0
        return np.where(self.form_hashes[pos] == hashes, self.lemma_ids[pos], -1)

    def lemma(self, form: str) -> str:
        return self.lemmas_of([form])[0]

    def lemmas_of(self, forms: list[str]) -> list[str]:
        """The lemma of each form (the form itself where the table has none), looked up at once."""
        found = self.ids(np.fromiter((hash_string(f) for f in forms), np.uint64, len(forms))).tolist()
        return [form if i < 0 else self.lemmas[i] for form, i in zip(forms, found)]


@functools.lru_cache(maxsize=1)
def lemma_index() -> LemmaIndex:
    """The shipped Danish lemma index (loaded once per process)."""
    return LemmaIndex.load()


def lemmatize(word: str) -> str:
    """Lower-cased lemma of a word; unknown words are their own lemma.

    >>> lemmatize("Foreningerne")
    'forening'
    """
    lower = word.lower()
    return lemma_index().lemma(lower)


@Language.component("samspil/lemmatizer")
def set_lemmas(doc: Doc) -> Doc:
    """Lookup lemmas (lower case) from spacy-lookups-data's Danish table, for all tokens at once."""
    if len(doc) == 0:
        return doc
    index = lemma_index()
    strings = doc.vocab.strings
    lowers = doc.to_array(LOWER)
    ids = index.ids(lowers)
    found = ids >= 0
    out = lowers.copy()
    out[found] = index.lemma_hashes[ids[found]]
    for i in np.unique(ids[found]).tolist():
        if int(index.lemma_hashes[i]) not in strings:
            strings.add(index.lemmas[i])
    doc.from_array([LEMMA], out.reshape(-1, 1))
    return doc


def make_danish(lemmas: bool = True) -> Language:
    """A blank Danish pipeline with samspil's tokenizer exceptions, sentences and lemmas.

    >>> nlp = make_danish()
    >>> [s.text for s in nlp("Vi samarbejder bl.a. med kommunen. Det går godt.").sents]
    ['Vi samarbejder bl.a. med kommunen.', 'Det går godt.']
    """
    nlp = spacy.blank("da", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.add_pipe("samspil/sentences")
    if lemmas:
        nlp.add_pipe("samspil/lemmatizer")
    return nlp


#: The registered name of samspil's tokenizer (in a saved pipeline's config).
TOKENIZER = "samspil.Tokenizer.v1"


@spacy.registry.tokenizers(TOKENIZER)
def create_tokenizer():
    """spaCy's Danish tokenizer with samspil's abbreviations, made cache-friendly
    (:func:`cache_friendly`). Registered, so a saved samspil pipeline loads with it."""

    def make(nlp: Language) -> CachingTokenizer:
        return danish_tokenizer(nlp.vocab)

    return make


def danish_tokenizer(vocab) -> CachingTokenizer:
    """samspil's tokenizer on ``vocab``: spaCy's Danish defaults, samspil's
    abbreviations, :func:`cache_friendly`."""
    from types import SimpleNamespace

    from spacy.lang.da import Danish

    base = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(SimpleNamespace(vocab=vocab, Defaults=Danish.Defaults))
    add_abbreviations(base, ABBREVIATIONS)
    return cache_friendly(base)


#: Chunks the tokenizer remembers (spaCy's default is 10,000; a batch over an archive
#: meets far more distinct words, and a cache hit costs a fraction of a split).
TOKENIZER_CACHE = 50_000


def cache_friendly(tokenizer) -> CachingTokenizer:
    """spaCy's tokenizer, changed so that it caches the chunks of real documents,
    with the same tokens.

    spaCy stops caching the chunks of a document once the document has hit any
    special case (its flag is per call, not per chunk; spaCy issue #1250). Almost
    every Danish document hits one: "kr.", "s.", "nr.", "bl.a.", an ordinal "3.",
    a bare line break "\\n". After that every chunk went through prefix, suffix and
    infix search again. So:

    - the rules for whitespace are dropped (a whitespace chunk is one token with or
      without them);
    - the special cases that keep a word as one token unchanged ("kr." -> "kr.",
      "bl.a." -> "bl.a."; 1,196 of 1,203 in samspil's Danish tokenizer) become a
      ``token_match`` (:class:`WholeWord`), which spaCy checks at the same points
      as the special cases but which does not stop caching; where a special case
      would have ended the affix search after a prefix, :class:`SuffixUnlessWhole`
      keeps the suffix search from cutting the word; their norms move to the
      vocabulary's lexemes, so ``token.norm_`` of "apr." is "april" as before (now
      also where a special case would not have applied, after an infix);
    - spaCy's last pass, which joins the pieces of a special case that infixes had
      cut ("Mbit/s." -> "Mbit", "/", "s", "." -> ... "s."), is done for those words
      by :class:`CachingTokenizer`.

    The special cases that split or start with a prefix character (emoticons such
    as "(:", "i." -> "i", ".") stay special cases. Tests compare the tokens with
    spaCy's own tokenizer on the whole corpus and on generated strings; they differ
    only on strings that run abbreviations together without spaces (one in 100,000
    generated ones: "o.O–kem."). Tokenising the corpus is about 4.7 times faster
    than with spaCy's stock Danish tokenizer (``make bench``).
    """
    from spacy.symbols import NORM, ORTH
    from spacy.tokenizer import Tokenizer

    if isinstance(tokenizer, CachingTokenizer):
        return tokenizer
    rules = tokenizer.rules
    identity = {k: v[0].get(NORM) for k, v in rules.items() if len(v) == 1 and v[0].get(ORTH) == k and set(v[0]) <= {ORTH, NORM}}
    spaces = {k for k in rules if k.isspace()}
    kept = [k for k in rules if k not in spaces and (k not in identity or tokenizer.find_prefix(k))]
    # A word inside a special case that stays one ("f." in "°f.") stays one too, so
    # that spaCy's last pass sees both as before.
    whole = {k: n for k, n in identity.items() if k not in spaces and k not in kept and not any(k in other for other in kept)}
    # How the words split without their special cases: what spaCy's last pass joins.
    plain = Tokenizer(tokenizer.vocab, rules={}, prefix_search=tokenizer.prefix_search, suffix_search=tokenizer.suffix_search,
                      infix_finditer=tokenizer.infix_finditer, token_match=tokenizer.token_match, url_match=tokenizer.url_match)
    pieces = {word: [t.text for t in plain(word)] for word in whole}
    for word in [*whole, *spaces]:
        norm = identity.get(word)
        if norm is not None and norm != word:
            tokenizer.vocab[word].norm_ = norm
    words = frozenset(whole)
    # Each of these setters makes spaCy rebuild its special cases; with none while the
    # matching functions change, only the last one does work, and with both in place.
    tokenizer.rules = {}
    tokenizer.token_match = WholeWord(words, tokenizer.token_match)
    tokenizer.suffix_search = SuffixUnlessWhole(words, tokenizer.suffix_search)
    tokenizer.rules = {k: v for k, v in rules.items() if k not in spaces and k not in whole}
    tokenizer.max_cache_size = max(tokenizer.max_cache_size, TOKENIZER_CACHE)
    return CachingTokenizer(tokenizer, {w: p for w, p in pieces.items() if len(p) > 1})


class WholeWord:
    """A tokenizer ``token_match``: the words kept whole, then the original match (if any)."""

    def __init__(self, words: frozenset[str], inner=None) -> None:
        self.words, self.inner = words, inner

    def __call__(self, string: str):
        return string in self.words or (self.inner is not None and self.inner(string))


class SuffixUnlessWhole:
    """A tokenizer ``suffix_search`` that finds no suffix on a word kept whole.

    spaCy asks for the suffix of the rest of a chunk after its prefix ("kr." of
    "(kr."); a special case would have ended the search there, so this does too.
    """

    def __init__(self, words: frozenset[str], inner) -> None:
        self.words, self.inner = words, inner

    def __call__(self, string: str):
        return None if string in self.words else self.inner(string)


class CachingTokenizer:
    """samspil's tokenizer: spaCy's (changed by :func:`cache_friendly`), then spaCy's
    special-case join for the words kept whole.

    The join is spaCy's own: a phrase matcher on the pieces, the longest and then the
    leftmost match first, no overlaps, and only where the pieces touch (no space
    between them). Other attributes are the wrapped tokenizer's.
    """

    def __init__(self, tokenizer, joins: dict[str, list[str]]) -> None:
        from spacy.matcher import PhraseMatcher

        self.inner = tokenizer
        self.vocab = tokenizer.vocab
        self.joins = frozenset(joins)
        self.matcher = PhraseMatcher(self.vocab)
        for word, parts in joins.items():
            self.matcher.add(word, [Doc(self.vocab, words=parts, spaces=[False] * len(parts))])

    def __call__(self, text: str) -> Doc:
        doc = self.inner(text)
        matches = self.matcher(doc)
        if matches:
            self._join(doc, matches)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        if name == "inner":  # not set yet (while unpickling)
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __reduce__(self):
        # Pickled (spaCy's nlp.pipe(n_process=...), multiprocessing) as what it is built from.
        return (danish_tokenizer, (self.vocab,))

    # A saved pipeline names this tokenizer in its config (:data:`TOKENIZER`), which
    # rebuilds it whole; there is nothing else to save.
    def to_bytes(self, *, exclude=()) -> bytes:
        return srsly.json_dumps({"tokenizer": TOKENIZER}).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude=()) -> CachingTokenizer:
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path, *, exclude=()) -> CachingTokenizer:
        return self

    def _join(self, doc: Doc, matches) -> None:
        seen: set[int] = set()
        chosen = []
        for _, start, end in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
            if start not in seen and end - 1 not in seen:
                chosen.append((start, end))
            seen.update(range(start, end))
        spans = [doc[start:end] for start, end in chosen]
        spans = [span for span in spans if span.text in self.joins]
        if spans:
            with doc.retokenize() as retokenizer:
                for span in spans:
                    retokenizer.merge(span)


def add_abbreviations(nlp_or_tokenizer, abbreviations: Iterable[str]) -> None:
    """Keep each abbreviation one token, so its full stop ends no sentence."""
    from spacy.symbols import ORTH

    tokenizer = getattr(nlp_or_tokenizer, "tokenizer", nlp_or_tokenizer)
    for abbr in abbreviations:
        if " " not in abbr:
            tokenizer.add_special_case(abbr, [{ORTH: abbr}])
