"""The footer: the keys that work where the focus is, changed in place as it moves."""

from __future__ import annotations

import os
from pathlib import Path

from tests.fixtures import library, settle
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp
from tui_news.ui.key_footer import KeyFooter
from tui_news.ui.screens import HelpScreen


def footer_line(app: NewsApp) -> str:
    return app.query_one(KeyFooter).render().plain  # type: ignore[union-attr]


async def test_the_footer_follows_the_focus_and_the_search(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "⏎ Open" in footer_line(app) and "Page/next" not in footer_line(app)
        assert footer_line(app).rstrip().endswith("^p palette")
        widgets = set(app.screen.walk_children())

        await pilot.press("tab")  # into the article
        await settle(app, pilot)
        assert app.focused is app.article_view
        assert "space Page/next" in footer_line(app) and "Open" not in footer_line(app)

        await pilot.press("shift+tab", "slash")  # back to the list, then the search field
        await settle(app, pilot)
        line = footer_line(app)
        assert "esc Cancel" in line and "^l Whole library" in line and "^s Save search" in line
        await pilot.press("ctrl+l")  # widened: the key now goes back to the view searched
        await settle(app, pilot)
        assert "^l All only" in footer_line(app) and "Whole library" not in footer_line(app)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert "^l Whole library" in footer_line(app)

        await pilot.press("escape")
        await settle(app, pilot)
        assert "Cancel" not in footer_line(app) and "⏎ Open" in footer_line(app)
        # the keys changed in place: no widget was mounted (nor removed) for them
        assert set(app.screen.walk_children()) == widgets


async def test_a_click_on_a_footer_key_presses_it(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        start = footer_line(app).index("? Keys")
        await pilot.click(KeyFooter, offset=(start + 2, 0))
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_a_narrow_footer_shows_only_whole_keys(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        line = footer_line(app)
        assert len(line) == 80 and line.endswith("▏^p palette ")  # the palette key, whole
        before = line[: line.index("▏")]
        assert before.rstrip().endswith("n Next unread m Read")  # as many keys as fit, whole:
        assert before.rstrip() == before.rstrip(" S")  # "s Star" is not cut to "s S"


def test_the_keys_sheet_keeps_what_keys_do_and_drops_their_ids_when_narrow() -> None:
    from rich.console import Console

    from tui_news.ui.screens import KeysTable

    groups = [
        ("Everywhere", [("q", "Quit", "quit"), ("shift+tab", "Previous pane", "previous_pane")])
    ]

    def drawn(width: int) -> list[str]:
        console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(KeysTable(groups))
        return [line.rstrip() for line in console.export_text().splitlines()]

    wide = drawn(60)
    (row,) = [line for line in wide if line.startswith("shift+tab")]
    assert row.split() == ["shift+tab", "Previous", "pane", "previous_pane"]
    assert "by the id in the last column" in " ".join(" ".join(wide).split())
    narrow = drawn(34)  # the sheet at 50 columns
    (row,) = [line for line in narrow if line.startswith("shift+tab")]
    assert row.split() == ["shift+tab", "Previous", "pane"]
    assert not any("previous" in line or "quit" in line for line in narrow)
    assert any("Rebind keys" in line for line in narrow)
