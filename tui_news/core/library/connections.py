"""The library file's connections: one per thread, opened (WAL, migrated), written in
transactions that say in one sentence why a write failed, and reads that can be stopped."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tui_news.core.disk import create_private
from tui_news.core.errors import LibraryError, QueryInterrupted
from tui_news.core.library import fts
from tui_news.core.library.guard import library_errors
from tui_news.core.library.schema import migrate, transaction
from tui_news.core.search import fold
from tui_news.core.text import without_password

# Pages of a new library, in bytes (SQLite's default is 4,096; a library's is fixed when it is
# created). An article row (its text and its HTML, ~3 KB) left a quarter of a 4 KB page empty,
# and every page is one system call to write to the log, one to read back and one to write into
# the file when checkpointed: 25,000 articles stored, ~100,000 calls and a 95 MB file with
# 4 KB pages, ~23,000 calls and 78 MB with 16 KB.
PAGE_SIZE = 16384
BATCH_CACHE_KB = 32768  # the page cache of a connection that writes large batches


@library_errors
class Connections:
    """This thread's connection to one library file, its transactions and its stoppable reads
    (the ground :class:`~tui_news.core.library.store.Store` stands on)."""

    def __init__(self, path: Path, upgrading: Callable[[], object] | None = None) -> None:
        self.path = path
        self._upgrading = upgrading  # told before an older library is brought up to date
        self._local = threading.local()
        self._lock = threading.Lock()
        self._reading: set[sqlite3.Connection] = set()  # running interruptible reads
        self.interruptions = 0  # how many times interrupt() ran (see _interruptible's asked)
        self._connect()

    # --- connections and schema ------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        with suppress(OSError):  # if it cannot be created, SQLite says why below
            create_private(self.path)  # a new library is its owner's alone (its journal too)
        try:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as error:
            raise LibraryError(
                f"the library {self.path} cannot be opened ({error}); nothing was changed"
            ) from None
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.create_function("fold", 1, _fold, deterministic=True)  # for search filters
        conn.create_function("without_password", 1, without_password, deterministic=True)
        try:
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # a new library's; others keep theirs
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            migrate(conn, self._upgrading)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise LibraryError(
                f"the library {self.path} cannot be used ({error}); nothing was changed"
            ) from None
        self._local.conn = conn
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        return self._connect()

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on this thread's connection, rolled back on error.

        Every write goes through here: if the library cannot be written (a full disk, a
        read-only file, another program holding the lock too long), :class:`LibraryError` says
        so in one sentence, and what was committed before stays. Articles inserted in it are
        added to the search indexes in one go just before it commits: FTS5 indexes a few large
        statements much faster than many small ones.
        """
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        try:
            with transaction(conn):
                self._local.index_after = None
                yield conn
                if self._local.index_after is not None:
                    fts.reindex(conn, "id > ?", (self._local.index_after,))
        except sqlite3.OperationalError as error:
            raise LibraryError(
                f"the library {self.path} could not be saved ({_why(error)}); "
                "what was saved before is kept"
            ) from None

    def hold_batches(self) -> None:
        """Let this thread's connection keep up to :data:`BATCH_CACHE_KB` of pages, for a
        writer of large transactions (a refresh's).

        With SQLite's default 2 MB, a transaction of 5,000 articles spilled pages to the
        log before its commit and read most of them back: the search indexes read the new
        rows again at commit, and the tables' indexes come and go from the cache. 25,000
        articles took ~87,000 reads (and ~106,000 writes, two per page written to the log,
        one per page checkpointed); with 32 MB, ~25,000 reads, those of the checkpoint (16 MB
        still read ~47,000 with 4 KB pages, 64 MB no fewer). It fills only as far as it is
        used: a 500-feed import's peak memory grows by about its size.
        """
        self.conn.execute(f"PRAGMA cache_size = -{BATCH_CACHE_KB}")

    def checkpoint(self) -> None:
        """Copy what the write-ahead log holds into the library file now.

        SQLite checkpoints on its own after commits, but a checkpoint that fails (a full
        disk) fails silently there: here it raises :class:`LibraryError`. The commits stay
        in the log either way.
        """
        try:
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.OperationalError as error:
            raise LibraryError(
                f"the library {self.path} could not be saved ({_why(error)}); "
                "what was saved before is kept"
            ) from None

    # --- meta -----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A stored setting, or ``None``."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def interrupt(self) -> None:
        """Stop every interruptible read running now, in whatever thread (and one asked for
        before this that has not begun yet: see ``asked``)."""
        with self._lock:
            self.interruptions += 1
            for conn in self._reading:
                conn.interrupt()

    @contextmanager
    def _interruptible(self, interruptible: bool, asked: int | None = None) -> Iterator[None]:
        """Reads in it raise :class:`QueryInterrupted` when stopped; with ``interruptible``,
        :meth:`interrupt` can stop them. ``asked``: :attr:`interruptions` when the read was
        asked for (in another thread, say): an interrupt since then stops it before it
        begins, as it could not reach a read not yet registered."""
        conn = self.conn
        if interruptible:
            with self._lock:
                self._reading.add(conn)
                if asked is not None and asked != self.interruptions:
                    self._reading.discard(conn)
                    raise QueryInterrupted("interrupted before it began")
        try:
            yield
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode == sqlite3.SQLITE_INTERRUPT:
                raise QueryInterrupted(str(error)) from None
            raise
        finally:
            if interruptible:
                with self._lock:
                    self._reading.discard(conn)


def _fold(text: str | None) -> str:
    return fold(text) if text else ""


def _why(error: sqlite3.OperationalError) -> str:
    """SQLite's reason for a failed write, in the user's terms where SQLite's are obscure."""
    reason = str(error)
    if "readonly" in reason:
        return "it is read-only"
    if "locked" in reason or "busy" in reason:
        return "another program kept it locked"
    if "I/O error" in reason:
        return f"{reason}: is the disk full?"
    return reason
