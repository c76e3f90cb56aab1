"""A parsed search query as the library's SQL: its FTS5 match expression and the conditions
of its exclusions and filters on articles (alias ``a`` unless another is given)."""

from __future__ import annotations

import time

from tui_news.core.search import Filter, Query, Term, fold, parse_date

STATES = {  # the SQL of each ``is:`` value (on the articles' alias)
    "unread": "{a}.read = 0",
    "read": "{a}.read = 1",
    "starred": "{a}.starred = 1",
    "unstarred": "{a}.starred = 0",
}


def fts(term: Term) -> str:
    """A term as an FTS5 phrase: its text as typed (FTS5's tokenizer splits and folds it as
    the index did), a trailing ``*`` for a prefix."""
    typed = term.text.replace('"', " ") or " ".join(term.words)
    return '"' + typed + '"' + (" *" if term.prefix else "")


def match(query: Query) -> str | None:
    """The FTS5 expression every result must match, or ``None`` without search terms."""
    return " AND ".join(fts(t) for t in query.include) or None


def where(
    query: Query, table: str, now: float | None = None, alias: str = "a", scan: bool = False
) -> tuple[str, tuple[object, ...]]:
    """Conditions on articles (as ``alias``) for ``query`` against FTS5 table ``table``, with
    parameters.

    The include terms are part of it; a ranked search that joins ``table`` itself uses
    :func:`filters_where` and :func:`match` instead. With ``scan``, the articles are not
    found from the matches (by id): each one read is checked against them.
    """
    sql, params = filters_where(query, table, now, alias)
    expression = match(query)
    if expression is None:
        return sql, params
    found = f"{'+' if scan else ''}{alias}.id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"
    return f"{found} AND {sql}", (expression, *params)


def filters_where(
    query: Query, table: str, now: float | None = None, alias: str = "a"
) -> tuple[str, tuple[object, ...]]:
    """Every condition of ``query`` but the include terms: exclusions and filters."""
    now = time.time() if now is None else now
    terms: list[str] = []
    params: list[object] = []
    if query.exclude:
        terms.append(f"{alias}.id NOT IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)")
        params.append(" OR ".join(fts(t) for t in query.exclude))
    for item in query.filters:
        sql, values = filter_sql(item, now, alias)
        terms.append(sql)
        params.extend(values)
    return " AND ".join(terms) or "1", tuple(params)


def filter_sql(item: Filter, now: float, alias: str = "a") -> tuple[str, tuple[object, ...]]:
    """A filter's condition on articles (as ``alias``) with its parameters."""
    params: tuple[object, ...]
    if item.key == "section":  # fold() is registered on every connection by the store
        sql = (  # the section names, found by hopping along their index
            f"{alias}.section IN (WITH RECURSIVE names(name) AS ("
            "SELECT min(section) FROM articles UNION ALL SELECT (SELECT min(section) "
            "FROM articles WHERE section > name) FROM names WHERE name IS NOT NULL) "
            r"SELECT name FROM names WHERE fold(name) LIKE ? ESCAPE '\')"
        )
        params = (_like(fold(item.value)) + "%",)
    elif item.key == "source":
        pattern = "%" + _like(fold(item.value)) + "%"
        sql = (
            rf"{alias}.source_id IN (SELECT id FROM sources WHERE fold(name) LIKE ? ESCAPE '\' "
            r"OR fold(location) LIKE ? ESCAPE '\')"
        )
        params = (pattern, pattern)
    elif item.key == "is":
        sql, params = STATES[item.value.lower()].format(a=alias), ()
    else:
        moment = parse_date(item.key, item.value, now)
        sql, params = f"{alias}.published {'<' if item.key == 'before' else '>='} ?", (moment,)
    return (f"NOT ({sql})" if item.negated else sql), params


def _like(value: str) -> str:
    """``value`` with LIKE's wildcards escaped."""
    return value.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
