"""Findability on a real strict build: search index entries per paper, related
tags, the weighted tag cloud, the digest's table of contents, copy-link
permalinks, and page titles, descriptions and Open Graph tags."""

from __future__ import annotations

import pytest

from helpers import BuiltSite, build, note_md, write_project

SITE_URL = "https://example.org/"
ISSUE_TITLE = "Spring & <Stuff> 2021"
SUMMARY = 'GANs & "attention", <i>briefly</i>.'

CONTENT = {
    "content/issues/2021-03.md": f"---\ntitle: {ISSUE_TITLE}\nsummary: '{SUMMARY}'\nsections: [Generative, Language]\n---\n\nIntro.\n",
    "content/notes/2021-03/style-gan.md": note_md("StyleGAN Revisited", "https://arxiv.org/abs/1", ["GANs", "Transformers"],
                                                  "Style.", authors=["Tero Karrasovich", "Samuli L."], section="Generative"),
    "content/notes/2021-03/trans-gan.md": note_md("TransGAN", "https://arxiv.org/abs/2", ["GANs", "Transformers", "NLP"],
                                                  "Trans.", authors=["Yifan Jiangsson"], section="Generative"),
    "content/notes/2021-03/bert-again.md": note_md("BERT Again", "https://arxiv.org/abs/3", ["NLP"], "Bert.",
                                                   authors=["Jacob D."], section="Language"),
    "content/notes/2021-02/vision-gan.md": note_md("Vision GAN", "https://arxiv.org/abs/4", ["GANs", "Computer Vision"], "Old."),
}
# Papers per tag, counted by hand from CONTENT.
COUNTS = {"GANs": 3, "Transformers": 2, "NLP": 2, "Computer Vision": 1}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> BuiltSite:
    root = tmp_path_factory.mktemp("findability")
    run = build(write_project(root, CONTENT), root / "site")
    assert run.code == 0, run.text
    return BuiltSite(root / "site")


# ------------------------------------------------------------------------------ search


@pytest.mark.parametrize("slug, title, author, tag", [
    ("style-gan", "StyleGAN Revisited", "Tero Karrasovich", "Transformers"),
    ("trans-gan", "TransGAN", "Yifan Jiangsson", "NLP"),
    ("bert-again", "BERT Again", "Jacob D.", "NLP"),
])
def test_search_index_has_each_paper_at_its_anchor_with_title_authors_and_tags(site, slug, title, author, tag):
    (entry,) = [d for d in site.search_index() if d["location"] == f"issues/2021-03/#{slug}"]
    assert entry["title"] == title
    assert author in entry["text"] and tag in entry["text"]
    # The result leads to the paper's heading in its digest.
    assert site.page("issues/2021-03/").doc.find("h3", id=slug) is not None


def test_search_entry_of_a_paper_holds_only_that_paper(site):
    (entry,) = [d for d in site.search_index() if d["location"] == "issues/2021-03/#style-gan"]
    assert "Style." in entry["text"] and "Yifan Jiangsson" not in entry["text"] and "Trans." not in entry["text"]


def test_a_paper_title_is_found_in_its_digest_only_and_a_tag_by_its_page(site):
    """Tag pages list every paper with the tag; those lists stay out of the index, so a
    search for a paper leads to its digest entry, not to every tag page too."""
    hits = [d["location"] for d in site.search_index() if "StyleGAN Revisited" in d["title"] + d["text"]]
    assert hits == ["issues/2021-03/#style-gan"]
    assert any(d["location"] == "tags/gans/" and d["title"] == "GANs" for d in site.search_index())
    assert site.page("tags/gans/").article.find("a", href="../../issues/2021-03/#style-gan") is not None  # still listed


# ------------------------------------------------------------------------------ tags


def test_tag_page_shows_related_tags_most_frequent_first_with_counts(site):
    related = site.page("tags/gans/").article.find(cls="nl-related")
    chips = related.find_all("a", cls="nl-chip")
    # GANs co-occurs with Transformers twice, then Computer Vision and NLP once each (ties by name).
    assert [a.text() for a in chips] == ["Transformers (2)", "Computer Vision (1)", "NLP (1)"]
    page = site.page("tags/gans/")
    assert [site.resolve(page, a.attrs["href"])[0] for a in chips] == ["tags/transformers", "tags/computer-vision", "tags/nlp"]


def test_tags_index_is_a_cloud_weighted_by_count_with_the_count_visible(site):
    page = site.page("tags/")
    cloud = page.article.find(cls="nl-cloud")
    seen = {}
    for link in cloud.find_all("a", cls="nl-cloud-tag"):
        weights = [c for c in link.classes if c.startswith("nl-weight-")]
        count = link.find(cls="nl-count").text()
        name = link.text().removesuffix(count).strip()
        seen[name] = (int(count), weights)
        assert site.exists(site.resolve(page, link.attrs["href"])[0])
    assert {name: count for name, (count, _) in seen.items()} == COUNTS
    assert seen["GANs"][1] == ["nl-weight-5"] and seen["Computer Vision"][1] == ["nl-weight-1"]
    assert seen["Transformers"][1] == seen["NLP"][1] == ["nl-weight-3"]


# ------------------------------------------------------------------------------ digest


def test_digest_toc_lists_sections_and_their_papers(site):
    toc = site.page("issues/2021-03/").doc.find("nav", cls="md-nav--secondary")
    assert toc is not None
    links = [a.attrs["href"] for a in toc.find_all("a", cls="md-nav__link")]
    assert links == ["#section-generative", "#style-gan", "#trans-gan", "#section-language", "#bert-again"]
    # Papers are nested under their section's entry.
    paper = toc.find("a", href="#trans-gan")
    section_item = next(li for li in paper.ancestors() if li.tag == "li" and li.find("a", href="#section-generative"))
    assert section_item.find("a", href="#section-generative") is not section_item.find("a", href="#trans-gan")


def test_every_paper_has_a_permalink_and_the_copy_link_script(site):
    page = site.page("issues/2021-03/")
    for heading in page.article.find_all("h3", cls="nl-paper-title"):
        (permalink,) = heading.find_all("a", cls="headerlink")
        assert permalink.attrs["href"] == f"#{heading.id}"
    scripts = [s.attrs["src"] for s in page.doc.find_all("script") if s.attrs.get("src", "").endswith("newsletter.js")]
    assert len(scripts) == 1
    script = site.dir / site.resolve(page, scripts[0])[0]
    assert "clipboard" in script.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ sharing


def meta(page, prop: str) -> str | None:
    element = page.doc.find("meta", property=prop)
    return element.attrs["content"] if element else None


@pytest.mark.parametrize("url, title, description, og_type", [
    ("issues/2021-03/", ISSUE_TITLE, SUMMARY, "article"),
    ("tags/gans/", "GANs", "Generative adversarial networks.", "article"),
    ("tags/computer-vision/", "Computer Vision", "Images and video.", "article"),
    ("", "ML Paper Digest", None, "website"),
])
def test_title_description_and_open_graph(site, url, title, description, og_type):
    page = site.page(url)
    description = description or page.description  # the home page: the site description
    # Parsed values equal the raw text: escaped exactly once (twice would show "&amp;").
    assert page.title == (title if not url else f"{title} - ML Paper Digest")
    assert page.description == description
    assert meta(page, "og:title") == title
    assert meta(page, "og:description") == description
    assert meta(page, "og:url") == SITE_URL + url
    assert meta(page, "og:type") == og_type
    assert meta(page, "og:site_name") == "ML Paper Digest"
    assert "&amp;amp;" not in page.path.read_text(encoding="utf-8")
