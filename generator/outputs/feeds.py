"""Stage 4: Atom feeds for the whole newsletter and for every tag.

Pure: Site, URLs and the HTML MkDocs rendered for the digests in, feed XML out.

Why Atom (RFC 4287) rather than RSS 2.0: every feed reader and RSS-to-email
service reads both, but Atom is the stricter contract. Each entry must carry a
unique `id` and an `updated` date (RSS `guid` and `pubDate` are optional, and
readers fall back to guessing, which re-announces old items), content declares
its type (`type="html"` instead of RSS's ambiguous "maybe HTML" description),
and names, dates and escaping rules are specified rather than folklore. The XML
is built and escaped by `xml.etree.ElementTree`, never by string pasting.

Content: a feed shows the same HTML as the site. MkDocs has already rendered
each digest (extensions, link resolution and all) by the time feeds are built,
so an issue entry is its digest page's HTML and a paper entry is the slice
between the `<!-- nl-paper:slug -->` markers the render stage writes around each
paper. No Markdown is rendered twice, so feeds cost a few regex passes, and
the feed reads exactly like the page. Relative links and images become absolute
URLs (`href` and `src`), because mail clients and many readers ignore xml:base.

Dates come from the content only, never from the clock, so two builds of the
same content produce byte-identical feeds. Every entry, issue or paper, is
dated (published and updated) the first day of its issue month: that is when
the newsletter announces it. A note's `date` is when the work appeared, often
months or years before the issue, and RSS-to-email services only send entries
dated after their last run, so a paper dated 2019 but published in the 2021-03
issue would never be mailed. Nor does an issue's date move when a late paper is
added, which would make some readers announce it again. A feed's `updated` is
its newest entry's date. Tag feeds list papers in tag page order: newest issue
first, digest order within an issue.

Entry ids are the canonical URL of the digest entry in the default directory
URL layout, `{site_url}issues/2021-03/` for an issue and
`{site_url}issues/2021-03/#slug` for a paper, built from site_url, the month
and the note's slug only. So a rebuild never changes them, and the same paper
has the same id in every tag feed it appears in (aggregators merge it).

Each feed holds its `feed_limit` newest entries (plugin option, default 50;
0 for all): subscribers need what is new, readers keep what they have already
fetched, the archive and tag pages list everything, and an unbounded feed that
every reader polls (the site feed carries whole issues) only grows.

Without site_url there are no absolute URLs and no valid ids, so the plugin
skips the feeds with one warning (`mkdocs serve` always sets site_url).

Under `mkdocs serve` the feeds are rebuilt on every save, and making an entry
(absolute URLs over a whole digest, then XML escaping) is most of their cost.
A `FeedMemo` kept by the plugin holds each entry's serialized XML keyed by
everything the entry is made from (the note or issue, the digest HTML it is cut
from, the URLs, the site's name and URL), so an entry whose inputs changed gets
a new key and is made afresh: a kept entry can never be stale. A feed is its
head plus its entries' XML, serialized exactly as ElementTree serializes the
whole tree, so the bytes are the same with or without the memo.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping
from urllib.parse import urljoin

from ..speed.memo import NO_MEMO, BuildMemo
from ..model import Month, Note, Problem, Site, Tag
from ..render import SITE_FEED, issue_path, tag_feed_path, tag_path

ATOM = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
EPOCH = dt.date(1970, 1, 1)  # `updated` of a feed without entries

# Characters XML 1.0 forbids; ElementTree would write them and break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PAPER = re.compile(r"<!-- nl-paper:(?P<slug>[^ ]+) -->(?P<html>.*?)<!-- /nl-paper:(?P=slug) -->", re.S)
_ANY_MARKER = re.compile(r"<!-- /?nl-paper:[^ ]* -->\n?")
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
# A paper's Cite control (render.cite_block: no <div> inside), a page control, not content.
_CITE = re.compile(r'<div class="nl-cite"[^>]*>.*?</details></div>\n?', re.S)
_H1 = re.compile(r"\A\s*<h1\b[^>]*>.*?</h1>\s*", re.S)
# Only real start tags (text in code blocks has its < escaped), then their URL attributes.
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_URL_ATTR = re.compile(r"""(\s(?:href|src)\s*=\s*)("[^"]*"|'[^']*')""", re.I)


@dataclass(frozen=True)
class FeedSite:
    """What the feeds need to know about the site besides its content."""

    url: str  # site_url, ending in "/"
    name: str
    description: str = ""


@dataclass(frozen=True, eq=False)
class Feed:
    path: str  # output path relative to the site root, e.g. "tags/gans/feed.xml"
    parts: Callable[[], Iterator[bytes]]  # the XML, made piece by piece each time it is called

    @property
    def xml(self) -> bytes:
        return b"".join(self.parts())

    def write(self, out: BinaryIO) -> None:
        """Stream the XML out: the site feed of a large archive is tens of MB, and
        the entries are made one at a time, never all held in memory together."""
        for part in self.parts():
            out.write(part)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Feed) and (self.path, self.xml) == (other.path, other.xml)

    __hash__ = None  # type: ignore[assignment]


# --------------------------------------------------------------------------- HTML


def absolute_urls(fragment: str, base: str) -> str:
    """Every relative href/src in real tags of `fragment`, resolved against `base`."""

    def attribute(match: re.Match) -> str:
        return f'{match.group(1)}"{_absolute(base, match.group(2)[1:-1])}"'

    return _TAG.sub(lambda tag: _URL_ATTR.sub(attribute, tag.group(0)), fragment)


@functools.lru_cache(maxsize=4096)  # the same tag chips and badges recur in every digest
def _absolute(base: str, escaped: str) -> str:
    return html.escape(urljoin(base, html.unescape(escaped).strip()), quote=True)


def paper_fragments(digest_html: str) -> dict[str, str]:
    """Each paper's authors, links, tags and note as rendered in its digest, by
    slug, in one pass. A paper whose markers went missing is absent."""
    return {m["slug"]: _HEADERLINK.sub("", m["html"]).strip() for m in _PAPER.finditer(digest_html)}


def issue_html(digest_html: str) -> str:
    """The digest as a feed entry: without its title (the entry has one), the
    heading permalinks ('#' clutter in mail), the Cite controls and the paper markers."""
    body = _H1.sub("", digest_html, count=1)
    return _ANY_MARKER.sub("", _HEADERLINK.sub("", _CITE.sub("", body))).strip()


# --------------------------------------------------------------------------- XML


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def month_start(key: str) -> dt.date:
    return dt.date.fromisoformat(f"{key}-01")


def entry_id(site_url: str, month: str, slug: str = "") -> str:
    """Canonical digest URL in the default layout: stable whatever the build settings."""
    return f"{site_url}issues/{month}/" + (f"#{slug}" if slug else "")


def _feed(site: FeedSite, title: str, subtitle: str, self_url: str, page_url: str, updated: dt.date) -> ET.Element:
    feed = ET.Element("feed", {"xmlns": ATOM})
    _add(feed, "title", title, type="text")
    if subtitle:
        _add(feed, "subtitle", subtitle, type="text")
    _add(feed, "id", self_url)
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    _add(feed, "updated", _timestamp(updated))
    author = _add(feed, "author")  # required for entries without authors of their own
    _add(author, "name", site.name)
    _add(author, "uri", site.url)
    return feed


_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>\n"  # what ElementTree writes for utf-8


def _entry_xml(entry: ET.Element) -> str:
    """An entry as ElementTree writes it inside a feed: indented one level deep (only
    whitespace between elements; no element here has mixed content), without its tail."""
    ET.indent(entry, level=1)
    entry.tail = None
    return ET.tostring(entry, encoding="unicode")


def _serialize(feed: ET.Element, entries: Iterable[str]) -> bytes:
    return b"".join(_serialize_parts(feed, entries))


def _serialize_parts(feed: ET.Element, entries: Iterable[str]) -> Iterator[bytes]:
    """The feed head with its entries' XML: byte for byte `ET.indent` then `ET.tostring`
    of the whole tree (test_feeds checks this), without serializing any entry again."""
    ET.indent(feed)
    head = ET.tostring(feed, encoding="unicode")
    assert head.endswith("\n</feed>"), head[-20:]  # a feed head always has child elements
    yield _DECLARATION + head[: -len("\n</feed>")].encode("utf-8")
    for entry in entries:
        yield f"\n  {entry}".encode("utf-8")
    yield b"\n</feed>\n"


# Entries' XML kept across the builds of one process (`mkdocs serve`), see speed/memo.py.
FeedMemo = BuildMemo


def _content(entry: ET.Element, fragment: str, base: str) -> None:
    _add(entry, "content", fragment, type="html", **{XML_BASE: base})


def site_feed(months: tuple[Month, ...], meta: FeedSite, url_of: Callable[[str], str], digests: Mapping[str, str],
              memo: FeedMemo | None = None) -> Feed:
    """One entry per published issue, newest first, with the issue's full HTML."""
    memo = NO_MEMO if memo is None else memo
    updated = max((month_start(m.key) for m in months), default=EPOCH)
    feed = _feed(meta, meta.name, meta.description, urljoin(meta.url, url_of(SITE_FEED)), meta.url, updated)

    def entries() -> Iterator[str]:  # one at a time, as the feed is written
        for month in months:
            page = urljoin(meta.url, url_of(issue_path(month.key)))
            summary, digest = issue_summary(month), digests.get(month.key, "")
            key = ("issue", meta, month.key, month.title, summary, page, digest)
            yield memo.get(key, lambda: _entry_xml(issue_entry(month, summary, digest, meta, page)))

    return Feed(SITE_FEED, lambda: _serialize_parts(feed, entries()))


def issue_entry(month: Month, summary: str, digest: str, meta: FeedSite, page: str) -> ET.Element:
    entry = ET.Element("entry")
    _add(entry, "title", month.title, type="text")
    _add(entry, "id", entry_id(meta.url, month.key))
    _add(entry, "link", rel="alternate", type="text/html", href=page)
    _add(entry, "published", _timestamp(month_start(month.key)))
    _add(entry, "updated", _timestamp(month_start(month.key)))
    _add(entry, "summary", summary, type="text")
    _content(entry, absolute_urls(issue_html(digest), page), page)
    return entry


def issue_summary(month: Month) -> str:
    if month.summary:
        return month.summary
    count = len(month.notes)
    return f"{count} paper{'' if count == 1 else 's'}: " + "; ".join(n.title for n in month.notes)


def paper_entry(note: Note, meta: FeedSite, page: str, scheme: str, fragment: str | None) -> ET.Element:
    """A paper's entry, built once and shared by every tag feed it appears in;
    `page`: its digest's URL, `scheme`: the tag index URL."""
    entry = ET.Element("entry")
    _add(entry, "title", note.title, type="text")
    _add(entry, "id", entry_id(meta.url, note.month, note.slug))
    _add(entry, "link", rel="alternate", type="text/html", href=f"{page}#{note.slug}")
    _add(entry, "link", rel="related", type="text/html", href=note.url, title="Paper")
    for extra in note.links:
        _add(entry, "link", rel="related", href=extra.url, title=extra.kind.capitalize())
    _add(entry, "published", _timestamp(month_start(note.month)))
    _add(entry, "updated", _timestamp(month_start(note.month)))
    for name in note.authors:
        _add(_add(entry, "author"), "name", name)
    for tag in note.tags:
        _add(entry, "category", term=tag.slug, label=tag.name, scheme=scheme)
    if fragment is None:  # build_feeds reports it
        fragment = f'<p><a href="{html.escape(note.url, quote=True)}">Paper</a></p>'
    _content(entry, absolute_urls(fragment, page), page)
    return entry


def tag_feed(tag: Tag, notes: tuple[Note, ...], meta: FeedSite, url_of: Callable[[str], str],
             entries: Mapping[tuple[str, str], str]) -> Feed:
    """One entry per paper with the tag, in tag page order (newest issue first)."""
    path = tag_feed_path(tag.slug)
    feed = _feed(meta, f"{meta.name}: papers tagged {tag.name}", tag.description, urljoin(meta.url, url_of(path)),
                 urljoin(meta.url, url_of(tag_path(tag.slug))), max((month_start(n.month) for n in notes), default=EPOCH))
    return Feed(path, lambda: _serialize_parts(feed, [entries[note.month, note.slug] for note in notes]))


def build_feeds(site: Site, meta: FeedSite, url_of: Callable[[str], str], digests: Mapping[str, str],
                limit: int = 0, memo: FeedMemo | None = None) -> tuple[tuple[Feed, ...], tuple[Problem, ...]]:
    """Every feed at once (see iter_feeds)."""
    feeds, problems = iter_feeds(site, meta, url_of, digests, limit, memo)
    return tuple(feeds), problems


def iter_feeds(site: Site, meta: FeedSite, url_of: Callable[[str], str], digests: Mapping[str, str],
               limit: int = 0, memo: FeedMemo | None = None) -> tuple[Iterator[Feed], tuple[Problem, ...]]:
    """The site feed and one feed per tag, each with its `limit` newest entries (0: all),
    made one at a time as the iterator is consumed: a caller that writes each feed
    out holds one in memory, not all (the site feed alone carries 50 whole issues).

    `url_of(source path)` is the site-root-relative URL MkDocs gives a file (it
    knows use_directory_urls); `digests` maps a month key to its digest HTML;
    `memo` keeps entries across builds (see FeedMemo)."""
    memo = NO_MEMO if memo is None else memo
    memo.new_build()
    newest = slice(limit or None)
    tagged = [(index.tag, index.notes[newest]) for index in site.tags]
    wanted = {(n.month, n.slug) for _, notes in tagged for n in notes}
    problems: list[Problem] = []
    entries = {}
    scheme = urljoin(meta.url, url_of("tags/index.md"))
    for month in site.months:
        if not any((month.key, n.slug) in wanted for n in month.notes):
            continue
        page = urljoin(meta.url, url_of(issue_path(month.key)))
        digest = digests.get(month.key, "")
        fragments = memo.get(("fragments", digest), lambda: paper_fragments(digest))
        for note in month.notes:
            fragment = fragments.get(note.slug)
            if fragment is None:
                problems.append(Problem(note.path, None, f"feeds: the note's HTML was not found in its digest {issue_path(note.month)} "
                                        "(unclosed HTML in the note?); its feed entries show only the paper link", "warning"))
            if (month.key, note.slug) not in wanted:
                continue
            key = ("paper", note, meta, page, scheme, fragment)
            entries[month.key, note.slug] = memo.get(key, lambda: _entry_xml(paper_entry(note, meta, page, scheme, fragment)))

    def feeds() -> Iterator[Feed]:
        yield site_feed(site.months[newest], meta, url_of, digests, memo)
        for tag, notes in tagged:
            yield tag_feed(tag, notes, meta, url_of, entries)

    return feeds(), tuple(problems)


def tag_sitemap_path(slug: str) -> str:
    return f"tags/{slug}/sitemap.xml"


def tag_sitemap(tag: Tag, meta: FeedSite, url_of: Callable[[str], str]) -> Feed:
    """A one-URL sitemap beside each tag feed.

    Material's JavaScript takes every <link rel="alternate"> in a page's head for
    a language version of the site and fetches `sitemap.xml` from the folder the
    link points into. For the site feed that is the site's own sitemap; for a tag
    feed it is `tags/<slug>/sitemap.xml`, which would be a 404 on every tag page
    view. This valid sitemap, listing just the tag page (a sitemap may only list
    URLs at or below its folder), answers that request; the link stays the
    standard autodiscovery markup feed readers look for."""
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    ET.SubElement(ET.SubElement(urlset, "url"), "loc").text = urljoin(meta.url, url_of(tag_path(tag.slug)))
    xml = ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
    return Feed(tag_sitemap_path(tag.slug), lambda: iter((xml,)))


def feed_paths(site: Site) -> tuple[str, ...]:
    """Every feed file a build writes (with the tag feeds' sitemaps), known before
    any page is rendered."""
    return (SITE_FEED, *(tag_feed_path(index.tag.slug) for index in site.tags),
            *(tag_sitemap_path(index.tag.slug) for index in site.tags))
