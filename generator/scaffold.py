"""Scaffolding for editors: new issue and note files, never overwriting.

A note is made from a title and link (`new_note`) or from a Record that sources/ fetched
for a paper link or id (`note_from_record`: title, authors, first date, canonical url,
code link, optionally the abstract as a quote). `archive` maps every note already under
content/notes/ to its paper identity, so a paper already featured is never scaffolded
twice by accident.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .grouping import month_label
from .identity import paper_id
from .read import MONTH_RE
from .read.frontmatter import parse_front_matter
from .slugs import ascii_slug
from .sources import Record

PLACEHOLDER = "Why it matters, in a few sentences of your own.\n"


class ScaffoldError(Exception):
    pass


def check_month(month: str) -> None:
    if not MONTH_RE.match(month):
        raise ScaffoldError(f"month must be YYYY-MM, got {month!r}")


def _yaml_block(fields: dict) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1_000_000,
                                    default_flow_style=None) + "---\n"


def _write_new(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; not overwritten") from None
    return path


def new_issue(content_dir: Path, month: str, title: str | None = None) -> Path:
    check_month(month)
    fields = {"title": title or month_label(month), "summary": "One line for the archive, the home page and feeds.",
              "sections": [], "draft": True}
    body = "The editorial introduction: what stood out this month.\n"
    return _write_new(content_dir / "issues" / f"{month}.md", _yaml_block(fields) + "\n" + body)


def new_note(content_dir: Path, month: str, title: str, url: str, tags: list[str] | None = None,
             section: str | None = None, authors: list[str] | None = None, repeat: bool = False) -> Path:
    check_month(month)
    if not title.strip():
        raise ScaffoldError("the title must not be empty")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:  # the same rule as `newsletter check`
        raise ScaffoldError(f"--url must be an http(s) URL, got {url!r}")
    slug = ascii_slug(title)
    if not slug:
        raise ScaffoldError(f"cannot make a file name from the title {title!r}")
    fields: dict = {"title": title.strip(), "url": url, "authors": authors or [], "tags": tags or []}
    if section:
        fields["section"] = section
    if repeat:
        fields["repeat"] = True
    return _write_new(content_dir / "notes" / month / f"{slug}.md", _yaml_block(fields) + "\n" + PLACEHOLDER)


def note_path(content_dir: Path, month: str, title: str) -> Path:
    """Where a note with this title goes in this month (the slug is the title's)."""
    check_month(month)
    slug = ascii_slug(title)
    if not slug:
        raise ScaffoldError(f"cannot make a file name from the title {title!r}")
    return content_dir / "notes" / month / f"{slug}.md"


def note_from_record(content_dir: Path, month: str, record: Record, tags: list[str] | None = None,
                     section: str | None = None, abstract: bool = False, repeat: bool = False) -> Path:
    """A note filled in from what arXiv or Crossref says about the paper."""
    path = note_path(content_dir, month, record.title)
    fields: dict = {"title": record.title, "url": record.url, "authors": list(record.authors), "tags": tags or []}
    if section:
        fields["section"] = section
    if record.date:
        fields["date"] = record.date
    fields.update({kind: url for kind, url in record.links})
    if repeat:
        fields["repeat"] = True
    body = PLACEHOLDER
    if abstract and record.abstract:
        body = quote_abstract(record.abstract, record.source) + "\n" + PLACEHOLDER
    return _write_new(path, _yaml_block(fields) + "\n" + body)


def quote_abstract(text: str, source: str = "") -> str:
    """The abstract as a Markdown quote, one quoted paragraph per paragraph. `<` and `&`
    become character references, so a comparison like `a<b` never opens raw HTML."""
    paragraphs = [p.replace("&", "&amp;").replace("<", "&lt;") for p in text.split("\n\n") if p.strip()]
    lead = f"> **Abstract** ({source})\n>\n" if source else ""
    return lead + "\n>\n".join(f"> {p}" for p in paragraphs) + "\n"


def archive(content_dir: Path) -> dict[str, str]:
    """Paper identity -> the first note file (relative to the project) that links it, over
    every note under content/notes/, drafts and notes with other problems included."""
    found: dict[str, str] = {}
    notes = content_dir / "notes"
    root = content_dir.parent
    for dirpath, dirnames, filenames in os.walk(notes):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".md") or name.startswith("."):
                continue
            path = Path(dirpath) / name
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            try:
                fm, _ = parse_front_matter(path.read_text(encoding="utf-8-sig"), rel)
            except (OSError, UnicodeDecodeError):
                continue
            url = fm.meta.get("url") if fm is not None else None
            if isinstance(url, str) and url.strip():
                found.setdefault(paper_id(url), rel)
    return found
