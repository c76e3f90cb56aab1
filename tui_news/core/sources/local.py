"""Scanning a local folder or file source: which articles are new, changed, unchanged or gone."""

from __future__ import annotations

import os
import stat as stat_mode
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tui_news.core.disk import Skip, kind_of, printable_name
from tui_news.core.errors import UserError
from tui_news.core.models import Parsed, Problem
from tui_news.core.sources.files import (
    DEFAULT_MAX_BYTES,
    PICTURE_SUFFIXES,
    fingerprint,
    read_article,
)
from tui_news.core.text import one_line


class SourceError(UserError):
    """A whole source cannot be read (a missing folder, say); the message is the reason."""


@dataclass(slots=True)
class ScanResult:
    """Articles read anew (new or changed files), keys of every article present, problems.

    ``present`` also holds the keys of articles that could not be looked at this time (in a
    folder that could not be read, say): what cannot be seen is kept, never taken as gone.
    """

    changed: list[Parsed] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def _not_a_file(path: str) -> str:
    """Why an entry that is neither a folder nor a regular file is skipped."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a broken link (what it points to is gone)"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    return kind_of(mode)


def _walk(root: Path, result: ScanResult, unreadable: list[str]) -> Iterator[os.DirEntry[str]]:
    """Yield every visible regular file under ``root``, depth first, sorted by name.

    Iterative, so no depth of nesting can exhaust the stack; symlinked folders are not
    followed, so a link loop cannot either. A root that cannot be listed raises
    :class:`SourceError`; a subfolder that cannot be listed becomes a problem and its path
    (relative to ``root``) is added to ``unreadable``. Special files (FIFOs, sockets, devices)
    and broken links become problems.
    """
    stack: list[Path] = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as error:
            why = f"cannot be read ({error.strerror or error})"
            if folder == root:
                raise SourceError(f"{printable_name(str(root))} {why}") from None
            unreadable.append(os.path.relpath(folder, root))
            result.problems.append(Problem(printable_name(str(folder)), f"folder {why}"))
            continue
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(Path(entry.path))
                    continue
                regular = entry.is_file()
            except OSError as error:
                unreadable.append(os.path.relpath(entry.path, root))
                why = f"cannot be read ({error.strerror or error})"
                result.problems.append(Problem(printable_name(entry.path), why))
                continue
            if regular:
                yield entry
            else:
                result.problems.append(Problem(printable_name(entry.path), _not_a_file(entry.path)))
        stack.extend(reversed(subfolders))


def scan(
    location: str,
    known: dict[str, str],
    default_section: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch: Callable[[list[Parsed]], None] | None = None,
    batch_size: int = 1000,
    folder: bool | None = None,
) -> ScanResult:
    """Scan a folder (recursively) or a single file.

    ``known`` maps article keys to stored fingerprints: files whose size and modification time
    match are not read again. An article's section is the one it names, else
    ``default_section``, else the name of the folder that holds it. With ``batch``, articles
    read anew are handed over every ``batch_size`` files instead of all kept in memory. With
    ``folder`` (what the source was when added), a folder that became a file, or the other
    way round, raises :class:`SourceError`. Keys and problem locations are printable: a name
    that is not UTF-8 is shown with ``\\xff`` escapes.
    """
    root = Path(location)
    result = ScanResult()
    unreadable: list[str] = []
    try:
        mode = os.stat(root).st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise SourceError(f"{location} no longer exists") from None
    except OSError as error:
        raise SourceError(f"{location} cannot be read ({error.strerror or error})") from None
    is_dir, is_file = stat_mode.S_ISDIR(mode), stat_mode.S_ISREG(mode)
    if not (is_dir or is_file):
        raise SourceError(f"{location} is {_not_a_file(location)}")
    if folder is not None and folder != is_dir:
        now = "a folder" if is_dir else "a file"
        raise SourceError(f"{location} is {now} now; remove it and add it again to read it")
    entries: Iterable[tuple[Path, str]] = (
        ((Path(e.path), os.path.relpath(e.path, root)) for e in _walk(root, result, unreadable))
        if is_dir
        else [(root, root.name)]
    )
    for path, relative in entries:
        if is_dir and path.suffix.lower() in PICTURE_SUFFIXES:
            continue  # an article's picture, not a file that failed to be one
        key = printable_name(relative.replace(os.sep, "/"))
        shown = printable_name(str(path))
        try:
            stat = path.stat()
        except OSError as error:
            result.problems.append(Problem(shown, f"cannot be read ({error.strerror})"))
            if key in known:
                result.present.add(key)
            continue
        if known.get(key) == fingerprint(stat):
            result.present.add(key)
            continue
        notes: list[str] = []
        try:
            parsed = read_article(path, max_bytes, notes)
        except Skip as reason:
            result.problems.append(Problem(shown, str(reason)))
            if key in known:  # read before (it grew too large, say): keep what was read
                result.present.add(key)
            continue
        result.problems.extend(Problem(shown, note) for note in notes)
        parsed.key = key
        parent = printable_name(path.parent.name)
        parsed.section = parsed.section or default_section or one_line(parent) or "Articles"
        result.present.add(key)
        result.changed.append(parsed)
        if batch is not None and len(result.changed) >= batch_size:
            batch(result.changed)
            result.changed = []
    for relative in unreadable:  # not seen this time: kept
        prefix = printable_name(relative.replace(os.sep, "/"))
        result.present.update(k for k in known if k == prefix or k.startswith(prefix + "/"))
    return result
