"""Scaffolding for editors: new issue and note files, never overwriting."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .grouping import month_label
from .read import MONTH_RE
from .slugs import ascii_slug


class ScaffoldError(Exception):
    pass


def _check_month(month: str) -> None:
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
    _check_month(month)
    fields = {"title": title or month_label(month), "summary": "One line for the archive, the home page and feeds.",
              "sections": [], "draft": True}
    body = "The editorial introduction: what stood out this month.\n"
    return _write_new(content_dir / "issues" / f"{month}.md", _yaml_block(fields) + "\n" + body)


def new_note(content_dir: Path, month: str, title: str, url: str, tags: list[str] | None = None,
             section: str | None = None, authors: list[str] | None = None) -> Path:
    _check_month(month)
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
    body = "Why it matters, in a few sentences of your own.\n"
    return _write_new(content_dir / "notes" / month / f"{slug}.md", _yaml_block(fields) + "\n" + body)
