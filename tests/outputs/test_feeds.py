"""Atom feeds: a real strict build of a small tree with tricky content (markup and
`&` in titles and authors, non-ASCII, a subpath site_url), every feed read by
feedparser and by ElementTree."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, quote

import feedparser
import pytest

from generator.outputs.feeds import (XML_BASE, FeedMemo, FeedSite, _entry_xml, _serialize, absolute_urls, build_feeds,
                            issue_html, paper_fragments)
from generator.model import Month, Note, Section, Site, Tag, TagIndex
from helpers import TAGS, BuiltSite, build, note_md, parse_html, write_project

SITE_URL = "https://example.org/news/"  # a subpath: every URL must keep it
ATOM = "{http://www.w3.org/2005/Atom}"
UBER = {"name": "Über-Lernen", "description": "Non-ASCII tag & its <feed>.", "aliases": []}

EVIL_TITLE = '<script>alert("t")</script> & GANs: Über alles'
EVIL_AUTHOR = "Zoë <b>Bold</b> & Co"
EVIL_BODY = """\
Why it matters: GANs & transformers, with `<script>alert(1)</script>` as code.

See [the GANs tag](../tags/gans.md) and <a href="../../tags/nlp/">this raw link</a>.

```html
<a href="not-a-link/">in code, never rewritten</a>
```
"""

CONTENT = {
    "content/issues/2021-03.md": "---\ntitle: March & <More> 2021\nsummary: GANs & attention <b>not bold</b>.\n"
                                 "sections: [Generative, NLP]\n---\n\nThe **March** intro.\n",
    "content/notes/2021-03/evil-gan.md": note_md(EVIL_TITLE, "https://arxiv.org/abs/1?a=1&b=2", ["GANs", "Transformers", "Über-Lernen"],
                                                 EVIL_BODY, authors=[EVIL_AUTHOR, "Анна Иванова"], section="Generative",
                                                 date=dt.date(2019, 5, 1), code="https://github.com/x/y"),
    "content/notes/2021-03/attention.md": note_md("Attention Is All You Need", "https://arxiv.org/abs/1706.03762",
                                                  ["Transformers", "NLP"], "Attention.", authors=["Ashish Vaswani"], section="NLP"),
    "content/notes/2021-03/a-second-gan.md": note_md("A Second GAN", "https://arxiv.org/abs/3", ["GANs"], "Second.",
                                                     section="Generative"),
    "content/notes/2021-02/older-gan.md": note_md("Older GAN", "https://arxiv.org/abs/2", ["GANs"], "Older.",
                                                  date=dt.date(2021, 2, 20)),
    "content/notes/2021-02/draft-gan.md": note_md("Draft GAN", "https://arxiv.org/abs/4", ["GANs", "NLP"], "Draft.", draft=True),
}


def make_site(root: Path, epoch: str, monkeypatch) -> BuiltSite:
    # MkDocs dates its build (sitemap) from SOURCE_DATE_EPOCH: a feed dated by the build would differ.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    config = write_project(root, CONTENT, tags=TAGS + [UBER],
                           mkdocs_edits={"site_url: https://example.org/": f"site_url: {SITE_URL}"})
    run = build(config, root / "site")
    assert run.code == 0, run.text
    return BuiltSite(root / "site")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The same tree built twice, with build dates a year apart."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        first = make_site(tmp_path_factory.mktemp("feeds-a"), "1600000000", monkeypatch)
        second = make_site(tmp_path_factory.mktemp("feeds-b"), "1640000000", monkeypatch)
    return first, second


@pytest.fixture(scope="module")
def site(sites) -> BuiltSite:
    return sites[0]


def feed_files(site: BuiltSite) -> dict[str, bytes]:
    return {p.relative_to(site.dir).as_posix(): p.read_bytes() for p in sorted(site.dir.rglob("*.xml"))
            if p.name == "feed.xml"}


def parse(site: BuiltSite, path: str):
    data = (site.dir / path).read_bytes()
    feed = feedparser.parse(data, sanitize_html=False)  # unsanitised: we check our own escaping
    assert feed.bozo == 0, f"{path}: {feed.get('bozo_exception')}"
    return feed


def contents(site: BuiltSite, path: str) -> list[str]:
    """The raw HTML of every <content>, read by ElementTree (a second, strict XML parser)."""
    root = ET.fromstring((site.dir / path).read_bytes())
    assert root.tag == f"{ATOM}feed"
    found = []
    for content in root.iter(f"{ATOM}content"):
        assert content.get("type") == "html"
        found.append(content.text or "")
    return found


def test_one_feed_for_the_site_and_one_per_tag_page(site):
    tag_pages = sorted(p.parent.name for p in site.dir.glob("tags/*/index.html"))
    assert tag_pages == ["gans", "nlp", "transformers", "über-lernen"]  # the draft's tags are not extra
    assert sorted(feed_files(site)) == ["feed.xml"] + [f"tags/{slug}/feed.xml" for slug in tag_pages]


def test_a_sitemap_beside_each_tag_feed_answers_materials_lookup(site):
    """Material fetches sitemap.xml from the folder of every <link rel=alternate>;
    each tag feed's folder has one, listing only that tag's page."""
    for feed in feed_files(site):
        if feed == "feed.xml":
            continue
        folder = feed.rsplit("/", 1)[0]
        root = ET.fromstring((site.dir / folder / "sitemap.xml").read_bytes())
        locs = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        assert len(locs) == 1 and unquote(locs[0]).endswith(f"/{folder}/"), (folder, locs)


def test_every_feed_parses_without_problems(site):
    for path in feed_files(site):
        feed = parse(site, path)
        assert feed.version == "atom10"
        assert feed.entries, path
        contents(site, path)


def test_site_feed_has_one_entry_per_issue_newest_first(site):
    feed = parse(site, "feed.xml")
    assert feed.feed.title == "ML Paper Digest"
    assert feed.feed.link == SITE_URL
    assert [e.title for e in feed.entries] == ["March & <More> 2021", "February 2021"]
    assert [e.link for e in feed.entries] == [f"{SITE_URL}issues/2021-03/", f"{SITE_URL}issues/2021-02/"]
    assert [e.id for e in feed.entries] == [f"{SITE_URL}issues/2021-03/", f"{SITE_URL}issues/2021-02/"]
    assert feed.entries[0].summary == "GANs & attention <b>not bold</b>."  # plain text, not markup
    assert [e.published for e in feed.entries] == ["2021-03-01T00:00:00Z", "2021-02-01T00:00:00Z"]
    assert feed.feed.updated == "2021-03-01T00:00:00Z"  # the newest entry, not the build


def test_issue_entry_has_the_whole_digest_as_html(site):
    march, february = contents(site, "feed.xml")
    doc = parse_html(march)
    # Every paper of the issue, with its note, under its section; the title is the entry's, not repeated.
    assert [h.text() for h in doc.find_all("h2")] == ["Generative", "NLP"]
    assert [h.id for h in doc.find_all("h3")] == ["evil-gan", "a-second-gan", "attention"]  # by title: "<" sorts first
    assert "The March intro." in doc.text() and "Attention." in doc.text()
    assert doc.find("h1") is None
    assert not doc.find_all("a", cls="headerlink")  # no '#' permalinks in a mail
    assert "nl-paper:" not in march  # the render stage's markers stay out
    assert "Draft GAN" not in march + february
    assert [h.text() for h in parse_html(february).find_all("h3")] == ["Older GAN"]


def test_tag_feed_has_one_entry_per_paper_newest_issue_first(site):
    feed = parse(site, "tags/gans/feed.xml")
    assert feed.feed.title == "ML Paper Digest: papers tagged GANs"
    assert feed.feed.link == f"{SITE_URL}tags/gans/"
    assert [e.title for e in feed.entries] == [EVIL_TITLE, "A Second GAN", "Older GAN"]  # no draft
    assert [e.link for e in feed.entries] == [f"{SITE_URL}issues/2021-03/#evil-gan", f"{SITE_URL}issues/2021-03/#a-second-gan",
                                              f"{SITE_URL}issues/2021-02/#older-gan"]
    page = site.page("tags/gans/")  # the same order as the tag page
    listed = [site.resolve(page, a.attrs["href"]) for li in page.article.find_all("li") for a in li.find_all("a")[:1]]
    assert listed == [("issues/2021-03", "evil-gan"), ("issues/2021-03", "a-second-gan"), ("issues/2021-02", "older-gan")]
    # Dated by the issue that announces the paper, not by the paper's own date (2019-05-01, 2021-02-20).
    assert [e.updated for e in feed.entries] == ["2021-03-01T00:00:00Z", "2021-03-01T00:00:00Z", "2021-02-01T00:00:00Z"]
    assert feed.feed.updated == "2021-03-01T00:00:00Z"
    evil = feed.entries[0]
    assert [a.name for a in evil.authors] == [EVIL_AUTHOR, "Анна Иванова"]
    related = {link.title: link.href for link in evil.links if link.rel == "related"}
    assert related == {"Paper": "https://arxiv.org/abs/1?a=1&b=2", "Code": "https://github.com/x/y"}
    assert [t.label for t in evil.tags] == ["GANs", "Transformers", "Über-Lernen"]


def test_tag_feed_entry_content_is_the_note_as_html(site):
    evil, second, older = contents(site, "tags/gans/feed.xml")
    doc = parse_html(evil)
    assert doc.find("p", cls="nl-authors").text() == f"{EVIL_AUTHOR}, Анна Иванова"
    assert doc.find("a", cls="nl-badge--paper").attrs["href"] == "https://arxiv.org/abs/1?a=1&b=2"
    assert "Why it matters: GANs & transformers" in doc.text()
    assert doc.find("code").text() == "<script>alert(1)</script>"
    assert "Second." in second and "Older." in older and "Second." not in evil  # only this paper's note


def test_markup_in_titles_authors_and_notes_is_text_never_live(site):
    for path in feed_files(site):
        for html in contents(site, path):
            doc = parse_html(html)
            assert not doc.find_all("script"), f"{path}: a live <script> element"
            assert not doc.find_all("b"), f"{path}: an author's <b> became markup"
    evil_html = contents(site, "tags/gans/feed.xml")[0]
    assert "&lt;script&gt;" in evil_html or "&#60;script&#62;" in evil_html  # escaped, present as text
    assert "<script>alert" in parse_html(evil_html).text()


def test_relative_links_become_absolute_but_code_is_untouched(site):
    evil_html = contents(site, "tags/gans/feed.xml")[0]
    hrefs = [a.attrs.get("href") for a in parse_html(evil_html).find_all("a")]
    assert f"{SITE_URL}tags/gans/" in hrefs  # a Markdown link to a .md source, resolved by MkDocs
    assert f"{SITE_URL}tags/nlp/" in hrefs  # raw HTML in the note
    assert f"{SITE_URL}tags/{quote('über-lernen')}/" in hrefs  # a non-ASCII tag chip
    assert all(h.startswith(("https://", "mailto:")) for h in hrefs), hrefs
    assert 'href="not-a-link/"' in parse_html(evil_html).find("pre").text()
    for path in feed_files(site):
        for html in contents(site, path):
            for element in parse_html(html).iter():
                for name in ("href", "src"):
                    value = element.attrs.get(name)
                    assert value is None or value.startswith(("https://", "http://", "mailto:")), (path, value)


def test_same_paper_has_the_same_id_in_every_tag_feed(site):
    ids = {path: {e.title: e.id for e in parse(site, path).entries} for path in feed_files(site) if path != "feed.xml"}
    expected = f"{SITE_URL}issues/2021-03/#evil-gan"
    assert ids["tags/gans/feed.xml"][EVIL_TITLE] == expected
    assert ids["tags/transformers/feed.xml"][EVIL_TITLE] == expected
    assert ids[f"tags/über-lernen/feed.xml"][EVIL_TITLE] == expected


def test_rebuilds_at_other_times_write_identical_feeds(sites):
    first, second = sites
    assert (first.dir / "sitemap.xml").read_text() != (second.dir / "sitemap.xml").read_text()  # the build dates differ
    assert feed_files(first) == feed_files(second)
    dates = set()
    for path, data in feed_files(first).items():
        dates |= set(re.findall(rb"<(?:updated|published)>([^<]+)<", data))
    assert dates == {b"2021-03-01T00:00:00Z", b"2021-02-01T00:00:00Z"}


def test_feeds_are_neither_pages_nor_search_results(site):
    sitemap = (site.dir / "sitemap.xml").read_text()
    assert "feed.xml" not in sitemap
    assert not [d for d in site.search_index() if "feed.xml" in d["location"]]


def alternates(page) -> list[tuple[str, str]]:
    return [(link.attrs["href"], link.attrs.get("title", "")) for link in page.doc.find_all("link", rel="alternate")
            if link.attrs.get("type") == "application/atom+xml"]


def resolves_to(site: BuiltSite, page, href: str) -> Path:
    target, _ = site.resolve(page, href)
    return site.dir / target


def test_every_page_announces_the_site_feed(site):
    for url in site.page_urls():
        page = site.page(url)
        hrefs = [resolves_to(site, page, href) for href, _ in alternates(page)]
        assert site.dir / "feed.xml" in hrefs, url


def test_tag_pages_announce_their_own_feed_first(site):
    page = site.page("tags/gans/")
    (first_href, title), _ = alternates(page)
    assert resolves_to(site, page, first_href) == site.dir / "tags/gans/feed.xml"
    assert title == "ML Paper Digest: Papers tagged GANs"
    digest = site.page("issues/2021-03/")
    assert [resolves_to(site, digest, h) for h, _ in alternates(digest)] == [site.dir / "feed.xml"]


@pytest.mark.parametrize("url, feed, label", [
    ("", "feed.xml", "Subscribe to new issues"),
    ("issues/", "feed.xml", "Subscribe to new issues"),
    ("tags/gans/", "tags/gans/feed.xml", "Subscribe to papers tagged GANs"),
    ("tags/über-lernen/", "tags/über-lernen/feed.xml", "Subscribe to papers tagged Über-Lernen"),
])
def test_visible_subscribe_links(site, url, feed, label):
    page = site.page(url)
    (link,) = page.article.find_all("a", cls="nl-subscribe")
    assert link.text() == label
    assert resolves_to(site, page, link.attrs["href"]) == site.dir / feed
    assert (site.dir / feed).is_file()


def test_without_site_url_no_feeds_and_no_links_to_them(tmp_path):
    config = write_project(tmp_path, CONTENT, tags=TAGS + [UBER], mkdocs_edits={"site_url: https://example.org/\n": ""})
    run = build(config, tmp_path / "site", "--no-strict")
    assert run.code == 0, run.text
    assert [m for m in run.logs if "site_url" in m and "feeds" in m], run.logs
    built = BuiltSite(tmp_path / "site")
    assert not feed_files(built)
    for url in built.page_urls():
        assert not alternates(built.page(url)) and not built.page(url).doc.find_all("a", cls="nl-subscribe"), url


# ------------------------------------------------------------------------------ pure parts


def test_absolute_urls_only_rewrites_real_tags():
    html = ('<p><a href="../../x/">x</a> <img src=\'y.png\' alt="y"> <a href="https://o.org/?a=1&amp;b=2">o</a> '
            '<a href="#frag">f</a> <a href="mailto:me@example.org">m</a></p><pre><code>&lt;a href="z/"&gt;</code></pre>')
    out = absolute_urls(html, "https://example.org/news/issues/2021-03/")
    assert '<a href="https://example.org/news/x/">' in out
    assert '<img src="https://example.org/news/issues/2021-03/y.png" alt="y">' in out
    assert '<a href="https://o.org/?a=1&amp;b=2">' in out  # entities survive the round trip
    assert '<a href="https://example.org/news/issues/2021-03/#frag">' in out
    assert '<a href="mailto:me@example.org">' in out
    assert '&lt;a href="z/"&gt;' in out


def test_paper_fragments_are_the_slices_between_the_markers():
    digest = ('<h3 id="a">A<a class="headerlink" href="#a">#</a></h3>\n<!-- nl-paper:a -->\n<p>note a</p>\n'
              '<!-- /nl-paper:a -->\n<h3 id="ab">B</h3>\n<!-- nl-paper:ab -->\n<p>note b</p>\n<!-- /nl-paper:ab -->\n'
              '<h3 id="c">C</h3>\n<!-- nl-paper:c -->\n<p>end marker lost')
    assert paper_fragments(digest) == {"a": "<p>note a</p>", "ab": "<p>note b</p>"}
    assert issue_html('<h1 id="t">T<a class="headerlink" href="#t">#</a></h1>\n' + digest).startswith('<h3 id="a">A</h3>')


def test_missing_markers_are_a_warning_on_the_note_and_the_entry_keeps_its_link():
    tag = Tag("GANs", "gans")
    note = Note(slug="x", month="2021-03", title="X", url="https://arxiv.org/abs/9", tags=(tag,),
                path="content/notes/2021-03/x.md")
    month = Month(key="2021-03", title="March 2021", summary="", intro="", sections=(Section(None, (note,)),))
    site = Site(months=(month,), tags=(TagIndex(tag, (note,)),))
    urls = {"feed.xml": "feed.xml", "issues/2021-03.md": "issues/2021-03/", "tags/gans.md": "tags/gans/",
            "tags/gans/feed.xml": "tags/gans/feed.xml", "tags/index.md": "tags/"}
    feeds, problems = build_feeds(site, FeedSite("https://example.org/", "Digest"), urls.__getitem__,
                                  {"2021-03": "<p>minified away</p>"})
    assert [(p.path, p.severity) for p in problems] == [("content/notes/2021-03/x.md", "warning")]
    tag_feed = feedparser.parse(feeds[1].xml)
    assert tag_feed.bozo == 0
    assert 'href="https://arxiv.org/abs/9"' in tag_feed.entries[0].content[0].value


def test_xml_forbidden_characters_are_dropped():
    tag = Tag("GANs", "gans")
    note = Note(slug="x", month="2021-03", title="Bad\x0bTitle\x00", url="https://arxiv.org/abs/9", tags=(tag,))
    month = Month(key="2021-03", title="March\x1b 2021", summary="", intro="", sections=(Section(None, (note,)),))
    site = Site(months=(month,), tags=(TagIndex(tag, (note,)),))
    feeds, _ = build_feeds(site, FeedSite("https://example.org/", "Digest"), lambda p: p.replace(".md", "/"),
                           {"2021-03": "<!-- nl-paper:x --><p>ok\x0c</p><!-- /nl-paper:x -->"})
    for feed in feeds:
        ET.fromstring(feed.xml)
        assert feedparser.parse(feed.xml).bozo == 0
    assert feedparser.parse(feeds[1].xml).entries[0].title == "BadTitle"


def test_feed_limit_keeps_the_newest_entries():
    tag = Tag("GANs", "gans")
    notes = [Note(slug=f"p{i}", month=f"2021-0{i}", title=f"P{i}", url=f"https://arxiv.org/abs/{i}", tags=(tag,)) for i in (3, 2, 1)]
    months = tuple(Month(key=n.month, title=n.month, summary="", intro="", sections=(Section(None, (n,)),)) for n in notes)
    site = Site(months=months, tags=(TagIndex(tag, tuple(notes)),))
    digests = {n.month: f"<!-- nl-paper:{n.slug} --><p>{n.slug}</p><!-- /nl-paper:{n.slug} -->" for n in notes}
    url_of = lambda p: p.replace(".md", "/")  # noqa: E731
    for limit, expected in ((2, ["2021-03", "2021-02"]), (0, ["2021-03", "2021-02", "2021-01"])):
        feeds, _ = build_feeds(site, FeedSite("https://example.org/", "Digest"), url_of, digests, limit)
        site_feed, tag_feed = (feedparser.parse(f.xml) for f in feeds)
        assert [e.title for e in site_feed.entries] == expected
        assert [e.title for e in tag_feed.entries] == [f"P{m[-1]}" for m in expected]
        assert site_feed.feed.updated == tag_feed.feed.updated == "2021-03-01T00:00:00Z"


def test_negative_feed_limit_is_a_config_error(tmp_path):
    config = write_project(tmp_path, CONTENT, tags=TAGS + [UBER],
                           mkdocs_edits={"feed_limit: 50": "feed_limit: -1"})
    run = build(config, tmp_path / "site")
    assert run.code == 1
    assert "option 'feed_limit': must be 0" in run.text  # MkDocs' own config message
    assert "Traceback" not in run.text


def _two_issue_site(title: str = "P3", body: str = "p3"):
    tags = (Tag("GANs", "gans"), Tag("NLP", "nlp"))
    notes = [Note(slug=f"p{i}", month=f"2021-0{i}", title=title if i == 3 else f"P{i}", url=f"https://arxiv.org/abs/{i}",
                  tags=tags[: 1 + i % 2]) for i in (3, 2)]
    months = tuple(Month(key=n.month, title=n.month, summary="", intro="", sections=(Section(None, (n,)),)) for n in notes)
    site = Site(months=months, tags=(TagIndex(tags[0], tuple(notes)), TagIndex(tags[1], (notes[0],))))
    digests = {n.month: f"<!-- nl-paper:{n.slug} --><p>{body if n.slug == 'p3' else n.slug}</p><!-- /nl-paper:{n.slug} -->"
               for n in notes}
    return site, digests


def test_feeds_kept_across_builds_are_never_stale():
    """Under serve the plugin keeps one FeedMemo across rebuilds: an edited note or
    digest changes its entries at once, and every feed equals one built afresh."""
    memo, meta, url_of = FeedMemo(), FeedSite("https://example.org/", "Digest"), lambda p: p.replace(".md", "/")
    site, digests = _two_issue_site()
    first, _ = build_feeds(site, meta, url_of, digests, 0, memo)
    assert first == build_feeds(site, meta, url_of, digests, 0)[0]
    for title, body in (("P3 renamed", "p3"), ("P3 renamed", "p3 edited"), ("P3", "p3")):
        site, digests = _two_issue_site(title, body)
        kept, _ = build_feeds(site, meta, url_of, digests, 0, memo)
        assert kept == build_feeds(site, meta, url_of, digests, 0)[0], (title, body)
        for feed in kept:  # the site feed has it in the issue's summary and HTML, tag feeds in the paper's entry
            entries = feedparser.parse(feed.xml).entries
            assert any(title in (e.title, e.summary.removeprefix("1 paper: ")) for e in entries), feed.path
            assert any(f"<p>{body}</p>" in e.content[0].value for e in entries), feed.path
    assert kept == first
    other = FeedSite("https://example.org/other/", "Digest")  # the site moved: every URL and id with it
    assert "example.org/other/" in build_feeds(site, other, url_of, digests, 0, memo)[0][1].xml.decode()


def test_feeds_are_made_one_at_a_time_and_streamed():
    """A build writes each feed as it is made (iter_feeds), in pieces, keeping no entry
    once written: the site feed of a large archive is tens of MB."""
    import io
    from generator.outputs.feeds import iter_feeds
    from generator.speed.memo import NO_MEMO
    meta, url_of = FeedSite("https://example.org/", "Digest"), lambda p: p.replace(".md", "/")
    site, digests = _two_issue_site()
    expected = build_feeds(site, meta, url_of, digests, 0, FeedMemo())[0]
    feeds, _ = iter_feeds(site, meta, url_of, digests, 0)
    for feed, want in zip(feeds, expected, strict=True):
        out = io.BytesIO()
        feed.write(out)
        assert out.getvalue() == want.xml and len(list(feed.parts())) > 2, feed.path  # head, entries, end
    assert len(NO_MEMO) == 0


@pytest.mark.parametrize("entries", [0, 1, 3])
def test_feed_assembled_from_entries_equals_elementtree_writing_the_whole_tree(entries):
    def entry(i: int) -> ET.Element:
        e = ET.Element("entry")
        ET.SubElement(e, "title", type="text").text = f"Über <b>&</b> {i}"
        ET.SubElement(ET.SubElement(e, "author"), "name").text = "Zoë"
        ET.SubElement(e, "content", {"type": "html", XML_BASE: "https://example.org/"}).text = "<p>a &amp; b</p>\n"
        return e

    def head() -> ET.Element:
        feed = ET.Element("feed", {"xmlns": "http://www.w3.org/2005/Atom"})
        ET.SubElement(feed, "title").text = "T"
        ET.SubElement(ET.SubElement(feed, "author"), "name").text = "A"
        return feed

    whole = head()
    whole.extend(entry(i) for i in range(entries))
    ET.indent(whole)
    expected = ET.tostring(whole, encoding="utf-8", xml_declaration=True) + b"\n"
    assert _serialize(head(), [_entry_xml(entry(i)) for i in range(entries)]) == expected
