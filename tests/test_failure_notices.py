"""Failures are told once: a source failing the same way as last time is not news."""

from __future__ import annotations

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
