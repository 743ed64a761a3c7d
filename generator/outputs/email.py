"""Stage 4: the email edition of a digest (HTML part, text part, headers).

Pure: a published Month of the grouped Site, the site's URL and name, the email
settings and the site's Markdown extensions in, an `email.message.EmailMessage`
(or its HTML and text parts) out. Sending is elsewhere (generator/mailer.py).

Why render the notes here with Python-Markdown rather than cut them out of the
built site like the feeds do: `newsletter email` must work on a checkout with no
`site/` (or a stale one) and must fail on bad content before anything is sent, so
it reads the content itself, and the notes go through Python-Markdown (the
library MkDocs uses) with the site's own `markdown_extensions` from mkdocs.yml:
the same HTML the page shows, in a few milliseconds per issue. Links made by
Markdown are resolved as MkDocs resolves them (relative to the digest's source,
issues/YYYY-MM.md, with `.md` targets turned into their page URLs); links in raw
HTML are relative to the digest page's URL. Both become absolute from site_url.

Front-matter text (titles, authors, tags, sections, summary) is escaped with
`render.html_text`; only note and issue bodies are Markdown. The HTML is a single
column table of at most 640 px with its CSS inlined into `style` attributes by
css-inline (a maintained Rust inliner); the only `<style>` left is the dark-mode
`@media` rule, which clients that ignore it can do without. No script, no
external stylesheet, no web fonts (system font stack).

Headers are made from the content only, never the clock: `Date` is the first of
the issue's month (as in the feeds), `Message-ID` is a hash of the issue and the
recipient, so a resent message is recognised as the same one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import posixpath
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from html.parser import HTMLParser
from typing import Mapping, Sequence
from urllib.parse import quote, urlsplit

import css_inline
import markdown
from markdown.treeprocessors import Treeprocessor

from ..model import Month
from ..render import BADGE_LABELS, html_text, issue_path, md_url, tag_path
from .feeds import absolute_urls

MAX_WIDTH = 640
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)


@dataclass(frozen=True)
class EmailSettings:
    """The `email_*` options of the newsletter plugin (and their CLI overrides)."""

    sender: str  # From: 'ML Paper Digest <digest@example.org>'
    list_id: str = ""  # List-Id's id part, e.g. 'digest.example.org'; default from site_url
    unsubscribe: str = ""  # https URL or mailto:, may hold {email} (per recipient, URL-encoded)
    reply_to: str = ""


@dataclass(frozen=True)
class MarkdownSetup:
    extensions: Sequence = ()
    configs: Mapping[str, Mapping] = field(default_factory=dict)


@dataclass(frozen=True)
class Edition:
    month: str
    subject: str
    html: str
    text: str


# --------------------------------------------------------------------------- URLs


def page_url(site_url: str, source: str) -> str:
    """MkDocs' directory URL of a source page: issues/2021-03.md -> {site}issues/2021-03/."""
    stem = source[:-3]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[:-5]
    else:
        stem += "/"
    return site_url + quote(stem)


def digest_url(site_url: str, key: str) -> str:
    return page_url(site_url, issue_path(key))


class _AbsoluteLinks(Treeprocessor):
    """Links and images Markdown made: relative to the digest's source file, as MkDocs resolves them."""

    def __init__(self, md, site_url: str, source: str):
        super().__init__(md)
        self.site_url, self.source = site_url, source

    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, self.resolve(value.strip()))

    def resolve(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("#"):
            return url if not url.startswith("#") else page_url(self.site_url, self.source) + url
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.source), parts.path)).lstrip("/")
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if target.endswith(".md"):
            return page_url(self.site_url, target) + fragment
        return self.site_url + quote(target) + (f"?{parts.query}" if parts.query else "") + fragment


def render_markdown(text: str, setup: MarkdownSetup, site_url: str, key: str) -> str:
    """A note or intro as HTML, every link absolute."""
    md = markdown.Markdown(extensions=list(setup.extensions), extension_configs=dict(setup.configs))
    md.treeprocessors.register(_AbsoluteLinks(md, site_url, issue_path(key)), "nl_absolute", 1)
    out = _HEADERLINK.sub("", md.convert(text))
    return _SCRIPT.sub("", absolute_urls(out, digest_url(site_url, key)))  # raw HTML: relative to the page


# --------------------------------------------------------------------------- HTML

CSS = f"""
body {{ margin: 0; padding: 0; background: #f4f4f7; color: #1f2328;
  font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;
  font-size: 16px; line-height: 1.5; -webkit-text-size-adjust: 100%; }}
.wrap {{ width: 100%; background: #f4f4f7; }}
.main {{ width: 100%; max-width: {MAX_WIDTH}px; margin: 0 auto; background: #ffffff; }}
.cell {{ padding: 24px 20px; }}
.preheader {{ display: none; max-height: 0; overflow: hidden; mso-hide: all; font-size: 1px; line-height: 1px; color: #ffffff; opacity: 0; }}
h1 {{ font-size: 26px; line-height: 1.25; margin: 0 0 8px 0; color: #1f2328; }}
h2 {{ font-size: 20px; line-height: 1.3; margin: 32px 0 8px 0; padding-bottom: 4px; border-bottom: 2px solid #3f51b5; color: #1f2328; }}
h3 {{ font-size: 18px; line-height: 1.35; margin: 24px 0 4px 0; }}
h3 a {{ color: #1f2328; text-decoration: none; }}
p {{ margin: 0 0 12px 0; }}
a {{ color: #3f51b5; }}
img {{ max-width: 100%; height: auto; border: 0; }}
pre {{ white-space: pre-wrap; word-wrap: break-word; background: #f0f0f3; padding: 8px; font-size: 14px; }}
code {{ font-family: Menlo, Consolas, monospace; font-size: 14px; word-wrap: break-word; }}
table.content {{ width: 100%; }}
.summary {{ font-size: 17px; color: #57606a; }}
.web {{ font-size: 13px; color: #57606a; }}
.authors {{ color: #57606a; font-size: 14px; margin: 0 0 6px 0; }}
.links {{ margin: 0 0 6px 0; font-size: 14px; }}
.badge {{ display: inline-block; padding: 2px 8px; margin: 0 4px 4px 0; border-radius: 4px; background: #3f51b5; color: #ffffff; text-decoration: none; font-weight: bold; }}
.tags {{ margin: 0 0 8px 0; font-size: 13px; }}
.chip {{ display: inline-block; padding: 1px 8px; margin: 0 4px 4px 0; border-radius: 10px; border: 1px solid #c5cae9; color: #3f51b5; text-decoration: none; }}
.note {{ overflow-wrap: break-word; word-wrap: break-word; }}
.footer {{ font-size: 13px; color: #57606a; padding: 16px 20px 32px 20px; }}
.footer a {{ color: #57606a; }}
"""

# Kept as a <style> block (clients without it show the light colours, still readable).
DARK_CSS = """
@media (prefers-color-scheme: dark) {
  body, .wrap { background: #111318 !important; color: #e6e6e6 !important; }
  .main { background: #1c1f26 !important; }
  h1, h2, h3, h3 a { color: #f0f0f0 !important; }
  a, .chip { color: #9fa8ff !important; }
  .badge { color: #ffffff !important; background: #3f51b5 !important; }
  .summary, .authors, .web, .footer, .footer a { color: #b0b6c0 !important; }
  pre { background: #2a2e37 !important; }
}
"""

_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def _a(href: str, text: str, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<a{klass} href="{html.escape(href, quote=True)}">{text}</a>'


def edition_html(month: Month, site_url: str, site_name: str, setup: MarkdownSetup, unsubscribe: str = "") -> str:
    """The whole HTML document of the issue, CSS inlined."""
    web = digest_url(site_url, month.key)
    count = len(month.notes)
    preheader = month.summary or f"{count} paper{'s' if count != 1 else ''} from {site_name}"
    body = [f'<p class="web">{_a(web, "Read on the web")} · {html_text(site_name)}</p>',
            f"<h1>{html_text(month.title)}</h1>"]
    if month.summary:
        body.append(f'<p class="summary">{html_text(month.summary)}</p>')
    if month.intro.strip():
        body.append(render_markdown(month.intro, setup, site_url, month.key))
    for section in month.sections:
        if section.name is not None:
            body.append(f"<h2>{html_text(section.name)}</h2>")
        elif len(month.sections) > 1:
            body.append("<h2>More papers</h2>")
        for note in section.notes:
            body.append(f'<h3>{_a(md_url(note.url), html_text(note.title))}</h3>')
            if note.authors:
                body.append(f'<p class="authors">{html_text(", ".join(note.authors))}</p>')
            badges = [_a(md_url(note.url), BADGE_LABELS["paper"], "badge")]
            badges += [_a(md_url(l.url), BADGE_LABELS[l.kind], "badge") for l in note.links]
            body.append(f'<p class="links">{" ".join(badges)}</p>')
            chips = " ".join(_a(page_url(site_url, tag_path(t.slug)), html_text(t.name), "chip") for t in note.tags)
            body.append(f'<p class="tags">{chips}</p>')
            if note.body.strip():
                body.append(f'<div class="note">{render_markdown(note.body, setup, site_url, month.key)}</div>')
            body.append(f'<p class="web">{_a(f"{web}#{note.slug}", "Read on the web")}</p>')
    footer = [f"You are receiving {html_text(site_name)}. {_a(web, 'Read this issue on the web')} · {_a(site_url, html_text(site_name))}"]
    if unsubscribe:
        footer.append(f" · {_a(unsubscribe, 'Unsubscribe')}")
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{html_text(month.title)}</title>
<style>{CSS}</style>
<style>{DARK_CSS}</style>
</head>
<body>
<div class="preheader">{html_text(preheader)}</div>
<table role="presentation" class="wrap" cellpadding="0" cellspacing="0" border="0" width="100%"><tr><td align="center">
<table role="presentation" class="main" cellpadding="0" cellspacing="0" border="0" width="100%"><tr><td class="cell">
{chr(10).join(body)}
</td></tr><tr><td class="footer">{"".join(footer)}</td></tr></table>
</td></tr></table>
</body>
</html>
"""
    return _INLINER.inline(document)


# --------------------------------------------------------------------------- text


class _Text(HTMLParser):
    """HTML of a note as readable plain text: paragraphs, list items, links written out."""

    BLOCKS = {"p", "div", "ul", "ol", "pre", "blockquote", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str | None] = []
        self.pre = 0
        self.lists: list[list] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.BLOCKS:
            self.out.append("\n\n")
        if tag == "pre":
            self.pre += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            kind = self.lists[-1] if self.lists else ["ul", 0]
            kind[1] += 1
            self.out.append("\n" + "  " * (len(self.lists) - 1) + ("- " if kind[0] == "ul" else f"{kind[1]}. "))
        elif tag == "a":
            self.links.append(attrs.get("href"))
            self.out.append("\0")  # where the link text starts
        elif tag == "img":
            self.out.append(f"[{attrs.get('alt') or 'image'}: {attrs.get('src', '')}]")

    def handle_endtag(self, tag):
        if tag == "pre":
            self.pre -= 1
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "a" and self.links:
            href = self.links.pop()
            start = max(i for i, s in enumerate(self.out) if s == "\0")
            text = "".join(self.out[start + 1:])
            del self.out[start:]
            self.out.append(text if not href or href == text.strip() else f"{text} ({href})")
        if tag in self.BLOCKS:
            self.out.append("\n\n")

    def handle_data(self, data):
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))

    def text(self) -> str:
        joined = "".join(self.out).replace("\0", "")
        lines = [line.rstrip() if self.pre else line.strip() for line in joined.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return parser.text()


def _one_line(value: str) -> str:
    return " ".join(value.split())


def edition_text(month: Month, site_url: str, site_name: str, setup: MarkdownSetup, unsubscribe: str = "") -> str:
    web = digest_url(site_url, month.key)
    title = _one_line(month.title)
    out = [title, "=" * len(title), ""]
    if month.summary:
        out += [_one_line(month.summary), ""]
    out += [f"Read on the web: {web}", ""]
    if month.intro.strip():
        out += [html_to_text(render_markdown(month.intro, setup, site_url, month.key)), ""]
    for section in month.sections:
        name = section.name if section.name is not None else ("More papers" if len(month.sections) > 1 else None)
        if name is not None:
            name = _one_line(name)
            out += ["", name, "-" * len(name), ""]
        for note in section.notes:
            out.append(f"* {_one_line(note.title)}")
            if note.authors:
                out.append(f"  {_one_line(', '.join(note.authors))}")
            out.append(f"  Paper: {md_url(note.url)}")
            out += [f"  {BADGE_LABELS[l.kind]}: {md_url(l.url)}" for l in note.links]
            out.append(f"  Tags: {', '.join(_one_line(t.name) for t in note.tags)}")
            out.append("")
            if note.body.strip():
                out += [html_to_text(render_markdown(note.body, setup, site_url, month.key)), ""]
            out += [f"  On the web: {web}#{note.slug}", ""]
    out += ["-- ", f"{site_name}: {site_url}"]
    if unsubscribe:
        out.append(f"Unsubscribe: {unsubscribe}")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- message


def issue_date(key: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{key}-01T00:00:00+00:00")


def default_list_id(site_url: str) -> str:
    parts = urlsplit(site_url)
    path = parts.path.strip("/").replace("/", ".")
    return ".".join(p for p in (path, parts.hostname or "newsletter.invalid") if p)


def message_id(key: str, recipient: str, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "newsletter.invalid"
    digest = hashlib.sha256(f"{key}\0{recipient.casefold()}".encode()).hexdigest()[:24]
    return f"<{key}.{digest}@{domain}>"


# Stands for the recipient in the rendered edition: rendered once, personalised per message.
RECIPIENT = "nl-recipient-3f9c1b7e"


def unsubscribe_for(template: str, recipient: str) -> str:
    """The unsubscribe target of one recipient: {email} is replaced, URL-encoded. Without a
    recipient (the archive copy) a personal URL is left out rather than sent half-made."""
    if not template or ("{email}" in template and not recipient):
        return ""
    return template.replace("{email}", quote(recipient, safe="@"))


def edition(month: Month, site_url: str, site_name: str, setup: MarkdownSetup, settings: EmailSettings) -> Edition:
    """The issue rendered once; `personal` makes each recipient's copy of it."""
    unsubscribe = unsubscribe_for(settings.unsubscribe, RECIPIENT)
    return Edition(month.key, _one_line(month.title),
                   edition_html(month, site_url, site_name, setup, unsubscribe),
                   edition_text(month, site_url, site_name, setup, unsubscribe))


def personal(edition_: Edition, recipient: str) -> Edition:
    """The edition as one recipient gets it (their unsubscribe link; none without a recipient)."""
    if RECIPIENT not in edition_.html and RECIPIENT not in edition_.text:
        return edition_
    value = quote(recipient, safe="@")
    if not recipient:  # archive copy: drop the personal unsubscribe link
        html_ = re.sub(r' · <a [^>]*href="[^"]*' + RECIPIENT + r'[^"]*"[^>]*>Unsubscribe</a>', "", edition_.html)
        text = re.sub(r"\nUnsubscribe: \S*" + RECIPIENT + r"\S*", "", edition_.text)
        return Edition(edition_.month, edition_.subject, html_, text)
    return Edition(edition_.month, edition_.subject, edition_.html.replace(RECIPIENT, value),
                   edition_.text.replace(RECIPIENT, value))


def message(edition_: Edition, site_url: str, site_name: str, settings: EmailSettings,
            recipient: str = "") -> EmailMessage:
    """The MIME message (multipart/alternative: text, then HTML) for one recipient
    (or, without one, the archive copy written to YYYY-MM.eml)."""
    edition_ = personal(edition_, recipient)
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = edition_.subject
    msg["From"] = settings.sender
    if recipient:
        msg["To"] = recipient
    if settings.reply_to:
        msg["Reply-To"] = settings.reply_to
    msg["Date"] = format_datetime(issue_date(edition_.month))
    msg["Message-ID"] = message_id(edition_.month, recipient, settings.sender)
    list_name = _one_line(site_name).replace('"', "'")
    msg["List-Id"] = f'"{list_name}" <{settings.list_id or default_list_id(site_url)}>'
    msg["List-Archive"] = f"<{site_url}issues/>"
    if settings.unsubscribe:
        target = unsubscribe_for(settings.unsubscribe, recipient)
    if settings.unsubscribe and target:
        msg["List-Unsubscribe"] = f"<{target}>"
        if target.startswith("https:"):  # RFC 8058 one-click needs an HTTPS URL
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["MIME-Version"] = "1.0"
    msg.set_content(edition_.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(edition_.html, subtype="html", charset="utf-8", cte="quoted-printable")
    # The default boundary is random; one from the Message-ID keeps the .eml deterministic
    # (quoted-printable lines never start with "--=_", so it cannot occur in a part).
    msg.set_boundary("=_nl_" + hashlib.sha256(msg["Message-ID"].encode()).hexdigest()[:32])
    return msg


def check_settings(settings: EmailSettings) -> list[str]:
    """What is wrong with the email options, each with how to fix it."""
    wrong = []
    name, address = parseaddr(settings.sender)
    if not settings.sender or "@" not in address:
        wrong.append("email_from: set the sender, e.g. email_from: 'ML Paper Digest <digest@example.org>' under the "
                     "newsletter plugin in mkdocs.yml (or --from)")
    else:
        try:
            Address(addr_spec=address)
        except (ValueError, IndexError) as exc:
            wrong.append(f"email_from: {settings.sender!r} is not an address ({exc})")
    if settings.unsubscribe and not re.match(r"(https?:|mailto:)", settings.unsubscribe):
        wrong.append(f"email_unsubscribe: {settings.unsubscribe!r} must be an https:// URL or a mailto: address")
    return wrong
