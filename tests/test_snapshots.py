"""The screens as drawn, compared with the SVG snapshots in ``__snapshots__``: a colour,
border or cursor that changes fails here. After a deliberate change, look at the report and
run ``pytest tests/test_snapshots.py --snapshot-update``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.fixtures import pinned_library
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so that times of day draw the same everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def app(reader: Reader, tmp_path: Path, utc: None) -> NewsApp:
    return NewsApp(pinned_library(reader, tmp_path / "news"))


def after(*keys: str):
    """Press ``keys``, then wait until the app is still: workers done, no cursor blinking."""

    async def run(pilot: Pilot) -> None:
        app = pilot.app
        for key in ("", *keys):
            if key:
                await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run


@pytest.mark.parametrize(
    "size", [(80, 24), (120, 36), (200, 50)], ids=lambda s: "x".join(map(str, s))
)
def test_main_screen(snap_compare, app: NewsApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=after())


def test_an_open_article(snap_compare, app: NewsApp) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("enter"))


def test_the_search_field_with_results(snap_compare, app: NewsApp) -> None:
    keys = ("slash", "r", "a", "i", "l")
    assert snap_compare(app, terminal_size=(120, 36), run_before=after(*keys))


def test_help(snap_compare, app: NewsApp) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("question_mark"))


def test_the_palette(snap_compare, app: NewsApp) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("ctrl+p", "s", "t"))


def test_the_problems_panel(snap_compare, app: NewsApp) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("exclamation_mark"))


def test_reading_with_the_article_focused(snap_compare, app: NewsApp) -> None:
    """The list keeps its cursor, and its unread rows bold, while the article has the focus."""
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("enter", "tab"))


def test_the_sections_focused(snap_compare, app: NewsApp) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("shift+tab"))
