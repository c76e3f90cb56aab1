"""The picture cache on disk: fetched bytes by address, bounded, the least recently used first
to go. Readable offline; safe to share between threads (and, loosely, between processes)."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

TRIM_TO = 0.9  # a cache over its bound is trimmed to this share of it, not at every write


class PictureCache:
    """Files named by a digest of their address in ``directory``, ``max_bytes`` in all."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._total: int | None = None  # bytes on disk, counted on the first write

    def path(self, url: str) -> Path:
        """Where ``url``'s bytes are (or would be) kept."""
        return self.directory / hashlib.sha256(url.encode("utf-8", "replace")).hexdigest()[:40]

    def read(self, url: str) -> bytes | None:
        """The kept bytes of ``url`` (marked as just used), or None."""
        path = self.path(url)
        try:
            data = path.read_bytes()
            os.utime(path)  # used now: the last to go
        except OSError:
            return None
        return data

    def write(self, url: str, data: bytes) -> None:
        """Keep ``data`` for ``url``; the least recently used files go while over the bound.

        A picture larger than the whole bound is not kept. A disk that refuses is no error:
        the picture is fetched again next time.
        """
        if not 0 < len(data) <= self.max_bytes:
            return
        path = self.path(url)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary.write_bytes(data)
            with self._lock:
                before = path.stat().st_size if path.exists() else 0
                os.replace(temporary, path)
                total = self._counted() + len(data) - before
                self._total = total
                if total > self.max_bytes:
                    self._trim()
        except OSError:
            temporary.unlink(missing_ok=True)

    def size(self) -> int:
        """The bytes kept now (counted from the disk)."""
        return sum(size for _, size, _ in self._entries())

    def _counted(self) -> int:
        if self._total is None:
            self._total = self.size()
        return self._total

    def _entries(self) -> list[tuple[float, int, str]]:
        """(last use, size, path) of each kept file."""
        found = []
        try:
            with os.scandir(self.directory) as listing:
                for entry in listing:
                    if entry.name.endswith(".part") or not entry.is_file(follow_symlinks=False):
                        continue
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    found.append((stat.st_mtime, stat.st_size, entry.path))
        except OSError:
            return []
        return found

    def _trim(self) -> None:
        """Drop the least recently used files until the cache is within TRIM_TO of its bound."""
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        for _, size, path in entries:
            if total <= self.max_bytes * TRIM_TO:
                break
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError:
                continue
            total -= size
        self._total = total
