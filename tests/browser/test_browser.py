"""Reader journeys, palette, phone layout and accessibility in a real Chromium.

Targets (issue, paper, tag) are found on the built pages, never hard-coded: the
shipped content changes with every issue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The first paper on a digest that has tag chips: its anchor, title and first chip.
FIRST_TAGGED_PAPER = """() => {
  for (const heading of document.querySelectorAll("article h3.nl-paper-title[id]")) {
    const title = heading.cloneNode(true);
    title.querySelectorAll(".headerlink, button").forEach(e => e.remove());
    for (let el = heading.nextElementSibling; el && !/^H[1-3]$/.test(el.tagName); el = el.nextElementSibling) {
      const chip = el.matches(".nl-tags") && el.querySelector("a.nl-chip");
      if (chip) return {slug: heading.id, title: title.textContent.trim(), tag: chip.textContent.trim()};
    }
  }
  return null;
}"""

# Elements sticking out past the right edge: named when the phone layout scrolls sideways.
OVERFLOWING = """() => [...document.querySelectorAll(".md-content *")]
  .filter(e => e.getBoundingClientRect().right > screen.width + 1)
  .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().replace(/\\s+/g, ".") : "")
                 + " (right edge " + Math.round(e.getBoundingClientRect().right) + "px)")"""


def open_page(page, path: str) -> None:
    """Load a page and wait until its network is quiet, so no request of it is still
    in flight (and aborted by the next navigation) when the checks run."""
    page.goto(path, wait_until="networkidle")


def first_tagged_paper(page) -> dict:
    paper = page.evaluate(FIRST_TAGGED_PAPER)
    assert paper, f"no paper with tag chips on {page.url}"
    return paper


def assert_scrolled_to(page, slug: str) -> None:
    """The paper's heading is at the top of the window (or the page cannot scroll further)."""
    assert page.evaluate("() => decodeURIComponent(location.hash)") == f"#{slug}"
    heading = page.locator(f'[id="{slug}"]')
    expect(heading).to_be_in_viewport()
    top, at_bottom = page.evaluate("""(slug) => [document.getElementById(slug).getBoundingClientRect().top,
        window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2]""", slug)
    assert 0 <= top < 200 or at_bottom, f"#{slug} is {top:.0f}px from the top of the window, not scrolled to"


def test_home_to_issue_to_tag_and_back_to_the_paper(page_and_log, artifacts):
    page, log = page_and_log
    open_page(page, "")
    latest = page.locator("#latest a:not(.headerlink)")
    expect(latest).to_have_count(1)
    issue_path = latest.get_attribute("href")
    latest.click()
    page.wait_for_url(re.compile(r"/issues/\d{4}-\d{2}/$"), wait_until="networkidle")
    assert page.url.endswith(issue_path.lstrip("./"))
    digest_url = page.url

    paper = first_tagged_paper(page)
    page.locator(f'[id="{paper["slug"]}"] ~ p.nl-tags a.nl-chip').first.click()
    page.wait_for_url(re.compile(r"/tags/[^/]+/$"), wait_until="networkidle")
    expect(page.locator("article h1")).to_contain_text(paper["tag"])

    entry = page.locator(f'article a[href$="#{paper["slug"]}"]')
    expect(entry).to_have_count(1)
    expect(entry).to_have_text(paper["title"])
    entry.click()
    page.wait_for_url(digest_url + f"#{paper['slug']}", wait_until="networkidle")
    assert_scrolled_to(page, paper["slug"])
    log.assert_clean()


def open_search_and_type(page, query: str) -> None:
    """Keyboard only, as a reader: "/" opens the search, the query is typed key by key."""
    page.keyboard.press("/")
    expect(page.locator("input.md-search__input")).to_be_focused()
    page.keyboard.type(query)


def test_search_finds_a_paper_by_title_and_opens_it_with_the_keyboard(page_and_log, built_site, artifacts):
    page, log = page_and_log
    open_page(page, built_site.digest)
    paper = first_tagged_paper(page)
    open_page(page, "")
    open_search_and_type(page, paper["title"])
    results = page.locator(".nl-search .md-search-result__link")
    expect(results.first).to_be_visible()
    expect(results.first).to_contain_text(paper["title"])
    expect(results.first).to_have_attribute("href", re.compile(re.escape(built_site.digest) + "#" + re.escape(paper["slug"]) + "$"))
    page.screenshot(path=artifacts / "search-results.png")
    page.keyboard.press("ArrowDown")  # into the results, then Enter opens the focused one
    expect(results.first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(built_site.digest) + "#" + re.escape(paper["slug"]) + "$"), wait_until="networkidle")
    assert_scrolled_to(page, paper["slug"])
    expect(page.locator("#__search")).not_to_be_checked()

    page.keyboard.press("s")  # "s" opens it too; Esc closes it and leaves the field
    expect(page.locator("input.md-search__input")).to_be_focused()
    expect(page.locator("#__search")).to_be_checked()
    page.keyboard.press("Escape")
    expect(page.locator("#__search")).not_to_be_checked()
    expect(page.locator("input.md-search__input")).not_to_be_focused()
    log.assert_clean()


def test_search_by_author_narrowed_by_a_tag_and_a_year(page_and_log, built_site, axe_violations, artifacts):
    """An author's papers, then only those with one tag and from one year: the filters
    apply to papers (each result has the tag), and a paper in that tag's digest
    without the tag is not listed. With results and filters open, axe-core finds no
    serious or critical problem, in the light and the dark palette."""
    page, log = page_and_log
    open_page(page, built_site.digest)
    paper = first_tagged_paper(page)
    authors = page.locator(f'[id="{paper["slug"]}"] ~ p.nl-authors').first.text_content()
    author = authors.split(",")[0].strip()
    open_search_and_type(page, author)
    results = page.locator(".nl-search .md-search-result__item")
    expect(results.first).to_be_visible()
    expect(page.locator(".nl-search .md-search-result__link", has_text=paper["title"])).to_have_count(1)
    every = results.count()

    page.locator(".nl-search__tags summary").click()
    page.locator(".nl-search__tag-list label", has_text=re.compile(rf"^\s*{re.escape(paper['tag'])}\s+\d+\s*$")).locator("input").check()
    expect(page.locator(".nl-search__tags summary")).to_have_text("Tags (1)")
    # The paper was listed before the filter too: wait for the filtered list to replace it.
    page.wait_for_function("""tag => [...document.querySelectorAll('.nl-search .md-search-result__item')]
        .every(i => [...i.querySelectorAll('.nl-result__tag')].some(t => t.textContent === tag))""", arg=paper["tag"])
    expect(page.locator(".nl-search .md-search-result__link", has_text=paper["title"])).to_have_count(1)
    tags = page.locator(".nl-search .md-search-result__item").evaluate_all(
        "items => items.map(i => [...i.querySelectorAll('.nl-result__tag')].map(t => t.textContent))")
    assert tags and all(paper["tag"] in t for t in tags), tags
    assert len(tags) <= every

    year = re.search(r"/issues/(\d{4})-", page.locator(".nl-search .md-search-result__link", has_text=paper["title"]).get_attribute("href")).group(1)
    page.locator(".nl-search select[name=year]").select_option(year)
    page.wait_for_function("""year => [...document.querySelectorAll('.nl-search .md-search-result__link')]
        .every(a => a.href.includes('/issues/' + year + '-'))""", arg=year)
    expect(page.locator(".nl-search .md-search-result__link", has_text=paper["title"])).to_have_count(1)
    hrefs = page.locator(".nl-search .md-search-result__link").evaluate_all("links => links.map(a => a.href)")
    assert all(f"/issues/{year}-" in href for href in hrefs), hrefs
    page.screenshot(path=artifacts / "search-filtered.png")
    light = axe_violations(page)
    assert not light, "serious or critical accessibility violations in the open search:\n" + "\n".join(light)
    page.keyboard.press("Escape")

    page.locator('form[data-md-component="palette"] label:visible').click()  # the dark palette
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    page.locator("input.md-search__input").click()
    expect(page.locator(".nl-search .md-search-result__item").first).to_be_visible()
    background = page.evaluate("() => getComputedStyle(document.querySelector('.nl-search .md-search__scrollwrap')).backgroundColor")
    assert background != "rgb(255, 255, 255)", background  # the results follow the palette
    page.screenshot(path=artifacts / "search-dark.png")
    dark = axe_violations(page)
    assert not dark, "serious or critical accessibility violations in the open search, dark palette:\n" + "\n".join(dark)
    log.assert_clean()


def test_search_on_a_phone_fits_the_screen(context_factory, built_site, artifacts):
    page, log = context_factory(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    open_page(page, built_site.tag)
    page.locator('label.md-header__button[for="__search"]').click()  # the magnifier in the header
    search = page.locator("input.md-search__input")
    expect(search).to_be_visible()
    search.press_sequentially("GAN")
    expect(page.locator(".nl-search .md-search-result__item").first).to_be_visible()
    page.locator(".nl-search__tags summary").click()
    expect(page.locator(".nl-search__tag-list")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the filter options and results are in
    width, scroll_width = page.evaluate("() => [window.innerWidth, document.documentElement.scrollWidth]")
    wide_all = page.evaluate("""() => [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length).slice(0, 8).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))""")
    assert max(width, scroll_width) <= PHONE["width"], f"{max(width, scroll_width)}px wide with the search open: {wide_all}"
    wide = page.evaluate("""() => [...document.querySelectorAll('.md-search__inner *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert not wide, f"the search sticks out: {wide}"
    page.screenshot(path=artifacts / "phone-search.png")
    log.assert_clean()


def test_palette_toggle_switches_and_persists(page_and_log, built_site, artifacts, axe_violations):
    page, log = page_and_log
    open_page(page, built_site.digest)
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    toggle = page.locator('form[data-md-component="palette"] label:visible')
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.screenshot(path=artifacts / "digest-dark.png", full_page=True)
    dark = axe_violations(page)
    assert not dark, "serious or critical accessibility violations in the dark palette:\n" + "\n".join(dark)

    page.reload()  # the reader's choice is remembered
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.locator('form[data-md-component="palette"] label:visible').click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    log.assert_clean()


def test_phone_viewport_has_no_horizontal_scrolling(context_factory, built_site, artifacts):
    page, log = context_factory(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    for kind, path in built_site.page_types().items():
        open_page(page, path)
        # A phone widens its layout viewport (innerWidth) to fit wide content, so both
        # are compared with the device width.
        width, scroll_width = page.evaluate("() => [window.innerWidth, document.documentElement.scrollWidth]")
        assert max(width, scroll_width) <= PHONE["width"], (
            f"{kind} page ({path or 'home'}) is {max(width, scroll_width)}px wide on a {PHONE['width']}px phone; "
            f"overflowing: {page.evaluate(OVERFLOWING)}")
        if kind == "digest":
            page.screenshot(path=artifacts / "phone-digest.png", full_page=True)
    log.assert_clean()


@pytest.mark.parametrize("kind", ["home", "digest", "tag", "tags-index", "archive"])
def test_page_is_accessible(page_and_log, built_site, artifacts, axe_violations, kind):
    page, log = page_and_log
    open_page(page, built_site.page_types()[kind])
    page.screenshot(path=artifacts / f"{kind}.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, f"serious or critical accessibility violations on the {kind} page:\n" + "\n".join(violations)
    log.assert_clean()


def test_reader_subscribes_to_one_tag(page_and_log, built_site):
    """The tag page's visible Subscribe link and its head's auto-discovery link name
    the same Atom feed, which lists exactly the papers the tag page lists."""
    import feedparser

    page, log = page_and_log
    open_page(page, built_site.tag)
    subscribe = page.locator("article a.nl-subscribe")
    expect(subscribe).to_have_count(1)
    expect(subscribe).to_contain_text("Subscribe to papers tagged")
    feed_url = page.evaluate("() => document.querySelector('article a.nl-subscribe').href")
    discovered = page.evaluate("""() => [...document.querySelectorAll('head link[rel=alternate][type="application/atom+xml"]')]
                                        .map(link => link.href)""")
    assert discovered and discovered[0] == feed_url, (discovered, feed_url)  # the tag's own feed is offered first

    response = page.request.get(feed_url)
    assert response.ok and "xml" in response.headers["content-type"], (response.status, response.headers)
    feed = feedparser.parse(response.body())
    assert feed.bozo == 0, feed.get("bozo_exception")
    listed = page.evaluate("() => [...document.querySelectorAll('article li > a[href*=\"#\"]')].map(a => a.href.split('#')[1])")
    in_feed = [entry.link.split("#")[1] for entry in feed.entries]
    assert in_feed == listed[: len(in_feed)] and in_feed, (in_feed, listed)
    log.assert_clean()


def test_copy_link_puts_the_papers_url_on_the_clipboard(context_factory, built_site):
    page, log = context_factory(viewport={"width": 1280, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, built_site.digest)
    paper = first_tagged_paper(page)
    permalink = page.locator(f'[id="{paper["slug"]}"] > a.headerlink')
    expect(permalink).to_have_attribute("aria-label", "Copy link to this paper")
    permalink.click()
    expect(page.locator("#nl-toast")).to_contain_text("Link copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.endswith(f"/{built_site.digest}#{paper['slug']}"), copied
    assert page.evaluate("() => decodeURIComponent(location.hash)") == f"#{paper['slug']}"  # still a plain link
    log.assert_clean()


def test_cite_control_shows_and_copies_the_bibtex_with_the_keyboard(context_factory, built_site, artifacts, axe_violations):
    page, log = context_factory(viewport={"width": 1280, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, built_site.digest)
    cite = page.locator(".nl-cite").first
    entry = cite.locator(".nl-bibtex code")
    expect(entry).to_be_hidden()  # closed on load: nothing moves until the reader opens it
    before = page.evaluate("() => document.documentElement.scrollHeight")
    cite.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(entry).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollHeight") > before
    text = entry.inner_text()
    assert text.startswith("@misc{") and "title = {{" in text, text
    page.keyboard.press("Tab")  # the copy button is next in the tab order
    expect(cite.locator(".nl-cite-copy")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#nl-toast")).to_contain_text("BibTeX copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == text + "\n"
    page.screenshot(path=str(artifacts / "digest-cite-open.png"))
    assert not axe_violations(page), "\n".join(axe_violations(page))
    log.assert_clean()
