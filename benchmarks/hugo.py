"""The synthetic notes as a Hugo site, so the benchmark can time Hugo side by side.

One page per note (content/posts/<month>/<slug>.md), one list page per month
section (its papers grouped by the note's section, like our digests), a page per
tag and the tags index, the home page, an RSS feed for the site and for every
tag (50 newest items with full content, like our Atom feeds with feed_limit 50)
and Hugo's sitemap. The theme is a few templates written into layouts/: it shows
title, authors, paper and code links, tags and content, no more, so Hugo does
comparable work to `newsletter build` (which renders Material's theme and a
search index on top, a handicap on our side).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from .corpus import SECTIONS, Corpus, CorpusNote, _front_matter

INSTALL_HINT = "apt-get install hugo"

CONFIG = """\
baseURL = "https://example.org/"
languageCode = "en"
title = "Hugo benchmark"
buildFuture = true
disableKinds = ["robotsTXT"]

[taxonomies]
  tag = "tags"

# Feeds where ours has them: the whole site and every tag.
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]

[params]
  sections = [{sections}]
"""

BASEOF = """\
<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a> · <a href="{{ "tags/" | relURL }}">Tags</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p class="authors"><em>{{ delimit .Params.authors ", " }}</em></p>
<p class="links"><a href="{{ .Params.paper }}">Paper</a>{{ with .Params.code }} · <a href="{{ . }}">Code</a>{{ end }}
 · {{ .Params.category }} · <a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></p>
<p class="tags">{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}
</article>
{{ end }}
"""

# A month section: its papers grouped by the notes' section, in the newsletter's order
# (posts/ itself: the list of months).
LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Sections.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ $pages := .Pages }}
{{ range site.Params.sections }}
{{ $section := . }}
{{ with where $pages "Params.category" $section }}
<h2>{{ $section }}</h2>
<ul>
{{ range .ByTitle }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> · <em>{{ delimit .Params.authors ", " }}</em>
 · {{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</li>
{{ end }}
</ul>
{{ end }}
{{ end }}
{{ end }}
"""

# Home: the issues (month sections under posts/), newest first.
INDEX = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul>
{{ range (site.GetPage "/posts").Sections.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>: {{ .Params.summary }} ({{ len .Pages }} papers)</li>
{{ end }}
</ul>
{{ end }}
"""

# One tag: its papers, newest first.
TERM = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>{{ len .Pages }} papers</p>
<ul>
{{ range .Pages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> · {{ .CurrentSection.Title }}
 · <em>{{ delimit .Params.authors ", " }}</em></li>
{{ end }}
</ul>
{{ end }}
"""

# The tags index.
TERMS = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
"""

RSS = """\
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
<link>{{ .Permalink }}</link>
<description>{{ site.Title }}</description>
{{ with .OutputFormats.Get "RSS" }}<atom:link href="{{ .Permalink }}" rel="self" type="application/rss+xml"/>{{ end }}
{{ range first 50 (cond .IsHome site.RegularPages .Pages).ByDate.Reverse }}
<item>
<title>{{ .Title }}</title>
<link>{{ .Permalink }}</link>
<guid>{{ .Permalink }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
<description>{{ .Content | html }}</description>
</item>
{{ end }}
</channel>
</rss>
"""

NOT_FOUND = """\
{{ define "main" }}<h1>Page not found</h1>{{ end }}
"""

LAYOUTS = {
    "_default/baseof.html": BASEOF,
    "_default/single.html": SINGLE,
    "_default/list.html": LIST,
    "_default/term.html": TERM,
    "_default/terms.html": TERMS,
    "_default/rss.xml": RSS,
    "index.html": INDEX,
    "404.html": NOT_FOUND,
}


def hugo_post(note: CorpusNote) -> str:
    """A note as a Hugo page. `url` is reserved by Hugo (it sets the page's own URL),
    so the paper link is `paper`; the note's section becomes `category`, which the
    month page groups by (a page param, not a taxonomy: our site has no pages per
    section either)."""
    meta = {"title": note.title, "date": dt.date.fromisoformat(note.date), "tags": note.tags,
            "category": note.section, "authors": note.authors, "paper": note.url}
    if note.code:
        meta["code"] = note.code
    return _front_matter(meta) + note.body + "\n"


def write_hugo(corpus: Corpus, root: Path) -> Path:
    """The same notes as a Hugo project (config, content, layouts). Returns its root."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    sections = ", ".join(f'"{name}"' for name, _ in SECTIONS)
    (root / "config.toml").write_text(CONFIG.format(sections=sections), encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    posts = root / "content" / "posts"
    used: set[str] = set()
    for note in corpus.notes:
        folder = posts / note.month
        if note.month not in used:
            used.add(note.month)
            folder.mkdir(parents=True)
        (folder / f"{note.slug}.md").write_text(hugo_post(note), encoding="utf-8")
    # The issue intro (title, summary, editorial) as the month section's own page.
    for number, month in enumerate(corpus.months, start=1):
        if month in used:
            meta = {"title": f"Issue {number}", "date": dt.date.fromisoformat(f"{month}-01"),
                    "summary": f"The papers we read in {month}."}
            (posts / month / "_index.md").write_text(
                _front_matter(meta) + "A short editorial introduction to this month's issue.\n", encoding="utf-8")
    return root


def hugo_version(binary: str) -> str:
    out = subprocess.run([binary, "version"], capture_output=True, text=True, check=True, timeout=60)
    return out.stdout.strip()


def check_site(corpus: Corpus, site: Path) -> int:
    """Hugo exits 0 when a template is missing (it only warns), so check that every
    note, month, tag page and feed was written and shows what it should. Returns
    the number of HTML pages."""
    problems = [f"{page.relative_to(site)} is missing" for page in
                (site / "posts" / note.month / note.slug / "index.html" for note in corpus.notes) if not page.is_file()]
    first = corpus.notes[0]
    page = site / "posts" / first.month / first.slug / "index.html"
    if page.is_file():
        html = page.read_text(encoding="utf-8")
        problems += [f"{page.relative_to(site)} does not show {expected!r}"
                     for expected in (first.title, first.authors[0], first.url, first.tags[0], "<li>") if expected not in html]
    month = corpus.notes[0].month
    for path, expected in ((f"posts/{month}/index.html", corpus.notes[0].title), ("index.html", "Issue 1"),
                           ("tags/index.html", corpus.notes[0].tags[0]), ("index.xml", "<item>"),
                           ("sitemap.xml", "<urlset")):
        file = site / path
        if not file.is_file() or expected not in file.read_text(encoding="utf-8"):
            problems.append(f"{path} is missing or does not show {expected!r}")
    tags = {tag for note in corpus.notes for tag in note.tags}
    terms = [d for d in (site / "tags").glob("*/") if (d / "index.html").is_file() and (d / "index.xml").is_file()]
    if len(terms) != len(tags):
        problems.append(f"{len(terms)} tag pages with a feed under tags/, expected {len(tags)}")
    if problems:
        raise RuntimeError(f"the Hugo build in {site} is incomplete:\n" + "\n".join(problems[:20]))
    return sum(1 for _ in site.rglob("*.html"))
