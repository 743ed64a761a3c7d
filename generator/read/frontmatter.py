"""Stage 1, front matter: split a file into its YAML fields and body, with the line
of every field for messages.

python-frontmatter's YAML handler, but checked: its `load` returns {} silently for
broken front matter, so the splitting and every YAML error are ours to report, with
the line and a fix. Parsed front matter is memoised per file on a digest of its
text (`PARSED`): YAML loading is most of the reading time, and `serve` re-reads
every note on each save.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from ..model import Problem

_YAML = YAMLHandler()  # python-frontmatter's YAML handler (uses PyYAML's C loader when present)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The loader python-frontmatter uses, minus the constructor's bookkeeping for text:
    a scalar tagged as text is its own value, as SafeConstructor makes it (a fifth of
    loading a note's YAML went into that bookkeeping)."""

    def construct_object(self, node, deep=False):
        if node.tag == "tag:yaml.org,2002:str" and type(node) is yaml.ScalarNode:
            return node.value
        return super().construct_object(node, deep)


@dataclass
class FrontMatter:
    """Parsed front matter, with a lazy map from field name to its line."""

    meta: dict[str, Any]
    body: str
    yaml_text: str
    first_line: int  # 1-based line of the opening ---
    body_line: int = 0  # 1-based line of the body's first line (after the blank lines below ---)
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
    known = PARSED.get(rel)
    if known is not None and known[0] == digest:
        return known[1]
    result = _parse_front_matter(text, rel)
    PARSED[rel] = (digest, result)
    return result


PARSED: dict[str, tuple[bytes, tuple[FrontMatter | None, Problem | None]]] = {}


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
    before_body = stripped[: len(stripped) - len(body)]
    body_line = first_line + before_body.count("\n") + (len(body) - len(body.lstrip("\n")))
    return FrontMatter(meta, body.strip("\n"), yaml_text, first_line, body_line), None


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
