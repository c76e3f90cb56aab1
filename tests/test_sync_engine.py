"""The sync engine with a small in-test server (a Remote kept in memory): backing off a busy
server, logging in again once, the conflict rule, and articles of feeds the server did not
list. The same behaviours against a real server: tests/test_sync_ttrss.py."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from tui_news.core.library import Store
from tui_news.core.library.accounts import AccountRows
from tui_news.core.sync.engine import IDLE_BATCH, Credentials, Engine
from tui_news.core.sync.remote import (
    Busy,
    Page,
    RemoteArticle,
    RemoteFeed,
    ServerUnreachable,
    SessionExpired,
)


class Memory:
    """A server in memory: feeds, articles (id -> article), marks; it can fail on cue."""

    def __init__(self) -> None:
        self.password = ""
        self.token: str | None = "kept"
        self.feeds_ = [RemoteFeed("1", "Wire", None, "News")]
        self.items: dict[str, RemoteArticle] = {}
        self.unread: set[str] = set()
        self.starred: set[str] = set()
        self.busy = 0  # calls to answer Busy
        self.expired = False
        self.logins = 0
        self.calls: list[str] = []

    def add(self, article_id: str, feed: str = "1", read: bool = False) -> None:
        self.items[article_id] = RemoteArticle(
            article_id, feed, f"Title {article_id}", None, None, 1_700_000_000.0, "<p>x</p>",
            read, False,
        )  # fmt: skip
        if not read:
            self.unread.add(article_id)

    def _enter(self, name: str) -> None:
        self.calls.append(name)
        if self.busy:
            self.busy -= 1
            raise Busy("busy", retry_after=0.5)
        if self.expired:
            raise SessionExpired("expired")

    def login(self) -> None:
        self.logins += 1
        if self.password != "secret":
            raise ServerUnreachable("wrong")
        self.expired = False
        self.token = f"session{self.logins}"

    def feeds(self) -> list[RemoteFeed]:
        self._enter("feeds")
        return list(self.feeds_)

    def articles(self, cursor: str | None) -> Iterator[Page]:
        self._enter("articles")
        since = int(cursor or 0)
        new = [
            replace(a, read=a.id not in self.unread, starred=a.id in self.starred)
            for i, a in sorted(self.items.items(), key=lambda kv: int(kv[0]))
            if int(i) > since
        ]
        yield Page(new, str(max([since, *(int(a.id) for a in new)])))

    def unread_ids(self) -> set[str]:
        self._enter("unread")
        return set(self.unread)

    def starred_ids(self) -> set[str]:
        self._enter("starred")
        return set(self.starred)

    def mark(
        self, ids: Sequence[str], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        self._enter("mark")
        for i in ids:
            if read is not None:
                (self.unread.discard if read else self.unread.add)(i)
            if starred is not None:
                (self.starred.add if starred else self.starred.discard)(i)

    def close(self) -> None:
        pass


@pytest.fixture
def rows(tmp_path: Path) -> Iterator[AccountRows]:
    store = Store(tmp_path / "library.sqlite")
    yield AccountRows(store)
    store.close()


def engine(rows: AccountRows, server: Memory, sleeps: list[float] | None = None) -> Engine:
    if not rows.accounts():
        rows.add("home", "memory", "http://x/", "me", None)
    account = rows.accounts()[0]
    credentials = Credentials(password=lambda: "secret", save_token=lambda token: None)
    waits = sleeps if sleeps is not None else []
    return Engine(rows, account, server, credentials, sleep=waits.append)


def marks(rows: AccountRows) -> dict[str, tuple[bool, bool]]:
    found = rows.store.conn.execute("SELECT key, read, starred FROM articles").fetchall()
    return {key: (bool(read), bool(starred)) for key, read, starred in found}


def test_a_busy_server_is_waited_for_then_given_up_on(rows: AccountRows) -> None:
    server = Memory()
    server.add("1")
    server.busy = 2
    sleeps: list[float] = []
    engine(rows, server, sleeps).sync()
    assert sleeps == [0.5, 0.5] and marks(rows) == {"1": (False, False)}
    server.busy = 10
    with pytest.raises(Busy):
        engine(rows, server, sleeps).sync()
    assert len(sleeps) == 2 + 3  # four tries in all, three waits


def test_an_expired_session_logs_in_again_once(rows: AccountRows) -> None:
    server = Memory()
    server.add("1")
    server.expired = True
    engine(rows, server).sync()
    assert server.logins == 1 and server.token == "session1"
    server.expired = True
    failing = engine(rows, server)
    failing.login()  # logged in already in this sync: a second expiry is an error
    server.expired = True
    with pytest.raises(SessionExpired):
        failing.sync()


def test_a_queued_local_mark_wins_and_the_server_decides_the_rest(rows: AccountRows) -> None:
    server = Memory()
    for i in ("1", "2", "3"):
        server.add(i)
    engine(rows, server).sync()
    ids = dict(rows.store.conn.execute("SELECT key, id FROM articles").fetchall())
    rows.store.set_read([ids["1"]], True)  # read here...
    server.starred.add("1")  # ...starred there: both stay
    rows.store.set_starred(ids["2"], True)  # starred here...
    server.unread.discard("2")  # ...read there: both stay
    server.unread.discard("3")  # only the server changed: taken
    rows.store.set_read([ids["3"]], False)  # unread here (it was unread already): no change
    engine(rows, server).sync()
    assert marks(rows) == {"1": (True, True), "2": (True, True), "3": (True, False)}
    assert server.unread == set() and server.starred == {"1", "2"}
    assert rows.pending(rows.accounts()[0].id) == []


def test_a_failed_push_keeps_the_queue(rows: AccountRows) -> None:
    server = Memory()
    server.add("1")
    engine(rows, server).sync()
    article = rows.store.conn.execute("SELECT id FROM articles").fetchone()[0]
    rows.store.set_starred(article, True)
    server.busy = 99
    with pytest.raises(Busy):
        engine(rows, server).sync()
    assert [(m.remote_id, m.mark, m.value) for m in rows.pending(1)] == [("1", "starred", True)]
    server.busy = 0
    engine(rows, server).sync()
    assert server.starred == {"1"} and rows.pending(1) == []


def test_articles_of_unlisted_feeds_are_kept_and_gone_feeds_go(rows: AccountRows) -> None:
    server = Memory()
    server.add("1")
    server.add("2", feed="99")  # a feed the server does not list (tt-rss's archive, say)
    engine(rows, server).sync()
    names = dict(rows.store.conn.execute(
        "SELECT a.key, s.name FROM articles a JOIN sources s ON s.id = a.source_id"
    ).fetchall())  # fmt: skip
    assert names == {"1": "Wire", "2": "home: other articles"}
    server.feeds_ = [RemoteFeed("3", "Other wire", None, None)]
    engine(rows, server).sync()
    assert set(marks(rows)) == {"2"}  # Wire's (unstarred) article went with it; the other stays


class CountingMemory(Memory):
    """A server that also gives each feed's unread and starred counts (as tt-rss does)."""

    def counts(self) -> dict[str, tuple[int, int]]:
        self._enter("counts")
        found: dict[str, tuple[int, int]] = {}
        for article in self.items.values():
            unread, starred = found.get(article.feed_id, (0, 0))
            found[article.feed_id] = (
                unread + (article.id in self.unread),
                starred + (article.id in self.starred),
            )
        return found


def test_matching_counts_spare_the_sets_but_not_for_long(rows: AccountRows) -> None:
    server = CountingMemory()
    for i in ("1", "2", "3"):
        server.add(i)
    engine(rows, server).sync()
    server.calls.clear()
    server.unread.discard("1")  # read elsewhere: the feed's count changes
    engine(rows, server).sync()
    assert "unread" in server.calls and marks(rows)["1"] == (True, False)
    server.calls.clear()
    engine(rows, server).sync()  # nothing changed: one count request, no sets
    assert "counts" in server.calls and "unread" not in server.calls
    server.unread.discard("2")  # read elsewhere, and...
    server.unread.add("1")  # ...made unread elsewhere: the counts stay the same
    engine(rows, server).sync()
    assert marks(rows)["2"] == (False, False)  # not seen yet
    account = rows.accounts()[0].id
    rows.set_compared(account, rows.compared_at(account) - 3601)  # an hour later
    engine(rows, server).sync()
    assert marks(rows)["1"] == (False, False) and marks(rows)["2"] == (True, False)


class Slow(Memory):
    """A server whose second page waits for the library to hold the first (up to 5 s), as a
    slow download would, and notes whether it saw them stored meanwhile."""

    def __init__(self, library: Path, first: int) -> None:
        super().__init__()
        self.library, self.first = library, first
        self.stored_meanwhile: bool | None = None

    def articles(self, cursor: str | None) -> Iterator[Page]:
        items = [replace(a, read=a.id not in self.unread) for a in self.items.values()]
        yield Page(items[: self.first])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.stored() < self.first:
            time.sleep(0.02)
        self.stored_meanwhile = self.stored() == self.first
        yield Page(items[self.first :], str(len(items)))

    def stored(self) -> int:
        with contextlib.closing(sqlite3.connect(self.library, timeout=10)) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def test_a_page_is_stored_while_the_next_one_downloads(rows: AccountRows, tmp_path: Path) -> None:
    server = Slow(tmp_path / "library.sqlite", IDLE_BATCH)
    for i in range(1, IDLE_BATCH + 3):
        server.add(str(i))
    engine(rows, server).sync()
    assert server.stored_meanwhile is True
    assert len(marks(rows)) == IDLE_BATCH + 2 and rows.accounts()[0].cursor == str(IDLE_BATCH + 2)


def test_a_synced_title_and_author_are_stored_on_one_line(rows: AccountRows) -> None:
    """What a server sends in a title or author (line breaks, escape codes) is kept to one
    clean line, as a feed's is."""
    server = Memory()
    server.add("1")
    server.items["1"] = replace(
        server.items["1"], title="Markets\nfall \x1b[31mhard\x1b[0m", author="Ann\r\nLee"
    )
    engine(rows, server).sync()
    stored = rows.store.conn.execute("SELECT title, author FROM articles").fetchall()
    assert stored == [("Markets fall hard", "Ann Lee")]
