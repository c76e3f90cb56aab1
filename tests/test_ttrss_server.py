"""The real Tiny Tiny RSS fixture: its JSON API logs in, serves what was seeded, stops, starts."""

from __future__ import annotations

import httpx
import pytest

from tests.servers.ttrss import PASSWORD, USER, Article, Feed, TtRss, api


def login(server: TtRss, password: str = PASSWORD) -> dict[str, object]:
    return api(server, "login", user=USER, password=password)


def test_login_gives_a_session_and_a_wrong_password_is_refused(ttrss: TtRss) -> None:
    good = login(ttrss)
    assert good["status"] == 0
    assert isinstance(good["content"], dict)
    assert len(good["content"]["session_id"]) > 10
    assert good["content"]["api_level"] >= 15
    bad = login(ttrss, "not the password")
    assert bad["status"] == 1
    assert bad["content"] == {"error": "LOGIN_ERROR"}


def test_seeded_articles_and_marks_show_through_the_api(ttrss: TtRss) -> None:
    seeded = ttrss.seed(
        feeds=[Feed("Ports Daily", category="World"), Feed("Loose Feed")],
        articles=[
            Article("Ports Daily", "Strike ends", published=1_700_000_000, author="Ann"),
            Article("Ports Daily", "Cranes back", read=True, starred=True),
            Article("Loose Feed", "Uncategorised", content="<p>body</p>"),
        ],
    )
    first, second, third = seeded.articles
    sid = login(ttrss)["content"]["session_id"]  # type: ignore[index]
    categories = api(ttrss, "getCategories", sid=sid)["content"]
    assert {c["title"]: c["id"] for c in categories}["World"] == seeded.categories["World"]
    heads = api(ttrss, "getHeadlines", sid=sid, feed_id=-4, show_content=True)["content"]
    by_id = {h["id"]: h for h in heads}
    assert set(by_id) == {first, second, third}
    assert by_id[first]["title"] == "Strike ends"
    assert by_id[first]["updated"] == 1_700_000_000
    assert by_id[first]["author"] == "Ann"
    assert by_id[first]["feed_id"] == seeded.feeds["Ports Daily"]
    assert (by_id[second]["unread"], by_id[second]["marked"]) == (False, True)
    assert by_id[third]["content"] == "<p>body</p>"

    # A mark made through the API shows in the database, and one made there shows in the API.
    api(ttrss, "updateArticle", sid=sid, article_ids=str(first), mode=1, field=0)
    assert ttrss.starred_ids() == {first, second}
    ttrss.set_state([third], read=True)
    assert ttrss.unread_ids() == {first}
    unread = api(ttrss, "getHeadlines", sid=sid, feed_id=-4, view_mode="unread")["content"]
    assert [h["id"] for h in unread] == [first]


def test_more_articles_for_a_seeded_feed_get_new_ids(ttrss: TtRss) -> None:
    before = ttrss.seed(feeds=[Feed("F")], articles=[Article("F", "one")]).articles
    after = ttrss.seed(articles=[Article("F", "two"), Article("F", "three")]).articles
    assert len(set(before + after)) == 3
    assert set(ttrss.state()) == set(before + after)


def test_expired_sessions_are_refused(ttrss: TtRss) -> None:
    sid = login(ttrss)["content"]["session_id"]  # type: ignore[index]
    assert api(ttrss, "isLoggedIn", sid=sid)["content"] == {"status": True}
    ttrss.expire_sessions()
    assert api(ttrss, "getFeeds", sid=sid)["content"] == {"error": "NOT_LOGGED_IN"}


def test_stop_refuses_connections_and_start_serves_again(ttrss: TtRss) -> None:
    ttrss.stop()
    with pytest.raises(httpx.ConnectError):
        login(ttrss)
    ttrss.start()
    assert login(ttrss)["status"] == 0


def test_with_the_api_off_login_is_refused_until_it_is_on_again(ttrss: TtRss) -> None:
    ttrss.enable_api(False)
    assert login(ttrss)["content"] == {"error": "API_DISABLED"}
    ttrss.reset()  # the next test finds it on again
    assert login(ttrss)["status"] == 0
