"""`newsletter`: the editor's command line (check, build, serve, new-issue, new-note)."""

from __future__ import annotations

import argparse
import ctypes
import gc
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from mkdocs.exceptions import MkDocsException

from .grouping import group
from .mkdocs.engines import engine_problems
from .checks.linkcheck import check_site
from .read import read_content
from .render import plural
from .scaffold import ScaffoldError, new_issue, new_note

# MkDocs 1.x announces MkDocs 2 on every run; our pin (mkdocs<2) already answers it.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def plugin_settings(config_file: Path) -> dict:
    """The newsletter plugin's options from mkdocs.yml, validated by MkDocs itself."""
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    plugin = config.plugins.get("newsletter")
    if plugin is None:
        raise SystemExit(f"{config_file}: the 'newsletter' plugin is not enabled under plugins:")
    return {"content_dir": Path(plugin.config.content_dir),
            "tags_file": Path(plugin.config.tags_file) if plugin.config.tags_file else None,
            "unknown_tags": plugin.config.unknown_tags,
            "root": config_file.resolve().parent,
            "markdown_extensions": list(config.markdown_extensions)}


def cmd_check(args) -> int:
    if args.site:
        return cmd_check_site(args)
    settings = plugin_settings(args.config)
    if args.strict_tags:
        settings["unknown_tags"] = "error"
    content = read_content(settings["content_dir"], settings["tags_file"], settings["root"], settings["unknown_tags"])
    site = group(content)
    engines = engine_problems(args.config, settings["markdown_extensions"])  # builds that would skip the plugin
    problems = sorted(content.problems + site.problems + tuple(engines), key=lambda p: (p.path, p.line or 0, p.message))
    for problem in problems:
        print(f"{problem}" + ("" if problem.severity == "error" else " [warning]"))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{plural(len(content.notes), 'note')}, {plural(len(site.months), 'month')}, {plural(len(site.tags), 'tag')}: "
          f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    return 1 if errors or (args.strict and warnings) else 0


class _Counter(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _give_back_freed_memory() -> None:
    """Return the heap the freed build leaves behind to the system (glibc keeps it
    otherwise), so the link check does not stack its own memory on top of it."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def cmd_build(args) -> int:
    """Strict build into a temporary folder, swapped in only on success, so a bad
    note never replaces a good site."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)-7s -  %(message)s")
    started = time.perf_counter()
    counter = _Counter()
    logging.getLogger("mkdocs").addHandler(counter)
    config_file = args.config.resolve()
    site_dir = Path(args.site_dir).resolve() if args.site_dir else config_file.parent / "site"
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    # Dates MkDocs writes (sitemap <lastmod>, the .gz header) come from the content,
    # not the clock, so the same content always builds byte-identical files.
    # The plugin sets SOURCE_DATE_EPOCH from the content it reads anyway (no second read).
    epoch_from_content = "SOURCE_DATE_EPOCH" not in os.environ
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        config = load_config(str(config_file), strict=not args.no_strict, site_dir=str(staging))
        if "newsletter" in config.plugins:
            config.plugins["newsletter"].epoch_from_content = epoch_from_content
        build(config)
        plugin = config.plugins["newsletter"]
        summary = f"{len(plugin.content.notes)} notes, {len(plugin.site.months)} issues, {len(plugin.site.tags)} tags"
        # Free the build (its pages and their HTML are cyclic garbage) before the link check
        # reads the site: the peak memory of a 10,000-note build is the sum of both otherwise.
        plugin.content = plugin.site = None
        gc.collect()
        _give_back_freed_memory()
        broken = check_site(staging, config.site_url).broken
        for link in broken:
            logging.getLogger("mkdocs.newsletter").warning(f"{site_dir.name}/{link}")
        if broken and not args.no_strict:
            raise MkDocsException(f"{plural(len(broken), 'broken link')} in the built site")
    except (MkDocsException, SystemExit) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"build failed: {exc or 'see the warnings above'}; {site_dir} left as it was", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)  # main() may run again in one process
        if epoch_from_content:
            os.environ.pop("SOURCE_DATE_EPOCH", None)  # the content's date was for this build only
    _swap_in(staging, site_dir)
    pages = sum(1 for _ in site_dir.rglob("*.html"))
    print(f"built {site_dir.name}/: {summary}, "
          f"{pages} pages, {counter.count} warnings, {time.perf_counter() - started:.1f} s")
    return 0


def cmd_check_site(args) -> int:
    """Every internal link and #fragment of a built site resolves (see checks/linkcheck.py)."""
    site_dir = Path(args.site)
    if not site_dir.is_dir():
        print(f"newsletter: no built site at {site_dir}; run newsletter build first", file=sys.stderr)
        return 1
    site_url = None
    if args.config.exists():  # the site's URL path is its root (e.g. /newsletter/)
        from mkdocs.config import load_config
        site_url = load_config(str(args.config)).site_url
    report = check_site(site_dir, site_url)
    for link in report.broken:
        print(f"{site_dir.as_posix().rstrip('/')}/{link}")
    print(f"{site_dir.name}/: {plural(report.links, 'internal link')} in {plural(report.files, 'file')}, "
          f"{plural(len(report.broken), 'broken link')}")
    return 1 if report.broken else 0


def _swap_in(staging: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        site_dir.rename(old)
    staging.chmod(0o755)  # mkdtemp makes it private; a published site is world-readable
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def cmd_export(args) -> int:
    """The site as a plugin-free MkDocs project (mkdocs/export.py), written to a
    temporary folder and swapped into --out only when it is complete."""
    from .mkdocs.export import ExportError, export_site, is_export

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)-7s -  %(message)s")
    out = Path(args.out).resolve()
    if out.exists() and any(out.iterdir()) and not is_export(out):  # never replace anything but an earlier export
        print(f"newsletter: {args.out} is not empty and holds no export; choose a new or empty folder", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    counter = _Counter()
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        report = export_site(args.config, staging, strict=not args.no_strict)
        for link in report.broken:
            logging.getLogger("mkdocs.newsletter").warning(f"{out.name}: {link}")
        if report.broken:
            raise MkDocsException(f"{plural(len(report.broken), 'broken link')} in the plugin-free build of the export")
    except (MkDocsException, ExportError, SystemExit) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"export failed: {exc or 'see the warnings above'}; {args.out} left as it was", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)
    _swap_in(staging, out)
    print(f"exported {args.out}: {plural(report.pages, 'generated page')}, {plural(report.docs_files, 'other file')} "
          f"of docs_dir, {plural(len(report.plugin_files), 'finished file')} from the plugin; plugin-free MkDocs build: "
          f"{plural(report.links, 'internal link')}, 0 broken; {counter.count} warnings, {report.seconds:.1f} s")
    return 0


def cmd_serve(args) -> int:
    from mkdocs.__main__ import cli

    argv = ["serve", "--config-file", str(args.config), "--dev-addr", args.dev_addr]
    if not args.full_rebuilds:
        argv.append("--dirty")  # the plugin rebuilds only the pages a change touches (see mkdocs/incremental.py)
    return cli.main(args=argv, prog_name="newsletter serve", standalone_mode=True)


def cmd_new_issue(args) -> int:
    settings = plugin_settings(args.config)
    path = new_issue(settings["content_dir"], args.month, args.title)
    print(f"created {os.path.relpath(path)}")
    return 0


def cmd_new_note(args) -> int:
    settings = plugin_settings(args.config)
    tags = [t.strip() for t in (args.tags or "").split(",") if t.strip()]
    authors = [a.strip() for a in (args.authors or "").split(",") if a.strip()]
    path = new_note(settings["content_dir"], args.month, args.title, args.url, tags, args.section, authors)
    print(f"created {os.path.relpath(path)}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="newsletter", description="Write, check and build the ML-paper newsletter site.")
    top.add_argument("-f", "--config", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml (default: ./mkdocs.yml)")
    sub = top.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate all content; print every problem as path:line: message")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument("--strict-tags", action="store_true", help="tags outside site_config/tags.yml are errors")
    check.add_argument("--site", nargs="?", const="site", metavar="SITE_DIR",
                       help="instead, check every internal link and #anchor of the built site (default: site)")
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="strict MkDocs build into site/ (kept as it was if the build fails)")
    build.add_argument("--site-dir", help="output folder (default: site/ beside mkdocs.yml)")
    build.add_argument("--no-strict", action="store_true", help="skip bad notes with a warning instead of failing")
    build.add_argument("-v", "--verbose", action="store_true")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="live preview that reloads when a note, an issue or site_config/ changes")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="IP:PORT (default 127.0.0.1:8000)")
    serve.add_argument("--full-rebuilds", action="store_true", help="rebuild every page on each change (slower)")
    serve.set_defaults(func=cmd_serve)

    export = sub.add_parser("export", help="the site as plain Markdown pages, finished files and a mkdocs.yml "
                            "without the newsletter plugin, for any engine (MkDocs, ProperDocs, Zensical)")
    export.add_argument("--out", required=True, help="folder to write (replaced if it holds an earlier export)")
    export.add_argument("--no-strict", action="store_true", help="skip bad notes with a warning instead of failing")
    export.add_argument("-v", "--verbose", action="store_true")
    export.set_defaults(func=cmd_export)

    issue = sub.add_parser("new-issue", help="scaffold content/issues/YYYY-MM.md")
    issue.add_argument("month", help="YYYY-MM")
    issue.add_argument("--title")
    issue.set_defaults(func=cmd_new_issue)

    note = sub.add_parser("new-note", help="scaffold content/notes/YYYY-MM/<slug>.md (slug from the title)")
    note.add_argument("month", help="YYYY-MM")
    note.add_argument("title")
    note.add_argument("--url", required=True, help="the paper's primary link (http/https)")
    note.add_argument("--tags", help="comma-separated, e.g. GANs,Transformers")
    note.add_argument("--section")
    note.add_argument("--authors", help="comma-separated names")
    note.set_defaults(func=cmd_new_note)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ScaffoldError, MkDocsException) as exc:  # e.g. a missing or invalid mkdocs.yml: no traceback
        print(f"newsletter: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
