"""arXiv ids to Records, through the arXiv API's Atom feed, parsed with feedparser.

One query for up to 100 ids (`id_list`), as arXiv asks clients to batch rather than
hammer. The API answers HTTP 200 for some failures: a malformed id gives one entry
titled "Error", throttling a plain-text "Rate exceeded." body; both become SourceErrors.
The entry's `published` is the first version's date; `updated` is the latest's.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.sax
from urllib.parse import urlencode

import feedparser

from .. import identity
from .http import SourceError, get
from .records import Record, repository_url

ENV = "NEWSLETTER_ARXIV_API"
DEFAULT_API = "https://export.arxiv.org/api/query"
BATCH = 100


def api_base() -> str:
    return os.environ.get(ENV) or DEFAULT_API


def fetch_arxiv(ids: list[str], timeout: float) -> dict[str, Record | SourceError]:
    """Versionless arXiv ids (identity.arxiv_id) to their Record or SourceError."""
    results: dict[str, Record | SourceError] = {}
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        try:
            results.update(_query(batch, timeout))
        except SourceError as exc:
            results.update({found: exc for found in batch})
    return results


def _query(ids: list[str], timeout: float) -> dict[str, Record | SourceError]:
    url = f"{api_base()}?{urlencode({'id_list': ','.join(ids), 'max_results': len(ids)})}"
    what = "the arXiv API"
    body = get(url, what, ENV, timeout, "application/atom+xml",
               not_found=f"{what} answered 404 for its query URL {url}; check {ENV}")
    if body.strip().lower().startswith(b"rate exceeded"):
        raise SourceError(f"{what} is rate limiting requests (\"Rate exceeded.\"); wait a minute and try again", 429)
    feed = feedparser.parse(body)
    # feedparser reads broken XML leniently (bozo); an answer cut off or garbled on the way
    # must not become a half-right note, so any XML error rejects the whole answer.
    broken = feed.bozo and isinstance(feed.get("bozo_exception"), xml.sax.SAXException)
    if not feed.version.startswith("atom") or broken:
        reason = str(feed.get("bozo_exception") or "no Atom feed").splitlines()[0]
        raise SourceError(f"{what} answered something that is not a valid Atom feed ({reason}); try again later")
    results: dict[str, Record | SourceError] = {}
    for entry in feed.entries:
        if entry.get("title") == "Error" or "/api/errors" in entry.get("id", ""):
            message = " ".join(entry.get("summary", "unknown error").split())
            error = SourceError(f"{what}: {message}; check the id")
            return {found: error for found in ids}
        found = identity.arxiv_id(entry.get("id", "")) or identity.arxiv_id(entry.get("link", ""))
        if found in ids and entry.get("title", "").strip():
            results[found] = _record(found, entry)
    for found in ids:
        if found not in results:
            results[found] = SourceError(f"arXiv has no paper {found}; check the id (https://arxiv.org/abs/{found})", 404)
    return results


def _record(found: str, entry) -> Record:
    url = f"https://arxiv.org/abs/{found}"
    published = entry.get("published_parsed")
    comment = str(entry.get("arxiv_comment", ""))
    paragraphs = re.split(r"\n\s*\n", str(entry.get("summary", "")))
    abstract = "\n\n".join(text for p in paragraphs if (text := _clean(p)))
    repository = repository_url(comment) or repository_url(abstract)
    return Record(
        identity=identity.paper_id(url),
        title=_clean(entry.get("title", "")),
        url=url,
        authors=tuple(_clean(a.get("name", "")) for a in entry.get("authors", []) if a.get("name", "").strip()),
        date=dt.date(published.tm_year, published.tm_mon, published.tm_mday) if published else None,
        links=(("code", repository),) if repository else (),
        abstract=abstract,
        source="arXiv",
    )


def _clean(text: str) -> str:
    """arXiv hard-wraps titles and abstracts; one line of single spaces each."""
    return " ".join(text.split())

