"""`newsletter export`: the plugin-free project builds with MkDocs alone, ProperDocs and
Zensical into the same site (pages, anchors, feeds, working links); ProperDocs builds
the project itself with the plugin; engines that would skip the plugin are stopped or
warned about.

One small project with tricky front matter (tests/test_build.py's), an image and an
extra page is built with the plugin and exported once per module; each engine builds
that export once. The plugin-free builds run in a subprocess where this package cannot
be imported at all, so they prove the export needs nothing of ours.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from generator.checks.linkcheck import check_site
from generator.mkdocs.export import rooted_html_links
from generator.mkdocs.guard import GUARD, MESSAGE
from generator.render import html_block
from helpers import REPO, TAGS, BuiltSite, build, parse_html, run_cli, write_project
from test_build import EVIL_TAG, FILES, INJECTED

SITE_URL = "https://example.org/"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x1f\x15\xc4\x89" + \
    bytes.fromhex("0000000d49444154789c6360000000000200011e2d3b6b0000000049454e44ae426082")
EXTRA = {
    "content/assets/figure.png": PNG,
    "content/about.md": "# About this newsletter\n\nSee the [archive](issues/index.md) and the figure:\n\n"
                        "![a figure](assets/figure.png)\n",
    "content/notes/2021-03/with-figure.md": (
        "---\ntitle: With Figure\nurl: https://papers.test/figure\ntags: [GANs]\n---\n\n"
        "The architecture: ![diagram](../assets/figure.png)\n"),
}
# The newsletter's package may not be imported by an engine building the export.
NO_GENERATOR = """
import sys
class NoGenerator:
    def find_spec(self, name, path=None, target=None):
        if name == "generator" or name.startswith("generator."):
            raise ImportError(f"the export imported {name}: it must build without the newsletter package")
sys.meta_path.insert(0, NoGenerator())
"""


def engine_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NO_MKDOCS_2_WARNING"] = env["DISABLE_MKDOCS_2_WARNING"] = "1"
    return env


def run_engine(module: str, config: Path, site: Path, *extra: str) -> subprocess.CompletedProcess:
    """`mkdocs build` / `properdocs build` of `config` with this package unimportable."""
    program = NO_GENERATOR + f"from {module}.__main__ import cli\ncli()\n"
    return subprocess.run([sys.executable, "-c", program, "build", "-f", str(config), "-d", str(site), *extra],
                          cwd=config.parent, env=engine_env(), capture_output=True, text=True, timeout=300)


def zensical() -> str | None:
    """Zensical's command: $ZENSICAL, the venv `make test` makes (.venv-zensical), or PATH."""
    for candidate in (os.environ.get("ZENSICAL"), str(REPO / ".venv-zensical" / "bin" / "zensical"), shutil.which("zensical")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return write_project(tmp_path_factory.mktemp("export") / "project", {**FILES, **EXTRA}, tags=[*TAGS, EVIL_TAG])


@pytest.fixture(scope="module")
def plugin_site(project) -> BuiltSite:
    site = project.parent / "site-plugin"
    run = build(project, site)
    assert run.code == 0, run.text
    return BuiltSite(site)


@pytest.fixture(scope="module")
def export(project) -> Path:
    out = project.parent / "export"
    run = run_cli("-f", project, "export", "--out", out)
    assert run.code == 0, run.text
    assert re.search(r"exported .*: \d+ generated pages, 2 other files of docs_dir, \d+ finished files from the plugin; "
                     r"plugin-free MkDocs build: \d+ internal links, 0 broken", run.out), run.out
    return out


@pytest.fixture(scope="module")
def mkdocs_site(export) -> BuiltSite:
    site = export.parent / "site-mkdocs"
    proc = run_engine("mkdocs", export / "mkdocs.yml", site, "--strict")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return BuiltSite(site)


@pytest.fixture(scope="module")
def properdocs_site(export) -> BuiltSite:
    site = export.parent / "site-properdocs"
    proc = run_engine("properdocs", export / "mkdocs.yml", site, "--strict")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return BuiltSite(site)


@pytest.fixture(scope="module")
def zensical_site(export) -> BuiltSite:
    command = zensical()
    if command is None:
        pytest.skip("Zensical is not installed: `make zensical` makes .venv-zensical (pyproject extra `zensical`); "
                    "or set ZENSICAL to its command")
    started = time.perf_counter()
    proc = subprocess.run([command, "build", "-f", str(export / "mkdocs.yml")], cwd=export, env=engine_env(),
                          capture_output=True, text=True, timeout=300)
    print(f"zensical build of the export: {time.perf_counter() - started:.1f} s")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return BuiltSite(export / "site")


# ------------------------------------------------------------------ the export itself

def test_config_is_the_sites_without_the_plugin_or_our_extensions(project, export):
    ours = yaml.safe_load(project.read_text(encoding="utf-8"))
    theirs = yaml.safe_load((export / "mkdocs.yml").read_text(encoding="utf-8"))
    assert theirs["plugins"] == ["search"]
    assert not any("generator" in str(e) for e in theirs["markdown_extensions"])
    assert [e for e in ours["markdown_extensions"] if e != GUARD] == theirs["markdown_extensions"]
    for key in ("site_name", "site_url", "site_description", "extra_css", "validation"):
        assert theirs[key] == ours[key]
    assert theirs["theme"] == {**ours["theme"], "custom_dir": "overrides", "variant": "classic"}  # Zensical: Material's look
    assert theirs["docs_dir"] == "docs"
    assert "generator" not in (export / "mkdocs.yml").read_text(encoding="utf-8")
    assert sorted(p.relative_to(export / "overrides").as_posix() for p in (export / "overrides").rglob("*") if p.is_file()) \
        == sorted(p.relative_to(project.parent / "site_config" / "overrides").as_posix()
                  for p in (project.parent / "site_config" / "overrides").rglob("*") if p.is_file())


def test_nav_is_the_one_the_plugin_built(export, plugin_site):
    nav = yaml.safe_load((export / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert nav[0] == {"Home": "index.md"} and nav[-1] == {"Tags": "tags/index.md"}
    issues = nav[1]["Issues"]
    assert issues[0] == {"Archive": "issues/index.md"}
    assert [next(iter(y)) for y in issues[1:]] == ["2021"]
    sidebar = plugin_site.page("").doc.find("nav", cls="md-nav--primary")
    for year in issues[1:]:
        for item in next(iter(year.values())):
            (title, path), = item.items()
            assert any(a.text() == parse_html(title).text() for a in sidebar.find_all("a")), title


def test_docs_hold_the_pages_assets_and_finished_files(export, plugin_site):
    docs = export / "docs"
    assert (docs / "assets" / "figure.png").read_bytes() == PNG
    assert (docs / "about.md").read_text(encoding="utf-8") == EXTRA["content/about.md"]
    assert not (docs / "notes").exists() and not (docs / "issues" / "2021-04.md").exists()  # sources and drafts stay out
    for rel in ("index.md", "issues/index.md", "tags/index.md", "issues/2021-03.md", "tags/gans.md"):
        assert (docs / rel).is_file(), rel
    feeds = sorted(p.relative_to(plugin_site.dir).as_posix() for p in plugin_site.dir.rglob("*.xml")
                   if p.name != "sitemap.xml" or p.parent != plugin_site.dir)
    assert "feed.xml" in feeds and "tags/gans/feed.xml" in feeds and "tags/gans/sitemap.xml" in feeds
    for rel in feeds:  # byte for byte what the plugin published
        assert (docs / rel).read_bytes() == (plugin_site.dir / rel).read_bytes(), rel
    # The paper search is the plugin's; the export has its engine's own, not Pagefind's unused index.
    assert (plugin_site.dir / "pagefind").is_dir() and not (docs / "pagefind").exists()
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in docs.rglob("*") if p.is_file())
    assert "SECRET" not in everything


def test_export_again_replaces_the_folder_and_refuses_a_foreign_one(project, export, tmp_path):
    again = tmp_path / "again"
    assert run_cli("-f", project, "export", "--out", again).code == 0
    (again / "stale.md").write_text("left over", encoding="utf-8")
    assert run_cli("-f", project, "export", "--out", again).code == 0
    assert not (again / "stale.md").exists()
    files = sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(export).as_posix() for p in export.rglob("*")
                           if p.is_file() and p.relative_to(export).parts[0] in ("docs", "overrides", "mkdocs.yml"))
    assert all((again / f).read_bytes() == (export / f).read_bytes() for f in files)  # the same content, the same export
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("mine", encoding="utf-8")
    run = run_cli("-f", project, "export", "--out", foreign)
    assert run.code == 1 and "not empty and holds no export" in run.err
    assert (foreign / "thesis.tex").read_text(encoding="utf-8") == "mine"
    run = run_cli("-f", project, "export", "--out", project.parent)  # a project's own folder: never replaced
    assert run.code == 1 and "not empty and holds no export" in run.err and project.is_file()


def test_html_block_links_become_root_relative_under_the_site_path():
    page = "text [md link](gans.md)\n\n" + html_block('<a href="../../issues/2021-03/#x">p</a> <a href="https://a.test/">b</a> '
                                                       '<a href="#local">l</a> <a href="../gans/">g</a>') + "\n"
    out = rooted_html_links(page, "/newsletter/tags/nlp/")
    assert "[md link](gans.md)" in out  # Markdown links are every engine's to resolve
    assert ('href="/newsletter/issues/2021-03/#x"' in out and 'href="https://a.test/"' in out
            and 'href="#local"' in out and 'href="/newsletter/tags/gans/"' in out)
    assert out.count("<!-- nl-html ") == 1 and html_block("x") in rooted_html_links(html_block("x"), "/")


# ------------------------------------------------------------------ the engines

def normalised_article(site: BuiltSite, url: str) -> tuple:
    """What a reader gets of a page, whatever the engine: the article's text, its ids, and
    its links resolved to site paths (engines write the same target differently)."""
    page = site.page(url)
    article = page.article
    links = []
    for a in article.find_all("a"):
        href = a.attrs.get("href") or ""
        if "headerlink" in a.classes:
            continue
        if href.startswith("/"):
            href = href[1:]
            target = (href.split("#")[0].strip("/"), href.partition("#")[2])
        else:
            target = site.resolve(page, href) or href
        links.append((a.text(), target))
    ids = sorted(e.id for e in article.iter() if e.id)
    return article.text(), ids, links


def page_urls(site: BuiltSite) -> set[str]:
    return set(site.page_urls())


@pytest.mark.parametrize("engine", ["mkdocs_site", "properdocs_site"])
def test_engine_builds_the_same_site_from_the_export(engine, request, plugin_site):
    site: BuiltSite = request.getfixturevalue(engine)
    assert page_urls(site) == page_urls(plugin_site)
    for url in sorted(page_urls(plugin_site)):
        assert normalised_article(site, url) == normalised_article(plugin_site, url), url
    plugin_files = {p.relative_to(plugin_site.dir).as_posix() for p in plugin_site.dir.rglob("*") if p.is_file()}
    site_files = {p.relative_to(site.dir).as_posix() for p in site.dir.rglob("*") if p.is_file()}
    # Every file the plugin's build publishes, but its paper search (the export has its engine's).
    assert {f for f in plugin_files if not f.startswith("pagefind/")} <= site_files
    assert not any(f.startswith("pagefind/") for f in site_files)
    report = check_site(site.dir, SITE_URL)
    assert report.broken == () and report.links > 500


def test_escaping_is_kept_in_the_plugin_free_build(mkdocs_site):
    """Front-matter text is shown as typed, never markup (the render stage's escaping, kept as it was)."""
    digest = mkdocs_site.page("issues/2021-03/")
    text = digest.article.text()
    for injected in INJECTED[2:]:  # the paper's title, author and section, the issue's title and summary
        assert " ".join(injected.split()) in text, injected
    assert not digest.article.find_all("script") and not digest.article.find_all("img", src="x")
    hrefs = [a.attrs.get("href", "") for a in digest.article.find_all("a")]
    assert all(urlsplit(href).scheme in ("", "http", "https") for href in hrefs), hrefs  # no javascript: from the evil link
    assert "papers.bib" in hrefs  # the issue's BibTeX, a file beside the digest


def test_image_and_extra_page_work_in_the_plugin_free_build(mkdocs_site):
    digest = mkdocs_site.page("issues/2021-03/")
    img = digest.article.find("img", alt="diagram")
    assert mkdocs_site.resolve(digest, img.attrs["src"])[0] == "assets/figure.png"
    about = mkdocs_site.page("about/")
    assert about.article.find("img", alt="a figure") is not None


def test_zensical_builds_every_digest_anchor_tag_page_and_feed(zensical_site, plugin_site):
    site = zensical_site
    assert page_urls(plugin_site) <= page_urls(site)
    for url in sorted(page_urls(plugin_site)):
        ours, theirs = normalised_article(plugin_site, url), normalised_article(site, url)
        assert set(ours[1]) <= set(theirs[1]), url  # every anchor (Zensical adds none we rely on)
        assert ours[0] == theirs[0], url  # the same text
        # The same links to the same targets; Zensical's article adds a skip-link target (<a id="__skip">).
        assert ours[2] == [(text, target) for text, target in theirs[2] if text], url
    for rel in ("feed.xml", "tags/gans/feed.xml", "assets/figure.png"):
        assert (site.dir / rel).read_bytes() == (plugin_site.dir / rel).read_bytes()
    report = check_site(site.dir, SITE_URL)
    assert report.broken == () and report.links > 500


# ------------------------------------------------------------------ the project with the plugin

def test_properdocs_builds_the_project_with_the_plugin(project, plugin_site, tmp_path):
    site = tmp_path / "properdocs"
    env = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "1", "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(project), "-d", str(site)],
                          cwd=project.parent, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    built = BuiltSite(site)
    assert page_urls(built) == page_urls(plugin_site)
    for url in sorted(page_urls(plugin_site)):
        assert normalised_article(built, url) == normalised_article(plugin_site, url), url
    for rel in ("feed.xml", "tags/gans/feed.xml"):
        assert (site / rel).read_bytes() == (plugin_site.dir / rel).read_bytes()
    assert check_site(site, SITE_URL).broken == ()


# ------------------------------------------------------------------ engines that skip the plugin

def test_the_guard_stops_a_build_without_the_plugin():
    """In a process without the plugin (an engine that runs none), converting a page raises;
    switched off, or where the plugin is loaded (our commands, this process), it does nothing."""
    import markdown
    program = ("import markdown\n"
               f"try:\n    markdown.markdown('# a page', extensions=['{GUARD}'])\n"
               "except RuntimeError as exc:\n    print('stopped:', exc)\n"
               f"print(markdown.markdown('x', extensions=['{GUARD}'], extension_configs={{'{GUARD}': {{'enabled': False}}}}))\n")
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout == f"stopped: {MESSAGE}\n<p>x</p>\n", proc.stderr
    import generator.mkdocs.plugin  # noqa: F401 (as in every process that runs the plugin)
    assert markdown.markdown("y", extensions=[GUARD]) == "<p>y</p>"


def test_zensical_on_the_project_stops_with_the_guards_message(project, tmp_path):
    command = zensical()
    if command is None:
        pytest.skip("Zensical is not installed: `make zensical` makes .venv-zensical")
    copy = tmp_path / "project"
    shutil.copytree(project.parent, copy, ignore=lambda folder, names: [
        n for n in names if Path(folder) == project.parent and (n.startswith("site-") or n in ("export", ".cache"))])
    env = {**engine_env(), "PYTHONPATH": str(REPO)}  # our package importable: the guard itself speaks
    proc = subprocess.run([command, "build"], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert MESSAGE in proc.stdout + proc.stderr
    assert not (copy / "site" / "notes").exists()


def test_check_warns_about_builds_that_would_skip_the_plugin(make_project):
    config = make_project({}, mkdocs_edits={f"  - {GUARD}\n": ""})
    run = run_cli("-f", config, "check")
    assert run.code == 0
    assert re.search(r"^mkdocs.yml:\d+: an engine that runs no plugins.*add `- generator.mkdocs.guard`.*\[warning\]$",
                     run.out, re.M), run.out
    (config.parent / "zensical.toml").write_text('[project]\nsite_name = "x"\n', encoding="utf-8")
    (config.parent / "properdocs.yml").write_text("site_name: x\nplugins: [newsletter]\n", encoding="utf-8")
    run = run_cli("-f", config, "check")
    assert "zensical.toml: `zensical build` reads this file before mkdocs.yml" in run.out
    assert "properdocs.yml" not in run.out  # it enables the plugin
    assert run_cli("-f", config, "check", "--strict").code == 1


def test_shipped_config_has_the_guard_and_checks_clean():
    assert GUARD in yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]
