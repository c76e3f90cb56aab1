"""The grouping window's counts kept by slices of time (core/library/stories.py, SLICE): a
grouping adds up the kept counts of the slices its window covers, counting only the articles
stored in them since, and counts a slice anew when its articles changed or went."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from pathlib import Path

import pytest

from tui_news.core import stories as core_stories
from tui_news.core.library import Store
from tui_news.core.library import stories as library_stories
from tui_news.core.library.stories import group_new
from tui_news.core.models import Parsed
from tui_news.core.stories import Counts, Item

LABELLED = Path(__file__).parent / "stories" / "labelled.json"


def dated() -> list[tuple[float, dict[str, str]]]:
    """The labelled set (ids and feeds are numbers), dated to end an hour ago, oldest first."""
    data = json.loads(LABELLED.read_text(encoding="utf-8"))
    times = [datetime.fromisoformat(a["published"]).timestamp() for a in data]
    shift = datetime.now().timestamp() - 3600 - max(times)
    return sorted(zip((t + shift for t in times), data, strict=True), key=lambda p: p[0])


def store_all(store: Store, articles: list[tuple[float, dict[str, str]]]) -> None:
    """Store the articles, one folder source per outlet."""
    feeds: dict[str, list[Parsed]] = defaultdict(list)
    for published, a in articles:
        feeds[str(a["feed"])].append(
            Parsed(str(a["id"]), a["title"], a["text"], published=published)
        )
    known = {s.name: s for s in store.sources(counted=False)}
    for feed, parsed in sorted(feeds.items()):
        source = known.get(feed) or store.add_source("folder", f"/outlets/{feed}", feed, None)
        store.apply(source.id, parsed, None, None)


def stories(store: Store) -> set[frozenset[str]]:
    told: dict[int, set[str]] = defaultdict(set)
    for key, story in store.conn.execute("SELECT key, story FROM articles WHERE story NOT NULL"):
        told[story].add(key)
    return {frozenset(keys) for keys in told.values()}


def named(counts: Counts) -> dict[str, list[int]]:
    return {name: sorted(ids) for name, ids in counts.named.items()}


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Counts, Counts]]:
    """Each grouping's window: the articles counted one by one for it, the counts it grouped
    with, and those of its articles counted afresh."""
    seen: list[tuple[int, Counts, Counts]] = []
    added = [0]
    add, group = Counts.add, core_stories.group

    def counting(self: Counts, items: Collection[Item]) -> None:
        items = list(items)
        added[0] += len(items)
        add(self, items)

    def grouping(items: list[Item], new: Collection[int], counts: Counts) -> object:
        one_by_one, added[0] = added[0], 0
        fresh = Counts()
        add(fresh, items)
        seen.append((one_by_one, counts, fresh))
        return group(items, new, counts=counts)

    monkeypatch.setattr(Counts, "add", counting)
    monkeypatch.setattr(library_stories, "group", grouping)
    return seen


def first_then_rest(path: Path, changed: bool = False, kept: bool = True) -> Store:
    """A library grouped with all but the labelled set's last 60 articles, then with them;
    ``changed``: meanwhile one grouped article's headline changes and another goes; without
    ``kept`` counts, the second grouping counts its window afresh."""
    articles = dated()
    store = Store(path)
    half = len(articles) - 60
    store_all(store, articles[:half])
    group_new(store)
    with store.transaction() as conn:
        if changed:
            first, second = (str(articles[half - n][1]["id"]) for n in (20, 40))
            conn.execute("UPDATE articles SET title = 'Quake' WHERE key = ?", (first,))
            conn.execute("DELETE FROM articles WHERE key = ?", (second,))
        if not kept:
            conn.execute("DELETE FROM story_counts")
    store_all(store, articles[half:])
    group_new(store)
    return store


def test_kept_slices_count_what_counting_afresh_counts(
    tmp_path: Path, spied: list[tuple[int, Counts, Counts]]
) -> None:
    store = first_then_rest(tmp_path / "library.sqlite")
    assert len(spied) == 2
    for _, counts, fresh in spied:
        assert dict(counts.terms) == dict(fresh.terms)
        assert named(counts) == named(fresh)
        assert (counts.articles, counts.id_sum) == (fresh.articles, fresh.id_sum)
    one_by_one, _, fresh = spied[-1]
    assert 60 <= one_by_one < fresh.articles  # the new ones, not all: kept slices were added
    kept = store.conn.execute("SELECT count(*), sum(articles) FROM story_counts").fetchone()
    assert kept[0] >= 2 and kept[1] > 50  # slices of 12 hours, each with its counts


def test_slices_whose_articles_changed_or_went_are_counted_anew(
    tmp_path: Path, spied: list[tuple[int, Counts, Counts]]
) -> None:
    store = first_then_rest(tmp_path / "library.sqlite", changed=True)
    _, counts, fresh = spied[-1]
    assert dict(counts.terms) == dict(fresh.terms)
    assert named(counts) == named(fresh)
    assert (counts.articles, counts.id_sum) == (fresh.articles, fresh.id_sum)
    afresh = first_then_rest(tmp_path / "afresh.sqlite", changed=True, kept=False)
    assert spied[-1][0] == spied[-1][2].articles  # all counted one by one
    assert stories(afresh) == stories(store)
    assert len(stories(store)) >= 10


def test_kept_counts_that_do_not_fit_together_are_counted_anew(
    tmp_path: Path, spied: list[tuple[int, Counts, Counts]]
) -> None:
    articles = dated()
    store = Store(tmp_path / "library.sqlite")
    store_all(store, articles[:300])
    group_new(store)
    with store.transaction() as conn:  # damaged rows: the largest's ids text, not numbers;
        largest = "(SELECT slice FROM story_counts ORDER BY articles DESC LIMIT 1)"
        conn.execute(f"UPDATE story_counts SET ids = 'x' WHERE slice = {largest}")
        # the others with a term more than they have counts
        conn.execute(f"UPDATE story_counts SET terms = terms || ' x' WHERE slice != {largest}")
    store_all(store, articles[300:])
    group_new(store)
    one_by_one, counts, fresh = spied[-1]
    assert one_by_one == fresh.articles  # none of the kept counts taken
    assert dict(counts.terms) == dict(fresh.terms)
