"""Full articles: the linked page fetched over real HTTP, its main text kept offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.feedserver import FeedServer, Route, rss
from tests.fixtures import stored
from tui_news.core.config import Config
from tui_news.core.full_text import without_title
from tui_news.core.library import LibraryError
from tui_news.core.models import View
from tui_news.core.reader import Reader

PAGE = """<html><head><title>Harbour</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> Subscribe now</nav>
<article>
<h1>The Harbour Reopens</h1>
<p>After two years of work the old harbour opened again on Tuesday, with new quays and a
lighthouse that was rebuilt stone by stone by volunteers from the town.</p>
<h2>What changed</h2>
<ul><li>Deeper berths for ferries</li><li>A cycle path along the quay</li></ul>
<p>The mayor thanked the <a href="/volunteers">volunteers</a> and the engineers who kept the
project going through two hard winters on the coast.</p>
<img src="/quay.jpg" alt="The new quay at dawn">
</article>
<footer>Copyright footer text</footer></body></html>"""


def summary_feed(server: FeedServer, path: str = "/page") -> bytes:
    item = {
        "title": "The Harbour Reopens",
        "guid": "h1",
        "link": server.url(path),
        "description": "The harbour opened again.",
    }
    return rss("Coast News", [item])


def test_full_text_is_fetched_kept_and_searchable(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(summary_feed(server))
    server.routes["/page"] = Route(PAGE.encode(), content_type="text/html")
    reader.add(server.url("/feed"))
    [article] = reader.store.articles(View())
    assert reader.search("lighthouse") == []  # only the summary so far
    article = reader.full_text(article.id)
    text = article.readable()
    assert "lighthouse that was rebuilt stone by stone" in text
    assert "• Deeper berths for ferries" in text
    assert "[image: The new quay at dawn]" in text
    assert f"[1] {server.url('/volunteers')}" in text  # links resolved and numbered
    assert "Subscribe now" not in text and "Copyright footer" not in text
    assert "The Harbour Reopens" not in text  # the page's heading repeats the title shown above
    assert "What changed" in text  # other headings stay
    assert article.full_text_at is not None
    assert [a.title for a in reader.search("lighthouse")] == ["The Harbour Reopens"]
    # Kept: reading it again needs no server.
    server.routes.clear()
    assert "lighthouse" in stored(reader, article.id).readable()


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (Route(b"gone", status=404, content_type="text/html"), "no full article: .* HTTP 404"),
        (Route(b"<html><body></body></html>", content_type="text/html"), "no article text"),
        (Route(b"", content_type="text/html"), "the page is empty"),
    ],
)
def test_a_page_without_an_article_is_a_clear_error(
    reader: Reader, server: FeedServer, route: Route, reason: str
) -> None:
    server.routes["/feed"] = Route(summary_feed(server))
    server.routes["/page"] = route
    reader.add(server.url("/feed"))
    [article] = reader.store.articles(View())
    with pytest.raises(LibraryError, match=reason) as caught:
        reader.full_text(article.id)
    assert "\n" not in str(caught.value)
    kept = stored(reader, article.id)
    assert (kept.body, kept.full_text_at) == (article.body, None)  # nothing lost


def test_a_source_set_to_full_article_fetches_on_refresh(
    reader: Reader, server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/feed"] = Route(summary_feed(server))
    server.routes["/page"] = Route(PAGE.encode(), content_type="text/html")
    reader.add(server.url("/feed"))
    config = tmp_path / "config.toml"
    config.write_text('[sources."Coast News"]\nfull_article = true\n')
    reader.config = Config.load(config)
    reader.refresh()
    [article] = reader.store.articles(View())
    assert article.full_text_at is not None and "volunteers" in article.readable()
    pages = server.paths().count("/page")
    reader.refresh()
    assert server.paths().count("/page") == pages  # fetched once, not on every refresh


def test_a_failing_page_on_refresh_is_reported_not_fatal(
    reader: Reader, server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/feed"] = Route(summary_feed(server, "/missing"))
    reader.add(server.url("/feed"))
    config = tmp_path / "config.toml"
    config.write_text(f'[sources."{server.url("/feed")}"]\nfull_article = true\n')
    reader.config = Config.load(config)
    report = reader.refresh()
    assert report.failed == {}
    [problem] = report.problems
    assert problem.reason == "full article: the server answered HTTP 404 Not Found"
    [article] = reader.store.articles(View())
    assert article.body == "The harbour opened again."
    # under ! with its source's problems, once however many refreshes fail the same way
    reader.refresh()
    listed = [p for p in reader.problems() if p.reason.startswith("full article")]
    assert [(p.location, p.source) for p in listed] == [(server.url("/missing"), "Coast News")]
    server.routes["/missing"] = Route(PAGE.encode(), content_type="text/html")
    reader.refresh()  # read whole at last: said no more
    assert not [p for p in reader.problems() if p.reason.startswith("full article")]


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ("<h1>Storm hits the coast!</h1><p>Text.</p>", False),  # punctuation and case aside
        ("<h2>STORM  hits the\ncoast</h2><p>Text.</p>", False),
        ("<h1>Storm hits the coast, again</h1><p>Text.</p>", True),  # another heading
        ("<p>Intro.</p><h1>Storm hits the coast</h1>", True),  # not the first thing
        ("Loose text<h1>Storm hits the coast</h1><p>Text.</p>", True),
        ("<h4>Storm hits the coast</h4><p>Text.</p>", True),  # a minor heading
        ("<h1>Storm hits the coast</h1>", True),  # nothing would be left
    ],
)
def test_a_heading_repeating_the_title_is_left_out(html: str, kept: bool) -> None:
    result = without_title(f"<html><body>{html}</body></html>", "Storm hits the coast")
    assert ("coast" in result) is kept
    assert ("Text." in result) is ("Text." in html)
