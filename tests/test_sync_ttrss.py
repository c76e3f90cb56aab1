"""Sync accounts against a real Tiny Tiny RSS (tests/servers/ttrss.py), through the command
line in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRun
from tests.servers.ttrss import Article, Feed, TtRss


@pytest.fixture
def password_file(tmp_path: Path, ttrss: TtRss) -> Path:
    path = tmp_path / "password"
    path.write_text(ttrss.password + "\n", encoding="utf-8")
    return path


def seed_three_feeds(ttrss: TtRss) -> list[int]:
    """Two categories (one with two feeds), one uncategorised feed: six articles."""
    seeded = ttrss.seed(
        feeds=[
            Feed("World Wire", category="News"),
            Feed("Local Times", category="News"),
            Feed("Code Digest", category="Tech"),
            Feed("Loose Feed"),
        ],
        articles=[
            Article("World Wire", "Ports reopen", "<p>Dock workers <b>return</b>.</p>", read=True),
            Article("World Wire", "Forest loss slows", starred=True),
            Article("Local Times", "Bridge repaired", read=True, starred=True),
            Article("Code Digest", "Compiler released", published=1_700_000_000),
            Article("Code Digest", "Kernel patched"),
            Article("Loose Feed", "Odd one out"),
        ],
    )
    return seeded.articles


def add_account(cli: CliRun, ttrss: TtRss, password_file: Path, *more: str) -> Any:
    return cli(
        "account", "add", "ttrss", ttrss.url, "--user", ttrss.user,
        "--password-file", str(password_file), "--name", "home", *more,
    )  # fmt: skip


def listed(cli: CliRun) -> dict[str, dict[str, Any]]:
    """The library's articles by title (from ``list --json``)."""
    return {a["title"]: a for a in json.loads(cli("list", "--json", check_exit=0).stdout)}


def test_wrong_password_or_no_server_saves_nothing(
    cli: CliRun, ttrss: TtRss, tmp_path: Path, data_dir: Path
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password\n")
    refused = add_account(cli, ttrss, wrong)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"tui-news: {ttrss.api_url} refused the user name or password"
    )
    nowhere = cli(
        "account", "add", "ttrss", "http://127.0.0.1:9/", "--user", "admin",
        "--password-file", str(wrong),
    )  # fmt: skip
    assert nowhere.returncode == 2
    assert nowhere.stderr.startswith("tui-news: cannot reach http://127.0.0.1:9/api/")
    assert len(nowhere.stderr.strip().splitlines()) == 1
    assert json.loads(cli("accounts", "--json", check_exit=0).stdout) == []
    assert not (data_dir / "sessions").exists() or not list((data_dir / "sessions").iterdir())


def test_first_sync_brings_feeds_sections_and_marks(
    cli: CliRun, ttrss: TtRss, password_file: Path
) -> None:
    ids = seed_three_feeds(ttrss)
    added = add_account(cli, ttrss, password_file)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == (
        "Added the account home (ttrss, 4 feeds): 6 new, 0 changed, 0 removed"
    )
    articles = listed(cli)
    assert len(articles) == 6
    assert {t for t, a in articles.items() if not a["read"]} == {
        "Forest loss slows", "Compiler released", "Kernel patched", "Odd one out",
    }  # fmt: skip
    assert {t for t, a in articles.items() if a["starred"]} == {
        "Forest loss slows",
        "Bridge repaired",
    }
    sections = {t: a["section"] for t, a in articles.items()}
    assert sections["Ports reopen"] == sections["Bridge repaired"] == "News"
    assert sections["Kernel patched"] == "Tech"
    assert sections["Odd one out"] == "Loose Feed"  # no category: a section of its own
    assert {a["account"] for a in articles.values()} == {"home"}
    assert articles["Compiler released"]["published"] == "2023-11-14T22:13:20Z"
    assert articles["Ports reopen"]["source"] == "World Wire"
    accounts = json.loads(cli("accounts", "--json", check_exit=0).stdout)
    assert [(a["name"], a["kind"], a["url"], a["user"]) for a in accounts] == [
        ("home", "ttrss", ttrss.url, "admin")
    ]
    assert accounts[0]["last_error"] is None and accounts[0]["last_sync"]
    assert accounts[0]["feeds"] == 4 and accounts[0]["unread"] == 4
    assert len(ids) == 6


def test_marks_go_both_ways_and_mark_all_read_reaches_the_server(
    cli: CliRun, ttrss: TtRss, password_file: Path, data_dir: Path
) -> None:
    ids = seed_three_feeds(ttrss)
    add_account(cli, ttrss, password_file).check_returncode()
    here = listed(cli)
    # here -> server: read, unread, star, unstar by the ids list --json prints
    cli("mark", str(here["Kernel patched"]["id"]), "--read", check_exit=0)
    cli("mark", str(here["Ports reopen"]["id"]), "--unread", check_exit=0)
    cli("mark", str(here["Odd one out"]["id"]), "--star", check_exit=0)
    cli("mark", str(here["Forest loss slows"]["id"]), "--unstar", check_exit=0)
    assert ttrss.state()[ids[4]] == (False, False)  # nothing sent before a sync
    synced = cli("sync", check_exit=0)
    assert synced.stdout.strip().startswith("Synced 1 account")
    state = ttrss.state()
    assert state[ids[4]] == (True, False)  # Kernel patched: read
    assert state[ids[0]] == (False, False)  # Ports reopen: unread again
    assert state[ids[5]] == (False, True)  # Odd one out: starred
    assert state[ids[1]] == (False, False)  # Forest loss slows: unstarred
    # server -> here: another client changes marks
    ttrss.set_state([ids[3]], read=True, starred=True)
    ttrss.set_state([ids[2]], read=False, starred=False)
    cli("sync", check_exit=0)
    after = listed(cli)
    assert (after["Compiler released"]["read"], after["Compiler released"]["starred"]) == (
        True,
        True,
    )
    assert (after["Bridge repaired"]["read"], after["Bridge repaired"]["starred"]) == (
        False,
        False,
    )
    assert after["Kernel patched"]["read"] is True  # what was pushed stays
    # mark all read (the app's M) in one section goes as ids the user saw
    from tui_news.core.models import View
    from tui_news.core.reader import make_reader

    reader = make_reader(data_dir)
    try:
        assert reader.mark_view_read(View(section="News")) == 3
        report = reader.refresh()
    finally:
        reader.close()
    assert report.failed == {}
    state = ttrss.state()
    assert state[ids[0]][0] and state[ids[1]][0] and state[ids[2]][0]
    assert not state[ids[5]][0]  # another section's article stays unread


def test_new_articles_come_once_and_a_repeat_sync_changes_nothing(
    cli: CliRun, ttrss: TtRss, password_file: Path
) -> None:
    seed_three_feeds(ttrss)
    add_account(cli, ttrss, password_file).check_returncode()
    ttrss.seed(
        feeds=[Feed("Fresh Feed", category="Tech")],
        articles=[Article("World Wire", "Late news"), Article("Fresh Feed", "Brand new")],
    )
    first = cli("sync", "home", check_exit=0)
    assert first.stdout.strip() == "Synced 1 account: 2 new, 0 changed, 0 removed"
    again = cli("refresh", check_exit=0)  # refresh syncs accounts too
    assert "0 new, 0 changed, 0 removed" in again.stdout
    articles = json.loads(cli("list", "--json", check_exit=0).stdout)
    titles = [a["title"] for a in articles]
    assert len(titles) == 8 and len(set(titles)) == 8
    assert {a["section"] for a in articles if a["title"] == "Brand new"} == {"Tech"}


def test_changes_made_while_the_server_is_down_wait_and_go_later(
    cli: CliRun, ttrss: TtRss, password_file: Path
) -> None:
    ids = seed_three_feeds(ttrss)
    add_account(cli, ttrss, password_file).check_returncode()
    here = listed(cli)
    ttrss.stop()
    try:
        cli("mark", str(here["Kernel patched"]["id"]), "--read", check_exit=0)
        cli("mark", str(here["Compiler released"]["id"]), "--star", check_exit=0)
        failed = cli("sync")
        assert failed.returncode == 1
        assert failed.stderr.startswith("failed home: cannot reach")
        assert json.loads(cli("accounts", "--json").stdout)[0]["last_error"].startswith(
            "cannot reach"
        )
        shown = json.loads(cli("sources", "--json").stdout)
        assert all(s["last_error"] for s in shown)  # each feed of the account shows the failure
        assert listed(cli)["Kernel patched"]["read"] is True  # kept here meanwhile
    finally:
        ttrss.start()
    assert ttrss.state()[ids[4]] == (False, False)
    cli("sync", check_exit=0)  # a new process: the queue came from the library
    assert ttrss.state()[ids[4]] == (True, False)
    assert ttrss.state()[ids[3]] == (False, True)
    assert json.loads(cli("accounts", "--json").stdout)[0]["last_error"] is None


def test_expired_session_logs_in_again_and_no_password_is_on_disk(
    cli: CliRun, ttrss: TtRss, password_file: Path, data_dir: Path
) -> None:
    ids = seed_three_feeds(ttrss)
    add_account(cli, ttrss, password_file).check_returncode()
    ttrss.expire_sessions()
    cli("mark", str(listed(cli)["Odd one out"]["id"]), "--star", check_exit=0)
    cli("sync", check_exit=0)
    assert ttrss.state()[ids[5]] == (False, True)
    secret = ttrss.password.encode()
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.parent.name == "sessions" for p in files)
    for path in files:
        assert secret not in path.read_bytes(), path
    for token in (data_dir / "sessions").iterdir():
        assert token.stat().st_mode & 0o777 == 0o600


def test_password_from_the_environment_or_a_command(
    cli: CliRun, ttrss: TtRss, data_dir: Path, tmp_path: Path
) -> None:
    seed_three_feeds(ttrss)
    from tests.conftest import tui_news

    no_password = tui_news(
        data_dir, "account", "add", "ttrss", ttrss.url, "--user", "admin", "--name", "home"
    )
    assert no_password.returncode == 2
    assert "no password for the account 'home': give --password-file" in no_password.stderr
    added = tui_news(
        data_dir, "account", "add", "ttrss", ttrss.url, "--user", "admin", "--name", "home",
        TUI_NEWS_PASSWORD=ttrss.password,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    ttrss.expire_sessions()
    unable = tui_news(data_dir, "sync")  # no password left to log in again
    assert unable.returncode == 1
    assert "--password-file" not in unable.stderr  # sync takes none: what it can use is said
    assert "run this on a terminal to be asked, set TUI_NEWS_PASSWORD" in unable.stderr
    secret = tmp_path / "secret"
    secret.write_text(ttrss.password)
    data_dir.joinpath("config.toml").write_text(
        f'[accounts."home"]\npassword_command = "cat {secret}"\n'
    )
    synced = tui_news(data_dir, "sync")
    assert synced.returncode == 0, synced.stderr
    assert synced.stderr == ""  # the accounts table is not an unknown setting
    assert ttrss.password not in data_dir.joinpath("config.toml").read_text()


def test_removing_an_account_takes_its_articles(
    cli: CliRun, ttrss: TtRss, password_file: Path, data_dir: Path
) -> None:
    seed_three_feeds(ttrss)
    add_account(cli, ttrss, password_file).check_returncode()
    feed = json.loads(cli("sources", "--json").stdout)[0]["name"]
    refused = cli("remove", feed)
    assert refused.returncode == 2 and "comes from the account 'home'" in refused.stderr
    removed = cli("account", "remove", "home", check_exit=0)
    assert removed.stdout.strip() == "Removed the account home and its 6 articles"
    assert json.loads(cli("list", "--json").stdout) == []
    assert json.loads(cli("sources", "--json").stdout) == []
    assert not list((data_dir / "sessions").iterdir())


def test_marks_changed_on_the_server_beyond_the_first_page(
    cli: CliRun, ttrss: TtRss, password_file: Path
) -> None:
    # tt-rss pages headlines 200 at a time: the unread and starred sets span three pages here
    ids = ttrss.seed(
        feeds=[Feed("Busy Feed")],
        articles=[Article("Busy Feed", f"Item {i}", starred=i % 2 == 0) for i in range(450)],
    ).articles
    add_account(cli, ttrss, password_file).check_returncode()
    ttrss.set_state(ids[:3] + ids[-3:], read=True)
    ttrss.set_state(ids[210:215], starred=False)
    synced = cli("sync", check_exit=0)
    assert synced.stdout.strip() == "Synced 1 account: 0 new, 9 changed, 0 removed"
    articles = json.loads(cli("list", "--json", check_exit=0).stdout)
    assert len(articles) == 450
    read = {a["title"] for a in articles if a["read"]}
    assert read == {f"Item {i}" for i in (0, 1, 2, 447, 448, 449)}
    starred = {int(a["title"].split()[1]) for a in articles if a["starred"]}
    assert starred == {i for i in range(0, 450, 2)} - set(range(210, 215))


@pytest.mark.parametrize("grouped", [True, False])
def test_a_sync_groups_new_articles_into_stories_as_a_refresh_does(
    cli: CliRun, ttrss: TtRss, password_file: Path, data_dir: Path, grouped: bool
) -> None:
    """As a refresh: into stories when the config groups them, kept apart when it does not."""
    if not grouped:
        data_dir.mkdir(exist_ok=True)
        data_dir.joinpath("config.toml").write_text("group_stories = false\n")
    seed_three_feeds(ttrss)
    add_account(cli, ttrss, password_file).check_returncode()
    now = time.time()
    quake = "A magnitude 7.1 earthquake struck eastern Turkey, killing 58 people in Malatya."
    ttrss.seed(
        articles=[
            Article("World Wire", "Magnitude 7.1 earthquake strikes Turkey", f"<p>{quake}</p>",
                    published=now - 3 * 3600),
            Article("Local Times", "Turkey quake: at least 58 dead after 7.1 tremor",
                    "<p>At least 58 people died when a quake hit near Malatya in Turkey.</p>",
                    published=now - 2 * 3600),
            Article("Code Digest", "Federal Reserve holds rates at 4.25%",
                    "<p>The Federal Reserve held its rate at 4.25%, Jerome Powell said.</p>",
                    published=now - 3600),
        ]
    )  # fmt: skip
    cli("sync", check_exit=0)
    found = listed(cli)
    first = found["Magnitude 7.1 earthquake strikes Turkey"]
    second = found["Turkey quake: at least 58 dead after 7.1 tremor"]
    if not grouped:
        assert first["story"] != second["story"]
        return
    assert first["story"] == second["story"] == min(first["id"], second["id"])
    fed = found["Federal Reserve holds rates at 4.25%"]
    assert fed["story"] == fed["id"]  # alone: its own
