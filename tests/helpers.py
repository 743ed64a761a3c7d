"""Shared test helpers: small projects on disk, the CLI in-process, and an HTML reader.

Projects are real: the repository's mkdocs.yml copied verbatim, the theme overrides
copied from site_config/, and a content tree written by the test. Builds go through
`generator.cli.main`, the same code path as `newsletter build`.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import posixpath
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]

# A small vocabulary: names, aliases, and descriptions the tests look for.
TAGS = [
    {"name": "Self-Supervised Learning", "description": "Learning from unlabelled data through pretext tasks.",
     "aliases": ["SSL", "self-supervised"]},
    {"name": "GANs", "description": "Generative adversarial networks.", "aliases": ["GAN"]},
    {"name": "Transformers", "description": "Attention-based architectures.", "aliases": ["attention"]},
    {"name": "NLP", "description": "Natural language processing.", "aliases": ["Natural Language Processing"]},
    {"name": "Computer Vision", "description": "Images and video.", "aliases": ["CV", "vision"]},
]


def note_md(title: str | None = "A Paper", url: str | None = "https://papers.test/paper", tags=("GANs",),
            body: str = "Why it matters.", **fields) -> str:
    """A note file: front matter dumped by PyYAML (so any string is written safely) and a body.
    Pass None to leave a required field out."""
    meta: dict = {}
    if title is not None:
        meta["title"] = title
    if url is not None:
        meta["url"] = url
    if tags is not None:
        meta["tags"] = list(tags)
    meta.update(fields)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=None)
    return f"---\n{front}---\n\n{body}\n"


def write_project(root: Path, files: dict[str, str | bytes], tags: list | str | None = None,
                  mkdocs_edits: dict[str, str] | None = None) -> Path:
    """Create a project in `root` and return its mkdocs.yml.

    `files` maps paths relative to `root` (e.g. "content/notes/2021-03/x.md") to text or bytes.
    `tags` is the vocabulary (a list dumped to YAML, or raw YAML text; default TAGS).
    `mkdocs_edits` replaces exact substrings of the repository's mkdocs.yml; each must exist.
    """
    root.mkdir(parents=True, exist_ok=True)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for old, new in (mkdocs_edits or {}).items():
        assert old in config, f"mkdocs.yml no longer contains {old!r}; update the test"
        config = config.replace(old, new)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    # Everything in site_config/ except the vocabulary (theme overrides, CSS, templates).
    shutil.copytree(REPO / "site_config", root / "site_config", dirs_exist_ok=True,
                    ignore=lambda folder, names: [n for n in names if n == "tags.yml" and Path(folder) == REPO / "site_config"])
    tags_text = yaml.safe_dump(TAGS if tags is None else tags, allow_unicode=True, sort_keys=False) if not isinstance(tags, str) else tags
    (root / "site_config" / "tags.yml").write_text(tags_text, encoding="utf-8")
    (root / "content" / "notes").mkdir(parents=True, exist_ok=True)
    (root / "content" / "issues").mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root / "mkdocs.yml"


@dataclass
class Run:
    code: int
    out: str
    err: str
    logs: list[str] = field(default_factory=list)  # messages logged by MkDocs and the plugin (WARNING and up)

    @property
    def text(self) -> str:
        return "\n".join([self.out, self.err, *self.logs])


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def run_cli(*argv: str | Path) -> Run:
    """`newsletter <argv>` in this process, capturing stdout, stderr and MkDocs' log."""
    out, err, collect = io.StringIO(), io.StringIO(), _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in argv])
            except SystemExit as exc:  # argparse errors
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        logger.removeHandler(collect)
    return Run(code, out.getvalue(), err.getvalue(), collect.messages)


def build(config: Path, site_dir: Path, *extra: str) -> Run:
    return run_cli("-f", config, "build", "--site-dir", site_dir, *extra)


# ------------------------------------------------------------------------------ HTML

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        """Text content with entities decoded, whitespace collapsed."""
        parts: list[str] = []

        def walk(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)
        walk(self)
        return " ".join("".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Element"]:
        return [e for e in self.iter()
                if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
                and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Element | None":
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs), self.stack[-1]))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


@dataclass
class Page:
    """One built HTML page, parsed."""

    url: str  # site-relative URL path, e.g. "issues/2021-03/"
    path: Path
    doc: Element

    @property
    def article(self) -> Element:
        article = self.doc.find("article")
        assert article is not None, f"{self.url}: no <article>"
        return article

    @property
    def ids(self) -> set[str]:
        return {e.id for e in self.doc.iter() if e.id}

    @property
    def title(self) -> str:
        return self.doc.find("title").text()

    @property
    def description(self) -> str | None:
        meta = self.doc.find("meta", name="description")
        return meta.attrs.get("content") if meta else None


class BuiltSite:
    """A built site folder: pages by URL, and link resolution like a static web server."""

    def __init__(self, site_dir: Path):
        self.dir = site_dir
        self._pages: dict[str, Page] = {}

    def page(self, url: str) -> Page:
        url = url.strip("/")
        if url not in self._pages:
            path = self.dir / url / "index.html" if url else self.dir / "index.html"
            assert path.is_file(), f"no page at /{url}/ ({path.relative_to(self.dir)} missing)"
            self._pages[url] = Page(url + "/" if url else "", path, parse_html(path.read_text(encoding="utf-8")))
        return self._pages[url]

    def exists(self, url: str) -> bool:
        url = url.strip("/")
        return (self.dir / url / "index.html").is_file() if url else (self.dir / "index.html").is_file()

    def html_files(self) -> list[Path]:
        return sorted(self.dir.rglob("*.html"))

    def page_urls(self) -> list[str]:
        urls = []
        for path in self.html_files():
            rel = path.relative_to(self.dir).as_posix()
            if rel == "404.html":
                continue
            assert rel.endswith("index.html"), rel
            urls.append(rel[: -len("index.html")])
        return urls

    def resolve(self, page: Page, href: str) -> tuple[str, str] | None:
        """(target URL path, fragment) for an internal link, None for an external one."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return None
        if not parts.path:
            return page.url, unquote(parts.fragment)
        target = posixpath.normpath(posixpath.join(page.url, unquote(parts.path)))
        target = "" if target == "." else target
        return target.strip("/"), unquote(parts.fragment)

    def search_index(self) -> list[dict]:
        return json.loads((self.dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]

    def all_text_files(self) -> dict[str, str]:
        """Every text file of the site except the theme's assets (HTML, search index, sitemap)."""
        found = {}
        for path in sorted(self.dir.rglob("*")):
            rel = path.relative_to(self.dir).as_posix()
            if path.is_file() and not rel.startswith("assets/") and path.suffix in (".html", ".json", ".xml", ".txt", ".bib"):
                found[rel] = path.read_text(encoding="utf-8")
        return found
