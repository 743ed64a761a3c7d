"""`newsletter`: the editor's command line (check, build, serve, new-issue, new-note, import, email)."""

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
from .read import MONTH_RE, read_content
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

    def build_into(staging: Path) -> str:
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
        return summary

    try:
        summary = _staged(site_dir, "build", (MkDocsException, SystemExit), build_into)
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)  # main() may run again in one process
        if epoch_from_content:
            os.environ.pop("SOURCE_DATE_EPOCH", None)  # the content's date was for this build only
    if summary is None:
        return 1
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


def _staged(target: Path, what: str, errors: tuple, work):
    """`work(folder)` into a new folder beside `target`, swapped in only when it returns,
    so a failed build never replaces a good one. On one of `errors` the folder is removed,
    the failure said, and None returned: `target` is left as it was."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        result = work(staging)
    except errors as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"{what} failed: {exc or 'see the warnings above'}; {target} left as it was", file=sys.stderr)
        return None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, target)
    return result


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
    counter = _Counter()
    logging.getLogger("mkdocs").addHandler(counter)

    def export_into(staging: Path):
        report = export_site(args.config, staging, strict=not args.no_strict)
        for link in report.broken:
            logging.getLogger("mkdocs.newsletter").warning(f"{out.name}: {link}")
        if report.broken:
            raise MkDocsException(f"{plural(len(report.broken), 'broken link')} in the plugin-free build of the export")
        return report

    try:
        report = _staged(out, "export", (MkDocsException, ExportError, SystemExit), export_into)
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)
    if report is None:
        return 1
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
    if args.from_ or not args.url:
        return cmd_new_note_from(args)
    settings = plugin_settings(args.config)
    tags = [t.strip() for t in (args.tags or "").split(",") if t.strip()]
    authors = [a.strip() for a in (args.authors or "").split(",") if a.strip()]
    path = new_note(settings["content_dir"], args.month, args.title, args.url, tags, args.section, authors,
                    repeat=args.repeat)
    print(f"created {os.path.relpath(path)}")
    return 0


def cmd_email(args) -> int:
    """The email edition of an issue: written to --out, or sent with --send (see mailer.py)."""
    from mkdocs.config import load_config

    from . import mailer
    from .outputs import email as edition_mail

    config_file = args.config
    config = load_config(str(config_file))
    plugin = config.plugins.get("newsletter")
    if plugin is None:
        raise SystemExit(f"{config_file}: the 'newsletter' plugin is not enabled under plugins:")
    opts = plugin.config
    settings = edition_mail.EmailSettings(sender=args.sender or opts.email_from, list_id=opts.email_list_id,
                                          unsubscribe=args.unsubscribe or opts.email_unsubscribe,
                                          reply_to=opts.email_reply_to)
    wrong = edition_mail.check_settings(settings)
    if not config.site_url:
        wrong.append(f"{config_file}: site_url is not set; every link in an email must be absolute (set site_url: https://...)")
    root = config_file.resolve().parent
    content = read_content(Path(opts.content_dir), Path(opts.tags_file) if opts.tags_file else None, root, opts.unknown_tags)
    site = group(content)
    wrong += [str(p) for p in sorted(content.errors, key=lambda p: (p.path, p.line or 0))]
    month = next((m for m in site.months if m.key == args.month), None)
    if month is None and not content.errors:
        issue = next((i for i in content.issues if i.month == args.month), None)
        why = (f"{issue.path}: the issue is a draft (set draft: false to send it)" if issue and issue.draft
               else f"no published issue {args.month} (no published notes in content/notes/{args.month}/)")
        wrong.append(why)
    recipients = None
    if args.send or args.dry_run:
        if not args.to:
            wrong.append("--send and --dry-run need --to FILE (one address per line)")
        elif not Path(args.to).is_file():
            wrong.append(f"--to {args.to}: no such file")
        else:
            recipients = mailer.read_recipients(Path(args.to))
        if args.send and not args.smtp:
            wrong.append("--send needs --smtp HOST:PORT (e.g. --smtp email-smtp.eu-west-1.amazonaws.com:587)")
        elif args.send:
            try:
                mailer.parse_server(args.smtp)
            except ValueError as exc:
                wrong.append(str(exc))
    if args.limit_per_minute < 0:
        wrong.append("--limit-per-minute: write a positive number of messages a minute (0: no limit)")
    if wrong:  # nothing is written or sent
        for line in wrong:
            print(line, file=sys.stderr)
        return 1
    site_url = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
    setup = edition_mail.MarkdownSetup(tuple(config.markdown_extensions), dict(config.mdx_configs))
    issue = edition_mail.edition(month, site_url, config.site_name, setup, settings)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        archive = edition_mail.personal(issue, "")
        (out / f"{month.key}.eml").write_bytes(edition_mail.message(issue, site_url, config.site_name, settings).as_bytes())
        (out / f"{month.key}.html").write_text(archive.html, encoding="utf-8")
        (out / f"{month.key}.txt").write_text(archive.text, encoding="utf-8")
        print(f"wrote {out}/{month.key}.eml, .html, .txt ({plural(len(month.notes), 'paper')})")
    if recipients is None:
        if not args.out:
            print("nothing to do: give --out DIR to write the edition, or --send --to FILE to send it", file=sys.stderr)
            return 1
        return 0
    for problem in recipients.problems:
        print(problem, file=sys.stderr)
    log = mailer.SendLog(root / ".cache" / "newsletter" / "sent" / f"{month.key}.jsonl")
    served = log.served()
    todo = [a for a in recipients.addresses if a.casefold() not in served]
    if args.dry_run:
        for address in todo:
            print(f"would send {month.key} to {address}")
        print(f"dry run: {len(todo)} to send, {len(recipients.addresses) - len(todo)} already sent, "
              f"{len(recipients.problems)} skipped lines; nothing sent")
        return 0
    host, port = mailer.parse_server(args.smtp)
    server = mailer.Server(host, port, args.smtp_security, os.environ.get("NEWSLETTER_SMTP_USER") or None,
                           os.environ.get("NEWSLETTER_SMTP_PASSWORD"))
    make = lambda address: edition_mail.message(issue, site_url, config.site_name, settings, address)  # noqa: E731
    report = mailer.send_all(recipients.addresses, make, server, log, args.limit_per_minute)
    for address, reason in report.failed:
        print(f"failed: {address}: {reason}", file=sys.stderr)
    if report.stopped:
        print(f"stopped: {report.stopped}; {len(report.not_tried)} not sent yet, run the same command again to send them",
              file=sys.stderr)
    print(f"{month.key}: sent {len(report.sent)}, already sent before {len(report.already)}, "
          f"skipped {len(recipients.problems)}, failed {len(report.failed)}, not sent yet {len(report.not_tried)} "
          f"(log: {os.path.relpath(log.path)})")
    return 0 if report.complete else 1

def _split_list(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _featured(rel: str) -> str:
    """'content/notes/2021-03/x.md' -> 'content/notes/2021-03/x.md (issue 2021-03)'."""
    month = rel.rsplit("/", 2)[-2] if rel.count("/") >= 2 else ""
    return f"{rel} (issue {month})" if MONTH_RE.match(month) else rel


def cmd_new_note_from(args) -> int:
    """`new-note YYYY-MM --from URL_OR_ID`: the note filled in from arXiv or Crossref.
    Nothing is written unless the record was fetched whole."""
    from dataclasses import replace

    from .identity import paper_id
    from .scaffold import archive, check_month, note_from_record
    from .sources import SourceError, lookup_one

    if not args.from_:
        raise ScaffoldError("give the paper's link: --url URL with a title, or --from URL_OR_ID to fill it in from arXiv or Crossref")
    if args.url:
        raise ScaffoldError("give either --url (with a title) or --from, not both")
    check_month(args.month)
    content_dir = plugin_settings(args.config)["content_dir"]
    known = archive(content_dir)
    before = known.get(paper_id(args.from_))
    if before and not args.repeat:
        raise ScaffoldError(f"{args.from_} is already in the archive: {_featured(before)}; "
                            f"to feature it again, add --repeat (writes repeat: true)")
    try:
        record = lookup_one(args.from_)
    except SourceError as exc:
        print(f"newsletter: {exc}; no file written", file=sys.stderr)
        return 1
    before = known.get(record.identity)
    if before and not args.repeat:
        raise ScaffoldError(f"{args.from_} is already in the archive: {_featured(before)}; "
                            f"to feature it again, add --repeat (writes repeat: true)")
    if args.title:
        record = replace(record, title=args.title.strip())
    if args.authors:
        record = replace(record, authors=tuple(_split_list(args.authors)))
    path = note_from_record(content_dir, args.month, record, _split_list(args.tags), args.section, args.abstract, args.repeat)
    print(f"created {os.path.relpath(path)} from {record.source}: {record.title!r}, {plural(len(record.authors), 'author')}"
          + (f", first version {record.date.isoformat()}" if record.date and record.source == "arXiv" else
             f", {record.date.isoformat()}" if record.date else ""))
    if not args.tags:
        print("next: add its tags (tags: [...]) and write why it matters")
    return 0


def _read_list(name: str) -> list[tuple[int, str]]:
    """(line number, link or id) of a list file: blank lines and # comments skipped."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"cannot read the list {name}: {getattr(exc, 'strerror', None) or exc}") from None
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            items.append((number, line))
    return items


def cmd_import(args) -> int:
    """`import YYYY-MM FILE`: `new-note --from` for every line of FILE, skipping papers the
    archive already has (so a rerun after a failure only fetches what failed); one progress
    line per paper and a summary. Exit 1 if any failed."""
    from .identity import arxiv_id, doi, paper_id
    from .scaffold import archive, check_month, note_from_record
    from .sources import SourceError, lookup

    check_month(args.month)
    content_dir = plugin_settings(args.config)["content_dir"]
    items = _read_list(args.file)
    known = archive(content_dir)
    listed: dict[str, int] = {}
    tags, section = _split_list(args.tags), args.section
    outcome: dict[int, tuple[str, str]] = {}  # line -> (created/skipped/failed, what)
    to_fetch: list[tuple[int, str]] = []
    for number, text in items:
        key = paper_id(text)
        if arxiv_id(text) is None and doi(text) is None:
            outcome[number] = ("failed", "neither an arXiv id or link nor a DOI; write its note by hand (newsletter new-note)")
        elif key in known:
            outcome[number] = ("skipped", f"already in the archive: {_featured(known[key])}")
        elif key in listed:
            outcome[number] = ("skipped", f"listed twice: the same paper as line {listed[key]}")
        else:
            listed[key] = number
            to_fetch.append((number, text))
    total = len(items)
    arxiv_texts = [text for _, text in to_fetch if arxiv_id(text) is not None]
    if arxiv_texts:
        print(f"asking arXiv for {plural(len(arxiv_texts), 'paper')} ...", flush=True)
    fetched = lookup(arxiv_texts) if arxiv_texts else {}
    counts = {"created": 0, "skipped": 0, "failed": 0}
    for index, (number, text) in enumerate(items, 1):
        if number not in outcome:
            record = fetched.get(text)
            if record is None:  # a DOI: one Crossref request each, as the progress shows
                record = lookup([text])[text]
            if isinstance(record, SourceError):
                outcome[number] = ("failed", str(record))
            elif record.identity in known:
                outcome[number] = ("skipped", f"already in the archive: {_featured(known[record.identity])}")
            else:
                try:
                    path = note_from_record(content_dir, args.month, record, tags, section, args.abstract)
                except ScaffoldError as exc:
                    outcome[number] = ("failed", str(exc))
                else:
                    known[record.identity] = os.path.relpath(path, content_dir.parent).replace(os.sep, "/")
                    outcome[number] = ("created", f"{os.path.relpath(path)} ({record.title})")
        state, what = outcome[number]
        counts[state] += 1
        print(f"[{index}/{total}] {text}: {'failed: ' if state == 'failed' else ''}{'created ' if state == 'created' else ''}{what}",
              flush=True)
    print(f"{plural(total, 'paper')}: {counts['created']} created, {counts['skipped']} already in the archive or listed twice, "
          f"{counts['failed']} failed" + ("; rerun the same command to retry the failed ones (nothing is overwritten)"
                                          if counts["failed"] else ""))
    return 1 if counts["failed"] else 0


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

    note = sub.add_parser("new-note", help="scaffold content/notes/YYYY-MM/<slug>.md (slug from the title), "
                                           "filled in from arXiv or Crossref with --from")
    note.add_argument("month", help="YYYY-MM")
    note.add_argument("title", nargs="?", help="the paper's title (with --from: replaces the fetched one)")
    note.add_argument("--url", help="the paper's primary link (http/https)")
    note.add_argument("--from", dest="from_", metavar="URL_OR_ID",
                      help="fill title, authors, date, url and code from arXiv (id or link) or Crossref (DOI)")
    note.add_argument("--abstract", action="store_true", help="with --from: start the body with the abstract as a quote")
    note.add_argument("--repeat", action="store_true", help="the paper was featured before: write repeat: true")
    note.add_argument("--tags", help="comma-separated, e.g. GANs,Transformers")
    note.add_argument("--section")
    note.add_argument("--authors", help="comma-separated names")
    note.set_defaults(func=cmd_new_note)

    mail = sub.add_parser("email", help="the email edition of an issue: write it (--out) or send it (--send --to)")
    mail.add_argument("month", help="YYYY-MM")
    mail.add_argument("--out", help="write DIR/YYYY-MM.eml, .html and .txt")
    mail.add_argument("--send", action="store_true", help="send to every address of --to not served yet")
    mail.add_argument("--dry-run", action="store_true", help="print who would get it; send nothing")
    mail.add_argument("--to", help="recipients: one address per line, # comments")
    mail.add_argument("--smtp", help="HOST:PORT of the SMTP relay (user and password from NEWSLETTER_SMTP_USER, "
                                     "NEWSLETTER_SMTP_PASSWORD)")
    mail.add_argument("--smtp-security", choices=("starttls", "ssl", "none"), default="starttls",
                      help="starttls (default, port 587), ssl (implicit TLS, port 465) or none (local test servers)")
    mail.add_argument("--limit-per-minute", type=int, default=0, metavar="N", help="send at most N messages a minute")
    mail.add_argument("--from", dest="sender", help="override the plugin's email_from")
    mail.add_argument("--unsubscribe", help="override the plugin's email_unsubscribe (URL, {email} per recipient)")
    mail.set_defaults(func=cmd_email)
    imp = sub.add_parser("import", help="one note per paper link or id in FILE (one a line), filled in from arXiv or "
                                        "Crossref; skips papers already in the archive, never overwrites")
    imp.add_argument("month", help="YYYY-MM")
    imp.add_argument("file", help="text file of links or ids, one a line (# comments, blank lines ignored; - for stdin)")
    imp.add_argument("--tags", help="comma-separated, given to every note")
    imp.add_argument("--section")
    imp.add_argument("--abstract", action="store_true", help="start each body with the abstract as a quote")
    imp.set_defaults(func=cmd_import)
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
