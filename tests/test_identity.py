"""identity.py: every form of a link to one paper gives the same identity."""

from __future__ import annotations

import pytest

from generator.identity import arxiv_id, arxiv_version, doi, normalise_url, openreview_id, paper_id

ARXIV_FORMS = [
    "2102.07074", "2102.07074v2", "arXiv:2102.07074", "arxiv:2102.07074v3", " arXiv: 2102.07074 ",
    "https://arxiv.org/abs/2102.07074", "http://arxiv.org/abs/2102.07074v1", "https://arxiv.org/abs/2102.07074/",
    "https://arxiv.org/pdf/2102.07074", "https://arxiv.org/pdf/2102.07074v2", "https://arxiv.org/pdf/2102.07074v2.pdf",
    "https://arxiv.org/html/2102.07074v2", "https://export.arxiv.org/abs/2102.07074", "https://www.arxiv.org/abs/2102.07074",
    "https://arxiv.org/abs/2102.07074#section", "https://huggingface.co/papers/2102.07074",
]


@pytest.mark.parametrize("form", ARXIV_FORMS)
def test_every_arxiv_form_is_one_paper(form):
    assert arxiv_id(form) == "2102.07074"
    assert paper_id(form) == "arxiv:2102.07074"


@pytest.mark.parametrize("form", ["hep-th/9901001", "hep-th/9901001v2", "arXiv:hep-th/9901001",
                                  "https://arxiv.org/abs/hep-th/9901001v1", "https://export.arxiv.org/pdf/hep-th/9901001",
                                  "HEP-TH/9901001"])
def test_old_style_ids(form):
    assert paper_id(form) == "arxiv:hep-th/9901001"


def test_old_style_id_with_subject_class_and_five_digit_new_ids():
    assert arxiv_id("math.GT/0309136") == "math.GT/0309136"
    assert arxiv_id("https://arxiv.org/abs/math.gt/0309136v1") == "math.GT/0309136"
    assert arxiv_id("https://arxiv.org/abs/2403.12345v4") == "2403.12345"
    assert arxiv_id("0707.1234v1") == "0707.1234"  # four digits before 2015, five after


def test_arxiv_version():
    assert arxiv_version("https://arxiv.org/pdf/2102.07074v12") == 12
    assert arxiv_version("2102.07074") is None


@pytest.mark.parametrize("text", ["https://arxiv.org/list/cs.LG/recent", "https://example.org/abs/2102.07074",
                                  "2102.0707", "0707.12345", "2113.01234", "12345.67890", "https://arxiv.org/abs/", "not a url"])
def test_not_arxiv(text):
    assert arxiv_id(text) is None


@pytest.mark.parametrize("form", ["10.1145/3442188.3445922", "doi:10.1145/3442188.3445922", "DOI: 10.1145/3442188.3445922",
                                  "https://doi.org/10.1145/3442188.3445922", "http://dx.doi.org/10.1145/3442188.3445922",
                                  "https://doi.org/10.1145%2F3442188.3445922"])
def test_doi_forms(form):
    assert paper_id(form) == "doi:10.1145/3442188.3445922"


def test_doi_is_case_folded():
    assert doi("https://doi.org/10.1038/S41586-021-03819-2") == "10.1038/s41586-021-03819-2"
    assert paper_id("10.1038/S41586-021-03819-2") == paper_id("https://doi.org/10.1038/s41586-021-03819-2")


@pytest.mark.parametrize("form", ["https://doi.org/10.48550/arXiv.2102.07074", "doi:10.48550/ARXIV.2102.07074",
                                  "10.48550/arxiv.2102.07074", "https://dx.doi.org/10.48550/arXiv.2102.07074"])
def test_arxivs_own_doi_is_the_arxiv_paper(form):
    assert arxiv_id(form) == "2102.07074" and paper_id(form) == "arxiv:2102.07074"
    assert doi(form) == "10.48550/arxiv.2102.07074"  # still its DOI, for the citation's doi field


def test_other_dois_under_arxivs_prefix_are_dois():
    assert arxiv_id("10.48550/arxiv.notanid") is None
    assert paper_id("10.48550/arXiv.notanid") == "doi:10.48550/arxiv.notanid"


def test_openreview_forum_and_pdf_are_one_paper():
    assert openreview_id("https://openreview.net/forum?id=YicbFdNTTy") == "YicbFdNTTy"
    assert paper_id("https://openreview.net/pdf?id=YicbFdNTTy") == "openreview:YicbFdNTTy"
    assert paper_id("https://openreview.net/forum?id=YicbFdNTTy&noteId=abc") == "openreview:YicbFdNTTy"
    assert paper_id("https://openreview.net/forum?id=yicbfdnttY") != paper_id("https://openreview.net/forum?id=YicbFdNTTy")


def test_other_urls_are_normalised_but_keep_the_path_case():
    same = ["https://github.com/VITA-Group/TransGAN", "http://www.github.com/VITA-Group/TransGAN/",
            "https://GitHub.com/VITA-Group/TransGAN#readme", "https://github.com/VITA-Group/TransGAN?utm_source=x&utm_medium=y",
            "https://github.com:443/VITA-Group/TransGAN"]
    assert {paper_id(url) for url in same} == {"url:github.com/VITA-Group/TransGAN"}
    assert paper_id("https://github.com/vita-group/transgan") != paper_id(same[0])
    assert normalise_url("https://blog.test/post?id=3&utm_campaign=z") == "blog.test/post?id=3"
    assert normalise_url("https://blog.test:8080/post") == "blog.test:8080/post"
    assert paper_id("https://[oops") == "url:https://[oops"
