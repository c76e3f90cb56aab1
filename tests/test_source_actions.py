"""In the app: e renames a source or moves it to a section, keeping marks; adding a first
source of one's own offers once to remove the sample library."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.conftest import seed_article
from tests.fixtures import library, notices, settle
from tui_news.core.models import View
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp
from tui_news.ui.screens import ConfirmScreen, EditSourceScreen


async def three_notes(reader: Reader, tmp_path: Path) -> Path:
    """A folder of three plain notes, added as a source."""
    folder = tmp_path / "notes"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(f"Plain {name}\n\nBody.\n")
    await asyncio.to_thread(reader.add, str(folder))
    return folder


async def test_e_renames_a_folder_and_moves_it_keeping_every_mark(
    reader: Reader, tmp_path: Path
) -> None:
    await three_notes(reader, tmp_path)
    first, second = list(reader.view_ids(View()))[:2]
    reader.set_read([first])
    reader.set_starred(second, True)
    app = NewsApp(reader)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, EditSourceScreen)
        dialog = app.screen.query_one("#dialog").region  # in the middle, as every dialog
        assert abs(dialog.x * 2 + dialog.width - 100) <= 1
        assert abs(dialog.y * 2 + dialog.height - 30) <= 1
        await pilot.press("ctrl+u", *"My notes", "tab", *"Local", "enter")
        await settle(app, pilot)
        assert len(app.screen_stack) == 1
        assert "My notes is in Local; every mark kept." in [n.message for n in app._notifications]
    (source,) = reader.sources()
    assert (source.name, source.section) == ("My notes", "Local")
    assert {a.section for a in reader.articles(View())} == {"Local"}
    assert reader.count(View(unread=True)) == 2 and reader.count(View(starred=True)) == 1


async def test_adding_a_first_own_source_offers_to_remove_the_sample_once(
    reader: Reader, tmp_path: Path
) -> None:
    assert reader.offer_sample()
    await asyncio.to_thread(reader.refresh)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.txt").write_text(seed_article("World", "My Own Story"))
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("a", *str(mine), "enter")
        await settle(app, pilot)
        for _ in range(200):  # the add runs in a thread
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Remove Sample library (16 articles)" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
    assert [s.name for s in reader.sources()] == ["mine"]
    assert [a.title for a in reader.articles(View())] == ["My Own Story"]
    assert reader.sample_removal_offer() is None  # offered once


async def test_from_the_sidebar_d_and_e_act_on_its_entry_not_a_hidden_headline(
    reader: Reader, news: Path, tmp_path: Path
) -> None:
    """On All in the sidebar, the headline the list's cursor was left on is out of mind: d
    and e ask for a source rather than act on that headline's."""
    library(reader, news)
    other = tmp_path / "notes"
    other.mkdir()
    (other / "a.txt").write_text("A note\n\nBody.\n")
    reader.add(str(other))  # two sources: All is neither
    app = NewsApp(reader)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        app.sidebar.focus()
        await settle(app, pilot)
        for key in ("d", "e"):
            await pilot.press(key)
            await settle(app, pilot)
            assert len(app.screen_stack) == 1  # no dialog about a source
        told = notices(app, "warning")
        assert any("Choose a source" in n and "remove" in n for n in told)
        assert any("Choose a source" in n and "edit" in n for n in told)
        app.headlines.focus()  # in the list, the headline's source is meant
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)


async def test_d_names_the_starred_articles_it_would_remove_and_enter_keeps_them(
    reader: Reader, tmp_path: Path
) -> None:
    await three_notes(reader, tmp_path)
    reader.set_starred(next(iter(reader.view_ids(View()))), True)
    app = NewsApp(reader)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.endswith("and its 3 articles, 1 of them starred?")
        await pilot.press("enter")  # the key pressed everywhere else: no
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert len(reader.articles(View())) == 3
        await pilot.press("d", "y")
        await settle(app, pilot)
    assert reader.articles(View()) == []
