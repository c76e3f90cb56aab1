"""The Fever client against a real Fever server, coldsweat (tests/servers/coldsweat.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRun
from tests.servers import Article, Feed
from tests.servers.coldsweat import Coldsweat
from tui_news.core.sync.fever import Fever
from tui_news.core.sync.kinds import client_class
from tui_news.core.sync.remote import AuthFailed, RemoteArticle, ServerUnreachable


def client(server: Coldsweat, password: str | None = None) -> Fever:
    return Fever(server.url, server.user, server.password if password is None else password, None)


def pull(fever: Fever, cursor: str | None) -> tuple[list[RemoteArticle], str | None]:
    """Every article of one sync, and the cursor its pages leave for the next."""
    articles, last = [], cursor
    for page in fever.articles(cursor):
        articles.extend(page.articles)
        last = page.cursor or last
    return articles, last


def test_fever_is_a_kind_of_account() -> None:
    assert client_class("fever") is Fever


def test_login_checks_the_key_and_says_what_went_wrong(coldsweat: Coldsweat) -> None:
    client(coldsweat).login()
    assert client(coldsweat).token is None  # Fever has no sessions to keep
    with pytest.raises(AuthFailed, match="refused the user name or password"):
        client(coldsweat, "wrong password!").login()
    with pytest.raises(ServerUnreachable, match="does not answer as a Fever API"):
        Fever(coldsweat.url.removesuffix("fever/") + "nothing/", "u", "p", None).login()
    coldsweat.stop()
    with pytest.raises(ServerUnreachable, match="cannot reach"):
        client(coldsweat).login()


def test_feeds_carry_their_group_as_category(coldsweat: Coldsweat) -> None:
    seeded = coldsweat.seed(
        feeds=[
            Feed("Ports Daily", category="World", url="http://ports.example/rss", site="http://p/"),
            Feed("Loose"),
        ]
    )
    feeds = {f.title: f for f in client(coldsweat).feeds()}
    assert set(feeds) == {"Ports Daily", "Loose"}
    ports = feeds["Ports Daily"]
    assert (ports.id, ports.category) == (str(seeded.feeds["Ports Daily"]), "World")
    assert (ports.url, ports.site) == ("http://ports.example/rss", "http://p/")
    assert feeds["Loose"].category == "Default"  # coldsweat files every feed in a group


def test_first_sync_gets_every_item_once_though_the_server_pages_by_feed(
    coldsweat: Coldsweat,
) -> None:
    # Two feeds' items interleave by id; coldsweat answers since_id with one feed's items
    # first, so taking the highest id as the next since_id would skip half of them.
    coldsweat.seed(feeds=[Feed("Odd", category="A"), Feed("Even", category="B")])
    seeded = coldsweat.seed(
        articles=[
            Article(
                "Odd" if n % 2 else "Even",
                f"Item {n}",
                read=n % 3 == 0,
                starred=n % 7 == 0,
                published=1_700_000_000 + n,
            )
            for n in range(1, 131)
        ]
    )
    articles, cursor = pull(client(coldsweat), None)
    ids = [int(a.id) for a in articles]
    assert sorted(ids) == sorted(seeded.articles)  # all 130, none twice
    by_id = {int(a.id): a for a in articles}
    assert {i for i, a in by_id.items() if a.read} == coldsweat.read_ids()
    assert {i for i, a in by_id.items() if a.starred} == coldsweat.starred_ids()
    first = by_id[seeded.articles[0]]
    assert (first.title, first.published, first.feed_id) == (
        "Item 1",
        1_700_000_001.0,
        str(seeded.feeds["Odd"]),
    )
    assert cursor is not None

    # Nothing new: nothing again. Then only what is new, also across both feeds.
    assert pull(client(coldsweat), cursor)[0] == []
    new = coldsweat.seed(
        articles=[Article("Odd" if n % 2 else "Even", f"New {n}") for n in range(60)]
    ).articles
    again, cursor = pull(client(coldsweat), cursor)
    assert sorted(int(a.id) for a in again) == sorted(new)
    assert pull(client(coldsweat), cursor)[0] == []


def test_item_fields_come_through(coldsweat: Coldsweat) -> None:
    coldsweat.seed(feeds=[Feed("F")])
    (item,) = coldsweat.seed(
        articles=[
            Article(
                "F",
                "Tom &amp; Jerry",
                content="<p>Body <b>bold</b></p>",
                link="http://f.example/1",
                author="Ann",
            )
        ]
    ).articles
    (article,) = pull(client(coldsweat), None)[0]
    assert article.id == str(item)
    assert article.title == "Tom & Jerry"
    assert (article.link, article.author) == ("http://f.example/1", "Ann")
    assert article.content == "<p>Body <b>bold</b></p>"
    assert (article.read, article.starred) == (False, False)


def test_unread_and_saved_sets_follow_the_server(coldsweat: Coldsweat) -> None:
    coldsweat.seed(feeds=[Feed("F")])
    ids = coldsweat.seed(articles=[Article("F", f"a{n}") for n in range(5)]).articles
    coldsweat.set_state(ids[:2], read=True)
    coldsweat.set_state(ids[1:3], starred=True)
    fever = client(coldsweat)
    assert fever.unread_ids() == {str(i) for i in ids[2:]}
    assert fever.starred_ids() == {str(i) for i in ids[1:3]}


def test_marks_reach_the_server(coldsweat: Coldsweat) -> None:
    coldsweat.seed(feeds=[Feed("F")])
    ids = coldsweat.seed(articles=[Article("F", f"a{n}") for n in range(4)]).articles
    fever = client(coldsweat)
    fever.mark([str(ids[0]), str(ids[1])], read=True, starred=True)
    assert coldsweat.read_ids() == set(ids[:2])
    assert coldsweat.starred_ids() == set(ids[:2])
    fever.mark([str(ids[1])], read=False)
    fever.mark([str(ids[0])], starred=False)
    assert coldsweat.read_ids() == {ids[0]}
    assert coldsweat.starred_ids() == {ids[1]}
    # An item the server has dropped since does not stop the others.
    coldsweat.sql("DELETE FROM entries WHERE id = ?", (ids[2],))
    fever.mark([str(ids[2]), str(ids[3])], read=True)
    assert coldsweat.read_ids() == {ids[0], ids[3]}


def test_a_fever_account_syncs_through_the_command_line(
    cli: CliRun, coldsweat: Coldsweat, tmp_path: Path
) -> None:
    coldsweat.seed(feeds=[Feed("Odd", category="World"), Feed("Even")])
    ids = coldsweat.seed(
        articles=[
            Article("Odd" if n % 2 else "Even", f"Item {n}", read=n < 10, starred=n == 3)
            for n in range(1, 81)
        ]
    ).articles
    secret = tmp_path / "password"
    secret.write_text(coldsweat.password + "\n", encoding="utf-8")
    added = cli(
        "account", "add", "fever", coldsweat.url, "--user", coldsweat.user,
        "--password-file", str(secret), "--name", "cs",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "80 new" in added.stdout
    articles = {a["title"]: a for a in json.loads(cli("list", "--json", check_exit=0).stdout)}
    assert len(articles) == 80
    assert sum(not a["read"] for a in articles.values()) == 71
    assert [t for t, a in articles.items() if a["starred"]] == ["Item 3"]
    assert articles["Item 1"]["section"] == "World"
    assert articles["Item 2"]["section"] == "Default"

    # A local mark reaches the server at the next sync, which brings only what is new.
    cli("mark", str(articles["Item 40"]["id"]), "--read", check_exit=0)
    cli("mark", str(articles["Item 40"]["id"]), "--star", check_exit=0)
    new = coldsweat.seed(articles=[Article("Even", "Item 81")]).articles
    assert cli("sync", "cs", check_exit=0).returncode == 0
    assert ids[39] in coldsweat.read_ids() and ids[39] in coldsweat.starred_ids()
    after = json.loads(cli("list", "--json", check_exit=0).stdout)
    assert len(after) == 81
    assert [a["title"] for a in after if a["title"] == "Item 81"] == ["Item 81"]
    assert new[0] not in coldsweat.read_ids()
