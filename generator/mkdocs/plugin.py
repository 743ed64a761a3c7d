"""The MkDocs adapter: a thin plugin that hands the generated pages to MkDocs.

Each hook is a few lines calling the pure stages. Under `mkdocs serve` one
plugin instance lives across rebuilds, and the site (content, pages, feeds) is
derived anew in every build. What is kept from one rebuild to the next only
saves work, and is keyed by everything it is made from, so it cannot go stale:
- in the preview's worker process, which writes the feeds, citation and data files
  after each rebuild (`feed_worker`, speed/background.py): each feed entry's XML,
  keyed by the note or issue, the digest HTML it is cut from, its URLs and the
  site's name and URL (outputs/feeds.py, outputs/data.py);
- the search indexer's records of each issue and its last index (mkdocs/search.py);
- `page_memo`: each digest's and tag page's Markdown, keyed by its month or tag
  index (every note in it), the site's name and the URL settings (render.py);
- `incremental` (only under `serve --dirty`): a digest of each page's Markdown
  and of what all pages share, to tell MkDocs which pages to render again; the
  last HTML of pages not rendered again, which are exactly
  those whose Markdown and shared inputs are unchanged; compiled theme templates,
  which Jinja checks against their source (mkdocs/incremental.py);
- the render cache on disk, keyed by each page's Markdown and everything else its
  HTML depends on (mkdocs/cache.py); in the reader, parsed front matter and validated
  notes, keyed by the file's text and the tag vocabulary (read/frontmatter.py, read/notes.py).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from ..speed.background import Background, Latest, Worker
from ..outputs.search import search_records
from .search import FOLDER as SEARCH_FOLDER
from .search import ServeIndexer, write_index
from .cache import RenderCache
from ..outputs.feeds import FeedSite, feed_paths, iter_feeds, tag_sitemap
from ..outputs.citations import citation_files, citation_paths
from ..outputs.data import data_files, data_paths
from ..grouping import group
from .guard import GUARD
from .incremental import Incremental
from ..speed.memo import BuildMemo
from ..model import Content, Problem, Site
from ..read import forget as forget_read_memos
from ..read import read_content
from ..render import content_epoch, issue_path, navigation, render_site

log = get_plugin_logger("newsletter")

# Extensions the generated Markdown relies on (anchors and classes via attr_list;
# finished HTML blocks passed through as they are: rawhtml.py).
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "toc", "generator.mkdocs.rawhtml")
FEEDS_AFTER_S = 0.5  # under serve: feeds are written this long after a build, the page being served first


class NonNegative(c.Type):
    """A whole number, 0 or more, checked by MkDocs like every other option."""

    def __init__(self, meaning_of_zero: str, default: int):
        super().__init__(int, default=default)
        self.meaning_of_zero = meaning_of_zero

    def run_validation(self, value):
        value = super().run_validation(value)
        if value < 0:
            raise ValidationError(f"must be 0 ({self.meaning_of_zero}) or a positive number, not {value}")
        return value


class NewsletterConfig(base.Config):
    content_dir = c.Dir(exists=True, default="content")
    tags_file = c.Optional(c.File(exists=True))
    unknown_tags = c.Choice(("warn", "error"), default="warn")
    navigation = c.Type(bool, default=True)
    watch = c.ListOfItems(c.Dir(exists=True), default=[])
    drafts_on_serve = c.Type(bool, default=True)  # like Material's blog plugin: preview drafts
    feed_limit = NonNegative("every entry", default=50)  # newest entries per Atom feed
    render_cache = c.Type(bool, default=True)  # keep rendered pages and the last search index in .cache/newsletter/ (mkdocs/cache.py, search.py)
    render_workers = NonNegative("one per core", default=0)  # processes rendering pages; 1: no extra process
    search = c.Type(bool, default=True)  # the paper search: a Pagefind index in pagefind/ (see mkdocs/search.py)
    # `newsletter email` (see generator/outputs/email.py): From, List-Id, unsubscribe URL ({email} per recipient)
    email_from = c.Type(str, default="")
    email_reply_to = c.Type(str, default="")
    email_list_id = c.Type(str, default="")
    email_unsubscribe = c.Type(str, default="")


class NewsletterPlugin(BasePlugin[NewsletterConfig]):
    content: Content | None = None
    site: Site | None = None
    serving = False
    epoch_from_content = False  # set by `newsletter build`: date the build from the content (see cli.py)
    incremental = Incremental()  # replaced in on_startup; disabled unless serving --dirty
    page_memo: BuildMemo | None = None  # only under serve: set in on_startup
    feeds: Background | None = None  # the feeds being written, from on_env to on_post_build (newsletter build)
    feed_writer: Latest | None = None  # under serve: writes them in a thread once the pages are out
    feed_worker: Worker | None = None  # ... by way of a process of its own (see speed/background.py)
    keep_for_export = False  # set by `newsletter export`: keep the generated pages and the files (export.py)
    pages: tuple | None = None  # likewise, only then
    files: Files | None = None
    search_job: Background | None = None  # the search index being written, likewise (newsletter build)
    search_indexer: ServeIndexer | None = None  # under serve: indexes after each build, in a thread
    search_records = None  # this build's search records, made when asked (outputs/search.py)
    search_cache: Path | None = None  # the last search index made, in .cache/newsletter/search (mkdocs/search.py)
    serve_feeds = None  # under serve: this build's feeds job, handed to feed_writer in on_post_build

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        self.incremental = Incremental()  # fast rebuilds under `serve --dirty`
        self.incremental.start(dirty and self.serving)
        # Generated pages' Markdown kept across serve rebuilds (see render.py); a build has no use for it.
        self.page_memo = BuildMemo() if self.serving else None
        self.search_indexer = ServeIndexer() if self.serving else None
        # A second after the build: the page the editor waits for is served first.
        self.feed_writer = Latest("feeds not updated", quiet=FEEDS_AFTER_S, log=log) if self.serving else None
        self.feed_worker = Worker() if self.serving else None

    def on_config(self, config):
        for name in REQUIRED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        if GUARD in config.markdown_extensions:  # it stops builds this plugin does not run in (guard.py)
            config.mdx_configs.setdefault(GUARD, {})["enabled"] = False
        self.content = self.site = None
        cache = Path(config.config_file_path).absolute().parent / ".cache" / "newsletter"
        self.render = RenderCache(cache / "pages" if self.config.render_cache else None, self.config.render_workers)
        self.search_cache = cache / "search" if self.config.render_cache else None
        self.generated: list[str] = []
        return config

    def on_files(self, files: Files, config) -> Files:
        if self.feed_writer is not None:
            self.feed_writer.cancel()  # a new build: the last one's feeds would be redone anyway
        if self.search_indexer is not None:
            self.search_indexer.cancel()
        root = Path(config.config_file_path).absolute().parent
        self.content = read_content(Path(self.config.content_dir), _path(self.config.tags_file), root, self.config.unknown_tags)
        if not self.serving:
            forget_read_memos()  # kept only for the next rebuild under serve
        self.site = group(self.content, include_drafts=self.serving and self.config.drafts_on_serve)
        report(self.content.problems + self.site.problems)
        if self.epoch_from_content:  # before MkDocs reads it (pages' update_date, sitemap, .gz header)
            os.environ["SOURCE_DATE_EPOCH"] = str(content_epoch(self.site))
        feeds = bool(config.site_url)
        if not feeds:
            log.warning("site_url is not set in mkdocs.yml: the Atom feeds need absolute URLs, so none are written")
        pages = render_site(self.site, config.site_name, config.site_description or "", feeds=feeds,
                            directory_urls=config.use_directory_urls, memo=self.page_memo)
        if self.config.navigation and not config.nav:
            config.nav = navigation(self.site)
        files = replace_sources(files, pages, config, Path(self.config.content_dir), Path(config.docs_dir))
        self.incremental.plan(files, {p.path: p.markdown for p in pages}, config)
        self.generated = [p.path for p in pages]
        # Feed files exist from here on, so links to them resolve and validate; on_env fills them in.
        files = add_generated(files, published_paths(self.site) if feeds else (), config)
        if self.keep_for_export:
            self.pages, self.files = pages, files
        return files

    def on_nav(self, nav, config, files: Files):
        self.render.prepare(files, self.generated, config)  # every file is known now
        return nav

    @event_priority(-100)  # last, so it sees the Markdown MkDocs will render
    def on_page_markdown(self, markdown, page, config, files):
        self.render.attach(page, markdown)
        if page.file.generated_by == "newsletter" and page.markdown is not None:
            # MkDocs has read the page (its Markdown, meta apart, is page.markdown) and reads
            # no file twice in a build: keep one copy of its text, not two (80 MB at 10,000 notes).
            page.file.content_string = page.markdown
        return markdown

    def on_env(self, env, config, files: Files):
        self.incremental.templates(env)
        self.incremental.restore(files)
        self.serve_feeds = None
        if self.site is not None and config.site_url:  # every page is rendered by now, none written yet
            site, limit, meta, inputs = self.site, self.config.feed_limit, feed_site(config), feed_inputs(self.site, files)
            if self.feed_writer is None:  # a build: in another process while MkDocs renders the templates
                self.feeds = Background(lambda: write_site_files(site, meta, *inputs, limit))
            else:
                # Under serve, once the pages are written (on_post_build), in the worker process
                # where the memo of feed entries lives on: a saved note shows at once, its feeds follow.
                worker, site_dir = self.feed_worker, Path(config.site_dir)
                self.serve_feeds = lambda superseded: _serve_feeds(worker, site_dir, (site, meta, *inputs, limit))
        self.search_records = None
        if self.site is not None and self.config.search:
            records = self.search_records = site_records(self.site, files, config, self.search_indexer and self.search_indexer.memo)
            if self.search_indexer is None:  # a build: in another process while MkDocs writes the pages
                output, cache = Path(config.site_dir) / SEARCH_FOLDER, self.search_cache
                self.search_job = Background(lambda: write_index(records(), output, cache=cache))
        return env

    def on_post_build(self, config):
        if self.feeds is not None:
            feeds, self.feeds = self.feeds, None
            report(feeds.result())
        if self.search_job is not None:
            job, self.search_job = self.search_job, None
            try:
                job.result()
            except RuntimeError as exc:
                raise PluginError(f"the search index was not written: {exc}") from None
        elif self.search_indexer is not None and self.search_records is not None:
            # The preview's first page must find an index; later ones show the last until this one is done.
            self.search_indexer.request(self.search_records, Path(config.site_dir), wait=self.search_indexer.runs == 0)
        if self.feed_writer is not None and self.serve_feeds is not None:
            job, self.serve_feeds = self.serve_feeds, None
            self.feed_writer.submit(job, wait=self.feed_writer.runs == 0)  # the first preview has its feeds
        self.incremental.finish(config)
        if not self.incremental.enabled:  # a full build used every page it needs
            self.render.prune()

    def on_build_error(self, error):
        if self.feeds is not None:
            self.feeds.abandon()
            self.feeds = None
        if self.search_job is not None:
            self.search_job.abandon()
            self.search_job = None

    def on_serve(self, server, config, builder):
        for folder in [self.config.content_dir, self.config.tags_file, *self.config.watch]:
            if folder:
                server.watch(folder)
        return server


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def report(problems: tuple[Problem, ...]) -> None:
    """Every problem is a warning to MkDocs, so `--strict` fails on any of them and
    a non-strict build goes on without the bad file."""
    for problem in sorted(problems, key=lambda p: (p.path, p.line or 0)):
        suffix = " (skipped)" if problem.severity == "error" else ""
        log.warning(f"{problem}{suffix}")


def replace_sources(files: Files, pages, config, content_dir: Path, docs_dir: Path) -> Files:
    """Drop note and issue sources (they are only published inside the digests)
    and add the generated pages, in memory."""
    real_docs = docs_dir.resolve()
    if content_dir.resolve() == real_docs:  # first: thousands of notes need no resolve() below
        for file in list(files):
            # Everything there: .md sources are published inside the digests, and other files
            # (images, .txt, files behind a symlinked folder) are ignored, never copied out.
            if file.src_uri.startswith(("notes/", "issues/")):
                files.remove(file)
    for file in list(files):
        # Never publish what a symlink in docs_dir points at outside it (the reader reports it).
        from_docs = file.src_dir is not None and Path(file.src_dir).resolve() == real_docs  # not theme files
        if from_docs and not Path(file.abs_src_path).resolve().is_relative_to(real_docs):
            files.remove(file)
    for page in pages:
        existing = files.get_file_from_path(page.path)
        if existing is not None:
            log.warning(f"{existing.src_uri} in docs_dir is replaced by the generated page of the same name; rename it")
            files.remove(existing)
        # Tag pages stay out of the sidebar on purpose (see render.navigation): say so,
        # or MkDocs lists every one of them as "not included in the nav" on each build.
        in_sidebar = not page.path.startswith("tags/") or page.path == "tags/index.md"
        inclusion = InclusionLevel.UNDEFINED if in_sidebar else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, page.path, content=page.markdown, inclusion=inclusion))
    return files


def feed_site(config) -> FeedSite:
    return FeedSite(config.site_url, config.site_name, config.site_description or "")


def digests_of(site: Site, files: Files) -> dict[str, str]:
    """Each month's rendered digest HTML, by month key (the feeds and the search read it)."""
    return {m.key: files.get_file_from_path(issue_path(m.key)).page.content or "" for m in site.months}


def feed_inputs(site: Site, files: Files) -> tuple[dict, dict, dict]:
    """What write_site_files reads of this build, as plain data (it may run in another
    process): each digest's HTML, and each file's URL and place in the site."""
    return digests_of(site, files), {f.src_uri: f.url for f in files}, {f.src_uri: f.abs_dest_path for f in files}


def write_site_files(site: Site, meta: FeedSite, digests: dict, urls: dict, dests: dict, limit: int,
                     memo: BuildMemo | None = None) -> tuple[Problem, ...]:
    """Write the feeds, tag sitemaps, citation and data files one at a time (the feeds of
    a 10,000-note site are tens of MB; none stays in memory). Each file is written beside
    its place and moved there, so the preview never serves half a file."""
    feeds, problems = iter_feeds(site, meta, urls.__getitem__, digests, limit, memo)
    for feed in itertools.chain(feeds, (tag_sitemap(index.tag, meta, urls.__getitem__) for index in site.tags),
                                citation_files(site), data_files(site, meta, urls.__getitem__, digests, limit, memo)):
        path = Path(dests[feed.path])
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        with open(partial, "wb") as out:
            feed.write(out)
        os.replace(partial, path)
    return problems


def _serve_feeds(worker: Worker, site_dir: Path, args: tuple) -> None:
    try:
        report(worker.call(_serve_site_files, *args))
    except FileNotFoundError:
        if site_dir.is_dir():
            raise  # else the preview stopped and removed its site while the files were written


_WORKER_MEMO = BuildMemo()  # in the preview's worker process: feed entries kept across rebuilds


def _serve_site_files(*args) -> tuple[Problem, ...]:
    """write_site_files in the preview's worker process (speed/background.Worker)."""
    return write_site_files(*args, memo=_WORKER_MEMO)


def published_paths(site: Site) -> tuple[str, ...]:
    """Every finished file the build writes beside the pages (write_site_files writes them)."""
    return feed_paths(site) + citation_paths(site) + data_paths(site)
def site_records(site: Site, files: Files, config, memo: BuildMemo | None = None):
    """A function giving the site's search records (it may run in another process or
    thread: everything it reads is taken now, from this build's rendered pages).
    `memo`: under serve, each issue's records kept for the next rebuild (used by one thread)."""
    digests = digests_of(site, files)
    urls = {f.src_uri: f.url for f in files.documentation_pages()}
    pages = tuple((f.page.title or "", f.url, f.page.content) for f in files.documentation_pages()
                  if f.generated_by != "newsletter" and f.page is not None and f.page.content)
    language = config.theme.get("language") or "en"
    return lambda: search_records(site, digests, urls.__getitem__, pages, language, memo)


class FeedFile(File):
    """A feed: known to MkDocs from the start (links to it validate), written to the
    site by write_site_files, not copied by MkDocs."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


def add_generated(files: Files, paths, config) -> Files:
    """The feeds' files, written once the pages are rendered (write_site_files)."""
    for path in paths:
        existing = files.get_file_from_path(path)
        if existing is not None:
            log.warning(f"{existing.src_uri} in docs_dir is replaced by the generated feed of the same name; rename it")
            files.remove(existing)
        files.append(FeedFile.generated(config, path, content=b""))
    return files
