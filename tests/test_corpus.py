"""The feed corpus (tests/corpus/cases.py) through both parser paths: the same answers, right.

The fast path (every field read from the lxml tree) may never be less faithful than
the careful one (feedparser): each case must give its expected titles, links, authors, dates
and item count by either path.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.corpus.cases import CASES, Case
from tui_news.core.sources.feeds import FeedError, parse_feed

URL = "https://corpus.example/feed.xml"


def iso(published: float | None) -> str | None:
    if published is None:
        return None
    return datetime.fromtimestamp(published, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_corpus_is_big_and_every_case_named_once() -> None:
    names = [case.name for case in CASES]
    assert len(names) >= 150
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("careful", [False, True], ids=["fast", "careful"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case: Case, careful: bool) -> None:
    if case.error:
        with pytest.raises(FeedError, match=case.error) as raised:
            parse_feed(case.data, URL, careful=careful)
        assert "\n" not in str(raised.value)
        return
    feed = parse_feed(case.data, URL, careful=careful)
    got = [(item.title, item.link, item.author, iso(item.published)) for item in feed.items]
    assert got == case.items
    assert feed.title == case.feed_title
    assert len({item.key for item in feed.items}) == len(feed.items)


@pytest.mark.parametrize(
    "case", [c for c in CASES if not c.error], ids=[c.name for c in CASES if not c.error]
)
def test_both_paths_read_the_same_keys_bodies_and_attachments(case: Case) -> None:
    """What the corpus does not spell out per case, the fast path reads as feedparser does:
    each item's key (so a feed read by either path keeps its articles), its text for lists
    and search, its attached files and its picture."""
    fast, careful = parse_feed(case.data, URL), parse_feed(case.data, URL, careful=True)

    def fields(feed: object) -> list[tuple[object, ...]]:
        return [(i.key, i.body, i.enclosures, i.pictures) for i in feed.items]  # type: ignore[attr-defined]

    assert fields(fast) == fields(careful)
