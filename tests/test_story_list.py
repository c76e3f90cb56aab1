"""One story, many outlets (issue 16): with ``group_stories`` a view lists a story once, in
the row of its first teller among the view's articles; the others stay in the library."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from tui_news.core.library import Store
from tui_news.core.library.schema import MIGRATIONS
from tui_news.core.library.sql import select_ids
from tui_news.core.models import Parsed, View
from tui_news.core.reader import search_view
from tui_news.core.search import parse

T0 = 1_780_000_000.0
HOUR = 3600.0


def library(path: Path) -> tuple[Store, dict[str, int]]:
    """Three outlets: the wire tells the quake first, the daily (section World) an hour
    later, the times (section Science) two hours later; the wire alone tells the Fed."""
    store = Store(path / "library.sqlite")
    told: list[tuple[str, str, list[tuple[str, str, float]]]] = [
        ("wire", "News", [("quake-wire", "Quake strikes Turkey", 0), ("fed", "Fed holds", 0.5)]),
        ("daily", "World", [("quake-daily", "Turkey quake: 58 dead", 1)]),
        ("times", "Science", [("quake-times", "Rescuers dig after quake in Malatya", 2)]),
    ]
    for name, section, items in told:
        source = store.add_source("folder", str(path / name), name, section)
        parsed = [Parsed(k, t, t, section, published=T0 + h * HOUR) for k, t, h in items]
        store.apply(source.id, parsed, None, None)
    ids = dict(store.conn.execute("SELECT key, id FROM articles"))
    quake = [ids["quake-wire"], ids["quake-daily"], ids["quake-times"]]
    with store.transaction() as conn:
        story = ((quake[0], i) for i in quake)
        conn.executemany("UPDATE articles SET story = ? WHERE id = ?", story)
    return store, ids


def keys(store: Store, view: View, ids: dict[str, int], **kwargs: object) -> list[str]:
    names = {i: k for k, i in ids.items()}
    return [names[i] for i in store.view_ids(view, stories=True, **kwargs)]  # type: ignore[arg-type]


def test_a_story_is_listed_once_in_its_first_tellers_row(tmp_path: Path) -> None:
    store, ids = library(tmp_path)
    assert keys(store, View(), ids) == ["fed", "quake-wire"]
    every = store.view_ids(View(), stories=False)
    assert len(every) == 4  # kept apart without the setting
    # a view without the first teller shows the story in its own first teller's row
    assert keys(store, View("World", section="World"), ids) == ["quake-daily"]
    assert keys(store, View("Science", section="Science"), ids) == ["quake-times"]
    src = store.conn.execute("SELECT source_id FROM articles WHERE id = ?", (ids["quake-times"],))
    assert keys(store, View(source_id=src.fetchone()[0]), ids) == ["quake-times"]


def test_unread_lists_the_story_while_one_of_its_articles_is_unread(tmp_path: Path) -> None:
    store, ids = library(tmp_path)
    unread = View("Unread", unread=True)
    assert keys(store, unread, ids) == ["fed", "quake-wire"]
    store.set_read([ids["quake-wire"]])  # marked unread again alone: the next teller's row
    assert keys(store, unread, ids) == ["quake-daily", "fed"]
    store.set_read([ids["quake-daily"], ids["quake-times"]])
    assert keys(store, unread, ids) == ["fed"]


def test_a_search_finds_an_article_whose_story_shows_elsewhere(tmp_path: Path) -> None:
    store, ids = library(tmp_path)
    titles = View(query=parse("rescuers", live=True), titles=True)
    assert keys(store, titles, ids) == ["quake-times"]
    assert keys(store, View(query=parse("quake", live=True), titles=True), ids) == ["quake-wire"]
    # the whole library's ranked search lists a story once too, in its best match's row
    (quake,) = keys(store, search_view(parse("quake")), ids)
    every = store.view_ids(search_view(parse("quake")), stories=False)
    assert len(every) == 3 and ids[quake] == every[0]
    assert keys(store, search_view(parse("rescuers")), ids) == ["quake-times"]


def test_the_first_rows_agree_with_the_whole_list(tmp_path: Path) -> None:
    """The first rows of a long view, read apart, are the whole list's first rows, though
    most of the newest articles are later tellers of stories."""
    store = Store(tmp_path / "library.sqlite")
    sources = [store.add_source("folder", str(tmp_path / f"s{n}"), f"s{n}", None) for n in range(4)]
    for source in sources:
        items = [
            Parsed(f"{n}", f"event {n}", "", published=T0 + n * HOUR + source.id)
            for n in range(300)
        ]
        store.apply(source.id, items, None, None)
    with store.transaction() as conn:  # event n is one story told by all four sources
        conn.execute(
            "UPDATE articles SET story = (SELECT min(o.id) FROM articles o WHERE o.key = "
            "articles.key) WHERE CAST(key AS INTEGER) >= 100"  # the newest 200 events
        )
    whole = store.view_ids(View(), stories=True)
    stories = store.conn.execute("SELECT count(DISTINCT story) FROM articles").fetchone()[0]
    alone = store.conn.execute("SELECT count(*) FROM articles WHERE story IS NULL").fetchone()[0]
    assert len(whole) == stories + alone == 200 + 400
    for limit in (1, 10, 100, 500):
        assert store.view_ids(View(), limit, stories=True).tolist() == whole[:limit].tolist()
    # a filter's first rows read in the list's order (each article checked against it)
    for stories in (True, False):
        for view in (View(), View(unread=True), View(section="Articles")):
            titles = replace(view, query=parse("event 1", live=True), titles=True)
            matching = store.view_ids(titles, stories=stories).tolist()
            assert 0 < len(matching) < len(store.view_ids(view, stories=stories))
            for limit in (1, 10, 100, 500):
                first = store.view_ids(titles, limit, stories=stories, in_order=True)
                assert first.tolist() == matching[:limit]


def test_an_article_stored_later_that_told_the_story_first_takes_its_row(
    tmp_path: Path,
) -> None:
    """The row follows the first teller as articles join a story: one published before the
    wire's (stored after it) takes the row; one published at the same moment as the first
    teller but stored after it does not."""
    store, ids = library(tmp_path)

    def join(name: str, key: str, hours: float) -> None:
        source = store.add_source("folder", str(tmp_path / name), name, "News")
        store.apply(
            source.id,
            [Parsed(key, "Quake", "Quake", "News", published=T0 + hours * HOUR)],
            None,
            None,
        )
        ids[key] = store.conn.execute("SELECT id FROM articles WHERE key = ?", (key,)).fetchone()[0]
        with store.transaction() as conn:
            conn.execute(
                "UPDATE articles SET story = ? WHERE id = ?", (ids["quake-wire"], ids[key])
            )

    join("agency", "quake-agency", -1)
    assert keys(store, View(), ids) == ["fed", "quake-agency"]
    assert keys(store, View(), ids, limit=1) == ["fed"]
    join("echo", "quake-echo", -1)  # told at the same moment, stored after: stays out
    assert keys(store, View(), ids) == ["fed", "quake-agency"]
    assert keys(store, View(section="News"), ids) == ["fed", "quake-agency"]
    assert keys(store, View(section="World"), ids) == ["quake-daily"]
    store.set_read([ids["quake-agency"]])  # its unread row is the next teller's
    assert keys(store, View(unread=True), ids) == ["fed", "quake-echo"]
    store.set_starred(ids["quake-times"], True)
    assert keys(store, View(starred=True), ids) == ["quake-times"]
    quake = View(query=parse("quake", live=True), titles=True, unread=True)
    assert keys(store, quake, ids) == ["quake-echo"]


def test_a_library_from_before_lists_stories_once_from_its_indexes(tmp_path: Path) -> None:
    """Opened, a library of the schema before lists a story once without reading the rows
    of All's and Unread's articles (their indexes hold each article's story)."""
    path = tmp_path / "library.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    stories_indexed = next(i for i, m in enumerate(MIGRATIONS) if "published, id, story" in m)
    for number, script in enumerate(MIGRATIONS[:stories_indexed]):
        conn.executescript(f"{script}; PRAGMA user_version = {number + 1};")
    conn.execute(
        "INSERT INTO sources (id, kind, location, name, added) VALUES (1, 'f', '/a', 'a', 0)"
    )
    conn.execute(
        "INSERT INTO sources (id, kind, location, name, added) VALUES (2, 'f', '/b', 'b', 0)"
    )
    conn.executemany(
        "INSERT INTO articles (id, source_id, key, section, title, published, body, first_seen, "
        "story) VALUES (?, ?, ?, 'News', ?, ?, '', 0, ?)",
        [
            (1, 1, "q", "Quake", T0, 1),
            (2, 2, "q", "Quake", T0 + HOUR, 1),
            (3, 2, "f", "Fed", T0, None),
        ],
    )
    conn.close()
    store = Store(path)
    assert store.view_ids(View(), stories=True).tolist() == [3, 1]
    assert store.view_ids(View(unread=True), stories=True).tolist() == [3, 1]
    for view in (View(), View(unread=True), View(section="News")):
        listing, params = select_ids(view, stories=True)
        plan = [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {listing}", params)]
        assert all("COVERING INDEX" in step for step in plan if step.startswith(("SCAN", "SEARCH")))
        assert not any("TEMP B-TREE" in step for step in plan)  # in the index's order
    store.close()


def test_versions_list_every_outlet_first_teller_first(tmp_path: Path) -> None:
    from tui_news.core.library.stories import versions

    store, ids = library(tmp_path)
    told = versions(store, ids["quake-times"])
    assert [(v.id, v.source) for v in told] == [
        (ids["quake-wire"], "wire"),
        (ids["quake-daily"], "daily"),
        (ids["quake-times"], "times"),
    ]
    assert [v.id for v in versions(store, ids["fed"])] == [ids["fed"]]  # alone: itself


def test_top_stories_rank_by_outlets_and_recency_one_row_each(tmp_path: Path) -> None:
    from tui_news.core.library.top_stories import score, top_ids

    store, ids = library(tmp_path)
    now = T0 + 3 * HOUR
    top = View("Top stories", top=True)
    names = {i: k for k, i in ids.items()}
    ranked = [names[i] for i in top_ids(store.conn, top, now)]
    assert ranked == ["quake-wire", "fed"]  # three outlets an hour ago, above one
    # a day later nothing is left to rank; a lone article of now outranks an old story
    assert top_ids(store.conn, top, T0 + 30 * HOUR).tolist() == []
    assert score(1, 0) > score(3, 12 * HOUR) and score(3, 6 * HOUR) == 1.5 * score(1, 0)
    assert score(8, 8 * HOUR) > score(2, 0)
    # a search within it keeps the ranking among what matches
    assert top_ids(store.conn, View(top=True, query=parse("fed", live=True)), now).tolist() == [
        ids["fed"]
    ]
