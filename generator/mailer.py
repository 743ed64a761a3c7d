"""Delivery of an email edition over SMTP, without losing or doubling a message.

I/O at the CLI's level (not a pure output): the recipient list is read and
checked, each recipient gets their own message over one SMTP connection
(`smtplib`, STARTTLS, implicit TLS or plain), and every message the server
accepted is recorded at once in the issue's send log,
`.cache/newsletter/sent/YYYY-MM.jsonl` (one JSON line per recipient, appended,
flushed and fsynced before the next message is sent). A rerun reads the log and
sends only to those not yet served, so a crash, a dropped connection or a
rejected recipient is resumed by running the same command again.

The one window left is the one SMTP itself has: if the connection drops after
the server took the message but before its "250 OK" reached us, the message is
not logged and is sent again on the rerun (at-least-once; the same Message-ID
lets the mailbox provider fold the two).
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import ssl
import sys
import time
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Callable, Iterable, TextIO

# A practical addr-spec check (what providers accept); the email package checks the rest.
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


@dataclass(frozen=True)
class Recipients:
    addresses: tuple[str, ...]  # valid, first occurrence of each, in file order
    problems: tuple[str, ...]  # 'path:line: ...' for skipped lines


def read_recipients(path: Path) -> Recipients:
    """One address per line; blank lines and `#` comments ignored; invalid or repeated
    addresses reported with their line and skipped."""
    seen: dict[str, int] = {}
    addresses, problems = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("<") and line.endswith(">"):
            line = line[1:-1].strip()
        if not _ADDRESS.match(line) or len(line) > 254 or ".." in line.split("@")[0]:
            problems.append(f"{path}:{number}: {line!r} is not an email address (write one address per line, "
                            f"e.g. reader@example.org); skipped")
            continue
        try:
            Address(addr_spec=line)
        except (ValueError, IndexError):
            problems.append(f"{path}:{number}: {line!r} is not an email address; skipped")
            continue
        key = line.casefold()
        if key in seen:
            problems.append(f"{path}:{number}: {line} is already on line {seen[key]}; sent once")
            continue
        seen[key] = number
        addresses.append(line)
    return Recipients(tuple(addresses), tuple(problems))


class SendLog:
    """Who has been served this issue: one JSON object per line, appended as each
    message is accepted. A torn last line (crash while writing) is ignored."""

    def __init__(self, path: Path):
        self.path = path

    def served(self) -> set[str]:
        if not self.path.exists():
            return set()
        done = set()
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                done.add(json.loads(line)["to"].casefold())
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        return done

    def record(self, out: TextIO, recipient: str, message_id: str) -> None:
        out.write(json.dumps({"to": recipient, "message_id": message_id,
                              "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}) + "\n")
        out.flush()
        os.fsync(out.fileno())


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: str = "starttls"  # starttls | ssl | none
    user: str | None = None
    password: str | None = None
    context: ssl.SSLContext | None = None  # default: the system's trust store, hostname checked
    timeout: float = 60.0


def parse_server(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"--smtp {value!r}: write HOST:PORT, e.g. --smtp smtp.example.org:587")
    return host.strip("[]"), int(port)


def connect(server: Server) -> smtplib.SMTP:
    context = server.context or ssl.create_default_context()
    if server.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        if server.security == "starttls":
            smtp.starttls(context=context)  # fails if the server does not offer it: never falls back to plain
    smtp.ehlo_or_helo_if_needed()
    if server.user:
        smtp.login(server.user, server.password or "")
    return smtp


@dataclass
class Report:
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # served by an earlier run
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, reason)
    not_tried: list[str] = field(default_factory=list)  # left when the connection was lost
    stopped: str = ""

    @property
    def complete(self) -> bool:
        return not self.failed and not self.not_tried and not self.stopped


def send_all(recipients: Iterable[str], make: Callable[[str], EmailMessage], server: Server, log: SendLog,
             per_minute: int = 0, progress: TextIO | None = None, sleep: Callable[[float], None] = time.sleep) -> Report:
    """Send `make(address)` to every recipient not in the log yet. A refused recipient is
    reported and the rest continue; a lost connection stops the run (rerun to resume).
    `progress`: where the progress line goes (default: stderr at call time)."""
    progress = sys.stderr if progress is None else progress
    report = Report()
    served = log.served()
    todo = []
    for address in recipients:
        (report.already if address.casefold() in served else todo).append(address)
    if not todo:
        return report
    log.path.parent.mkdir(parents=True, exist_ok=True)
    interval = 60.0 / per_minute if per_minute else 0.0
    try:
        smtp = connect(server)
    except (OSError, smtplib.SMTPException) as exc:
        report.stopped = f"could not connect to {server.host}:{server.port} ({exc})"
        report.not_tried = todo
        return report
    with smtp, log.path.open("a", encoding="utf-8") as out:
        for number, address in enumerate(todo, start=1):
            if interval and number > 1:
                sleep(interval)
            msg = make(address)
            try:
                refused = smtp.send_message(msg, to_addrs=[address])
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = exc.recipients.get(address, (0, b""))
                report.failed.append((address, f"{code} {_text(text)}"))
            except smtplib.SMTPResponseException as exc:  # sender refused, data refused: this message only
                report.failed.append((address, f"{exc.smtp_code} {_text(exc.smtp_error)}"))
                if exc.smtp_code == 421:  # the server is closing the connection
                    report.stopped = f"the server closed the connection: {exc.smtp_code} {_text(exc.smtp_error)}"
                    report.not_tried = todo[number:]
                    break
                _reset(smtp)
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                report.stopped = f"connection lost ({exc or type(exc).__name__})"
                report.not_tried = todo[number - 1:]
                break
            else:
                if refused:
                    report.failed.append((address, str(refused.get(address))))
                else:
                    log.record(out, address, msg["Message-ID"])
                    report.sent.append(address)
            if progress is not None:
                progress.write(f"\r{number}/{len(todo)} sent {len(report.sent)}, failed {len(report.failed)}")
                progress.flush()
        else:
            if progress is not None:
                progress.write("\n")
    if report.stopped and progress is not None:
        progress.write("\n")
    try:
        smtp.close()
    except Exception:  # closing a dead connection
        pass
    return report


def _reset(smtp: smtplib.SMTP) -> None:
    try:
        smtp.rset()
    except smtplib.SMTPException:
        pass


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
