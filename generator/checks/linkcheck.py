"""Offline link check of a built site: every internal href/src must resolve to a
file, and every #fragment to an element id (or an <a name>) in that file.

Why our own code rather than a maintained checker (both were tried on a
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
standard library's HTML parser rules (see _scan): no network, each file read
once. A 10,000-note site (54 MB of HTML, 43 MB of feeds, a 28 MB search index,
274,623 links) is checked in under a second on two cores. What keeps it fast:
the scan stops only at tags that can hold a link or an id; each distinct link
is judged once, not once per page or feed entry it appears on (_Site.verdict);
a feed entry that recurs in several feeds is scanned and judged once; line
numbers are worked out only for broken links; and on a large site the feeds
and the search index are read in a second process while this one reads the
pages (_read_feeds_and_index): 1.3 s in one process.

What is checked, relative to the site root that `site_url`'s path maps to
(`https://example.org/newsletter/` → `/newsletter/` is the folder itself):
- HTML: href, src, srcset and poster on any element (links, stylesheets,
  scripts, images, <link rel=alternate> feeds, canonical URLs), and Material's
  search settings (the worker script and search/search_index.json);
- CSS: url(...) references;
- XML (sitemap, feeds): href attributes, URL texts under site_url, and the
  links inside feed entries' HTML (resolved against xml:base);
- search/search_index.json: every result location and its fragment; on a site
  built by Zensical, whose theme loads `search.json` from the site root instead
  (an export: mkdocs/export.py), that file and its locations.
A root-relative link that escapes the subpath (`/assets/x.css` for a site under
/newsletter/) is broken. Other hosts, mailto:, data: and the like are skipped.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.parsers import expat

from ..speed.background import can_fork, frozen_for_fork

URL_ATTRIBUTES = ("href", "src", "poster")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
XML_BASE = "http://www.w3.org/XML/1998/namespace}base"  # xml:base as expat names it (namespace_separator "}")
SEARCH_INDEX = "search/search_index.json"
ZENSICAL_INDEX = "search.json"  # where Zensical's theme fetches its index from (its `items`, not `docs`)
PARALLEL_BYTES = 8 << 20  # feeds and search index worth a second process (~0.1 s of work)
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


# --------------------------------------------------------------------------- HTML scan
#
# The scan follows html.parser's rules: comments are skipped, <script> and <style> hold
# raw text, names are case-insensitive, attribute values have their character references
# decoded, and a tag is `<name attributes>` with quotes balanced (_TAG). Most of a page is
# text, end tags and tags like <p> or <span class="x"> that hold neither a link nor an
# id; one regular expression (_SCAN) steps over all of those itself and stops only at a
# tag that may hold one, so Python sees ~250,000 matches on a 10,000-note site instead
# of 1.2 million tags (token by token, the scan took three times as long).
#
# A tag is stepped over (_SKIP) only if its name has no quote or "=" and each of its
# attributes is a bare name or name="value" / name='value' whose name does not end in
# id, name, href, src, set or poster: then html.parser would find the same end of tag
# and no id, <a name>, href, src, srcset or poster in it. _ONE reads the common tag
# whose only such attribute is one double-quoted id or href/src/poster. Any other tag
# (script, style, srcset, unquoted values, several links...) is matched by _TAG and its
# attributes parsed in Python (_attributes). So the scan finds what reading every tag
# with _TAG does, tested against the standard library's parser on random pages.
_NOT_RAW = r"(?![sS](?:[cC][rR][iI][pP][tT]|[tT][yY][lL][eE])(?![^\t\n\r\f />\x00]))"  # <script>, <style>
_NAME = r"""[a-zA-Z][^\t\n\r\f />\x00"'=]*+(?![^\t\n\r\f />\x00])"""  # the whole tag name, as _TAG reads it
_NOT_WANTED = (r"(?<![iI][dD])(?<![nN][aA][mM][eE])(?<![hH][rR][eE][fF])(?<![sS][rR][cC])"
               r"(?<![sS][eE][tT])(?<![pP][oO][sS][tT][eE][rR])")
# Attributes whose name before "=" ends in none of those (most names end in none of the
# letters d, e, f, c, t, r: class is let through on its last letter alone), or bare names.
_PLAIN = rf"""(?:[^>"'=]++|(?:(?<![\s=dDeEfFcCtTrR])|(?<![\s=]){_NOT_WANTED})=\s*+(?:"[^"]*+"|'[^']*+'))*+"""
_SKIP = (rf"""(?:</[^<]*+|<{_NOT_RAW}[a-zA-Z][^>"'=]*+>[^<]*+|<{_NOT_RAW}{_NAME}{_PLAIN}>[^<]*+"""
         r"""|<!--(?s:.*?)(?:-->|\Z)[^<]*+|<(?![a-zA-Z])[^<]*+)""")  # each with the text after it
_AFTER = r"""(?<=[\s"'/]"""  # an attribute name starts after a space, a quote or a slash
# After the one it reads, no attribute of those names at all, not even bare (the last one wins).
_WANTED_NAME = (r"""(?:[iI][dD]|[nN][aA][mM][eE]|[hH][rR][eE][fF]|[sS][rR][cC](?:[sS][eE][tT])?"""
                r"""|[pP][oO][sS][tT][eE][rR])(?![^\s/>"'=])""")
_REST = rf"""(?:\s++|/|(?!{_WANTED_NAME})[^\s/>"'=]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'))?)*+"""
_LINK_NAME = rf"""(?:{_AFTER}[hH][rR][eE][fF])|{_AFTER}[sS][rR][cC])|{_AFTER}[pP][oO][sS][tT][eE][rR]))"""
_ONE = (rf"""(<){_NOT_RAW}{_NAME}{_PLAIN}"""
        rf"""(?:{_AFTER}[iI][dD])=\s*+"([^"]*+)"|{_LINK_NAME}=\s*+"([^"]*+)"){_REST}>""")
_TAG = r"""<([a-zA-Z][^\t\n\r\f />\x00]*+)((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>"""
# Groups: 1 < of an _ONE tag, 2 its id, 3 its link; 4 and 5 name and attributes of any other
# tag. A "<" that starts no tag, and the end of the text, match with no group.
_SCAN = re.compile(rf"[^<]*+{_SKIP}*+(?:{_ONE}|{_TAG}|<|\Z)")
_ATTRIBUTE = re.compile(r"""([^\s/>"'=][^\s/>=]*)(?:\s*=+\s*("[^"]*"|'[^']*'|(?!['"])[^>\s]*))?""")
_RAW_END = {"script": re.compile(r"</script[\s/>]", re.I), "style": re.compile(r"</style[\s/>]", re.I)}
_SELF_CLOSING = re.compile(r"""(?:^|[\s"'])/\s*$""")  # not `src=x/`: an unquoted value keeps its slash
_WANTED = re.compile(r"(?:id|name|href|src|srcset|poster)\s*=", re.I)


def _scan(text: str, starts: list[int] | None = None) -> tuple[set[str], list[str], tuple[int, str] | None]:
    """The ids (and <a name>s) of a page, its links in order, and Material's
    <script id="__config"> JSON with its offset. `starts` gets each link's tag offset."""
    ids: set[str] = set()
    links: list[str] = []
    config = None
    pos = 0
    while True:
        for m in _SCAN.finditer(text, pos):
            kind = m.lastindex
            if kind == 3:  # nearly every match
                link = m.group(3)
                links.append(unescape(link) if "&" in link else link)
                if starts is not None:
                    starts.append(m.start(1))
            elif kind == 2:
                if value := m.group(2):
                    ids.add(unescape(value) if "&" in value else value)
            elif kind == 5:
                tag, attributes, start = m.group(4).lower(), m.group(5), m.start(4) - 1
                values = _attributes(attributes) if _WANTED.search(attributes) else {}
                if values.get("id"):
                    ids.add(values["id"])
                if tag == "a" and values.get("name"):
                    ids.add(values["name"])
                found = [values[name] for name in URL_ATTRIBUTES if values.get(name) is not None]
                if values.get("srcset"):
                    found += [item.split()[0] for item in values["srcset"].split(",") if item.strip()]
                links += found
                if starts is not None:
                    starts += [start] * len(found)
                if tag in _RAW_END and not _SELF_CLOSING.search(attributes):  # raw text up to its end tag
                    end = _RAW_END[tag].search(text, m.end())
                    stop = end.start() if end else len(text)
                    if tag == "script" and values.get("id") == "__config" and stop > m.end():
                        config = (start, text[m.end():stop])
                    pos = stop
                    break  # go on after the raw text
        else:
            return ids, links, config


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


def _elsewhere(ref: str, host: str) -> bool:
    """A link to another site or scheme (mailto:, data:), whatever the page it is on."""
    other = _OTHER_SITE.match(ref)
    return bool(other and (other.group(1) is None or other.group(1).lower() != host) and not _UNSAFE.search(ref))


# --------------------------------------------------------------------------- feeds and search index

def _read_feeds_and_index(folder: Path, xml_files: list[str], site_url: str, host: str,
                          index_file: str = SEARCH_INDEX) -> tuple[dict, dict, object]:
    """What the XML files and the search index hold, read apart from the pages (in
    another process when worth it), to be judged once every page's ids are known:
    - per XML file, its links in document order as (base URL, link) or (base URL,
      digest of a feed entry's HTML), or a BrokenLink saying it is not XML;
    - the links of each feed entry, by digest (other sites left out);
    - the search index's locations, a BrokenLink saying it is not one, or None."""
    entries: dict[bytes, tuple[str, ...]] = {}
    xml = {rel: _xml_links(folder, rel, site_url, host, entries) for rel in xml_files}
    index = None
    if (folder / index_file).is_file():
        try:
            docs = json.loads((folder / index_file).read_text(encoding="utf-8"))
            docs = docs["docs"] if index_file == SEARCH_INDEX else docs["items"]
            index = [doc.get("location", "") for doc in docs]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            index = BrokenLink(index_file, None, index_file, f"not a search index: {exc}")
    return xml, entries, index


def _xml_links(folder: Path, rel: str, site_url: str, host: str, entries: dict[bytes, tuple[str, ...]]):
    """Links in attributes named href or src, element texts that are URLs under site_url
    (<loc>, <id>, <uri>), and feed entries' HTML, each with its xml:base. Parsed by expat
    with a handler per element, without building a tree: ElementTree's parser spent most
    of its time joining the entries' text from the pieces expat hands over between escapes."""
    links: list[tuple[str, str | bytes]] = []
    open_elements: list[list] = []  # [base, text pieces (None once the first child starts), HTML?]

    def text_done(element: list) -> None:
        base, pieces, is_html = element
        element[1] = None
        text = "".join(pieces).strip()  # the text before the first child, as ElementTree's .text
        if text.startswith(site_url) and " " not in text:
            links.append((base, text))  # <loc>, <link>, <id>: absolute URLs of our pages
        elif is_html:  # a feed entry's escaped HTML: readers follow its links
            # A paper's entry recurs in the feed of each of its tags: scanned once, keyed by a
            # digest, not the text, so the cache does not hold every entry's HTML (~80 MB).
            key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
            if key not in entries:
                entries[key] = tuple(ref for ref in _scan(text)[1] if not _elsewhere(ref, host))
            links.append((base, key))

    def start(tag: str, attributes: dict[str, str]) -> None:
        if open_elements:
            parent = open_elements[-1]
            if parent[1] is not None:
                text_done(parent)
            base = parent[0]
        else:
            base = site_url + rel
        if attributes:
            if XML_BASE in attributes:  # Atom content carries xml:base
                base = urljoin(base, attributes[XML_BASE])
            links.extend((base, value) for name, value in attributes.items()
                         if name in ("href", "src") or name.endswith(("}href", "}src")))
        # Atom text constructs say type="html"; RSS <description> and <content:encoded> are HTML.
        is_html = (attributes.get("type") == "html" or tag.endswith(("}description", "}encoded"))
                   or tag in ("description", "encoded"))
        open_elements.append([base, [], is_html])

    def end(tag: str) -> None:
        element = open_elements.pop()
        if element[1] is not None:
            text_done(element)

    def data(text: str) -> None:
        if open_elements and (pieces := open_elements[-1][1]) is not None:
            pieces.append(text)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True  # text in large pieces, not split at every &lt;
    parser.buffer_size = 1 << 16
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
    try:
        parser.Parse((folder / rel).read_bytes(), True)
    except expat.ExpatError as exc:
        return BrokenLink(rel, exc.lineno, rel, f"not well-formed XML: {exc}")
    return links


def _in_parallel(workers: int | None, nbytes: int) -> bool:
    if workers == 1 or not can_fork():
        return False
    return workers is not None or (nbytes >= PARALLEL_BYTES and (os.cpu_count() or 1) > 1)


# --------------------------------------------------------------------------- resolving links

_ANY = object()  # a verdict not worked out yet
_NO_FOLDER = 1 << 30  # more folders than any base climbs: the link is judged against the page itself


class _Base:
    """A URL links are resolved against, and the folders above it inside the site."""

    def __init__(self, url: str, site_root_url: str):
        self.url = url
        self.dirs: tuple[str, ...] = ()  # its folder, the folder above ... up to the site root
        if url.startswith(site_root_url) and not any(c in url for c in "?#"):
            parts = url[len(site_root_url):].split("/")[:-1]
            self.dirs = tuple(site_root_url + "".join(p + "/" for p in parts[:len(parts) - up])
                              for up in range(len(parts) + 1))


class _Site:
    """The folder as a web server would serve it under `site_url`."""

    def __init__(self, folder: Path, site_url: str | None):
        self.folder = folder
        parts = urlsplit(site_url or "")
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else FAKE_ORIGIN
        self.host = urlsplit(self.origin).netloc.lower()
        self.root = parts.path if parts.path.endswith("/") else parts.path + "/"  # "/" or "/newsletter/"
        self.files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        # Material's index, unless the site has none but Zensical's
        zensical = SEARCH_INDEX not in self.files and ZENSICAL_INDEX in self.files
        self.index_file = ZENSICAL_INDEX if zensical else SEARCH_INDEX
        self.dirs = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}
        self.ids: dict[str, set[str]] = {}
        self.entries: dict[tuple[bytes, str], tuple[int, tuple[tuple[str, str], ...]]] = {}
        self._bases: dict[str, _Base] = {}
        self._how: dict[str, tuple[int, str] | str | None | bool] = {}
        self._verdicts: dict[tuple[str, str], str | None | bool] = {}
        self._resolved: dict[tuple[str, str], tuple[str | None, str, str | None]] = {}
        self.checked = 0
        self.broken: list[BrokenLink] = []

    def url_of(self, rel_file: str) -> str:
        return f"{self.origin}{self.root}{rel_file}"

    def base(self, url: str) -> _Base:
        if url not in self._bases:
            self._bases[url] = _Base(url, self.url_of(""))
        return self._bases[url]

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

    def verdict(self, base: _Base, ref: str) -> str | None | bool:
        """The reason `ref` is broken, True if it resolves, None if it is not ours to check.

        Each distinct link is judged once, not once per page: resolving it depends only
        on the folder it climbs to, so `../../tags/nlp/` is judged once for all pages two
        folders deep, `#x` once per page, and a link to another site, a root-relative one
        or a URL under site_url once for the whole site."""
        if not base.dirs:  # a base outside the site (an odd xml:base): no shortcut
            return None if _elsewhere(ref, self.host) else self._judged(base.url, ref)
        how = self._how.get(ref, _ANY)
        if how is _ANY:
            how = self._how[ref] = self._classify(ref)
        if how.__class__ is not tuple:
            return how  # the same verdict from anywhere on the site
        up, rest = how
        if up < len(base.dirs):
            return self._judged(base.dirs[up], rest)
        return self._judged(base.url, ref)

    def _classify(self, ref: str) -> tuple[int, str] | str | None | bool:
        """(folders climbed, the rest of the link) for a link relative to a folder, or
        the verdict itself for one that resolves the same from every page."""
        if _elsewhere(ref, self.host):  # most links go to papers elsewhere
            return None
        if not ref or ref[0] in "#?" or ref != ref.strip() or _UNSAFE.search(ref):
            return (_NO_FOLDER, ref)  # the page itself, or a link worth no shortcut
        if ref[0] == "/" or ref.startswith(("http://", "https://")):
            return self._judged(self.url_of(""), ref)
        up = 0
        while ref.startswith("../", 3 * up):
            up += 1
        # With the page's folder a clean path, joining `../` * up + rest to it is joining
        # rest to the folder `up` levels higher (RFC 3986 removes dot segments left to right).
        return (up, ref[3 * up:])

    def _judged(self, base_url: str, ref: str) -> str | None | bool:
        key = (base_url, ref)
        verdict = self._verdicts.get(key, _ANY)
        if verdict is _ANY:
            verdict = self._verdicts[key] = self._verdict(base_url, ref)
        return verdict

    def check(self, source: str, line: int | None, base: _Base, ref: str) -> None:
        verdict = self.verdict(base, ref)
        if verdict is not None:
            self.checked += 1
            if verdict is not True:
                self.broken.append(BrokenLink(source, line, ref, verdict))

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


# --------------------------------------------------------------------------- the site


def check_site(folder: Path, site_url: str | None = None, workers: int | None = None) -> LinkReport:
    """Check every internal link of the built site in `folder`, hosted at `site_url`.
    `workers`: 1 reads everything in this process, 2 the feeds and the search index in
    a second one, None (default) the same when they are large enough to be worth it."""
    site = _Site(Path(folder), site_url)
    xml_files = sorted(f for f in site.files if f.endswith(".xml"))
    feeds_job = (site.folder, xml_files, site.url_of(""), site.host, site.index_file)
    nbytes = sum((site.folder / f).stat().st_size for f in [*xml_files, site.index_file] if f in site.files)
    pool = None
    if _in_parallel(workers, nbytes):
        with frozen_for_fork():
            pool = multiprocessing.get_context("fork").Pool(1)
    try:
        feeds = pool.apply_async(_read_feeds_and_index, feeds_job) if pool else None
        html_files = _check_pages(site)
        for rel in sorted(f for f in site.files if f.endswith(".css")):
            text = (site.folder / rel).read_text(encoding="utf-8", errors="replace")
            base = site.base(site.url_of(rel))
            for m in CSS_URL.finditer(text):
                if not m.group(2).startswith("data:"):
                    site.check(rel, text.count("\n", 0, m.start()) + 1, base, m.group(2))
        xml, entries, index = feeds.get() if feeds else _read_feeds_and_index(*feeds_job)
    finally:
        if pool:
            pool.terminate()
            pool.join()
    for rel in xml_files:
        _check_xml(site, rel, xml[rel], entries)
    if isinstance(index, BrokenLink):
        site.broken.append(index)
    elif index is not None:
        root = site.base(site.url_of(""))  # locations are relative to the site root, wherever the index is
        for location in index:
            site.check(site.index_file, None, root, location)

    files = html_files + sum(1 for f in site.files if f.endswith((".css", ".xml")) or f == site.index_file)
    return LinkReport(files, site.checked, tuple(site.broken))


def _check_pages(site: _Site) -> int:
    """Every page's ids first (a link may point into any page), with its links counted
    by value: a page repeats the same navigation and tag links hundreds of times."""
    pages: dict[str, tuple[Counter[str], tuple[int, str] | None]] = {}
    for rel in sorted(f for f in site.files if f.endswith(".html")):
        text = (site.folder / rel).read_text(encoding="utf-8", errors="replace")
        site.ids[rel], links, config = _scan(text)
        pages[rel] = Counter(links), config

    html_files = len(pages)
    for rel in list(pages):
        counts, config = pages.pop(rel)  # its links are not needed once checked
        base = site.base(site.url_of(rel))
        any_broken = False
        for ref, n in counts.items():
            verdict = site.verdict(base, ref)
            if verdict is not None:
                site.checked += n
                any_broken = any_broken or verdict is not True
        if any_broken:
            site.broken += _broken_in_page(site, rel, base)
        if config:
            _check_material_config(site, rel, base, *config)
    return html_files


def _broken_in_page(site: _Site, rel: str, base: _Base) -> list[BrokenLink]:
    """A page's broken links in order, with their lines: read and scanned again, which
    only a page with a broken link costs."""
    text = (site.folder / rel).read_text(encoding="utf-8", errors="replace")
    starts: list[int] = []
    _, links, _ = _scan(text, starts)
    broken, line, counted = [], 1, 0
    for ref, start in zip(links, starts):
        verdict = site.verdict(base, ref)
        if verdict is not None and verdict is not True:
            line += text.count("\n", counted, start)
            counted = start
            broken.append(BrokenLink(rel, line, ref, verdict))
    return broken


def _check_material_config(site: _Site, rel: str, base: _Base, offset: int, text: str) -> None:
    """Material loads its search worker and the search index from these paths."""

    def line() -> int:  # of the <script>, near the end of the page: counted only if needed
        return (site.folder / rel).read_text(encoding="utf-8", errors="replace").count("\n", 0, offset) + 1

    try:
        config = json.loads(text)
    except ValueError:
        site.broken.append(BrokenLink(rel, line(), "__config", "Material's page settings are not valid JSON"))
        return
    if config.get("search"):  # the worker, which fetches the index from base
        for ref in (config["search"], posixpath.join(config.get("base", "."), site.index_file)):
            verdict = site.verdict(base, ref)
            if verdict is not None:
                site.checked += 1
                if verdict is not True:
                    site.broken.append(BrokenLink(rel, line(), ref, verdict))


def _check_xml(site: _Site, rel: str, links, entries: dict[bytes, tuple[str, ...]]) -> None:
    if isinstance(links, BrokenLink):
        site.broken.append(links)
        return
    for base_url, link in links:
        base = site.base(base_url)
        if link.__class__ is str:
            site.check(rel, None, base, link)
            continue
        # A feed entry, judged once wherever it recurs (each tag feed of a paper).
        key = (link, base_url)
        if key not in site.entries:
            verdicts = [(ref, site.verdict(base, ref)) for ref in entries[link]]
            site.entries[key] = (sum(v is not None for _, v in verdicts),
                                 tuple((ref, v) for ref, v in verdicts if v is not None and v is not True))
        checked, broken = site.entries[key]
        site.checked += checked
        site.broken += [BrokenLink(rel, None, ref, reason) for ref, reason in broken]
