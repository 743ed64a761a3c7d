"""Offline link check of a built site: every internal href/src must resolve to a
file, and every #fragment to an element id (or an <a name>) in that file.

Why our own ~200 lines rather than a maintained checker (both were tried on a
built site):
- LinkChecker 10.x checks local files, but its AnchorCheck plugin skips anchors
  on directory URLs (`issues/2024-01/#paper`, the form of nearly every MkDocs
  link) and it maps `/…` links to the file-system root, so a site hosted under a
  subpath cannot be checked from a folder. Served over HTTP it treats links
  outside the start URL as external (unchecked), reports missing anchors only as
  warnings, and took ~11 s for 80 URLs of a small site.
- pytest-check-links only looks at <a>, <img> and <iframe> (not the CSS, JS and
  feed <link>s), fails every root-relative link, and accepts `dir/` without
  looking for dir/index.html or its anchors.
So this walks the folder with a regular-expression scan that follows the
standard library's HTML parser rules (see _PageParser): no network, each file
read once, a 10,000-note site (126 MB of HTML) checked in about 3 s.

What is checked, relative to the site root that `site_url`'s path maps to
(`https://example.org/newsletter/` → `/newsletter/` is the folder itself):
- HTML: href, src, srcset and poster on any element (links, stylesheets,
  scripts, images, <link rel=alternate> feeds, canonical URLs), and Material's
  search settings (the worker script and search/search_index.json);
- CSS: url(...) references;
- XML (sitemap, feeds): href attributes, URL texts under site_url, and the
  links inside feed entries' HTML (resolved against xml:base);
- search/search_index.json: every result location and its fragment.
A root-relative link that escapes the subpath (`/assets/x.css` for a site under
/newsletter/) is broken. Other hosts, mailto:, data: and the like are skipped.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

URL_ATTRIBUTES = ("href", "src", "poster")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
# Links another site or scheme (mailto:, data:) serves; group 1 is the host of an http(s) or //host link.
_OTHER_SITE = re.compile(r"\s*(?:(?:https?:)?//([^/?#\s]*)|(?!https?:)[a-zA-Z][a-zA-Z0-9+.-]*:)", re.I)
_UNSAFE = re.compile(r"[\t\r\n]")  # urlsplit drops these, so such links take the slow path
FAKE_ORIGIN = "http://site.invalid"  # stands in for the host when there is no site_url


@dataclass(frozen=True)
class BrokenLink:
    source: str  # file, relative to the site folder
    line: int | None
    target: str  # the link as written
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: broken link -> {self.target} ({self.reason})"


@dataclass(frozen=True)
class LinkReport:
    files: int  # HTML, CSS, XML and search-index files read
    links: int  # internal links checked
    broken: tuple[BrokenLink, ...]


# One pass of regular expressions over each file instead of html.parser's per-tag
# callbacks (5x faster on a 10,000-note site), following its rules: comments are
# skipped, <script> and <style> hold raw text, names are case-insensitive and
# attribute values have their character references decoded.
_TOKEN = re.compile(r"""<!--.*?(?:-->|\Z)|<([a-zA-Z][^\t\n\r\f />\x00]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.S)
_ATTRIBUTE = re.compile(r"""([^\s/>"'=][^\s/>=]*)(?:\s*=+\s*("[^"]*"|'[^']*'|(?!['"])[^>\s]*))?""")
_RAW_END = {"script": re.compile(r"</script[\s/>]", re.I), "style": re.compile(r"</style[\s/>]", re.I)}
_SELF_CLOSING = re.compile(r"""(?:^|[\s"'])/\s*$""")  # not `src=x/`: an unquoted value keeps its slash
_WANTED = re.compile(r"(?:id|name|href|src|srcset|poster)\s*=", re.I)


class _PageParser:
    """Collects the ids (and <a name>s) of one page, and its links with line numbers."""

    def __init__(self, strings: dict[str, str] | None = None):
        self.strings = {} if strings is None else strings  # one copy of a link that recurs on many pages
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []
        self.config: tuple[int, str] | None = None  # Material's <script id="__config"> JSON

    def feed(self, text: str) -> None:
        ids, links = self.ids, self.links
        line, counted, pos = 1, 0, 0
        while (m := _TOKEN.search(text, pos)) is not None:
            pos = m.end()
            tag, attributes = m.group(1), m.group(2)
            if tag is None:  # a comment
                continue
            tag = tag.lower()
            values = _attributes(attributes) if _WANTED.search(attributes) else {}
            if values:
                line += text.count("\n", counted, m.start())
                counted = m.start()
                if values.get("id"):
                    ids.add(values["id"])
                if tag == "a" and values.get("name"):
                    ids.add(values["name"])
                for name in URL_ATTRIBUTES:
                    if values.get(name) is not None:
                        links.append((line, self.strings.setdefault(values[name], values[name])))
                if values.get("srcset"):
                    links.extend((line, item.split()[0]) for item in values["srcset"].split(",") if item.strip())
            if tag in _RAW_END and not _SELF_CLOSING.search(attributes):  # raw text up to its end tag
                end = _RAW_END[tag].search(text, pos)
                stop = end.start() if end else len(text)
                if tag == "script" and values.get("id") == "__config" and stop > pos:
                    self.config = (line, text[pos:stop])
                pos = stop

    def close(self) -> None:
        pass


def _attributes(text: str) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for m in _ATTRIBUTE.finditer(text):
        value = m.group(2)
        if value is not None:
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            if "&" in value:
                value = unescape(value)
        values[m.group(1).lower()] = value  # the last one wins, as with dict(attrs)
    return values


class _Site:
    """The folder as a web server would serve it under `site_url`."""

    def __init__(self, folder: Path, site_url: str | None):
        self.folder = folder
        parts = urlsplit(site_url or "")
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else FAKE_ORIGIN
        self.host = urlsplit(self.origin).netloc.lower()
        self.root = parts.path if parts.path.endswith("/") else parts.path + "/"  # "/" or "/newsletter/"
        self.files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        self.dirs = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}
        self.ids: dict[str, set[str]] = {}
        self._verdicts: dict[tuple[str, str], str | None | bool] = {}
        self.strings: dict[str, str] = {}
        self.entry_links: dict[bytes, tuple[str, ...]] = {}
        self._resolved: dict[tuple[str, str], tuple[str | None, str, str | None]] = {}

    def url_of(self, rel_file: str) -> str:
        return f"{self.origin}{self.root}{rel_file}"

    def resolve(self, base_url: str, ref: str) -> tuple[str | None, str, str | None]:
        """(file in the folder or None if not ours, fragment, reason it is broken or None)."""
        url = urljoin(base_url, ref.strip())
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != self.host:
            return None, "", None  # another site, mailto:, data:, javascript:
        path = parts.path + "/" if parts.path + "/" == self.root else parts.path  # /newsletter → /newsletter/
        if not path.startswith(self.root):
            if urlsplit(ref.strip()).netloc:
                return None, "", None  # a full URL to another site on the same host
            return "", "", f"outside the site root {self.root}"
        rel = unquote(path[len(self.root):])
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        elif rel in self.dirs:
            rel += "/index.html"  # servers redirect dir → dir/
        if rel not in self.files:
            return rel, parts.fragment, f"no file {rel}"
        return rel, parts.fragment, None

    def check(self, source: str, line: int | None, base_url: str, ref: str) -> BrokenLink | None | bool:
        """A BrokenLink, True if an internal link resolved, None if not ours to check."""
        other = _OTHER_SITE.match(ref)  # most links go to papers elsewhere: no need to join them to the base
        if other and (other.group(1) is None or other.group(1).lower() != self.host) and not _UNSAFE.search(ref):
            return None
        key = (base_url, ref)
        if key not in self._verdicts:  # the same links recur on every page and in every feed
            self._verdicts[key] = self._verdict(base_url, ref)
        verdict = self._verdicts[key]
        return BrokenLink(source, line, ref, verdict) if isinstance(verdict, str) else verdict

    def _verdict(self, base_url: str, ref: str) -> str | None | bool:
        path, hash_, fragment = ref.strip().partition("#")
        if hash_ and not any(c in ref for c in "\t\r\n"):
            # The file depends on the part before "#" only: dozens of links to papers of one digest share it.
            key = (base_url, path)
            if key not in self._resolved:
                self._resolved[key] = self.resolve(base_url, path)
            target, _, reason = self._resolved[key]
        else:
            target, fragment, reason = self.resolve(base_url, ref)
        if target is None:
            return None
        if reason is None and fragment and target.endswith(".html") and not _fragment_ok(fragment, self.ids.get(target, set())):
            reason = f"no id \"{unquote(fragment)}\" in {target}"
        return reason or True


def _fragment_ok(fragment: str, ids: set[str]) -> bool:
    name = unquote(fragment)
    # "#top" always scrolls to the top; ":~:" starts a text fragment, not an id.
    return name in ids or fragment in ids or name.lower() == "top" or name.startswith(":~:")


def check_site(folder: Path, site_url: str | None = None) -> LinkReport:
    """Check every internal link of the built site in `folder`, hosted at `site_url`."""
    site = _Site(Path(folder), site_url)
    pages: dict[str, _PageParser] = {}
    for rel in sorted(f for f in site.files if f.endswith(".html")):
        parser = _PageParser(site.strings)
        parser.feed((site.folder / rel).read_text(encoding="utf-8", errors="replace"))
        parser.close()
        pages[rel] = parser
        site.ids[rel] = parser.ids

    results: list[BrokenLink | bool | None] = []
    html_files = len(pages)
    for rel in list(pages):
        page = pages.pop(rel)  # its links are not needed once checked
        base = site.url_of(rel)
        results += [site.check(rel, line, base, ref) for line, ref in page.links]
        if page.config:
            results += _check_material_config(site, rel, base, *page.config)
    for rel in sorted(f for f in site.files if f.endswith(".css")):
        text = (site.folder / rel).read_text(encoding="utf-8", errors="replace")
        results += [site.check(rel, text.count("\n", 0, m.start()) + 1, site.url_of(rel), m.group(2))
                    for m in CSS_URL.finditer(text) if not m.group(2).startswith("data:")]
    for rel in sorted(f for f in site.files if f.endswith(".xml")):
        results += _check_xml(site, rel)
    if "search/search_index.json" in site.files:
        results += _check_search_index(site, "search/search_index.json")

    broken = tuple(r for r in results if isinstance(r, BrokenLink))
    checked = sum(1 for r in results if r is not None)
    files = html_files + sum(1 for f in site.files if f.endswith((".css", ".xml", "search_index.json")))
    return LinkReport(files, checked, broken)


def _check_material_config(site: _Site, rel: str, base: str, line: int, text: str) -> list:
    """Material loads its search worker and the search index from these paths."""
    try:
        config = json.loads(text)
    except ValueError:
        return [BrokenLink(rel, line, "__config", "Material's page settings are not valid JSON")]
    refs = []
    if config.get("search"):  # the worker, which fetches the index from base
        refs += [config["search"], posixpath.join(config.get("base", "."), "search/search_index.json")]
    return [site.check(rel, line, base, ref) for ref in refs]


def _check_xml(site: _Site, rel: str) -> list:
    try:
        tree = ET.parse(site.folder / rel)
    except ET.ParseError as exc:
        return [BrokenLink(rel, exc.position[0], rel, f"not well-formed XML: {exc}")]
    results: list = []

    def walk(element: ET.Element, base: str) -> None:
        if XML_BASE in element.attrib:  # Atom content carries xml:base
            base = urljoin(base, element.attrib[XML_BASE])
        refs = [v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] in ("href", "src")]
        text = (element.text or "").strip()
        if text.startswith(site.origin + site.root) and " " not in text:
            refs.append(text)  # <loc>, <link>, <id>: absolute URLs of our pages
        elif _is_html(element):  # a feed entry's escaped HTML: readers follow its links
            refs += _html_links(site, text)
        results.extend(site.check(rel, None, base, ref) for ref in refs)
        for child in element:
            walk(child, base)

    walk(tree.getroot(), site.url_of(rel))
    return results


def _is_html(element: ET.Element) -> bool:
    """Atom text constructs say type="html"; RSS <description> and <content:encoded> are HTML."""
    return element.get("type") == "html" or element.tag.rsplit("}", 1)[-1] in ("description", "encoded")


def _html_links(site: _Site, text: str) -> tuple[str, ...]:
    # A paper's entry recurs in the feed of each of its tags; keyed by a digest, not the
    # text, so the cache does not hold every entry's HTML (~80 MB at 10,000 notes).
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    if key not in site.entry_links:
        page = _PageParser(site.strings)
        page.feed(text)
        site.entry_links[key] = tuple(ref for _, ref in page.links)
    return site.entry_links[key]


def _check_search_index(site: _Site, rel: str) -> list:
    try:
        docs = json.loads((site.folder / rel).read_text(encoding="utf-8"))["docs"]
    except (ValueError, KeyError, TypeError) as exc:
        return [BrokenLink(rel, None, rel, f"not a search index: {exc}")]
    # Locations are relative to the site root, wherever the index file is.
    root = site.url_of("")
    return [site.check(rel, None, root, doc.get("location", "")) for doc in docs]
