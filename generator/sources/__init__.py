"""Metadata from outside, for the editor's commands: a paper link or id in, a Record out.

    records.py   the Record a note is filled from (title, authors, first date, links, abstract)
    http.py      one GET with a timeout; every network failure becomes a one-line SourceError
    arxiv.py     arXiv ids and links, through the arXiv API (Atom, parsed with feedparser)
    crossref.py  DOIs, through the Crossref REST API (JSON)

`lookup(texts)` sends each id to the service that knows it: arXiv ids in one batched
query (arXiv asks clients to be sparing), one Crossref request per DOI. Base URLs come
from NEWSLETTER_ARXIV_API and NEWSLETTER_CROSSREF_API (mirrors, tests on localhost).
Nothing here writes a file: the scaffold does, and only from a complete Record.

May import: model, slugs, identity. Not read/ or a later stage, not MkDocs.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from .. import identity
from .arxiv import fetch_arxiv
from .crossref import fetch_crossref
from .http import DEFAULT_TIMEOUT, SourceError
from .records import Record

__all__ = ["DEFAULT_TIMEOUT", "Record", "SourceError", "lookup", "lookup_one", "timeout_from_env"]


def timeout_from_env() -> float:
    """NEWSLETTER_HTTP_TIMEOUT (seconds), else the default of ~10 s."""
    value = os.environ.get("NEWSLETTER_HTTP_TIMEOUT", "")
    try:
        return float(value) if value else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def lookup(texts: list[str], timeout: float | None = None) -> dict[str, Record | SourceError]:
    """Each link or id (as given) to its Record, or to the SourceError saying why not."""
    timeout = timeout_from_env() if timeout is None else timeout
    results: dict[str, Record | SourceError] = {}
    by_arxiv: dict[str, list[str]] = {}
    for text in texts:
        if (found := identity.arxiv_id(text)) is not None:  # arXiv's own DOIs too: asked of arXiv, not Crossref
            by_arxiv.setdefault(found, []).append(text)
        elif (found := identity.doi(text)) is not None:
            results[text] = _catch(lambda: fetch_crossref(_doi_as_written(text), timeout))
        else:
            results[text] = SourceError(
                f"{text.strip()!r} is neither an arXiv id or link nor a DOI; write the note by hand "
                f"(newsletter new-note YYYY-MM \"Title\" --url URL)")
    if by_arxiv:
        for found, outcome in fetch_arxiv(list(by_arxiv), timeout).items():
            for text in by_arxiv[found]:
                results[text] = outcome
    return {text: results[text] for text in texts}


def lookup_one(text: str, timeout: float | None = None) -> Record:
    """One link or id to its Record; raises SourceError."""
    outcome = lookup([text], timeout)[text]
    if isinstance(outcome, SourceError):
        raise outcome
    return outcome


def _catch(call):
    try:
        return call()
    except SourceError as exc:
        return exc


def _doi_as_written(text: str) -> str:
    """The DOI with its case as the editor wrote it (identity.doi case-folds; Crossref
    matches either, and answers with the registered spelling)."""
    text = text.strip()
    if text[:4].lower() == "doi:":
        return text[4:].strip()
    if text.lower().startswith(("http://", "https://")):
        return unquote(urlsplit(text).path).lstrip("/")
    return text
