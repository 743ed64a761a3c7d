"""Stage 4: the archive as open data: `papers.json` (every published paper) with the
JSON Schema it follows (`papers.schema.json`), and `feed.json`, a JSON Feed 1.1 of
the issues beside the Atom feed.

Pure: the grouped Site, the site's URL, MkDocs' URLs and the digests' rendered HTML
in; JSON out, written by the standard library's encoder (front-matter text is a JSON
string, never markup). Ids and dates are the Atom feed's (feeds.entry_id, the first
day of the issue's month), so both feeds name an issue alike and no rebuild
announces it again.
"""

from __future__ import annotations

import json
from typing import Callable, Iterator, Mapping
from urllib.parse import urljoin

from ..citation import cite_keys, paper_of
from ..model import Site
from ..speed.memo import NO_MEMO, BuildMemo
from ..render import SITE_DATA, SITE_DATA_SCHEMA, SITE_JSON_FEED, issue_path, tag_path
from .feeds import Feed, FeedSite, issue_summary, absolute_urls, entry_id, issue_html, month_start

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
DATA_VERSION = 1


def data_paths(site: Site) -> tuple[str, ...]:
    return (SITE_DATA, SITE_DATA_SCHEMA, SITE_JSON_FEED)


def data_files(site: Site, meta: FeedSite, url_of: Callable[[str], str], digests: Mapping[str, str],
               limit: int = 0, memo: BuildMemo | None = None) -> Iterator[Feed]:
    """papers.json, its schema, and feed.json (the `limit` newest issues, 0: all).
    `memo` keeps each issue's feed HTML across the rebuilds of `mkdocs serve`."""
    yield Feed(SITE_DATA, lambda: iter((_dump(papers(site, meta, url_of)),)))
    yield Feed(SITE_DATA_SCHEMA, lambda: iter((_dump(papers_schema(meta)),)))
    yield Feed(SITE_JSON_FEED, lambda: iter((_dump(json_feed(site, meta, url_of, digests, limit, memo)),)))


def _dump(data: object) -> bytes:
    return dump_lines(data)


def dump_lines(data: object) -> bytes:
    """JSON with each item of a top-level list (or of a top-level object's lists) on a line
    of its own: readable and diffable, and made by the standard library's C encoder
    (`indent` makes it fall back to the Python one: 2-6x slower for 10,000 papers)."""
    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    def block(value: object) -> str:
        if isinstance(value, list):
            return "[\n" + ",\n".join(dumps(item) for item in value) + "\n]" if value else "[]"
        return dumps(value)

    if isinstance(data, dict):
        text = "{\n" + ",\n".join(f"{dumps(key)}: {block(value)}" for key, value in data.items()) + "\n}"
    else:
        text = block(data)
    return (text + "\n").encode("utf-8")


def papers(site: Site, meta: FeedSite, url_of: Callable[[str], str]) -> dict:
    """Every published paper, newest issue first, in digest order."""
    keys = cite_keys(site)
    out = []
    for month in site.months:
        page = urljoin(meta.url, url_of(issue_path(month.key)))
        for note in month.notes:
            identity = paper_of(note)
            out.append({
                "id": identity,
                "bibtex_key": keys[identity],
                "title": note.title,
                "authors": list(note.authors),
                "url": note.url,
                "date": note.date.isoformat() if note.date else None,
                "issue": {"key": month.key, "title": month.title, "url": page},
                "section": note.section,
                "tags": [{"name": t.name, "slug": t.slug, "url": urljoin(meta.url, url_of(tag_path(t.slug)))} for t in note.tags],
                "links": {link.kind: link.url for link in note.links},
                "digest_url": f"{page}#{note.slug}",
            })
    return {"$schema": urljoin(meta.url, url_of(SITE_DATA_SCHEMA)), "version": DATA_VERSION, "site": {"name": meta.name, "url": meta.url},
            "papers": out}


def papers_schema(meta: FeedSite) -> dict:
    """The JSON Schema (draft 2020-12) papers.json follows; consumers validate with it."""
    text = {"type": "string"}
    url = {"type": "string", "format": "uri", "pattern": "^https?://"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": urljoin(meta.url, SITE_DATA_SCHEMA),
        "title": f"{meta.name}: published papers",
        "type": "object",
        "required": ["version", "site", "papers"],
        "properties": {
            "$schema": url,
            "version": {"const": DATA_VERSION},
            "site": {"type": "object", "required": ["name", "url"], "additionalProperties": False,
                     "properties": {"name": text, "url": url}},
            "papers": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["id", "bibtex_key", "title", "authors", "url", "date", "issue", "section", "tags", "links", "digest_url"],
                "properties": {
                    "id": {"type": "string", "pattern": "^(arxiv|doi|openreview|url):.+",
                           "description": "Canonical identity: arXiv id without version, DOI (lower case), OpenReview forum id, else the normalised URL"},
                    "bibtex_key": {"type": "string", "pattern": "^[a-z0-9]+$", "description": "Key of the paper in papers.bib"},
                    "title": text,
                    "authors": {"type": "array", "items": text},
                    "url": url,
                    "date": {"type": ["string", "null"], "format": "date", "description": "When the work appeared, if known"},
                    "issue": {"type": "object", "required": ["key", "title", "url"], "additionalProperties": False,
                              "properties": {"key": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}, "title": text, "url": url}},
                    "section": {"type": ["string", "null"]},
                    "tags": {"type": "array", "items": {"type": "object", "required": ["name", "slug", "url"], "additionalProperties": False,
                                                        "properties": {"name": text, "slug": text, "url": url}}},
                    "links": {"type": "object", "additionalProperties": url,
                              "propertyNames": {"enum": ["code", "demo", "blog", "video", "data"]}},
                    "digest_url": url,
                }}},
        },
    }


def json_feed(site: Site, meta: FeedSite, url_of: Callable[[str], str], digests: Mapping[str, str], limit: int = 0,
              memo: BuildMemo | None = None) -> dict:
    """JSON Feed 1.1: one item per issue, newest first, with the digest's HTML."""
    memo = NO_MEMO if memo is None else memo
    items = []
    for month in site.months[slice(limit or None)]:
        page = urljoin(meta.url, url_of(issue_path(month.key)))
        day = f"{month_start(month.key).isoformat()}T00:00:00Z"
        items.append({"id": entry_id(meta.url, month.key), "url": page, "title": month.title,
                      "summary": issue_summary(month),
                      "content_html": _issue_html(digests.get(month.key, ""), page, memo),
                      "date_published": day, "date_modified": day})
    feed = {"version": JSON_FEED_VERSION, "title": meta.name, "home_page_url": meta.url,
            "feed_url": urljoin(meta.url, url_of(SITE_JSON_FEED))}
    if meta.description:
        feed["description"] = meta.description
    feed["authors"] = [{"name": meta.name, "url": meta.url}]
    feed["items"] = items
    return feed


def _issue_html(digest: str, page: str, memo: BuildMemo) -> str:
    return memo.get(("json-feed", digest, page), lambda: absolute_urls(issue_html(digest), page))
