"""Messages that carry the results of background work back to the app."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from textual.message import Message

from tui_news.core.models import (
    Article,
    RefreshReport,
    SavedSearch,
    SectionCount,
    Source,
    View,
)


@dataclass
class CountsLoaded(Message):
    """Fresh section counts for the sidebar."""

    sections: list[SectionCount]
    totals: dict[str, int]
    searches: list[SavedSearch]


@dataclass
class RefreshProgress(Message):
    """``done`` of ``total`` sources are refreshed; ``name`` is the one just finished."""

    done: int
    total: int
    name: str


@dataclass
class RefreshDone(Message):
    """A refresh finished; ``report`` says what it brought and what failed, ``error`` why it
    stopped early (the library could not be saved)."""

    report: RefreshReport
    error: str | None = None


@dataclass
class SourceAdded(Message):
    """Adding a source finished: the source and what it brought, or why it failed."""

    source: Source | None
    report: RefreshReport
    error: str | None


@dataclass
class ViewLoaded(Message):
    """The ids of a view's articles, newest first, read in a thread: the first rows of a large
    view (``whole`` false), then all of them."""

    view: View
    ids: array[int]
    keep: int | None = None
    whole: bool = True
    listing: int = 0  # which listing of the view this answers


@dataclass
class SearchDone(Message):
    """Results for the query ``text``: a view and its ids, or a hint when it cannot be read."""

    text: str
    view: View | None
    ids: array[int]
    hint: str | None = None
    whole: bool = True  # false: the best results first, all of them to follow


@dataclass
class FullTextDone(Message):
    """Fetching an article's full text finished: the article as now stored, or why not."""

    article_id: int
    article: Article | None
    error: str | None
