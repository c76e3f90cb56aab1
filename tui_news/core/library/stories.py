"""Storing which articles tell one story: the grouping of new articles against recent ones."""

from __future__ import annotations

import sqlite3
import time

from tui_news.core.library.guard import damaged
from tui_news.core.library.sql import NAME
from tui_news.core.library.store import Store
from tui_news.core.models import Version
from tui_news.core.stories import WINDOW, Item, group
from tui_news.core.story_text import LEAD_CHARS, encode

GROUPED = "stories_grouped"  # meta: the highest article id grouped so far
MAX_AGE = 7 * 86400.0  # seconds: older new articles (a feed's back catalogue) are left alone


def group_new(store: Store, now: float | None = None) -> int:
    """Group the articles stored since the last grouping with the recent articles around
    them; return how many articles' stories changed.

    Only articles published in the last :data:`MAX_AGE` are grouped: a new feed's archive
    would otherwise be compared with the whole library.
    """
    now = time.time() if now is None else now
    try:
        return _group_new(store, now)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and store.conn.in_transaction:
            raise
        raise damaged(store.path, error) from None


def _group_new(store: Store, now: float) -> int:
    conn = store.conn
    after = int(store.get_meta(GROUPED) or 0)
    newest = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
    if newest <= after:
        return 0
    new = conn.execute(
        "SELECT id, published FROM articles WHERE id > ? AND published >= ?",
        (after, now - MAX_AGE),
    ).fetchall()
    changes: dict[int, int | None] = {}
    worked: list[tuple[int, float, str]] = []  # the features worked out now, to keep
    if new:
        start = min(p for _, p in new) - WINDOW
        end = max(p for _, p in new) + WINDOW
        rows = conn.execute(
            "SELECT a.id, a.source_id, a.published, a.title, "
            f"CASE WHEN t.terms IS NULL THEN substr(a.body, 1, {LEAD_CHARS}) END, a.story, "
            "t.terms FROM articles a INDEXED BY articles_by_date "
            "LEFT JOIN story_terms t ON t.id = a.id WHERE a.published BETWEEN ? AND ?",
            (start, end),
        )
        items = []
        for article_id, feed, published, title, lead, story, terms in rows:
            item = Item(article_id, feed, published, title, lead or "", story, kept=terms)
            if terms is None:
                worked.append((article_id, published, encode(item.described())))
            items.append(item)
        changes = group(items, {i for i, _ in new})
    with store.transaction() as write:
        write.executemany(
            "UPDATE articles SET story = ? WHERE id = ?", ((s, i) for i, s in changes.items())
        )
        write.executemany("INSERT OR REPLACE INTO story_terms VALUES (?, ?, ?)", worked)
        # older articles are never compared again: no new one is older than MAX_AGE
        write.execute("DELETE FROM story_terms WHERE published < ?", (now - MAX_AGE - WINDOW,))
        store.set_meta(GROUPED, str(newest))  # in the same transaction
    return len(changes)


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
