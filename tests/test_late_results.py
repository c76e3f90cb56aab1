"""A worker's result that comes late (its request superseded, its screen gone) is dropped."""

from __future__ import annotations

import asyncio
import inspect
import threading
from array import array
from pathlib import Path

from tests.fixtures import library, settle, sidebar_labels
from tui_news.core.models import RefreshReport, View
from tui_news.core.reader import Reader
from tui_news.ui import app as app_module
from tui_news.ui import article as article_module
from tui_news.ui import messages
from tui_news.ui.app import NewsApp
from tui_news.ui.article import ArticleView
from tui_news.ui.headline_pane import HeadlinePane
from tui_news.ui.messages import CountsLoaded, WorkResult


def late_results() -> list[WorkResult]:
    """One result of each kind, as a worker would post it."""
    return [
        CountsLoaded([], {"unread": 99, "starred": 99}, []),
        messages.RefreshProgress(1, 2, "Feed"),
        messages.RefreshDone(RefreshReport(), "disk full"),
        messages.SourceAdded(None, RefreshReport(), "no such file"),
        messages.SourceEdited(None, "no such source"),
        messages.ViewLoaded(View("All"), array("q", [1, 2])),
        messages.SearchDone("x", View("All"), array("q")),
        messages.FullTextDone(1, None, "gone"),
        ArticleView.Converted(1, "text"),
    ]


def test_every_handler_of_a_worker_result_drops_late_ones() -> None:
    kinds = {type(m) for m in late_results()}
    found = {
        cls
        for cls in vars(messages).values()
        if inspect.isclass(cls) and issubclass(cls, WorkResult) and cls is not WorkResult
    }
    assert found | {ArticleView.Converted} == kinds  # every kind is in late_results()
    handlers = [
        getattr(owner, kind.handler_name)
        for owner in (NewsApp, HeadlinePane, ArticleView)
        for kind in kinds
        if hasattr(owner, kind.handler_name)
    ]
    handlers += [owner.on_worker_state_changed for owner in (NewsApp, HeadlinePane, ArticleView)]
    assert len(handlers) == len(kinds) + 3
    assert all(getattr(h, "drops_late_results", False) for h in handlers)
    assert app_module.unless_late is article_module.unless_late  # one mechanism


async def test_a_result_that_comes_after_the_app_closed_is_dropped(
    reader: Reader, news: Path
) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view, pane = app.article_view, app.headline_pane
    assert not app.screen_stack  # the screens are gone, as when a busy machine answers late
    for message in late_results():
        to_pane = {messages.ViewLoaded: pane, messages.SearchDone: pane}
        to_view = {ArticleView.Converted: view, messages.FullTextDone: view}
        receiver = {**to_view, **to_pane}.get(type(message), app)
        getattr(receiver, message.handler_name)(message)  # no crash: dropped


async def test_a_result_superseded_by_a_newer_request_is_dropped(
    reader: Reader, news: Path
) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        started, go, posted = threading.Event(), threading.Event(), threading.Event()

        def slow_counts() -> None:  # an older count that answers after the newer one
            started.set()
            go.wait(10)
            if app.post_message(CountsLoaded([], {"unread": 99, "starred": 99}, [])):
                posted.set()

        older = app.run_worker(slow_counts, thread=True, group="counts", exclusive=True)
        assert await asyncio.to_thread(started.wait, 10)
        app.load_counts()  # the newer request
        await settle(app, pilot)
        assert older.is_cancelled
        go.set()
        assert await asyncio.to_thread(posted.wait, 10)
        await settle(app, pilot)
        assert sidebar_labels(app)["Unread"] == ["Unread", "5"]
        assert sidebar_labels(app)["Starred"] == ["Starred"]


async def test_a_focus_that_comes_as_the_app_closes_is_dropped(reader: Reader, news: Path) -> None:
    from textual import events

    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "a")
        await settle(app, pilot)
        app.post_message(events.Key("escape", None))  # closes the field: the list takes focus
        await asyncio.sleep(0.01)  # the key is handled; the focus it moved arrives after the exit
    assert not app.screen_stack and app.return_code in (None, 0)
