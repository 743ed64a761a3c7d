"""sources/: paper links and ids of every form to Records, against a real HTTP server on
localhost answering with recorded arXiv (Atom) and Crossref (JSON) responses."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from api_server import api  # noqa: F401  (the fixture)
from generator.sources import SourceError, lookup, lookup_one
from generator.sources.http import retry_after

TRANSGAN_FORMS = ["2102.07074", "arXiv:2102.07074v2", "https://arxiv.org/abs/2102.07074", "https://arxiv.org/pdf/2102.07074v2",
                  "https://arxiv.org/pdf/2102.07074v2.pdf", "https://arxiv.org/html/2102.07074v4",
                  "http://export.arxiv.org/abs/2102.07074", "https://huggingface.co/papers/2102.07074"]


@pytest.mark.parametrize("form", TRANSGAN_FORMS)
def test_every_arxiv_form_finds_the_paper(api, form):
    record = lookup_one(form)
    assert record.title == "TransGAN: Two Pure Transformers Can Make One Strong GAN, and That Can Scale Up"  # unwrapped
    assert record.authors == ("Yifan Jiang", "Shiyu Chang", "Zhangyang Wang")
    assert record.url == "https://arxiv.org/abs/2102.07074"  # canonical: no version, abs page
    assert record.identity == "arxiv:2102.07074"
    assert record.source == "arXiv"
    assert api.requests[-1].endswith("id_list=2102.07074&max_results=1")  # the version is never sent


def test_an_arxiv_doi_is_asked_of_arxiv(api):
    record = lookup_one("https://doi.org/10.48550/arXiv.2102.07074")
    assert (record.identity, record.source) == ("arxiv:2102.07074", "arXiv")
    assert api.requests == ["/arxiv/api/query?id_list=2102.07074&max_results=1"]


def test_multi_version_record_is_dated_by_its_first_version(api):
    record = lookup_one("https://arxiv.org/abs/1706.03762v5")
    assert record.date == dt.date(2017, 6, 12)  # v1; the entry itself is v7, updated 2023
    assert record.title == "Attention Is All You Need"
    assert len(record.authors) == 8 and record.authors[-1] == "Illia Polosukhin"
    assert record.links == ()  # "15 pages, 5 figures" names no repository


def test_code_link_from_the_comment_or_the_abstract(api):
    assert lookup_one("2102.07074").links == (("code", "https://github.com/VITA-Group/TransGAN"),)  # comment, trailing '.' cut
    lora = lookup_one("https://huggingface.co/papers/2106.09685")
    assert lora.links == (("code", "https://github.com/microsoft/LoRA"),)  # in the abstract
    assert "rank r < d" in lora.abstract and "\n\n" in lora.abstract  # entities decoded, paragraphs kept


@pytest.mark.parametrize("form", ["hep-th/9711200", "arXiv:hep-th/9711200v2", "https://arxiv.org/abs/hep-th/9711200v3"])
def test_old_style_ids(api, form):
    record = lookup_one(form)
    assert (record.title, record.authors, record.date) == (
        "The Large N Limit of Superconformal Field Theories and Supergravity", ("Juan M. Maldacena",), dt.date(1997, 11, 27))
    assert record.url == "https://arxiv.org/abs/hep-th/9711200"


def test_several_arxiv_ids_are_one_query(api):
    found = lookup(["2102.07074", "1706.03762", "https://arxiv.org/abs/2102.07074v1", "2102.99999"])
    assert [r.title if not isinstance(r, SourceError) else str(r) for r in found.values()] == [
        "TransGAN: Two Pure Transformers Can Make One Strong GAN, and That Can Scale Up", "Attention Is All You Need",
        "TransGAN: Two Pure Transformers Can Make One Strong GAN, and That Can Scale Up",
        "arXiv has no paper 2102.99999; check the id (https://arxiv.org/abs/2102.99999)"]
    assert len(api.requests) == 1 and "id_list=2102.07074%2C1706.03762%2C2102.99999" in api.requests[0]


def test_unknown_arxiv_id(api):
    with pytest.raises(SourceError, match=r"^arXiv has no paper 2102\.99999; check the id") as caught:
        lookup_one("arXiv:2102.99999")
    assert caught.value.status == 404


@pytest.mark.parametrize("form", ["10.1145/3442188.3445922", "doi:10.1145/3442188.3445922", "https://doi.org/10.1145/3442188.3445922",
                                  "http://dx.doi.org/10.1145/3442188.3445922"])
def test_doi_forms_through_crossref(api, form):
    record = lookup_one(form)
    assert record.title == "On the Dangers of Stochastic Parrots: Can Language Models Be Too Big? \U0001F99C"
    assert record.authors == ("Emily M. Bender", "Timnit Gebru", "Angelina McMillan-Major", "Shmargaret Shmitchell")
    assert record.date == dt.date(2021, 3, 1)
    assert (record.url, record.identity, record.source) == (
        "https://doi.org/10.1145/3442188.3445922", "doi:10.1145/3442188.3445922", "Crossref")
    assert record.abstract.startswith("Recorded for the tests") and "costs & risks" in record.abstract  # JATS title dropped


def test_doi_with_uppercase_letters(api):
    record = lookup_one("https://doi.org/10.1109/CVPR.2016.90")
    assert api.requests == ["/crossref/works/10.1109%2FCVPR.2016.90"]  # asked as written; Crossref folds case
    assert record.title == "Deep Residual Learning for Image Recognition"
    assert record.url == "https://doi.org/10.1109/cvpr.2016.90"  # the registered spelling
    assert record.identity == "doi:10.1109/cvpr.2016.90"
    assert record.date is None  # Crossref knows June 2016 only: no day is made up


def test_unknown_doi_is_a_404_with_what_to_do(api):
    with pytest.raises(SourceError) as caught:
        lookup_one("10.1145/0000000.0000000")
    assert str(caught.value) == ("Crossref has no work with DOI 10.1145/0000000.0000000; "
                                 "check the DOI (https://doi.org/10.1145/0000000.0000000)")


@pytest.mark.parametrize("fail, text, message", [
    ("503", "2102.07074", "the arXiv API is busy or down for maintenance (HTTP 503); try again in 30 s"),
    ("429", "10.1145/3442188.3445922", "Crossref is rate limiting requests (HTTP 429); try again in 30 s"),
    ("rate-text", "2102.07074", "the arXiv API is rate limiting requests (\"Rate exceeded.\"); wait a minute and try again"),
    ("404", "2102.07074", "the arXiv API answered 404 for its query URL"),
])
def test_service_failures_are_one_line(api, fail, text, message):
    api.fail = fail
    with pytest.raises(SourceError) as caught:
        lookup_one(text)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_malformed_xml(api):
    api.fail = "malformed"
    with pytest.raises(SourceError, match=r"^the arXiv API answered something that is not a valid Atom feed \(.*mismatched tag.*\); try again later$"):
        lookup_one("2102.07074")


def test_malformed_json(api):
    api.fail = "malformed"
    with pytest.raises(SourceError, match=r"^Crossref answered something that is not a work record \(JSONDecodeError\); try again later$"):
        lookup_one("10.1145/3442188.3445922")


def test_malformed_id_answered_by_an_error_entry(api):
    from generator.sources.arxiv import fetch_arxiv
    found = fetch_arxiv(["1234.5678x"], timeout=5)
    assert str(found["1234.5678x"]) == "the arXiv API: incorrect id format for 1234.5678x; check the id"


def test_timeout(api):
    api.fail, api.delay = "timeout", 2.0
    with pytest.raises(SourceError, match=r"^the arXiv API at 127\.0\.0\.1:\d+ did not answer within 0\.3 s; try again later"):
        lookup_one("2102.07074", timeout=0.3)


def test_offline(monkeypatch):
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setenv("NEWSLETTER_CROSSREF_API", f"http://127.0.0.1:{port}")
    with pytest.raises(SourceError, match=r"^cannot reach Crossref at 127\.0\.0\.1:\d+ \(Connection refused\); "
                                          r"check the network connection, or set NEWSLETTER_CROSSREF_API to a mirror$"):
        lookup_one("10.1145/3442188.3445922")


def test_neither_arxiv_nor_doi():
    with pytest.raises(SourceError, match="is neither an arXiv id or link nor a DOI"):
        lookup_one("https://openreview.net/forum?id=YicbFdNTTy")


def test_retry_after_forms():
    assert retry_after("120") == 120
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # a date in the past: now
    assert retry_after("soon") is None and retry_after(None) is None
