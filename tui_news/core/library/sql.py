"""The SQL that reads the library: the selects behind each model and the conditions of a view."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from tui_news.core.library import query
from tui_news.core.models import View

# A ranked search scores at most this many matches (the newest added): it keeps a query for a
# common word under the 100 ms budget at 100,000 articles. Fewer matches are all scored.
RANK_CANDIDATES = 10_000
# Relevance (bm25, title words weigh 4 times body words) is boosted by recency: up to double
# for today's articles, 1.5 times at a month old, fading towards 1 over a year or so.
RANK = "bm25(articles_fts, 4.0, 1.0) * (1.0 + 1.0 / (1.0 + max(0.0, ? - a.published) / 2592000.0))"

ORDER = "ORDER BY a.published DESC, a.id DESC"
TOP_SECONDS = 86400.0  # the Top stories view ranks the stories of this last stretch of time
# A source's name: the one chosen, else (until its first fetch names it) its location.
NAME = "coalesce(nullif(s.name, ''), without_password(s.location))"  # see Store._connect
# The other outlets telling an article's story, counted on the index on story (a lone
# article's story is NULL: nothing to count).
OTHERS = (
    "CASE WHEN a.story IS NULL THEN 0 ELSE (SELECT count(DISTINCT o.source_id) "
    "FROM articles o INDEXED BY articles_by_story "
    "WHERE o.story = a.story AND o.source_id <> a.source_id) END"
)


# A story's row is starred when one of its versions is (starred while another was shown).
STORY_STARRED = (
    "a.starred OR (a.story IS NOT NULL AND EXISTS (SELECT 1 FROM articles o "
    "INDEXED BY articles_by_story WHERE o.story = a.story AND o.starred))"
)


def headline_select(stories: bool = True) -> str:
    """The select behind headline rows; with ``stories``, each counts its story's other
    outlets (else 0) and is starred when one of them is."""
    starred, others = (STORY_STARRED, OTHERS) if stories else ("a.starred", "0")
    return (
        f"SELECT a.id, a.title, a.section, {NAME}, a.published, a.read, {starred}, "
        f"{others} FROM articles a JOIN sources s ON s.id = a.source_id"
    )


HEADLINE = headline_select()
ARTICLE = (
    f"SELECT a.id, a.title, a.section, {NAME}, a.source_id, a.author, a.link, a.published, "
    "a.body, a.read, a.starred, s.kind, s.location, a.key, a.content, a.full_text_at, "
    "a.enclosures, a.story, (SELECT url FROM accounts WHERE id = s.account_id) "
    "FROM articles a JOIN sources s ON s.id = a.source_id"
)
_SOURCE = f"s.id, s.kind, s.location, {NAME}, s.section, s.added, s.last_ok, s.last_error"
SOURCE = (
    f"SELECT {_SOURCE}, count(a.id), coalesce(sum(a.read = 0), 0), s.etag, s.last_modified, "
    "s.site FROM sources s LEFT JOIN articles a ON a.source_id = s.id"
)
UNCOUNTED_SOURCE = f"SELECT {_SOURCE}, 0, 0, s.etag, s.last_modified, s.site FROM sources s"


def view_where(
    view: View,
    *,
    ranked: bool = False,
    alias: str = "a",
    now: float | None = None,
    scan: bool = False,
) -> tuple[str, tuple[object, ...]]:
    """The SQL condition (on articles as ``alias``) and parameters that select a view's
    articles (for Top stories, those of the :data:`TOP_SECONDS` before ``now``).

    With ``ranked``, the query's own terms are left out: the ranked search matches them.
    With ``scan``, its terms are checked on each article read (see :func:`query.where`).
    """
    terms: list[str] = []
    params: list[object] = []
    if view.query is not None:
        table = "titles_fts" if view.titles else "articles_fts"
        if ranked:
            sql, values = query.filters_where(view.query, table, now, alias=alias)
        else:
            sql, values = query.where(view.query, table, now, alias=alias, scan=scan)
        terms.append(sql)
        params.extend(values)
    if view.section is not None:
        terms.append(f"{alias}.section = ?")
        params.append(view.section)
    if view.source_id is not None:
        terms.append(f"{alias}.source_id = ?")
        params.append(view.source_id)
    if view.unread:
        terms.append(f"{alias}.read = 0")
    if view.starred:
        terms.append(f"{alias}.starred = 1")
    if view.top:
        terms.append(f"{alias}.published >= ?")
        params.append((time.time() if now is None else now) - TOP_SECONDS)
    if view.up_to is not None:
        terms.append(f"{alias}.id <= ?")
        params.append(view.up_to)
    return " AND ".join(terms) or "1", tuple(params)


def collapses(view: View) -> bool:
    """Whether a view can show a story once: not one source's view (a story never holds two
    articles of one source)."""
    return view.source_id is None


def select_ids(
    view: View, *, stories: bool = False, in_order: bool = False
) -> tuple[str, tuple[object, ...]]:
    """The SQL that lists a view's ids in its order, with its parameters; with ``stories``, a
    view that :func:`collapses` lists a story once: in its first teller's row (see
    :func:`later_teller`), or in a ranked search, its best match's.

    With ``in_order``, a query's titles are not found first and sorted: the view's index is
    read in the list's order and each article checked against them, so that the first rows
    of a query that matches much of the view come at once (one that matches few of a large
    view reads all its index).
    """
    match = query.match(view.query) if view.query is not None else None
    if not (view.ranked and match):
        now = time.time()  # the same moment for a relative date in the view and its stories
        where, params = view_where(view, now=now, scan=in_order)
        if stories and collapses(view):
            later, values = later_teller(view, now)
            where, params = f"{where} AND NOT {later}", (*params, *values)
        # Titles matching a query: their filters and order read from a covering index (the
        # rows themselves are 2-3 times slower to reach); a feed: its own articles by date.
        index = ""
        if match and not in_order:
            index = "INDEXED BY articles_rank"
        elif view.source_id is not None:
            index = "INDEXED BY articles_by_source"
        return f"SELECT a.id FROM articles a {index} WHERE {where} {ORDER}", params
    where, params = view_where(view, ranked=True)
    once = stories and collapses(view)
    scored = (
        f"SELECT a.id AS id{', a.story AS story' if once else ''}, {RANK} AS score "
        "FROM articles_fts JOIN articles a INDEXED BY articles_rank ON a.id = articles_fts.rowid "
        f"WHERE articles_fts MATCH ? AND {where} "
        f"ORDER BY articles_fts.rowid DESC LIMIT {RANK_CANDIDATES}"
    )
    best = ""
    if once:  # each story's best match (an article alone is a story of its own)
        scored = (
            "SELECT id, score, row_number() OVER (PARTITION BY coalesce(story, -id) "
            f"ORDER BY score, id DESC) AS nth FROM ({scored})"
        )
        best = "WHERE nth = 1 "
    sql = f"SELECT id FROM ({scored}) {best}ORDER BY score, id DESC"
    return sql, (time.time(), match, *params)


def ranked_candidates(view: View) -> tuple[str, tuple[object, ...]]:
    """The SQL that counts a ranked search's matches, up to one more than
    :data:`RANK_CANDIDATES`: with more than that, the best were chosen among the newest. A
    query of filters alone is listed whole, not ranked: none."""
    match = query.match(view.query) if view.query is not None else None
    if not (view.ranked and match):
        return "SELECT 0", ()
    where, params = view_where(view, ranked=True)
    sql = (
        "SELECT count(*) FROM (SELECT 1 FROM articles_fts JOIN articles a INDEXED BY "
        "articles_rank ON a.id = articles_fts.rowid WHERE articles_fts MATCH ? AND "
        f"{where} LIMIT {RANK_CANDIDATES + 1})"
    )
    return sql, (match, *params)


def later_teller(view: View, now: float) -> tuple[str, tuple[object, ...]]:
    """The condition (on articles as ``a``) that an article of ``view`` is not the first
    teller of its story among the view's articles: another of them told it earlier (was
    published before it, or at the same moment and stored first). With its parameters.

    A story shows in its first teller's row. The story is read from the index the view is
    listed from, the earlier tellers from the index on story (see schema.py): no row is read.
    """
    where, params = view_where(view, alias="o", now=now)
    sql = (
        "(a.story IS NOT NULL AND EXISTS (SELECT 1 FROM articles o INDEXED BY articles_by_story "
        "WHERE o.story = a.story AND o.published <= a.published "
        f"AND (o.published < a.published OR o.id < a.id) AND {where}))"
    )
    return sql, params


def id_chunks(ids: Iterable[int], size: int = 500) -> Iterator[tuple[str, list[int]]]:
    """``ids`` in chunks small enough for one ``IN (...)``, each with its ``?`` marks."""
    ids = list(ids)
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield ",".join("?" * len(chunk)), chunk
