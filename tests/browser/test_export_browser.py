"""A reader on the shipped content exported and built by Zensical (README: Engines):
the pages work without a console error or a request off localhost, Zensical's own
search finds a paper by title and opens its digest entry, and axe-core finds no
serious or critical violation on the page types. Skipped where Zensical is not installed."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import ROOT, PageLog, _QuietHandler, run_axe

pytestmark = pytest.mark.browser

sys.path.insert(0, str(ROOT / "tests" / "mkdocs"))
from test_export import engine_env, zensical  # noqa: E402


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> Path:
    command = zensical()
    if command is None:
        pytest.skip("Zensical is not installed: `make zensical` makes .venv-zensical (pyproject extra `zensical`)")
    out = tmp_path_factory.mktemp("zensical") / "export"
    run = subprocess.run([sys.executable, "-m", "generator", "-f", str(ROOT / "mkdocs.yml"), "export", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert run.returncode == 0, run.stdout + run.stderr
    proc = subprocess.run([command, "build", "--strict"], cwd=out, env=engine_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out / "site"


@pytest.fixture(scope="module")
def zensical_url(zensical_site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(zensical_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def reader(browser, zensical_url):
    context = browser.new_context(base_url=zensical_url, color_scheme="light", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    log = PageLog(origin=zensical_url)
    page = context.new_page()
    log.watch(page)
    yield page, log
    context.close()


def test_zensical_search_finds_a_paper_and_opens_its_entry(reader, zensical_site):
    page, log = reader
    digest = sorted(p.parent.name for p in zensical_site.glob("issues/*/index.html"))[-1]
    page.goto(f"issues/{digest}/")
    heading = page.locator("h3.nl-paper-title").first
    title, anchor = " ".join(heading.inner_text().replace("#", "").split()), heading.get_attribute("id")
    page.goto("")
    page.click(".md-search__button")
    page.keyboard.type(title)
    page.get_by_role("heading", name=title).first.click()
    # Zensical adds the query to highlight (?h=...) before the paper's anchor
    expect(page).to_have_url(re.compile(rf".*/issues/{digest}/(\?h=[^#]*)?#{re.escape(anchor)}$"))
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()
    page.wait_for_load_state("networkidle")
    # What the page that was left had still loading (its search worker) is cut off, not failed.
    log.problems = [p for p in log.problems if "net::ERR_ABORTED" not in p]
    log.assert_clean()


@pytest.mark.parametrize("path", ["issues/2021-03/", "tags/gans/"])  # the pages with the most finished HTML
def test_zensical_pages_have_no_serious_violations_or_errors(reader, path):
    page, log = reader
    page.goto(path)
    assert page.locator("article h1").count() == 1
    assert run_axe(page) == []
    log.assert_clean()
