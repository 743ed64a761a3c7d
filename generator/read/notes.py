"""Stage 1, notes and issues: one file to one Note or IssueMeta, or its Problems.

A note checked before from the same parsed front matter and vocabulary is that same
Note (`NOTES`): `serve` reads every note on each save.
"""

from __future__ import annotations

from ..identity import paper_id
from ..model import LINK_KINDS, IssueMeta, Link, Note, Problem
from ..slugs import ascii_slug, is_note_slug
from .body import check_body
from .fields import MONTH_RE, FieldChecker
from .files import SourceFile, read_text
from .frontmatter import FrontMatter, parse_front_matter
from .vocabulary import TagResolver, Vocabulary

NOTE_FIELDS = ("title", "url", "authors", "tags", "section", "date", *LINK_KINDS, "issue", "draft", "repeat")
ISSUE_FIELDS = ("title", "summary", "sections", "draft")


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
    known = NOTES.get(source.rel)
    if known is not None and known[0] is check.fm and known[1] is resolver.vocabulary:
        return known[2], list(known[3])
    note, problems = _check_note(source, folder_month, resolver, check)
    # Only notes whose tags are all in the vocabulary: an unknown tag's warnings
    # depend on the files read before it.
    if note is not None and all(tag.known for tag in note.tags):
        NOTES[source.rel] = (check.fm, resolver.vocabulary, note, tuple(problems))
    return note, problems


NOTES: dict[str, tuple[FrontMatter, Vocabulary, Note, tuple[Problem, ...]]] = {}


def _check_note(source: SourceFile, folder_month: str, resolver: TagResolver, check: FieldChecker) -> tuple[Note | None, list[Problem]]:
    fm = check.fm
    slug = source.stem
    if not is_note_slug(slug):
        suggestion = ascii_slug(slug, max_length=len(slug) * 4) or "paper-title"  # the slug new-note would make: accents transliterated
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
    repeat = check.boolean("repeat")
    tags = resolver.resolve(written_tags, check) if written_tags else ()
    if written_tags and not tags:
        check.problem("tags", "no usable tag")
    check.problems += check_body(fm.body, fm.body_line, source.rel)
    if check.failed or title is None or url is None:
        return None, check.problems
    note = Note(slug=slug, month=month, title=title, url=url, tags=tags, authors=authors, section=section or None,
                date=date, links=links, draft=draft, body=fm.body, path=source.rel, repeat=repeat,
                body_line=fm.body_line, identity=paper_id(url))
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
    check.problems += check_body(fm.body, fm.body_line, source.rel)
    if check.failed:
        return None, check.problems
    return IssueMeta(month=month, title=title or None, summary=summary, sections=sections, draft=draft,
                     body=fm.body, path=source.rel, body_line=fm.body_line,
                     sections_line=_top_level_line(fm, "sections")), check.problems


def _top_level_line(fm: FrontMatter, key: str) -> int:
    """Line of a top-level field, found in the text: FrontMatter.line_of composes the YAML
    again, worth it for a problem but not for every issue file read (0: absent)."""
    if key not in fm.meta:
        return 0
    for index, line in enumerate(fm.yaml_text.split("\n")):
        if line.startswith(key) and line[len(key):].lstrip().startswith(":"):
            return fm.first_line + index
    return fm.line_of(key)  # written some other way (quoted key): ask YAML
