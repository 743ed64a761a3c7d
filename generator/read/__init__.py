"""Stage 1: read notes, issues and the tag vocabulary from disk, and validate them.

The only stage that touches the file system. Every file is either turned into a
Note / IssueMeta or reported as a Problem that names the file, the line and the
field, and says how to fix it. Nothing is dropped silently and nothing raises:
a bad file never stops the others from loading.

Reading is one pass over the files in a fixed order (an unknown tag's warnings
depend on the files read before), with memos of parsed front matter and checked
notes that `serve` reuses on each save. Loading YAML is most of the time, so on a
large site forked workers parse and check shares of the notes not read before while
the pass reads the first share, and only fill those memos (see `_ReadAhead`): the
pass gives what it gives without them.

May import: model, slugs, speed. No later stage, not MkDocs.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import difflib
import gc
import hashlib
import io
import multiprocessing
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

import yaml
from frontmatter.default_handlers import YAMLHandler

from ..speed.background import can_fork, cores, frozen_for_fork
from ..model import LINK_KINDS, Content, IssueMeta, Link, Note, Problem, Tag
from ..slugs import is_note_slug, slugify

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOTE_FIELDS = ("title", "url", "authors", "tags", "section", "date", *LINK_KINDS, "issue", "draft")
ISSUE_FIELDS = ("title", "summary", "sections", "draft")
_YAML = YAMLHandler()  # python-frontmatter's YAML handler (uses PyYAML's C loader when present)
# A plain http(s) URL with a host and no spaces: what the exact check below accepts, decided
# without urlsplit for nearly every URL (brackets, an IPv6 host, are left to urlsplit).
_PLAIN_URL = re.compile(r"[hH][tT][tT][pP][sS]?://[^\s/?#\[\]]+(?:[/?#]\S*)?\Z")
_SPACE = re.compile(r"\s")  # what str.isspace() is true for


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The loader python-frontmatter uses, minus the constructor's bookkeeping for text:
    a scalar tagged as text is its own value, as SafeConstructor makes it (a fifth of
    loading a note's YAML went into that bookkeeping)."""

    def construct_object(self, node, deep=False):
        if node.tag == "tag:yaml.org,2002:str" and type(node) is yaml.ScalarNode:
            return node.value
        return super().construct_object(node, deep)


# --------------------------------------------------------------------------- files


@dataclass
class SourceFile:
    path: str  # to open: the folder walked, joined with the names below it
    rel: str  # relative to the project root, forward slashes
    folder: str = ""  # folders between the one walked and the file, forward slashes ("" if directly in it)

    @property
    def name(self) -> str:
        return self.rel.rpartition("/")[2]

    @property
    def stem(self) -> str:
        return os.path.splitext(self.name)[0]


def _rel(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def _within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def walk_markdown(folder: Path, root: Path, content_root: Path) -> list[SourceFile | Problem]:
    """Every .md file below `folder`, sorted, following no link out of content/, and the
    problems with links met on the way, in the order met (in each folder: its links to
    folders, its files, then its folders).

    Paths are joined as strings and each entry's type comes from the directory listing:
    pathlib per file was a sixth of reading 10,000 notes."""
    found: list[SourceFile | Problem] = []
    base = _rel(folder, root)
    prefix = "" if base == "." else base if base.endswith("/") else base + "/"
    real_content: Path | None = None
    pending = [(os.fspath(folder), "")]  # (path to list, its rel below `folder`); a stack, popped in order
    while pending:
        here, below = pending.pop()
        try:
            with os.scandir(here) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable folder: skipped, as os.walk does
        folders, files = [], []  # links to folders are reported before the files, as os.walk lists them
        for entry in entries:
            name = entry.name
            rel = f"{prefix}{below}{name}"
            try:
                is_dir = entry.is_dir()  # follows symlinks, as os.walk does
            except OSError:
                is_dir = False
            if is_dir:
                if entry.is_symlink():
                    target = Path(entry.path).resolve()
                    real_content = real_content or content_root.resolve()
                    if not _within(target, real_content):
                        found.append(Problem(rel, 1, f"symlink to a folder outside {content_root.name}/ ({target.name}); copy the files in instead"))
                    else:
                        found.append(Problem(rel, 1, "symlinked folder is not read; move the notes here instead of linking", "warning"))
                elif not name.startswith("."):
                    folders.append((entry.path, f"{below}{name}/"))
                continue
            if not name.endswith(".md") or name.startswith("."):
                continue  # images, editor backups, .DS_Store: not notes
            if entry.is_symlink():
                target = Path(entry.path).resolve()
                real_content = real_content or content_root.resolve()
                if not _within(target, real_content):
                    files.append(Problem(rel, 1, f"symlink to a file outside {content_root.name}/; copy the file in instead"))
                    continue
                if not target.is_file():
                    files.append(Problem(rel, 1, "broken symlink: its target does not exist"))
                    continue
            files.append(SourceFile(entry.path, rel, below[:-1]))
        found += files
        pending.extend(reversed(folders))
    return found


def links_leaving(content_root: Path, root: Path, skip: tuple[Path, ...]) -> list[Problem]:
    """Symlinks anywhere else in content/ (assets, extra pages) that point outside it:
    the site engine would follow them and publish whatever they point at."""
    problems: list[Problem] = []
    real_content = content_root.resolve()
    for dirpath, dirnames, filenames in os.walk(content_root):
        here = Path(dirpath)
        if here in skip:
            dirnames[:] = []  # walk_markdown reports these
            continue
        for name in sorted(dirnames + filenames):
            path = here / name
            if path.is_symlink() and not _within(path.resolve(), real_content):
                problems.append(Problem(_rel(path, root), 1, f"symlink to something outside {content_root.name}/; "
                                        "copy it in instead (it is not published)"))
        dirnames.sort()
    return problems


def read_text(source: SourceFile) -> tuple[str | None, Problem | None]:
    try:
        with open(source.path, "rb") as file:
            data = file.read()
    except OSError as exc:
        return None, Problem(source.rel, 1, f"cannot read the file ({exc.strerror})")
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        return None, Problem(source.rel, line, "binary file, not a Markdown note; remove it or give it another extension")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(source.rel, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); save the file as UTF-8")


# -------------------------------------------------------------------- front matter


@dataclass
class FrontMatter:
    """Parsed front matter, with a lazy map from field name to its line."""

    meta: dict[str, Any]
    body: str
    yaml_text: str
    first_line: int  # 1-based line of the opening ---
    _lines: dict[str, tuple[int, str]] | None = field(default=None, repr=False)

    def line_of(self, key: str) -> int:
        return self._locate().get(key, (self.first_line, ""))[0]

    def raw(self, key: str) -> str:
        """The value as written in the file (for hints like `write title: "Yes"`)."""
        return self._locate().get(key, (0, ""))[1]

    def _locate(self) -> dict[str, tuple[int, str]]:
        # Composing the YAML a second time is only done when a problem is reported.
        if self._lines is None:
            self._lines = {}
            node = yaml.compose(self.yaml_text, Loader=yaml.SafeLoader)
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    raw = value_node.value if isinstance(value_node, yaml.ScalarNode) else ""
                    self._lines[str(key_node.value)] = (key_node.start_mark.line + self.first_line, raw)
        return self._lines


def parse_front_matter(text: str, rel: str) -> tuple[FrontMatter | None, Problem | None]:
    """Split and load a file's front matter. Memoised per file on a digest of the
    text: YAML loading is most of the reading time, and `serve` re-reads every
    note on each save."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    known = _PARSED.get(rel)
    if known is not None and known[0] == digest:
        return known[1]
    result = _parse_front_matter(text, rel)
    _PARSED[rel] = (digest, result)
    return result


_PARSED: dict[str, tuple[bytes, tuple[FrontMatter | None, Problem | None]]] = {}


def _parse_front_matter(text: str, rel: str) -> tuple[FrontMatter | None, Problem | None]:
    stripped = text.lstrip()
    first_line = text[: len(text) - len(stripped)].count("\n") + 1
    if not _YAML.detect(stripped):
        return None, Problem(rel, 1, "no front matter: the file must start with a line '---', then the fields, then '---'")
    parts = _YAML.FM_BOUNDARY.split(stripped, 2)
    if len(parts) < 3:
        return None, Problem(rel, first_line, "front matter is not closed: add a line '---' after the last field")
    _, yaml_text, body = parts
    try:
        meta = _YAML.load(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        what = exc.problem or exc.context or "invalid YAML"
        start = exc.context_mark
        if exc.problem and exc.context and start and mark and start.line != mark.line:
            # e.g. an unclosed [ list: say where it was opened, not only where parsing gave up
            what += f" ({exc.context} started on line {start.line + first_line})"
        if mark and "mapping values are not allowed" in what:
            what += _quote_hint(yaml_text, mark.line)
        return None, Problem(rel, line, f"invalid YAML in front matter: {what}")
    except yaml.YAMLError as exc:
        return None, Problem(rel, first_line, f"invalid YAML in front matter: {exc}")
    except ValueError as exc:  # PyYAML builds dates while loading: 2021-02-30 raises here
        return None, _bad_timestamp(yaml_text, first_line, rel, exc)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, Problem(rel, first_line + 1, f"front matter must be fields like 'title: ...', got {describe(meta)}")
    return FrontMatter(meta, body.strip("\n"), yaml_text, first_line), None


def _quote_hint(yaml_text: str, index: int) -> str:
    """The usual cause: an unquoted value with ': ' in it (title: GANs: a survey)."""
    lines = yaml_text.split("\n")
    key, _, value = (lines[index] if index < len(lines) else "").partition(":")
    if not value.strip() or not key.strip() or key.startswith((" ", "-")):
        return ""
    quoted = value.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f"; a value containing ': ' must be quoted (write {key.strip()}: \"{quoted}\")"


def _bad_timestamp(yaml_text: str, first_line: int, rel: str, exc: Exception) -> Problem:
    node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if value_node.tag == "tag:yaml.org,2002:timestamp":
                try:
                    dt.date.fromisoformat(value_node.value[:10])
                except ValueError as bad:
                    line = key_node.start_mark.line + first_line
                    return Problem(rel, line, f"'{key_node.value}': {value_node.value} is not a valid date ({bad}); write YYYY-MM-DD")
    return Problem(rel, first_line, f"invalid value in front matter: {exc}")


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


# ----------------------------------------------------------------------- validation


class FieldChecker:
    """Collects problems for one file's fields; each check returns a clean value or None."""

    def __init__(self, fm: FrontMatter, rel: str):
        self.fm = fm
        self.rel = rel
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.rel, self.fm.line_of(key), f"'{key}': {message}", severity))  # type: ignore[arg-type]

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def unknown_fields(self, known: tuple[str, ...]) -> None:
        for key in self.fm.meta:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
                self.problem(str(key), f"unknown field, ignored ({hint})", "warning")

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.fm.meta.get(key)
        if value is None:
            if required:
                where_hint = "" if key not in self.fm.meta else " (it is empty)"
                self.problems.append(Problem(self.rel, self.fm.line_of(key) if key in self.fm.meta else self.fm.first_line,
                                             f"'{key}': required field is missing{where_hint}; add {key}: ..."))
            return None
        if not isinstance(value, str):
            raw = self.fm.raw(key) or str(value)
            hint = ""
            if isinstance(value, bool):
                hint = " — YAML reads unquoted yes/no/on/off/true/false as booleans"
            self.problem(key, f"expected text, got {describe(value)}{hint} (write {key}: \"{raw}\")")
            return None
        value = value.strip()
        if required and not value:
            self.problem(key, f"must not be empty; add {key}: ...")
            return None
        return value

    def url(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is None:
            return None
        if _PLAIN_URL.match(value):
            return value
        try:
            parts = urlsplit(value)
        except ValueError:  # a bracketed host that is not an IPv6 address: https://[oops
            parts = None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc or _SPACE.search(value):
            self.problem(key, f"expected an http(s) URL, got {value!r} (write {key}: https://...)")
            return None
        return value

    def string_list(self, key: str, what: str, required: bool = False) -> tuple[str, ...] | None:
        value = self.fm.meta.get(key)
        if value is None:
            if required:
                self.problems.append(Problem(self.rel, self.fm.line_of(key) if key in self.fm.meta else self.fm.first_line,
                                             f"'{key}': required field is missing; add {key}: [...]"))
            return None
        if isinstance(value, str):
            items = [part.strip() for part in value.split(",") if part.strip()]
            self.problem(key, f"expected a list of {what}, got {value!r} (write {key}: [{', '.join(items)}])")
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            self.problem(key, f"expected a list of {what}, got {describe(value)} with an empty or non-text item (write {key}: [a, b])")
            return None
        if required and not value:
            self.problem(key, f"needs at least one item (write {key}: [...])")
            return None
        return tuple(item.strip() for item in value)

    def boolean(self, key: str) -> bool:
        value = self.fm.meta.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {describe(value)} (write {key}: true, without quotes)")
            return False
        return value

    def date(self, key: str) -> dt.date | None:
        value = self.fm.meta.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and DATE_RE.match(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(key, f"expected a date YYYY-MM-DD, got {describe(value)}")
        return None

    def month(self, key: str) -> str | None:
        value = self.fm.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not MONTH_RE.match(value.strip()):
            self.problem(key, f"expected a month YYYY-MM, got {describe(value)} (write {key}: \"2021-03\")")
            return None
        return value.strip()


# -------------------------------------------------------------------------- tags


@dataclass
class Vocabulary:
    tags: tuple[Tag, ...]
    by_slug: dict[str, Tag]  # slugs of names and aliases -> canonical tag


def read_vocabulary(tags_file: Path | None, root: Path) -> tuple[Vocabulary, list[Problem]]:
    problems: list[Problem] = []
    if tags_file is None or not tags_file.exists():
        return Vocabulary((), {}), problems
    rel = _rel(tags_file, root)
    text, problem = read_text(SourceFile(os.fspath(tags_file), rel))
    if problem:
        return Vocabulary((), {}), [problem]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return Vocabulary((), {}), [Problem(rel, mark.line + 1 if mark else 1, f"invalid YAML: {exc.problem or exc.context}")]
    if data is None:
        return Vocabulary((), {}), problems
    if not isinstance(data, list):
        return Vocabulary((), {}), [Problem(rel, 1, "expected a list of tags ('- name: ...' entries)")]
    tags: list[Tag] = []
    by_slug: dict[str, Tag] = {}
    owner_line: dict[str, int] = {}
    for index, entry in enumerate(data):
        line = node.value[index].start_mark.line + 1
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            problems.append(Problem(rel, line, "each tag needs a name: write '- name: GANs'"))
            continue
        name = entry["name"].strip()
        description = entry.get("description") or ""
        aliases = entry.get("aliases") or []
        if not isinstance(description, str):
            problems.append(Problem(rel, line, f"tag {name!r}: 'description' must be text"))
            description = ""
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(Problem(rel, line, f"tag {name!r}: 'aliases' must be a list of text (write aliases: [a, b])"))
            aliases = []
        for key in entry:
            if key not in ("name", "description", "aliases"):
                problems.append(Problem(rel, line, f"tag {name!r}: unknown field {key!r} (known: name, description, aliases)", "warning"))
        slug = slugify(name)
        if not slug:
            problems.append(Problem(rel, line, f"tag {name!r} has no letters or digits"))
            continue
        if slug in RESERVED_TAG_SLUGS:
            problems.append(Problem(rel, line, _reserved(name, slug)))
            continue
        tag = Tag(name=name, slug=slug, description=description.strip())
        clash = False
        for spelling in (name, *aliases):
            s = slugify(spelling)
            other = by_slug.get(s)
            if other is not None and other is not tag:
                problems.append(Problem(rel, line, f"{spelling!r} and tag {other.name!r} (line {owner_line[other.slug]}) share the slug {s!r}; keep one of them"))
                clash = clash or s == slug
                continue
            by_slug[s] = tag
        if clash:
            continue
        owner_line[slug] = line
        tags.append(tag)
    return Vocabulary(tuple(tags), by_slug), problems


# tags/<slug>.md is a tag's page; tags/index.md is the page listing all tags.
RESERVED_TAG_SLUGS = frozenset({"index"})


def _reserved(name: str, slug: str) -> str:
    return f"tag {name!r} cannot be used: its page tags/{slug}/ would replace the list of all tags; rename it"


class TagResolver:
    """Maps written tags to canonical Tags; reports unknown tags and spelling clashes."""

    def __init__(self, vocabulary: Vocabulary, tags_rel: str, unknown: str):
        self.vocabulary = vocabulary
        self.tags_rel = tags_rel
        self.unknown_severity = "error" if unknown == "error" else "warning"
        self.unknown: dict[str, tuple[Tag, str]] = {}  # slug -> (tag, file where first written)

    def resolve(self, written: tuple[str, ...], check: FieldChecker) -> tuple[Tag, ...]:
        resolved: dict[str, Tag] = {}
        for name in written:
            slug = slugify(name)
            if not slug:
                check.problem("tags", f"tag {name!r} has no letters or digits")
                continue
            tag = self.vocabulary.by_slug.get(slug)
            if tag is None and slug in RESERVED_TAG_SLUGS:  # an alias may be "Index"; a tag page may not
                check.problem("tags", _reserved(name, slug))
                continue
            if tag is None:
                tag = self._unknown(name, slug, check)
            resolved.setdefault(tag.slug, tag)  # the same tag twice in one note counts once
        return tuple(resolved.values())

    def _unknown(self, name: str, slug: str, check: FieldChecker) -> Tag:
        # Reported in every note that uses it: with unknown_tags "error" each such note must fail,
        # not only the first one.
        known = [t.name for t in self.vocabulary.tags]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        check.problem("tags", f"unknown tag {name!r}: {hint}add it to {self.tags_rel} or use a known tag", self.unknown_severity)
        if slug not in self.unknown:
            tag = Tag(name=name, slug=slug, known=False)
            self.unknown[slug] = (tag, check.rel)
            return tag
        tag, first_file = self.unknown[slug]
        if tag.name != name:
            check.problem("tags", f"{name!r} and {tag.name!r} (in {first_file}) are one tag (slug {slug!r}), shown as {tag.name!r}; "
                                  f"write one spelling or add the tag to {self.tags_rel}", "warning")
        return tag


# ------------------------------------------------------------------------ content


def open_fields(source: SourceFile, known: tuple[str, ...]) -> tuple[FieldChecker | None, Problem | None]:
    """Read a file and parse its front matter, ready for field checks."""
    text, problem = read_text(source)
    if problem:
        return None, problem
    fm, problem = parse_front_matter(text, source.rel)  # type: ignore[arg-type]
    if problem:
        return None, problem
    assert fm is not None
    check = FieldChecker(fm, source.rel)
    check.unknown_fields(known)
    return check, None


def read_note(source: SourceFile, folder_month: str, resolver: TagResolver) -> tuple[Note | None, list[Problem]]:
    check, problem = open_fields(source, NOTE_FIELDS)
    if check is None:
        return None, [problem]  # type: ignore[list-item]
    # `serve` reads every note on each save: a note read before from the same parsed
    # front matter (the same text: see parse_front_matter) and vocabulary is the same.
    known = _NOTES.get(source.rel)
    if known is not None and known[0] is check.fm and known[1] is resolver.vocabulary:
        return known[2], list(known[3])
    note, problems = _check_note(source, folder_month, resolver, check)
    # Only notes whose tags are all in the vocabulary: an unknown tag's warnings
    # depend on the files read before it.
    if note is not None and all(tag.known for tag in note.tags):
        _NOTES[source.rel] = (check.fm, resolver.vocabulary, note, tuple(problems))
    return note, problems


_NOTES: dict[str, tuple[FrontMatter, Vocabulary, Note, tuple[Problem, ...]]] = {}
_VOCABULARY: list[Vocabulary] = []  # the last one read: an equal one read again is that object


def forget() -> None:
    """Drop what the memos keep: a one-off build reads once, and at 10,000 notes they
    hold ~40 MB of parsed front matter only a next read (under serve) could use."""
    _PARSED.clear()
    _NOTES.clear()
    _VOCABULARY.clear()


def _same_vocabulary(vocabulary: Vocabulary) -> Vocabulary:
    last = _VOCABULARY[0] if _VOCABULARY else None
    if last is not None and last.tags == vocabulary.tags and last.by_slug == vocabulary.by_slug:
        return last
    _VOCABULARY[:] = [vocabulary]
    return vocabulary


def _check_note(source: SourceFile, folder_month: str, resolver: TagResolver, check: FieldChecker) -> tuple[Note | None, list[Problem]]:
    fm = check.fm
    slug = source.stem
    if not is_note_slug(slug):
        suggestion = slugify(slug).encode("ascii", "ignore").decode() or "paper-title"
        check.problems.append(Problem(source.rel, 1, f"file name {source.name!r} is not a slug (lowercase letters, digits, hyphens): rename it to {suggestion}.md"))
    title = check.text("title", required=True)
    url = check.url("url", required=True)
    authors = check.string_list("authors", "names") or ()
    written_tags = check.string_list("tags", "strings", required=True)
    section = check.text("section")
    date = check.date("date")
    links = tuple(Link(kind, u) for kind in LINK_KINDS if (u := check.url(kind)) is not None)
    month = check.month("issue") or folder_month
    draft = check.boolean("draft")
    tags = resolver.resolve(written_tags, check) if written_tags else ()
    if written_tags and not tags:
        check.problem("tags", "no usable tag")
    if check.failed or title is None or url is None:
        return None, check.problems
    note = Note(slug=slug, month=month, title=title, url=url, tags=tags, authors=authors, section=section or None,
                date=date, links=links, draft=draft, body=fm.body, path=source.rel)
    return note, check.problems


def read_issue(source: SourceFile) -> tuple[IssueMeta | None, list[Problem]]:
    month = source.stem
    if not MONTH_RE.match(month):
        return None, [Problem(source.rel, 1, f"issue files are named YYYY-MM.md, got {source.name!r}")]
    check, problem = open_fields(source, ISSUE_FIELDS)
    if check is None:
        return None, [problem]  # type: ignore[list-item]
    fm = check.fm
    title = check.text("title")
    summary = check.text("summary") or ""
    sections = check.string_list("sections", "section names") or ()
    draft = check.boolean("draft")
    if check.failed:
        return None, check.problems
    return IssueMeta(month=month, title=title or None, summary=summary, sections=sections, draft=draft,
                     body=fm.body, path=source.rel), check.problems


def read_content(content_dir: Path, tags_file: Path | None, root: Path | None = None, unknown_tags: str = "warn") -> Content:
    """Read and validate everything under content/ plus the tag vocabulary."""
    root = root or content_dir.parent
    problems: list[Problem] = []
    vocabulary, vocab_problems = read_vocabulary(tags_file, root)
    vocabulary = _same_vocabulary(vocabulary)
    problems += vocab_problems
    resolver = TagResolver(vocabulary, _rel(tags_file, root) if tags_file else "site_config/tags.yml", unknown_tags)

    notes: list[Note] = []
    files_read = 0
    notes_dir = content_dir / "notes"
    found = walk_markdown(notes_dir, root, content_dir) if notes_dir.is_dir() else []
    with _ReadAhead([s for s in found if isinstance(s, SourceFile) and _month_folder(s.folder)], resolver) as ahead:
        for source in found:
            if isinstance(source, Problem):
                problems.append(source)
                continue
            files_read += 1
            if not _month_folder(source.folder):
                where = "not in a month folder" if "/" in source.folder or not source.folder else \
                    f"folder {source.folder!r} is not a month YYYY-MM (month 01-12)"
                problems.append(Problem(source.rel, 1, f"{where}: notes live in {_rel(notes_dir, root)}/YYYY-MM/<slug>.md; move the file"))
                continue
            ahead.wait_for(source.rel)
            note, note_problems = read_note(source, source.folder, resolver)
            problems += note_problems
            if note is not None:
                notes.append(note)

    issues: list[IssueMeta] = []
    issues_dir = content_dir / "issues"
    for source in walk_markdown(issues_dir, root, content_dir) if issues_dir.is_dir() else []:
        if isinstance(source, Problem):
            problems.append(source)
            continue
        files_read += 1
        issue, issue_problems = read_issue(source)
        problems += issue_problems
        if issue is not None:
            issues.append(issue)

    notes, cross_problems = _cross_checks(notes, root)
    problems += cross_problems
    problems += links_leaving(content_dir, root, skip=(notes_dir, issues_dir))
    return Content(notes=tuple(notes), issues=tuple(issues), vocabulary=vocabulary.tags,
                   problems=tuple(problems), files_read=files_read)


def _month_folder(folder: str) -> bool:
    """notes/YYYY-MM/: one folder below notes/, named after a month."""
    return "/" not in folder and MONTH_RE.match(folder) is not None


# ------------------------------------------------------------------ reading ahead

# Fewer notes per process than this are read in this process alone: a fork costs more
# than it saves (module-level so that tests can force the parallel read).
PARALLEL_MIN_FILES = 200
_OWN_SHARE = 1.15  # this process's share of the notes, against a worker's 1 (measured on 2 cores)


class _ReadAhead:
    """Notes not read before, parsed and checked in forked workers while this process
    reads the first share itself, one share per core.

    Loading YAML (PyYAML builds the objects in Python) is most of reading a large
    site. A worker sends back the memo entries it made (`_PARSED`, `_NOTES`), taken
    into this process's memos just before the one pass reaches the worker's first
    note. Nothing is reported by a worker: the pass still reads every file and uses an
    entry only for the very same text and vocabulary (see `parse_front_matter`,
    `read_note`), so its result is the sequential one."""

    def __init__(self, notes: list[SourceFile], resolver: TagResolver):
        self.vocabulary = resolver.vocabulary
        self.waiting: dict[str, tuple[Any, Any]] = {}  # a share's first note -> (worker, its pipe)
        self.workers: list[Any] = []
        todo = [source for source in notes if source.rel not in _PARSED]
        parts = min(cores(), len(todo) // max(PARALLEL_MIN_FILES, 1))
        if parts < 2 or not can_fork():
            return
        context = multiprocessing.get_context("fork")
        # This process takes a bigger first share: a worker also pickles what it made.
        weights = [_OWN_SHARE] + [1.0] * (parts - 1)
        bounds = [round(len(todo) * sum(weights[:i]) / sum(weights)) for i in range(parts + 1)]
        for i in range(1, parts):
            share = todo[bounds[i]:bounds[i + 1]]
            if not share:
                continue
            receiver, sender = context.Pipe(duplex=False)
            worker = context.Process(target=_read_ahead, args=(share, resolver, sender), daemon=True)
            try:
                with frozen_for_fork():
                    worker.start()
            except OSError:  # cannot fork now: the pass reads these notes itself
                receiver.close()
                break
            finally:
                sender.close()  # the worker holds the only writing end: its exit ends the stream
            self.waiting[share[0].rel] = (worker, receiver)
            self.workers.append(worker)

    def wait_for(self, rel: str) -> None:
        """Before the pass reads this note: if a worker's share starts here, take its entries."""
        if rel not in self.waiting:
            return
        _, receiver = self.waiting.pop(rel)
        collecting = gc.isenabled()
        try:
            data = receiver.recv_bytes()
            gc.disable()  # unpickling makes only live objects: a third of its time went to looking for garbage
            entries = _Entries(data, _vocabulary_tags(self.vocabulary)).load()
        except (EOFError, OSError):  # the worker failed (and said why): the pass reads its notes
            entries = []
        finally:
            if collecting:
                gc.enable()
            receiver.close()
        for path, digest, parsed, checked in entries:
            _PARSED[path] = (digest, parsed)
            if checked is not None:  # checked with this process's vocabulary, sent over as a copy
                _NOTES[path] = (parsed[0], self.vocabulary, *checked)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        for worker, receiver in self.waiting.values():  # only if the pass was interrupted
            receiver.close()
            worker.terminate()
        for worker in self.workers:  # ended by now: joined here, not while the pass waits
            worker.join()
        self.waiting, self.workers = {}, []


def _read_ahead(notes: list[SourceFile], resolver: TagResolver, sender) -> None:
    """In a forked worker: read these notes and send back the memo entries made."""
    for source in notes:
        read_note(source, source.folder, resolver)  # unknown tags met here stay in this process
    entries = []
    for source in notes:
        parsed = _PARSED.get(source.rel)
        if parsed is None:
            continue  # unreadable: the pass reports it
        checked = _NOTES.get(source.rel)
        fresh = checked is not None and checked[0] is parsed[1][0]
        entries.append((source.rel, parsed[0], parsed[1], checked[2:] if fresh else None))
    index = {id(tag): i for i, tag in enumerate(_vocabulary_tags(resolver.vocabulary))}
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table | {
        Tag: lambda tag: (_vocabulary_tag, (index[id(tag)],)) if id(tag) in index else tag.__reduce_ex__(pickle.HIGHEST_PROTOCOL)}
    pickler.dump(entries)
    sender.send_bytes(buffer.getbuffer())


# The tags of the vocabulary travel as their place in it, and arrive as this process's own
# objects: as in a sequential read, every note shares them (grouping and rendering were
# slower by 5% with copies).
def _vocabulary_tags(vocabulary: Vocabulary) -> list[Tag]:
    return list({id(tag): tag for tag in (*vocabulary.tags, *vocabulary.by_slug.values())}.values())


def _vocabulary_tag(index: int) -> Tag:
    raise RuntimeError("only named in pickles of _read_ahead; _Entries loads it")


class _Entries(pickle.Unpickler):
    """A worker's memo entries, with the vocabulary's tags as this process's objects."""

    def __init__(self, data: bytes, tags: list[Tag]):
        super().__init__(io.BytesIO(data))
        self.tags = tags

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, "_vocabulary_tag"):
            return self.tags.__getitem__
        return super().find_class(module, name)



def _field_line(root: Path, rel: str, key: str) -> int:
    """Line of a front-matter field of an already validated file (1 if absent).
    Read again only when a cross-file problem is reported, which is rare."""
    try:
        fm, _ = parse_front_matter((root / rel).read_text(encoding="utf-8-sig"), rel)
    except (OSError, UnicodeDecodeError):  # changed since it was read
        return 1
    return fm.line_of(key) if fm is not None and key in fm.meta else 1


def _moved(note: Note) -> bool:
    """True if an `issue:` override publishes the note outside its own month folder."""
    return Path(note.path).parent.name != note.month


def _cross_checks(notes: list[Note], root: Path) -> tuple[list[Note], list[Problem]]:
    """Checks across files: one slug per month (it is the anchor), one note per paper URL."""
    problems: list[Problem] = []
    by_anchor: dict[tuple[str, str], Note] = {}
    for note in notes:
        key = (note.month, note.slug)
        first = by_anchor.get(key)
        if first is None:
            by_anchor[key] = note
            continue
        # Two files of one folder cannot share a name, so an `issue:` override brought one of
        # them here: blame the override, on its line, and keep the note in its own folder.
        if _moved(first) and not _moved(note):
            by_anchor[key], note, first = note, first, note
        problems.append(Problem(note.path, _field_line(root, note.path, "issue"),
                                f"duplicate slug {note.slug!r} in issue {note.month}: {first.path} has it too "
                                f"(the slug is the paper's anchor in the digest); rename one file"))
    kept = [n for n in notes if by_anchor[(n.month, n.slug)] is n]
    seen_url: dict[str, Note] = {}
    for note in kept:
        if note.draft:
            continue
        key = note.url.rstrip("/").lower()
        if key in seen_url:
            problems.append(Problem(note.path, _field_line(root, note.path, "url"),
                                    f"'url': the same paper is also in {seen_url[key].path} ({note.url})", "warning"))
        else:
            seen_url[key] = note
    return kept, problems
