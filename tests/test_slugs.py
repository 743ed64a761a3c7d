"""slugs.py: every spelling an editor may paste folds to one tag slug; note slugs are URL-safe."""

import pytest

from generator.slugs import ascii_slug, is_note_slug, slugify

SPELLINGS = [
    "Self-Supervised Learning",
    "self supervised learning",
    "SELF-SUPERVISED-LEARNING",
    "Self\u2011Supervised Learning",  # non-breaking hyphen, as pasted from a PDF
    "Self\u2010Supervised\u00a0Learning",  # Unicode hyphen and a no-break space
    "Self\u2013Supervised Learning",  # en dash
    "\uff33\uff45\uff4c\uff46\uff0d\uff33\uff55\uff50\uff45\uff52\uff56\uff49\uff53\uff45\uff44\u3000\uff2c\uff45\uff41\uff52\uff4e\uff49\uff4e\uff47",  # full-width
    "  self_supervised -- learning!  ",
    "Self-Supervised\tLearning\n",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_spelling_variants_share_one_slug(spelling):
    assert slugify(spelling) == "self-supervised-learning"


def test_full_width_input_really_is_full_width():
    # Guard against an editor "fixing" the test data above into ASCII.
    assert not SPELLINGS[6].isascii()
    assert "\u2011" in SPELLINGS[3]


@pytest.mark.parametrize("text, slug", [
    ("GANs", "gans"),
    ("Policy & Governance", "policy-governance"),
    ("Stra\u00dfe", "strasse"),  # casefold, not lower()
    ("\ufb01ne-tuning", "fine-tuning"),  # ligature fi
    ("\u041e\u0431\u0443\u0447\u0435\u043d\u0438\u0435 \u0441 \u043f\u043e\u0434\u043a\u0440\u0435\u043f\u043b\u0435\u043d\u0438\u0435\u043c",
     "\u043e\u0431\u0443\u0447\u0435\u043d\u0438\u0435-\u0441-\u043f\u043e\u0434\u043a\u0440\u0435\u043f\u043b\u0435\u043d\u0438\u0435\u043c"),  # kept, not dropped
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("***", ""),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize("text", SPELLINGS + ["Policy & Governance", "C++", "\u00c9t\u00e9"])
def test_slugify_is_idempotent(text):
    assert slugify(slugify(text)) == slugify(text)


def test_different_names_can_share_a_slug():
    # Why the reader must report such pairs instead of merging them silently.
    assert slugify("C++") == slugify("C#") == "c"


@pytest.mark.parametrize("title, slug", [
    ("TransGAN: Two Transformers Can Make One Strong GAN", "transgan-two-transformers-can-make-one-strong-gan"),
    ("\u00dcn\u00efcode Caf\u00e9 R\u00e9sum\u00e9", "unicode-cafe-resume"),  # accents dropped: file names stay ASCII
    ("Self\u2011Supervised Learning?!", "self-supervised-learning"),
    ("\u6df1\u5ea6\u5b66\u4e60", ""),  # nothing ASCII left: the scaffold refuses it
])
def test_ascii_slug(title, slug):
    assert ascii_slug(title) == slug


def test_ascii_slug_cuts_long_titles_at_a_word_boundary():
    slug = ascii_slug("Attention Is All You Need but Also Convolutions and Recurrence and Many Other Things")
    assert len(slug) <= 60
    assert slug == "attention-is-all-you-need-but-also-convolutions-and"
    assert is_note_slug(slug)


@pytest.mark.parametrize("text, ok", [
    ("transgan", True), ("bert-2", True), ("a1-b2-c3", True),
    ("TransGAN", False), ("trans_gan", False), ("-lead", False), ("trail-", False),
    ("double--hyphen", False), ("caf\u00e9", False), ("", False), ("with space", False),
])
def test_is_note_slug(text, ok):
    assert is_note_slug(text) is ok
