"""Faster builds: generated pages are rendered (Markdown -> HTML) in parallel on
every core, and each result is kept on disk keyed by everything it depends on,
so the next build renders only what changed.

The HTML is the same as MkDocs' own, by construction: a worker runs MkDocs'
`Page.render` on the very Markdown MkDocs will see, and MkDocs uses the result
only if the page's Markdown, after every plugin's `on_page_markdown`, is still
exactly that text. Warnings a render logs (a broken link) are replayed in the
main process, so `--strict` still fails on them, from the cache too. A test
builds the same site with and without this and compares every file.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import sys
import traceback
import types
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import meta as page_meta

from ..speed.background import can_fork, cores, frozen_for_fork

log = logging.getLogger("mkdocs.plugins.newsletter")
FORMAT = 3  # bump when the stored result changes shape


@dataclass
class Rendered:
    """What `Page.render` leaves on a page, plus the warnings it logged."""

    markdown_digest: str
    content: str
    toc: object
    title: str | None
    anchors: set[str]
    links_to_anchors: dict[str, dict[str, str]] | None  # target src_uri -> {anchor: link}
    records: list[tuple[str, int, str]]  # (logger, level, message)


def digest(*parts: bytes | str) -> str:
    """One key for several inputs (the NUL keeps ("ab", "c") apart from ("a", "bc"));
    used for the disk cache here and the preview's page digests in incremental.py."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


# Our own Python-Markdown extension shapes the HTML too: a change to it is a new cache.
_RAWHTML = digest(Path(__file__).with_name("rawhtml.py").read_bytes())


def _versions() -> str:
    names = ("mkdocs", "Markdown", "pymdown-extensions", "mkdocs-material")
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=")
    return ",".join(found) + f",python={sys.version}"


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def render_one(file: File, files: Files, config) -> Rendered:
    """MkDocs' own render of one generated page, with the log records it emits."""
    markdown, meta = page_meta.get_data(file.content_string)
    owner = file.page
    # A stand-in with the navigation's title, if any; MkDocs' own Page is left alone.
    page = Page(owner.title if owner is not None else None, file, config)
    page.markdown, page.meta = markdown, meta
    capture = _Capture()
    logger = logging.getLogger("mkdocs")
    handlers, propagate = logger.handlers, logger.propagate
    logger.handlers, logger.propagate = [capture], False  # replayed by the caller instead
    try:
        page.render(config, files)
    finally:
        logger.handlers, logger.propagate = handlers, propagate
        file.page = owner
    links = None
    if page.links_to_anchors is not None:
        links = {target.src_uri: dict(anchors) for target, anchors in page.links_to_anchors.items()}
    result = Rendered(digest(markdown), page.content or "", page.toc, page._title_from_render,
                      set(page.present_anchor_ids or ()), links, capture.records)
    return result


# Set in the parent just before forking; workers inherit it.
_JOB: tuple[Files, object] | None = None


def _work(src_uri: str) -> tuple[str, bytes]:
    assert _JOB is not None
    files, config = _JOB
    result = render_one(files.get_file_from_path(src_uri), files, config)
    return src_uri, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


class RenderCache:
    """Pre-renders generated pages before MkDocs reaches them."""

    def __init__(self, folder: Path | None, workers: int = 0) -> None:
        self.folder = folder
        self.workers = workers or cores()
        self.results: dict[str, Rendered] = {}
        self.used: set[str] = set()

    def prepare(self, files: Files, generated: list[str], config) -> None:
        """Render these generated pages (from the disk cache, else in parallel)."""
        self.results, self.used = {}, set()
        if self.folder is None and self.workers < 2:
            return  # nothing to gain: MkDocs renders every page itself, as without this module
        todo: list[tuple[str, str]] = []
        context = self._context(files, config)
        for src_uri in generated:
            file = files.get_file_from_path(src_uri)
            if file is None or not file.is_modified():  # not rebuilt by `serve --dirty`
                continue
            title = file.page.title if file.page is not None else None
            key = digest(context, src_uri, repr(title), file.content_string)
            cached = self._load(key)
            if cached is not None:
                self.results[src_uri] = cached
                self.used.add(key)
            else:
                todo.append((src_uri, key))
        if not todo:
            return
        todo.sort(key=lambda item: -len(files.get_file_from_path(item[0]).content_string))  # biggest first
        for src_uri, blob in self._render_all([s for s, _ in todo], files, config):
            key = dict(todo)[src_uri]
            self.results[src_uri] = pickle.loads(blob)
            self._store(key, blob)
            self.used.add(key)

    def _render_all(self, uris: list[str], files: Files, config):
        workers = min(self.workers, len(uris))
        if workers < 2 or not can_fork():
            for src_uri in uris:
                yield _work_in_process(src_uri, files, config)
            return
        global _JOB
        _JOB = (files, config)
        try:
            yield from _in_workers(uris, workers)
        finally:
            _JOB = None

    def attach(self, page: Page, markdown: str) -> None:
        """Let MkDocs use the pre-rendered result, if it was made from this Markdown."""
        result = self.results.pop(page.file.src_uri, None)
        if result is None or result.markdown_digest != digest(markdown):
            return

        def render(self_page: Page, config, files: Files) -> None:
            self_page.content = result.content
            self_page.toc = result.toc  # type: ignore[assignment]
            self_page._title_from_render = result.title
            self_page.present_anchor_ids = set(result.anchors)
            if result.links_to_anchors is not None:
                self_page.links_to_anchors = {
                    files.get_file_from_path(src): dict(anchors)
                    for src, anchors in result.links_to_anchors.items() if files.get_file_from_path(src) is not None}
            for name, level, message in result.records:
                logging.getLogger(name).log(level, message)
            del self_page.render  # back to MkDocs' own method for any later render

        page.render = types.MethodType(render, page)  # type: ignore[method-assign]

    # ------------------------------------------------------------------ disk

    def _context(self, files: Files, config) -> str:
        """Everything besides the page's own text that its HTML can depend on."""
        validation = config.validation
        return digest(str(FORMAT), _versions(), _RAWHTML,
                       repr(config.markdown_extensions), repr(sorted(config.mdx_configs.items(), key=lambda i: i[0])),
                       repr(config.use_directory_urls), repr(validation), config.site_url or "",
                       "\n".join(sorted(f.src_uri for f in files)), str(logging.getLogger("mkdocs").getEffectiveLevel()))

    def _path(self, key: str) -> Path | None:
        return self.folder / key[:2] / f"{key}.pickle" if self.folder else None

    def _load(self, key: str) -> Rendered | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            return pickle.loads(path.read_bytes())
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None

    def _store(self, key: str, blob: bytes) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(blob)
            os.replace(temporary, path)
        except OSError as exc:
            log.debug(f"render cache not written ({exc})")

    def prune(self) -> None:
        """Drop cached pages this build did not use, so the cache stays the size of the site."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*/*.pickle"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def _in_workers(uris: list[str], count: int):
    """(src_uri, pickled result) of each page, rendered by `count` forked workers that
    take the next page from a shared queue (the biggest come first) and exit as soon
    as none is left: memory a worker holds is given back while the others finish,
    instead of at the end (a process pool keeps idle workers until it is closed)."""
    context = multiprocessing.get_context("fork")
    tasks = context.SimpleQueue()  # no feeder thread: the fork below copies no lock mid-use
    for src_uri in uris:
        tasks.put(src_uri)
    for _ in range(count):
        tasks.put(None)  # one "no more work" for each worker
    workers = []
    with frozen_for_fork():
        for _ in range(count):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_worker, args=(tasks, send), daemon=True)
            process.start()
            send.close()
            workers.append((process, receive))
    try:
        pending = {receive: process for process, receive in workers}
        while pending:
            for receive in multiprocessing.connection.wait(list(pending)):
                try:
                    message = receive.recv()
                except EOFError:  # the worker is gone: finished, or died
                    process = pending.pop(receive)
                    process.join()
                    if process.exitcode != 0:
                        raise RuntimeError(f"a render worker died (exit code {process.exitcode})") from None
                    continue
                if message[0] == "error":
                    raise RuntimeError(f"rendering {message[1]} failed in a worker:\n{message[2]}")
                yield message[1], message[2]
    finally:
        for process, receive in workers:
            if process.is_alive():
                process.terminate()
            process.join()
            receive.close()


def _worker(tasks, send) -> None:
    while (src_uri := tasks.get()) is not None:
        try:
            send.send(("ok", *_work(src_uri)))
        except Exception:  # noqa: BLE001 (raised again in the main process, with the traceback)
            send.send(("error", src_uri, traceback.format_exc()))
            break
    send.close()




def _work_in_process(src_uri: str, files: Files, config) -> tuple[str, bytes]:
    result = render_one(files.get_file_from_path(src_uri), files, config)
    return src_uri, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
