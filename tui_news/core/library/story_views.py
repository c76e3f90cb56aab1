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


def count_rows(conn: sqlite3.Connection, view: View) -> int:
    """How many rows the view lists: its articles, a story once."""
    where, params = sql.view_where(view)
    found: int = conn.execute(
        f"SELECT count(DISTINCT coalesce(a.story, -a.id)) FROM articles a WHERE {where}", params
    ).fetchone()[0]
    return found


def count_stories(
    conn: sqlite3.Connection, sections: list[SectionCount], totals: dict[str, int]
) -> None:
    """Make the counts of :meth:`Store.section_counts` count a story once, in place: in each
    section among its articles (unread: a story with an unread article there), and in the
    totals among all."""
    rows = conn.execute(
        "SELECT story, section, count(*), sum(read = 0), sum(starred) FROM articles "
        "INDEXED BY articles_by_story WHERE story IS NOT NULL GROUP BY story, section"
    )
    extra: dict[str, list[int]] = {}  # section -> [articles, unread] beyond a story's first
    whole: dict[int, list[int]] = {}  # story -> [articles, unread, starred]
    for story, section, articles, unread, starred in rows:
        found = whole.get(story)
        if found is None:
            whole[story] = [articles, unread, starred]
        else:
            found[0] += articles
            found[1] += unread
            found[2] += starred
        if articles > 1:
            beyond = extra.setdefault(section, [0, 0])
            beyond[0] += articles - 1
            beyond[1] += max(unread - 1, 0)
    for entry in sections:
        articles, unread = extra.get(entry.name, (0, 0))
        entry.total -= articles
        entry.unread -= unread
    for at, key in enumerate(("all", "unread", "starred")):
        totals[key] -= sum(max(counts[at] - 1, 0) for counts in whole.values())


def mark_stories_read(store: Store, view: View) -> int:
    """Mark every article of a view read, and the other outlets' articles of the stories it
    lists; return how many changed."""
    inner, inner_params = sql.view_where(view, alias="b")
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
            where = f"a.story IN ({marks})"
            enqueue(conn, "read", True, where, chunk)
            cursor = conn.execute(
                f"UPDATE articles AS a SET read = 1 WHERE a.read = 0 AND {where}", chunk
            )
            changed += cursor.rowcount
    return changed
