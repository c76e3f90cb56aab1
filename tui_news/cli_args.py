"""The command line's grammar: the commands, each one's arguments, and where in the words
given the command is."""

from __future__ import annotations

import argparse
from typing import NoReturn

from tui_news import __version__
from tui_news.core.errors import UserError

COMMANDS = (
    "add", "edit", "remove", "sources", "import", "export", "refresh", "list", "search", "mark",
    "account", "accounts", "sync",
)  # fmt: skip
KINDS = "ttrss, fever, greader, miniflux, nextcloud"


class UsageError(UserError):
    """Bad usage or input: printed as one sentence, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def main_parser() -> argparse.ArgumentParser:
    """``tui-news [--data-dir DIR] [PATH ...]``: the reader."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder for the library and config.toml (default: $TUI_NEWS_DATA_DIR, else the "
        "platform's data and config folders)",
    )
    parser = _Parser(
        prog="tui-news",
        parents=[common],
        description="A keyboard-driven terminal newsreader. With no command it opens the reader: "
        "on your library, or on the files and folders given.",
        epilog="commands: " + ", ".join(COMMANDS) + " (tui-news COMMAND --help for each)",
    )
    parser.add_argument("--version", action="version", version=f"tui-news {__version__}")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders to read")
    return parser


def command_parser(command: str) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", help="folder for the library and config")
    parser = _Parser(prog=f"tui-news {command}", parents=[common])
    if command == "add":
        parser.description = (
            "Subscribe to a feed (a site's address is resolved by feed autodiscovery) or add a "
            "local folder, article file or feed file, and read it."
        )
        parser.add_argument("location", metavar="URL|PATH")
        parser.add_argument(
            "--section", metavar="NAME", help="section for articles that do not name one"
        )
    elif command == "edit":
        parser.description = (
            "Rename a source or move it to another section, keeping its articles and their "
            "read and starred marks."
        )
        parser.add_argument("spec", metavar="PATH|URL|NAME")
        parser.add_argument(
            "--section", metavar="S", help='move it to section S ("" for its own sections)'
        )
        parser.add_argument("--name", metavar="N", help="call it N")
    elif command == "remove":
        parser.description = "Remove a source (by location or name) and its articles."
        parser.add_argument("spec", metavar="PATH|URL|NAME")
    elif command == "sources":
        parser.description = "List sources with their counts, last success and last error."
        parser.add_argument("--json", action="store_true", help="print one JSON array")
    elif command == "import":
        parser.description = (
            "Subscribe to the feeds of an OPML file (folders become sections) or a newsboat "
            "urls file (the first tag becomes the section), then fetch them."
        )
        parser.add_argument("file", metavar="FILE")
    elif command == "export":
        parser.description = "Write your feed subscriptions to standard output."
        parser.add_argument("--format", choices=("opml", "urls"), default="opml")
    elif command == "refresh":
        parser.description = "Rescan every source and store what changed."
        parser.add_argument(
            "--prune",
            action="store_true",
            help="accept that a folder was emptied or lost most of its files: remove their "
            "articles (without it they are kept, and the folder is reported as failed)",
        )
    elif command == "list":
        parser.description = "List articles, newest first."
        parser.add_argument(
            "--section",
            metavar="S",
            help="only sections whose names start with S (case and accents ignored)",
        )
        parser.add_argument("--unread", action="store_true", help="only unread articles")
        parser.add_argument("--starred", action="store_true", help="only starred articles")
        parser.add_argument("--limit", type=_positive, metavar="N", help="at most N articles")
        parser.add_argument(
            "--stories",
            action="store_true",
            help="one line per story (the articles of several outlets telling one event), "
            "with its outlets; --limit then counts stories",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON array")
    elif command == "search":
        parser.description = (
            "Search titles and bodies of the whole library, best first. Every word must match, "
            'ignoring case and accents. Also: "quoted phrases", prefix*, -excluded, and the '
            "filters section:NAME, source:NAME, is:unread|read|starred|unstarred, "
            "before:DATE and after:DATE (2026-01-31, 2026-01, today, yesterday, 7d, 2w)."
        )
        parser.add_argument("query", nargs="+", metavar="QUERY", help="words and filters")
        parser.add_argument(
            "--limit", type=_positive, default=50, metavar="N", help="at most N (default 50)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON array")
    elif command == "mark":
        parser.description = "Change articles' marks, by the ids that --json prints."
        parser.add_argument("ids", nargs="+", type=_whole, metavar="ID")
        how = parser.add_mutually_exclusive_group(required=True)
        for flag in ("read", "unread", "star", "unstar"):
            how.add_argument(f"--{flag}", dest="how", action="store_const", const=flag)
    elif command == "account":
        parser.description = "Add or remove a sync account (a server that keeps your feeds)."
        actions = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
        common = _Parser(add_help=False)  # a --data-dir before the action stays in force
        common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS)
        add = actions.add_parser(
            "add",
            parents=[common],
            help="log in, save the account and sync it",
            description="Log in to a server, save the account and make its first sync. The "
            "password comes from --password-file, else $TUI_NEWS_PASSWORD, else a prompt, else "
            'password_command in [accounts."NAME"] in config.toml; it is never stored.',
        )
        add.add_argument("kind", metavar="KIND", help=KINDS)
        add.add_argument("url", metavar="URL", help="the server's address for API clients")
        add.add_argument("--user", required=True, metavar="NAME")
        add.add_argument("--password-file", metavar="FILE", help="its first line is the password")
        add.add_argument("--name", metavar="NAME", help="the account's name (default: the host)")
        remove = actions.add_parser(
            "remove",
            parents=[common],
            help="remove an account",
            description="Remove a sync account with its feeds and their articles (the server "
            "keeps its own).",
        )
        remove.add_argument("name", metavar="NAME")
    elif command == "accounts":
        parser.description = "List sync accounts: kind, address, user, last sync, last error."
        parser.add_argument("--json", action="store_true", help="print one JSON array")
    elif command == "sync":
        parser.description = "Push local marks to sync accounts and pull what is new."
        parser.add_argument("name", nargs="?", metavar="NAME", help="only this account")
    return parser


def _positive(text: str) -> int:
    return min(_whole(text), 2**62)  # SQLite's LIMIT is a 64-bit number: more means "all"


def _whole(text: str) -> int:
    """A whole number of 1 or more, as typed (an id: no article has one beyond SQLite's)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def split_command(argv: list[str]) -> tuple[str | None, list[str]]:
    """Find the subcommand (the first word that is not an option or an option's value)."""
    skip = False
    for index, word in enumerate(argv):
        if skip:
            skip = False
        elif word == "--data-dir":
            skip = True
        elif word == "--":
            return None, argv
        elif not word.startswith("-"):
            if word in COMMANDS:
                return word, argv[:index] + argv[index + 1 :]
            return None, argv
    return None, argv


def query_last(argv: list[str]) -> list[str]:
    """Search's words after ``--``, so that ``-word`` (an excluded word) is not an option."""
    options, words = [], []
    takes_value = False
    for word in argv:
        if takes_value:
            options.append(word)
            takes_value = False
        elif word in ("--limit", "--data-dir"):
            options.append(word)
            takes_value = True
        elif word == "--":
            continue
        elif word.startswith("--") or word == "-h":
            options.append(word)
        else:
            words.append(word)
    return [*options, "--", *words]
