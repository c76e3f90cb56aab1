"""The Top stories view: the last day's stories, ranked by how many outlets tell them and how
recent they are, one row per story (in its first teller's row)."""

from __future__ import annotations

import math
import sqlite3
from array import array
from collections.abc import Iterable

from tui_news.core.library import sql
from tui_news.core.models import View

HALF_LIFE = 6 * 3600.0  # seconds: a story this much older than another needs twice the outlets


def score(outlets: int, age: float) -> float:
    """A story's rank: its outlets, halved for every :data:`HALF_LIFE` since its latest
    article. Three outlets six hours ago rank with a lone article of now, and a story told by
    eight outlets this morning stays above one told by two this afternoon."""
    return outlets * math.pow(0.5, max(age, 0.0) / HALF_LIFE)


def top_ids(conn: sqlite3.Connection, view: View, now: float) -> array[int]:
    """The view's articles of the last day, one per story (its first teller among them),
    best ranked first (see :func:`score`); ties go to the newer story."""
    where, params = sql.view_where(view, now=now)
    rows: Iterable[tuple[int, int | None, int, float]] = conn.execute(
        "SELECT a.id, a.story, a.source_id, a.published FROM articles a "
        f"INDEXED BY articles_by_date WHERE {where}",
        params,
    )
    stories: dict[int, tuple[set[int], float, tuple[float, int]]] = {}
    for article, story, source, published in rows:
        key = -article if story is None else story
        outlets, latest, first = stories.get(key, (set(), -math.inf, (math.inf, 0)))
        outlets.add(source)
        stories[key] = (outlets, max(latest, published), min(first, (published, article)))
    ranked = sorted(
        stories.values(), key=lambda s: (-score(len(s[0]), now - s[1]), -s[1], -s[2][1])
    )
    return array("q", [first[1] for _, _, first in ranked])
