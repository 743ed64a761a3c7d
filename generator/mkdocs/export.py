"""`newsletter export`: the whole site as a plain MkDocs project that needs no plugin.

The newsletter plugin is the only part of the site an engine must run code of
ours for; every engine that reads `mkdocs.yml` (MkDocs 1.6, ProperDocs, Zensical)
can build plain Markdown pages and copy files. So the export is made from a real
build with the plugin, and holds what that build was made of:

- `docs/`: every page the plugin generated (home, archive, digests, tag pages,
  tags index), with the very Markdown it handed to MkDocs: the same front-matter
  escaping (render.py), the same source paths, so the same URLs and anchors;
  every other file of `docs_dir` the build published (pages such as about.md,
  images and other assets); and every finished file the plugin published (Atom
  feeds, the tags' sitemaps, and whatever outputs are added later), byte for byte.
  One change to the pages: links inside their finished HTML blocks, which MkDocs
  leaves as written (relative to the page's URL), are made root-relative under
  site_url's path, because Zensical rebases relative links in raw HTML as if
  they were relative to the source file (see rooted_html_links).
- `overrides/`: the theme's custom_dir, as it is.
- `mkdocs.yml`: the site's own, with the same theme, palette, extensions and
  navigation (the one the plugin built, written out), but without the
  newsletter plugin and without this package's Markdown extensions, plus
  `theme.variant: classic` (Zensical's Material look; Material ignores it). The
  rawhtml extension only saves parsing time: a page renders to the same HTML
  without it but for whitespace between tags (tests/mkdocs/test_rawhtml.py).
  Nothing in the export imports this package.

Which files the plugin published is found out, not listed: those it announced
to MkDocs (generated files that are no page), and then, as the same export is
built by MkDocs without the plugin, every file of the plugin's build that this
one lacks (written straight to the site). So an output added to the plugin (BibTeX,
JSON, a search index) reaches the export with no change here. That second build
is also the export's check: with the plugin's files added, its internal links
and anchors are checked by the site's link check (checks/linkcheck.py).
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.files import InclusionLevel

from ..checks.linkcheck import BrokenLink, check_site
from ..render import html_block
from .guard import GUARD

log = logging.getLogger("mkdocs.newsletter")

DOCS = "docs"
OVERRIDES = "overrides"
# Our Markdown extensions, under their current and old names: the export names none of them.
OWN_EXTENSIONS = ("generator.mkdocs.rawhtml", "generator.rawhtml", GUARD)
# What the generated Markdown needs of Python-Markdown (anchors, classes, HTML blocks).
NEEDED_EXTENSIONS = ("attr_list", "md_in_html", "toc")
PLUGIN = "newsletter"
# Settings naming folders of the source project, which the export does not have.
DROPPED_SETTINGS = ("site_dir", "watch", "INHERIT")
EXPORT_MARK = "# Exported by `newsletter export` from "
HEADER = """\
# Exported by `newsletter export` from {source}: the site as plain Markdown pages and
# finished files, built by MkDocs (`mkdocs build`), ProperDocs (`properdocs build`) or
# Zensical (`zensical build`) with no newsletter plugin. Do not edit: export again.
"""


@dataclass
class ExportReport:
    pages: int = 0  # generated pages written
    docs_files: int = 0  # other files of docs_dir copied
    plugin_files: list[str] = field(default_factory=list)  # finished files the plugin published
    broken: tuple[BrokenLink, ...] = ()  # in the plugin-free build of the export
    links: int = 0
    seconds: float = 0.0


class ExportError(Exception):
    pass


def export_site(config_file: Path, out: Path, strict: bool = True) -> ExportReport:
    """Write the plugin-free project of `config_file`'s site into the empty folder `out`."""
    started = time.perf_counter()
    report = ExportReport()
    config_file = config_file.resolve()
    with tempfile.TemporaryDirectory(prefix="newsletter-export-") as tmp:
        with_plugin, without = Path(tmp) / "with-plugin", Path(tmp) / "without-plugin"
        config = load_config(str(config_file), strict=strict, site_dir=str(with_plugin))
        plugin = config.plugins.get(PLUGIN)
        if plugin is None:
            raise ExportError(f"{config_file}: the 'newsletter' plugin is not enabled under plugins:")
        plugin.keep_for_export = True
        # The paper search is the plugin's (the export uses its engine's own search, see
        # export_config): its index, 10,000 files at archive scale, would be dead weight.
        plugin.config["search"] = False
        build(config)
        docs = out / DOCS
        root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
        for page in plugin.pages:
            url = plugin.files.get_file_from_path(page.path).url
            _write(docs / page.path, rooted_html_links(page.markdown, root + url).encode("utf-8"))
        report.pages = len(plugin.pages)
        report.docs_files = _copy_docs_files(plugin.files, Path(config.docs_dir), docs)
        # The plugin's files that MkDocs knows of (links to them resolve), before the build
        # below, so that it resolves the links to them as the plugin's build did.
        known = sorted(f.dest_uri for f in plugin.files if f.generated_by == PLUGIN and not f.is_documentation_page())
        for rel in known:
            if not (with_plugin / rel).is_file():
                raise ExportError(f"the plugin announced {rel} but did not write it; see the warnings above")
            _write(docs / rel, (with_plugin / rel).read_bytes())
        custom_dir = config.theme.custom_dir
        if custom_dir:
            shutil.copytree(custom_dir, out / OVERRIDES)
        nav = config.nav
        plugin.pages = plugin.files = plugin.content = plugin.site = None
        (out / "mkdocs.yml").write_text(export_config(config_file, nav, bool(custom_dir)), encoding="utf-8")

        _quiet_build(out / "mkdocs.yml", without)
        theirs = _tree(with_plugin)
        ours = _tree(without)
        # Files the plugin wrote past MkDocs (no page links to them in Markdown, or the
        # plugin's build would not have resolved them either): copied into the export,
        # and into this build, which is then what an engine makes of the export.
        unknown = sorted(theirs - ours)
        for rel in unknown:
            data = (with_plugin / rel).read_bytes()
            _write(docs / rel, data)
            _write(without / rel, data)
        report.plugin_files = sorted([*known, *unknown])
        missing = sorted(ours - theirs)
        if missing:
            log.info(f"the plugin-free build has files the plugin's has not: {', '.join(missing[:5])}")
        checked = check_site(without, config.site_url)
        report.broken, report.links = checked.broken, checked.links
    report.seconds = time.perf_counter() - started
    return report


_HTML_BLOCK = re.compile(r"^<!-- nl-html [0-9a-f]{16} -->\n(?P<html>.*?)\n<!-- /nl-html -->$", re.M | re.S)
_HREF = re.compile(r'(?<=\shref=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"]*)(?=")')


def rooted_html_links(markdown: str, page_url: str) -> str:
    """Relative links in the page's finished HTML blocks made root-relative (under
    site_url's path): the same targets for every engine. MkDocs leaves a link in
    raw HTML as it is, relative to the page's URL; Zensical rewrites it as if it
    were relative to the page's source file (one `../` more under directory URLs).
    Markdown links, to .md sources, every engine resolves alike."""
    def block(match: re.Match) -> str:
        html = _HREF.sub(lambda link: _join(page_url, link[1]), match["html"])
        return html_block(html)
    return _HTML_BLOCK.sub(block, markdown)


def _join(page_url: str, href: str) -> str:
    path, hash_, fragment = href.partition("#")
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
    joined = posixpath.normpath(posixpath.join(base, path)) if path else page_url
    if path.endswith("/") and not joined.endswith("/"):
        joined += "/"
    return joined + hash_ + fragment


def is_export(folder: Path) -> bool:
    """Whether `folder` holds an earlier export: its mkdocs.yml opens with HEADER."""
    try:
        with open(folder / "mkdocs.yml", encoding="utf-8") as config:
            return config.readline().startswith(EXPORT_MARK)
    except (OSError, UnicodeDecodeError):
        return False


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _copy_docs_files(files, docs_dir: Path, docs: Path) -> int:
    """The files of docs_dir the build published (the plugin dropped note and issue
    sources and anything a symlink leads out of docs_dir to), as they are."""
    real_docs = docs_dir.resolve()
    copied = 0
    for file in files:
        if file.generated_by is not None or file.src_dir is None or file.abs_src_path is None:
            continue
        if Path(file.src_dir).resolve() != real_docs or file.inclusion == InclusionLevel.EXCLUDED:
            continue  # theme files come with overrides/ and the theme itself
        target = docs / file.src_uri
        if target.exists():
            continue  # a generated page of that name replaced it in the build too
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file.abs_src_path, target)
        copied += 1
    return copied


def _tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _quiet_build(config_file: Path, site_dir: Path) -> None:
    """MkDocs without the plugin, quiet: the link check judges the result."""
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        build(load_config(str(config_file), site_dir=str(site_dir)))
    finally:
        logger.setLevel(level)


# ----------------------------------------------------------------------- mkdocs.yml

class _Tagged:
    """A YAML value with a tag of MkDocs' loader or Python's (!ENV, !relative,
    !!python/name:...), kept as it was written."""

    def __init__(self, tag: str, node: yaml.Node):
        self.tag, self.node = tag, node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: _Tagged("!" + suffix, node))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: _Tagged(node.tag, node))
_Dumper.add_representer(_Tagged, lambda dumper, value: _retag(value))


def _retag(value: _Tagged) -> yaml.Node:
    value.node.tag = value.tag
    return value.node


def read_yaml(path: Path) -> dict:
    """mkdocs.yml as written, its INHERIT resolved (deep-merged as MkDocs does)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}  # noqa: S506 (a safe loader)
    parent = data.pop("INHERIT", None)
    if isinstance(parent, str):
        return _merge(read_yaml((path.parent / parent).resolve()), data)
    return data


def _merge(base: dict, child: dict) -> dict:
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = _merge(base[key], value)
        else:
            base[key] = value
    return base


def _name(item) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and len(item) == 1:
        return next(iter(item))
    return None


def export_config(config_file: Path, nav: list | None, overrides: bool) -> str:
    """The export's mkdocs.yml: the site's own, less the plugin and our extensions."""
    data = read_yaml(config_file)
    for key in DROPPED_SETTINGS:
        data.pop(key, None)
    if data.pop("hooks", None):
        log.warning(f"{config_file.name}: hooks run Python code, like a plugin: the export leaves them out")
    data["docs_dir"] = DOCS
    theme = data.get("theme")
    if isinstance(theme, dict) and overrides:
        theme["custom_dir"] = OVERRIDES
    if isinstance(theme, dict) and theme.get("name") == "material":
        # Zensical's look closest to Material's (its default is its own "modern"); Material ignores it.
        theme.setdefault("variant", "classic")
    plugins = data.get("plugins")
    if isinstance(plugins, list):
        data["plugins"] = [p for p in plugins if _name(p) != PLUGIN]
    elif isinstance(plugins, dict):
        plugins.pop(PLUGIN, None)
    # The paper search (Pagefind) is the plugin's; a plugin-free site gets its engine's own:
    # Material's search plugin under MkDocs and ProperDocs, Zensical's built-in one.
    plugins = data.get("plugins")
    if plugins is None:
        data["plugins"] = ["search"]
    elif isinstance(plugins, list) and not any(_name(p) in ("search", "material/search") for p in plugins):
        plugins.insert(0, "search")
    elif isinstance(plugins, dict) and not {"search", "material/search"} & set(plugins):
        data["plugins"] = {"search": {}, **plugins}
    extensions = [e for e in data.get("markdown_extensions") or [] if _name(e) not in OWN_EXTENSIONS]
    names = {_name(e) for e in extensions}
    data["markdown_extensions"] = extensions + [e for e in NEEDED_EXTENSIONS if e not in names]
    if nav:
        data["nav"] = nav
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return HEADER.format(source=os.path.basename(config_file)) + "\n" + body
