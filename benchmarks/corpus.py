"""A deterministic synthetic newsletter: N realistic notes over 60 months.

The same seed always writes the same bytes. Each note has ~320 words of Markdown
(paragraphs, a list, emphasis, a link), 2-5 tags out of 80 (popular tags are
used more, as in a real newsletter), a section, authors, sometimes a code link.
The same notes are also written as Material blog-plugin posts, so both tools
build identical content.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.slugs import slugify

REPO = Path(__file__).resolve().parent.parent
FIRST_YEAR = 2020
MONTHS = 60

TAGS = [
    "NLP", "Computer Vision", "Transformers", "GANs", "Diffusion Models", "Reinforcement Learning",
    "Self-Supervised Learning", "Semi-Supervised Learning", "Transfer Learning", "Data Augmentation",
    "Graph Neural Networks", "Speech", "Audio", "Time Series", "Recommender Systems", "Robotics",
    "Optimization", "Regularization", "Generalization", "Interpretability", "Fairness", "Privacy",
    "Federated Learning", "Meta-Learning", "Few-Shot Learning", "Continual Learning", "Active Learning",
    "Bayesian Methods", "Probabilistic Models", "Variational Inference", "Normalizing Flows",
    "Energy-Based Models", "Contrastive Learning", "Representation Learning", "Metric Learning",
    "Knowledge Distillation", "Pruning", "Quantization", "Efficient Inference", "Hardware",
    "Neural Architecture Search", "AutoML", "Hyperparameter Tuning", "Benchmarks", "Datasets",
    "Evaluation", "Robustness", "Adversarial Examples", "Uncertainty", "Causality", "Theory",
    "Scaling Laws", "Large Language Models", "Instruction Tuning", "RLHF", "Retrieval",
    "Question Answering", "Summarization", "Machine Translation", "Code Generation", "Multimodal",
    "Video", "3D Vision", "Object Detection", "Segmentation", "Image Generation", "Text-to-Image",
    "Medical Imaging", "Healthcare", "Climate", "Science", "Chemistry", "Biology", "Tabular Data",
    "Anomaly Detection", "Clustering", "Embeddings", "Attention", "Memory", "Tooling",
]
assert len(TAGS) == 80 and len({slugify(t) for t in TAGS}) == 80

SECTIONS = [("Papers", 10), ("Models", 4), ("Datasets", 2), ("Tools", 3), ("Tutorials", 2), ("Opinion", 1)]

ADJECTIVES = ("Sparse", "Scalable", "Robust", "Efficient", "Deep", "Contrastive", "Hierarchical", "Adaptive",
              "Causal", "Latent", "Masked", "Recurrent", "Implicit", "Neural", "Self-Supervised", "Multimodal",
              "Probabilistic", "Continual", "Federated", "Differentiable", "Conditional", "Unified", "Simple",
              "Universal", "Compositional", "Equivariant", "Lightweight", "Generative", "Structured", "Long-Range")
NOUNS = ("Attention", "Transformers", "Diffusion", "Representations", "Embeddings", "Agents", "Priors",
         "Autoencoders", "Retrieval", "Distillation", "Planning", "Tokenizers", "Graphs", "Flows", "Policies",
         "Rewards", "Memory", "Routing", "Experts", "Adapters", "Kernels", "Features", "Objectives",
         "Benchmarks", "Datasets", "Decoders", "Encoders", "Optimizers", "Schedules", "Ensembles")
TASKS = ("Long Documents", "Image Synthesis", "Speech Recognition", "Protein Folding", "Code Completion",
         "Video Understanding", "Question Answering", "Machine Translation", "Robot Control", "Tabular Data",
         "Weather Forecasting", "Few-Shot Classification", "Dense Retrieval", "Object Detection",
         "Semantic Segmentation", "Dialogue", "Summarization", "Molecule Design", "Recommendation",
         "Anomaly Detection", "Time Series", "3D Reconstruction", "Medical Imaging", "Program Synthesis")
FIRST = ("Ada", "Ben", "Chen", "Dana", "Emil", "Fatima", "Grace", "Hiro", "Ines", "Jonas", "Kemal", "Lena",
         "Mina", "Noah", "Olga", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wei", "Yara", "Zoe")
LAST = ("Abebe", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Huang", "Ivanova", "Jensen",
        "Kim", "Lopez", "Müller", "Nakamura", "Okafor", "Patel", "Quinn", "Rossi", "Sato", "Tanaka", "Ueda",
        "Varga", "Wang", "Xu", "Yilmaz", "Zhang")
WORDS = (
    "the model learns a compact representation of the input and uses it to predict missing parts of the "
    "sequence while the authors compare against strong baselines on standard benchmarks and report large "
    "gains in accuracy at a fraction of the compute budget training is stable even at scale and the method "
    "needs no extra labels which makes it attractive for practitioners with limited data we liked the "
    "careful ablations that separate the effect of the architecture from the effect of the training "
    "recipe the paper also releases code and pretrained weights so results are easy to reproduce one "
    "caveat is that evaluation focuses on English data and it remains unclear how well the approach "
    "transfers to other languages or domains the key idea is simple replace the dense layer with a "
    "mixture of small experts and route each token to the two most relevant experts this keeps the cost "
    "per token constant while the number of parameters grows the analysis of failure cases is honest and "
    "worth reading in full especially the section on long inputs where quality degrades smoothly rather "
    "than collapsing gradient noise learning rate warmup batch size curriculum sampling temperature "
    "calibration loss landscape inductive bias downstream tasks zero shot transfer fine tuning"
).split()


@dataclass
class CorpusNote:
    month: str
    slug: str
    title: str
    url: str
    authors: list[str]
    tags: list[str]
    section: str
    date: str
    code: str | None
    body: str


@dataclass
class Corpus:
    notes: list[CorpusNote] = field(default_factory=list)
    months: list[str] = field(default_factory=list)


def month_keys(count: int = MONTHS) -> list[str]:
    return [f"{FIRST_YEAR + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


def _sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*" if rng.random() < 0.6 else f"**{words[i]}**"
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _body(rng: random.Random, words_target: int = 320) -> str:
    """~320 words: paragraphs, a bullet list, emphasis and one link."""
    link = f"[{rng.choice(('the project page', 'the blog post', 'a thread by the authors', 'the talk'))}]" \
           f"(https://papers.example.net/{rng.choice(NOUNS).lower()}/{rng.randrange(10**6)})"
    first = _paragraph(rng, 3) + f" See {link} for more."
    items = "\n".join(f"- {_sentence(rng, 5, 12)}" for _ in range(rng.randint(3, 5)))
    blocks = [first, "What stands out:", items]
    words = sum(len(b.split()) for b in blocks)
    while words < words_target - 20:
        paragraph = _paragraph(rng, rng.randint(2, 5))
        blocks.append(paragraph)
        words += len(paragraph.split())
    return "\n\n".join(blocks)


def make_notes(count: int, seed: int = 1, months: int = MONTHS) -> Corpus:
    rng = random.Random(seed)
    keys = month_keys(months)
    weights = [1 / (i + 1) ** 0.8 for i in range(len(TAGS))]  # some tags are much more common
    section_names = [s for s, _ in SECTIONS]
    section_weights = [w for _, w in SECTIONS]
    corpus = Corpus(months=keys)
    used: set[tuple[str, str]] = set()
    for index in range(count):
        month = keys[index * len(keys) // count]  # spread evenly, oldest first
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} for {rng.choice(TASKS)}"
        slug = slugify(title)
        if (month, slug) in used:
            slug = f"{slug}-{index}"
        used.add((month, slug))
        tags: list[str] = []
        for _ in range(rng.randint(2, 5)):
            tag = rng.choices(TAGS, weights)[0]
            if tag not in tags:
                tags.append(tag)
        while len(tags) < 2:
            tag = rng.choice(TAGS)
            if tag not in tags:
                tags.append(tag)
        authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 6))]
        code = f"https://github.com/{slugify(authors[0])}/{slug[:30]}" if rng.random() < 0.4 else None
        corpus.notes.append(CorpusNote(
            month=month, slug=slug, title=title, url=f"https://arxiv.org/abs/{2000 + index // 1000}.{index:05d}",
            authors=authors, tags=tags, section=rng.choices(section_names, section_weights)[0],
            date=f"{month}-{rng.randint(1, 28):02d}", code=code, body=_body(rng)))
    return corpus


def _front_matter(data: dict) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"


def note_text(note: CorpusNote) -> str:
    meta = {"title": note.title, "url": note.url, "authors": note.authors, "tags": note.tags,
            "section": note.section, "date": dt.date.fromisoformat(note.date)}
    if note.code:
        meta["code"] = note.code
    return _front_matter(meta) + note.body + "\n"


def write_newsletter(corpus: Corpus, root: Path, template: Path = REPO) -> Path:
    """A newsletter project with the synthetic content and the mkdocs.yml and
    theme overrides of `template` (this repository). Returns its mkdocs.yml."""
    if root.exists():
        shutil.rmtree(root)
    (root / "site_config").mkdir(parents=True)
    shutil.copy(template / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(template / "site_config" / "overrides", root / "site_config" / "overrides")
    tags = [{"name": t, "description": f"Papers about {t}."} for t in TAGS]
    (root / "site_config" / "tags.yml").write_text(yaml.safe_dump(tags, sort_keys=False), encoding="utf-8")
    sections_used: dict[str, list[str]] = {}
    for note in corpus.notes:
        folder = root / "content" / "notes" / note.month
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{note.slug}.md").write_text(note_text(note), encoding="utf-8")
        names = sections_used.setdefault(note.month, [])
        if note.section not in names:
            names.append(note.section)
    issues = root / "content" / "issues"
    issues.mkdir(parents=True)
    order = [s for s, _ in SECTIONS]
    for number, month in enumerate(corpus.months, start=1):
        if month not in sections_used:
            continue
        meta = {"title": f"Issue {number}", "summary": f"The papers we read in {month}.",
                "sections": sorted(sections_used[month], key=order.index)}
        (issues / f"{month}.md").write_text(_front_matter(meta) + "A short editorial introduction to this month's issue.\n",
                                            encoding="utf-8")
    return root / "mkdocs.yml"


BLOG_CONFIG = """\
site_name: Blog plugin benchmark
site_url: https://example.org/
theme:
  name: material
plugins:
  - search
  - blog
  - tags
markdown_extensions:
  - attr_list
  - md_in_html
  - admonition
  - footnotes
  - tables
  - pymdownx.superfences
  - toc:
      permalink: "#"
"""


def blog_post(note: CorpusNote) -> str:
    meta = {"date": dt.date.fromisoformat(note.date), "categories": [note.section], "tags": note.tags}
    links = f"[Paper]({note.url})" + (f" · [Code]({note.code})" if note.code else "")
    return (_front_matter(meta) + f"# {note.title}\n\n*{', '.join(note.authors)}* · {links}\n\n"
            + note.body + "\n")


def write_blog(corpus: Corpus, root: Path) -> Path:
    """The same notes as Material blog posts (categories = sections, tags on).
    Returns its mkdocs.yml."""
    if root.exists():
        shutil.rmtree(root)
    posts = root / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(BLOG_CONFIG, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Blog plugin benchmark\n", encoding="utf-8")
    (root / "docs" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    (root / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    for note in corpus.notes:
        (posts / f"{note.month}-{note.slug}.md").write_text(blog_post(note), encoding="utf-8")
    return root / "mkdocs.yml"
