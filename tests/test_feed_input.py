"""What a feed, a server or an address sends can never crash, hang or leak: wrong JSON types,
lone surrogates, broken addresses and redirects, credentials, C1 controls, hanging feeds."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CliRun
from tests.feedserver import FeedServer, Route, rss
from tui_news.core.feed_refresh import FetchSettings, resolve
from tui_news.core.sources.feeds import FeedError, parse_feed
from tui_news.core.sources.fetch import (
    Fetcher,
    FetchError,
    parse_address,
    plain_address,
    redirect_target,
)
from tui_news.core.sources.opml import read_opml
from tui_news.core.text import without_password

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JSON_VERSION = "https://jsonfeed.org/version/1.1"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)
FIELDS = ("id", "url", "external_url", "title", "content_html", "content_text", "summary",
          "date_published", "date_modified", "author", "authors", "attachments")  # fmt: skip


def listed(cli: CliRun) -> list[dict]:
    return json.loads(cli("list", "--json", check_exit=0).stdout)


# --- JSON Feed: wrong types and lone surrogates, field by field ---------------------------


@QUICK
@given(field=st.sampled_from(FIELDS), value=json_values, top=json_values)
def test_a_json_field_of_any_type_is_dropped_alone(field: str, value: object, top: object) -> None:
    document = {
        "version": JSON_VERSION,
        "title": "Typed",
        "authors": top,
        "items": [{"id": "1", "title": "Kept", "url": "https://x.example/1", field: value}],
    }
    feed = parse_feed(json.dumps(document).encode(), "https://x.example/feed.json")
    (item,) = feed.items
    if field != "title":
        assert item.title == "Kept"
    if field not in ("url", "external_url"):
        assert item.link == "https://x.example/1"
    for text in (item.title, item.body, item.key, item.content or "", item.author or ""):
        text.encode("utf-8")  # storable: no lone surrogate left


@QUICK
@given(text=st.text(alphabet=st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010)))
def test_lone_surrogates_anywhere_in_a_json_feed_are_replaced(text: str) -> None:
    raw = json.dumps(text)  # "\ud800" escapes: what a JSON Feed may carry
    document = (
        f'{{"version": "{JSON_VERSION}", "title": {raw}, "authors": [{{"name": {raw}}}], '
        f'"items": [{{"id": {raw}, "title": {raw}, "content_html": {raw}, "url": {raw}}}]}}'
    )
    feed = parse_feed(document.encode(), "https://x.example/feed.json")
    for item in feed.items:
        for value in (item.title, item.body, item.key, item.content or "", item.author or ""):
            value.encode("utf-8")
    feed.title.encode("utf-8")


def test_a_json_feed_with_wrong_types_and_surrogates_is_added_and_refreshed(
    cli: CliRun, server: FeedServer
) -> None:
    body = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Odd \\ud800 feed", '
        '"authors": {"name": "not a list"}, "items": ['
        '{"id": "1", "title": "Bad \\udfff title", "url": "https://x.example/1", "authors": 5},'
        '{"id": "2", "title": "Two", "url": "https://x.example/2", "authors": {},'
        ' "attachments": 5, "content_html": "<p>x \\ud800</p>"},'
        '{"id": "3", "title": "Three", "url": "https://x.example/3", "authors": true,'
        ' "author": "a string", "date_published": 5},'
        '{"id": "4", "title": "Four", "url": "https://x.example/4",'
        ' "authors": [{"name": "Real Person"}]}]}'
    )
    server.routes["/feed.json"] = Route(body.encode(), content_type="application/feed+json")
    added = cli("add", server.url("/feed.json"))
    assert added.returncode == 0, added.stderr
    assert "Traceback" not in added.stderr
    articles = {a["title"]: a for a in listed(cli)}
    assert set(articles) == {"Bad \ufffd title", "Two", "Three", "Four"}
    refreshed = cli("refresh")
    assert refreshed.returncode == 0, refreshed.stderr


def test_a_feed_cut_off_inside_an_item_loses_nothing_stored(
    cli: CliRun, server: FeedServer, data_dir: Path
) -> None:
    """A server that stops sending mid-item (its answer whole at the HTTP level): the items
    before the cut are read, the cut one keeps its stored text, and nothing is said wrong."""
    items = [
        {"title": "Alpha", "guid": "a", "description": "alpha body text, all of it"},
        {"title": "Beta", "guid": "b", "description": "beta body"},
    ]
    whole = rss("Cut", items)
    server.routes["/cut.xml"] = Route(whole)
    assert cli("add", server.url("/cut.xml")).returncode == 0
    server.routes["/cut.xml"] = Route(whole[: whole.index(b"beta body") + 4])
    refreshed = cli("refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "0 changed" in refreshed.stdout
    assert bodies(data_dir) == {"Alpha": "alpha body text, all of it", "Beta": "beta body"}
    server.routes["/cut.xml"] = Route(whole[: whole.index(b"alpha body")])  # none whole
    refreshed = cli("refresh")
    assert refreshed.returncode == 1 and "cut off before its first item ends" in refreshed.stderr
    assert bodies(data_dir)["Alpha"] == "alpha body text, all of it"


def bodies(data_dir: Path) -> dict[str, str]:
    """Each stored article's text, by title, read from the library file."""
    with closing(sqlite3.connect(data_dir / "library.sqlite")) as conn:
        return dict(conn.execute("SELECT title, body FROM articles"))


# --- addresses and redirects --------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["http://news..example/", "http://[::1", "http://x.example:99999/", "http://@/"]
)
def test_a_broken_address_is_one_line_not_a_traceback(cli: CliRun, address: str) -> None:
    done = cli("add", address)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "location", ["http://[::1", "http://news..example/", "ftp://x.example/", "http://[zz]/"]
)
def test_a_redirect_to_a_broken_address_fails_the_feed_in_one_line(
    cli: CliRun, server: FeedServer, location: str
) -> None:
    server.routes["/feed"] = Route(status=302, location=location)
    done = cli("add", server.url("/feed"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


hosts = st.text(alphabet="ab.-:[]@%1\u00e9\x9b ", max_size=20)


@QUICK
@given(host=hosts, path=st.text(max_size=10))
def test_any_address_parses_or_fails_with_a_reason(host: str, path: str) -> None:
    for address in (f"http://{host}/{path}", f"https://{host}"):
        try:
            parse_address(address)
        except FetchError as error:
            assert "\n" not in str(error)
        try:
            redirect_target("http://base.example/feed", address)
        except FetchError as error:
            assert "\n" not in str(error)


def test_full_articles_with_a_broken_link_never_crash_a_refresh(
    cli: CliRun, server: FeedServer, data_dir: Path
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "config.toml").write_text("full_article = true\n")
    item = {"title": "Bad link", "guid": "b", "link": "http://news..example/story"}
    server.routes["/feed"] = Route(rss("Broken links", [item]))
    added = cli("add", server.url("/feed"))
    assert "Traceback" not in added.stderr
    for _ in range(2):
        refreshed = cli("refresh")
        assert "Traceback" not in refreshed.stderr, refreshed.stderr
        assert refreshed.returncode in (0, 1)
    assert [a["title"] for a in listed(cli)] == ["Bad link"]


def test_a_redirect_location_is_cleaned_of_controls(cli: CliRun, server: FeedServer) -> None:
    server.routes["/old"] = Route(status=301, location="/new\x9b31m\x85")
    server.routes["/new"] = Route(rss("Moved", [{"title": "Here", "guid": "1"}]))
    added = cli("add", server.url("/old"))
    assert added.returncode == 0, added.stderr
    sources = cli("sources", "--json", check_exit=0).stdout
    assert "\x9b" not in sources and "\\u009b" not in sources and "\x85" not in sources
    assert server.url("/new") in sources


# --- credentials --------------------------------------------------------------------------


def test_credentials_in_an_address_are_sent_as_basic_auth_to_that_server_only(
    server: FeedServer,
) -> None:
    feed = rss("Private", [{"title": "Secret item", "guid": "1", "link": "/story"}])
    server.routes["/private"] = Route(feed)
    server.routes["/hop"] = Route(status=302, location=server.url("/private"))
    with FeedServer() as other:
        other.routes["/away"] = Route(status=302, location=server.url("/private"))
        address = server.url("/hop").replace("http://", "http://me:s%3Acret@")
        _, parsed, kept = asyncio.run(resolve(address, FetchSettings()))
        assert kept == address  # a temporary redirect: the address given is subscribed
        assert dict(server.requests)["/hop"]["Authorization"] == "Basic bWU6czpjcmV0"
        assert dict(server.requests)["/private"]["Authorization"] == "Basic bWU6czpjcmV0"
        # items link to pages, without the feed's credentials
        assert parsed.items[0].link == server.url("/story")
        # a redirect to another server never carries them
        asyncio.run(
            resolve(other.url("/away").replace("http://", "http://me:pw@"), FetchSettings())
        )
        assert "Authorization" in dict(other.requests)["/away"]
        assert "Authorization" not in server.requests[-1][1]


def test_add_subscribes_where_a_permanent_redirect_goes_and_a_temporary_one_comes_from(
    cli: CliRun, server: FeedServer
) -> None:
    server.routes["/feed"] = Route(rss("Moved", [{"title": "One", "guid": "1"}]))
    server.routes["/old"] = Route(status=301, location=server.url("/feed"))
    server.routes["/today"] = Route(status=302, location=server.url("/feed"))
    assert cli("add", server.url("/today")).returncode == 0
    sources = json.loads(cli("sources", "--json").stdout)
    assert [s["location"] for s in sources] == [server.url("/today")]
    assert cli("remove", "Moved").returncode == 0
    assert cli("add", server.url("/old")).returncode == 0
    sources = json.loads(cli("sources", "--json").stdout)
    assert [s["location"] for s in sources] == [server.url("/feed")]


def test_an_address_is_shown_without_its_password() -> None:
    assert without_password("https://me:hunter2@x.example/f?a=1") == "https://me@x.example/f?a=1"
    assert without_password("https://x.example/a@b") == "https://x.example/a@b"
    assert "hunter2" not in without_password("http://me:hunter2@[::1/")


def test_a_failed_fetch_never_names_the_password(server: FeedServer) -> None:
    async def fetch(address: str) -> None:
        async with Fetcher() as fetcher:
            await fetcher.fetch(address)

    for address in ("http://me:hunter2@news..example/", "ftp://me:hunter2@x.example/"):
        with pytest.raises(FetchError) as raised:
            asyncio.run(fetch(address))
        assert "hunter2" not in str(raised.value)


# --- bounded work ---------------------------------------------------------------------------


def test_a_page_announcing_hanging_feeds_is_given_up_within_one_bound(server: FeedServer) -> None:
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="/hang{n}">' for n in range(6)
    )
    server.routes["/page"] = Route(
        f"<html><head>{links}</head></html>".encode(), content_type="text/html"
    )
    for n in range(6):
        server.routes[f"/hang{n}"] = Route(rss("Slow", []), delay=3)
    started = time.monotonic()
    with pytest.raises(FeedError, match="announces"):
        asyncio.run(resolve(server.url("/page"), FetchSettings(timeout=0.5)))
    assert time.monotonic() - started < 2.5  # one timeout per feed would be 3 s or more


def test_opml_outline_text_names_it_and_title_is_the_fallback() -> None:
    found = read_opml(
        b'<opml version="2.0"><body><outline text="Tech" title="Technology Folder">'
        b'<outline type="rss" text="Short" title="Long name" xmlUrl="https://a.example/f"/>'
        b'<outline type="rss" title="Only title" xmlUrl="https://b.example/f"/>'
        b"</outline></body></opml>"
    )
    assert [(e.name, e.section) for e in found.entries] == [
        ("Short", "Tech"),
        ("Only title", "Tech"),
    ]


def test_opml_refuses_entities_declared_anywhere() -> None:
    from tui_news.core.sources.opml import ListError

    late = b"<?xml version='1.0'?>" + b"<!-- pad -->" * 600
    late += b'<!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body><outline text="&a;"/></body></opml>'
    with pytest.raises(ListError, match="entities"):
        read_opml(late)


PLAIN = [
    "http://127.0.0.1:8080/feeds/a.xml", "https://example.org", "https://example.org:443/x?y=1&z",
    "http://example.org:80/", "http://news.example./rss", "http://a-b.example/~u/feed;v=2",
    "http://255.255.255.255:65535/?a=b?c",
]  # fmt: skip
NOT_PLAIN = [
    "http://example.org/a b", "http://example.org/%7Efeed", "http://bücher.example/",
    "http://user:pw@example.org/", "http://[::1]:8080/", "http://example.org/./a/../b",
    "http://256.1.1.1/", "http://01.2.3.4/", "http://example.org/#top", "ftp://example.org/",
    "http://example.org:0/", "http://example.org:99999/", "http://example.org:080/",
    "https://Example.ORG/",
]  # fmt: skip


@pytest.mark.parametrize("address", PLAIN + NOT_PLAIN)
def test_a_plain_address_is_read_as_httpx_reads_it_and_any_other_by_httpx(address: str) -> None:
    """The fetcher reads plain addresses itself (fast) and leaves every other to httpx."""
    plain = plain_address(address)
    assert (plain is not None) == (address in PLAIN)
    if plain is not None:
        url = httpx.URL(address)
        expected = (url.raw_scheme, url.raw_host, url.port, url.raw_path, url.netloc)
        assert (plain.raw_scheme, plain.raw_host, plain.port, plain.raw_path, plain.netloc) == (
            expected
        )


def test_json_feed_nan_and_infinity_are_absent_and_deep_nesting_is_said_plainly() -> None:
    """Python's JSON reads NaN and Infinity, which JSON has not: a title became "nan"."""
    from tui_news.core.sources.feeds import FeedError, parse_feed

    version = b'"version": "https://jsonfeed.org/version/1.1"'
    odd = b"{" + version + b', "title": NaN, "items": [{"id": "1", "title": -Infinity}]}'
    feed = parse_feed(odd, "https://x.example/feed.json")
    assert feed.title == "" and feed.items[0].title == "(untitled)"
    deep = b"{" + version + b', "items": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    with pytest.raises(FeedError, match=r"^not a feed \(broken JSON: nested too deeply\)$"):
        parse_feed(deep, "https://x.example/feed.json")
