"""Search queries: the query language, what the user typed parsed into terms and filters.

Syntax: words (every one must match), ``"quoted phrases"``, ``prefix*``, ``-excluded`` words
or phrases, and the filters ``section:``, ``source:``, ``is:unread|read|starred|unstarred``,
``before:`` and ``after:`` (``2026-01-31``, ``2026-01``, ``2026``, ``today``, ``yesterday``,
or ``7d``/``2w``/``3m``/``1y`` ago). A filter can be excluded too (``-section:Sport``).
Matching ignores case and accents, as the index does. The library turns a parsed query into
SQL (``core.library.query``).
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui_news.core.errors import UserError

FILTERS = ("section", "source", "is", "before", "after")
MAX_PARTS = 64  # words, phrases and filters in one query (SQLite's expression depth is finite)
STATES = ("unread", "read", "starred", "unstarred")  # what ``is:`` takes
_WORD = re.compile(r"[^\W_]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_KEY = re.compile(r"([A-Za-z]+):")
_RELATIVE = re.compile(r"(\d{1,5})([dwmy])")
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
_DATE_FORMATS = (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4))


class QueryError(UserError, ValueError):
    """A query that cannot be read; the message is a one-line hint."""


def fold(text: str) -> str:
    """``text`` without case or accents ("Zürich" -> "zurich"), as the index compares it."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The words of ``text`` as the index splits them: letters and digits, folded."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a phrase to find; ``prefix`` matches words that start with its last word.

    ``text`` goes to FTS5 as typed (its tokenizer splits and folds it as the index did);
    ``words`` are folded here, for marking matches in titles.
    """

    words: tuple[str, ...]
    prefix: bool = False
    text: str = ""


@dataclass(frozen=True, slots=True)
class Filter:
    """A ``key:value`` condition on articles, maybe excluded."""

    key: str
    value: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed search: terms to find, terms to exclude, and filters."""

    text: str
    include: tuple[Term, ...] = ()
    exclude: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the query asks for nothing (every article matches)."""
        return not (self.include or self.exclude or self.filters)

    def saved_text(self) -> str:
        """The query as it should be saved: a quote left open is closed, and a trailing
        word typed live keeps its ``*``."""
        text = self.text.strip()
        if text.count('"') % 2:
            return text + '"'
        last = self.include[-1] if self.include else None
        if last and last.prefix and not text.endswith(("*", '"')):
            return text + "*"
        return text

    def combined(self, other: Query) -> Query:
        """This query and ``other``: everything either asks for."""
        return Query(
            f"{self.saved_text()} {other.text}",
            self.include + tuple(t for t in other.include if t not in self.include),
            self.exclude + tuple(t for t in other.exclude if t not in self.exclude),
            self.filters + tuple(f for f in other.filters if f not in self.filters),
        )


def parse(text: str, *, live: bool = False, now: float | None = None) -> Query:
    """Read a query; raise :class:`QueryError` with a hint when it cannot be read.

    ``live`` is for text still being typed: its last bare word matches as a prefix, and an
    unclosed quote is taken as closed at the end.
    """
    now = time.time() if now is None else now
    text = _CONTROLS.sub(" ", text)  # a NUL would end FTS5's string early
    text = _SURROGATES.sub("\ufffd", text)  # bytes that were not UTF-8 (from a command line)
    include: list[Term] = []
    exclude: list[Term] = []
    filters: list[Filter] = []
    ends_open = live and bool(text) and not text[-1].isspace()
    for negated, key, value, quoted, last in _tokens(text):
        if key is not None:
            item = _filter(key, value, negated, now)
            if item not in filters:
                filters.append(item)
            continue
        starred = value.endswith("*")
        value = value.rstrip("*")
        found = words(value)
        if not found:
            continue
        prefix = starred or (not quoted and not negated and last and ends_open)
        term = Term(tuple(found), prefix, value)
        chosen = exclude if negated else include
        if term not in chosen:
            chosen.append(term)
    if len(include) + len(exclude) + len(filters) > MAX_PARTS:
        raise QueryError(f"a query can hold at most {MAX_PARTS} words, phrases and filters")
    query = Query(text, tuple(include), tuple(exclude), tuple(filters))
    if query.empty and text.strip() and not live:
        raise QueryError(f"nothing to search for in {text.strip()!r}: use letters or digits")
    return query


def _tokens(text: str) -> list[tuple[bool, str | None, str, bool, bool]]:
    """Split a query into (negated, filter key, value, quoted, is last) tokens."""
    tokens = []
    position, size = 0, len(text)
    while position < size:
        if text[position].isspace():
            position += 1
            continue
        negated = text[position] == "-" and position + 1 < size and not text[position + 1].isspace()
        position += negated
        key = None
        named = _KEY.match(text, position)
        if named and named.group(1).lower() in FILTERS:
            key = named.group(1).lower()
            position = named.end()
        quoted = position < size and text[position] == '"'
        if quoted:
            value, position = _quoted_value(text, position + 1)
            if position < size and text[position] == "*":  # "new yo"* : a phrase prefix
                value += "*"
                position += 1
        else:
            end = position
            while end < size and not text[end].isspace():
                end += 1
            value = text[position:end]
            position = end
        tokens.append((negated, key, value, quoted, False))
    if tokens:
        tokens[-1] = (*tokens[-1][:4], True)
    return tokens


def _quoted_value(text: str, start: int) -> tuple[str, int]:
    """The value of a quoted token whose text begins at ``start`` (after its opening quote),
    and where the rest of the query begins. ``""`` inside stands for one quote (as
    :func:`quote` writes it); a quote left open closes at the end."""
    parts = []
    while True:
        end = text.find('"', start)
        if end < 0:
            parts.append(text[start:])
            return "".join(parts), len(text)
        parts.append(text[start:end])
        if text.startswith('""', end):
            parts.append('"')
            start = end + 2
            continue
        return "".join(parts), end + 1


def quote(value: str) -> str:
    """``value`` as one quoted token of a query (a filter's value, say): read back by
    :func:`parse` exactly, whatever quotes, spaces or colons it holds."""
    return '"' + value.replace('"', '""') + '"'


def _filter(key: str, value: str, negated: bool, now: float) -> Filter:
    value = value.strip()
    if not value:
        examples = {
            "section": "section:World",
            "source": "source:bbc",
            "is": "is:unread",
            "before": "before:2026-01-31",
            "after": "after:7d",
        }
        raise QueryError(f"{key}: needs a value, e.g. {examples[key]}")
    if key == "is" and value.lower() not in STATES:
        raise QueryError(f"is: takes {', '.join(STATES)} (not {value!r})")
    if key in ("before", "after"):
        parse_date(key, value, now)  # raises with a hint if it is not a date
    return Filter(key, value, negated)


def parse_date(key: str, value: str, now: float) -> float:
    """The moment a ``before:``/``after:`` value names (local midnight for calendar dates)."""
    lowered = value.lower()
    today = datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if lowered == "today":
        return today.timestamp()
    if lowered == "yesterday":
        return (today - timedelta(days=1)).timestamp()
    relative = _RELATIVE.fullmatch(lowered)
    if relative:
        return now - int(relative.group(1)) * _UNIT_DAYS[relative.group(2)] * 86400
    for pattern, length in _DATE_FORMATS:
        if len(value) == length:
            try:
                return datetime.strptime(value, pattern).timestamp()
            except ValueError:
                break
    raise QueryError(f"{key}: wants a date like 2026-01-31, 2026-01, today or 7d (not {value!r})")


def highlight_spans(text: str, terms: tuple[Term, ...]) -> list[tuple[int, int]]:
    """Where in ``text`` the words of ``terms`` occur, as (start, end) character offsets."""
    if not terms:
        return []
    wanted = {w for t in terms for w in t.words[:-1]} | {t.words[-1] for t in terms if not t.prefix}
    prefixes = tuple(t.words[-1] for t in terms if t.prefix)
    spans = []
    for match in _WORD.finditer(text):
        word = fold(match.group())
        if word in wanted:
            spans.append((match.start(), match.end()))
        elif prefixes and word.startswith(prefixes):
            longest = max(len(p) for p in prefixes if word.startswith(p))
            end = match.start() + _prefix_length(match.group(), longest)
            spans.append((match.start(), end))
    return spans


def _prefix_length(word: str, folded_length: int) -> int:
    """How many characters of ``word`` make up its first ``folded_length`` folded ones."""
    for size in range(1, len(word) + 1):
        if len(fold(word[:size])) >= folded_length:
            return size
    return len(word)
