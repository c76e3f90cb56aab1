"""A server whose answers are not what its kind sends (a list where a table was, a number
where a text was, Infinity) fails the sync in one line instead of crashing the command or the
app's refresh, and ``account add`` then saves nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRun
from tests.servers.apiserver import ApiServer, json_reply
from tests.servers.greader import GReader
from tests.servers.miniflux import Miniflux
from tests.servers.nextcloud import Nextcloud

USER, PASSWORD = "reader", "secret"


def serve(server: ApiServer, method: str, pattern: str, value: Any) -> None:
    """Answer ``method pattern`` with ``value`` (JSON) from now on, before the API's route."""
    server.routes.insert(0, (method, re.compile(pattern), lambda request, **_: json_reply(value)))


@pytest.fixture
def miniflux() -> Iterator[ApiServer]:
    server = Miniflux()
    accounts = server.accounts
    accounts.add_user(USER, PASSWORD)
    accounts.add_entries(USER, accounts.add_feed(USER, "Feed", "Tech"), 3)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def add(cli: CliRun, kind: str, url: str, password_file: Path) -> Any:
    return cli(
        "account", "add", kind, url, "--user", USER, "--password-file", str(password_file),
        "--name", "home",
    )  # fmt: skip


def test_account_add_against_wrong_answers_saves_nothing(
    cli: CliRun, miniflux: ApiServer, password_file: Path
) -> None:
    serve(miniflux, "GET", "/v1/feeds", {"oops": 1})
    added = add(cli, "miniflux", miniflux.url, password_file)
    assert added.returncode == 2, added.stderr
    assert "crashed" not in added.stderr
    assert len(added.stderr.strip().splitlines()) == 1
    assert "the server's answer was not what Miniflux sends" in added.stderr
    assert json.loads(cli("accounts", "--json", check_exit=0).stdout) == []


def test_a_sync_against_wrong_answers_fails_in_one_line_and_keeps_what_was_stored(
    cli: CliRun, miniflux: ApiServer, password_file: Path
) -> None:
    assert add(cli, "miniflux", miniflux.url, password_file).returncode == 0
    serve(miniflux, "GET", "/v1/entries", {"entries": "not a list of entries"})
    synced = cli("sync")
    assert "crashed" not in synced.stderr and synced.returncode != 70, synced.stderr
    assert "not what Miniflux sends" in synced.stdout + synced.stderr
    (account,) = json.loads(cli("accounts", "--json", check_exit=0).stdout)
    assert "not what Miniflux sends" in account["last_error"]
    assert len(json.loads(cli("list", "--json", check_exit=0).stdout)) == 3


@pytest.mark.parametrize(
    ("make", "kind", "method", "pattern", "value"),
    [
        # A title sent as a number, and a published time of Infinity.
        (
            lambda: GReader("miniflux"),
            "greader",
            "POST",
            r".*/stream/items/contents",
            {"items": [{"id": "1", "title": 5, "published": float("inf")}]},
        ),
        (Nextcloud, "nextcloud", "GET", r".*/feeds", {"feeds": "none"}),
        (Miniflux, "miniflux", "GET", "/v1/feeds", [{"id": 1, "title": 7, "category": "x"}]),
    ],
    ids=["greader-infinity", "nextcloud-feeds-text", "miniflux-category-text"],
)
def test_each_client_turns_a_wrong_answer_into_one_line(
    cli: CliRun, password_file: Path, make: Any, kind: str, method: str, pattern: str,
    value: Any,
) -> None:  # fmt: skip
    server: ApiServer = make()
    accounts = server.accounts
    accounts.add_user(USER, PASSWORD)
    accounts.add_entries(USER, accounts.add_feed(USER, "Feed", "Tech"), 2)
    serve(server, method, pattern, value)
    server.start()
    try:
        added = add(cli, kind, server.url, password_file)
    finally:
        server.stop()
    assert added.returncode == 2, added.stderr
    assert "the server's answer was not what" in added.stderr
    assert len(added.stderr.strip().splitlines()) == 1
    assert json.loads(cli("accounts", "--json", check_exit=0).stdout) == []
