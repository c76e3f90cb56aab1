"""A server that ignores paging (the same page for every offset, skip or continuation, or a
total that never comes) cannot keep a sync asking forever: the engine stops at a page that
brings no article not seen in this sync, the clients' listings do the same, and a listing has at
most MAX_PAGES pages (a sync, made of several listings, has no cap)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.servers import Article, Feed
from tests.servers.apiserver import ApiServer, json_reply, running
from tests.servers.coldsweat import Coldsweat
from tests.servers.greader import GReader
from tests.servers.miniflux import Miniflux
from tests.servers.nextcloud import Nextcloud
from tests.test_sync_engine import Memory, engine, marks
from tui_news.core.library import Store
from tui_news.core.library.accounts import AccountRows
from tui_news.core.sync import miniflux, nextcloud, remote
from tui_news.core.sync.fever import Fever
from tui_news.core.sync.kinds import client_class
from tui_news.core.sync.remote import Endless, Page

USER, PASSWORD = "reader", "secret"


@pytest.fixture
def rows(tmp_path: Path) -> Iterator[AccountRows]:
    store = Store(tmp_path / "library.sqlite")
    yield AccountRows(store)
    store.close()


class Repeating(Memory):
    """A server whose every page of articles is the first one again (``new``: ids go on)."""

    def __init__(self, new: bool = False) -> None:
        super().__init__()
        self.new = new
        self.pages = 0

    def articles(self, cursor: str | None) -> Iterator[Page]:
        while True:
            self.pages += 1
            first = 2 * self.pages - 1 if self.new else 1
            yield Page(
                [
                    replace(self.items["1"], id=str(first)),
                    replace(self.items["2"], id=str(first + 1)),
                ]
            )


def test_the_engine_stops_at_a_page_sent_again_and_keeps_what_came(rows: AccountRows) -> None:
    server = Repeating()
    server.add("1")
    server.add("2")
    with pytest.raises(Endless, match="ignores paging"):
        engine(rows, server).sync()
    assert server.pages == 2
    assert set(marks(rows)) == {"1", "2"}


def test_a_sync_longer_than_max_pages_completes(
    rows: AccountRows, coldsweat: Coldsweat, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fever's first sync is two listings: since_id (4 pages here: coldsweat answers by feed)
    # and with_ids for what it skipped (2 pages); 6 pages in all, each listing within 4.
    monkeypatch.setattr(remote, "MAX_PAGES", 4)
    coldsweat.seed(feeds=[Feed("Odd"), Feed("Even")])
    ids = coldsweat.seed(
        articles=[Article("Odd" if n % 2 else "Even", f"Item {n}") for n in range(1, 251)]
    ).articles
    fever = Fever(coldsweat.url, coldsweat.user, coldsweat.password, None)
    engine(rows, fever).sync()  # type: ignore[arg-type]
    assert set(marks(rows)) == {str(i) for i in ids}


def test_a_listing_that_never_stops_paging_is_stopped(
    rows: AccountRows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote, "MAX_PAGES", 5)
    monkeypatch.setattr(miniflux, "PAGE", 2)
    server = Miniflux()
    server.accounts.add_user(USER, PASSWORD)

    def endless(request: Any, **_: str) -> Any:  # two new entries after any id, forever
        after = int(request.arg("after_entry_id") or 0)
        entries = [{"id": after + n, "feed_id": 1, "title": f"E{after + n}"} for n in (1, 2)]
        return json_reply({"total": 10**9, "entries": entries})

    server.routes.insert(0, ("GET", re.compile("/v1/entries"), endless))
    with running(server):
        client = client_class("miniflux")(server.url, USER, PASSWORD, None)
        with pytest.raises(Endless) as stopped:
            engine(rows, client).sync()  # type: ignore[arg-type]
        client.close()
    assert str(stopped.value) == (
        "the server sent more than 5 pages of one listing (it never stops paging); "
        "the sync stopped there"
    )
    assert server.calls("GET", "/v1/entries") == 6
    assert len(marks(rows)) == 10  # what came before is kept


def serve(server: ApiServer, method: str, pattern: str, value: Any) -> None:
    server.routes.insert(0, (method, re.compile(pattern), lambda request, **_: json_reply(value)))


@pytest.mark.parametrize(
    ("make", "kind", "path", "value", "call"),
    [
        (
            lambda: GReader("miniflux"),
            "greader",
            r".*/stream/items/ids",
            {"itemRefs": [{"id": "1"}, {"id": "2"}], "continuation": "more"},
            "unread_ids",
        ),
        (
            Miniflux,
            "miniflux",
            "/v1/entries/ids",
            {"entry_ids": [1, 2], "total": 10**9},
            "starred_ids",
        ),
        (
            Nextcloud,
            "nextcloud",
            r".*/items",
            {"items": [{"id": 5, "feedId": 1}, {"id": 6, "feedId": 1}]},
            "unread_ids",
        ),
    ],
    ids=["greader-continuation", "miniflux-total", "nextcloud-offset"],
)
def test_a_client_listing_stops_at_a_page_sent_again(
    monkeypatch: pytest.MonkeyPatch, make: Any, kind: str, path: str, value: Any, call: str
) -> None:
    monkeypatch.setattr(nextcloud, "PAGE", 2)
    server: ApiServer = make()
    server.accounts.add_user(USER, PASSWORD)
    serve(server, "GET", path, value)
    server.start()
    client = client_class(kind)(server.url, USER, PASSWORD, None)
    try:
        client.login()
        with pytest.raises(Endless, match="ignores paging"):
            getattr(client, call)()
    finally:
        client.close()
        server.stop()
    assert server.calls("GET", path) == 2
