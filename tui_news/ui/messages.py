"""Messages that carry the results of background work back to the app, and the one check
that drops a result which comes too late to be shown."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import NoActiveWorker, Worker, WorkerState, get_current_worker

from tui_news.core.models import (
    Article,
    Problem,
    RefreshReport,
    SavedSearch,
    SectionCount,
    Source,
    View,
)


@dataclass
class WorkResult(Message):
    """A result of background work. It remembers the worker that posted it, so that its
    handler (decorated with :func:`unless_late`) can tell whether it still matters."""

    def __post_init__(self) -> None:
        super().__post_init__()
        try:
            self.worker: Worker[Any] | None = get_current_worker()
        except NoActiveWorker:  # posted by the app itself (a quick result drawn at once)
            self.worker = None


def is_late(receiver: MessagePump, worker: Worker[Any] | None) -> bool:
    """True if a worker's result must be dropped: a newer request of its group (an
    exclusive worker) or the removal of its widget cancelled the worker, or the receiver
    no longer runs (the app is closing and its screens are gone)."""
    if worker is not None and worker.is_cancelled:
        return True
    if isinstance(receiver, App):
        return not receiver.is_running or not receiver.screen_stack
    return not receiver.is_running or not receiver.is_attached


Handler = TypeVar("Handler", bound=Callable[..., Any])


def unless_late(handler: Handler) -> Handler:
    """Decorates every handler of a worker's result (a :class:`WorkResult`, or Textual's
    ``Worker.StateChanged``): a result that comes late is dropped, never a crash."""

    @wraps(handler)
    def checked(receiver: MessagePump, message: Message) -> Any:
        if is_late(receiver, getattr(message, "worker", None)):
            return None
        return handler(receiver, message)

    checked.drops_late_results = True  # type: ignore[attr-defined]
    return checked  # type: ignore[return-value]


def failed(node: MessagePump, reason: str, timeout: float = 10) -> None:
    """A notice that something failed, with its reason (written to follow "tui-news: ")."""
    sentence = reason[:1].upper() + reason[1:]
    node.app.notify(sentence, severity="error", markup=False, timeout=timeout)


def report_failed_worker(node: MessagePump, event: Worker.StateChanged) -> bool:
    """Say what went wrong when a worker failed (its node's handler of
    ``Worker.StateChanged``, which does not bubble, calls this); True if it did."""
    if event.state != WorkerState.ERROR:
        return False
    error = event.worker.error
    message = f"{type(error).__name__}: {error}"
    node.app.notify(message, severity="error", markup=False, timeout=8)
    return True


@dataclass
class PictureFailed(Message):
    """A picture could not be shown: the app keeps it for the problems screen (``!``)."""

    problem: Problem


@dataclass
class CountsLoaded(WorkResult):
    """Fresh section counts for the sidebar."""

    sections: list[SectionCount]
    totals: dict[str, int]
    searches: list[SavedSearch]


@dataclass
class RefreshProgress(WorkResult):
    """``done`` of ``total`` sources are refreshed; ``name`` is the one just finished."""

    done: int
    total: int
    name: str


@dataclass
class RefreshDone(WorkResult):
    """A refresh finished; ``report`` says what it brought and what failed, ``error`` why it
    stopped early (the library could not be saved)."""

    report: RefreshReport
    error: str | None = None
    asked: bool = False  # by the user (r, R), not the timer or the start


@dataclass
class SourceAdded(WorkResult):
    """Adding a source finished: the source and what it brought, or why it failed."""

    source: Source | None
    report: RefreshReport
    error: str | None


@dataclass
class ViewLoaded(WorkResult):
    """The ids of a view's articles, newest first, read in a thread: the first rows of a large
    view (``whole`` false), then all of them."""

    view: View
    ids: array[int]
    keep: int | None = None
    whole: bool = True


@dataclass
class SearchDone(WorkResult):
    """Results for the query ``text``: a view and its ids, or a hint when it cannot be read."""

    text: str
    view: View | None
    ids: array[int]
    hint: str | None = None
    whole: bool = True  # false: the best results first, all of them to follow
    capped: bool = False  # ranked: the best of the newest RANK_CANDIDATES of more matches


@dataclass
class FullTextDone(WorkResult):
    """Fetching an article's full text finished: the article as now stored, or why not."""

    article_id: int
    article: Article | None
    error: str | None


@dataclass
class SourceEdited(WorkResult):
    """Renaming a source or moving it finished: the source as it is now, or why it failed."""

    source: Source | None
    error: str | None
