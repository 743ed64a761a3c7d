"""The email edition (generator/outputs/email.py) through `newsletter email --out`: a small
tree with tricky front matter and relative links, the .eml parsed by the standard `email`
package, the HTML by an HTML parser; bad input stops before anything is written; and a
golden test of the text part of the shipped content's March 2021 issue."""

from __future__ import annotations

import datetime as dt
import email
import os
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.outputs.email import message_id
from helpers import REPO, note_md, run_cli, write_project

SITE_URL = "https://example.org/news/"
EVIL_TITLE = '<b>bold</b> & co <script>alert("t")</script>'
EVIL_AUTHOR = "Zoë <img src=x onerror=alert(1)> & Co"
BODY = """\
Why it matters: `<script>alert(1)</script>` as code, and **bold** Markdown.

See [the GANs tag](../tags/gans.md), [the digest's NLP section](#nlp),
![a figure](../assets/figure.png) and <a href="../../tags/nlp/">a raw link</a>.

<script>alert("body")</script>
"""
CONTENT = {
    "content/issues/2021-03.md": "---\ntitle: March & <More> 2021\nsummary: GANs & attention <b>not bold</b>.\n"
                                 "sections: [Generative, NLP]\n---\n\nThe **March** intro, see [archive](index.md).\n",
    "content/notes/2021-03/evil-gan.md": note_md(EVIL_TITLE, "https://arxiv.org/abs/1?a=1&b=2", ["GANs", "<i>x</i>"],
                                                 BODY, authors=[EVIL_AUTHOR], section="Generative",
                                                 code="https://github.com/x/y"),
    "content/notes/2021-03/attention.md": note_md("Attention Is All You Need", "https://arxiv.org/abs/1706.03762",
                                                  ["NLP"], "Attention.", section="NLP"),
    "content/notes/2021-03/draft-one.md": note_md("Secret draft", "https://arxiv.org/abs/9", ["NLP"], "x", draft=True),
    "content/notes/2021-04/later.md": note_md("Later", "https://arxiv.org/abs/5", ["NLP"], "y"),
    "content/issues/2021-04.md": "---\ntitle: April\ndraft: true\n---\n",
    "content/assets/figure.png": b"\x89PNG\r\n\x1a\n",
}
EDITS = {"site_url: https://example.org/": f"site_url: {SITE_URL}",
         "      email_from:": "      email_unsubscribe: https://example.org/unsub?e={email}&list=1\n      email_from:"}


class Parsed(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Parsed:
    parser = Parsed()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("email")
    write_project(root, CONTENT, mkdocs_edits=EDITS)
    return root


@pytest.fixture(scope="module")
def written(project) -> Path:
    out = project / "out"
    run = run_cli("-f", project / "mkdocs.yml", "email", "2021-03", "--out", out)
    assert run.code == 0, run.text
    return out


def test_writes_eml_html_and_text(written):
    assert sorted(p.name for p in written.iterdir()) == ["2021-03.eml", "2021-03.html", "2021-03.txt"]


def test_eml_is_multipart_alternative_with_headers(written):
    msg = email.message_from_bytes((written / "2021-03.eml").read_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Subject"] == "March & <More> 2021"
    assert msg["From"].addresses[0].addr_spec == "digest@example.org"
    assert msg["Date"].datetime == dt.datetime(2021, 3, 1, tzinfo=dt.timezone.utc)
    assert msg["Message-ID"] == message_id("2021-03", "", "digest@example.org")
    assert msg["List-Id"] == '"ML Paper Digest" <news.example.org>'
    # The archive copy has no recipient: a personal unsubscribe URL is left out, not half-made.
    assert msg["List-Unsubscribe"] is None
    for kind, suffix in (("html", "html"), ("plain", "txt")):  # on the wire lines end in CRLF
        part = msg.get_body((kind,)).get_content().replace("\r\n", "\n")
        assert part.rstrip("\n") == (written / f"2021-03.{suffix}").read_text(encoding="utf-8").rstrip("\n")


def test_html_is_safe_absolute_and_inlined(written):
    html = (written / "2021-03.html").read_text(encoding="utf-8")
    parsed = parse(html)
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names and "link" not in names and "@import" not in html and "@font-face" not in html
    assert not any(tag == "img" and "onerror" in attrs for tag, attrs in parsed.tags)
    urls = [attrs[a] for _, attrs in parsed.tags for a in ("href", "src") if a in attrs]
    assert urls and all(u.startswith(("https://", "http://", "mailto:")) for u in urls), urls
    # Front-matter markup is text, never tags.
    text = "".join(parsed.text)
    assert EVIL_TITLE in text and EVIL_AUTHOR in text and "<i>x</i>" in text and "<b>not bold</b>" in text
    assert "<b>bold</b> &" not in html and "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    # Markdown links resolve as MkDocs resolves them from issues/2021-03.md, raw HTML from the page URL.
    for expected in (f"{SITE_URL}tags/gans/", f"{SITE_URL}issues/2021-03/#nlp", f"{SITE_URL}assets/figure.png",
                     f"{SITE_URL}tags/nlp/", f"{SITE_URL}issues/", f"{SITE_URL}issues/2021-03/#evil-gan",
                     "https://arxiv.org/abs/1?a=1&b=2", "https://github.com/x/y"):
        assert expected in urls, expected
    assert ("img", {"src": f"{SITE_URL}assets/figure.png", "alt": "a figure"}) in [
        (t, {k: v for k, v in a.items() if k in ("src", "alt")}) for t, a in parsed.tags]
    # One column of at most 640 px, CSS in style attributes, preheader first in the body.
    assert "max-width: 640px" in html and 'class="note" style=' in html
    assert html.index('class="preheader"') < html.index("<h1")
    styles = html.split("<style>")[1:]
    assert len(styles) == 1 and styles[0].lstrip().startswith("@media (prefers-color-scheme: dark)")
    assert "Secret draft" not in html


def test_text_part_is_readable(written):
    text = (written / "2021-03.txt").read_text(encoding="utf-8")
    assert text.startswith("March & <More> 2021\n===")
    assert f"Read on the web: {SITE_URL}issues/2021-03/" in text
    assert f"* {EVIL_TITLE}" in text and "Paper: https://arxiv.org/abs/1?a=1&b=2" in text
    assert f"the GANs tag ({SITE_URL}tags/gans/)" in text
    assert "<script>alert(1)</script>" in text  # the code span, as text
    assert "Secret draft" not in text


def test_draft_issue_is_never_made(project, tmp_path):
    run = run_cli("-f", project / "mkdocs.yml", "email", "2021-04", "--out", tmp_path / "o")
    assert run.code == 1 and "content/issues/2021-04.md: the issue is a draft" in run.err
    assert not (tmp_path / "o").exists()


def test_bad_note_is_path_line_error_before_writing(tmp_path):
    files = dict(CONTENT)
    files["content/notes/2021-03/bad.md"] = "---\ntitle: Bad\nurl: https://x.test/\ntags: llm\n---\n"
    root = tmp_path / "p"
    write_project(root, files, mkdocs_edits=EDITS)
    run = run_cli("-f", root / "mkdocs.yml", "email", "2021-03", "--out", root / "out")
    assert run.code == 1
    assert "content/notes/2021-03/bad.md:4: 'tags'" in run.err
    assert not (root / "out").exists()


def test_missing_sender_says_how_to_fix(tmp_path):
    root = tmp_path / "p"
    write_project(root, CONTENT, mkdocs_edits={'email_from: "ML Paper Digest <digest@example.org>"': 'email_from: ""'})
    run = run_cli("-f", root / "mkdocs.yml", "email", "2021-03", "--out", root / "out")
    assert run.code == 1 and "email_from: set the sender" in run.err and not (root / "out").exists()


GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "email__2021-03.txt"


def test_golden_text_of_shipped_march_2021(tmp_path):
    run = run_cli("-f", REPO / "mkdocs.yml", "email", "2021-03", "--out", tmp_path)
    assert run.code == 0, run.text
    actual = (tmp_path / "2021-03.txt").read_text(encoding="utf-8")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(actual, encoding="utf-8")
    assert GOLDEN.exists(), "no golden file; run with UPDATE_GOLDEN=1 and review it"
    assert actual == GOLDEN.read_text(encoding="utf-8"), "text part changed; if intended, UPDATE_GOLDEN=1 and review git diff"
