"""Stage 1, fields: check one file's front-matter values and say how to fix each.

Each check returns a clean value or None and records a Problem on the field's own
line; a file with an error becomes no Note, a warning leaves it published.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from urllib.parse import urlsplit

from ..model import Problem
from .frontmatter import FrontMatter, describe

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A plain http(s) URL with a host and no spaces: what the exact check below accepts, decided
# without urlsplit for nearly every URL (brackets, an IPv6 host, are left to urlsplit).
_PLAIN_URL = re.compile(r"[hH][tT][tT][pP][sS]?://[^\s/?#\[\]]+(?:[/?#]\S*)?\Z")
_SPACE = re.compile(r"\s")  # what str.isspace() is true for


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
