"""Link integrity: generator/checks/linkcheck.py rule by rule on hand-made folders, then on a
real build (each kind of link is proven checked by breaking it in a copy), and the
check as `newsletter check --site` and inside `newsletter build`."""

from __future__ import annotations

import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.checks.linkcheck import _scan, check_site
from helpers import build, note_md, run_cli, write_project

SITE_URL = "https://example.org/"


def write(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def broken(folder: Path, site_url: str | None = SITE_URL) -> list[str]:
    return [str(b) for b in check_site(folder, site_url).broken]


# ----------------------------------------------------------------- rules, by hand

def test_directory_urls_fragments_and_assets_resolve(tmp_path):
    write(tmp_path, {
        "index.html": '<link rel="stylesheet" href="assets/site.css">\n<script src="assets/app.js"></script>\n'
                      '<a href="a/">a</a> <a href="a">a</a> <a href="a/#x">x</a> <a href="a/index.html#x">x</a>\n'
                      '<a href="./">home</a> <a href="">self</a> <a href="#">top</a> <a href="#top">top</a>\n'
                      '<a href="#here" id="here">here</a> <img src="assets/i.png" srcset="assets/i.png 1x, assets/i.png 2x">',
        "a/index.html": '<h2 id="x">X</h2><a href="../">up</a> <a href="../#here">back</a>',
        "assets/site.css": "body { background: url('i.png') }",
        "assets/app.js": "",
        "assets/i.png": "",
    })
    report = check_site(tmp_path, SITE_URL)
    assert report.broken == ()
    assert report.links == 17  # 14 in index.html (3 for the srcset img), 2 in a/, 1 in the CSS


def test_missing_files_and_fragments_are_reported_with_file_and_line(tmp_path):
    write(tmp_path, {
        "index.html": '<!doctype html>\n<link rel="stylesheet" href="assets/gone.css">\n<script src="gone.js"></script>\n'
                      '<a href="b/">b</a>\n<a href="a/#nope">nope</a>\n<img srcset="a.png 1x, gone.png 2x">\n<a href="#nothere">x</a>',
        "a/index.html": '<h2 id="x">X</h2>',
        "a.png": "",
    })
    assert broken(tmp_path) == [
        "index.html:2: broken link -> assets/gone.css (no file assets/gone.css)",
        "index.html:3: broken link -> gone.js (no file gone.js)",
        "index.html:4: broken link -> b/ (no file b/index.html)",
        'index.html:5: broken link -> a/#nope (no id "nope" in a/index.html)',
        "index.html:6: broken link -> gone.png (no file gone.png)",
        'index.html:7: broken link -> #nothere (no id "nothere" in index.html)',
    ]


def test_name_anchors_and_percent_encoded_ids(tmp_path):
    write(tmp_path, {"index.html": '<a name="legacy"></a><h2 id="café">C</h2><p id="a b">s</p>\n'
                                   '<a href="#legacy">1</a><a href="#caf%C3%A9">2</a><a href="#a%20b">3</a>'
                                   '<span name="not-an-anchor"></span><a href="#not-an-anchor">4</a>'})
    assert broken(tmp_path) == ['index.html:2: broken link -> #not-an-anchor (no id "not-an-anchor" in index.html)']


def test_other_sites_and_non_http_links_are_not_checked(tmp_path):
    write(tmp_path, {"index.html": '<a href="https://arxiv.org/abs/1">p</a><a href="mailto:x@example.org">m</a>'
                                   '<img src="data:image/png;base64,AAAA"><a href="javascript:void(0)">j</a>'
                                   '<script src="//cdn.example.net/x.js"></script><a href="tel:+1">t</a>'})
    report = check_site(tmp_path, SITE_URL)
    assert (report.links, report.broken) == (0, ())


def test_root_relative_and_absolute_links_under_a_subpath(tmp_path):
    write(tmp_path, {
        "index.html": '<a href="/newsletter/a/#x">1</a>\n<a href="https://example.org/newsletter/a/">2</a>\n'
                      '<a href="https://example.org/blog/">other site on the host</a>\n<a href="/a/">3</a>\n'
                      '<link rel="stylesheet" href="/assets/x.css">\n<a href="../../a/">4</a>\n<a href="/newsletter">5</a>',
        "a/index.html": '<h2 id="x">X</h2>',
    })
    assert broken(tmp_path, "https://example.org/newsletter/") == [
        "index.html:4: broken link -> /a/ (outside the site root /newsletter/)",
        "index.html:5: broken link -> /assets/x.css (outside the site root /newsletter/)",
        "index.html:6: broken link -> ../../a/ (outside the site root /newsletter/)",
    ]
    # The same folder served at the host's root: the /newsletter/ links are the broken ones.
    assert broken(tmp_path, "https://example.org/") == [
        "index.html:1: broken link -> /newsletter/a/#x (no file newsletter/a/index.html)",
        "index.html:2: broken link -> https://example.org/newsletter/a/ (no file newsletter/a/index.html)",
        "index.html:3: broken link -> https://example.org/blog/ (no file blog/index.html)",
        "index.html:5: broken link -> /assets/x.css (no file assets/x.css)",
        "index.html:7: broken link -> /newsletter (no file newsletter)",
    ]


def test_css_url_references(tmp_path):
    write(tmp_path, {"assets/css/site.css": "a{}\n.x { background: url(\"../img/missing.png\") }\n"
                                            ".y { background: url(data:image/png;base64,AAAA) }\n.z { mask: url(../img/ok.svg) }",
                     "assets/img/ok.svg": "<svg/>"})
    assert broken(tmp_path) == ["assets/css/site.css:2: broken link -> ../img/missing.png (no file assets/img/missing.png)"]


def test_feed_links_and_the_links_inside_entries(tmp_path):
    entry_html = '&lt;a href="../b/#gone"&gt;b&lt;/a&gt; &lt;a href="#p"&gt;p&lt;/a&gt; &lt;a href="https://arxiv.org/x"&gt;x&lt;/a&gt;'
    write(tmp_path, {
        "a/index.html": '<h2 id="p">P</h2>',
        "b/index.html": "",
        "feed.xml": '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                    '<link rel="self" href="https://example.org/feed.xml"/><link rel="alternate" href="https://example.org/"/>'
                    '<subtitle type="text">Plain text, not a link: &lt;img src="x"&gt;</subtitle>'
                    '<entry><id>https://example.org/a/#p</id><link href="https://example.org/a/#p"/>'
                    f'<content type="html" xml:base="https://example.org/a/">{entry_html}</content></entry></feed>',
    })
    assert broken(tmp_path) == [
        "feed.xml: broken link -> https://example.org/ (no file index.html)",
        'feed.xml: broken link -> ../b/#gone (no id "gone" in b/index.html)',
    ]


def test_search_index_and_material_search_settings(tmp_path):
    write(tmp_path, {
        "index.html": '<h2 id="x">X</h2>',
        "a/index.html": '<script id="__config" type="application/json">{"base": "..", "search": "../assets/worker.js"}</script>',
        "search/search_index.json": '{"docs": [{"location": ""}, {"location": "#x"}, {"location": "a/"}, {"location": "#y"}]}',
    })
    assert broken(tmp_path) == [
        "a/index.html:1: broken link -> ../assets/worker.js (no file assets/worker.js)",
        'search/search_index.json: broken link -> #y (no id "y" in index.html)',
    ]


def test_zensicals_search_index_at_the_site_root(tmp_path):
    """A site built by Zensical (an export: mkdocs/export.py) loads `search.json` from base,
    with `items`; without it, the same page settings report it missing."""
    write(tmp_path, {
        "index.html": '<h2 id="x">X</h2>',
        "a/index.html": '<script id="__config" type="application/json">{"base": "..", "search": "../worker.js"}</script>',
        "worker.js": "",
        "search.json": '{"config": {}, "items": [{"location": "#x"}, {"location": "a/"}, {"location": "#gone"}]}',
    })
    assert broken(tmp_path) == ['search.json: broken link -> #gone (no id "gone" in index.html)']
    (tmp_path / "search.json").unlink()
    assert broken(tmp_path) == ["a/index.html:1: broken link -> ../search/search_index.json (no file search/search_index.json)"]


class _Reference(HTMLParser):
    """What the scan must find, read by the standard library's HTML parser."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        found = [values[name] for name in ("href", "src", "poster") if values.get(name) is not None]
        if values.get("srcset"):
            found += [item.split()[0] for item in values["srcset"].split(",") if item.strip()]
        self.links += [(self.getpos()[0], link) for link in found]


def _random_html(rng: random.Random) -> str:
    """Tags with every kind of attribute the scan steps over or reads, in text, comments and scripts."""
    names = ["id", "ID", "name", "href", "HREF", "src", "srcset", "poster", "class", "title", "data-id",
             "grid", "offset", "charset", "type", "for", "d", "xlink:href", "data-src", "hidden", "Id"]
    values = ['"p"', '"#p"', '"../x/"', "'q'", '"a > b"', '"a<b"', "'say \"hi\"'", '"x&amp;y"', '"id=z"',
              '""', "u", "u/", "../v/#w", '"s.png 1x, t.png 2x"', '"caf&eacute;"']
    tags = ["a", "A", "img", "link", "div", "p", "span", "video", "source", "h2", "script", "style", "Script"]
    spaces = [" ", "\n", "  ", "\t", " \n "]
    parts = []
    for _ in range(rng.randrange(20, 60)):
        roll = rng.random()
        if roll < 0.2:
            parts.append(rng.choice(["text ", 'id="nope" ', "a > b ", "1 < 2 ", "\n", "&amp; ", "</p>", "</a>\n"]))
        elif roll < 0.25:
            parts.append(f'<!-- <a href="{rng.choice(["c1", "c2"])}"> {rng.choice(["", "id=x", "<p id=c>"])} -->')
        else:
            tag = rng.choice(tags)
            attributes = "".join(
                rng.choice(spaces) + rng.choice(names)
                + ("" if rng.random() < 0.1 else rng.choice(["=", " = ", "="]) + rng.choice(values))
                for _ in range(rng.randrange(0, 4)))
            end = rng.choice([">", ">", "/>", " />"]) if tag.lower() not in ("script", "style") else ">"
            parts.append(f"<{tag}{attributes}{end}")
            if tag.lower() in ("script", "style"):
                parts.append(f'var s = "<a href=\'in-{tag}\'>"; x = a<b;</{tag}>')
    return "".join(parts)


def test_the_scan_finds_what_the_standard_html_parser_finds():
    rng = random.Random(20261121)
    for _ in range(400):
        text = _random_html(rng)
        reference = _Reference()
        reference.feed(text)
        reference.close()
        starts: list[int] = []
        ids, links, _ = _scan(text, starts)
        assert ids == reference.ids, text
        assert [(text.count("\n", 0, start) + 1, link) for start, link in zip(starts, links)] == reference.links, text
        assert _scan(text)[1] == links


def test_a_relative_link_is_judged_from_its_own_folder(tmp_path):
    """Links are judged once per folder they climb to; the same text from another folder is another link."""
    write(tmp_path, {
        "a/b/index.html": '<a href="../x/">1</a>\n<a href="../../x/">2</a>\n<a href="#here">3</a>\n<a href="../../../x/">4</a>',
        "c/d/index.html": '<a href="../x/">1</a>\n<a href="../../x/">2</a>\n<a href="#here" id="here">3</a>',
        "index.html": '<a href="x/">1</a><a href="a/x/#y">2</a>',
        "a/x/index.html": '<p id="y">',
        "x/index.html": "",
    })
    assert broken(tmp_path) == [
        'a/b/index.html:3: broken link -> #here (no id "here" in a/b/index.html)',
        "c/d/index.html:1: broken link -> ../x/ (no file c/x/index.html)",
    ]
    assert broken(tmp_path, "https://example.org/newsletter/") == [
        'a/b/index.html:3: broken link -> #here (no id "here" in a/b/index.html)',
        "a/b/index.html:4: broken link -> ../../../x/ (outside the site root /newsletter/)",
        "c/d/index.html:1: broken link -> ../x/ (no file c/x/index.html)",
    ]


def test_broken_links_keep_their_order_and_the_line_their_tag_starts_on(tmp_path):
    write(tmp_path, {"index.html": '<p>\n<a class="x"\n   href="gone/">1</a> <a href=\'gone/\'>2</a>\n'
                                   '<img\nsrc="i.png" srcset="i.png 1x, j.png 2x"> <a href="gone/">3</a>',
                     "i.png": ""})
    assert broken(tmp_path) == [
        "index.html:2: broken link -> gone/ (no file gone/index.html)",
        "index.html:3: broken link -> gone/ (no file gone/index.html)",
        "index.html:4: broken link -> j.png (no file j.png)",
        "index.html:5: broken link -> gone/ (no file gone/index.html)",
    ]


def test_an_entry_in_several_feeds_is_judged_against_each_base(tmp_path):
    """A feed entry recurs in several feeds: read once, but judged against the xml:base
    of each place it is in, and reported in each feed."""
    entry = '&lt;a href="../b/"&gt;b&lt;/a&gt; &lt;a href="https://example.org/a/#gone"&gt;a&lt;/a&gt;'

    def feed(base: str) -> str:
        return ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
                f'<content type="html" xml:base="https://example.org/{base}/">{entry}</content></entry></feed>')

    write(tmp_path, {"a/index.html": "", "x/b/index.html": "",
                     "one.xml": feed("x/y"), "two.xml": feed("z/y"), "three.xml": feed("x/y")})
    report = check_site(tmp_path, SITE_URL)
    assert [str(b) for b in report.broken] == [
        'one.xml: broken link -> https://example.org/a/#gone (no id "gone" in a/index.html)',
        'three.xml: broken link -> https://example.org/a/#gone (no id "gone" in a/index.html)',
        "two.xml: broken link -> ../b/ (no file z/b/index.html)",
        'two.xml: broken link -> https://example.org/a/#gone (no id "gone" in a/index.html)',
    ]
    assert report.links == 6


# ------------------------------------------------------------------- a real build

FILES = {
    "content/issues/2021-03.md": note_md(title="March", url=None, tags=None, summary="Vision and GANs.",
                                         body="See [the February paper](2021-02.md#feb-paper)."),
    "content/notes/2021-03/vision-one.md": note_md(title="Vision One", url="https://papers.test/v1", tags=["CV", "SSL"],
                                                   code="https://code.papers.test/v1"),
    "content/notes/2021-03/gan-two.md": note_md(title="GAN Two", url="https://papers.test/g2", tags=["GANs"],
                                                body="Builds on [Vision One](#vision-one)."),
    "content/notes/2021-02/feb-paper.md": note_md(title="Feb Paper", url="https://papers.test/feb", tags=["GANs", "NLP"]),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return write_project(tmp_path_factory.mktemp("links") / "project", FILES)


@pytest.fixture(scope="module")
def site(project, tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("links-site") / "site"
    run = build(project, site_dir)
    assert run.code == 0, run.text
    return site_dir


def test_every_internal_link_of_the_built_site_resolves(site):
    report = check_site(site, SITE_URL)
    assert report.broken == ()
    pages = len(list(site.rglob("*.html")))
    assert report.links > 40 * pages  # navigation, assets, anchors, feeds, search index: all counted


def _first(site: Path, pattern: str) -> str:
    return next(site.glob(pattern)).relative_to(site).as_posix()


MUTATIONS = {
    # name: (how to break the copy, text every report line must contain, minimum number of lines)
    "theme stylesheet": (lambda s: (s / _first(s, "assets/stylesheets/main.*.min.css")).unlink(), "assets/stylesheets/main.", 8),
    "newsletter stylesheet": (lambda s: (s / "assets/stylesheets/newsletter.css").unlink(), "newsletter.css", 8),
    "theme script": (lambda s: (s / _first(s, "assets/javascripts/bundle.*.min.js")).unlink(), "bundle.", 8),
    "search worker": (lambda s: (s / _first(s, "assets/javascripts/workers/search.*.min.js")).unlink(), "workers/search.", 8),
    "search index": (lambda s: (s / "search/search_index.json").unlink(), "search/search_index.json", 8),
    "site feed": (lambda s: (s / "feed.xml").unlink(), "feed.xml", 1),
    "tag page": (lambda s: shutil.rmtree(s / "tags/gans"), "tags/gans/index.html", 3),
    "paper anchor": (lambda s: _replace(s / "issues/2021-03/index.html", 'id="vision-one"', 'id="renamed"'),
                     'no id "vision-one"', 3),
}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}; the page layout changed"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("name", MUTATIONS)
def test_breaking_any_kind_of_link_is_caught(site, tmp_path, name):
    mutate, expected, minimum = MUTATIONS[name]
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    mutate(copy)
    lines = broken(copy)
    assert len(lines) >= minimum, lines
    assert all(expected in line for line in lines), "\n".join(lines)


def test_feeds_and_search_index_read_in_a_second_process_give_the_same_report(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    MUTATIONS["paper anchor"][0](copy)
    (copy / "tags/gans/feed.xml").write_text("<feed><entry></feed>", encoding="utf-8")
    (copy / "sitemap.xml").write_text((copy / "sitemap.xml").read_text(encoding="utf-8").replace("/tags/nlp/", "/tags/none/"),
                                      encoding="utf-8")
    alone, together = check_site(copy, SITE_URL, workers=1), check_site(copy, SITE_URL, workers=2)
    assert together == alone
    assert {line.source for line in alone.broken} >= {"issues/2021-03/index.html", "feed.xml", "sitemap.xml",
                                                      "tags/gans/feed.xml", "search/search_index.json"}
    (copy / "search/search_index.json").write_text("[]", encoding="utf-8")
    assert check_site(copy, SITE_URL, workers=2) == check_site(copy, SITE_URL, workers=1)
    assert "search/search_index.json: broken link -> search/search_index.json (not a search index:" in \
        str(check_site(copy, SITE_URL, workers=2).broken[-1])


def test_check_site_command(site, project, tmp_path):
    run = run_cli("-f", project, "check", "--site", site)
    assert run.code == 0, run.text
    assert re.fullmatch(r"site/: \d+ internal links in \d+ files, 0 broken links\n", run.out), run.out

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    shutil.rmtree(copy / "tags/nlp")
    run = run_cli("-f", project, "check", "--site", copy)
    assert run.code == 1
    *lines, last = run.out.splitlines()
    assert lines and all(re.fullmatch(rf"{re.escape(copy.as_posix())}/\S+\.(html|xml|json)(:\d+)?: broken link -> \S+ \(.+\)", line)
                         for line in lines), run.out
    assert last.endswith(f"{len(lines)} broken links")

    run = run_cli("-f", project, "check", "--site", tmp_path / "nowhere")
    assert run.code == 1 and "no built site" in run.err and "Traceback" not in run.text


def test_build_fails_on_a_link_only_the_site_check_sees(make_project, tmp_path):
    """MkDocs validates Markdown links, not raw HTML ones; the build's link check does."""
    config = make_project({**FILES, "content/notes/2021-03/raw.md": note_md(
        title="Raw", url="https://papers.test/raw", tags=["NLP"], body='Compare <a href="#no-such-paper">this one</a>.')})
    site_dir = tmp_path / "out" / "site"
    run = build(config, site_dir)
    assert run.code == 1
    assert 'site/issues/2021-03/index.html:' in run.text and 'broken link -> #no-such-paper (no id "no-such-paper"' in run.text
    # The digest page, and the site and tag feeds that carry the note's HTML.
    assert "build failed: 3 broken links in the built site" in run.err
    assert not site_dir.exists() and list(site_dir.parent.iterdir()) == []

    run = build(config, site_dir, "--no-strict")  # a warning only: the rest of the site is published
    assert run.code == 0, run.text
    assert "broken link -> #no-such-paper" in run.text and ", 3 warnings," in run.out
