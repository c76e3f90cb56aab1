"""The greader, miniflux and nextcloud sync clients against stand-ins written from each API's
documentation and source (tests/servers/): login, first sync through the server's paging,
attached files, marks both ways, repeat syncs without duplicates, busy servers and expired
sessions."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from tests.servers.apiserver import Accounts, ApiServer, Entry
from tests.servers.greader import GReader
from tests.servers.miniflux import Miniflux
from tests.servers.nextcloud import Nextcloud
from tui_news.core.sync import greader, miniflux, nextcloud
from tui_news.core.sync.kinds import client_class
from tui_news.core.sync.remote import (
    AuthFailed,
    Busy,
    RemoteArticle,
    ServerUnreachable,
    SessionExpired,
)

USER, PASSWORD = "reader", "correct horse"


@dataclass
class Kind:
    """One kind of server: how to make its stand-in and where its client points."""

    name: str
    make: Callable[[], ApiServer]
    address: Callable[[str], str]
    first_sync_gets_read: bool = True  # Nextcloud's documented first sync: unread and starred

    def __str__(self) -> str:
        return self.name


KINDS = [
    Kind("greader", lambda: GReader("miniflux"), lambda url: url),
    Kind("greader", lambda: GReader("freshrss"), lambda url: url + "/api/greader.php"),
    Kind("miniflux", lambda: Miniflux(), lambda url: url),
    Kind("miniflux", lambda: Miniflux(legacy=True), lambda url: url),
    Kind("nextcloud", lambda: Nextcloud(), lambda url: url, first_sync_gets_read=False),
]
IDS = ["greader-miniflux", "greader-freshrss", "miniflux", "miniflux-legacy", "nextcloud"]


@dataclass
class Setup:
    kind: Kind
    server: ApiServer
    accounts: Accounts
    url: str

    def client(self, password: str = PASSWORD, token: str | None = None) -> Any:
        return client_class(self.kind.name)(self.url, USER, password, token)

    def entries(self) -> dict[int, Entry]:
        return self.accounts.users[USER].entries


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages and batches of 7, so that every listing pages and every mark batches."""
    for module, names in (
        (greader, ("IDS_PAGE", "CONTENTS_BATCH", "MARK_BATCH")),
        (miniflux, ("PAGE", "IDS_PAGE", "MARK_BATCH")),
        (nextcloud, ("PAGE", "MARK_BATCH")),
    ):
        for name in names:
            monkeypatch.setattr(module, name, 7)


@contextmanager
def started(kind: Kind) -> Iterator[Setup]:
    """A running stand-in of ``kind`` holding the two seeded users."""
    server = kind.make()
    accounts: Accounts = server.accounts
    seed(accounts)
    server.start()
    try:
        yield Setup(kind, server, accounts, kind.address(server.url))
    finally:
        server.stop()


@pytest.fixture(params=KINDS, ids=IDS)
def setup(request: pytest.FixtureRequest) -> Iterator[Setup]:
    with started(request.param) as running:
        yield running


def seed(accounts: Accounts) -> None:
    """Two users; ours has 4 feeds (2 in Tech, 1 in World, 1 without a category) and 43
    entries published over the last two days, some read, some starred."""
    accounts.add_user(USER, PASSWORD)
    accounts.add_user("other", "other's secret")
    tech_a = accounts.add_feed(USER, "Tech A", "Tech")
    tech_b = accounts.add_feed(USER, "Tech B", "Tech")
    world = accounts.add_feed(USER, "World News", "World")
    loose = accounts.add_feed(USER, "Loose")
    for feed, count in ((tech_a, 25), (tech_b, 10), (world, 5), (loose, 3)):
        accounts.add_entries(USER, feed, count)
    entries = sorted(accounts.users[USER].entries.values(), key=lambda e: e.id)
    for n, entry in enumerate(entries):
        entry.read = n % 3 == 0
        entry.starred = n % 5 == 0
        entry.created = entry.changed = entry.published  # crawled when published, long ago
    other = accounts.add_feed("other", "Elsewhere", "Tech")
    accounts.add_entries("other", other, 4)


def pull(client: Any, cursor: str | None) -> tuple[list[RemoteArticle], str | None]:
    """Every page of a sync: the articles and the cursor the pages left to keep."""
    found: list[RemoteArticle] = []
    for page in client.articles(cursor):
        found.extend(page.articles)
        cursor = page.cursor or cursor
    return found, cursor


def logged_in(setup: Setup) -> Any:
    client = setup.client()
    client.login()
    return client


def test_a_wrong_password_is_refused(setup: Setup) -> None:
    client = setup.client(password="wrong")
    with pytest.raises(AuthFailed):
        client.login()
    client.close()
    logged_in(setup).close()


def test_an_unreachable_server_is_said_so() -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    for kind in ("greader", "miniflux", "nextcloud"):
        client = client_class(kind)(f"http://127.0.0.1:{port}", USER, PASSWORD, None)
        with pytest.raises(ServerUnreachable, match="cannot reach"):
            client.login()


def test_an_address_that_is_not_the_api_says_which_to_give(setup: Setup) -> None:
    for wrong in (setup.server.url + "/elsewhere", setup.server.url + "/index.html"):
        client = client_class(setup.kind.name)(wrong, USER, PASSWORD, None)
        with pytest.raises(ServerUnreachable, match=r"does not answer as .*; give "):
            client.login()
        client.close()


def test_the_first_sync_brings_feeds_categories_articles_and_marks(setup: Setup) -> None:
    client = logged_in(setup)
    feeds = {feed.title: feed for feed in client.feeds()}
    assert set(feeds) == {"Tech A", "Tech B", "World News", "Loose"}
    assert feeds["Tech A"].category == feeds["Tech B"].category == "Tech"
    assert feeds["World News"].category == "World"
    # Miniflux puts every feed in a category; the user's first is "All".
    assert feeds["Loose"].category == ("All" if setup.kind.name == "miniflux" else None)
    assert feeds["World News"].url == "https://example.org/feeds/3.xml"

    articles, cursor = pull(client, None)
    server = setup.entries()
    wanted = {
        e.id for e in server.values() if setup.kind.first_sync_gets_read or not e.read or e.starred
    }
    assert sorted(int(a.id) for a in articles) == sorted(wanted)  # every one once, none other
    assert cursor
    by_id = {int(a.id): a for a in articles}
    feed_of = {feed.id: feed.title for feed in client.feeds()}
    for entry_id in wanted:
        entry, got = server[entry_id], by_id[entry_id]
        assert (got.title, got.link, got.read, got.starred) == (
            entry.title,
            entry.url,
            entry.read,
            entry.starred,
        )
        assert got.published == pytest.approx(int(entry.published), abs=1)
        assert got.content == entry.content
        account = setup.accounts.users[USER]
        assert feed_of[got.feed_id] == account.feeds[entry.feed_id].title

    assert client.unread_ids() == {str(e.id) for e in server.values() if not e.read}
    assert client.starred_ids() == {str(e.id) for e in server.values() if e.starred}
    client.close()


def test_attached_files_come_with_their_articles(setup: Setup) -> None:
    entries = sorted((e for e in setup.entries().values() if not e.read), key=lambda e: e.id)
    picture = ("https://cdn.example.org/harbour.jpg", "image/jpeg", None)
    episode = ("https://cdn.example.org/episode.mp3", "audio/mpeg", 24_986_239)
    entries[-1].enclosures = [picture, episode]
    entries[-2].enclosures = [episode]
    client = logged_in(setup)
    by_id = {int(a.id): a for a in pull(client, None)[0]}
    client.close()
    # Nextcloud News keeps one file an item and not its size
    one = setup.kind.name == "nextcloud"
    assert by_id[entries[-1].id].enclosures == ((picture,) if one else (picture, episode))
    sizeless = ("https://cdn.example.org/episode.mp3", "audio/mpeg", None)
    assert by_id[entries[-2].id].enclosures == ((sizeless,) if one else (episode,))
    assert by_id[entries[0].id].enclosures == ()


def test_marks_go_both_ways(setup: Setup) -> None:
    client = logged_in(setup)
    server = setup.entries()
    unread = sorted(e.id for e in server.values() if not e.read)
    starred = sorted(e.id for e in server.values() if e.starred)
    # Ten unread read here (more than a batch), two read ones unread, stars both ways.
    chosen, reread = unread[:10], sorted(e.id for e in server.values() if e.read)[:2]
    plain = next(e.id for e in server.values() if not e.starred)
    client.mark([str(i) for i in chosen], read=True)
    client.mark([str(i) for i in reread], read=False)
    client.mark([str(starred[0])], starred=False)
    client.mark([str(plain), str(starred[1])], starred=True)  # one already starred stays so
    assert all(server[i].read for i in chosen)
    assert not any(server[i].read for i in reread)
    assert not server[starred[0]].starred
    assert server[plain].starred and server[starred[1]].starred
    # Read and starred together, on entries whose marks both change.
    both = [i for i in unread[10:] if not server[i].starred][:2]
    client.mark([str(i) for i in both], read=True, starred=True)
    assert all(server[i].read and server[i].starred for i in both)

    # And what changes on the server shows in the client's sets.
    server[chosen[0]].mark(read=False)
    server[starred[2]].mark(starred=False)
    assert str(chosen[0]) in client.unread_ids()
    assert str(starred[2]) not in client.starred_ids()
    assert client.unread_ids() == {str(e.id) for e in server.values() if not e.read}
    # The other user's entries were never touched.
    assert not any(e.read or e.starred for e in setup.accounts.users["other"].entries.values())
    client.close()


def test_a_feed_marked_all_read_by_ids_leaves_the_rest(setup: Setup) -> None:
    client = logged_in(setup)
    server = setup.entries()
    account = setup.accounts.users[USER]
    feed = next(f for f in account.feeds.values() if f.title == "Tech A")
    ids = [str(e.id) for e in server.values() if e.feed_id == feed.id]
    others_unread = {e.id for e in server.values() if e.feed_id != feed.id and not e.read}
    client.mark(ids, read=True)
    assert not any(not e.read for e in server.values() if e.feed_id == feed.id)
    assert {e.id for e in server.values() if not e.read} == others_unread
    client.close()


def test_a_repeat_sync_brings_only_what_is_new(setup: Setup) -> None:
    client = logged_in(setup)
    _, cursor = pull(client, None)
    again, same = pull(client, cursor)
    # Nextcloud's items/updated takes lastModified >= the one given (seconds): what changed
    # in the cursor's own second comes again, nothing older.
    repeats = {a.id for a in again}
    if setup.kind.name == "nextcloud":
        stamp = int(same or 0)
        assert isinstance(setup.server, Nextcloud)
        assert all(setup.server.stamp(setup.entries()[int(i)]) // 10**6 == stamp for i in repeats)
        assert len(repeats) < 8
    else:
        assert repeats == set() and same == cursor  # nothing new: nothing pulled
    account = setup.accounts.users[USER]
    feed = next(f for f in account.feeds.values() if f.title == "World News")
    # Nine new entries (more than a page), one published a day before it arrived.
    fresh = setup.accounts.add_entries(USER, feed, 8)
    fresh.append(setup.accounts.add_entry(USER, feed, "Late", published=time.time() - 86400))
    newer, cursor2 = pull(client, cursor)
    got = sorted(int(a.id) for a in newer if a.id not in repeats)
    assert got == sorted(e.id for e in fresh)
    assert len(newer) == len({a.id for a in newer})
    assert {a.title for a in newer} >= {"Late", "World News #0"}
    assert cursor2 and cursor2 != cursor
    assert {int(a.id) for a in pull(client, cursor2)[0]} <= {e.id for e in fresh}
    client.close()


def test_a_busy_server_says_how_long_to_wait(setup: Setup) -> None:
    client = logged_in(setup)
    setup.server.fail(429, retry_after="7")
    with pytest.raises(Busy) as busy:
        client.feeds()
    assert busy.value.retry_after == 7
    setup.server.fail(503)
    with pytest.raises(Busy) as busy:
        client.unread_ids()
    assert busy.value.retry_after is None
    assert len(client.feeds()) == 4  # and it answers again afterwards
    client.close()


@pytest.mark.parametrize("kind", KINDS[:2], ids=IDS[:2])
def test_greader_keeps_its_session_and_says_when_it_expired(kind: Kind) -> None:
    with started(kind) as setup:
        check_session(setup)


def check_session(setup: Setup) -> None:
    client = logged_in(setup)
    token = client.token
    assert token and PASSWORD not in token
    client.close()
    # A later run starts from the kept session, without the password.
    again = setup.client(password="", token=token)
    assert len(again.feeds()) == 4
    again.mark([str(min(setup.entries()))], starred=False)
    assert not setup.entries()[min(setup.entries())].starred
    # The password changes on the server: the kept session stops working.
    setup.accounts.users[USER].password = "new password"
    with pytest.raises(SessionExpired):
        again.feeds()
    again.password = "new password"
    again.login()
    assert again.token != token and len(again.feeds()) == 4
    again.close()


def test_miniflux_legacy_stars_by_toggling_only_what_differs() -> None:
    server = Miniflux(legacy=True)
    seed(server.accounts)
    server.start()
    try:
        client = miniflux.Miniflux(server.url, USER, PASSWORD)
        entries = server.accounts.users[USER].entries
        starred = sorted(i for i, e in entries.items() if e.starred)
        plain = sorted(i for i, e in entries.items() if not e.starred)
        client.mark([str(starred[0]), str(plain[0])], starred=True)
        assert entries[starred[0]].starred and entries[plain[0]].starred
        assert client.legacy
        # Two toggles at most: the entry already starred was not toggled off.
        assert server.calls("PUT", r"/v1/entries/\d+/bookmark") == 1
        client.close()
    finally:
        server.stop()
