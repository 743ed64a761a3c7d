"""One HTTP GET with a timeout, through the standard library's urllib.

Every way a request can fail (no network, a host that does not answer in time, 404,
429/503 with Retry-After, a connection that breaks off) becomes a SourceError whose
message is one line saying what happened and what to do. No retries: the editor
reruns the command (it never overwrites, so a rerun is safe).
"""

from __future__ import annotations

import email.utils
import http.client
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 10.0
USER_AGENT = "ml-newsletter/0.1 (newsletter new-note --from / import)"


class SourceError(Exception):
    """A one-line message for the editor; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def get(url: str, what: str, env: str, timeout: float, accept: str, not_found: str) -> bytes:
    """The body of a 200 answer. `what` names the service ("arXiv"), `env` the variable
    that points it elsewhere, `not_found` the message for a 404."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    host = urlsplit(url).netloc or url
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.read()
    except urllib.error.HTTPError as exc:
        raise _status_error(exc, what) if exc.code != 404 else SourceError(not_found, 404) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise _timeout(what, host, timeout) from None
        reason = getattr(exc.reason, "strerror", None) or str(exc.reason)
        raise SourceError(f"cannot reach {what} at {host} ({reason}); check the network connection, "
                          f"or set {env} to a mirror") from None
    except (TimeoutError, socket.timeout):
        raise _timeout(what, host, timeout) from None
    except (http.client.HTTPException, ConnectionError) as exc:
        raise SourceError(f"the connection to {what} at {host} broke off ({type(exc).__name__}); try again") from None
    except ValueError as exc:  # a malformed base URL in the environment variable
        raise SourceError(f"cannot ask {what}: {exc}; check {env}") from None


def _timeout(what: str, host: str, timeout: float) -> SourceError:
    return SourceError(f"{what} at {host} did not answer within {timeout:g} s; try again later, "
                       f"or write the note by hand (newsletter new-note YYYY-MM \"Title\" --url URL)")


def _status_error(exc: urllib.error.HTTPError, what: str) -> SourceError:
    wait = retry_after(exc.headers.get("Retry-After") if exc.headers else None)
    when = f"try again in {wait} s" if wait is not None else "try again in a minute"
    if exc.code == 429:
        return SourceError(f"{what} is rate limiting requests (HTTP 429); {when}", 429)
    if exc.code == 503:
        return SourceError(f"{what} is busy or down for maintenance (HTTP 503); {when}", 503)
    if exc.code >= 500:
        return SourceError(f"{what} failed to answer (HTTP {exc.code}); {when}", exc.code)
    return SourceError(f"{what} refused the request (HTTP {exc.code} {exc.reason}); check the id or link", exc.code)


def retry_after(value: str | None) -> int | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0, round(when.timestamp() - time.time()))
