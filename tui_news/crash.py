"""Crash reports: an unexpected exception becomes a file under ``DATA/crashes/`` and one line."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from tui_news import __version__
from tui_news.core.config import Paths
from tui_news.core.text import one_line

EXIT_CRASHED = 70  # EX_SOFTWARE from sysexits.h: an internal error


class AppCrashed(Exception):
    """The app stopped on an exception it did not handle (Textual caught and rendered it)."""

    def __init__(self, error: BaseException | None, rendered: str) -> None:
        super().__init__(f"{type(error).__name__}: {error}" if error else "the app failed")
        self.error = error
        self.rendered = rendered


def data_dir_in(argv: Sequence[str]) -> str | None:
    """The ``--data-dir`` given on a command line, if any (without parsing the rest)."""
    for index, word in enumerate(argv):
        if word == "--data-dir" and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith("--data-dir="):
            return word.partition("=")[2]
    return None


def write_report(error: BaseException, argv: Sequence[str]) -> Path:
    """Write what is known about ``error`` to a new file under ``DATA/crashes/``, readable
    by the owner only (the system's temporary folder if that cannot be written); its path."""
    details = error.rendered if isinstance(error, AppCrashed) else ""
    cause = error.error if isinstance(error, AppCrashed) and error.error else error
    command = next((w for w in argv if not w.startswith("-")), "(the reader)")
    text = "".join(
        [
            f"tui-news {__version__} crashed at {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n",
            f"command: {command}\n",
            f"python {platform.python_version()} on {platform.platform()}\n\n",
            *traceback.format_exception(cause),
            f"\n{details}" if details else "",
        ]
    )
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    try:
        folder = Paths.resolve(data_dir_in(argv)).library.parent / "crashes"
    except Exception:  # whatever broke, the report must still be written
        folder = Path(tempfile.gettempdir())
    for place in (folder, Path(tempfile.gettempdir())):
        try:
            place.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = place / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(text)
            return path
        except OSError:
            continue
    raise OSError("no folder to write a crash report in")


def report_crash(error: BaseException, argv: Sequence[str]) -> int:
    """Write a crash report and say where in one line on stderr; the exit status."""
    try:
        where = f"the report is in {write_report(error, argv)}"
    except Exception:  # reporting must never crash in turn
        where = "no report could be written"
    what = str(error) if isinstance(error, AppCrashed) else f"{type(error).__name__}: {error}"
    print(f"tui-news: crashed ({one_line(what)[:200]}); {where}", file=sys.stderr)
    return EXIT_CRASHED
