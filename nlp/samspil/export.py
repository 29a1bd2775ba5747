"""Export references as BibTeX (CSL-JSON is the native form)."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

_BIB_TYPES = {"book": "book", "report": "techreport", "chapter": "incollection", "article-journal": "article", "webpage": "misc", "thesis": "phdthesis"}


def _names(people: list[dict[str, str]]) -> str:
    return " and ".join(f"{p['family']}, {p['given']}" if p.get("given") else (p.get("family") or "{" + p.get("literal", "") + "}") for p in people)


def _key(item: dict[str, Any], taken: set[str]) -> str:
    authors = item.get("author") or [{}]
    name = authors[0].get("family") or authors[0].get("literal") or "anon"
    name = unicodedata.normalize("NFKD", name.replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))
    name = re.sub(r"[^A-Za-z]", "", name) or "anon"
    year = str(((item.get("issued") or {}).get("date-parts") or [[""]])[0][0]) + item.get("year-suffix", "")
    key, n = f"{name}{year}", 1
    while key in taken:
        n += 1
        key = f"{name}{year}-{n}"
    taken.add(key)
    return key


def to_bibtex(items: list[dict[str, Any]]) -> str:
    """BibTeX entries for CSL-JSON items.

    >>> print(to_bibtex([{"type": "book", "author": [{"family": "Ibsen", "given": "Bjarne"}], "issued": {"date-parts": [[2019]]}, "title": "Foreninger"}]).strip())
    @book{Ibsen2019,
      author = {Ibsen, Bjarne},
      title = {Foreninger},
      year = {2019},
    }
    """
    taken: set[str] = set()
    out = []
    for item in items:
        fields = []
        if item.get("author"):
            fields.append(("author", _names(item["author"])))
        if item.get("editor"):
            fields.append(("editor", _names(item["editor"])))
        for csl, bib in (("title", "title"), ("container-title", "booktitle" if item.get("type") == "chapter" else "journal"), ("collection-title", "series"),
                         ("publisher", "institution" if item.get("type") == "report" else "publisher"), ("publisher-place", "address"),
                         ("volume", "volume"), ("issue", "number"), ("page", "pages"), ("URL", "url"), ("DOI", "doi")):
            if item.get(csl):
                fields.append((bib, str(item[csl])))
        issued = item.get("issued") or {}
        if "date-parts" in issued:
            fields.append(("year", str(issued["date-parts"][0][0])))
        elif "literal" in issued:
            fields.append(("year", issued["literal"]))
        body = "".join(f"  {k} = {{{v}}},\n" for k, v in fields)
        out.append(f"@{_BIB_TYPES.get(item.get('type', ''), 'misc')}{{{_key(item, taken)},\n{body}}}\n")
    return "\n".join(out)
