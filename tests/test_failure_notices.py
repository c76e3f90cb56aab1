"""Failures are told once: a source failing the same way as last time is not news."""

from __future__ import annotations

import asyncio

from tests.feedserver import Route, rss
from tui_news.core.reader import Reader


def test_a_source_failing_the_same_way_again_is_repeated_not_new(reader: Reader, server) -> None:
    for name in ("one", "two", "three"):
        server.routes[f"/{name}"] = Route(rss(name.title(), [{"title": "A", "guid": name}]))
        reader.add(server.url(f"/{name}"))
    assert reader.refresh().failed == {}
    server.routes["/one"] = Route(b"gone", status=404, content_type="text/plain")
    server.routes["/two"] = Route(b"busy", status=503, content_type="text/plain")
    first = reader.refresh()
    assert set(first.failed) == {"One", "Two"}
    assert first.new_failures == first.failed and first.repeated == set()
    server.routes["/two"] = Route(b"gone too", status=404, content_type="text/plain")
    second = reader.refresh()
    assert second.repeated == {"One"}  # the same 404 as before
    assert set(second.new_failures) == {"Two"}  # 503 became 404: that is news
    server.routes["/one"] = Route(rss("One", [{"title": "A", "guid": "one"}]))
    third = reader.refresh()
    assert set(third.failed) == {"Two"} and third.new_failures == {}
    server.routes["/one"] = Route(b"gone", status=404, content_type="text/plain")
    assert set(reader.refresh().new_failures) == {"One"}  # it had come back in between


async def test_going_offline_gives_one_notice_and_a_dead_feed_no_more_on_the_next_start(
    reader: Reader, server
) -> None:
    from tests.fixtures import settle
    from tui_news.ui.app import NewsApp

    for name in ("one", "two", "three", "four", "five"):
        server.routes[f"/{name}"] = Route(rss(name.title(), [{"title": "A", "guid": name}]))
        await asyncio.to_thread(reader.add, server.url(f"/{name}"))
    for name in ("one", "two", "three", "four"):
        server.routes[f"/{name}"] = Route(b"down", status=404, content_type="text/plain")
    reader.config.refresh_on_start = True
    for round_ in range(2):
        app = NewsApp(reader)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            errors = [n.message for n in app._notifications if n.severity == "error"]
        if round_ == 0:
            assert errors == ["4 sources failed (Four, One, Three, …): press ! for details."], (
                errors
            )
        else:
            assert errors == []  # the same four failing the same way: not news


def test_one_failure_is_named_with_its_reason() -> None:
    from tui_news.core.models import RefreshReport
    from tui_news.ui.notices import refresh_notices

    report = RefreshReport(added=1200, failed={"Wire": "HTTP 404"})
    assert [n.text for n in refresh_notices(report)] == [
        "1,200 new articles.",
        "Wire failed: HTTP 404",
    ]


def test_failed_sources_are_named_in_the_order_people_count() -> None:
    from tui_news.core.models import RefreshReport
    from tui_news.ui.notices import refresh_notices

    report = RefreshReport(failed={f"Feed {n}": "HTTP 404" for n in (10, 9, 2, 1)})
    assert [n.text for n in refresh_notices(report)] == [
        "4 sources failed (Feed 1, Feed 2, Feed 9, …): press ! for details."
    ]


def test_what_was_not_read_is_counted_as_problems_not_as_files() -> None:
    """Problems are skipped files, but also a feed's items beyond its limits and pages a full
    article was not read from: the notice does not call them files."""
    from tui_news.core.models import Problem, RefreshReport
    from tui_news.ui.notices import refresh_notices

    report = RefreshReport(
        problems=[
            Problem("https://x.example/a.html", "full article: HTTP 404", "X"),
            Problem("/home/me/notes/big.txt", "it is over 5 MB", "notes"),
        ]
    )
    assert [n.text for n in refresh_notices(report)] == [
        "Not all was read (2 problems): ! shows why."
    ]


def test_a_refresh_asked_for_says_when_it_brought_nothing() -> None:
    """r and R said nothing at all when every feed answered 304: was it done?"""
    from tui_news.core.models import RefreshReport
    from tui_news.ui.notices import refresh_notices

    assert refresh_notices(RefreshReport()) == []  # on a timer: quiet
    assert [n.text for n in refresh_notices(RefreshReport(), asked=True)] == ["Nothing new."]
    failing = RefreshReport(failed={"Wire": "HTTP 404"}, repeated={"Wire"})
    assert [n.text for n in refresh_notices(failing, asked=True)] == [
        "Nothing new; 1 source still failing (! shows why)."
    ]
    assert [n.text for n in refresh_notices(RefreshReport(added=2), asked=True)] == [
        "2 new articles."
    ]
