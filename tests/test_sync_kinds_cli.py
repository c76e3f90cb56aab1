"""greader, miniflux and nextcloud accounts end to end: the command line in a subprocess, as a
user runs it, against the stand-ins of tests/servers/ (written from each API's documents)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRun
from tests.servers.apiserver import Accounts, ApiServer
from tests.servers.greader import GReader
from tests.servers.miniflux import Miniflux
from tests.servers.nextcloud import Nextcloud

USER, PASSWORD = "reader", "correct horse"
STAND_INS: dict[str, tuple[str, Callable[[], ApiServer], str]] = {
    "greader-miniflux": ("greader", lambda: GReader("miniflux"), ""),
    "greader-freshrss": ("greader", lambda: GReader("freshrss"), "/api/greader.php"),
    "miniflux": ("miniflux", Miniflux, ""),
    "nextcloud": ("nextcloud", Nextcloud, ""),
}


class Server:
    """A running stand-in, the kind of account that talks to it, and the address to give."""

    def __init__(self, name: str) -> None:
        self.kind, make, path = STAND_INS[name]
        self.api: ApiServer = make()
        self.accounts: Accounts = self.api.accounts
        self.api.start()
        self.url = self.api.url + path

    def state(self) -> dict[str, tuple[bool, bool]]:
        """(read, starred) of each of the user's entries, by title."""
        entries = self.accounts.users[USER].entries.values()
        return {e.title: (e.read, e.starred) for e in entries}


# One end-to-end run per kind in the default test run; FreshRSS's Google Reader API (covered
# by tests/test_sync_clients.py) and the repeats of the wrong password run with -m slow.
EVERY_KIND = [
    pytest.param(name, marks=pytest.mark.slow) if name == "greader-freshrss" else name
    for name in STAND_INS
]


@pytest.fixture(params=EVERY_KIND)
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    running = Server(request.param)
    accounts = running.accounts
    accounts.add_user(USER, PASSWORD)
    world = accounts.add_feed(USER, "World Wire", "News")
    local = accounts.add_feed(USER, "Local Times", "News")
    code = accounts.add_feed(USER, "Code Digest", "Tech")
    accounts.add_entry(USER, world, "Ports reopen", read=True)
    accounts.add_entry(USER, world, "Forest loss slows", starred=True)
    accounts.add_entry(USER, local, "Bridge repaired", read=True, starred=True)
    accounts.add_entry(USER, code, "Compiler released", published=1_700_000_000)
    accounts.add_entry(USER, code, "Kernel patched")
    try:
        yield running
    finally:
        running.api.stop()


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def add_account(cli: CliRun, server: Server, password_file: Path) -> Any:
    return cli(
        "account", "add", server.kind, server.url, "--user", USER,
        "--password-file", str(password_file), "--name", "home",
    )  # fmt: skip


def listed(cli: CliRun) -> dict[str, dict[str, Any]]:
    return {a["title"]: a for a in json.loads(cli("list", "--json", check_exit=0).stdout)}


@pytest.mark.parametrize(
    "server",
    ["miniflux", *(pytest.param(n, marks=pytest.mark.slow) for n in STAND_INS if n != "miniflux")],
    indirect=True,
)
def test_a_wrong_password_saves_nothing(
    cli: CliRun, server: Server, tmp_path: Path, data_dir: Path
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password\n")
    refused = add_account(cli, server, wrong)
    assert refused.returncode == 2
    assert "refused the user name or password" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert json.loads(cli("accounts", "--json", check_exit=0).stdout) == []
    assert json.loads(cli("list", "--json", check_exit=0).stdout) == []


def test_sync_brings_sections_and_marks_and_sends_marks_back(
    cli: CliRun, server: Server, password_file: Path, data_dir: Path
) -> None:
    added = add_account(cli, server, password_file)
    assert added.returncode == 0, added.stderr
    # Nextcloud's documented first sync takes unread and starred items only.
    wanted = {"Forest loss slows", "Bridge repaired", "Compiler released", "Kernel patched"}
    if server.kind != "nextcloud":
        wanted.add("Ports reopen")
    assert added.stdout.strip().endswith(f"{len(wanted)} new, 0 changed, 0 removed")
    here = listed(cli)
    assert set(here) == wanted
    assert {t for t, a in here.items() if not a["read"]} == {
        "Forest loss slows", "Compiler released", "Kernel patched",
    }  # fmt: skip
    assert {t for t, a in here.items() if a["starred"]} == {"Forest loss slows", "Bridge repaired"}
    assert here["Bridge repaired"]["section"] == "News"
    assert here["Kernel patched"]["section"] == "Tech"
    assert here["Kernel patched"]["source"] == "Code Digest"
    assert here["Compiler released"]["published"] == "2023-11-14T22:13:20Z"
    assert {a["account"] for a in here.values()} == {"home"}

    # Marks made here go at the next sync.
    cli("mark", str(here["Kernel patched"]["id"]), "--read", check_exit=0)
    cli("mark", str(here["Bridge repaired"]["id"]), "--unread", check_exit=0)
    cli("mark", str(here["Bridge repaired"]["id"]), "--unstar", check_exit=0)
    cli("mark", str(here["Compiler released"]["id"]), "--star", check_exit=0)
    assert server.state()["Kernel patched"] == (False, False)
    cli("sync", check_exit=0)
    state = server.state()
    assert state["Kernel patched"] == (True, False)
    assert state["Bridge repaired"] == (False, False)
    assert state["Compiler released"] == (False, True)

    # Marks made on the server, and new articles, come at the next one, once.
    entries = {e.title: e for e in server.accounts.users[USER].entries.values()}
    entries["Forest loss slows"].mark(read=True, starred=False)
    code = next(f for f in server.accounts.users[USER].feeds.values() if f.title == "Code Digest")
    server.accounts.add_entry(USER, code, "Late news")
    synced = cli("sync", "home", check_exit=0)
    assert "1 new" in synced.stdout
    after = listed(cli)
    assert (after["Forest loss slows"]["read"], after["Forest loss slows"]["starred"]) == (
        True,
        False,
    )
    assert after["Late news"]["section"] == "Tech" and not after["Late news"]["read"]
    assert after["Kernel patched"]["read"] is True
    again = cli("refresh", check_exit=0)
    assert "0 new" in again.stdout
    titles = [a["title"] for a in json.loads(cli("list", "--json", check_exit=0).stdout)]
    assert len(titles) == len(set(titles))  # nothing twice
    # Nextcloud's items/updated also brings what changed in the cursor's second (here: the
    # read "Ports reopen", seeded with the rest); the others bring only what is new.
    assert set(titles) == {*wanted, "Late news"} | (
        {"Ports reopen"} if server.kind == "nextcloud" else set()
    )
    # No password on disk, whatever the kind keeps.
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("flavour", ["miniflux", pytest.param("freshrss", marks=pytest.mark.slow)])
def test_greader_keeps_a_session_and_logs_in_again_when_it_expired(
    cli: CliRun, password_file: Path, data_dir: Path, flavour: str
) -> None:
    server = Server(f"greader-{flavour}")
    try:
        server.accounts.add_user(USER, PASSWORD)
        feed = server.accounts.add_feed(USER, "World Wire", "News")
        server.accounts.add_entry(USER, feed, "Ports reopen")
        add_account(cli, server, password_file).check_returncode()
        sessions = [p for p in (data_dir / "sessions").iterdir() if p.is_file()]
        assert len(sessions) == 1 and sessions[0].stat().st_mode & 0o777 == 0o600
        kept = sessions[0].read_text()
        assert kept.startswith(USER + "/") and PASSWORD not in kept
        logins = server.api.calls("POST", r".*/accounts/ClientLogin")
        cli("sync", check_exit=0)
        assert server.api.calls("POST", r".*/accounts/ClientLogin") == logins  # the session did
        api = server.api
        assert isinstance(api, GReader)
        api.expire_sessions()
        cli("mark", str(listed(cli)["Ports reopen"]["id"]), "--star", check_exit=0)
        cli("sync", check_exit=0)
        assert server.state()["Ports reopen"] == (False, True)
        assert server.api.calls("POST", r".*/accounts/ClientLogin") == logins + 1
        assert sessions[0].read_text() != kept
    finally:
        server.api.stop()
