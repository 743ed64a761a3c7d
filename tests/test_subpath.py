"""Subpath hosting: with site_url https://example.org/newsletter/ every page, asset,
feed and search result works when the site is served under /newsletter/ (as on
GitHub Pages at https://<user>.github.io/<repository>/).

The site is built into www/newsletter/ and www/ is served at the root, so the
prefix is real: a link that drops it finds nothing."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest

from generator.checks.linkcheck import check_site
from helpers import build, note_md, write_project

SITE_URL = "https://example.org/newsletter/"
PREFIX = "/newsletter/"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

FILES = {
    "content/issues/2021-03.md": note_md(title="March", url=None, tags=None, summary="GANs and vision.",
                                         body="Start with [StyleGAN](#stylegan-faces)."),
    "content/notes/2021-03/stylegan-faces.md": note_md(title="StyleGAN Faces", url="https://papers.test/stylegan",
                                                       tags=["GANs", "CV"], authors=["T. Karras"]),
    "content/notes/2021-03/vision-one.md": note_md(title="Vision One", url="https://papers.test/v1", tags=["CV"]),
    "content/notes/2021-02/feb-paper.md": note_md(title="February Paper", url="https://papers.test/feb", tags=["NLP", "GANs"],
                                                  body="Followed by [StyleGAN Faces](2021-03.md#stylegan-faces)."),
}


@pytest.fixture(scope="module")
def www(tmp_path_factory) -> Path:
    project = write_project(tmp_path_factory.mktemp("subpath") / "project", FILES,
                            mkdocs_edits={"site_url: https://example.org/\n": f"site_url: {SITE_URL}\n"})
    www = tmp_path_factory.mktemp("www")
    run = build(project, www / "newsletter")
    assert run.code == 0, run.text
    return www


@pytest.fixture(scope="module")
def site(www) -> Path:
    return www / "newsletter"


def _html(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def _local(url: str, site: Path) -> Path:
    """The file a server with the site under /newsletter/ answers `url` with."""
    assert url.startswith(SITE_URL), url
    rel = urlsplit(url).path[len(PREFIX):]
    return site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def test_every_link_resolves_under_the_prefix(site):
    report = check_site(site, SITE_URL)
    assert report.broken == ()
    assert report.links > 300


def test_root_relative_links_carry_the_prefix(site):
    rooted = [(rel, url) for rel, text in _html(site).items()
              for url in re.findall(r'(?:href|src)="(/[^/"][^"]*)"', text)]
    assert rooted, "expected the 404 page's absolute asset and navigation links"  # 404.html is served at any depth
    assert [(rel, url) for rel, url in rooted if not url.startswith(PREFIX)] == []


def test_a_link_without_the_prefix_is_caught(site, tmp_path):
    copy = tmp_path / "newsletter"
    shutil.copytree(site, copy)
    page = copy / "404.html"
    text = page.read_text(encoding="utf-8")
    assert f'"{PREFIX}assets/' in text
    page.write_text(text.replace(f'"{PREFIX}assets/', '"/assets/'), encoding="utf-8")
    lines = [str(b) for b in check_site(copy, SITE_URL).broken]
    assert len(lines) >= 4 and all(line.startswith("404.html:") and line.endswith("(outside the site root /newsletter/)")
                                   for line in lines), lines


def test_feeds_link_to_pages_under_the_prefix(site):
    for rel in ["feed.xml", "tags/gans/feed.xml", "tags/computer-vision/feed.xml"]:
        feed = feedparser.parse((site / rel).read_bytes())
        assert not feed.bozo, f"{rel}: {feed.get('bozo_exception')}"
        links = [feed.feed.link, *(link.href for link in feed.feed.links), *(e.link for e in feed.entries)]
        assert feed.entries and all(_local(url, site).is_file() for url in links), (rel, links)
        assert any(link.rel == "self" and link.href == SITE_URL + rel for link in feed.feed.links)
    # Pages announce the feed with a relative link that lands on it under the prefix.
    home = (site / "index.html").read_text(encoding="utf-8")
    href = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', home).group(1)
    assert urljoin(SITE_URL, href) == SITE_URL + "feed.xml"


def test_sitemap_and_canonical_urls_carry_the_prefix(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert locs and all(_local(url, site).is_file() for url in locs), locs
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', (site / "tags/gans/index.html").read_text()).group(1)
    assert canonical == SITE_URL + "tags/gans/"


def test_search_finds_its_index_and_results_under_the_prefix(site):
    """The search script loads Pagefind from the URL its box names, and a result's
    link is resolved against the site root it names (both relative to the page)."""
    page_url = SITE_URL + "tags/gans/"
    html = (site / "tags/gans/index.html").read_text(encoding="utf-8")
    pagefind = re.search(r'data-nl-pagefind="([^"]+)"', html).group(1)
    root = urljoin(page_url, re.search(r'data-nl-root="([^"]+)"', html).group(1))
    assert root == SITE_URL
    assert urljoin(page_url, pagefind) == SITE_URL + "pagefind/pagefind.js"
    assert _local(urljoin(page_url, pagefind), site).is_file()
    from generator.checks.linkcheck import read_search_records
    locations = [record["meta"]["link"] for record in read_search_records(site)]
    assert "issues/2021-03/#stylegan-faces" in locations
    assert all(_local(urljoin(root, loc), site).is_file() for loc in locations)


# --------------------------------------------------------------- in a real browser

class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def origin(www):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def in_browser(origin: str, journey) -> None:
    """Run `journey(page, problems)` in headless Chromium, in a thread of its own: the
    Playwright sync API allows one instance per thread, and the browser tests may hold
    one open in the main thread for the whole session."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which(CHROMIUM)
    if executable is None:  # a failure, not a skip: `make test` installs Chromium
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` or set CHROMIUM_PATH", pytrace=False)
    errors: list[BaseException] = []

    def run():
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, headless=True,
                                            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                try:
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.set_default_timeout(10_000)
                    problems: list[str] = []

                    def bad_response(response):
                        # Material fetches sitemap.xml beside every <link rel=alternate> (it takes them for
                        # other languages of the site); a tag feed's folder has none. Not a subpath matter:
                        # the site's own sitemap must still load, and any request without the prefix counts.
                        probe = response.url.endswith("/sitemap.xml") and response.url != f"{origin}{PREFIX}sitemap.xml"
                        if response.url.startswith(origin) and response.status >= 400 and not (probe and PREFIX in response.url):
                            problems.append(f"HTTP {response.status}: {response.url}")

                    # Requests to our server that fail or answer 4xx/5xx (a missing prefix shows up here).
                    page.on("response", bad_response)
                    # (Requests a navigation cuts short fail as net::ERR_ABORTED: not a problem of the site.)
                    page.on("requestfailed", lambda r: r.url.startswith(origin) and "ERR_ABORTED" not in (r.failure or "")
                            and problems.append(f"failed: {r.url} ({r.failure})"))
                    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
                    journey(page, problems)
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the browser journey did not finish in 120 s"
    if errors:
        raise errors[0]


@pytest.mark.browser
def test_pages_assets_and_search_work_in_a_browser(origin):
    def journey(page, problems):
        page.goto(f"{origin}{PREFIX}tags/gans/")
        page.wait_for_load_state("networkidle")
        # Material's stylesheet applied: the header is the theme's coloured bar, not unstyled text.
        assert page.eval_on_selector("header.md-header", "e => getComputedStyle(e).position") in ("sticky", "fixed")

        page.click("input.md-search__input")
        page.keyboard.type("StyleGAN")
        result = page.locator("a.md-search-result__link").first
        result.wait_for()
        assert result.get_attribute("href").startswith(f"{origin}{PREFIX}issues/2021-03/")  # the search index loaded
        result.click()
        page.wait_for_url(f"{origin}{PREFIX}issues/2021-03/**")
        assert page.locator("#stylegan-faces").count() == 1

        page.goto(f"{origin}{PREFIX}404.html")  # what GitHub Pages serves for a missing page, at any depth
        page.wait_for_load_state("networkidle")
        assert page.eval_on_selector("header.md-header", "e => getComputedStyle(e).position") in ("sticky", "fixed")
        assert problems == []

    in_browser(origin, journey)
