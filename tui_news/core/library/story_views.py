"""A view whose stories are one row each (``group_stories``): how many rows it has, the
sidebar's counts of them, and marking all it shows read (whole stories, as ``m`` does one).

A story never holds two articles of one feed, so a source's counts are the same either way;
a section, the totals and any other view count a story once among their articles.
"""

from __future__ import annotations

import sqlite3

from tui_news.core.library import sql
from tui_news.core.library.pending import enqueue
from tui_news.core.library.sql import id_chunks
from tui_news.core.library.store import Store
from tui_news.core.models import SectionCount, View


def count_rows(store: Store, view: View) -> int:
    """How many rows the view lists: its articles, a story once (its articles beyond the
    first are counted from the story index alone)."""
    where, params = sql.view_where(view)
    beyond: int = store.conn.execute(
        "SELECT count(*) - count(DISTINCT a.story) FROM articles a INDEXED BY articles_by_story "
        f"WHERE a.story IS NOT NULL AND {where}",
        params,
    ).fetchone()[0]
    return store.count(view) - beyond


def count_stories(
    conn: sqlite3.Connection, sections: list[SectionCount], totals: dict[str, int]
) -> None:
    """Make the counts of :meth:`Store.section_counts` count a story once, in place: in each
    section among its articles (unread: a story with an unread article there), and in the
    totals among all. Read from the story index alone."""
    told = "FROM articles INDEXED BY articles_by_story WHERE story IS NOT NULL GROUP BY story"
    beyond = conn.execute(
        "SELECT section, sum(n - 1), sum(max(unread - 1, 0)) FROM (SELECT section, count(*) n, "
        f"sum(read = 0) unread {told}, section HAVING n > 1) GROUP BY section"
    )
    extra = {section: (articles, unread) for section, articles, unread in beyond}
    for entry in sections:
        articles, unread = extra.get(entry.name, (0, 0))
        entry.total -= articles
        entry.unread -= unread
    over = conn.execute(
        "SELECT sum(n - 1), sum(max(unread - 1, 0)), sum(max(starred - 1, 0)) FROM "
        f"(SELECT count(*) n, sum(read = 0) unread, sum(starred) starred {told})"
    ).fetchone()
    for key, value in zip(("all", "unread", "starred"), over, strict=True):
        totals[key] -= value or 0


def mark_stories_read(store: Store, view: View) -> int:
    """Mark every article of a view read, and the other outlets' articles of the stories it
    lists (with its ``up_to``, of all these, those stored by then); return how many changed."""
    inner, inner_params = sql.view_where(view, alias="b")
    newest = "" if view.up_to is None else f" AND a.id <= {int(view.up_to)}"
    stories = [
        row[0]
        for row in store.conn.execute(
            f"SELECT DISTINCT b.story FROM articles b WHERE b.story IS NOT NULL AND {inner}",
            inner_params,
        )
    ]
    with store.transaction() as conn:
        changed = store.mark_view_read(view)  # in this transaction
        for marks, chunk in id_chunks(stories):
            where = f"a.story IN ({marks}){newest}"
            enqueue(conn, "read", True, where, chunk)
            cursor = conn.execute(
                f"UPDATE articles AS a SET read = 1 WHERE a.read = 0 AND {where}", chunk
            )
            changed += cursor.rowcount
    return changed
