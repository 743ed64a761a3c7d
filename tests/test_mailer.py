"""Sending (generator/mailer.py) through `newsletter email --send` to a real SMTP server
on localhost (aiosmtpd): every message parsed by the `email` package; failure injection
(the 3rd recipient refused, the connection dropped after 5 messages) and reruns that
deliver exactly the missing ones; STARTTLS with login and implicit TLS with a self-signed
certificate made by the openssl command in the test."""

from __future__ import annotations

import email
import json
import shutil
import socket
import subprocess
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from generator.mailer import read_recipients
from helpers import note_md, run_cli, write_project

SITE_URL = "https://example.org/news/"
UNSUB = "https://example.org/unsubscribe?email={email}"
CONTENT = {
    "content/issues/2021-03.md": "---\ntitle: March <b>2021</b>\nsummary: A summary.\n---\n\nIntro.\n",
    "content/notes/2021-03/gan.md": note_md("A <script>GAN</script>", "https://arxiv.org/abs/1", ["GANs"], "Body [tag](../tags/gans.md)."),
}
EDITS = {"site_url: https://example.org/": f"site_url: {SITE_URL}",
         "      email_from:": f"      email_unsubscribe: \"{UNSUB}\"\n      email_from:"}
READERS = [f"reader{n}@example.net" for n in range(1, 9)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every accepted message; can refuse a recipient once and
    drop the connection once a number of messages were accepted."""

    def __init__(self, refuse_nth: int = 0, drop_after: int = 0):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.rcpts = 0
        self.refuse_nth, self.drop_after = refuse_nth, drop_after

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.rcpts == self.refuse_nth:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.drop_after and len(self.messages) >= self.drop_after:
            server.transport.abort()  # as a crashed relay or a cut network: no reply at all
            return "250 OK"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK queued"

    def addresses(self) -> list[str]:
        return [a for rcpts, _ in self.messages for a in rcpts]


def send(root: Path, handler, *extra: str, **server):
    """Send the issue through a real SMTP server (aiosmtpd, `server` its options) on
    localhost, started for this run and stopped after it."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **server)
    controller.start()
    try:
        return send_to(root, controller.port, *extra)
    finally:
        controller.stop()


def send_to(root: Path, port: int, *extra: str):
    return run_cli("-f", root / "mkdocs.yml", "email", "2021-03", "--send", "--to", root / "list.txt",
                   "--smtp", f"127.0.0.1:{port}", *extra)


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "p"
    write_project(root, CONTENT, mkdocs_edits=EDITS)
    lines = ["# subscribers", READERS[0], READERS[1], "not-an-address", READERS[2], "", READERS[3],
             f"{READERS[1].upper()}  # again", READERS[4], "a b@example.net", *READERS[5:]]
    (root / "list.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def log_lines(root: Path) -> list[dict]:
    path = root / ".cache" / "newsletter" / "sent" / "2021-03.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_recipient_list_reports_invalid_lines(project):
    recipients = read_recipients(project / "list.txt")
    assert list(recipients.addresses) == READERS
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in recipients.problems] == ["4", "8", "10"]
    assert "'not-an-address' is not an email address" in recipients.problems[0]


def test_each_reader_gets_a_personal_multipart_message(project):
    inbox = Inbox()
    run = send(project, inbox, "--smtp-security", "none")
    assert run.code == 0, run.text
    assert inbox.addresses() == READERS
    assert "sent 8, already sent before 0, skipped 3, failed 0" in run.out
    assert "list.txt:4: 'not-an-address'" in run.err
    ids = set()
    for (to,), msg in inbox.messages:
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        assert msg["To"] == to and msg["Subject"] == "March <b>2021</b>"
        assert msg["Date"] == "Mon, 01 Mar 2021 00:00:00 +0000"
        personal = UNSUB.replace("{email}", to)
        assert msg["List-Unsubscribe"] == f"<{personal}>"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert msg["List-Id"] == '"ML Paper Digest" <news.example.org>'
        html = msg.get_body(("html",)).get_content()
        assert "<script" not in html and "&lt;script&gt;GAN&lt;/script&gt;" in html and personal in html
        assert f'href="{SITE_URL}tags/gans/"' in html
        assert personal in msg.get_body(("plain",)).get_content()
        ids.add(msg["Message-ID"])
    assert len(ids) == 8
    assert [entry["to"] for entry in log_lines(project)] == READERS
    assert [entry["message_id"] for entry in log_lines(project)] == [m["Message-ID"] for _, m in inbox.messages]

    # Rerun: everyone has it, nothing is sent; the same message ids would be made again.
    again = Inbox()
    run = send(project, again, "--smtp-security", "none")
    assert run.code == 0 and again.messages == [] and "sent 0, already sent before 8" in run.out


def test_refused_and_dropped_then_rerun_delivers_exactly_the_missing(project):
    first = Inbox(refuse_nth=3, drop_after=5)
    run = send(project, first, "--smtp-security", "none")
    assert run.code == 1
    # 1, 2 accepted; 3 refused; 4, 5, 6 accepted; the connection drops at the 7th.
    assert first.addresses() == [READERS[0], READERS[1], READERS[3], READERS[4], READERS[5]]
    assert f"failed: {READERS[2]}: 550 5.1.1 mailbox unavailable" in run.err
    assert "stopped: connection lost" in run.err and "2 not sent yet" in run.err
    assert "sent 5, already sent before 0, skipped 3, failed 1, not sent yet 2" in run.out

    dry = run_cli("-f", project / "mkdocs.yml", "email", "2021-03", "--dry-run", "--to", project / "list.txt")
    assert dry.code == 0 and [l.split()[-1] for l in dry.out.splitlines() if l.startswith("would send")] == \
        [READERS[2], READERS[6], READERS[7]]

    second = Inbox()
    run = send(project, second, "--smtp-security", "none")
    assert run.code == 0, run.text
    assert second.addresses() == [READERS[2], READERS[6], READERS[7]]
    delivered = first.addresses() + second.addresses()
    assert sorted(delivered) == sorted(READERS) and len(delivered) == len(set(delivered))  # each once in total
    assert sorted(e["to"] for e in log_lines(project)) == sorted(READERS)


def test_unreachable_server_sends_nothing_and_says_so(project):
    run = send_to(project, free_port(), "--smtp-security", "none")
    assert run.code == 1 and "could not connect" in run.err and "not sent yet 8" in run.out


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed to make a test certificate (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


def _server_context(certificate):
    import ssl
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def test_starttls_with_login(project, certificate, monkeypatch):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"mailer" and auth_data.password == b"s3cret")

    inbox = Inbox()
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test certificate, verify the host
    monkeypatch.setenv("NEWSLETTER_SMTP_USER", "mailer")
    monkeypatch.setenv("NEWSLETTER_SMTP_PASSWORD", "s3cret")
    run = send(project, inbox, tls_context=_server_context(certificate), require_starttls=True,  # default: starttls
               authenticator=authenticator, auth_require_tls=True)
    assert run.code == 0, run.text
    assert inbox.addresses() == READERS and logins == [(b"mailer", b"s3cret")]


def test_starttls_refuses_an_untrusted_certificate(project, certificate, monkeypatch):
    inbox = Inbox()
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    run = send(project, inbox, tls_context=_server_context(certificate), require_starttls=True)
    assert run.code == 1 and inbox.messages == [] and "CERTIFICATE_VERIFY_FAILED" in run.err


def test_implicit_tls(project, certificate, monkeypatch):
    inbox = Inbox()
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    run = send(project, inbox, "--smtp-security", "ssl", ssl_context=_server_context(certificate))
    assert run.code == 0, run.text
    assert inbox.addresses() == READERS


def test_bad_smtp_address_is_an_error_before_sending(project):
    run = run_cli("-f", project / "mkdocs.yml", "email", "2021-03", "--send", "--to", project / "list.txt",
                  "--smtp", "smtp.example.org")
    assert run.code == 1 and "write HOST:PORT" in run.err
    assert not (project / ".cache" / "newsletter" / "sent").exists()
