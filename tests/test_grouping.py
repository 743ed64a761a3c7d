"""grouping.py: months and sections, previous/next, drafts, tag indexes. Pure: Content in, Site out."""

from __future__ import annotations

from generator.grouping import RELATED_TAGS, group, month_label
from generator.model import Content, IssueMeta, Note, Tag

GANS = Tag("GANs", "gans", "Generative adversarial networks.")
NLP = Tag("NLP", "nlp")
VISION = Tag("Computer Vision", "computer-vision")
SSL = Tag("Self-Supervised Learning", "self-supervised-learning")


def note(slug, month, section=None, tags=(GANS,), title=None, draft=False) -> Note:
    return Note(slug=slug, month=month, title=title or slug.replace("-", " ").title(), url=f"https://example.org/{slug}",
                tags=tuple(tags), section=section, draft=draft, path=f"content/notes/{month}/{slug}.md")


def issue(month, sections=(), draft=False, title=None, summary="") -> IssueMeta:
    return IssueMeta(month=month, title=title, summary=summary, sections=tuple(sections), draft=draft,
                     path=f"content/issues/{month}.md")


def site_of(notes, issues=()):
    return group(Content(notes=tuple(notes), issues=tuple(issues), vocabulary=()))


def layout(month):
    return [(s.name, [n.slug for n in s.notes]) for s in month.sections]


def test_sections_in_issue_order_then_alphabetical_then_no_section():
    notes = [
        note("zebra", "2021-03", "NLP"), note("alpha", "2021-03", "nlp"),  # one section, two spellings
        note("audio-paper", "2021-03", "Audio"), note("bio", "2021-03", "biology"),
        note("loose-b", "2021-03"), note("loose-a", "2021-03"),
        note("eye", "2021-03", "vision"),
    ]
    site = site_of(notes, [issue("2021-03", sections=["Vision", "NLP", "Robotics"])])
    (month,) = site.months
    assert layout(month) == [
        ("Vision", ["eye"]),  # the issue's order and the issue's spelling
        ("NLP", ["alpha", "zebra"]),  # papers by title within a section
        ("Audio", ["audio-paper"]),  # then the other sections alphabetically, case-insensitively
        ("biology", ["bio"]),
        (None, ["loose-a", "loose-b"]),  # papers without a section last
    ]
    # A section listed in the issue with no paper is a warning on the issue file.
    assert [(p.path, p.severity) for p in site.problems] == [("content/issues/2021-03.md", "warning")]
    assert "'Robotics'" in site.problems[0].message


def test_months_newest_first_with_previous_and_next():
    site = site_of([note("a", "2021-01"), note("b", "2021-03"), note("c", "2020-12")])
    assert [(m.key, m.previous, m.next) for m in site.months] == [
        ("2021-03", "2021-01", None),
        ("2021-01", "2020-12", "2021-03"),
        ("2020-12", None, "2021-01"),
    ]


def test_month_title_and_summary_from_the_issue_file_or_defaults():
    site = site_of([note("a", "2021-03"), note("b", "2021-02")],
                   [issue("2021-03", title="Best of arXiv", summary="Ten papers.")])
    march, february = site.months
    assert (march.title, march.summary) == ("Best of arXiv", "Ten papers.")
    assert (february.title, february.summary) == ("February 2021", "")
    assert month_label("2021-12") == "December 2021"


def test_draft_note_is_in_no_month_and_no_tag():
    site = site_of([note("pub", "2021-03", tags=[GANS]), note("secret", "2021-03", tags=[GANS, NLP], draft=True)])
    assert [n.slug for n in site.notes] == ["pub"]
    assert [t.tag.slug for t in site.tags] == ["gans"]  # NLP was only used by the draft
    assert [n.slug for n in site.tags[0].notes] == ["pub"]
    assert site.tags[0].related == ()


def test_draft_issue_hides_its_month_and_is_skipped_by_previous_next():
    site = site_of([note("a", "2021-01"), note("b", "2021-02", tags=[NLP]), note("c", "2021-03")],
                   [issue("2021-02", draft=True)])
    assert [(m.key, m.previous, m.next) for m in site.months] == [("2021-03", "2021-01", None), ("2021-01", None, "2021-03")]
    assert "nlp" not in {t.tag.slug for t in site.tags}


def test_a_month_made_only_of_drafts_does_not_exist():
    site = site_of([note("a", "2021-01"), note("b", "2021-02", draft=True)])
    assert [m.key for m in site.months] == ["2021-01"]


def test_tag_pages_list_papers_newest_month_first():
    site = site_of([note("old", "2020-11"), note("new", "2021-03"), note("mid", "2021-01"), note("mid-b", "2021-01")])
    (gans,) = site.tags
    assert [n.slug for n in gans.notes] == ["new", "mid", "mid-b", "old"]


def test_tags_sorted_by_name_and_related_tags_by_frequency():
    site = site_of([
        note("a", "2021-03", tags=[GANS, VISION, SSL]),
        note("b", "2021-03", tags=[GANS, VISION]),
        note("c", "2021-02", tags=[GANS, NLP]),
        note("d", "2021-02", tags=[NLP]),
    ])
    assert [t.tag.name for t in site.tags] == ["Computer Vision", "GANs", "NLP", "Self-Supervised Learning"]
    by_slug = {t.tag.slug: t for t in site.tags}
    assert [(t.slug, n) for t, n in by_slug["gans"].related] == [("computer-vision", 2), ("nlp", 1), ("self-supervised-learning", 1)]
    assert [(t.slug, n) for t, n in by_slug["nlp"].related] == [("gans", 1)]
    assert len(by_slug["gans"].notes) == 3


def test_related_tags_are_capped():
    tags = [Tag(f"T{i}", f"t{i}") for i in range(RELATED_TAGS + 3)]
    site = site_of([note("a", "2021-03", tags=[GANS, *tags])])
    gans = next(t for t in site.tags if t.tag.slug == "gans")
    assert len(gans.related) == RELATED_TAGS


def test_issue_without_published_notes_is_a_warning():
    site = site_of([note("a", "2021-03")], [issue("2021-04")])
    assert [(p.path, p.line, p.severity) for p in site.problems] == [("content/issues/2021-04.md", 1, "warning")]
    assert "no published notes" in site.problems[0].message


def test_preview_with_drafts_keeps_them_marked():
    """`newsletter serve` may show drafts (include_drafts); a build never does (the default)."""
    notes = [note("a", "2021-01"), note("b", "2021-02", draft=True)]
    issues = [issue("2021-02", draft=True), issue("2021-01")]
    preview = group(Content(notes=tuple(notes), issues=tuple(issues), vocabulary=()), include_drafts=True)
    assert [(m.key, m.draft) for m in preview.months] == [("2021-02", True), ("2021-01", False)]
    assert [n.slug for n in preview.notes] == ["b", "a"]
    assert [m.key for m in site_of(notes, issues).months] == ["2021-01"]


def test_a_paper_anchor_that_takes_a_section_anchor_is_reported():
    from generator.grouping import group_months

    clash = Note(slug="section-nlp", month="2021-03", title="Clash", url="https://x.test/1", tags=(), section="NLP",
                 path="content/notes/2021-03/section-nlp.md")
    fine = Note(slug="nlp-paper", month="2021-03", title="Fine", url="https://x.test/2", tags=(), section="NLP",
                path="content/notes/2021-03/nlp-paper.md")
    _, problems = group_months([clash, fine], {})
    assert [str(p) for p in problems] == [
        "content/notes/2021-03/section-nlp.md:1: the file name gives the anchor #section-nlp, which is also the anchor "
        "of the section 'NLP' on the digest; rename the file"]


def test_a_repeat_note_knows_where_the_paper_was_featured_before():
    from dataclasses import replace
    first = replace(note("transgan", "2021-03"), url="https://arxiv.org/abs/2102.07074")
    second = replace(note("transgan-v2", "2021-07"), url="https://huggingface.co/papers/2102.07074")
    repeat = replace(note("transgan-again", "2021-09"), url="https://arxiv.org/pdf/2102.07074v3", repeat=True)
    unrelated = replace(note("other", "2021-09"), repeat=True)
    site = site_of([repeat, first, second, unrelated], [issue("2021-03", title="Best of arXiv \u2014 March 2021")])
    by_slug = {n.slug: n for n in site.notes}
    assert [(e.month, e.slug, e.issue_title) for e in by_slug["transgan-again"].earlier] == [
        ("2021-03", "transgan", "Best of arXiv \u2014 March 2021"), ("2021-07", "transgan-v2", "July 2021")]
    assert by_slug["transgan"].earlier == by_slug["transgan-v2"].earlier == by_slug["other"].earlier == ()  # not repeats / none
    # A draft issue is not published: nothing there to link to.
    hidden = site_of([repeat, first], [issue("2021-03", draft=True)])
    assert hidden.notes[0].earlier == ()
