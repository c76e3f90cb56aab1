"""What a sync account keeps safe: no password inside the stored address, and starred
articles (and every feed, when the server lists none) through a feed list that shrinks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CliRun
from tests.servers.apiserver import running
from tests.servers.miniflux import Miniflux
from tests.test_sync_engine import Memory, engine
from tui_news.core.library import Store
from tui_news.core.library.accounts import AccountRows
from tui_news.core.library.pending import enqueue
from tui_news.core.sync.accounts import Accounts
from tui_news.core.sync.remote import RemoteFeed


@pytest.fixture
def rows(tmp_path: Path) -> Iterator[AccountRows]:
    store = Store(tmp_path / "library.sqlite")
    yield AccountRows(store)
    store.close()


def where(rows: AccountRows) -> dict[str, str]:
    """Article key -> the name of its source."""
    found = rows.store.conn.execute(
        "SELECT a.key, s.name FROM articles a JOIN sources s ON s.id = a.source_id"
    ).fetchall()
    return dict(found)


def test_a_password_inside_the_address_is_refused(cli: CliRun, tmp_path: Path) -> None:
    password = tmp_path / "password"
    password.write_text("s3cret\n")
    added = cli(
        "account", "add", "miniflux", "http://me:s3cret@127.0.0.1:9/", "--user", "me",
        "--password-file", str(password),
    )  # fmt: skip
    assert added.returncode == 2, added.stderr
    assert len(added.stderr.strip().splitlines()) == 1
    assert "not inside the address" in added.stderr and "s3cret" not in added.stderr
    assert json.loads(cli("accounts", "--json", check_exit=0).stdout) == []


def test_no_feed_listed_removes_nothing_and_a_gone_feed_keeps_its_starred(
    rows: AccountRows,
) -> None:
    server = Memory()
    server.add("1")
    server.add("2")
    server.starred.add("1")
    engine(rows, server).sync()
    assert where(rows) == {"1": "Wire", "2": "Wire"}
    server.feeds_ = []  # a server's hiccup: it answered no feeds at all
    engine(rows, server).sync()
    assert where(rows) == {"1": "Wire", "2": "Wire"}
    server.feeds_ = [RemoteFeed("3", "Other wire", None, None)]  # Wire is really gone
    engine(rows, server).sync()
    assert where(rows) == {"1": "home: other articles"}
    # a server that deletes a feed's articles with it (FreshRSS, Miniflux) no longer lists
    # "1" as starred or unread: kept here under other articles, it keeps its marks
    server.starred.discard("1")
    server.unread.discard("1")
    rows.set_compared(rows.accounts()[0].id, 0.0)  # the whole sets compared again
    engine(rows, server).sync()
    marks = rows.store.conn.execute("SELECT key, read, starred FROM articles").fetchall()
    assert marks == [("1", 0, 1)]


def test_account_remove_counts_the_marks_not_delivered(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.sqlite")
    accounts = Accounts(store, tmp_path / "config.toml", tmp_path)
    server = Memory()
    server.add("1")
    server.add("2")
    engine(accounts.rows, server).sync()
    with store.transaction() as conn:
        enqueue(conn, "read", True, "1 = 1", ())
    account, waiting = accounts.remove("home")
    store.close()
    assert (account.name, waiting) == ("home", 2)


def test_a_password_file_gone_gives_way_to_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "library.sqlite")
    accounts = Accounts(store, tmp_path / "config.toml", tmp_path)
    with running(Miniflux()) as server:
        server.accounts.add_user("me", "s3cret")
        accounts.rows.add("home", "miniflux", server.url, "me", str(tmp_path / "gone"))
        monkeypatch.setenv("TUI_NEWS_PASSWORD", "s3cret")
        report = accounts.sync()
        monkeypatch.delenv("TUI_NEWS_PASSWORD")
        failed = accounts.sync().failed
    store.close()
    assert report.failed == {}
    assert "cannot read the password file" in failed["home"]
