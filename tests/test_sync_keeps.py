"""What a sync account keeps safe: no password inside the stored address, and starred
articles (and every feed, when the server lists none) through a feed list that shrinks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CliRun
from tests.test_sync_engine import Memory, engine
from tui_news.core.library import Store
from tui_news.core.library.accounts import AccountRows
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
