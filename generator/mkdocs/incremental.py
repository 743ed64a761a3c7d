"""Fast preview rebuilds: under `newsletter serve` (MkDocs `serve --dirty`), only
the pages whose generated Markdown changed are rendered and written again.

MkDocs' dirty mode asks each File `is_modified()`; generated pages always say
yes, so on its own it rebuilds everything. Here each generated page says yes
only when its Markdown differs from the last successful build, and every page
says yes when anything shared by all pages changed (the navigation, the list of
pages, mkdocs.yml, the theme overrides). What dirty mode leaves stale is
repaired: output of pages that no longer exist is deleted, pages that were not
rendered get their last HTML back (the feeds and the search index read it). Compiled theme
templates are kept too (MkDocs makes a new Jinja environment for every build);
Jinja checks each one against its template's source before using it.

A plain `mkdocs build` never uses any of this.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import jinja2
from mkdocs.structure.files import Files

from .cache import digest

log = logging.getLogger("mkdocs.plugins.newsletter")


def _tree_stamp(folder: str | None) -> str:
    """Names, sizes and times of every file below a folder (the theme overrides)."""
    if not folder or not os.path.isdir(folder):
        return ""
    stamps = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            st = os.stat(os.path.join(dirpath, name))
            stamps.append(f"{os.path.relpath(os.path.join(dirpath, name), folder)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(stamps)


class _DirtyWarningFilter(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be stale; here it
    cannot be (any navigation change rebuilds every page), so the warning goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


class _TemplateCode(jinja2.BytecodeCache):
    """Compiled templates in memory. A bucket is keyed by template name and file, and
    Jinja drops its code when the source's checksum differs (an edited override), so
    it is never stale; the key also holds the environment's syntax settings and
    extensions, which change what a template compiles to."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self.setting = ""

    def configure(self, env: jinja2.Environment) -> None:
        self.setting = digest(repr(sorted(env.extensions)), repr(env.autoescape), repr(env.optimized), repr(
            [getattr(env, name) for name in ("block_start_string", "block_end_string", "variable_start_string",
                                             "variable_end_string", "comment_start_string", "comment_end_string",
                                             "line_statement_prefix", "line_comment_prefix", "trim_blocks",
                                             "lstrip_blocks", "newline_sequence", "keep_trailing_newline")]))

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(self.setting + bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[self.setting + bucket.key] = bucket.bytecode_to_string()


class Incremental:
    """State kept across `serve --dirty` rebuilds (the plugin instance lives on)."""

    def __init__(self) -> None:
        self.enabled = False
        self._global: str | None = None
        self._pages: dict[str, str] = {}  # src_uri -> digest of the Markdown last built
        self._pending: tuple[str, dict[str, str]] | None = None
        self._dest: dict[str, str] = {}  # src_uri -> output file, last build
        self._html: dict[str, str] = {}  # src_uri -> rendered HTML, last time it was rendered
        self._files: Files | None = None
        self._templates = _TemplateCode()

    def start(self, dirty: bool) -> None:
        self.enabled = dirty
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_DirtyWarningFilter())

    def plan(self, files: Files, generated: dict[str, str], config) -> None:
        """Decide which pages this build renders. `generated`: src_uri -> Markdown."""
        if not self.enabled:
            return
        self._files = files
        pages = list(files.documentation_pages())
        config_bytes = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
        shared = digest(repr(config.nav), "\n".join(f.src_uri for f in pages), config_bytes,
                         _tree_stamp(config.theme.custom_dir), config.site_name or "")
        everything = shared != self._global
        digests = {}
        for file in pages:
            if file.src_uri in generated:
                digests[file.src_uri] = digest(generated[file.src_uri])
                changed = everything or self._pages.get(file.src_uri) != digests[file.src_uri]
            elif everything:
                changed = True
            else:
                continue  # a page written by hand in docs_dir: MkDocs compares file times
            file.is_modified = (lambda changed=changed: changed)  # type: ignore[method-assign]
        self._pending = (shared, digests)
        self._remove_stale(files, config)

    def _remove_stale(self, files: Files, config) -> None:
        """Delete the output of generated pages that are gone (a tag nobody uses any more)."""
        current = {f.src_uri: f.abs_dest_path for f in files.documentation_pages()}
        for src, dest in self._dest.items():
            if src not in current and os.path.isfile(dest) and _within(dest, config.site_dir):
                os.remove(dest)
                try:
                    os.rmdir(os.path.dirname(dest))  # only if empty
                except OSError:
                    pass
        self._dest = {src: current[src] for src in (self._pending[1] if self._pending else {})}

    def templates(self, env: jinja2.Environment) -> None:
        """Let this build's Jinja environment reuse templates compiled in earlier ones."""
        if self.enabled:
            self._templates.configure(env)
            env.bytecode_cache = self._templates

    def restore(self, files: Files) -> None:
        """Pages this build did not render get their last HTML back (feeds read it)."""
        if not self.enabled:
            return
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            if page.content is None and file.src_uri in self._html:
                page.content = self._html[file.src_uri]
            elif page.content is not None:
                self._html[file.src_uri] = page.content

    def finish(self, config) -> None:
        """After a successful build: remember the signatures."""
        if not self.enabled or self._pending is None or self._files is None:
            return
        self._global, self._pages = self._pending
        self._pending = None


def _within(path: str, folder: str) -> bool:
    return os.path.abspath(path).startswith(os.path.abspath(folder) + os.sep)

