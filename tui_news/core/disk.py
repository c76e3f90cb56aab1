"""Reading files from disk safely: regular files only, opened without blocking, bounded."""

from __future__ import annotations

import os
import stat as stat_mode


class Skip(Exception):
    """A file that is not read (as an article, a feed, a config); the message is why."""


class TooLarge(Skip):
    """A file over the size its reader accepts: ``too large (6 MB, the limit is 5 MB)``."""

    def __init__(self, size: int, limit: int) -> None:
        from tui_news.core.models import human_size

        super().__init__(f"too large ({human_size(size)}, the limit is {human_size(limit)})")


def printable_name(name: str) -> str:
    """A file name as text that can be stored and shown: bytes that are not UTF-8 (which
    Python keeps as lone surrogates) become ``\\xff`` escapes."""
    if name.isascii():
        return name
    try:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    except UnicodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


_SPECIAL = (
    (stat_mode.S_ISFIFO, "a named pipe (FIFO), not a file"),
    (stat_mode.S_ISSOCK, "a socket, not a file"),
    (stat_mode.S_ISCHR, "a device, not a file"),
    (stat_mode.S_ISBLK, "a device, not a file"),
    (stat_mode.S_ISDIR, "a folder, not a file"),
)


def kind_of(mode: int) -> str:
    """Why a file of this mode is not read: ``a named pipe (FIFO), not a file``."""
    return next((why for test, why in _SPECIAL if test(mode)), "not a regular file")


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> tuple[bytes, os.stat_result]:
    """Read at most ``max_bytes + 1`` bytes of a regular file, and its status.

    The file is opened without blocking and checked after opening, so a FIFO (or a device)
    swapped in for a file raises :class:`Skip` (saying what it is) at once instead of
    waiting for a writer (or reading forever). A file larger than ``max_bytes`` (when opened,
    or grown while read) raises :class:`TooLarge`.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        stat = os.fstat(fd)
        if not stat_mode.S_ISREG(stat.st_mode):
            raise Skip(kind_of(stat.st_mode))
        if stat.st_size > max_bytes:
            raise TooLarge(stat.st_size, max_bytes)
        chunks, left = [], max_bytes + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:
            raise TooLarge(max(len(data), stat.st_size), max_bytes)
        return data, stat
    finally:
        os.close(fd)


def create_private(path: str | os.PathLike[str]) -> bool:
    """Create ``path`` as an empty file readable by its owner only, unless it exists (then it
    is left exactly as it is, read-only or not); True if it was created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    return True
