"""Stage 1, bodies: what in a note's (or an issue's) Markdown would break the digest or
lead nowhere, reported against the file's own line rather than the built page.

Every note's body is pasted into its month's digest, so one unclosed `<div>` swallows
the next paper's heading, and one stray `</div>` closes the theme's own container. The
scan is a light one over the Markdown text (code blocks, code spans, comments and
backslash escapes taken out first, as Python-Markdown would leave them literal):

- raw HTML whose tags do not pair up (elements whose end tag HTML makes optional,
  such as `<p>` and `<li>`, and void ones such as `<br>` are left alone);
- a link or image, in Markdown or in a raw `href`/`src`, to `javascript:`, `vbscript:`
  or `data:` (the scheme as a browser reads it: entities decoded, spaces dropped);
- relative links (`links`), checked across files by `dead_links`: the target must be a
  file under content/ or a page the generator makes, resolved from the digest
  (`issues/YYYY-MM.md`) as MkDocs resolves them.

Pure functions over text; the reader calls them once per file.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from ..model import IssueMeta, Note, Problem

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# End tags HTML lets an editor leave out: not worth an error in a note.
OPTIONAL_END = frozenset("p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rt rp".split())
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/?)>""")
_ATTRIBUTE = re.compile(r"""(?:^|\s)(href|src|action|formaction|poster|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
                        re.IGNORECASE)
# [text](destination "title") and ![alt](destination); [text] may hold one level of brackets.
_INLINE_LINK = re.compile(r"!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)")
_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(<[^<>\n]*>|\S+)", re.MULTILINE)
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d+[.)])(?:\s|$)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # with match(): at the start (or at pos)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")




def _blank(text: str) -> str:
    """The same text with every character but newlines made a space (offsets and lines kept)."""
    return "\n".join(" " * len(part) for part in text.split("\n"))


def literal_parts_removed(body: str) -> str:
    """The body with what Markdown shows literally blanked out: fenced and indented code
    blocks, code spans, backslash-escaped `<`. Same length, same lines."""
    lines = body.split("\n")
    out: list[str] = []
    fence: str | None = None
    previous_blank, in_list, in_code = True, False, False
    for line in lines:
        match = _FENCE.match(line)
        stripped = line.strip()
        if fence is not None:
            out.append(_blank(line))
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and stripped == match.group(1):
                fence = None
            continue
        if match:
            fence = match.group(1)
            out.append(_blank(line))
            continue
        indented = line.startswith(("    ", "\t"))
        if stripped and not indented:
            in_code = False
            in_list = bool(_LIST_ITEM.match(line)) or (in_list and not previous_blank)  # a lazy continuation line
        elif indented and stripped and previous_blank and not in_list:
            in_code = True  # an indented code block starts after a blank line, outside a list
        out.append(_blank(line) if in_code else line)
        previous_blank = not stripped
    text = "\n".join(out)
    text = _CODE_SPAN.sub(lambda m: _blank(m.group(0)), text)
    return text.replace("\\<", "  ")


def _line(first_line: int, text: str, offset: int) -> int:
    return first_line + text.count("\n", 0, offset)


def unsafe_scheme(destination: str) -> str | None:
    """'javascript:' (or vbscript:, data:) if a browser would read the link so, else None."""
    cleaned = _CONTROL.sub("", html.unescape(destination.strip().strip("<>"))).lower()
    return next((scheme for scheme in UNSAFE_SCHEMES if cleaned.startswith(scheme)), None)


def check_body(body: str, first_line: int, rel: str) -> list[Problem]:
    """Raw HTML that does not pair up and links that run code, each on its own line."""
    # Nearly every note has no raw HTML, no entity and no link that could run code: it is
    # decided here, without the scan (a tenth of reading 10,000 notes otherwise).
    if "<" not in body and "&" not in body:
        lowered = body.lower()
        if "script" not in lowered and "data:" not in lowered:
            return []
    problems: list[Problem] = []
    text = literal_parts_removed(body)
    unclosed = text.find("<!--")
    while unclosed >= 0:
        end = text.find("-->", unclosed + 4)
        if end < 0:
            problems.append(Problem(rel, _line(first_line, text, unclosed),
                                    "unclosed HTML comment '<!--': it would hide the rest of the digest; add '-->'"))
            text = text[:unclosed]
            break
        text = text[:unclosed] + _blank(text[unclosed:end + 3]) + text[end + 3:]
        unclosed = text.find("<!--", unclosed)
    problems += _tags(text, first_line, rel)
    problems += [Problem(rel, line, message) for line, message in _unsafe_links(text, first_line)]
    return sorted(problems, key=lambda p: p.line or 0)


def _tags(text: str, first_line: int, rel: str) -> list[Problem]:
    problems: list[Problem] = []
    if "<" not in text:
        return problems
    open_tags: list[tuple[str, int]] = []  # (name, line)
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(4)
        line = _line(first_line, text, match.start())
        if name in VOID or name in OPTIONAL_END or (self_closing and not closing):
            continue
        if not closing:
            open_tags.append((name, line))
            continue
        if open_tags and open_tags[-1][0] == name:
            open_tags.pop()
        elif any(open_name == name for open_name, _ in open_tags):
            while open_tags[-1][0] != name:
                inner, opened = open_tags.pop()
                problems.append(Problem(rel, opened, f"raw HTML <{inner}> is not closed before </{name}> on line {line}; "
                                                     f"add </{inner}> where it ends"))
            open_tags.pop()
        else:
            problems.append(Problem(rel, line, f"stray </{name}>: no <{name}> is open here; it would close the page's own "
                                               f"<{name}> in the digest; remove it"))
    for name, opened in open_tags:
        problems.append(Problem(rel, opened, f"raw HTML <{name}> is never closed: in the digest it would swallow what "
                                             f"follows, the next paper's heading included; add </{name}>"))
    return problems


def _destinations(text: str, first_line: int, raw_html: bool = True):
    """(line, destination) of every Markdown link, image, reference and raw href/src."""
    if "](" in text:
        for match in _INLINE_LINK.finditer(text):
            yield _line(first_line, text, match.start(1)), match.group(1).strip("<>")
    if "]:" in text:
        for match in _REFERENCE.finditer(text):
            yield _line(first_line, text, match.start(1)), match.group(1).strip("<>")
    if raw_html and "=" in text and "<" in text:
        for tag in _TAG.finditer(text):
            if tag.group(1) or not tag.group(3):
                continue
            for attribute in _ATTRIBUTE.finditer(tag.group(3)):
                value = next(v for v in attribute.group(2, 3, 4) if v is not None)
                yield _line(first_line, text, tag.start()), value


def _unsafe_links(text: str, first_line: int):
    for line, destination in _destinations(text, first_line):
        scheme = unsafe_scheme(destination)
        if scheme == "data:":
            yield line, ("a 'data:' link or image: embedded documents are not published; put the file in content/assets/ "
                         "and link it as ../assets/<name>")
        elif scheme:
            yield line, f"a '{scheme}' link runs code in the reader's browser and is not published; link an http(s) page instead"


@functools.lru_cache(maxsize=1 << 15)  # `serve` checks every body on each save; forget() clears it
def links(body: str, first_line: int) -> tuple[tuple[int, str], ...]:
    """(line, destination) of the relative links in a body (no scheme, not only a #fragment)."""
    if "](" not in body and "]:" not in body and "=" not in body:
        return ()
    if not _maybe_relative(body):
        return ()  # the usual case (every link has a scheme), decided without a scan
    text = literal_parts_removed(body)
    text = _COMMENT.sub(lambda m: _blank(m.group(0)), text)
    found = []
    for line, destination in _destinations(text, first_line):
        if _relative(destination):
            found.append((line, destination.strip()))
    return tuple(sorted(found, key=lambda item: item[0]))


def _maybe_relative(body: str) -> bool:
    """Could any link destination in the body be relative? str.find over the few places a
    destination starts (a regex over every position was a second at 10,000 notes)."""
    if "<" in body and "=" in body:
        return True  # raw HTML attributes: leave it to the scan
    for marker in ("](", "]:"):
        at = body.find(marker)
        while at >= 0:
            end = at + 2
            while end < len(body) and body[end] in " \t<":
                end += 1
            if end < len(body) and body[end] not in "#/?)>\n" and not _SCHEME.match(body, end):
                return True
            at = body.find(marker, end)
    return False


def _relative(destination: str) -> bool:
    destination = destination.strip()
    return bool(destination) and not destination.startswith(("#", "/", "?")) and not _SCHEME.match(destination)


def dead_links(notes: list[Note], issues: list[IssueMeta], tag_slugs: set[str], content_dir: Path,
               cache: dict[str, bool] | None = None) -> list[Problem]:
    """Relative links in note and issue bodies whose target is neither a file under content/
    (outside notes/, which is not published as files) nor a page the generator makes."""
    months = {n.month for n in notes} | {i.month for i in issues}
    generated = {"index.md", "issues/index.md", "tags/index.md", "feed.xml"}
    generated |= {f"issues/{m}.md" for m in months} | {f"tags/{s}.md" for s in tag_slugs} | {f"tags/{s}/feed.xml" for s in tag_slugs}
    exists = {} if cache is None else cache
    problems = []
    sources = [(n.path, n.month, n.body, n.body_line) for n in notes] + [(i.path, i.month, i.body, i.body_line) for i in issues]
    for rel, month, body, first_line in sources:
        for line, destination in links(body, first_line or 1):
            target = _target(destination, month)
            if target is None or target in generated or target.removesuffix(".md") + "/index.md" in generated:
                continue
            if target not in exists:  # a file, or a folder's index page (a URL-style link to a folder)
                exists[target] = not target.startswith(("notes/", "../")) and target != ".." and (
                    (content_dir / target).is_file() or (content_dir / target.removesuffix(".md") / "index.md").is_file())
            if not exists[target]:
                problems.append(Problem(rel, line, f"relative link {destination!r} leads nowhere: from the digest "
                                                   f"(issues/{month}.md) it points at {target}, which is no file in "
                                                   f"{content_dir.name}/ and no generated page; fix the path "
                                                   f"(assets: ../assets/<name>; another issue: {month[:4]}-MM.md#<slug>)",
                                        "warning"))
    return problems


def _target(destination: str, month: str) -> str | None:
    """The docs path a relative link names from the digest issues/<month>.md, or None when
    it cannot be told (a link outside the docs folder is reported as given)."""
    path = destination.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return None
    path = unquote(path)
    if path.endswith("/") or "." not in posixpath.basename(path):
        # A URL-style link (../2021-03/): the browser resolves it from the page's URL issues/<month>/.
        target = posixpath.normpath(posixpath.join(f"issues/{month}", path))
        target = "" if target == "." else target
        return "index.md" if target == "" else f"{target}.md" if not target.startswith("..") else target
    return posixpath.normpath(posixpath.join("issues", path))
