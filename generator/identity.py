"""One identity per paper, whatever link an editor pasted.

`https://arxiv.org/abs/2102.07074` in March and `https://arxiv.org/pdf/2102.07074v2`
in May are one paper; so are `https://doi.org/10.1145/ABC` and `doi:10.1145/abc`.
`paper_id` folds every form of a link into one canonical key:

- `arxiv:2102.07074` / `arxiv:hep-th/9901001`: the arXiv id without its version, from
  abs/pdf/html/format links, export.arxiv.org, `arXiv:` ids, Hugging Face paper pages and
  arXiv's own DOIs (`10.48550/arXiv.2102.07074`, in any DOI form);
- `doi:10.1145/3442188.3445922`: a DOI, case-folded (DOIs are case-insensitive, ISO 26324),
  from doi.org / dx.doi.org links, `doi:` prefixes or a bare `10.` DOI;
- `openreview:<forum id>`: OpenReview forum and pdf links (`?id=`), case kept (ids are);
- else `url:` and the URL normalised: scheme, `www.`, the host's case, a trailing slash,
  the fragment and `utm_*` parameters dropped; the path's case kept (servers differ).

Pure string functions, used by every stage that needs a paper's identity (the
reader's duplicate check, the editor's import, citations); imports nothing of ours.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

# New-style ids (YYMM.NNNN from April 2007, YYMM.NNNNN from January 2015) and old-style
# ids (archive[.subject-class]/YYMMNNN, up to March 2007), each with an optional version.
_NEW_ID = r"(?:0[7-9]|1[0-4])(?:0[1-9]|1[0-2])\.\d{4}|(?:1[5-9]|[2-9]\d)(?:0[1-9]|1[0-2])\.\d{5}"
_OLD_ID = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?", re.IGNORECASE)
_ARXIV_HOSTS = {"arxiv.org", "export.arxiv.org", "xxx.lanl.gov"}
_ARXIV_PATH = re.compile(rf"^/(?:abs|pdf|html|format|ps|src)/(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?(?:\.pdf)?/?$",
                         re.IGNORECASE)
_HF_PATH = re.compile(rf"^/papers/(?P<id>{_NEW_ID})(?:v\d+)?/?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_HOSTS = {"doi.org", "dx.doi.org"}
ARXIV_DOI = "10.48550/arxiv."  # arXiv's DOIs (DataCite), case-folded as doi() gives them
_OPENREVIEW_HOSTS = {"openreview.net"}


@functools.lru_cache(maxsize=1 << 16)  # every stage asks again for the same links
def arxiv_id(text: str) -> str | None:
    """The versionless arXiv id in an id or link of any form, or None.

    `2102.07074`, `arXiv:2102.07074v2`, `https://arxiv.org/pdf/2102.07074v2.pdf`,
    `https://export.arxiv.org/abs/hep-th/9901001`, `https://huggingface.co/papers/2102.07074`,
    `https://doi.org/10.48550/arXiv.2102.07074`."""
    text = text.strip()
    bare = re.sub(r"^arxiv:\s*", "", text, flags=re.IGNORECASE)
    match = _ARXIV_ID.fullmatch(bare)
    if match:
        return _case(match.group("id"))
    found = doi(text)
    if found is not None:  # arXiv's own DOI names the same paper as its id
        match = _ARXIV_ID.fullmatch(found[len(ARXIV_DOI):]) if found.startswith(ARXIV_DOI) else None
        return _case(match.group("id")) if match else None
    parts = _split(text)
    if parts is None:
        return None
    host, path = parts[1], unquote(parts[2])
    if host in _ARXIV_HOSTS:
        match = _ARXIV_PATH.match(path)
    elif host == "huggingface.co":
        match = _HF_PATH.match(path)
    else:
        return None
    return _case(match.group("id")) if match else None


def arxiv_version(text: str) -> int | None:
    """The version an arXiv id or link names (`2102.07074v2` -> 2), or None."""
    match = re.search(rf"(?:{_NEW_ID}|{_OLD_ID})v(\d+)", text, re.IGNORECASE)
    return int(match.group(1)) if match else None


@functools.lru_cache(maxsize=1 << 16)  # every stage asks again for the same links
def doi(text: str) -> str | None:
    """The DOI, case-folded, in `10.xxxx/...`, `doi:10.xxxx/...` or a doi.org link, or None."""
    text = text.strip()
    bare = re.sub(r"^doi:\s*", "", text, flags=re.IGNORECASE)
    if _DOI.match(bare):
        return bare.casefold()
    parts = _split(text)
    if parts is None or parts[1] not in _DOI_HOSTS:
        return None
    path = unquote(parts[2]).lstrip("/")
    return path.casefold() if _DOI.match(path) else None


@functools.lru_cache(maxsize=1 << 16)  # every stage asks again for the same links
def openreview_id(text: str) -> str | None:
    """The forum id of an OpenReview forum or pdf link (`?id=...`), or None."""
    parts = _split(text.strip())
    if parts is None or parts[1] not in _OPENREVIEW_HOSTS or parts[2].rstrip("/") not in ("/forum", "/pdf"):
        return None
    for key, value in parse_qsl(parts[3]):
        if key == "id" and value:
            return value
    return None


def normalise_url(url: str) -> str:
    """An http(s) URL with what does not name another page dropped: scheme, `www.`,
    the host's case, default ports, a trailing slash, the fragment, `utm_*` parameters."""
    parts = _split(url.strip())
    if parts is None:
        return url.strip()
    _, host, path, query = parts
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not k.lower().startswith("utm_")]
    path = path.rstrip("/")
    return host + path + (f"?{urlencode(kept)}" if kept else "")


@functools.lru_cache(maxsize=1 << 16)  # every stage asks again for the same links
def paper_id(url: str) -> str:
    """The canonical identity of the paper a link points to (see the module docstring)."""
    if (found := arxiv_id(url)) is not None:
        return f"arxiv:{found}"
    if (found := doi(url)) is not None:
        return f"doi:{found}"
    if (found := openreview_id(url)) is not None:
        return f"openreview:{found}"
    return f"url:{normalise_url(url)}"


def _case(found: str) -> str:
    """arXiv ids: digits as they are, an old-style archive name lowercase, its subject class upper."""
    if "/" not in found:
        return found
    archive, number = found.split("/")
    name, _, subject = archive.partition(".")
    return f"{name.lower()}{'.' + subject.upper() if subject else ''}/{number}"


def _split(url: str) -> tuple[str, str, str, str] | None:
    """(scheme, host without www. and default port, path, query) of an http(s) URL, or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    return parts.scheme.lower(), host, parts.path, parts.query
