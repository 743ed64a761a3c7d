"""How a paper is cited: its BibTeX key and entry, its CSL-JSON item and its COinS
record, from a Note alone (and the title of the issue that features it).

Shared by the render stage (the Cite control and the COinS spans on the pages) and
the outputs (the .bib and CSL-JSON files), so a paper reads the same everywhere.

- Keys: first author's family name, year, first word of the title that is not a
  stop word (`jiang2021transgan`), ASCII. One key per paper identity (identity.py),
  so a paper featured twice is one entry. Keys that would collide get `b`, `c`, …
  in archive order (oldest issue first, then digest order): a paper added to a new
  issue never changes the key of one published before.
- BibTeX is written with bibtexparser 2's writer; values are LaTeX-encoded with
  pylatexenc (accents, `%`, `&`, `#`, `_`, `$`, `~`, `^`, backslashes), braces as
  `\\textbraceleft{}`/`\\textbraceright{}` so that every value stays brace-balanced for
  BibTeX and biber, and the title wrapped in braces so styles keep its capitals.
  Characters without a LaTeX form (CJK names) stay UTF-8, which biber and BibTeX
  with UTF-8 input read.
- Names are split into given and family parts by pybtex's Person, BibTeX's own rules,
  for CSL-JSON; a one-word name is a CSL `literal`.
"""

from __future__ import annotations

import datetime as dt
import functools
import weakref
import re
import unicodedata
from urllib.parse import quote_plus

from bibtexparser import BibtexFormat, write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from pybtex.database import Person
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from .identity import arxiv_id, doi, paper_id
from .model import Note, Site

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_STOP_WORDS = frozenset("a an the on of in for to and with from by is are at as via towards toward".split())
_PLAIN = re.compile(r"[A-Za-z0-9 .,:;!?()'/+=@*-]*\Z")  # needs no encoding: most titles and names
_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, {
        # brace-balanced, unlike \{ \}: BibTeX counts braces whatever stands before them
        ord("{"): r"\textbraceleft{}", ord("}"): r"\textbraceright{}",
        ord('"'): '{"}', ord("<"): r"\textless{}", ord(">"): r"\textgreater{}"}), "defaults"],
    unknown_char_policy="keep", unknown_char_warning=False, replacement_latex_protection="braces-all")
_SUFFIXES = tuple("bcdefghijklmnopqrstuvwxyz") + tuple(str(n) for n in range(27, 10_000))
_FORMAT = BibtexFormat()
_FORMAT.indent = "  "


@functools.lru_cache(maxsize=65536)  # authors recur across papers
def latex(text: str) -> str:
    """Text as a BibTeX value's LaTeX: plain ASCII as it is, anything else encoded."""
    if _PLAIN.match(text):
        return text
    return _ENCODER.unicode_to_latex(text)


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


@functools.lru_cache(maxsize=65536)
def _person(name: str) -> tuple[str, str]:
    """(given, family) by BibTeX's rules; ("", name) where they find no parts."""
    try:
        person = Person(name)
    except Exception:  # pybtex rejects e.g. three commas in one name  # noqa: BLE001
        return "", name
    return " ".join(person.first_names + person.middle_names), " ".join(person.prelast_names + person.last_names)


def _family(name: str) -> str:
    """The family name a key starts with: before a comma ("Smith, John"), else the last
    word. A key needs a stable guess, not BibTeX's full split (kept for CSL-JSON: pybtex
    parsing every name was most of making the keys)."""
    return name.partition(",")[0] if "," in name else name.rsplit(None, 1)[-1]


def _base_key(note: Note, year: int) -> str:
    return _key_of(note.authors[0] if note.authors else "", note.title, year)


@functools.lru_cache(maxsize=1 << 16)  # under serve, every rebuild asks again for every note
def _key_of(first_author: str, title: str, year: int) -> str:
    author = _ascii_word(_family(first_author)) if first_author else ""
    words = [_ascii_word(w) for w in re.split(r"[\s:/-]+", title)]
    words = [w for w in words if w]
    word = next((w for w in words if w not in _STOP_WORDS), words[0] if words else "paper")
    return f"{author or 'anon'}{year}{word[:20]}"


def paper_of(note: Note) -> str:
    """The note's paper identity: the one the reader set (Note.identity), else made here
    (notes built by hand, in tests)."""
    return note.identity or paper_id(note.url)


def paper_year_month(note: Note) -> tuple[int, int]:
    """When the work appeared: its `date`, else the month a new-style arXiv id names
    (2102.07074: February 2021), else the issue's month."""
    if note.date is not None:
        return note.date.year, note.date.month
    found = arxiv_id(note.url)
    if found is not None and "/" not in found:
        return 2000 + int(found[:2]), int(found[2:4])
    year, month = note.month.split("-")
    return int(year), int(month)


# The pages, the .bib files and papers.json each ask for one site's keys: made once.
# A weak reference, so the site is freed when the build is (before the link check).
_LAST_KEYS: list = [lambda: None, {}]


def cite_keys(site: Site) -> dict[str, str]:
    """Paper identity -> BibTeX key, unique across the archive and stable (see above)."""
    if _LAST_KEYS[0]() is not site:
        _LAST_KEYS[:] = [weakref.ref(site), _cite_keys(site)]
    return dict(_LAST_KEYS[1])


def _cite_keys(site: Site) -> dict[str, str]:
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for month in reversed(site.months):  # oldest first
        for note in month.notes:
            identity = paper_of(note)
            if identity in keys:
                continue
            base = _base_key(note, paper_year_month(note)[0])
            key = base
            for suffix in _SUFFIXES:
                if key not in taken:
                    break
                key = base + suffix
            keys[identity] = key
            taken.add(key)
    return keys


@functools.lru_cache(maxsize=1 << 15)  # the page shows it, the .bib files repeat it
def bibtex_entry(note: Note, key: str, issue_title: str) -> str:
    """The paper's BibTeX entry (@misc: a newsletter knows the work, rarely its venue)."""
    year, month = paper_year_month(note)
    fields = [Field("title", "{{" + latex(note.title) + "}}")]
    if note.authors:
        fields.append(Field("author", "{" + " and ".join(_bibtex_name(a) for a in note.authors) + "}"))
    fields += [Field("year", "{%d}" % year), Field("month", MONTHS[month - 1]), Field("url", "{" + _url(note.url) + "}")]
    if (found := arxiv_id(note.url)) is not None:
        fields += [Field("eprint", "{" + found + "}"), Field("archivePrefix", "{arXiv}")]
    if (found := doi(note.url)) is not None:
        fields.append(Field("doi", "{" + _url(found) + "}"))
    fields.append(Field("note", "{Featured in " + latex(issue_title) + "}"))
    return write_string(Library([Entry("misc", key, fields)]), unparse_stack=[], bibtex_format=_FORMAT).strip() + "\n"


def _bibtex_name(name: str) -> str:
    encoded = latex(name)
    # A name holding " and " (a group's name) would be split into two authors.
    return "{" + encoded + "}" if re.search(r"\sand\s", encoded, re.I) else encoded


def _url(url: str) -> str:
    """A URL as a BibTeX value: its characters kept (the url package reads them as they
    are), only what would unbalance the value or end it escaped away."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def csl_item(note: Note, key: str, issue_title: str) -> dict:
    """The paper as a CSL-JSON item (the format of Zotero, Pandoc and citeproc)."""
    year, month = paper_year_month(note)
    parts = [note.date.year, note.date.month, note.date.day] if note.date else [year, month]
    item: dict = {"id": key, "type": "article", "title": note.title}
    if note.authors:
        item["author"] = [_csl_name(a) for a in note.authors]
    item["issued"] = {"date-parts": [parts]}
    item["URL"] = note.url
    if (found := arxiv_id(note.url)) is not None:
        item["number"] = f"arXiv:{found}"
        item["publisher"] = "arXiv"
    if (found := doi(note.url)) is not None:
        item["DOI"] = found
    item["note"] = f"Featured in {issue_title}"
    return item


def _csl_name(name: str) -> dict:
    given, family = _person(name)
    if not given or not family:
        return {"literal": name}
    return {"family": family, "given": given}


@functools.lru_cache(maxsize=1 << 15)  # the digest and every tag page listing the paper
def coins(note: Note, issue_title: str) -> str:
    """The paper as an OpenURL ContextObject in KEV form (COinS, Z39.88-2004): what the
    Zotero Connector reads from `<span class="Z3988" title="...">`, one per paper."""
    year, month = paper_year_month(note)
    day = note.date if note.date else None
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"), ("rft.genre", "preprint"),
             ("rft.atitle", note.title)]
    pairs += [("rft.au", author) for author in note.authors]
    pairs.append(("rft.date", day.isoformat() if isinstance(day, dt.date) else f"{year:04d}-{month:02d}"))
    if (found := doi(note.url)) is not None:
        pairs.append(("rft_id", f"info:doi/{found}"))
    if (found := arxiv_id(note.url)) is not None:
        pairs.append(("rft_id", f"info:arxiv/{found}"))
    pairs += [("rft_id", note.url), ("rft.description", f"Featured in {issue_title}")]
    return "&".join(f"{name}={_form(value)}" for name, value in pairs)


# application/x-www-form-urlencoded, as urlencode writes it (quote_plus: tested equal),
# by one str.translate for ASCII: urlencode was most of the time of 10,000 COinS spans.
_FORM = {c: chr(c) if chr(c).isalnum() or chr(c) in "_.-~" else "+" if c == 32 else f"%{c:02X}" for c in range(128)}


def _form(value: str) -> str:
    if value.isascii():
        return value.translate(_FORM)
    return quote_plus(value, safe="")
