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


def _whole(item: object) -> tuple[object, ...]:
    return (item.key, item.title, item.link, item.published, item.fingerprint)  # type: ignore[attr-defined]


@pytest.mark.parametrize("careful", [False, True], ids=["fast", "careful"])
@pytest.mark.parametrize(
    "case", [c for c in CASES if not c.error], ids=[c.name for c in CASES if not c.error]
)
def test_items_already_stored_come_unchanged_and_the_rest_whole(case: Case, careful: bool) -> None:
    """Given the fingerprints of half the feed's items (a refresh's stored articles), each of
    those comes ``unchanged`` with its key, title, link, date and fingerprint and no text;
    every other item comes exactly as it comes when nothing is known."""
    full = parse_feed(case.data, URL, careful=careful)
    known = {item.key: item.fingerprint or "" for item in full.items[::2]}
    again = parse_feed(case.data, URL, careful=careful, known=known)
    assert [_whole(i) for i in again.items] == [_whole(i) for i in full.items]
    for before, after in zip(full.items, again.items, strict=True):
        if after.unchanged:
            assert after.key in known and (after.body, after.content) == ("", None)
        else:
            assert after == before


def test_most_items_already_stored_are_not_read_again() -> None:
    """Across the corpus, items known from before come unchanged, all but those without a
    title or key of their own (read whole, as their title or key comes from their text)."""
    known_items = unchanged = 0
    for case in CASES:
        if case.error:
            continue
        full = parse_feed(case.data, URL)
        known = {item.key: item.fingerprint or "" for item in full.items[::2]}
        again = parse_feed(case.data, URL, known=known)
        known_items += len(known)
        unchanged += sum(item.unchanged for item in again.items)
    assert known_items >= 150
    assert unchanged >= 0.9 * known_items


def test_an_item_whose_known_key_another_item_repeats_is_read_whole() -> None:
    """Two items share a guid but not their title: distinct() tells them apart by suffixes,
    so a key known from before matches neither, and both are read whole (nothing is lost)."""
    data = b"""<rss version="2.0"><channel><title>T</title>
    <item><guid>same</guid><title>One</title><link>https://x.example/1</link>
    <description>first</description></item>
    <item><guid>same</guid><title>Two</title><link>https://x.example/2</link>
    <description>second</description></item></channel></rss>"""
    alone = parse_feed(data.replace(b"<guid>same</guid><title>Two", b"<guid>b</guid><title>T"), URL)
    known = {"same": alone.items[0].fingerprint or ""}
    full, again = parse_feed(data, URL), parse_feed(data, URL, known=known)
    assert [i.key for i in full.items] != ["same", "same"]
    assert again.items == full.items
    assert not any(i.unchanged for i in again.items)
