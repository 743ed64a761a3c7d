"""The Record a note is filled from: what a service says about one paper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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
