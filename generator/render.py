"""Stage 3: render every page of the site as Markdown text.

Pure: Site in, Pages out. Links in Markdown text are written as links to their
.md sources, so the site engine resolves them (for any URL scheme) and its strict
build validates them. Links inside finished HTML blocks (html_block), which the
engine leaves alone, are the URLs it would have made (page_url), checked by the
site's link check.

Escaping rule: front matter is plain text. Every string from front matter goes
through `md_text` (Markdown text) or `html_text` (page meta: title,
description; finished HTML blocks), so no markup an editor types in a title, author or tag is ever
interpreted. Only note and issue bodies are Markdown.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import posixpath
import string
from urllib.parse import quote

import yaml

from .citation import bibtex_entry, cite_keys, coins, paper_of
from .grouping import month_label
from .speed.memo import NO_MEMO, BuildMemo
from .model import Month, Note, Page, Site, Tag, TagIndex
from .slugs import section_anchor

BADGE_LABELS = {"paper": "Paper", "code": "Code", "demo": "Demo", "blog": "Blog", "video": "Video", "data": "Data"}
HOME_RECENT_ISSUES = 6
HOME_MAIN_TAGS = 12
# Drafts reach the renderer only in the live preview; the mark makes that obvious.
DRAFT_TEXT = "Draft: shown in the preview only, not published"
DRAFT_MARK = DRAFT_TEXT + "\n{ .nl-draft }"

# Every ASCII punctuation character becomes a numeric character reference: Markdown
# and its extensions (emphasis, links, attr_list {..}, emoji :x:, math $, keys ++)
# give meaning to nearly all of them, and a reference is never interpreted.
_MD_ESCAPES = {ord(c): f"&#{ord(c)};" for c in string.punctuation}


@functools.lru_cache(maxsize=1 << 16)  # tag names and authors recur on every tag page
def md_text(value: str) -> str:
    """Plain text placed into Markdown, shown exactly as written."""
    return " ".join(value.split()).translate(_MD_ESCAPES)


@functools.lru_cache(maxsize=1 << 16)
def html_text(value: str) -> str:
    """Plain text placed into HTML: by the theme's templates, which do not escape,
    and in the finished HTML blocks of pages (html_block)."""
    return html.escape(" ".join(value.split()), quote=True)


def md_url(url: str) -> str:
    """A URL as a Markdown link destination: characters that would end or
    confuse the destination are percent-encoded (the reader's URL is the same)."""
    return quote(url, safe="/:?#[]@!$&*+,;=%~-._")


def link(from_page: str, to_page: str, anchor: str = "") -> str:
    """Relative link from one generated source page to another (both .md paths)."""
    target = _relative(to_page, from_page)
    return f"{target}#{anchor}" if anchor else target


@functools.lru_cache(maxsize=1 << 16)
def _relative(to_page: str, from_page: str) -> str:
    # relpath is slow and a site has few distinct (page, page) pairs, but tag
    # pages at 10,000 notes ask for them hundreds of thousands of times
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


@functools.lru_cache(maxsize=1 << 16)
def page_url(from_page: str, to_page: str, directory_urls: bool = True) -> str:
    """The URL MkDocs writes for a Markdown link from one generated page to another
    (File.url and get_relative_url rules), for links in raw HTML, which MkDocs
    leaves alone; the site's link check then validates them."""
    source, target = _file_url(from_page, directory_urls), _file_url(to_page, directory_urls)
    base = posixpath.dirname(source) if "." in posixpath.basename(source) else source
    relative = posixpath.relpath(target or ".", base or ".")
    return relative + "/" if target.endswith("/") or target == "" else relative


def _file_url(path: str, directory_urls: bool) -> str:
    stem = path[:-3]
    if not directory_urls:
        url = stem + ".html"
    elif stem == "index" or stem.endswith("/index"):
        url = stem[:-5]
    else:
        url = stem + "/"
    return quote(url)  # as MkDocs quotes File.url: a non-ASCII tag slug is percent-encoded


def front_matter(title: str, description: str, **extra: str) -> str:
    """Page meta for the theme; `extra` values must already be safe in HTML."""
    meta = {"title": html_text(title), "description": html_text(description), **extra}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, width=1_000_000, sort_keys=False) + "---\n\n"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def issue_path(key: str) -> str:
    return f"issues/{key}.md"


def tag_path(slug: str) -> str:
    return f"tags/{slug}.md"


SITE_FEED = "feed.xml"


SITE_BIBTEX = "papers.bib"
SITE_CSL = "papers.csl.json"
SITE_DATA = "papers.json"
SITE_DATA_SCHEMA = "papers.schema.json"
SITE_JSON_FEED = "feed.json"
ARCHIVE_DOWNLOADS = [("BibTeX", SITE_BIBTEX, "application/x-bibtex"), ("CSL-JSON", SITE_CSL, "application/vnd.citationstyles.csl+json"),
                     ("JSON (with schema)", SITE_DATA, "application/json"), ("JSON Feed", SITE_JSON_FEED, "application/feed+json")]


def issue_bibtex_path(key: str) -> str:
    """Beside the digest's URL (issues/2021-03/), like a tag's feed beside its page."""
    return f"issues/{key}/papers.bib"


def tag_bibtex_path(slug: str) -> str:
    return f"tags/{slug}/papers.bib"


def download_links(page: str, links: list[tuple[str, str, str]]) -> str:
    """A line of download links: (label, target file, MIME type)."""
    items = " · ".join(f"[{md_text(label)}]({link(page, target)}){{ .nl-download type={kind} }}" for label, target, kind in links)
    return f"{items}\n{{ .nl-downloads }}\n"


def tag_feed_path(slug: str) -> str:
    """Beside the tag page's URL (tags/<slug>/), so readers guess it too."""
    return f"tags/{slug}/feed.xml"


def subscribe_link(page: str, feed: str, label: str) -> str:
    return f"[{md_text(label)}]({link(page, feed)}){{ .nl-subscribe type=application/atom+xml }}\n{{ .nl-subscribe-line }}\n"


def html_block_digest(html: str) -> str:
    return hashlib.blake2b(html.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def html_block(html: str) -> str:
    """A block of finished HTML in a page's Markdown. It is plain raw HTML to any
    Markdown engine; the markers let the site's Markdown pass it through without
    parsing it again (mkdocs/rawhtml.py). Every text in it was escaped by html_text."""
    return f"<!-- nl-html {html_block_digest(html)} -->\n{html}\n<!-- /nl-html -->"


def paper_entry(note: Note, page: str, directory_urls: bool = True, cite: str = "") -> str:
    """One paper in a digest: heading with a stable anchor, then authors, badges and
    tags as finished HTML (the same HTML Markdown made of them, without its cost at
    thousands of papers), then the note's own Markdown, then its Cite control (`cite`:
    finished HTML, see cite_block)."""
    head = [f"<!-- nl-paper:{note.slug} -->"]  # the feeds cut the paper's HTML out between these markers
    if note.draft:
        head.append(f'<p class="nl-draft">{DRAFT_TEXT}</p>')
    if note.authors:
        head.append(f'<p class="nl-authors">{html_text(", ".join(note.authors))}</p>')
    badges = [_badge("paper", note.url)] + [_badge(l.kind, l.url) for l in note.links]
    head.append(f'<p class="nl-links">{" ".join(badges)}</p>')
    chips = " ".join(_chip(page_url(page, tag_path(t.slug), directory_urls), t) for t in note.tags)
    head.append(f'<p class="nl-tags">{chips}</p>')
    if note.earlier:  # a `repeat: true` note: where the paper was featured before
        where = ", ".join(f'<a href="{page_url(page, issue_path(e.month), directory_urls)}#{e.slug}">{html_text(e.issue_title)}</a>'
                          for e in note.earlier)
        head.append(f'<p class="nl-repeat">Also featured in {where}</p>')
    parts = [f"### {md_text(note.title)} {{ #{note.slug} .nl-paper-title }}", html_block("\n".join(head))]
    if note.body.strip():
        parts.append(note.body.strip())
    # After the end marker: the feeds carry the paper, not its citation controls.
    parts.append(html_block(f"<!-- /nl-paper:{note.slug} -->" + (f"\n{cite}" if cite else "")))
    return "\n\n".join(parts)


def cite_block(note: Note, key: str, issue_title: str) -> str:
    """A paper's Cite control: its BibTeX entry in a <details> (no script needed, nothing
    fetched, closed on load so nothing shifts) with a copy button newsletter.js wires up,
    and its COinS span for the Zotero Connector. Out of every search index."""
    entry = html.escape(bibtex_entry(note, key, issue_title).rstrip("\n"), quote=False)
    span = f'<span class="Z3988" title="{html.escape(coins(note, issue_title), quote=True)}"></span>'
    return (f'<div class="nl-cite" data-search-exclude data-pagefind-ignore="all">{span}<details>'
            f'<summary>Cite</summary>\n<pre class="nl-bibtex"><code>{entry}</code></pre>\n'
            f'<button type="button" class="md-button nl-cite-copy" data-bibtex-key="{html.escape(key, quote=True)}">'
            f'Copy BibTeX</button></details></div>')


def _chip(href: str, tag: Tag) -> str:
    return f'<a class="nl-chip" href="{href}">{html_text(tag.name)}</a>'


def _badge(kind: str, url: str) -> str:
    return f'<a class="nl-badge nl-badge--{kind}" href="{html.escape(md_url(url), quote=True)}">{BADGE_LABELS[kind]}</a>'


def render_digest(month: Month, site_name: str, directory_urls: bool = True, keys: tuple[str, ...] = (),
                  bibtex: bool = True) -> Page:
    """`keys`: each paper's BibTeX key, in `month.notes` order (cite_keys); none: no Cite
    controls. `bibtex`: link the issue's papers.bib (off when the build writes none)."""
    page = issue_path(month.key)
    count = len(month.notes)
    description = month.summary or f"{month.title}: {plural(count, 'paper')} from {site_name}."
    out = [front_matter(month.title, description), f"# {md_text(month.title)}\n"]
    if month.draft:
        out.append(DRAFT_MARK + "\n")
    if month.summary:
        out.append(md_text(month.summary) + "\n{ .nl-summary }\n")
    if bibtex:
        out.append(download_links(page, [(f"Download BibTeX ({plural(count, 'paper')})", issue_bibtex_path(month.key),
                                          "application/x-bibtex")]))
    if month.intro.strip():
        out.append(month.intro.strip() + "\n")
    cites = dict(zip(((n.month, n.slug) for n in month.notes), keys))
    for section in month.sections:
        if section.name is not None:
            out.append(f"## {md_text(section.name)} {{ #{section_anchor(section.name)} }}\n")
        elif len(month.sections) > 1:
            out.append(f"## More papers {{ #{section_anchor(None)} }}\n")
        for note in section.notes:
            key = cites.get((note.month, note.slug))
            cite = cite_block(note, key, month.title) if key else ""
            out.append(paper_entry(note, page, directory_urls, cite) + "\n")
    out.append(_issue_navigation(month, page))
    return Page(path=page, markdown="\n".join(out), title=month.title)



def _issue_navigation(month: Month, page: str) -> str:
    links = []
    if month.previous:
        links.append(f"[← {month_label(month.previous)}]({link(page, issue_path(month.previous))}){{ .nl-prev }}")
    if month.next:
        links.append(f"[{month_label(month.next)} →]({link(page, issue_path(month.next))}){{ .nl-next }}")
    if not links:
        return ""
    return "---\n\n" + " ".join(links) + "\n{ .nl-issue-nav }\n"


def render_tag(index: TagIndex, months: dict[str, Month], feeds: bool = True, directory_urls: bool = True,
               shared: dict | None = None) -> Page:
    tag = index.tag
    page = tag_path(tag.slug)
    count = plural(len(index.notes), "paper")
    description = tag.description or f"Every paper tagged {tag.name}: {count}."
    feed_meta = {"feed": tag_feed_path(tag.slug), "feed_title": html_text(f"Papers tagged {tag.name}")} if feeds else {}
    out = [front_matter(tag.name, description, **feed_meta), f"# {md_text(tag.name)}\n"]
    if tag.description:
        out.append(md_text(tag.description) + "\n{ .nl-summary }\n")
    if feeds:
        out.append(subscribe_link(page, tag_feed_path(tag.slug), f"Subscribe to papers tagged {tag.name}"))
        out.append(download_links(page, [(f"Download BibTeX ({count})", tag_bibtex_path(tag.slug), "application/x-bibtex")]))
    out.append(f"**{count}** across {plural(len({n.month for n in index.notes}), 'issue')}.\n{{ .nl-count }}\n")
    if index.related:
        related = " ".join(f"[{md_text(t.name)} ({n})]({link(page, tag_path(t.slug))}){{ .nl-chip }}" for t, n in index.related)
        out.append(f"Related tags: {related}\n{{ .nl-related }}\n")
    # Each month's list is finished HTML (see html_block): the HTML Markdown made of
    # `- [title](link) — authors<br>chips`, without inline Markdown of hundreds of papers per tag.
    # Every tag page lives in tags/, so a paper's item is the same HTML on each of them
    # but for the page's own chip: made once per render_site call (`shared`, by note).
    shared = {} if shared is None else shared
    items: list[str] = []
    for number, note in enumerate(index.notes):
        if number == 0 or note.month != index.notes[number - 1].month:
            if items:
                out.append(_paper_list(items))
                items = []
            out.append(f"\n## {md_text(months[note.month].title)} {{ #month-{note.month} }}\n")
        parts = shared.get(id(note))
        if parts is None or parts[0] is not note:
            parts = shared[id(note)] = (note, *_tag_list_item(note, months[note.month].title, directory_urls))
        _, head, chips = parts
        others = " ".join(chip for slug, chip in chips if slug != tag.slug)
        items.append(f"{head}<br>{others}</li>" if others else f"{head}</li>")
    if items:
        out.append(_paper_list(items))
    return Page(path=page, markdown="\n".join(out) + "\n", title=tag.name)


# A sibling of every tag page that is none of them ("_" is never a slug): links from it are
# the links from any tag page to any other page.
_ANY_TAG_PAGE = "tags/_.md"


def _tag_list_item(note: Note, issue_title: str, directory_urls: bool) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A paper in a tag page's list: the start of its item (link, authors, its COinS span
    for the Zotero Connector) and a chip per tag."""
    def url(target: str) -> str:
        return page_url(_ANY_TAG_PAGE, target, directory_urls)  # positional: the cache key is cheaper
    head = f'<li><a href="{url(issue_path(note.month))}#{note.slug}">{html_text(note.title)}</a>'
    if note.authors:
        head += f" — {html_text(', '.join(note.authors))}"
    head += f'<span class="Z3988" title="{html.escape(coins(note, issue_title), quote=True)}"></span>'
    chips = tuple((t.slug, _chip(url(tag_path(t.slug)), t)) for t in note.tags)
    return head, chips


PAPER_LIST_START = '<ul class="nl-papers" data-search-exclude>'


def _paper_list(items: list[str]) -> str:
    # Out of the search index: a search for a paper leads to its entry in the digest,
    # not also to every tag page (or the home page) listing it; their titles stay indexed.
    return html_block(f"{PAPER_LIST_START}\n" + "\n".join(items) + "\n</ul>")


def render_tags_index(site: Site) -> Page:
    page = "tags/index.md"
    out = [front_matter("Tags", f"All {len(site.tags)} topics, with the number of papers for each."), "# Tags\n"]
    top = max((len(t.notes) for t in site.tags), default=1)
    cloud = " ".join(
        f"[{md_text(t.tag.name)} <span class=\"nl-count\">{len(t.notes)}</span>]({link(page, tag_path(t.tag.slug))})"
        f"{{ .nl-cloud-tag .nl-weight-{_weight(len(t.notes), top)} }}"
        for t in site.tags)
    out.append(cloud + "\n{ .nl-cloud }\n")
    out.append("## All tags\n")
    for t in site.tags:
        line = f"- [{md_text(t.tag.name)}]({link(page, tag_path(t.tag.slug))}) · {plural(len(t.notes), 'paper')}"
        if t.tag.description:
            line += f" — {md_text(t.tag.description)}"
        out.append(line)
    return Page(path=page, markdown="\n".join(out) + "\n", title="Tags")


def _weight(count: int, top: int) -> int:
    """1..5, so the cloud shows relative size while the number shows the count."""
    return 1 + round(4 * (count - 1) / max(top - 1, 1))


def render_archive(site: Site, feeds: bool = True) -> Page:
    page = "issues/index.md"
    out = [front_matter("Issues", f"All {len(site.months)} issues, newest first."), "# Issues\n"]
    if feeds:
        out.append(subscribe_link(page, SITE_FEED, "Subscribe to new issues"))
        out.append("The whole archive as data: " + download_links(page, ARCHIVE_DOWNLOADS))
    year = None
    for month in site.months:
        if month.year != year:
            year = month.year
            out.append(f"\n## {year} {{ #year-{year} }}\n")
        line = f"- [{md_text(month.title)}]({link(page, issue_path(month.key))}) · {plural(len(month.notes), 'paper')}"
        if month.summary:
            line += f"<br>{md_text(month.summary)}"
        out.append(line)
    return Page(path=page, markdown="\n".join(out) + "\n", title="Issues")


def render_home(site: Site, site_name: str, site_description: str = "", feeds: bool = True,
                directory_urls: bool = True) -> Page:
    page = "index.md"
    out = [front_matter(site_name, site_description or f"{site_name}: curated machine-learning papers, monthly."),
           f"# {md_text(site_name)}\n"]
    if site_description:
        out.append(md_text(site_description) + "\n{ .nl-summary }\n")
    if feeds:
        out.append(subscribe_link(page, SITE_FEED, "Subscribe to new issues"))
    if not site.months:
        out.append("No issues yet.\n")
        return Page(path=page, markdown="\n".join(out), title=site_name)
    latest = site.months[0]
    out.append(f"## Latest issue: [{md_text(latest.title)}]({link(page, issue_path(latest.key))}) {{ #latest }}\n")
    if latest.summary:
        out.append(md_text(latest.summary) + "\n{ .nl-summary }\n")
    target = page_url(page, issue_path(latest.key), directory_urls)
    out.append(_paper_list([f'<li><a href="{target}#{note.slug}">{html_text(note.title)}</a></li>' for note in latest.notes]))
    out.append("")
    if len(site.months) > 1:
        out.append("## Recent issues { #recent }\n")
        for month in site.months[1:1 + HOME_RECENT_ISSUES]:
            out.append(f"- [{md_text(month.title)}]({link(page, issue_path(month.key))}) · {plural(len(month.notes), 'paper')}")
        out.append(f"\n[All issues]({link(page, 'issues/index.md')})\n")
    main_tags = sorted(site.tags, key=lambda t: (-len(t.notes), t.tag.name.casefold()))[:HOME_MAIN_TAGS]
    if main_tags:
        out.append("## Main tags { #tags }\n")
        chips = " ".join(f"[{md_text(t.tag.name)} ({len(t.notes)})]({link(page, tag_path(t.tag.slug))}){{ .nl-chip }}" for t in main_tags)
        out.append(chips + "\n{ .nl-tags }\n")
        out.append(f"[All tags]({link(page, 'tags/index.md')})\n")
    return Page(path=page, markdown="\n".join(out), title=site_name)


def render_site(site: Site, site_name: str, site_description: str = "", feeds: bool = True,
                directory_urls: bool = True, memo: BuildMemo | None = None) -> tuple[Page, ...]:
    """All generated pages, in a stable order. `feeds`: link the Atom feeds
    (off when the build writes none, so no link points nowhere). `directory_urls`:
    MkDocs' use_directory_urls, for links written as HTML. `memo`: under serve,
    digests and tag pages kept from the last rebuild whose inputs are all equal."""
    memo = NO_MEMO if memo is None else memo
    memo.new_build()
    months = {m.key: m for m in site.months}
    pages = [render_home(site, site_name, site_description, feeds, directory_urls), render_archive(site, feeds),
             render_tags_index(site)]
    ids = cite_keys(site)
    for m in site.months:
        keys = tuple(ids[paper_of(n)] for n in m.notes)
        pages.append(memo.get(("digest", m, site_name, directory_urls, keys, feeds),
                              lambda m=m, keys=keys: render_digest(m, site_name, directory_urls, keys, feeds)))
    shared: dict = {}  # tag-list items, shared by the tag pages of this call
    for index in site.tags:
        titles = tuple((key, months[key].title) for key in dict.fromkeys(n.month for n in index.notes))
        pages.append(memo.get(("tag", index, titles, feeds, directory_urls),
                              lambda index=index: render_tag(index, months, feeds, directory_urls, shared)))
    return tuple(pages)


def content_epoch(site: Site) -> int:
    """The newest published date in the site (a note's date, else the first day of
    its issue month), as seconds since 1970 at midnight UTC; 0 for no content."""
    days = [n.date or dt.date.fromisoformat(f"{n.month}-01") for n in site.notes]
    days += [dt.date.fromisoformat(f"{m.key}-01") for m in site.months]
    newest = max(days, default=dt.date(1970, 1, 1))
    return int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc).timestamp())


def navigation(site: Site) -> list:
    """MkDocs `nav`: Home, Issues by year (newest first), Tags. Tag pages stay out
    of the sidebar, which keeps every page's navigation small."""
    years: dict[str, list] = {}
    for month in site.months:
        years.setdefault(month.year, []).append({html_text(month.title): issue_path(month.key)})
    issues = [{"Archive": "issues/index.md"}] + [{year: items} for year, items in years.items()]
    return [{"Home": "index.md"}, {"Issues": issues}, {"Tags": "tags/index.md"}]
