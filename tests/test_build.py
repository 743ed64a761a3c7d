"""Integration: the real MkDocs + Material build of a small tree with tricky content, and
of the shipped content, checked with an HTML parser.

Each tree is built once per module. The shipped-content checks are generic (they hold
for any valid content); the ones marked `shipped_content` also require the content to
be free of problems.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.grouping import group
from generator.read import read_content
from helpers import REPO, TAGS, BuiltSite, build, note_md, parse_html, run_cli, write_project

SITE_NAME = "ML Paper Digest"

EVIL_TAG = {"name": "<script>alert('tag')</script> *Tag*",
            "description": "Tag <img src=x onerror=alert('desc')> [d](javascript:alert(1)) \"quoted\"", "aliases": []}
EVIL_TITLE = "Evil <script>alert('title')</script> *md* [x](javascript:alert('t')) {#boom}"
EVIL_AUTHOR = "Mallory <img src=x onerror=alert('author')>"
EVIL_SECTION = "Robots <script>alert('section')</script>"
ISSUE_TITLE = "March <script>alert('issue')</script> *md* & \"friends\""
ISSUE_SUMMARY = "Summary <img src=x onerror=alert('summary')> [s](javascript:alert(1)) \" onmouseover=\"alert(1)"
INJECTED = [EVIL_TAG["name"], EVIL_TAG["description"], EVIL_TITLE, EVIL_AUTHOR, EVIL_SECTION, ISSUE_TITLE, ISSUE_SUMMARY]

FILES = {
    "content/issues/2021-03.md": note_md(title=ISSUE_TITLE, url=None, tags=None, summary=ISSUE_SUMMARY,
                                         sections=["Vision", "Generative <b>Models</b>"], body="The **editorial** intro."),
    "content/notes/2021-03/vision-one.md": note_md(
        title="Vision One", url="https://papers.test/vision-one", tags=["CV", "SSL"], section="Vision",
        authors=["Ada Lovelace", "Alan Turing"], code="https://code.papers.test/vision-one", data="http://data.papers.test/v1"),
    "content/notes/2021-03/generative-one.md": note_md(
        title="Generative One", url="https://papers.test/generative-one", tags=["GAN"], section="Generative <b>Models</b>"),
    "content/notes/2021-03/evil.md": note_md(
        title=EVIL_TITLE, url="https://papers.test/evil?a=1&b=<2>", tags=[EVIL_TAG["name"], "GANs"], authors=[EVIL_AUTHOR, "Eve"],
        section=EVIL_SECTION, demo="https://demo.papers.test/evil", body="A normal body with *emphasis*."),
    "content/notes/2021-03/loose.md": note_md(title="Loose Paper", url="https://papers.test/loose", tags=["NLP"]),
    "content/notes/2021-03/secret-draft.md": note_md(title="SECRET DRAFT NOTE", url="https://papers.test/secret",
                                                     tags=["Transformers", "GANs"], draft=True),
    "content/notes/2021-02/feb-paper.md": note_md(title="February Paper", url="https://papers.test/feb", tags=["GANs", "NLP"]),
    "content/notes/2021-01/early-paper.md": note_md(title="Early Paper", url="https://papers.test/early", tags=["GANs"],
                                                    issue="2021-01"),
    "content/issues/2021-04.md": note_md(title="SECRET DRAFT ISSUE", url=None, tags=None, draft=True),
    "content/notes/2021-04/hidden-month.md": note_md(title="SECRET HIDDEN MONTH NOTE", url="https://papers.test/hidden",
                                                     tags=["GANs"]),
}
DRAFT_MARKERS = ["SECRET", "secret-draft", "hidden-month", "issues/2021-04", "papers.test/secret", "papers.test/hidden"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return write_project(tmp_path_factory.mktemp("small") / "project", FILES, tags=[*TAGS, EVIL_TAG])


@pytest.fixture(scope="module")
def built(project, tmp_path_factory):
    site_dir = tmp_path_factory.mktemp("small-site") / "site"
    # Non-strict, so one warning fails only the test below that names it, not every check;
    # no warning at all is exactly what a strict `newsletter build` requires.
    run = build(project, site_dir, "--no-strict")
    return run, BuiltSite(site_dir)


@pytest.fixture(scope="module")
def site(built) -> BuiltSite:
    run, site = built
    assert run.code == 0, run.text
    return site


@pytest.fixture(scope="module")
def published(project):
    root = project.parent
    return group(read_content(root / "content", root / "site_config" / "tags.yml", root))


# ------------------------------------------------------------------- generic checks

def internal_link_problems(site: BuiltSite) -> list[str]:
    """Every internal link of every page lands on a file, and its #fragment on an element."""
    problems = []
    for url in site.page_urls():
        page = site.page(url)
        for element in page.doc.iter():
            href = element.attrs.get("href") if element.tag in ("a", "link") else None
            if href is None or element.attrs.get("rel") in ("preconnect", "canonical"):
                continue
            target = site.resolve(page, href)
            if target is None:
                continue
            path, fragment = target
            if site.exists(path):
                if fragment and fragment not in site.page(path).ids:
                    problems.append(f"/{url}: {href} -> no id {fragment!r} on /{path}/")
            elif not (site.dir / path).is_file():
                problems.append(f"/{url}: {href} -> nothing at /{path}")
    return problems


def unsafe_markup(site: BuiltSite) -> list[str]:
    """Anything an injected string could have become: a script, an event handler, a
    non-http(s) link, an image, emphasis of *md*."""
    found = []
    for url in site.page_urls() + ["404.html"]:
        doc = site.page(url).doc if url != "404.html" else parse_html((site.dir / "404.html").read_text())
        for element in doc.iter():
            if element.tag == "script" and "alert" in element.text():
                found.append(f"/{url}: live <script> {element.text()[:60]!r}")
            for name, value in element.attrs.items():
                if name.startswith("on"):
                    found.append(f"/{url}: event handler {name}={value!r} on <{element.tag}>")
                if name in ("href", "src", "action", "formaction") and value:
                    scheme = urlsplit(value.strip()).scheme.lower()
                    if scheme not in ("", "http", "https"):
                        found.append(f"/{url}: {name}={value!r} on <{element.tag}>")
            if element.tag == "img" and element.attrs.get("src") == "x":
                found.append(f"/{url}: injected <img>")
            if element.tag in ("em", "b", "i") and element.text() in ("md", "Tag", "Models", "x"):
                found.append(f"/{url}: markup <{element.tag}>{element.text()}</{element.tag}> from front matter")
    return found


# ------------------------------------------------------------------------ small site

def test_build_has_no_warning_so_a_strict_build_passes(built):
    run, _ = built
    assert run.code == 0, run.text
    assert run.logs == [], "\n".join(run.logs)
    assert "0 warnings" in run.out


def test_every_published_note_is_on_its_digest_with_its_anchor(site, published):
    assert len(published.notes) == 6
    for month in published.months:
        page = site.page(f"issues/{month.key}")
        for note in month.notes:
            heading = page.article.find(id=note.slug)
            assert heading is not None, f"#{note.slug} missing on /issues/{month.key}/"
            assert heading.tag == "h3" and heading.text().rstrip("#").strip() == " ".join(note.title.split())


def test_digest_sections_in_issue_order_then_alphabetical_then_the_rest(site):
    article = site.page("issues/2021-03").article
    headings = [(e.tag, e.id) for e in article.iter() if e.tag in ("h2", "h3")]
    assert headings == [
        ("h2", "section-vision"), ("h3", "vision-one"),
        ("h2", "section-generative-b-models-b"), ("h3", "generative-one"),
        ("h2", "section-robots-script-alert-section-script"), ("h3", "evil"),
        ("h2", "section-more"), ("h3", "loose"),
    ]
    assert article.find("h1").text().rstrip("#").strip() == ISSUE_TITLE
    assert article.find("p", cls="nl-summary").text() == ISSUE_SUMMARY
    assert article.find("strong").text() == "editorial"  # the intro is Markdown


def test_paper_authors_badges_and_chips(site):
    article = site.page("issues/2021-03").article
    heading = article.find(id="vision-one")
    entry = heading.parent.children[heading.parent.children.index(heading) + 1:]
    blocks = [e for e in entry if not isinstance(e, str)][:4]
    assert blocks[0].text() == "Ada Lovelace, Alan Turing" and "nl-authors" in blocks[0].classes
    badges = [(a.text(), a.attrs["href"]) for a in blocks[1].find_all("a")]
    assert badges == [("Paper", "https://papers.test/vision-one"), ("Code", "https://code.papers.test/vision-one"),
                      ("Data", "http://data.papers.test/v1")]
    assert all({"nl-badge"} <= a.classes for a in blocks[1].find_all("a"))
    chips = [(a.text(), a.attrs["href"]) for a in blocks[2].find_all("a", cls="nl-chip")]
    assert chips == [("Computer Vision", "../../tags/computer-vision/"), ("Self-Supervised Learning", "../../tags/self-supervised-learning/")]
    evil_paper = article.find("a", cls="nl-badge--paper", href="https://papers.test/evil?a=1&b=%3C2%3E")
    assert evil_paper is not None


def test_tag_chips_on_digests_land_on_their_tag_pages(site, published):
    checked = 0
    for month in published.months:
        page = site.page(f"issues/{month.key}")
        for chip in page.article.find_all("a", cls="nl-chip"):
            path, fragment = site.resolve(page, chip.attrs["href"])
            assert path.startswith("tags/") and not fragment
            assert site.page(path).article.find("h1").text().rstrip("#").strip() == chip.text()
            checked += 1
    assert checked == sum(len(n.tags) for n in published.notes)


def test_links_on_tag_pages_land_on_anchors_in_digests(site, published):
    for index in published.tags:
        page = site.page(f"tags/{index.tag.slug}")
        papers = [a for a in page.article.find_all("a") if "issues/" in a.attrs.get("href", "")]
        assert len(papers) == len(index.notes)
        for anchor, note in zip(papers, index.notes):
            path, fragment = site.resolve(page, anchor.attrs["href"])
            assert (path, fragment) == (f"issues/{note.month}", note.slug)
            target = site.page(path).doc.find(id=fragment)
            assert target is not None and target.text().rstrip("#").strip() == anchor.text() == " ".join(note.title.split())


def test_every_internal_link_and_anchor_resolves(site):
    assert internal_link_problems(site) == []


def test_tag_page_name_description_count_and_papers_newest_first(site):
    article = site.page("tags/gans").article
    assert article.find("h1").text().rstrip("#").strip() == "GANs"
    assert article.find("p", cls="nl-summary").text() == "Generative adversarial networks."
    assert article.find("p", cls="nl-count").text() == "4 papers across 3 issues."  # not the drafts
    assert [h.id for h in article.find_all("h2")] == ["month-2021-03", "month-2021-02", "month-2021-01"]
    items = article.find_all("li")
    # Newest month first; within a month, in digest order (sections).
    assert [li.find("a").attrs["href"] for li in items] == [
        "../../issues/2021-03/#generative-one", "../../issues/2021-03/#evil",
        "../../issues/2021-02/#feb-paper", "../../issues/2021-01/#early-paper"]
    feb = next(li for li in items if li.find("a").text() == "February Paper")
    assert [a.text() for a in feb.find_all("a", cls="nl-chip")] == ["NLP"]  # its other tags, not GANs itself
    assert "Generative adversarial networks." in (site.page("tags/gans").description or "")


def test_tags_index_lists_every_tag_with_count_and_description(site, published):
    article = site.page("tags").article
    items = article.find_all("li")
    assert len(items) == len(published.tags)
    for item, index in zip(items, published.tags):
        text = item.text()
        assert text.startswith(index.tag.name)
        n = len(index.notes)
        assert f"{n} paper{'s' if n != 1 else ''}" in text
        assert index.tag.description in text


def test_archive_by_year_with_title_summary_and_count(site):
    article = site.page("issues").article
    assert [h.id for h in article.find_all("h2")] == ["year-2021"]
    items = [li.text() for li in article.find_all("li")]
    assert items == [f"{ISSUE_TITLE} · 4 papers{ISSUE_SUMMARY}", "February 2021 · 1 paper", "January 2021 · 1 paper"]


def test_home_latest_issue_recent_issues_main_tags(site):
    page = site.page("")
    article = page.article
    latest = article.find(id="latest")
    assert latest.find("a").attrs["href"] == "issues/2021-03/"
    assert latest.text().startswith(f"Latest issue: {ISSUE_TITLE}")
    hrefs = [a.attrs["href"] for a in article.find_all("a")]
    assert "issues/2021-02/" in hrefs and "issues/2021-01/" in hrefs
    chips = [a.text() for a in article.find_all("a", cls="nl-chip")]
    assert chips[0] == "GANs (4)"
    assert page.title == SITE_NAME


def test_previous_and_next_issue_skip_the_draft_issue(site):
    def nav(key):
        article = site.page(f"issues/{key}").article
        return ([a.attrs["href"] for a in article.find_all("a", cls="nl-prev")], [a.attrs["href"] for a in article.find_all("a", cls="nl-next")])
    assert nav("2021-03") == (["../2021-02/"], [])
    assert nav("2021-02") == (["../2021-01/"], ["../2021-03/"])
    assert nav("2021-01") == ([], ["../2021-02/"])


def test_drafts_are_absent_everywhere(site):
    files = site.all_text_files()
    assert "search/search_index.json" in files and "sitemap.xml" in files
    for rel, text in files.items():
        for marker in DRAFT_MARKERS:
            assert marker not in text, f"draft {marker!r} in {rel}"
    assert not site.exists("issues/2021-04")
    assert not site.exists("tags/transformers")  # only a draft used it


def test_sitemap_lists_exactly_the_pages(site):
    root = ET.parse(site.dir / "sitemap.xml").getroot()
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    paths = sorted(urlsplit(loc).path.lstrip("/") for loc in locs)
    assert paths == sorted(site.page_urls())


def test_injected_markup_is_text_in_the_page_body(site):
    assert unsafe_markup(site) == []
    digest = site.page("issues/2021-03").article
    assert digest.find(id="evil").text().rstrip("#").strip() == EVIL_TITLE
    assert [p.text() for p in digest.find_all("p", cls="nl-authors")][1] == f"{EVIL_AUTHOR}, Eve"
    assert digest.find(id="section-robots-script-alert-section-script").text().rstrip("#").strip() == EVIL_SECTION
    chip = digest.find("a", href="../../tags/script-alert-tag-script-tag/")
    assert chip.text() == EVIL_TAG["name"] and not chip.find_all()
    tag_page = site.page("tags/script-alert-tag-script-tag").article
    assert tag_page.find("p", cls="nl-summary").text() == EVIL_TAG["description"]


def test_injected_markup_is_text_in_title_meta_toc_and_nav(site):
    digest = site.page("issues/2021-03")
    assert digest.title == f"{ISSUE_TITLE} - {SITE_NAME}"
    assert digest.description == ISSUE_SUMMARY
    og = {m.attrs["property"]: m.attrs.get("content") for m in digest.doc.find_all("meta") if "property" in m.attrs}
    if "og:title" in og:  # the theme override adds Open Graph tags
        assert (og["og:title"], og.get("og:description")) == (ISSUE_TITLE, ISSUE_SUMMARY)
    toc = digest.doc.find("nav", cls="md-nav--secondary")
    assert toc.find("a", href="#evil").text() == EVIL_TITLE
    assert toc.find("a", href="#section-robots-script-alert-section-script").text() == EVIL_SECTION
    primary = digest.doc.find("nav", cls="md-nav--primary")
    assert [a.text() for a in primary.find_all("a") if a.attrs.get("href") in ("./", "../2021-03/")][0] == ISSUE_TITLE
    tag = site.page("tags/script-alert-tag-script-tag")
    assert tag.title == f"{EVIL_TAG['name']} - {SITE_NAME}"
    assert tag.description == EVIL_TAG["description"]


def test_injected_markup_is_text_in_the_search_index(site):
    docs = site.search_index()
    seen = set()
    for doc in docs:
        for key in ("title", "text"):
            fragment = parse_html(doc[key])
            tags = {e.tag for e in fragment.iter()}
            assert not tags & {"script", "img", "b", "i", "a", "em"} - ({"em"} if key == "text" else set()), (doc["location"], doc[key])
            text = fragment.text()
            seen.update(s for s in INJECTED if " ".join(s.split()) in text)
    assert seen >= {EVIL_TITLE, EVIL_AUTHOR, EVIL_SECTION, ISSUE_TITLE, ISSUE_SUMMARY, EVIL_TAG["name"]}
    evil = next(d for d in docs if d["location"] == "issues/2021-03/#evil")
    assert parse_html(evil["title"]).text() == EVIL_TITLE


def test_only_http_urls_become_links(site):
    for url in site.page_urls():
        for a in site.page(url).doc.find_all("a"):
            href = a.attrs.get("href")
            if href:
                assert urlsplit(href).scheme in ("", "http", "https"), (url, href)


# --------------------------------------------------------------------- shipped content

@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The repository's own mkdocs.yml and content, built (non-strict, so the generic
    checks below run even while the content has problems) into a tmp folder."""
    site_dir = tmp_path_factory.mktemp("shipped") / "site"
    run = build(REPO / "mkdocs.yml", site_dir, "--no-strict")
    assert run.code == 0, run.text
    content = read_content(REPO / "content", REPO / "site_config" / "tags.yml", REPO)
    return run, BuiltSite(site_dir), content, group(content)


def test_shipped_every_note_file_is_on_its_digest(shipped):
    _, site, content, published = shipped
    note_files = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "content" / "notes").rglob("*.md"))
    by_path = {n.path: n for n in content.notes}
    live = {(n.month, n.slug) for n in published.notes}
    assert note_files, "no shipped notes"
    for path in note_files:
        note = by_path.get(path)
        if note is None:
            continue  # invalid: reported by check (see test_shipped_content_has_no_problems)
        page = f"issues/{note.month}"
        if (note.month, note.slug) in live:
            assert note.slug in site.page(page).ids, f"{path}: no #{note.slug} on /{page}/"
        else:  # a draft, or in a draft issue
            assert not site.exists(page) or note.slug not in site.page(page).ids, f"draft {path} published"


def test_shipped_every_tag_has_a_page_and_every_link_resolves(shipped):
    _, site, _, published = shipped
    for index in published.tags:
        page = site.page(f"tags/{index.tag.slug}")
        assert page.article.find("h1").text().rstrip("#").strip() == index.tag.name
    assert internal_link_problems(site) == []


def test_shipped_drafts_absent_and_markup_safe(shipped):
    _, site, content, published = shipped
    live = {(n.month, n.slug) for n in published.notes}
    locations = {doc["location"] for doc in site.search_index()}
    sitemap = (site.dir / "sitemap.xml").read_text()
    for note in content.notes:
        if (note.month, note.slug) not in live:  # a draft, or in a draft issue
            assert f"issues/{note.month}/#{note.slug}" not in locations
            if note.url not in {n.url for n in published.notes}:
                assert note.url not in "\n".join(site.all_text_files().values())
    for month in {n.month for n in content.notes} - {m.key for m in published.months}:
        assert f"issues/{month}/" not in sitemap
    assert unsafe_markup(site) == []


@pytest.mark.shipped_content
def test_shipped_content_has_no_problems():
    """Depends on the content in content/: `newsletter check` must report no error."""
    run = run_cli("-f", REPO / "mkdocs.yml", "check")
    assert run.code == 0, run.out
    assert " 0 errors" in run.out.splitlines()[-1]


@pytest.mark.shipped_content
def test_shipped_content_builds_strictly(shipped):
    """Depends on the content: no warning at all, so `newsletter build` (strict) passes."""
    run = shipped[0]
    assert run.logs == [], "\n".join(run.logs)


def test_repeat_entry_says_also_featured_in_and_its_link_lands_on_the_earlier_entry(tmp_path):
    config = write_project(tmp_path / "repeat", {
        "content/issues/2021-03.md": note_md(title="Best of arXiv \u2014 March 2021", url=None, tags=None, draft=False),
        "content/notes/2021-03/transgan.md": note_md(title="TransGAN", url="https://arxiv.org/abs/2102.07074"),
        "content/notes/2021-05/transgan-scaled-up.md": note_md(title="TransGAN, scaled up", url="https://arxiv.org/pdf/2102.07074v4",
                                                               repeat=True, body="New results at 256 px."),
    })
    run = build(config, tmp_path / "site")  # strict, with the site's link check
    assert run.code == 0, run.text
    site = BuiltSite(tmp_path / "site")
    may = site.page("issues/2021-05")
    (line,) = may.article.find_all("p", cls="nl-repeat")
    assert line.text() == "Also featured in Best of arXiv \u2014 March 2021"
    (anchor,) = line.find_all("a")
    target, fragment = site.resolve(may, anchor.attrs["href"])
    assert (target, fragment) == ("issues/2021-03", "transgan")
    assert fragment in site.page(target).ids
    assert site.page("issues/2021-03").article.find_all("p", cls="nl-repeat") == []
    # In the feeds too, with the link made absolute (a feed reader has no page to resolve it from).
    import feedparser
    entries = feedparser.parse((tmp_path / "site" / "tags" / "gans" / "feed.xml").read_bytes()).entries
    (entry,) = [e for e in entries if e.title == "TransGAN, scaled up"]
    assert 'Also featured in <a href="https://example.org/issues/2021-03/#transgan">' in entry.content[0].value
