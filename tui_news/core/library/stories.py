"""Storing which articles tell one story: the grouping of new articles against recent ones."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable

from tui_news.core.collector import uncollected
from tui_news.core.library.guard import damaged
from tui_news.core.library.sql import NAME
from tui_news.core.library.store import Store
from tui_news.core.models import Version
from tui_news.core.stories import WINDOW, Counts, Item, group
from tui_news.core.story_text import LEAD_CHARS, described, encode

GROUPED = "stories_grouped"  # meta: the highest article id grouped so far
MAX_AGE = 7 * 86400.0  # seconds: older new articles (a feed's back catalogue) are left alone
SLICE = 12 * 3600.0  # seconds: the window's counts are kept for each slice of this much time
_ONE_AT_A_TIME = threading.Lock()  # a refresh's grouping and a sync's, say
KEEP = (  # an article's terms, unless it changed or went meanwhile (in another thread)
    "INSERT OR REPLACE INTO story_terms SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM articles "
    f"WHERE id = ?1 AND title IS ?4 AND substr(body, 1, {LEAD_CHARS}) IS ?5)"
)


def group_new(store: Store, now: float | None = None) -> int:
    """Group the articles stored since the last grouping with the recent articles around
    them; return how many articles' stories changed.

    Only articles published in the last :data:`MAX_AGE` are grouped: a new feed's archive
    would otherwise be compared with the whole library. Articles may be stored meanwhile (by
    another thread): those after the newest seen at the start are left to the next grouping.
    """
    now = time.time() if now is None else now
    try:
        with _ONE_AT_A_TIME:
            return _group_new(store, now)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and store.conn.in_transaction:
            raise
        raise damaged(store.path, error) from None


def _group_new(store: Store, now: float) -> int:
    conn = store.conn
    after = int(store.get_meta(GROUPED) or 0)
    newest = store.newest_id()
    if newest <= after:
        return 0
    new = conn.execute(
        "SELECT id, published FROM articles WHERE id > ? AND id <= ? AND published >= ?",
        (after, newest, now - MAX_AGE),
    ).fetchall()
    changes: dict[int, int | None] = {}
    worked: list[tuple[int, float, str, str, str]] = []  # features worked out now, to keep
    slices: list[tuple[int, Counts]] = []  # the slices' counts to keep (see _counted)
    if new:
        start = min(p for _, p in new) - WINDOW
        end = max(p for _, p in new) + WINDOW
        rows = conn.execute(
            "SELECT a.id, a.source_id, a.published, a.title, "
            f"CASE WHEN t.terms IS NULL THEN substr(a.body, 1, {LEAD_CHARS}) END, a.story, "
            "t.terms FROM articles a INDEXED BY articles_by_date LEFT JOIN story_terms t "
            "ON t.id = a.id WHERE a.published BETWEEN ? AND ? AND a.id <= ?",
            (start, end, newest),
        )
        with uncollected():  # over the 20,000 articles read
            items = []
            for article_id, feed, published, title, lead, story, terms in rows:
                item = Item(article_id, feed, published, title, lead or "", story, kept=terms)
                if terms is None:
                    terms = encode(item.described())
                    worked.append((article_id, published, terms, title, lead or ""))
                items.append(item)
            counts, slices = _counted(conn, items, start, end, {w[0] for w in worked})
            changes = group(items, {i for i, _ in new}, counts=counts)
    with store.transaction() as write:
        write.executemany(
            "UPDATE articles SET story = ? WHERE id = ?", ((s, i) for i, s in changes.items())
        )
        write.executemany(KEEP, worked)
        # older articles are never compared again: no new one is older than MAX_AGE
        write.execute("DELETE FROM story_terms WHERE published < ?", (now - MAX_AGE - WINDOW,))
        write.execute(
            "DELETE FROM story_counts WHERE slice < ?", ((now - MAX_AGE - WINDOW) // SLICE,)
        )
        write.executemany(
            "INSERT OR REPLACE INTO story_counts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (number, newest, counted.articles, counted.id_sum, *counted.packed())
                for number, counted in slices
            ),
        )
        store.set_meta(GROUPED, str(newest))  # in the same transaction
    return len(changes)


def _counted(
    conn: sqlite3.Connection, items: list[Item], start: float, end: float, worked: set[int]
) -> tuple[Counts, list[tuple[int, Counts]]]:
    """The counts of the window's articles (``items``, published from ``start`` to ``end``),
    and those of the slices of :data:`SLICE` within it that are to be kept (with what was
    stored in them since they were kept, or counted anew).

    A slice's kept counts are taken when they still hold: the slice's articles with ids up to
    the highest it counted are as many, their ids sum to as much, and each had its terms kept
    (``worked``: those whose terms were not, because they are new or changed). Then only its
    articles stored since are counted. The slices at the window's edges are counted."""
    first, last = int(start // SLICE), int(end // SLICE)
    inside = range(first + (first * SLICE < start), last + ((last + 1) * SLICE <= end))
    by_slice: dict[int, list[Item]] = {number: [] for number in inside}
    edges: list[Item] = []
    for item in items:
        found = by_slice.get(int(item.published // SLICE))
        (edges if found is None else found).append(item)
    kept = conn.execute(
        "SELECT slice, top, articles, id_sum, terms, counts, names, sizes, ids "
        "FROM story_counts WHERE slice BETWEEN ? AND ?",
        (inside.start, inside.stop - 1),
    )
    held: dict[int, tuple[Counts, int]] = {}  # a slice's kept counts, the highest id counted
    for number, top, articles, id_sum, *packed in kept:
        counted = [i for i in by_slice[number] if i.id <= top]
        if (
            len(counted) == articles
            and sum(i.id for i in counted) == id_sum
            and not any(i.id in worked for i in counted)
        ):
            try:
                parts = (packed[0], packed[1], packed[2], packed[3], packed[4])
                held[number] = Counts.unpacked(parts, articles, id_sum), top
            except (ValueError, TypeError):  # parts that do not fit together: counted anew
                pass
    changed, sliced = [], []
    for number, members in by_slice.items():
        slice_counts, top = held.get(number, (None, 0))
        if slice_counts is None:
            slice_counts = Counts()
            slice_counts.add(members)
            changed.append((number, slice_counts))
        elif since := [i for i in members if i.id > top]:
            slice_counts.add(since)
            changed.append((number, slice_counts))
        sliced.append(slice_counts)
    counts = Counts()
    for slice_counts in sorted(sliced, key=lambda c: -len(c.terms)):  # the first copied whole
        counts.merge(slice_counts)
    counts.add(edges)
    return counts, changed


def keep_terms(store: Store, now: float | None = None, after: int = 0) -> int:
    """Work out and keep the terms of the articles not grouped yet that grouping will compare
    (those of the last :data:`MAX_AGE`), ahead of grouping them: a refresh does it while it
    is still fetching (core/story_grouping.py) for those stored without them (a feed's parser
    works them out, see Store.apply). Only articles above id ``after`` are looked at. Return
    how many were kept."""
    now = time.time() if now is None else now
    conn = store.conn
    after = max(after, int(store.get_meta(GROUPED) or 0))
    rows = conn.execute(
        f"SELECT a.id, a.published, a.title, substr(a.body, 1, {LEAD_CHARS}) "
        "FROM articles a WHERE a.id > ? AND a.published >= ? "
        "AND NOT EXISTS (SELECT 1 FROM story_terms t WHERE t.id = a.id)",
        (after, now - MAX_AGE),
    ).fetchall()
    worked = [
        (i, published, described(title, lead), title, lead) for i, published, title, lead in rows
    ]
    if worked:
        with store.transaction() as write:
            write.executemany(KEEP, worked)
    return len(worked)


def story_ids(store: Store, article_id: int) -> list[int]:
    """The ids of the articles telling the story ``article_id`` tells, itself included (just
    itself when it is alone or gone)."""
    rows = store.conn.execute(
        "SELECT id FROM articles INDEXED BY articles_by_story "
        "WHERE story = (SELECT story FROM articles WHERE id = ?)",
        (article_id,),
    )
    return sorted({article_id, *(row[0] for row in rows)})


def versions(store: Store, article_id: int) -> list[Version]:
    """Every article of the story ``article_id`` tells, first teller first (just itself
    when it is alone; none when it is gone)."""
    rows = store.conn.execute(
        f"SELECT a.id, {NAME}, a.published, a.title FROM articles a "
        "JOIN sources s ON s.id = a.source_id WHERE a.id = ?1 AND a.story IS NULL "
        f"UNION ALL SELECT a.id, {NAME}, a.published, a.title FROM articles a "
        "INDEXED BY articles_by_story JOIN sources s ON s.id = a.source_id "
        "WHERE a.story = (SELECT story FROM articles WHERE id = ?1) ORDER BY 3, 1",
        (article_id,),
    )
    return [Version(*row) for row in rows]


class TermsAhead:
    """:func:`keep_terms` (or ``keep``, its stand-in) for one refresh's thread: each run
    looks only at the articles stored since its last. Otherwise each stored batch read every
    article stored since the last grouping again: a first sync of 50,000 old articles (too
    old to compare, so none kept) read them all at every batch, seconds of CPU."""

    def __init__(self, keep: Callable[..., int] = keep_terms) -> None:
        self.keep = keep
        self.looked = 0  # the highest article id looked at

    def __call__(self, store: Store) -> int:
        top = store.newest_id()
        kept = self.keep(store, after=self.looked)
        self.looked = top  # what a writer commits later has higher ids
        return kept
