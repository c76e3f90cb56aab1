"""The command line: ``tui-news [PATH ...]`` opens the reader; subcommands work headless."""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import re
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import NoReturn

from tui_news.cli_args import (
    KINDS,
    UsageError,
    command_parser,
    main_parser,
    query_last,
    split_command,
)
from tui_news.core.dates import local_time
from tui_news.core.disk import Skip, TooLarge, printable_name, read_regular
from tui_news.core.errors import UserError
from tui_news.core.models import Article, Problem, RefreshReport, View
from tui_news.core.reader import (
    RANK_CANDIDATES,
    Reader,
    make_reader,
    make_session_reader,
    search_view,
)
from tui_news.core.search import Filter, Query, parse
from tui_news.core.text import clean, counted, pad_cells


def say(text: str, *, err: bool = False) -> None:
    """Print one line of text from outside, with every control character removed."""
    shown = clean(printable_name(text)).replace("\n", " ")  # a name not UTF-8: \xff escapes
    print(shown, file=sys.stderr if err else sys.stdout)


def json_text(data: object) -> str:
    """``data`` as indented JSON; non-ASCII characters as they are only where stdout can
    encode them (else as ``\\u`` escapes, which every JSON reader understands)."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    text = json.dumps(data, ensure_ascii=encoding not in ("utf8", "utf16", "utf32"), indent=2)
    # DEL and C1 controls (U+009B starts a terminal escape) can only be inside strings here
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_C1 = re.compile("[\x7f-\x9f]")


def _date(timestamp: float | None) -> str:
    if timestamp is None:
        return "never"
    moment = local_time(timestamp)
    return f"{moment.year:04d}-{moment:%m-%d %H:%M}"


def _report_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        say(f"skipped {problem.location}: {problem.reason}", err=True)


def _summary(report: RefreshReport) -> str:
    parts = [f"{report.added:,} new", f"{report.updated:,} changed", f"{report.removed:,} removed"]
    if report.problems:
        parts.append(f"{len(report.problems):,} skipped")
    return ", ".join(parts)


def cmd_add(reader: Reader, args: argparse.Namespace) -> int:
    source, report = reader.add(args.location, args.section)
    _report_problems(report.problems)
    for name, reason in report.failed.items():
        say(f"{name}: {reason}", err=True)
    say(f"Added {source.name} ({source.address}): {_summary(report)}")
    sample = reader.sample_removal_offer()
    if sample is not None:
        say(f'The sample library is still here; to remove it: tui-news remove "{sample.name}"')
    return 0


def cmd_edit(reader: Reader, args: argparse.Namespace) -> int:
    if args.section is None and args.name is None:
        raise UsageError("say what to change: --section S, --name N or both")
    source = reader.edit(args.spec, name=args.name, section=args.section)
    where = f"section {source.section}" if source.section else "its own sections"
    kept = f"{counted(source.articles, 'article')} ({source.unread:,} unread) kept"
    say(f"{source.name}: {where}, {kept}")
    if not source.last_error:
        return 0
    if source.kind != "feed" and args.section is not None:  # read again now, and it failed
        say(f"tui-news: {source.name}: {source.last_error}", err=True)
        return 1
    say(f"tui-news: {source.name}: its last refresh failed: {source.last_error}", err=True)
    return 0  # the edit is done; that failure was a refresh's


def cmd_remove(reader: Reader, args: argparse.Namespace) -> int:
    source = reader.remove(args.spec)
    say(f"Removed {source.name} ({source.address}) and its {counted(source.articles, 'article')}")
    return 0


def cmd_sources(reader: Reader, args: argparse.Namespace) -> int:
    sources = reader.sources()
    for line in reader.unmatched_settings():
        say(f"tui-news: {line}", err=True)
    if args.json:
        print(json_text([s.to_json() for s in sources]))
        return 0
    if not sources:
        say("No sources yet: add one with tui-news add PATH")
        return 0
    for s in sources:
        say(f"{s.name}  [{s.kind}]  {s.address}")
        status = f"last error: {s.last_error}" if s.last_error else f"refreshed {_date(s.last_ok)}"
        section = f"section {s.section}, " if s.section else ""
        say(f"    {section}{counted(s.articles, 'article')}, {s.unread:,} unread, {status}")
    return 0


MAX_LIST_BYTES = 64 * 2**20  # an OPML file of 100,000 feeds is about 15 MB


def cmd_import(reader: Reader, args: argparse.Namespace) -> int:
    if not os.path.exists(args.file):
        raise UsageError(f"no such file: {args.file}")
    if not os.path.isfile(args.file):
        raise UsageError(f"{args.file} is not a regular file")
    try:
        data, _ = read_regular(args.file, MAX_LIST_BYTES)  # a FIFO swapped in never blocks
    except TooLarge as error:
        raise UsageError(f"{args.file} is {error}: not a list") from None
    except (OSError, Skip) as error:
        raise UsageError(f"cannot read {args.file} ({getattr(error, 'strerror', error)})") from None
    from tui_news.core.sources.opml import ListError

    try:
        added, skipped = reader.import_list(data)
    except ListError as error:
        raise UsageError(f"{args.file}: {error}") from None
    for what, reason in skipped:
        say(f"skipped {what}: {reason}", err=True)
    report = reader.refresh([s.id for s in added]) if added else RefreshReport()
    _report_problems(report.problems)
    for name, reason in report.failed.items():
        say(f"failed {name}: {reason}", err=True)
    say(f"Imported {counted(len(added), 'feed')} ({len(skipped):,} skipped): {_summary(report)}")
    return 1 if report.failed else 0  # as refresh: subscribed, but some could not be read


def cmd_export(reader: Reader, args: argparse.Namespace) -> int:
    text, left_out = reader.export_list(args.format)
    for line in left_out:
        say(line, err=True)
    if args.format == "opml" and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))  # OPML says it is UTF-8, whatever stdout is
    else:
        sys.stdout.write(text)
    return 0


def cmd_refresh(reader: Reader, args: argparse.Namespace) -> int:
    _can_prompt(reader)
    sources = reader.sources(counted=False)
    report = reader.refresh(sources=sources, prune=args.prune)
    _report_problems(report.problems)
    for name, reason in report.failed.items():
        say(f"failed {name}: {reason}", err=True)
    say(f"Refreshed {_done(len(sources), len(report.failed), 'source')}: {_summary(report)}")
    return 1 if report.failed else 0


def _done(count: int, failed: int, what: str) -> str:
    """``count`` things, or how many of them worked when some failed ("3 of 4 sources")."""
    if not failed:
        return counted(count, what)
    return f"{max(count - failed, 0):,} of {counted(count, what)}"


def cmd_list(reader: Reader, args: argparse.Namespace) -> int:
    view = View(unread=args.unread, starred=args.starred)
    if args.section is not None:
        if not reader.sections_like(args.section):
            names = [s.name for s in reader.section_counts()[0]]
            shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
            raise UsageError(
                f"no section matches {clean(args.section)!r}"
                + (f" (sections: {shown})" if names else " (the library has no articles)")
            )
        section = Filter("section", args.section.strip())
        view = replace(view, query=Query(f"section:{args.section}", filters=(section,)))
    articles = reader.articles(view, limit=None if args.stories else args.limit)
    if not articles and not args.json:
        say("No articles match.", err=True)
    if args.stories:
        return _print_stories(articles, args.limit, args.json)
    return _print_articles(articles, args.json, reader.accounts.account_names())


def _print_stories(articles: Sequence[Article], limit: int | None, as_json: bool) -> int:
    """One line per story, newest first: its first headline, then every outlet telling it."""
    stories: dict[int, list[Article]] = {}
    for article in articles:  # newest first, so the stories are too
        stories.setdefault(article.story or article.id, []).append(article)
    told = [sorted(s, key=lambda a: (a.published, a.id)) for s in stories.values()][:limit]
    if as_json:
        print(json_text([_story_json(story) for story in told]))
        return 0
    for story in told:
        first, marks = story[0], ("●" if any(not a.read for a in story) else " ")
        outlets = ", ".join(dict.fromkeys(a.source for a in story))
        say(f"{marks} {_date(first.published)}  {first.title}  [{outlets}]")
    return 0


def _story_json(story: Sequence[Article]) -> dict[str, object]:
    first = story[0].to_json()
    return {
        "story": first["story"],
        "title": first["title"],
        "published": first["published"],
        "outlets": list(dict.fromkeys(a.source for a in story)),
        "articles": [a.id for a in story],
        "unread": sum(not a.read for a in story),
    }


def cmd_search(reader: Reader, args: argparse.Namespace) -> int:
    text = " ".join(args.query)
    articles = reader.search(text, limit=args.limit)
    if not articles and not args.json:
        say("No articles match.", err=True)
    # only so many are scored: said, as the app does (asked only when it may be so)
    if len(articles) >= RANK_CANDIDATES and reader.ranked_capped(search_view(parse(text))):
        say(f"tui-news: the best of the {RANK_CANDIDATES:,} newest matches", err=True)
    return _print_articles(articles, args.json, reader.accounts.account_names())


def cmd_mark(reader: Reader, args: argparse.Namespace) -> int:
    ids = list(dict.fromkeys(args.ids))
    missing = [str(i) for i in ids if i >= 2**63 or reader.article(i) is None]  # SQLite's
    if missing:
        raise UsageError(f"no article has the id {', '.join(missing)} (see tui-news list --json)")
    if args.how in ("read", "unread"):
        reader.set_read(ids, args.how == "read")
    else:
        for article_id in ids:
            reader.set_starred(article_id, args.how == "star")
    done = {"read": "read", "unread": "unread", "star": "starred", "unstar": "unstarred"}
    say(f"Marked {counted(len(ids), 'article')} {done[args.how]}")
    return 0


def _can_prompt(reader: Reader) -> None:
    """On a terminal, a sync account without a password at hand asks for it."""
    if sys.stdin.isatty():
        import getpass

        reader.accounts.prompt = lambda name: getpass.getpass(f"Password for {name}: ")


def cmd_account(reader: Reader, args: argparse.Namespace) -> int:
    if args.action == "remove":
        account, waiting = reader.accounts.remove(args.name)
        said = f"Removed the account {account.name} and its {counted(account.articles, 'article')}"
        if waiting:
            said += f"; {counted(waiting, 'mark')} made here had not reached the server yet"
        say(said)
        return 0
    _can_prompt(reader)
    account, report = reader.accounts.add(
        args.kind, args.url, args.user, args.password_file, args.name
    )
    for name, reason in report.failed.items():
        say(f"failed {name}: {reason}", err=True)
    feeds = counted(account.feeds, "feed")
    say(f"Added the account {account.name} ({account.kind}, {feeds}): {_summary(report)}")
    return 1 if report.failed else 0


def cmd_accounts(reader: Reader, args: argparse.Namespace) -> int:
    accounts = reader.accounts.list()
    if args.json:
        print(json_text([a.to_json() for a in accounts]))
        return 0
    if not accounts:
        say(f"No accounts yet: add one with tui-news account add KIND URL --user NAME ({KINDS})")
    for a in accounts:
        say(f"{a.name}  [{a.kind}]  {a.url}  user {a.user}")
        status = f"last error: {a.last_error}" if a.last_error else f"synced {_date(a.last_sync)}"
        feeds = counted(a.feeds, "feed")
        say(f"    {feeds}, {counted(a.articles, 'article')}, {a.unread:,} unread, {status}")
    return 0


def cmd_sync(reader: Reader, args: argparse.Namespace) -> int:
    _can_prompt(reader)
    report = reader.accounts.sync(args.name)
    for name, reason in report.failed.items():
        say(f"failed {name}: {reason}", err=True)
    count = 1 if args.name else len(reader.accounts.list())
    say(f"Synced {_done(count, len(report.failed), 'account')}: {_summary(report)}")
    return 1 if report.failed else 0


def _print_articles(
    articles: Sequence[Article], as_json: bool, accounts: dict[int, str] | None = None
) -> int:
    if as_json:
        accounts = accounts or {}
        found = [a.to_json() for a in articles]
        for article, data in zip(articles, found, strict=True):
            if article.source_id in accounts:
                data["account"] = accounts[article.source_id]
        print(json_text(found))
        return 0
    for a in articles:
        marks = ("●" if not a.read else " ") + ("★" if a.starred else " ")
        say(f"{marks} {_date(a.published)}  {pad_cells(a.section, 18)}  {a.title}")
    return 0


HANDLERS = {
    "add": cmd_add,
    "edit": cmd_edit,
    "remove": cmd_remove,
    "sources": cmd_sources,
    "import": cmd_import,
    "export": cmd_export,
    "refresh": cmd_refresh,
    "list": cmd_list,
    "search": cmd_search,
    "mark": cmd_mark,
    "account": cmd_account,
    "accounts": cmd_accounts,
    "sync": cmd_sync,
}


def run(argv: list[str]) -> int:
    """Run the command line; raises :class:`UsageError` and the core's errors."""
    command, rest = split_command(argv)
    if command is None:
        args = main_parser().parse_args(rest)
        return open_reader(args.paths, args.data_dir)
    if command == "search":
        rest = query_last(rest)
    args = command_parser(command).parse_args(rest)
    reader = make_reader(args.data_dir, _upgrading)
    for problem in reader.config.problems:
        say(f"tui-news: {problem}", err=True)
    try:
        return HANDLERS[command](reader, args)
    finally:
        reader.close()


def _upgrading() -> None:
    say(
        "tui-news: updating the library for this version (once; a large one takes a while)",
        err=True,
    )


def open_reader(paths: list[str], data_dir: str | None) -> int:
    """Open the app on the library, or on a throwaway library of ``paths``."""
    if paths:
        reader = make_session_reader(paths, data_dir)
    else:
        reader = make_reader(data_dir, _upgrading)
        if reader.offer_sample():
            reader.refresh()  # 16 small files: read now, whatever refresh_on_start says
    from rich.console import Console

    from tui_news.crash import AppCrashed
    from tui_news.ui.app import NewsApp
    from tui_news.ui.graphics_detect import detect_terminal

    app = NewsApp(reader, graphics=detect_terminal(reader.config.images))  # before Textual
    shown = io.StringIO()  # what Textual prints when the app stops on an error: kept for the report
    app.error_console = Console(file=shown, width=100, color_system=None, highlight=False)
    try:
        app.run()
    finally:
        reader.close()
    if app.return_code:
        stopped = getattr(app, "_exception", None)
        if isinstance(stopped, UserError):  # a damaged library, say: one sentence, no report
            raise stopped
        raise AppCrashed(stopped, shown.getvalue())
    return 0


def entry() -> NoReturn:
    """The ``tui-news`` command (and ``python -m tui_news``): :func:`main` in its own process.

    What the imports made, and at the end all that is left, lives until the process exits: it
    is frozen out of the cyclic collector's reach, which would otherwise go through it again
    and again, last at the exit (a refresh of 500 unchanged feeds spent 20-40 ms of its
    ~200 ms there).
    """
    _main_as_module()
    gc.freeze()
    status = main()
    gc.freeze()
    if _work_left_running():
        # The app ended while a refresh or sync still waits on a server: what it had not
        # committed is not kept anyway, and waiting for it held the quit for as long as the
        # server took. The library is closed; stop without joining its thread.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    raise SystemExit(status)


def _work_left_running(grace: float = 0.5) -> bool:
    """Whether the app's background work (see ``ui.workers.WORK_THREADS``) still runs, given
    ``grace`` seconds to end (idle threads end at once); only asked when the app ran (its
    module is imported: importing it here would cost every command a third of a second)."""
    workers = sys.modules.get("tui_news.ui.workers")
    if workers is None:
        return False
    prefix: str = workers.WORK_THREADS
    working = [t for t in threading.enumerate() if t.name.startswith(prefix)]
    deadline = time.monotonic() + grace
    for thread in working:
        thread.join(max(0.0, deadline - time.monotonic()))
    return any(thread.is_alive() for thread in working)


def _main_as_module() -> None:
    """Started as the ``tui-news`` script, say that this is ``python -m tui_news``.

    A process that multiprocessing starts (the refresh's parsing processes) first runs the
    parent's main script again unless the parent's ``__main__`` names a package's
    ``__main__`` module: the script imports this module and all it imports, ~0.07 s of CPU in
    each parsing process at every refresh, which ``python -m tui_news`` does not cost.
    """
    script = sys.modules.get("__main__")
    if script is not None and getattr(script, "__spec__", None) is None:
        from importlib.util import find_spec

        script.__spec__ = find_spec("tui_news.__main__")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tui-news`` script: errors become one line and an exit status.

    An unexpected exception (a bug) exits with status 70 and names the crash report written.
    """
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character: "?"
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return run(argv)
    except UserError as error:
        say(f"tui-news: {error}", err=True)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `tui-news list | head`: the reader has gone, quietly stop
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as error:  # a bug: say so and where the report is
        from tui_news.crash import report_crash

        return report_crash(error, argv)
