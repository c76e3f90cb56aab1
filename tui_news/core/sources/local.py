"""Scanning a local folder or file source: which articles are new, changed, unchanged or gone."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tui_news.core.errors import UserError
from tui_news.core.models import Parsed, Problem
from tui_news.core.sources.files import DEFAULT_MAX_BYTES, Skip, fingerprint, read_article
from tui_news.core.text import one_line


class SourceError(UserError):
    """A whole source cannot be read (a missing folder, say); the message is the reason."""


@dataclass(slots=True)
class ScanResult:
    """Articles read anew (new or changed files), keys of every article present, problems."""

    changed: list[Parsed] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def _walk(root: Path) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Yield (entry, folder name) for every visible file under ``root``, depth first, sorted.

    Iterative, so no depth of nesting can exhaust the stack; symlinked folders are not
    followed, so a link loop cannot either.
    """
    stack: list[Path] = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(Path(entry.path))
                elif entry.is_file():
                    yield entry, folder.name
            except OSError:
                continue
        stack.extend(reversed(subfolders))


def scan(
    location: str,
    known: dict[str, str],
    default_section: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch: Callable[[list[Parsed]], None] | None = None,
    batch_size: int = 1000,
) -> ScanResult:
    """Scan a folder (recursively) or a single file.

    ``known`` maps article keys to stored fingerprints: files whose size and modification time
    match are not read again. An article's section is the one it names, else
    ``default_section``, else the name of the folder that holds it. With ``batch``, articles
    read anew are handed over every ``batch_size`` files instead of all kept in memory.
    """
    root = Path(location)
    result = ScanResult()
    if root.is_dir():
        files = [(Path(e.path), os.path.relpath(e.path, root), parent) for e, parent in _walk(root)]
    elif root.is_file():
        files = [(root, root.name, root.parent.name)]
    elif root.exists():
        raise SourceError(f"{location} is neither a file nor a folder")
    else:
        raise SourceError(f"{location} no longer exists")
    for path, key, parent in files:
        key = key.replace(os.sep, "/")
        try:
            stat = path.stat()
        except OSError as error:
            result.problems.append(Problem(str(path), f"cannot be read ({error.strerror})"))
            continue
        if known.get(key) == fingerprint(stat):
            result.present.add(key)
            continue
        try:
            parsed = read_article(path, max_bytes)
        except Skip as reason:
            result.problems.append(Problem(str(path), str(reason)))
            if key in known:  # read before (it grew too large, say): keep what was read
                result.present.add(key)
            continue
        parsed.key = key
        parsed.section = parsed.section or default_section or one_line(parent) or "Articles"
        result.present.add(key)
        result.changed.append(parsed)
        if batch is not None and len(result.changed) >= batch_size:
            batch(result.changed)
            result.changed = []
    return result
