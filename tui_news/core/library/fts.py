"""The full-text (FTS5) indexes' upkeep: articles added to them and taken out, in bulk.

Both indexes read their text from ``articles`` (external content), so the store keeps them in
step in the same transactions that write articles: add after the rows are written, remove
before they change or go.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tui_news.core.library.sql import id_chunks

# The search indexes and the article columns each holds.
INDEXES = (("articles_fts", "title, body"), ("titles_fts", "title"))


def reindex(
    conn: sqlite3.Connection, where: str, params: Sequence[object], remove: bool = False
) -> None:
    """Add the articles matching ``where`` to the search indexes (after their rows are
    written), or with ``remove`` take them out (before their rows change or go).

    The indexes are kept in step here, in bulk, rather than by triggers: FTS5 behind a
    trigger indexed a refresh six times slower.
    """
    for table, columns in INDEXES:
        into, values = f"{table} (rowid, {columns})", f"id, {columns}"
        if remove:  # external-content FTS5 deletes by being given the old text
            into, values = f"{table} ({table}, rowid, {columns})", f"'delete', {values}"
        conn.execute(f"INSERT INTO {into} SELECT {values} FROM articles WHERE {where}", params)


def index(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Add articles to the search indexes; run after their rows are written."""
    for marks, chunk in id_chunks(ids):
        reindex(conn, f"id IN ({marks})", chunk)


def unindex(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Take articles out of the search indexes; run before their rows change or go."""
    for marks, chunk in id_chunks(ids):
        reindex(conn, f"id IN ({marks})", chunk, remove=True)
