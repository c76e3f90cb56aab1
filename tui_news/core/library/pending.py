"""The queue of marks changed here on sync accounts' articles, filled as the marks change."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def enqueue(
    conn: sqlite3.Connection, mark: str, value: bool, where: str, params: Sequence[object]
) -> None:
    """Queue ``mark`` = ``value`` for the account articles (alias ``a``) matching ``where``
    whose mark differs now; run just before the marks themselves change."""
    if conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is None:
        return  # no account: nothing to queue (the common case costs one lookup)
    conn.execute(
        "INSERT INTO pending (account_id, remote_id, mark, value) "
        f"SELECT s.account_id, a.key, '{mark}', {int(value)} FROM articles a "
        "JOIN sources s ON s.id = a.source_id "
        f"WHERE s.account_id IS NOT NULL AND a.{mark} != {int(value)} AND {where} "
        "ON CONFLICT (account_id, remote_id, mark) DO UPDATE SET value = excluded.value",
        params,
    )
