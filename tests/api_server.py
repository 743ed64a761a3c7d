"""A real HTTP server on localhost that answers as the arXiv API and Crossref do, from
responses recorded in tests/recorded/ (written from the public API documentation; the
works' titles, authors and dates are the real ones, the abstracts are our own words).

`api` (a fixture: import it into a test module) starts the server in a thread and points
NEWSLETTER_ARXIV_API / NEWSLETTER_CROSSREF_API at it. `api.fail = "503"` (or "404",
"429", "timeout", "malformed", "rate-text") makes every following answer fail that way;
`api.requests` lists the paths asked for.
"""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

RECORDED = Path(__file__).parent / "recorded"
_ENTRY = re.compile(r"\s*<entry>.*?</entry>\n", re.DOTALL)


def _arxiv_feed(ids: list[str]) -> bytes:
    """One feed with the recorded entry of each id that has one (in the order asked)."""
    if any(not re.fullmatch(r"[\w./-]+", i) or i.endswith("x") for i in ids):
        return (RECORDED / "arxiv" / "error.xml").read_bytes()
    entries = []
    for found in ids:
        path = RECORDED / "arxiv" / (found.replace("/", "_") + ".xml")
        if path.is_file():
            entries += _ENTRY.findall(path.read_text(encoding="utf-8"))
    head = (RECORDED / "arxiv" / "unknown.xml").read_text(encoding="utf-8")
    head = head.replace(">0</opensearch:totalResults>", f">{len(entries)}</opensearch:totalResults>")
    return head.replace("</feed>", "".join(entries) + "</feed>").encode()


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args):  # quiet: pytest shows failures
        pass

    def do_GET(self):
        state = self.server.state
        state.requests.append(self.path)
        fail = state.fail
        if fail == "timeout":
            time.sleep(state.delay)
            return self._send(200, b"late", "text/plain")
        if fail in ("503", "429"):
            return self._send(int(fail), b"<html><body>Service Unavailable</body></html>", "text/html",
                              {"Retry-After": "30"})
        if fail == "404":
            return self._send(404, b"Not Found", "text/plain")
        if fail == "rate-text":
            return self._send(200, b"Rate exceeded.", "text/plain")
        parts = urlsplit(self.path)
        if parts.path == "/arxiv/api/query":
            ids = parse_qs(parts.query).get("id_list", [""])[0].split(",")
            body = _arxiv_feed([i for i in ids if i])
            if fail == "malformed":
                body = body.replace(b"</entry>", b"</entri>", 1) if b"</entry>" in body else body[:-20]
            return self._send(200, body, "application/atom+xml; charset=utf-8")
        if parts.path.startswith("/crossref/works/"):
            doi = unquote(parts.path.removeprefix("/crossref/works/"))
            path = RECORDED / "crossref" / (doi.casefold().replace("/", "_") + ".json")  # DOIs are case-insensitive
            if not path.is_file():
                return self._send(404, b"Resource not found.", "text/plain")
            body = path.read_bytes()
            if fail == "malformed":
                body = body[: len(body) // 2]
            return self._send(200, body, "application/json")
        return self._send(404, b"no such route", "text/plain")

    def _send(self, status: int, body: bytes, kind: str, headers: dict | None = None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
            pass


class _State:
    def __init__(self, base: str):
        self.base = base
        self.fail: str | None = None
        self.delay = 1.0
        self.requests: list[str] = []


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


@pytest.fixture
def api(monkeypatch):
    server = _Server(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.state = _State(base)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    monkeypatch.setenv("NEWSLETTER_ARXIV_API", f"{base}/arxiv/api/query")
    monkeypatch.setenv("NEWSLETTER_CROSSREF_API", f"{base}/crossref")
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
