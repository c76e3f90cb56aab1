"""What a sync's HTTP refuses to do: send a login on to another server that a redirect
names (the password is in its body), read an answer without end, or store a long error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.servers.apiserver import ApiServer, Reply, json_reply, running
from tests.servers.greader import GReader
from tests.servers.miniflux import Miniflux
from tui_news.core.library import Store
from tui_news.core.sync import http
from tui_news.core.sync.accounts import Accounts
from tui_news.core.sync.greader import GReader as GReaderClient
from tui_news.core.sync.miniflux import Miniflux as MinifluxClient
from tui_news.core.sync.remote import ServerUnreachable

USER, PASSWORD = "reader", "secret"


def serve(server: ApiServer, method: str, pattern: str, reply: Any) -> None:
    server.routes.insert(0, (method, re.compile(pattern), lambda request, **_: reply))


def test_a_login_is_not_sent_on_to_another_server() -> None:
    with running(ApiServer()) as elsewhere, running(GReader("miniflux")) as server:
        server.accounts.add_user(USER, PASSWORD)
        moved = Reply(307, b"", "text/plain", {"Location": elsewhere.url + "/steal"})
        serve(server, "POST", "/accounts/ClientLogin", moved)
        client = GReaderClient(server.url, USER, PASSWORD)
        with pytest.raises(ServerUnreachable, match="redirects to another server"):
            client.login()
        client.close()
        assert elsewhere.requests == []


def test_a_redirect_within_the_server_is_followed() -> None:
    with running(Miniflux()) as server:
        server.accounts.add_user(USER, PASSWORD)
        serve(server, "GET", "/old/v1/me", Reply(308, b"", "text/plain", {"Location": "/v1/me"}))
        client = MinifluxClient(server.url + "/old", USER, PASSWORD)
        client.login()  # no error: it reached /v1/me through the redirect
        client.close()
        assert server.calls("GET", "/v1/me") == 1


def test_an_answer_over_the_cap_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "MAX_ANSWER_BYTES", 10_000)
    with running(Miniflux()) as server:
        server.accounts.add_user(USER, PASSWORD)
        serve(server, "GET", "/v1/feeds", json_reply([{"id": 1, "title": "x" * 20_000}]))
        client = MinifluxClient(server.url, USER, PASSWORD)
        client.login()
        with pytest.raises(ServerUnreachable, match="sent an answer over"):
            client.feeds()
        client.close()


def test_a_long_error_is_stored_cut_short(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.sqlite")
    accounts = Accounts(store, tmp_path / "config.toml", tmp_path)
    long_url = "http://127.0.0.1:9/" + "a" * 1000  # nothing listens on port 9
    accounts.rows.add("home", "miniflux", long_url, USER, None)
    (tmp_path / "pw").write_text(PASSWORD)
    accounts.prompt = lambda name: PASSWORD
    report = accounts.sync()
    (reason,) = report.failed.values()
    (account,) = accounts.list()
    store.close()
    assert "cannot reach" in reason and len(reason) <= 300
    assert account.last_error == reason


def test_an_answer_that_trickles_is_given_up_as_a_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx's timeouts are for each read: a byte every fifth of a second kept a sync going
    for ever, and the app could not quit."""
    import socket
    import threading
    import time

    monkeypatch.setattr(http, "ANSWER_SECONDS", 1)
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        )
        for _ in range(100):
            if stop.is_set():
                break
            conn.sendall(b" ")
            time.sleep(0.2)
        conn.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/api"
    client = http.make_client(url)
    started = time.monotonic()
    with pytest.raises(ServerUnreachable, match="did not finish its answer within 1 s"):
        http.request(client, "GET", url)
    assert time.monotonic() - started < 3
    stop.set()
    client.close()
    listener.close()


def test_adding_an_account_again_says_how_to_sync_the_one_there(tmp_path: Path) -> None:
    """A first sync that failed after the login leaves the account; adding it again said
    'choose --name', which makes a second one."""
    from tui_news.core.library import LibraryError

    store = Store(tmp_path / "library.sqlite")
    accounts = Accounts(store, tmp_path / "config.toml", tmp_path)
    accounts.rows.add("home", "miniflux", "http://127.0.0.1:9/", USER, None)
    with pytest.raises(LibraryError) as refused:
        accounts.add("miniflux", "http://127.0.0.1:9/", USER, None, "Home")
    store.close()
    assert str(refused.value) == (
        "an account named 'home' exists already (tui-news sync 'home' tries it again); "
        "another one needs --name"
    )


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (
            "sh -c 'echo oops >&2; exit 3'",
            "the password_command of 'home' failed (exit status 3: oops)",
        ),
        ("true", "the password_command of 'home' gave no password"),
    ],
)
def test_a_password_command_that_fails_says_so_apart_from_one_that_gives_nothing(
    tmp_path: Path, command: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_news.core.sync.remote import SyncError

    monkeypatch.delenv("TUI_NEWS_PASSWORD", raising=False)  # it would come first

    (tmp_path / "config.toml").write_text(f'[accounts."home"]\npassword_command = "{command}"\n')
    store = Store(tmp_path / "library.sqlite")
    accounts = Accounts(store, tmp_path / "config.toml", tmp_path)
    with pytest.raises(SyncError) as refused:
        accounts._password("home", None)
    store.close()
    assert str(refused.value) == said


def test_the_password_prompt_names_the_user_and_the_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TUI_NEWS_PASSWORD", raising=False)  # it would come first
    store = Store(tmp_path / "library.sqlite")
    accounts = Accounts(store, tmp_path / "config.toml", tmp_path)
    accounts.rows.add("home", "miniflux", "http://127.0.0.1:9/", USER, None)
    asked: list[str] = []

    def prompt(who: str) -> str:
        asked.append(who)
        return PASSWORD

    accounts.prompt = prompt
    accounts.sync()  # nothing listens on port 9: asked for the password first, then fails
    store.close()
    assert asked == ["reader at home"]
