"""Stage 4: the documents the site's search indexes, one per paper, issue and tag.

Pure: Site, URLs and the HTML MkDocs rendered for the digests in, small HTML
documents out. The indexer (Pagefind, run by the adapter: generator/mkdocs/search.py)
makes each document one search record, so a result is a paper, not the digest
page that holds 170 of them, and its filters are the paper's own:
- `tag` (one value per tag), `year` and `issue` filter papers, so "diffusion in
  the RAG tag, 2024" finds the papers that have both, not every digest page where
  some paper has one and another paper the other;
- the record's metadata is what a result shows: `title`, `authors`, `issue` (the
  issue's title), `kind` (paper, issue, tag or page) and `link`, the URL below the
  site root that a click opens (a paper's digest at its anchor). The indexer's own
  URL is the document's file name, which no reader sees.

Every text from front matter is escaped here (html_text), so the indexer reads it
as text: `<b>` typed in a title is found and shown as the three characters it is.
A paper's note is the text of its HTML as rendered in the digest (links, badges
and chips left out: they are in the metadata and filters), cut to its first
BODY_WORDS words. Drafts are never indexed, not even in the preview that shows
them: a draft is in no index file.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping

from ..model import Month, Note, Site, TagIndex
from ..render import html_text, issue_path, tag_path
from ..speed.memo import NO_MEMO, BuildMemo
from .feeds import paper_fragments

# A note's words the index holds: enough for what a paper is about ("mentioning
# retrieval"), not the whole note. Indexing every word of 10,000 notes (3.3 million)
# took Pagefind ~14 s and 1.4 GB here; each record's text also travels to the reader
# with every result shown. The benchmark measures the cost (README, Performance).
BODY_WORDS = 60

# Paragraphs of a paper's head that the metadata and filters already hold.
_HEAD = re.compile(r'<p class="nl-(?:authors|links|tags|draft)">.*?</p>', re.S)
_TAG = re.compile(r"<[^>]*>")
# Tags that end a run of words (the rest, <em> or <a>, sit inside a word's run: "it <em>matters</em>:").
_BREAK = re.compile(r"</?(?:p|li|ul|ol|dl|dt|dd|h[1-6]|br|hr|div|pre|blockquote|table|tr|td|th|figure|figcaption)\b[^>]*>", re.I)
_SKIPPED = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)


@dataclass(frozen=True)
class Record:
    path: str  # the document's file name for the indexer, e.g. "papers/2021-03/transgan.html"
    html: str


def page_text(fragment: str, words: int | None = None) -> str:
    """The text of rendered HTML (its first `words` words), without a paper's head."""
    body = _HEAD.sub(" ", fragment)
    found = html.unescape(_TAG.sub("", _BREAK.sub(" ", _SKIPPED.sub(" ", body)))).split()
    return " ".join(found if words is None else found[:words])


def _document(kind: str, link: str, title: str, parts: list[str], lang: str) -> str:
    """One record. Values that are not words of the text (kind, link) are attributes;
    each metadata key and filter is on an element of its own (Pagefind reads one
    key:value per attribute: a second one, after a comma, becomes part of the first)."""
    head = (f'<!DOCTYPE html>\n<html lang="{html.escape(lang, quote=True)}"><head><meta charset="utf-8">'
            f"<title>{html_text(title)}</title></head><body>\n<main data-pagefind-body>\n")
    meta = (f'<span data-pagefind-meta="kind:{kind}"></span>'
            f'<span data-pagefind-meta="link:{html.escape(link, quote=True)}"></span>\n')
    return (head + meta + f'<h1 data-pagefind-meta="title">{html_text(title)}</h1>\n' + "\n".join(parts)
            + "\n</main></body></html>\n")


def _filter(name: str, value: str, searchable: bool = True) -> str:
    # Not searchable: the value filters, but its words are none of the record's text.
    ignore = "" if searchable else " data-pagefind-ignore"
    return f'<span data-pagefind-filter="{name}"{ignore}>{html_text(value)}</span>'


def issue_filter(month: Month) -> str:
    """An issue's filter value: its month first, so values sort by date, then its title."""
    return f"{month.key} · {month.title}"


def _papers(count: int) -> str:
    return f"{count} paper" + ("" if count == 1 else "s")


def paper_record(note: Note, month: Month, link: str, fragment: str, lang: str = "en") -> Record:
    parts = []
    if note.authors:
        parts.append(f'<p data-pagefind-meta="authors" data-pagefind-weight="5">{html_text(", ".join(note.authors))}</p>')
    if note.tags:
        parts.append("<p>" + ", ".join(_filter("tag", t.name) for t in note.tags) + "</p>")
    parts.append(f'<p data-pagefind-meta="issue">{html_text(month.title)}</p>')
    parts.append(_filter("year", month.year, False) + _filter("issue", issue_filter(month), False))
    text = page_text(fragment, BODY_WORDS)
    if text:
        parts.append(f"<p>{html.escape(text, quote=False)}</p>")
    return Record(f"papers/{month.key}/{note.slug}.html", _document("paper", f"{link}#{note.slug}", note.title, parts, lang))


def issue_record(month: Month, link: str, lang: str = "en") -> Record:
    parts = [f'<p data-pagefind-meta="issue">{html_text("Issue · " + _papers(len(month.notes)))}</p>']
    if month.summary:
        parts.append(f"<p>{html_text(month.summary)}</p>")
    parts.append(_filter("year", month.year, False) + _filter("issue", issue_filter(month), False))
    return Record(f"issues/{month.key}.html", _document("issue", link, month.title, parts, lang))


def tag_record(index: TagIndex, count: int, link: str, lang: str = "en") -> Record:
    parts = [f'<p data-pagefind-meta="issue">{html_text("Tag · " + _papers(count))}</p>']
    if index.tag.description:
        parts.append(f"<p>{html_text(index.tag.description)}</p>")
    return Record(f"tags/{index.tag.slug}.html", _document("tag", link, index.tag.name, parts, lang))


def page_record(number: int, title: str, link: str, page_html: str, lang: str = "en") -> Record:
    """A page of the site written by hand (content/about.md): its title and text."""
    return Record(f"pages/{number}.html",
                  _document("page", link, title, [f"<p>{html.escape(page_text(page_html), quote=False)}</p>"], lang))


def search_records(site: Site, digests: Mapping[str, str], url_of: Callable[[str], str],
                   pages: tuple[tuple[str, str, str], ...] = (), lang: str = "en",
                   memo: BuildMemo | None = None) -> Iterator[Record]:
    """Every record of the site: each published paper at its digest anchor, each
    issue and tag page by name, and `pages` (title, URL, HTML) written by hand.
    `digests`: each month's rendered digest HTML, by month key. `url_of`: the URL
    of a generated page's source path (issues/2021-03.md), relative to the site root.
    `memo` keeps each issue's records across the rebuilds of `mkdocs serve`."""
    memo = NO_MEMO if memo is None else memo
    memo.new_build()
    for month in site.months:
        if month.draft:
            continue
        link, digest = url_of(issue_path(month.key)), digests.get(month.key, "")
        yield from memo.get(("search", month, link, digest, lang), lambda: tuple(_month_records(month, link, digest, lang)))
    for index in site.tags:
        published = sum(1 for n in index.notes if not n.draft)
        if published:
            yield tag_record(index, published, url_of(tag_path(index.tag.slug)), lang)
    for number, (title, link, page_html) in enumerate(pages):
        yield page_record(number, title, link, page_html, lang)


def _month_records(month: Month, link: str, digest: str, lang: str) -> Iterator[Record]:
    yield issue_record(month, link, lang)
    fragments = paper_fragments(digest)
    for note in month.notes:
        if not note.draft:
            yield paper_record(note, month, link, fragments.get(note.slug, ""), lang)
