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


def test_an_article_with_a_picture_in_half_blocks(
    snap_compare, reader: Reader, tmp_path: Path, server, utc: None
) -> None:
    """A picture (a PNG made here, served from 127.0.0.1) drawn in half blocks under its
    paragraph, its caption under it."""
    from tests.feedserver import Route
    from tests.fixtures import write_story
    from tests.test_article_pictures import sunset_png

    server.routes["/sunset.png"] = Route(sunset_png(), content_type="image/png")
    folder = tmp_path / "photos"
    folder.mkdir()
    body = (
        "The harbour at dusk, from the new pier.\n\n"
        f"![Sunset over the harbour]({server.url('/sunset.png')})\n\n"
        "The pier opens to walkers in spring."
    )
    write_story(folder, "dusk.md", "Coast", "Dusk at the Harbour", "2023-11-15", body)
    reader.add(str(folder))
    reader.config.refresh_on_start = False
    reader.config.images = "halfblocks"
    app = NewsApp(reader)
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("enter"))
