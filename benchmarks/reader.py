"""Reader-side search figures: bytes fetched and milliseconds to the first result,
in Debian's Chromium through Playwright, for the paper search (Pagefind) and for
Material's own search (lunr) over the same notes, measured in the same run.

Each site is served by a local HTTP server on 127.0.0.1 that gzips what it sends
(as GitHub Pages, Netlify or nginx with gzip on do), and opened on its home page:
- "desktop": 1280x900, no throttling;
- "phone": 390x844, CPU throttled 4x (CDP Emulation.setCPUThrottlingRate), 9 Mbit/s
  down and 60 ms latency (CDP Network.emulateNetworkConditions).
A query is typed as soon as the page has loaded, at a reader's pace (TYPING_DELAY_MS). Material's search ignores queries
typed before its worker has downloaded and built the whole index, so for it the
time until its search is ready is measured first (`ready_ms`, from the page's load),
then the query typed; `first_result_ms` is from the last keystroke to the first
result on the screen, and `from_load_ms` their sum (for the paper search, which
loads nothing before the search is used, the same as first_result_ms). Bytes are
what crossed the wire (CDP encodedDataLength) for the search's own requests: the
lunr worker and search/search_index.json, or pagefind/*, as the server sent them
(counted there: both searches fetch from a Web Worker, which the page's DevTools
session does not see), headers left out.
"""

from __future__ import annotations

import functools
import gzip
import os
import shutil
import statistics
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PROFILES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}, "cpu": 1, "network": None},
    "phone": {"viewport": {"width": 390, "height": 844}, "cpu": 4,
              "network": {"offline": False, "latency": 60, "downloadThroughput": 9_000_000 / 8,
                          "uploadThroughput": 9_000_000 / 8}},
}
SEARCHES = {
    # name: (URL parts of the search's own requests, selector of a result)
    "material": (("search/search_index.json", "/workers/search."), ".md-search-result__item"),
    "pagefind": (("/pagefind/",), ".md-search-result__item"),
}
# A reader types about eight characters a second; the last keystroke is when the timing
# starts (a query typed in one go by a script would time the page, not the reader's wait).
TYPING_DELAY_MS = 120
_COMPRESSIBLE = (".html", ".js", ".css", ".json", ".xml", ".svg", ".txt", ".pagefind")


class _GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it (compressed once, kept)."""

    cache: dict[str, bytes] = {}
    sent: list[tuple[str, int]] = []  # (URL path, body bytes) of every response
    lock = threading.Lock()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to dir/
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path) or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or not path.endswith(_COMPRESSIBLE):
            if os.path.isfile(path):
                self.sent.append((self.path, os.path.getsize(path)))
            return super().send_head()
        with self.lock:
            body = self.cache.get(path)
            if body is None:
                body = self.cache[path] = gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)
        self.sent.append((self.path, len(body)))
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io
        return io.BytesIO(body)


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str, list]:
    handler = type("Handler", (_GzipHandler,), {"cache": {}, "sent": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/", handler.sent


def _one(browser, base: str, sent: list, search: str, profile: str, query: str, timeout_s: float) -> dict:
    parts, result_selector = SEARCHES[search]
    settings = PROFILES[profile]
    context = browser.new_context(viewport=settings["viewport"], is_mobile=profile == "phone",
                                  has_touch=profile == "phone", color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if settings["cpu"] > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": settings["cpu"]})
    if settings["network"]:
        cdp.send("Network.emulateNetworkConditions", settings["network"])
    sent.clear()
    try:
        page.goto(base, wait_until="load")
        loaded = time.perf_counter()
        box = page.locator("input.md-search__input")
        if not box.is_visible():  # a phone: the magnifier in the header opens the search
            page.locator('label.md-header__button[for="__search"]').click()
        box.focus()
        ready_ms = 0.0
        if search == "material":
            page.locator(".md-search-result__meta", has_text="Type to start searching").wait_for()
            ready_ms = (time.perf_counter() - loaded) * 1000
        page.keyboard.type(query[:-1], delay=TYPING_DELAY_MS)
        page.wait_for_timeout(TYPING_DELAY_MS)
        typed = time.perf_counter()
        page.keyboard.press(query[-1])
        page.locator(result_selector).first.wait_for(state="visible")
        first_ms = (time.perf_counter() - typed) * 1000
        page.wait_for_timeout(300)  # requests still finishing for the results shown
        ours = [size for path, size in list(sent) if any(p in "/" + path.lstrip("/") for p in parts)]
        fetched, requests = sum(ours), len(ours)
    finally:
        context.close()
    return {"ready_ms": round(ready_ms), "first_result_ms": round(first_ms), "from_load_ms": round(ready_ms + first_ms),
            "bytes": fetched, "requests": requests}


def measure(sites: dict[str, Path], query: str, runs: int = 1, timeout_s: float = 300) -> dict:
    """{profile: {search: median figures, ...}, ...} for each search's built site."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which(CHROMIUM)
    if executable is None:
        return {"measured": False, "reason": f"Chromium not found at {CHROMIUM}"}
    servers = {name: serve(folder) for name, folder in sites.items()}
    out: dict = {"measured": True, "query": query, "runs": runs}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            try:
                for profile in PROFILES:
                    out[profile] = {}
                    samples: dict[str, list[dict]] = {name: [] for name in sites}
                    for _ in range(runs):  # old and new alternate, so both see the same load
                        for name in sites:
                            _, base, sent = servers[name]
                            samples[name].append(_one(browser, base, sent, name, profile, query, timeout_s))
                    for name, runs_of in samples.items():
                        out[profile][name] = {key: statistics.median(r[key] for r in runs_of) for key in runs_of[0]}
                        out[profile][name]["runs_first_result_ms"] = [r["first_result_ms"] for r in runs_of]
                    if {"material", "pagefind"} <= set(sites):
                        old, new = out[profile]["material"], out[profile]["pagefind"]
                        out[profile]["ratio_material_to_pagefind"] = {
                            "from_load_ms": round(old["from_load_ms"] / max(new["from_load_ms"], 1), 1),
                            "bytes": round(old["bytes"] / max(new["bytes"], 1), 1)}
            finally:
                browser.close()
    finally:
        for server, _, _ in servers.values():
            server.shutdown()
            server.server_close()
    return out
