"""DOIs to Records, through the Crossref REST API (`/works/{doi}`, JSON).

Crossref registers the DOI's own spelling; a DOI is case-insensitive, so the one an
editor pasted in capitals finds the same work. The date is the earliest full date
Crossref knows (`published`, else online, print, issued); a year and month only give no
date (the day would be made up; the record's creation date is not the work's).
Titles and abstracts may carry JATS or HTML markup; only their text is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from html.parser import HTMLParser
from urllib.parse import quote

from .. import identity
from .http import SourceError, get
from .records import Record, repository_url

ENV = "NEWSLETTER_CROSSREF_API"
DEFAULT_API = "https://api.crossref.org"
_DATES = ("published", "published-online", "published-print", "issued")


def api_base() -> str:
    return (os.environ.get(ENV) or DEFAULT_API).rstrip("/")


def fetch_crossref(doi: str, timeout: float) -> Record:
    url = f"{api_base()}/works/{quote(doi, safe='')}"
    body = get(url, "Crossref", ENV, timeout, "application/json",
               not_found=f"Crossref has no work with DOI {doi}; check the DOI (https://doi.org/{doi})")
    try:
        work = json.loads(body)["message"]
        if not isinstance(work, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"Crossref answered something that is not a work record ({type(exc).__name__}); try again later") from None
    title = _text(" ".join(work.get("title") or []))
    subtitle = _text(" ".join(work.get("subtitle") or []))
    if not title:
        raise SourceError(f"Crossref's record of DOI {doi} has no title; write the note by hand "
                          f"(newsletter new-note YYYY-MM \"Title\" --url https://doi.org/{doi})")
    if subtitle and subtitle.casefold() not in title.casefold():
        title = f"{title}: {subtitle}"
    registered = work.get("DOI") or doi
    canonical = f"https://doi.org/{registered}"
    abstract = _text(work.get("abstract", ""), paragraphs=True)
    repository = repository_url(abstract)
    return Record(
        identity=identity.paper_id(canonical),
        title=title,
        url=canonical,
        authors=tuple(name for author in work.get("author", []) if (name := _name(author))),
        date=_date(work),
        links=(("code", repository),) if repository else (),
        abstract=abstract,
        source="Crossref",
    )


def _name(author: dict) -> str:
    if author.get("given") or author.get("family"):
        return " ".join(part for part in (author.get("given"), author.get("family")) if part).strip()
    return str(author.get("name", "")).strip()  # an organisation as author


def _date(work: dict) -> dt.date | None:
    for key in _DATES:
        parts = (work.get(key) or {}).get("date-parts") or [[]]
        if parts and len(parts[0]) >= 3 and all(isinstance(p, int) for p in parts[0][:3]):
            try:
                return dt.date(*parts[0][:3])
            except ValueError:
                continue
    return None


class _Text(HTMLParser):
    """The text of JATS or HTML markup: paragraphs kept apart, a leading "Abstract" title dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        if tag.endswith("title"):
            self.in_title = True

    def handle_endtag(self, tag):
        if tag.endswith("title"):
            self.in_title = False
        elif tag.endswith(":p") or tag == "p":
            self.paragraphs.append([])

    def handle_data(self, data):
        if not self.in_title:
            self.paragraphs[-1].append(data)


def _text(markup: str, paragraphs: bool = False) -> str:
    parser = _Text()
    parser.feed(markup or "")
    parser.close()
    texts = [" ".join("".join(p).split()) for p in parser.paragraphs]
    texts = [t for t in texts if t]
    return "\n\n".join(texts) if paragraphs else " ".join(texts)
