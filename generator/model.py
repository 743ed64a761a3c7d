"""The plain data passed between stages: small frozen dataclasses, no behaviour."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

# Extra links a note may carry, in the order their badges are shown.
LINK_KINDS: tuple[str, ...] = ("code", "demo", "blog", "video", "data")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located as precisely as we can."""

    path: str  # relative to the project root, with forward slashes
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Tag:
    name: str  # display name (canonical name from the vocabulary, else as first written)
    slug: str
    description: str = ""
    known: bool = True  # False for tags outside site_config/tags.yml


@dataclass(frozen=True)
class Link:
    kind: str  # "paper" or one of LINK_KINDS
    url: str


@dataclass(frozen=True)
class Note:
    """One paper (or tool, dataset, post) with the curator's note about it."""

    slug: str  # file name without .md; the paper's anchor in its digest
    month: str  # "YYYY-MM": the issue the note is published in
    title: str
    url: str
    tags: tuple[Tag, ...]
    authors: tuple[str, ...] = ()
    section: str | None = None
    date: dt.date | None = None
    links: tuple[Link, ...] = ()  # extra links (code, demo, ...), in LINK_KINDS order
    draft: bool = False
    body: str = ""  # the curator's Markdown
    path: str = ""  # source file, relative to the project root
    repeat: bool = False  # `repeat: true`: featured again on purpose (no duplicate warning)
    identity: str = ""  # identity.paper_id(url), set by the reader: "arxiv:2102.07074", "doi:...", "url:..."
    earlier: tuple["Earlier", ...] = ()  # set by grouping for a repeat: where the paper was featured before
    body_line: int = 0  # line of the file the body starts on (0: unknown), for problems found in it


@dataclass(frozen=True)
class Earlier:
    """A published entry of the same paper in an earlier issue, for "Also featured in"."""

    month: str  # its issue, "YYYY-MM"
    slug: str  # its anchor in that digest
    issue_title: str


@dataclass(frozen=True)
class IssueMeta:
    """The optional content/issues/YYYY-MM.md file of a month."""

    month: str
    title: str | None = None
    summary: str = ""
    sections: tuple[str, ...] = ()
    draft: bool = False
    body: str = ""
    path: str = ""
    body_line: int = 0  # line of the file the body starts on (0: unknown)
    sections_line: int = 0  # line of `sections:` (0: none), for problems with the order it gives


@dataclass(frozen=True)
class Content:
    """Everything read from disk, validated. Invalid files are absent here and
    present in `problems`."""

    notes: tuple[Note, ...]
    issues: tuple[IssueMeta, ...]
    vocabulary: tuple[Tag, ...]
    problems: tuple[Problem, ...] = ()
    files_read: int = 0

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


@dataclass(frozen=True)
class Section:
    name: str | None  # None: papers without a section
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Month:
    """One published issue: a month's papers grouped by section."""

    key: str  # "YYYY-MM"
    title: str
    summary: str
    intro: str
    sections: tuple[Section, ...]
    previous: str | None = None  # key of the previous published month
    next: str | None = None
    draft: bool = False  # only ever true in a preview that shows drafts

    @property
    def year(self) -> str:
        return self.key[:4]

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(n for s in self.sections for n in s.notes)


@dataclass(frozen=True)
class TagIndex:
    tag: Tag
    notes: tuple[Note, ...]  # newest month first
    related: tuple[tuple[Tag, int], ...] = ()  # co-occurring tags, most frequent first


@dataclass(frozen=True)
class Site:
    months: tuple[Month, ...]  # newest first
    tags: tuple[TagIndex, ...]  # by name
    problems: tuple[Problem, ...] = field(default=())

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(n for m in self.months for n in m.notes)


@dataclass(frozen=True)
class Page:
    """A generated page handed to the site engine: its source path and Markdown."""

    path: str  # e.g. "issues/2021-03.md"
    markdown: str
    title: str  # plain text
