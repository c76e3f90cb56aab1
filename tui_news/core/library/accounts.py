"""The library's side of sync accounts: their rows, their feeds as sources, their articles as
the server sent them, and the queue of marks changed here and not yet on the server.

A feed of an account is a source of kind ``account`` (``remote_id``: the server's feed id); an
article's ``key`` is the server's article id. The queue (``pending``) holds one row per article
and mark with the latest value; it is written in the same transaction as the mark itself, so
nothing changed here is lost to a crash before the next sync delivers it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui_news.core.errors import LibraryError
from tui_news.core.library.sql import id_chunks
from tui_news.core.library.store import Store
from tui_news.core.models import Parsed, RefreshReport, iso_utc
from tui_news.core.text import one_line

ACCOUNT_KIND = "account"  # the kind of the sources an account's feeds become
OTHER_FEED = ""  # remote_id of the source holding articles of feeds the server did not list
MARKS_PER_STATEMENT = 300  # rows of (key, read, starred) per UPDATE (SQLite allows 32,766 ?)


@dataclass(frozen=True, slots=True)
class Account:
    """A sync account as stored (never its password), with its feed and article counts."""

    id: int
    name: str
    kind: str
    url: str
    user: str
    password_file: str | None
    cursor: str | None
    added: float
    last_sync: float | None
    last_error: str | None
    feeds: int = 0
    articles: int = 0
    unread: int = 0

    def to_json(self) -> dict[str, Any]:
        """The account as the CLI's ``accounts --json`` object."""
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "user": self.user,
            "feeds": self.feeds,
            "articles": self.articles,
            "unread": self.unread,
            "last_sync": iso_utc(self.last_sync),
            "last_error": self.last_error,
        }


@dataclass(frozen=True, slots=True)
class Mark:
    """A mark changed here and waiting for the server: ``mark`` is ``read`` or ``starred``."""

    remote_id: str
    mark: str
    value: bool


_ACCOUNT = (
    "SELECT c.id, c.name, c.kind, c.url, c.user, c.password_file, c.cursor, c.added, "
    "c.last_sync, c.last_error, "
    "(SELECT count(*) FROM sources s WHERE s.account_id = c.id), "
    "(SELECT count(*) FROM articles a JOIN sources s ON s.id = a.source_id "
    " WHERE s.account_id = c.id), "
    "(SELECT count(*) FROM articles a JOIN sources s ON s.id = a.source_id "
    " WHERE s.account_id = c.id AND a.read = 0) "
    "FROM accounts c"
)


class AccountRows:
    """Sync accounts in one library (see the module's docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- accounts -------------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        """Every account, in the order they were added."""
        rows = self.store.conn.execute(f"{_ACCOUNT} ORDER BY c.id").fetchall()
        return [Account(*row) for row in rows]

    def account(self, account_id: int) -> Account | None:
        """One account by id (``None``: removed)."""
        row = self.store.conn.execute(f"{_ACCOUNT} WHERE c.id = ?", (account_id,)).fetchone()
        return Account(*row) if row else None

    def add(self, name: str, kind: str, url: str, user: str, password_file: str | None) -> int:
        """Save a new account; :class:`LibraryError` if the name is taken."""
        try:
            with self.store.transaction() as conn:
                cursor = conn.execute(
                    "INSERT INTO accounts (name, kind, url, user, password_file, added) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (one_line(name), kind, url, user, password_file, time.time()),
                )
        except sqlite3.IntegrityError:
            raise LibraryError(f"an account named {name!r} exists already") from None
        return int(cursor.lastrowid or 0)

    def remove(self, account_id: int) -> None:
        """Remove an account with its feeds, their articles and its queued marks."""
        with self.store.transaction() as conn:
            for (source_id,) in conn.execute(
                "SELECT id FROM sources WHERE account_id = ?", (account_id,)
            ).fetchall():
                self.store.remove_source(source_id)
            conn.execute("DELETE FROM accounts WHERE id = ?", (account_id,))

    def finished(self, account_id: int, error: str | None) -> None:
        """Record how a sync ended: its time and clear error, or the reason it failed (then
        shown on each of the account's feeds too, like a failed feed's)."""
        with self.store.transaction() as conn:
            if error is None:
                conn.execute(
                    "UPDATE accounts SET last_sync = ?, last_error = NULL WHERE id = ?",
                    (time.time(), account_id),
                )
                conn.execute(
                    "UPDATE sources SET last_ok = ?, last_error = NULL WHERE account_id = ?",
                    (time.time(), account_id),
                )
            else:
                for table, column in (("accounts", "id"), ("sources", "account_id")):
                    conn.execute(
                        f"UPDATE {table} SET last_error = ? WHERE {column} = ?",
                        (one_line(error), account_id),
                    )

    def account_names(self) -> dict[int, str]:
        """The account each account source belongs to: source id -> account name."""
        rows = self.store.conn.execute(
            "SELECT s.id, c.name FROM sources s JOIN accounts c ON c.id = s.account_id"
        )
        return dict(rows.fetchall())

    def source_accounts(self, source_ids: Iterable[int]) -> set[int]:
        """The accounts that these sources belong to."""
        found: set[int] = set()
        for marks, chunk in id_chunks(source_ids):
            rows = self.store.conn.execute(
                f"SELECT DISTINCT account_id FROM sources WHERE id IN ({marks}) "
                "AND account_id IS NOT NULL",
                chunk,
            )
            found.update(row[0] for row in rows)
        return found

    def source_ids(self, account_id: int) -> list[int]:
        """The sources an account's feeds became."""
        rows = self.store.conn.execute(
            "SELECT id FROM sources WHERE account_id = ? ORDER BY id", (account_id,)
        )
        return [row[0] for row in rows]

    # --- feeds ----------------------------------------------------------------------------

    def set_feeds(
        self, account: Account, feeds: Iterable[tuple[str, str, str | None, str | None]]
    ) -> dict[str, tuple[int, str]]:
        """Make the account's sources match its feeds on the server: ``(feed id, title,
        category, site)``; a category is the feed's section (none: its title). Feeds gone from
        the server go with their articles, except starred ones (moved to the account's "other
        articles"); a server listing no feed at all removes none. Returns feed id -> (source
        id, section)."""
        now = time.time()
        with self.store.transaction() as conn:
            known = dict(
                conn.execute(
                    "SELECT remote_id, id FROM sources WHERE account_id = ?", (account.id,)
                ).fetchall()
            )
            found: dict[str, tuple[int, str]] = {}
            for feed_id, title, category, site in feeds:
                name = one_line(title) or f"feed {feed_id}"
                section = one_line(category) or name
                source_id = known.get(feed_id)
                if source_id is None:
                    source_id = conn.execute(
                        "INSERT INTO sources (kind, location, name, section, added, site, "
                        "account_id, remote_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            ACCOUNT_KIND,
                            f"{account.kind}:{account.name}/{feed_id}",
                            name,
                            one_line(category) or None,
                            now,
                            site,
                            account.id,
                            feed_id,
                        ),
                    ).lastrowid
                else:
                    conn.execute(
                        "UPDATE sources SET name = ?, section = ?, site = ? WHERE id = ?",
                        (name, one_line(category) or None, site, source_id),
                    )
                    conn.execute(
                        "UPDATE articles SET section = ? WHERE source_id = ? AND section != ?",
                        (section, source_id, section),
                    )
                found[feed_id] = (int(source_id or 0), section)
            gone = [s for f, s in known.items() if f not in found and f != OTHER_FEED]
            for source_id in gone if found else []:  # none listed: a hiccup, not a purge
                starred = "FROM articles WHERE source_id = ? AND starred = 1"
                if conn.execute(f"SELECT 1 {starred} LIMIT 1", (source_id,)).fetchone():
                    other, other_section = self.other_feed(account)  # starred ones stay
                    conn.execute(
                        f"UPDATE articles SET source_id = ?, section = ? WHERE id IN "
                        f"(SELECT id {starred})",
                        (other, other_section, source_id),
                    )
                self.store.remove_source(source_id)
            return found

    def other_feed(self, account: Account) -> tuple[int, str]:
        """The source for articles of feeds the server did not list: (id, section)."""
        name = f"{account.name}: other articles"
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT id FROM sources WHERE account_id = ? AND remote_id = ?",
                (account.id, OTHER_FEED),
            ).fetchone()
            if row:
                return row[0], name
            source_id = conn.execute(
                "INSERT INTO sources (kind, location, name, section, added, account_id, "
                "remote_id) VALUES (?, ?, ?, NULL, ?, ?, ?)",
                (
                    ACCOUNT_KIND,
                    f"{account.kind}:{account.name}/",
                    name,
                    time.time(),
                    account.id,
                    OTHER_FEED,
                ),
            ).lastrowid
            return int(source_id or 0), name

    # --- articles and marks ---------------------------------------------------------------

    def store_page(
        self,
        account_id: int,
        by_source: Mapping[int, list[tuple[Parsed, bool, bool]]],
        cursor: str | None,
    ) -> RefreshReport:
        """Store one page of articles (each with the server's read and starred marks, except
        where a mark changed here waits in the queue) and, with it, the account's cursor: all
        of it or, on a crash, none."""
        report = RefreshReport()
        with self.store.transaction() as conn:
            waiting = self._waiting(conn, account_id)
            for source_id, items in by_source.items():
                articles = [p for p, _, _ in items]  # their bodies are clean (sync's engine.parsed)
                report.merge(self.store.apply(source_id, articles, None, None, cleaned=True))
                marks = [
                    (
                        p.key,
                        int(waiting.get((p.key, "read"), read)),
                        int(waiting.get((p.key, "starred"), starred)),
                    )
                    for p, read, starred in items
                ]
                for start in range(0, len(marks), MARKS_PER_STATEMENT):
                    chunk = marks[start : start + MARKS_PER_STATEMENT]
                    values = ",".join(["(?, ?, ?)"] * len(chunk))
                    conn.execute(  # one statement for many rows: far quicker than one each
                        "UPDATE articles SET read = v.column2, starred = v.column3 "
                        f"FROM (VALUES {values}) AS v WHERE articles.source_id = ? "
                        "AND articles.key = v.column1 "
                        "AND (articles.read != v.column2 OR articles.starred != v.column3)",
                        [*(x for row in chunk for x in row), source_id],
                    )
            if cursor is not None:
                conn.execute("UPDATE accounts SET cursor = ? WHERE id = ?", (cursor, account_id))
        return report

    def reconcile(self, account_id: int, unread: set[str], starred: set[str]) -> int:
        """Take the server's read and starred state for every article of the account, except
        marks changed here that wait in the queue; how many articles changed. An article
        kept under "other articles" (its feed is gone from the server) takes only what the
        server still says of it: absent from both sets, it may be gone there with its feed,
        and keeps its marks here (a starred one stays starred)."""
        with self.store.transaction() as conn:
            waiting = self._waiting(conn, account_id)
            changes = []
            for article_id, key, read, star, other in conn.execute(
                "SELECT a.id, a.key, a.read, a.starred, s.remote_id = ? FROM articles a "
                "JOIN sources s ON s.id = a.source_id WHERE s.account_id = ?",
                (OTHER_FEED, account_id),
            ):
                if other and key not in unread and key not in starred:
                    continue
                want_read = waiting.get((key, "read"), key not in unread)
                want_star = waiting.get((key, "starred"), key in starred)
                if want_read != bool(read) or want_star != bool(star):
                    changes.append((int(want_read), int(want_star), article_id))
            conn.executemany("UPDATE articles SET read = ?, starred = ? WHERE id = ?", changes)
            return len(changes)

    def counts(self, account_id: int) -> dict[str, tuple[int, int]]:
        """The account's feeds' (unread, starred) counts here, by the server's feed id (feeds
        with nothing unread or starred left out)."""
        rows = self.store.conn.execute(
            "SELECT s.remote_id, sum(a.read = 0), sum(a.starred) FROM articles a "
            "JOIN sources s ON s.id = a.source_id WHERE s.account_id = ? AND s.remote_id != ? "
            "GROUP BY s.remote_id",
            (account_id, OTHER_FEED),
        )
        return {feed: (unread, starred) for feed, unread, starred in rows if unread or starred}

    def compared_at(self, account_id: int) -> float:
        """When the account's marks were last compared in full with the server's (0: never)."""
        stored = self.store.get_meta(f"sync:{account_id}:compared")
        try:
            return float(stored or 0)
        except ValueError:
            return 0.0

    def set_compared(self, account_id: int, when: float) -> None:
        """Remember when the marks were compared in full."""
        self.store.set_meta(f"sync:{account_id}:compared", repr(when))

    def pending(self, account_id: int) -> list[Mark]:
        """The marks changed here that the server has not been told yet."""
        rows = self.store.conn.execute(
            "SELECT remote_id, mark, value FROM pending WHERE account_id = ? "
            "ORDER BY mark, value, remote_id",
            (account_id,),
        )
        return [Mark(remote_id, mark, bool(value)) for remote_id, mark, value in rows]

    def delivered(self, account_id: int, marks: Iterable[Mark]) -> None:
        """Drop marks the server now has (unless changed again meanwhile)."""
        with self.store.transaction() as conn:
            conn.executemany(
                "DELETE FROM pending WHERE account_id = ? AND remote_id = ? AND mark = ? "
                "AND value = ?",
                [(account_id, m.remote_id, m.mark, int(m.value)) for m in marks],
            )

    @staticmethod
    def _waiting(conn: sqlite3.Connection, account_id: int) -> dict[tuple[str, str], bool]:
        rows = conn.execute(
            "SELECT remote_id, mark, value FROM pending WHERE account_id = ?", (account_id,)
        )
        return {(remote_id, mark): bool(value) for remote_id, mark, value in rows}


def fingerprint(*parts: object) -> str:
    """A digest of an article's stored fields: unchanged articles are not written again."""
    return hashlib.sha1("\0".join(map(str, parts)).encode()).hexdigest()
