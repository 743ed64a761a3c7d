"""Browser tests: the site built from the shipped content, served on localhost and
driven through Playwright in Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking switches Chromium phones home (updates, sync,
# QUIC probes); on a closed network those show up as failed requests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL_HINT = ("install Debian's Chromium with `sudo apt-get install chromium` (or run `make test`, "
                "which installs it), or point CHROMIUM_PATH at a Chromium executable")


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    digest: str  # URL paths relative to the site root, one per page type
    tag: str
    tags_index: str = "tags/"
    archive: str = "issues/"
    home: str = ""

    def page_types(self) -> dict[str, str]:
        return {"home": self.home, "digest": self.digest, "tag": self.tag,
                "tags-index": self.tags_index, "archive": self.archive}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """The shipped content built once with the repository's mkdocs.yml (strict, as `newsletter build`)."""
    out = tmp_path_factory.mktemp("browser") / "site"
    run = subprocess.run([sys.executable, "-m", "generator", "-f", str(ROOT / "mkdocs.yml"), "build", "--site-dir", str(out)],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if run.returncode != 0:
        pytest.fail(f"building the shipped content failed:\n{run.stdout}{run.stderr}", pytrace=False)
    issues = sorted(p.parent.name for p in out.glob("issues/*/index.html"))
    tags = sorted(p.parent.name for p in out.glob("tags/*/index.html"))
    if not issues or not tags:
        pytest.fail(f"the shipped content built no digest or no tag page (issues: {issues}, tags: {tags})", pytrace=False)
    # Page types for the scans and screenshots; the journeys find their own way by clicking.
    return BuiltSite(root=out, digest=f"issues/{issues[-1]}/", tag=f"tags/{tags[0]}/")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def base_url(built_site) -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(built_site.root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import Error, sync_playwright

    executable = shutil.which(CHROMIUM)  # an executable path, or a command name on PATH
    if executable is None:
        # A failure, not a skip: CI must never pass without having run these.
        pytest.fail(f"Chromium not found at {CHROMIUM}: {INSTALL_HINT}", pytrace=False)
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except Error as exc:
            pytest.fail(f"Chromium at {CHROMIUM} did not start ({exc.message.splitlines()[0]}); {INSTALL_HINT}",
                        pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass
class PageLog:
    """Everything that went wrong while a page was open: console errors, script
    errors, failed or 4xx/5xx requests, and any request leaving localhost."""
    origin: str
    problems: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console error: {msg.text} ({msg.location.get('url')})"))
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", lambda req: self.problems.append(f"request failed: {req.url} ({req.failure})"))
        page.on("response", lambda res: res.status >= 400 and self.problems.append(f"HTTP {res.status}: {res.url}"))
        page.on("request", self._local_only)

    def _local_only(self, request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and f"{url.scheme}://{url.netloc}/" != self.origin:
            self.problems.append(f"third-party request: {request.url}")

    def assert_clean(self) -> None:
        if self.problems:
            pytest.fail("the page reported problems:\n" + "\n".join(self.problems))


@pytest.fixture
def context_factory(browser, base_url):
    """New browser contexts (light colour scheme, localhost base URL); each page is watched."""
    contexts = []

    def make(**options):
        options = {"base_url": base_url, "color_scheme": "light", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        log = PageLog(origin=base_url)
        page = context.new_page()
        log.watch(page)
        return page, log

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page_and_log(context_factory):
    return context_factory(viewport={"width": 1280, "height": 900})


@pytest.fixture(scope="session")
def axe_violations():
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS.relative_to(ROOT)} is missing: run `npm ci` (or `make test`, which runs it)", pytrace=False)
    return run_axe


def run_axe(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core (from node_modules, injected into the page); one line per
    violation of the given impacts, naming the rule and the offending elements."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document)")
    return [f"{v['impact']}: {v['id']} — {v['help']} ({v['helpUrl']})\n"
            + "\n".join(f"    {' '.join(node['target'])}: {' '.join(node.get('failureSummary', '').split())[:300]}" for node in v["nodes"])
            for v in result["violations"] if v["impact"] in impacts]
