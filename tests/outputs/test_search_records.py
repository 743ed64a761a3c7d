"""Search records (outputs/search.py): one document per paper, issue and tag, read
back by a real HTML parser as Pagefind reads them, and indexed by Pagefind itself."""

from __future__ import annotations

import datetime as dt

from generator.mkdocs.search import pagefind_binary, write_index
from generator.checks.linkcheck import read_search_records
from generator.model import Month, Note, Section, Site, Tag, TagIndex
from generator.outputs import search
from helpers import parse_html

GANS, NLP = Tag("GANs", "gans", "Generative <adversarial> networks."), Tag("<b>NLP</b>", "b-nlp-b")
EVIL = "Evil <script>alert(1)</script> & *md*"
PAPER = Note(slug="evil", month="2021-03", title=EVIL, url="https://arxiv.org/abs/1", tags=(GANS, NLP),
             authors=("Zoë <img src=x>", "B. Author"), date=dt.date(2021, 2, 1))
DRAFT = Note(slug="draft", month="2021-03", title="Secret Draft Paper", url="https://arxiv.org/abs/2", tags=(GANS,), draft=True)
MONTH = Month(key="2021-03", title="March <i>2021</i>", summary="GANs & more.", intro="",
              sections=(Section("Generative", (PAPER, DRAFT)),))
SITE = Site(months=(MONTH,), tags=(TagIndex(GANS, (PAPER, DRAFT)), TagIndex(NLP, (PAPER,))))
DIGEST = ('<h3 id="evil">x</h3>\n<!-- nl-paper:evil -->\n<p class="nl-authors">Zoë &lt;img src=x&gt;</p>\n'
          '<p class="nl-links"><a href="https://arxiv.org/abs/1">Paper</a></p>\n<p class="nl-tags"><a>GANs</a></p>\n'
          '<p>Why it <em>matters</em>: ' + " ".join(f"w{i}" for i in range(200)) + '.</p>\n<!-- /nl-paper:evil -->\n'
          '<h3 id="draft">y</h3>\n<!-- nl-paper:draft -->\n<p>Secret words.</p>\n<!-- /nl-paper:draft -->\n')


def url_of(path: str) -> str:
    return path.removesuffix(".md") + "/"


def records():
    return list(search.search_records(SITE, {"2021-03": DIGEST}, url_of, pages=(("About", "about/", "<p>About us</p>"),)))


def test_one_record_per_published_paper_issue_tag_and_page_never_a_draft():
    found = records()
    assert [r.path for r in found] == ["issues/2021-03.html", "papers/2021-03/evil.html", "tags/gans.html",
                                       "tags/b-nlp-b.html", "pages/0.html"]
    assert not any("Secret" in r.html for r in found)


def test_a_paper_record_holds_its_fields_as_text():
    record = next(r for r in records() if r.path.startswith("papers/"))
    doc = parse_html(record.html)
    assert doc.find("h1").text() == EVIL  # markup from front matter arrives as the characters typed
    assert doc.find("p", **{"data-pagefind-meta": "authors"}).text() == "Zoë <img src=x>, B. Author"
    assert [e.text() for e in doc.find_all("span", **{"data-pagefind-filter": "tag"})] == ["GANs", "<b>NLP</b>"]
    assert doc.find("span", **{"data-pagefind-filter": "year"}).text() == "2021"
    assert doc.find("span", **{"data-pagefind-filter": "issue"}).text() == "2021-03 · March <i>2021</i>"
    metas = [e.attrs["data-pagefind-meta"] for e in doc.find_all("span") if "data-pagefind-meta" in e.attrs]
    assert metas == ["kind:paper", "link:issues/2021-03/#evil"]
    body = doc.find_all("p")[-1].text()
    assert body.startswith("Why it matters: w0") and len(body.split()) == search.BODY_WORDS
    assert "Paper" not in body and "GANs" not in body  # badges and chips are not the note's text


def test_pagefind_indexes_the_records_as_text(tmp_path):
    """The real indexer over the records: what it stores is what the search shows."""
    assert pagefind_binary()  # shipped in the pagefind[extended] wheel: no download
    assert write_index(records(), tmp_path / "pagefind") == 5
    stored = {r["meta"]["link"]: r for r in read_search_records(tmp_path)}
    assert set(stored) == {"issues/2021-03/", "issues/2021-03/#evil", "tags/gans/", "tags/b-nlp-b/", "about/"}
    paper = stored["issues/2021-03/#evil"]
    assert paper["meta"]["title"] == EVIL and paper["meta"]["authors"] == "Zoë <img src=x>, B. Author"
    assert paper["meta"]["issue"] == "March <i>2021</i>" and paper["meta"]["kind"] == "paper"
    assert paper["filters"] == {"tag": ["GANs", "<b>NLP</b>"], "year": ["2021"], "issue": ["2021-03 · March <i>2021</i>"]}
    assert "2021-03 ·" not in paper["content"]  # filter-only values are not searchable text
    assert stored["tags/gans/"]["meta"]["issue"] == "Tag · 1 paper"  # the draft is not counted
    again = tmp_path / "again"
    write_index(records(), again / "pagefind")
    first = sorted(p.relative_to(tmp_path / "pagefind") for p in (tmp_path / "pagefind").rglob("*") if p.is_file())
    assert first == sorted(p.relative_to(again / "pagefind") for p in (again / "pagefind").rglob("*") if p.is_file())
    assert all((tmp_path / "pagefind" / p).read_bytes() == (again / "pagefind" / p).read_bytes() for p in first)


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_records_reuse_the_cached_index_and_changed_ones_index_again(tmp_path, monkeypatch):
    from generator.mkdocs import search as indexer

    cache = tmp_path / "cache"
    assert write_index(records(), tmp_path / "one" / "pagefind", cache=cache) == 5
    assert len(list(cache.iterdir())) == 1
    runs = []
    real = indexer.subprocess.run
    monkeypatch.setattr(indexer.subprocess, "run", lambda *a, **k: runs.append(a) or real(*a, **k))
    assert write_index(records(), tmp_path / "two" / "pagefind", cache=cache) == 5
    assert runs == []  # nothing indexed: the kept index, linked in
    assert _files(tmp_path / "two" / "pagefind") == _files(tmp_path / "one" / "pagefind")

    changed = records()
    changed[1] = search.Record(changed[1].path, changed[1].html.replace("B. Author", "C. Author"))
    write_index(changed, tmp_path / "three" / "pagefind", cache=cache)
    assert len(runs) == 1 and len(list(cache.iterdir())) == 1  # indexed again; only the newest is kept
    found = {r["meta"]["link"]: r for r in read_search_records(tmp_path / "three")}
    assert found["issues/2021-03/#evil"]["meta"]["authors"] == "Zoë <img src=x>, C. Author"
    # The first site's files are links to a cache entry that is gone, not to the new one: still whole.
    assert _files(tmp_path / "two" / "pagefind") == _files(tmp_path / "one" / "pagefind")


def test_the_preview_indexes_again_only_when_a_record_changed(tmp_path):
    from generator.mkdocs.search import ENTRY, ServeIndexer

    indexer = ServeIndexer()
    indexer.request(records, tmp_path, wait=True)
    entry = (tmp_path / "pagefind" / ENTRY).read_bytes()
    assert indexer.runs == 1
    indexer.request(records, tmp_path, wait=True)  # a save that changed no record
    assert indexer.runs == 1 and (tmp_path / "pagefind" / ENTRY).read_bytes() == entry

    def renamed():
        return [search.Record(r.path, r.html.replace("B. Author", "C. Author")) for r in records()]

    indexer.request(renamed, tmp_path, wait=True)
    assert indexer.runs == 2 and (tmp_path / "pagefind" / ENTRY).read_bytes() != entry
    # The new fragments sit beside the old ones (an open search may still ask for those).
    authors = {r["meta"].get("authors") for r in read_search_records(tmp_path)}
    assert "Zoë <img src=x>, C. Author" in authors
