"""Citations and open data (citation.py, outputs/citations.py, outputs/data.py), read
back by the tools researchers use: pybtex and bibtexparser 2 for BibTeX, citeproc-py
for CSL-JSON, jsonschema for papers.json; COinS spans parsed back as Zotero would.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs

import bibtexparser
import jsonschema
import pytest
from pybtex import errors as pybtex_errors
from pybtex.database import Person, parse_string
from pybtex.plugin import find_plugin
from pylatexenc.latex2text import LatexNodes2Text

from generator.citation import bibtex_entry, cite_keys, csl_item
from generator.grouping import group
from generator.model import Content, Note, Tag
from helpers import build, note_md, write_project

GANS = Tag("GANs", "gans")
BAD_TITLES = ['Braces {unbalanced and } closed {{double}}', "100% & more: #1 _under_ $cash$ ~tilde^ caret",
              'Back\\slash \\emph{x} "quoted" and \'single\'', "<b>bold</b> & <script>alert(1)</script>",
              "Ünïcödé Tïtle — with “curly” quotes", "Attention Is All You Need"]
BAD_AUTHORS = [("O'Neil",), ("Zoë Ångström-Ñúñez", "Prabhat"), ("王小明", "José María López de la Cruz"),
               ("Ludwig van Beethoven",), ("Smith, John",), ()]


def strict_pybtex(text: str):
    """pybtex in strict mode: any warning (unbalanced braces, bad names) is an error."""
    pybtex_errors.set_strict_mode(True)
    return parse_string(text, "bibtex")


def bibtexparser_entries(text: str) -> list:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library.entries


def unlatex(value: str) -> str:
    """A BibTeX value back to text (pylatexenc's LaTeX reader; it has no brace macros)."""
    marks = {r"\textbraceleft{}": "\x01{", r"\textbraceright{}": "\x02}", r"\textless{}": "\x03<", r"\textgreater{}": "\x04>"}
    for macro, (mark, _) in ((m, tuple(v)) for m, v in marks.items()):
        value = value.replace(macro, mark)
    text = LatexNodes2Text().latex_to_text(value)
    for mark, char in marks.values():
        text = text.replace(mark, char)
    return text.replace("\u02c6", "^").replace("\u02dc", "~")  # it reads \textasciicircum as the modifier letter


@pytest.mark.parametrize("title", BAD_TITLES)
@pytest.mark.parametrize("authors", BAD_AUTHORS, ids=lambda a: "+".join(a) or "none")
def test_bad_input_gives_valid_bibtex_that_reads_back_as_written(title, authors):
    note = Note(slug="x", month="2021-03", title=title, url="https://arxiv.org/abs/2102.07074v2?utm_source=a%20b",
                tags=(GANS,), authors=authors, date=dt.date(2021, 2, 15))
    text = bibtex_entry(note, "key2021", "Best of arXiv — March 2021 & 100%")
    data = strict_pybtex(text)
    assert list(data.entries) == ["key2021"]
    entry = data.entries["key2021"]
    # the same names, split the same way, as pybtex reads the unencoded text
    assert [unlatex(str(p)).strip() for p in entry.persons.get("author", [])] == [str(Person(a)) for a in authors]
    assert unlatex(entry.fields["title"]).strip() == title
    assert entry.fields["eprint"] == "2102.07074" and entry.fields["archivePrefix"] == "arXiv"
    (parsed,) = bibtexparser_entries(text)
    assert parsed.key == "key2021" and parsed["year"] == "2021" and parsed["month"] == "feb"


def test_keys_are_unique_stable_and_never_change_when_a_later_paper_arrives():
    def site(*months):
        notes = [Note(slug=f"p{i}", month=m, title=t, url=u, tags=(GANS,), authors=("Yifan Jiang",))
                 for i, (m, t, u) in enumerate(months)]
        return group(Content(notes=tuple(notes), issues=(), vocabulary=(GANS,)))

    first = [("2021-03", "TransGAN: Two Transformers", "https://arxiv.org/abs/2102.07074"),
             ("2021-04", "TransGAN revisited", "https://example.org/transgan-2"),
             ("2021-05", "The TransGAN again", "https://arxiv.org/pdf/2102.07074v3")]  # same paper: same key
    keys = cite_keys(site(*first))
    assert keys == {"arxiv:2102.07074": "jiang2021transgan", "url:example.org/transgan-2": "jiang2021transganb"}
    later = cite_keys(site(*first, ("2021-06", "TransGAN at scale", "https://example.org/transgan-3")))
    assert {k: later[k] for k in keys} == keys and later["url:example.org/transgan-3"] == "jiang2021transganc"


def test_csl_item_names_and_dates():
    note = Note(slug="x", month="2021-03", title="T", url="https://doi.org/10.1145/ABC.123", tags=(GANS,),
                authors=("Ludwig van Beethoven", "Prabhat", "Zoë Ångström-Ñúñez"))
    item = csl_item(note, "k", "March 2021")
    assert item["author"] == [{"family": "van Beethoven", "given": "Ludwig"}, {"literal": "Prabhat"},
                              {"family": "Ångström-Ñúñez", "given": "Zoë"}]
    assert item["DOI"] == "10.1145/abc.123" and item["issued"] == {"date-parts": [[2021, 3]]}


# ------------------------------------------------------------------ a built site

EVIL = "Evil {brace <script>alert('t')</script> 100% & \\back"
FILES = {
    "content/issues/2021-03.md": note_md(title="Best of arXiv — March 2021", url=None, tags=None, summary="March."),
    "content/notes/2021-03/transgan.md": note_md(title="TransGAN: Two Transformers Can Make One Strong GAN",
                                                 url="https://arxiv.org/abs/2102.07074", tags=["GANs", "Transformers"],
                                                 authors=["Yifan Jiang", "Shiyu Chang", "Zhangyang Wang"], date="2021-02-15",
                                                 code="https://github.com/VITA-Group/TransGAN"),
    "content/notes/2021-03/evil.md": note_md(title=EVIL, url="https://doi.org/10.1145/ABC.123", tags=["GANs"],
                                             authors=["O'Neil", "Zoë Ångström-Ñúñez", "Prabhat"]),
    "content/notes/2021-04/transgan-again.md": note_md(title="TransGAN, again", url="https://arxiv.org/pdf/2102.07074v2", repeat=True,
                                                       tags=["GANs"], authors=["Yifan Jiang"]),
    "content/notes/2021-04/plain.md": note_md(title="A Plain Paper", url="https://papers.test/plain", tags=["NLP"]),
    "content/notes/2021-04/secret.md": note_md(title="SECRET DRAFT", url="https://papers.test/secret", tags=["GANs"], draft=True),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return write_project(tmp_path_factory.mktemp("cite") / "project", FILES)


@pytest.fixture(scope="module")
def site(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cite-site") / "site"
    run = build(project, out)
    assert run.code == 0, run.text
    return out


def bib_files(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("papers.bib"))}


def test_every_bib_file_reads_without_error_in_pybtex_and_bibtexparser(site):
    files = bib_files(site)
    assert set(files) == {"papers.bib", "issues/2021-03/papers.bib", "issues/2021-04/papers.bib", "tags/gans/papers.bib",
                          "tags/transformers/papers.bib", "tags/nlp/papers.bib"}
    expected = {"papers.bib": 3, "issues/2021-03/papers.bib": 2, "issues/2021-04/papers.bib": 2,
                "tags/gans/papers.bib": 2, "tags/transformers/papers.bib": 1, "tags/nlp/papers.bib": 1}
    style = find_plugin("pybtex.style.formatting", "plain")()
    backend = find_plugin("pybtex.backends", "text")()
    for rel, text in files.items():
        data = strict_pybtex(text)
        assert len(data.entries) == expected[rel], rel  # one entry per paper: TransGAN twice is one
        assert len(bibtexparser_entries(text)) == expected[rel], rel
        formatted = [entry.text.render(backend) for entry in style.format_bibliography(data)]
        assert len(formatted) == expected[rel] and all(formatted)
    archive = strict_pybtex(files["papers.bib"])
    transgan = archive.entries["jiang2021transgan"]
    assert transgan.fields["note"] == "Featured in Best of arXiv {\\textemdash} March 2021"  # first featured
    assert unlatex(archive.entries["oneil2021evil"].fields["title"]).strip() == EVIL
    assert archive.entries["oneil2021evil"].fields["doi"] == "10.1145/abc.123"


def test_outputs_are_the_same_bytes_in_a_second_build(project, site, tmp_path):
    again = tmp_path / "again"
    assert build(project, again).code == 0
    for name in [*bib_files(site), "papers.json", "papers.csl.json", "feed.json", "papers.schema.json"]:
        assert (site / name).read_bytes() == (again / name).read_bytes(), name


def test_csl_json_renders_a_bibliography_with_citeproc(site):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads((site / "papers.csl.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == ["anon2021plain", "oneil2021evil", "jiang2021transgan"]
    logging.getLogger("citeproc").setLevel(logging.ERROR)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == 3
    assert any("TransGAN" in r and "Jiang" in r for r in rendered), rendered
    assert any(EVIL in r for r in rendered), rendered  # text, as written


def test_papers_json_validates_against_its_published_schema(site):
    schema = json.loads((site / "papers.schema.json").read_text(encoding="utf-8"))
    data = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator, format_checker=jsonschema.FormatChecker())
    papers = {p["title"]: p for p in data["papers"]}
    assert set(papers) == {"TransGAN: Two Transformers Can Make One Strong GAN", EVIL, "TransGAN, again", "A Plain Paper"}
    first = papers["TransGAN: Two Transformers Can Make One Strong GAN"]
    assert first["id"] == papers["TransGAN, again"]["id"] == "arxiv:2102.07074"
    assert first["digest_url"] == "https://example.org/issues/2021-03/#transgan"
    assert first["links"] == {"code": "https://github.com/VITA-Group/TransGAN"} and first["date"] == "2021-02-15"
    assert [t["slug"] for t in first["tags"]] == ["gans", "transformers"]
    with pytest.raises(jsonschema.ValidationError):  # the schema says something
        jsonschema.validate({**data, "papers": [{**first, "url": "javascript:alert(1)"}]}, schema,
                            cls=jsonschema.Draft202012Validator, format_checker=jsonschema.FormatChecker())


def test_json_feed_is_a_valid_json_feed_1_1_with_the_atom_ids(site):
    import feedparser

    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"] == "https://example.org/feed.json" and feed["home_page_url"]
    assert [i["id"] for i in feed["items"]] == ["https://example.org/issues/2021-04/", "https://example.org/issues/2021-03/"]
    for item in feed["items"]:
        assert item["content_html"] and item["url"].startswith("https://") and item["date_published"].endswith("T00:00:00Z")
        assert "<script>" not in item["content_html"] and "nl-cite" not in item["content_html"]
    atom = feedparser.parse(str(site / "feed.xml"))
    assert [e.id for e in atom.entries] == [i["id"] for i in feed["items"]]


class _Coins(HTMLParser):
    def __init__(self):
        super().__init__()
        self.records = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and attrs.get("class") == "Z3988":
            self.records.append(parse_qs(attrs["title"]))


def coins(path: Path) -> list[dict]:
    parser = _Coins()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.records


def test_coins_one_record_per_paper_on_digests_and_tag_pages(site):
    march = coins(site / "issues/2021-03/index.html")
    assert [r["rft.atitle"][0] for r in march] == [EVIL, "TransGAN: Two Transformers Can Make One Strong GAN"]
    transgan = next(r for r in march if r["rft.atitle"][0].startswith("TransGAN"))
    assert transgan["rft.au"] == ["Yifan Jiang", "Shiyu Chang", "Zhangyang Wang"]
    assert "https://arxiv.org/abs/2102.07074" in transgan["rft_id"] and transgan["ctx_ver"] == ["Z39.88-2004"]
    assert len(coins(site / "tags/gans/index.html")) == 3  # every paper listed with the tag (the repeat too)


def test_pages_link_their_bibtex_and_the_cite_control_shows_the_entry(site):
    digest = (site / "issues/2021-03/index.html").read_text(encoding="utf-8")
    assert 'href="papers.bib"' in digest and "Download BibTeX (2 papers)" in html.unescape(digest)
    assert digest.count('<details><summary>Cite</summary>') == 2
    assert "@misc{jiang2021transgan," in digest
    assert "<script>alert('t')</script>" not in digest  # the entry is escaped in the page
    assert 'href="papers.bib"' in (site / "tags/gans/index.html").read_text(encoding="utf-8")
    archive = (site / "issues/index.html").read_text(encoding="utf-8")
    for name in ("papers.bib", "papers.csl.json", "papers.json", "feed.json"):
        assert f'href="../{name}"' in archive, name


def test_drafts_are_in_no_citation_or_data_file(site):
    for name in [*bib_files(site), "papers.json", "papers.csl.json", "feed.json"]:
        assert "SECRET" not in (site / name).read_text(encoding="utf-8"), name



@pytest.mark.parametrize("value", ["a b&c=d/é%~_.-+", "".join(map(chr, range(128))), "Zoë Ångström", "x\u2014y 王"])
def test_coins_values_are_form_encoded_as_urlencode_does(value):
    from urllib.parse import quote_plus

    from generator.citation import _form
    assert _form(value) == quote_plus(value, safe="")
