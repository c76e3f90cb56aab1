"""Subscribing to feeds and refreshing them over real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from tests.feedserver import FeedServer, Route, rss
from tui_news.core.library import LibraryError
from tui_news.core.models import View
from tui_news.core.reader import Reader


def items(n: int, start: int = 0, prefix: str = "Item") -> list[dict[str, str]]:
    return [
        {
            "title": f"{prefix} {i}",
            "guid": f"g{i}",
            "link": f"/a/{i}",
            "description": f"Body {i}",
            "pubDate": f"Mon, 0{1 + i % 9} Jan 2024 10:00:00 GMT",
        }
        for i in range(start, start + n)
    ]


def test_add_feed_reads_it_and_names_its_section(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Daily Planet", items(3)))
    source, report = reader.add(server.url("/feed"))
    assert (source.kind, source.name, source.location) == (
        "feed",
        "Daily Planet",
        server.url("/feed"),
    )
    assert report.added == 3
    articles = reader.store.articles(View())
    assert {a.section for a in articles} == {"Daily Planet"}
    assert {a.source for a in articles} == {"Daily Planet"}
    assert articles[0].link == server.url("/a/2")
    headers = server.requests[0][1]
    assert headers["User-Agent"].startswith("tui-news/")
    assert "gzip" in headers["Accept-Encoding"] and "deflate" in headers["Accept-Encoding"]
    listed = reader.sources()[0]
    assert listed.site == "https://site.example/" and listed.articles == 3


def test_add_with_section_and_duplicate(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", items(1)))
    reader.add(server.url("/feed"), section="Comics")
    assert reader.store.articles(View())[0].section == "Comics"
    with pytest.raises(LibraryError, match="already in the library"):
        reader.add(server.url("/feed"))


def test_autodiscovery_from_a_web_page(reader: Reader, server: FeedServer) -> None:
    link = f'<link rel="alternate" type="application/rss+xml" href="{server.url("/rss")}">'
    page = f"<html><head>{link}</head></html>"
    server.routes["/"] = Route(page.encode(), content_type="text/html")
    server.routes["/rss"] = Route(rss("Found Feed", items(2)))
    source, report = reader.add(server.url("/"))
    assert source.location == server.url("/rss") and source.name == "Found Feed"
    assert report.added == 2


def test_page_without_a_feed(reader: Reader, server: FeedServer) -> None:
    server.routes["/"] = Route(b"<html><body>hello</body></html>", content_type="text/html")
    with pytest.raises(LibraryError) as caught:
        reader.add(server.url("/"))
    assert str(caught.value) == (
        f"cannot subscribe to {server.url('/')}: not a feed: the address gives an HTML page, "
        "and the page announces no feed"
    )
    assert reader.sources() == []


def test_a_document_that_is_no_page_is_refused_for_what_it_is(
    reader: Reader, server: FeedServer, tmp_path: Path
) -> None:
    """XML that is no feed says so, without 'the page announces no feed' (it is no page);
    a feed file on this computer is not called a response or an address."""
    server.routes["/x"] = Route(b"<foo><bar>x</bar></foo>", content_type="text/xml")
    with pytest.raises(LibraryError) as caught:
        reader.add(server.url("/x"))
    assert str(caught.value) == (
        f"cannot subscribe to {server.url('/x')}: "
        "not a feed: an XML document, but no RSS, Atom or RDF feed"
    )
    for name, data, reason in [
        ("empty.xml", b"", "not a feed: the file is empty"),
        ("binary.rss", b"\x89PNG\r\n\x1a\n\x00\x00", "the file holds binary data, not text"),
    ]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(LibraryError) as caught:
            reader.add(str(tmp_path / name))
        assert str(caught.value).endswith(reason)
    assert reader.sources() == []


def test_conditional_get_and_nothing_new(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", items(2)))
    reader.add(server.url("/feed"))
    report = reader.refresh()
    assert (report.added, report.updated, report.failed) == (0, 0, {})
    second = server.requests[-1][1]
    assert second.get("If-None-Match", "").startswith('"')
    assert reader.sources()[0].last_error is None


def test_an_unchanged_document_is_not_parsed_again(
    reader: Reader, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui_news.core.sources.feeds as feeds  # the refresh loads parse_feed from here

    server.routes["/feed"] = Route(rss("Planet", items(2)), etag=False)  # no conditional GET
    reader.add(server.url("/feed"))
    parsed: list[str] = []
    real = feeds.parse_feed

    def counted(data: bytes, url: str, careful: bool = False, **known: Any) -> feeds.Feed:
        parsed.append(url)
        return real(data, url, careful, **known)

    monkeypatch.setattr(feeds, "parse_feed", counted)
    report = reader.refresh()
    assert (report.added, report.updated, report.failed, parsed) == (0, 0, {}, [])
    assert "If-None-Match" not in server.requests[-1][1]  # the whole document came again
    server.routes["/feed"] = Route(rss("Planet", items(3)), etag=False)
    assert reader.refresh().added == 1 and len(parsed) == 1
    assert reader.refresh().added == 0 and len(parsed) == 1
    # Removed and added again (it may get the same id), it is read whole.
    reader.remove(reader.sources()[0].location)
    assert reader.add(server.url("/feed"))[1].added == 3


def test_a_changed_feed_works_out_only_its_new_and_edited_items(
    reader: Reader, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the items stored already, as they are, are not read whole again: most of a refresh's
    # parsing when each feed adds a few items
    import tui_news.core.sources.feeds as feeds
    from tui_news.core import html_text

    def story(i: int, title: str = "") -> dict[str, str]:
        return {
            "title": title or f"Item {i}",
            "guid": f"g{i}",
            "link": f"/a/{i}",
            "description": f"&lt;p&gt;Body &lt;b&gt;{i}&lt;/b&gt;&lt;/p&gt;",
            "pubDate": f"Mon, 0{1 + i} Jan 2024 10:00:00 GMT",
        }

    server.routes["/feed"] = Route(rss("Planet", [story(i) for i in range(5)]))
    reader.add(server.url("/feed"))
    worked: list[str] = []
    real = html_text.strip_tags

    def counted(markup: str) -> str:
        worked.append(markup)
        return real(markup)

    monkeypatch.setattr(feeds, "strip_tags", counted)
    changed = [story(i) for i in range(1, 6)]
    changed[1] = story(2, "Item 2 (updated)")
    server.routes["/feed"] = Route(rss("Planet", changed))  # Item 0 left, Item 5 arrived
    report = reader.refresh()
    assert (report.added, report.updated) == (1, 1)
    assert worked == ["<p>Body <b>2</b></p>", "<p>Body <b>5</b></p>"]
    stored = {(a.title, a.body, a.link) for a in reader.store.articles(View())}
    titles = ["Item 0", "Item 1", "Item 2 (updated)", "Item 3", "Item 4", "Item 5"]
    assert stored == {(t, f"Body {n}", server.url(f"/a/{n}")) for n, t in enumerate(titles)}


def test_changed_items_keep_state_and_gone_items_stay(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", items(3)))
    reader.add(server.url("/feed"))
    by_title = {a.title: a for a in reader.store.articles(View())}
    reader.store.set_read([by_title["Item 1"].id])
    reader.store.set_starred(by_title["Item 1"].id, True)
    changed = items(3, start=1)
    changed[0]["title"] = "Item 1 (updated)"
    server.routes["/feed"] = Route(rss("Planet", changed))  # Item 0 left, Item 3 arrived
    report = reader.refresh()
    assert (report.added, report.updated) == (1, 1)
    after = {a.title: a for a in reader.store.articles(View())}
    assert set(after) == {"Item 0", "Item 1 (updated)", "Item 2", "Item 3"}
    assert after["Item 1 (updated)"].read and after["Item 1 (updated)"].starred
    assert after["Item 1 (updated)"].id == by_title["Item 1"].id


def test_item_without_a_date_keeps_its_first_seen_time(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", [{"title": "Undated", "guid": "u"}]))
    reader.add(server.url("/feed"))
    first = reader.store.articles(View())[0].published
    server.routes["/feed"] = Route(rss("Planet", [{"title": "Undated, edited", "guid": "u"}]))
    reader.refresh()
    article = reader.store.articles(View())[0]
    assert article.title == "Undated, edited" and article.published == first


def test_gzip_and_deflate(reader: Reader, server: FeedServer) -> None:
    server.routes["/gz"] = Route(rss("Zipped", items(2)), encoding="gzip")
    server.routes["/df"] = Route(rss("Deflated", items(1, prefix="D")), encoding="deflate")
    reader.add(server.url("/gz"))
    reader.add(server.url("/df"))
    assert len(reader.store.articles(View())) == 3


def test_permanent_redirect_updates_the_address(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", items(1)))
    reader.add(server.url("/feed"))
    server.routes["/feed"] = Route(status=301, location="/new-feed")
    server.routes["/new-feed"] = Route(rss("Planet", items(2)))
    report = reader.refresh()
    assert report.added == 1
    assert reader.sources()[0].location == server.url("/new-feed")


def test_temporary_redirect_keeps_the_address(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", items(1)))
    reader.add(server.url("/feed"))
    server.routes["/feed"] = Route(status=302, location="/elsewhere")
    server.routes["/elsewhere"] = Route(rss("Planet", items(2)))
    assert reader.refresh().added == 1
    assert reader.sources()[0].location == server.url("/feed")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_failures_are_reported_per_source_and_lose_nothing(
    reader: Reader, server: FeedServer, tmp_path: Path
) -> None:
    names = ["ok", "missing", "broken", "slow", "huge", "bomb", "page", "refused"]
    for name in names:
        server.routes[f"/{name}"] = Route(rss(name.title(), items(1, prefix=name)))
    for name in names[:-1]:
        reader.add(server.url(f"/{name}"))
    refused = reader.add(server.url("/refused"))[0]
    reader.store.conn.execute(
        "UPDATE sources SET location = ? WHERE id = ?",
        (f"http://127.0.0.1:{closed_port()}/feed", refused.id),
    )
    reader.config.timeout_seconds = 1
    reader.config.max_feed_mb = 50_000 / (1024 * 1024)
    server.routes["/ok"] = Route(rss("Ok", items(2, prefix="ok")))
    server.routes["/missing"] = Route(b"gone", status=404, content_type="text/plain")
    server.routes["/broken"] = Route(b"not xml at all <<<", content_type="text/xml")
    server.routes["/slow"] = Route(rss("Slow", items(3)), delay=3)
    server.routes["/huge"] = Route(rss("Huge", items(1)) + b" " * 60_000, etag=False)
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss/>'
    server.routes["/bomb"] = Route(bomb)
    server.routes["/page"] = Route(b"<html><body>moved</body></html>", content_type="text/html")
    report = reader.refresh()
    assert report.added == 1
    assert report.failed.pop("Broken").startswith("not a feed (malformed XML: <unknown>:")
    assert report.failed == {
        "Missing": "the server answered HTTP 404 Not Found",
        "Slow": "timed out (no complete answer within 1 s)",
        "Huge": "the response is too large (58.9 KB, the limit is 48.8 KB)",
        "Bomb": "refused: the document declares XML entities (a possible entity bomb)",
        "Page": "not a feed: the address gives an HTML page",
        "Refused": "connection refused",
    }
    errors = {s.name: s.last_error for s in reader.sources()}
    assert errors["Ok"] is None and errors["Missing"] == "the server answered HTTP 404 Not Found"
    # Every source keeps what it had.
    assert len(reader.store.articles(View())) == 9


def test_many_feeds_at_once(reader: Reader, server: FeedServer) -> None:
    for n in range(40):
        server.routes[f"/f{n}"] = Route(rss(f"Feed {n}", items(5, prefix=f"F{n}")))
    for n in range(40):
        reader.store.add_source("feed", server.url(f"/f{n}"), f"Feed {n}", None)
    seen: list[int] = []
    report = reader.refresh(progress=lambda done, total, source: seen.append(done))
    assert report.added == 200 and report.failed == {}
    assert seen == list(range(1, 41))
    sections, _ = reader.store.section_counts()
    assert len(sections) == 40 and all(s.unread == 5 for s in sections)


def test_feed_file_on_disk(reader: Reader, tmp_path: Path) -> None:
    path = tmp_path / "saved.rss"
    path.write_bytes(rss("Saved Feed", items(2)))
    source, report = reader.add(str(path))
    assert (source.kind, source.name, report.added) == ("feed", "Saved Feed", 2)
    path.write_bytes(rss("Saved Feed", items(3)))
    assert reader.refresh().added == 1
    path.unlink()
    assert reader.refresh().failed == {"Saved Feed": f"{path} no longer exists"}
    assert len(reader.store.articles(View())) == 3


def test_unknown_host_is_a_dns_failure(reader: Reader) -> None:
    # .invalid never resolves (RFC 2606), so this needs no network.
    source = reader.store.add_source(
        "feed", "http://feeds.nonexistent.invalid/rss", "Nowhere", None
    )
    report = reader.refresh()
    assert report.failed == {"Nowhere": "host not found (DNS lookup failed)"}
    failed = reader.store.source(source.id)
    assert failed is not None and failed.last_error == "host not found (DNS lookup failed)"
    with pytest.raises(LibraryError, match=r"cannot subscribe to .*: host not found"):
        reader.add("https://other.nonexistent.invalid/")


def test_redirect_loops_and_mixed_chains(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", items(1)))
    reader.add(server.url("/feed"))
    server.routes["/feed"] = Route(status=301, location="/hop")
    server.routes["/hop"] = Route(status=302, location="/final")  # not permanent all the way
    server.routes["/final"] = Route(rss("Planet", items(2)))
    assert reader.refresh().added == 1
    assert reader.sources()[0].location == server.url("/feed")
    server.routes["/feed"] = Route(status=308, location="/feed")
    assert reader.refresh().failed == {"Planet": "too many redirects"}
    server.routes["/feed"] = Route(status=301, location="file:///etc/passwd")
    assert reader.refresh().failed == {
        "Planet": "redirected to something other than a web address: file:///etc/passwd"
    }
    assert len(reader.store.articles(View())) == 2


def test_an_unexpected_parser_error_fails_only_that_feed(
    reader: Reader, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui_news.core.sources.feeds as feeds  # the refresh loads parse_feed from here

    server.routes["/good"] = Route(rss("Good", items(2)))
    server.routes["/bad"] = Route(rss("Bad", items(2, prefix="B")))
    reader.store.add_source("feed", server.url("/good"), "Good", None)
    reader.store.add_source("feed", server.url("/bad"), "Bad", None)
    real = feeds.parse_feed

    def flaky(body: bytes, url: str, **known: Any):  # stands in for a parser bug on one document
        if url.endswith("/bad"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(body, url, **known)

    monkeypatch.setattr(feeds, "parse_feed", flaky)
    report = reader.refresh()
    assert report.added == 2
    assert report.failed == {
        "Bad": "could not be read (RecursionError: maximum recursion depth exceeded)"
    }
