"""The Record a note is filled from: what a service says about one paper."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# A code repository named in a comment or abstract ("Code: https://github.com/...").
REPOSITORY = re.compile(r"(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org)/[\w.-]+/[\w.-]+", re.IGNORECASE)


def repository_url(text: str) -> str | None:
    """The first repository link in a text, as an https URL (sentence dot and .git cut)."""
    found = REPOSITORY.search(text)
    if not found:
        return None
    url = found.group(0).rstrip(".")
    url = url[:-4] if url.lower().endswith(".git") else url
    return url if url.lower().startswith(("http://", "https://")) else f"https://{url}"


@dataclass(frozen=True)
class Record:
    identity: str  # identity.paper_id of `url`
    title: str
    url: str  # the canonical link: https://arxiv.org/abs/<id> without version, https://doi.org/<doi>
    authors: tuple[str, ...] = ()
    date: dt.date | None = None  # when the work first appeared (arXiv: version 1)
    links: tuple[tuple[str, str], ...] = ()  # (kind, url) of LINK_KINDS the record names, e.g. ("code", ...)
    abstract: str = ""  # plain text, one paragraph per item separated by blank lines
    source: str = ""  # "arXiv" or "Crossref", for messages
