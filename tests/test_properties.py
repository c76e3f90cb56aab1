"""Property tests: arbitrary input never raises anything but the project's own clear errors."""

from __future__ import annotations

import string
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_news.core.disk import Skip
from tui_news.core.html_text import html_to_text, plain
from tui_news.core.models import View
from tui_news.core.reader import Reader, search_view
from tui_news.core.search import QueryError, highlight_spans, parse
from tui_news.core.sources.feeds import FeedError, parse_feed
from tui_news.core.sources.files import read_article
from tui_news.core.sources.opml import ListError, read_list
from tui_news.core.text import clean

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SYNTAX = '"*-:() ^{}' + "section:source:is:before:after:unread AND OR NOT NEAR"
query_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=SYNTAX + string.ascii_letters + " 0123456789-", max_size=60),
)


@QUICK
@given(text=query_text, live=st.booleans())
def test_any_query_parses_or_gives_a_hint(text: str, live: bool) -> None:
    try:
        query = parse(text, live=live)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
        return
    for term in query.include:
        highlight_spans(text, (term,))


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory) -> Reader:
    from tests.conftest import seed_article
    from tui_news.core.reader import make_reader

    folder = tmp_path_factory.mktemp("lib")
    for number, title in enumerate(["Zürich Rail", "Straße Works", "Київ News", "データ Day"]):
        (folder / f"{number}.txt").write_text(seed_article("World", title, "Some body text."))
    reader = make_reader(tmp_path_factory.mktemp("data"))
    reader.add(str(folder))
    return reader


@QUICK
@given(text=query_text, titles=st.booleans())
def test_any_readable_query_runs_against_the_library(
    searchable: Reader, text: str, titles: bool
) -> None:
    try:
        query = parse(text, live=titles)
    except QueryError:
        return
    view = View(query=query, titles=True) if titles else search_view(query)
    ids = searchable.store.view_ids(view)
    assert len(ids) <= 4
    assert searchable.store.count(view) >= 0


@QUICK
@given(markup=st.text(max_size=300))
def test_any_html_becomes_safe_text(markup: str) -> None:
    text = plain(html_to_text("<p>" + markup + "</p>"))
    assert not any(ord(c) < 32 and c != "\n" for c in text)
    assert "\x1b" not in text and "\x7f" not in text


@QUICK
@given(data=st.binary(max_size=400))
def test_any_bytes_as_a_feed(data: bytes) -> None:
    try:
        parse_feed(data, "https://example.org/feed")
    except FeedError as error:
        assert "\n" not in str(error)


@QUICK
@given(text=st.text(max_size=200), html=st.booleans(), careful=st.booleans())
def test_a_parsed_feed_items_body_is_clean_already(text: str, html: bool, careful: bool) -> None:
    # the store takes parse_feed's bodies as they are (Store.apply's ``cleaned``)
    body = escape(f"<p>{text}</p>" if html else text)
    data = f"<rss><channel><item><title>t</title><description>{body}</description></item>"
    try:
        feed = parse_feed((data + "</channel></rss>").encode(), "https://x.example/", careful)
    except FeedError:
        return  # characters XML cannot hold
    for item in feed.items:
        assert item.body == clean(item.body).strip()


@QUICK
@given(data=st.binary(max_size=400))
def test_any_bytes_as_a_subscription_list(data: bytes) -> None:
    try:
        read_list(data)
    except ListError as error:
        assert "\n" not in str(error)


@QUICK
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".txt", ".md", ".html", ".xyz"]))
def test_any_bytes_as_a_local_article(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = Path(tmp_path_factory.mktemp("one")) / f"a{suffix}"
    path.write_bytes(data)
    try:
        article = read_article(path)
    except Skip as reason:
        assert "\n" not in str(reason)
        return
    assert "\x1b" not in article.title and "\n" not in article.title
