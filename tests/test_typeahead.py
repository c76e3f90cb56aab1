"""Type-ahead: keys typed at once after a key that opens a field or a dialog reach it.

A terminal delivers a fast typist's keys (or keys typed while the machine is busy) in one
burst; the app must not act on any of them before the field or dialog that the first one
opened has the focus.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from tests.fixtures import library, settle
from tui_news.core.models import View
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp
from tui_news.ui.screens import AddSourceScreen, HelpScreen


def burst(app: NewsApp, keys: str | list[str]) -> None:
    """Post key events all at once, as a terminal hands over a buffer of typed keys."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        char = key if len(key) == 1 else None
        name = {"/": "slash", "?": "question_mark", "!": "exclamation_mark", " ": "space"}.get(
            key, key
        )
        event = events.Key(name, char)
        event.set_sender(app)
        driver.send_message(event)


def marks(reader: Reader) -> tuple[int, int]:
    """(read, starred) articles in the library."""
    total = reader.count(View())
    return total - reader.count(View(unread=True)), reader.count(View(starred=True))


async def test_search_gets_every_letter_typed_right_after_slash(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        burst(app, "/storm")
        await settle(app, pilot)
        assert app.search_bar.input.value == "storm"
        assert isinstance(app.focused, Input)
        assert len(app.screen_stack) == 1  # d (remove) and the rest did nothing
    assert marks(reader) == (0, 0)  # s stars, m marks read: neither ran


async def test_the_add_dialog_gets_the_address_typed_right_after_a(
    reader: Reader, news: Path
) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        burst(app, "ahttps://news.example/feed")
        await settle(app, pilot)
        assert isinstance(app.screen, AddSourceScreen)
        assert app.screen.query_one("#location", Input).value == "https://news.example/feed"
    assert marks(reader) == (0, 0)


async def test_keys_after_question_mark_go_to_help(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        burst(app, ["?", "j", "j", "s", "m"])
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        burst(app, ["q", "s"])  # q closes help; s then stars, in the list
        await settle(app, pilot)
        assert len(app.screen_stack) == 1
    assert marks(reader) == (0, 1)


async def test_the_palette_gets_what_is_typed_right_after_ctrl_p(
    reader: Reader, news: Path
) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        burst(app, ["ctrl+p", "t", "h", "e", "m"])
        await settle(app, pilot)
        assert isinstance(app.focused, Input)
        assert app.focused.value == "them"
    assert marks(reader) == (0, 0)


async def test_keys_after_bang_go_to_the_problems_panel(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        burst(app, ["!", "j", "s", "m", "escape"])
        await settle(app, pilot)
        assert len(app.screen_stack) == 1
    assert marks(reader) == (0, 0)
