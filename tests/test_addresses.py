"""Addresses as shown: a password sent as Basic auth and never shown, no raw controls."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

from tests.conftest import tui_news as run_tui_news
from tests.feedserver import FeedServer, Route, rss
from tui_news.core.reader import make_reader
from tui_news.ui.app import NewsApp
from tui_news.ui.screens import ConfirmScreen

SECRET = "hunter2"


def tui_news(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_tui_news(data, *args, PYTHONIOENCODING="utf-8")


def test_the_password_never_shows_in_any_command(tmp_path: Path, server: FeedServer) -> None:
    data = tmp_path / "data"
    server.routes["/private"] = Route(rss("", [{"title": "Members only", "guid": "1"}]))
    address = server.url("/private").replace("http://", f"http://me:{SECRET}@")
    shown = server.url("/private").replace("http://", "http://me@")
    urls = tmp_path / "urls"
    urls.write_text(address.replace("/private", "/gone") + "\n" + address + "\n")
    outputs = [tui_news(data, "add", address)]
    assert outputs[0].returncode == 0, outputs[0].stderr
    assert server.requests[-1][1]["Authorization"] == "Basic bWU6aHVudGVyMg=="
    outputs += [
        tui_news(data, "add", address),  # already there: an error naming it
        tui_news(data, "import", str(urls)),  # one new (and failing, 404), one already there
        tui_news(data, "sources"),
        tui_news(data, "sources", "--json"),
        tui_news(data, "export"),
        tui_news(data, "export", "--format", "urls"),
        tui_news(data, "refresh"),
        tui_news(data, "add", address.replace("http://", "gopher://")),
    ]
    reader = make_reader(data)
    problems = reader.problems()
    reader.close()
    text = "".join(o.stdout + o.stderr for o in outputs) + repr(problems)
    assert SECRET not in text
    assert shown in json.loads(outputs[4].stdout)[0]["location"]
    assert (
        f"failed {shown.replace('/private', '/gone')}: the server answered HTTP 404"
        in outputs[7].stderr
    )
    assert shown in outputs[5].stdout and shown in outputs[6].stdout
    removed = tui_news(data, "remove", address)
    assert removed.returncode == 0 and SECRET not in removed.stdout
    assert shown in removed.stdout


async def test_the_remove_dialog_shows_no_password(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/private"] = Route(rss("Club", [{"title": "Members only", "guid": "1"}]))
    reader = make_reader(tmp_path / "data")
    address = server.url("/private").replace("http://", f"http://me:{SECRET}@")
    await asyncio.to_thread(reader.add, address)
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.question
    reader.close()
    assert SECRET not in question and "me@127.0.0.1" in question


def test_json_never_prints_a_raw_c1_control(tmp_path: Path) -> None:
    news = tmp_path / "news\x9b31m\x85"
    news.mkdir()
    (news / "a.txt").write_text("A title\n\nText.\n")
    data = tmp_path / "data"
    assert tui_news(data, "add", str(news)).returncode == 0
    for args in (["sources", "--json"], ["list", "--json"]):
        out = tui_news(data, *args).stdout
        assert "\x9b" not in out and "\x85" not in out
        assert "news\\u009b31m\\u0085" in out
    assert json.loads(tui_news(data, "sources", "--json").stdout)[0]["location"] == str(news)


def test_one_feed_written_two_ways_is_subscribed_once(tmp_path: Path, server: FeedServer) -> None:
    """The scheme and host in any case, a default port, a fragment or spaces around it: the
    same feed, refused as already there by add and skipped by import."""
    server.routes["/feed"] = Route(rss("Once", [{"title": "Only", "guid": "1"}]))
    data = tmp_path / "data"
    plain = server.url("/feed")  # http://127.0.0.1:PORT/feed
    added = tui_news(data, "add", f"  {plain.replace('http://', 'HTTP://')}#top ")
    assert added.returncode == 0, added.stderr
    sources = json.loads(tui_news(data, "sources", "--json").stdout)
    assert [s["location"] for s in sources] == [plain]
    again = tui_news(data, "add", plain + "#other")
    assert again.returncode == 2 and again.stderr.strip().endswith("is already in the library")
    urls = tmp_path / "urls"
    urls.write_text(plain.replace("http", "HTTP", 1) + "\n")
    imported = tui_news(data, "import", str(urls))
    assert imported.stderr.strip() == f"skipped {plain}: already in the library"
    assert len(json.loads(tui_news(data, "list", "--json").stdout)) == 1
