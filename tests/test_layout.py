"""The screen goes to what is being read: targets at 80x24, three panes at 200x50, and the
sections stepping aside on tiny terminals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import seed_article
from tests.fixtures import library, line_text, settle
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp


def many_articles(folder: Path, count: int = 40) -> Path:
    """``count`` articles in two sections, each long enough to fill a screen."""
    paragraphs = [
        f"Paragraph {n}: " + "the harbour reopened after the storm " * 6 for n in range(12)
    ]
    for index in range(count):
        section = "World" if index % 2 else "Science"
        path = folder / f"{index:03}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(seed_article(section, f"Story number {index}", *paragraphs))
        os.utime(path, (1_700_000_000 + index * 60, 1_700_000_000 + index * 60))
    return folder


def headline_rows(app: NewsApp) -> int:
    """How many headlines are on the screen."""
    headlines = app.headlines
    if not headlines.display or not app.headline_pane.display:
        return 0
    height = headlines.scrollable_content_region.height
    return sum(1 for y in range(height) if "Story number" in line_text(headlines, y))


def article_lines(app: NewsApp) -> int:
    """How many lines of the article view are on the screen."""
    view = app.article_view
    return view.scrollable_content_region.height if view.display and view.region.height else 0


async def test_at_80x24_the_headlines_or_the_article_get_the_screen(
    reader: Reader, tmp_path: Path
) -> None:
    app = NewsApp(library(reader, many_articles(tmp_path / "news")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert headline_rows(app) >= 18  # no article open: the headlines have the height
        assert article_lines(app) == 0
        await pilot.press("enter")
        await settle(app, pilot)
        assert article_lines(app) >= 16  # an article open: most of it is the article's
        assert headline_rows(app) >= 2  # the headline being read stays in sight
        assert "Story number 39" in line_text(app.article_view, 1)
        await pilot.press("z")  # the whole screen
        await settle(app, pilot)
        assert article_lines(app) >= 20 and app.screen.maximized is app.article_view
        assert app.focused is app.article_view
        await pilot.press("z")
        await settle(app, pilot)
        assert app.screen.maximized is None and article_lines(app) >= 16
        await pilot.press("escape", "escape")  # to the headlines, and the article closes
        await settle(app, pilot)
        assert app.article_view.article is None
        assert headline_rows(app) >= 18 and article_lines(app) == 0


async def test_at_200x50_three_panes_stay_side_by_side(reader: Reader, tmp_path: Path) -> None:
    app = NewsApp(library(reader, many_articles(tmp_path / "news")))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        sidebar, pane, article = (
            app.sidebar.region,
            app.headline_pane.region,
            app.article_view.region,
        )
        assert sidebar.x < pane.x < article.x and sidebar.y == pane.y == article.y
        assert article.height == pane.height >= 45  # the article pane waits, empty
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.article_view.region == article and headline_rows(app) == 40  # all of them
        assert article_lines(app) >= 45


async def test_on_a_tiny_terminal_the_sections_step_aside_until_called(
    reader: Reader, tmp_path: Path
) -> None:
    app = NewsApp(library(reader, many_articles(tmp_path / "news")))
    async with app.run_test(size=(50, 16)) as pilot:
        await settle(app, pilot)
        assert app.sidebar.region.width == 0
        assert app.headline_pane.region.width == 50 and headline_rows(app) >= 10
        await pilot.press("escape")  # back, to the sections: they take the screen
        await settle(app, pilot)
        assert app.focused is app.sidebar and app.sidebar.region.width == 50
        assert app.headline_pane.region.width == 0
        await pilot.press("j", "j", "j", "j", "enter")  # All, Unread, Starred, Top, Science
        await settle(app, pilot)
        assert app.focused is app.headlines and app.view.section == "Science"
        assert app.sidebar.region.width == 0 and headline_rows(app) >= 10


async def test_rows_name_their_source_where_sources_mix(reader: Reader, tmp_path: Path) -> None:
    library(reader, many_articles(tmp_path / "wire", count=3))
    app = NewsApp(reader)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "wire" not in line_text(app.headlines, 0)  # one source: nothing to tell apart
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "a.txt").write_text(seed_article("World", "Story number 99"))
    reader.add(str(tmp_path / "desk"))
    app = NewsApp(reader)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        rows = [line_text(app.headlines, y) for y in range(4)]
        assert sum("wire" in row for row in rows) == 3 and sum("desk" in row for row in rows) == 1
        assert all(
            row.index("Story") > row.index("wire" if "wire" in row else "desk") for row in rows
        )


async def test_the_match_count_goes_when_the_field_is_cleared(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "z", "z", "q")
        await settle(app, pilot)
        assert app.search_bar.note.text.startswith("0 matches · titles in All")
        await pilot.press("backspace", "backspace", "backspace")
        await settle(app, pilot)
        assert app.search_bar.note.text.startswith("titles in All")
        assert len(app.headlines.ids) == 5


async def test_at_20_columns_the_headlines_show_and_keep_their_titles(
    reader: Reader, news: Path
) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(20, 10)) as pilot:
        await settle(app, pilot)
        assert app.sidebar.region.width == 0
        first = line_text(app.headlines, 0)
        assert first.startswith("●  Forest Loss") and len(first) == 17  # and the scrollbar's


def screen_lines(app: NewsApp) -> list[str]:
    """The screen as drawn, line by line."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


async def test_lists_of_other_lengths_and_typing_change_scroll_sizes_not_the_layout(
    reader: Reader, tmp_path: Path
) -> None:
    """A view's ids arriving and a query typed change the list's and the field's scroll sizes
    and scrollbars; the screen is not laid out again for them (~10-20 ms each at 100,000
    articles, on a key). When the list's scrollbar goes, it is (Textual lays out for any
    scrollbar), but the rows keep their width: the scrollbar's column stays, blank."""
    app = NewsApp(library(reader, many_articles(tmp_path / "news", count=81)))
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(app, pilot)
        headlines, screen = app.headlines, app.screen
        height = headlines.scrollable_content_region.height
        layouts: list[bool] = []
        refresh_layout = screen._refresh_layout

        def counted(size: object = None, scroll: bool = False) -> None:
            layouts.append(scroll)
            refresh_layout(size, scroll)  # type: ignore[arg-type]

        screen._refresh_layout = counted  # type: ignore[method-assign]
        app.sidebar.focus()
        await pilot.press("j", "j", "j", "j")  # All to Unread, Starred, Top, Science (41 rows)
        await settle(app, pilot)
        assert app.view.section == "Science"
        layouts.clear()
        await pilot.press("j")  # World (40): its ids are read in a thread, then listed
        await settle(app, pilot)
        assert app.view.section == "World" and len(headlines.ids) == 40 > height
        assert headlines.virtual_size.height == 40
        assert headlines.vertical_scrollbar.window_virtual_size == 40
        assert headlines.max_scroll_y == 40 - height
        assert "Story number 79" in screen_lines(app)[1]  # its newest row, on the screen
        assert layouts == []
        layouts.clear()
        await pilot.press("enter", "slash")
        await settle(app, pilot)
        layouts.clear()
        await pilot.press("s", "t", "o")
        await settle(app, pilot)
        field = app.search_bar.input
        assert field.value == "sto" and field.virtual_size.width == 4  # its text and cursor
        assert len(headlines.ids) == 40 and layouts == []
        await pilot.press("r", "y", "space", "n", "u", "m", "b", "e", "r", "space", "7")
        await settle(app, pilot)
        assert len(headlines.ids) == 6 < height  # stories 7, 71, 73, 75, 77 and 79
        assert not headlines.show_vertical_scrollbar and layouts  # Textual's, for any scrollbar
        assert headlines.scrollable_content_region.width == headlines.region.width - 1  # kept


async def test_headline_rows_keep_their_width_whether_the_list_scrolls_or_not(
    reader: Reader, tmp_path: Path
) -> None:
    """A list longer than the pane shows a scrollbar; a shorter one keeps its room, so no row
    runs up to the border and the titles' room does not change as a view or a filter grows
    past the pane's height."""
    app = NewsApp(library(reader, many_articles(tmp_path / "news", count=44)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        headlines = app.headlines
        assert headlines.virtual_size.height > headlines.scrollable_content_region.height
        scrolling = headlines.scrollable_content_region.width
        world = next(
            n.data for n in app.sidebar.root.children if n.data and n.data.label == "World"
        )
        app.sidebar.select_view(world)
        await settle(app, pilot)
        assert len(headlines.ids) == 22  # the pane's height holds them all
        assert headlines.virtual_size.height <= headlines.scrollable_content_region.height
        assert headlines.scrollable_content_region.width == scrolling
        assert headlines.scrollable_content_region.width < headlines.content_region.width


async def test_sidebar_counts_keep_their_column_when_its_sources_scroll(
    reader: Reader, tmp_path: Path
) -> None:
    """Thirty sources open under their section make the sidebar scroll: its counts stay where
    they were (the scrollbar has a column of its own) and nothing scrolls sideways."""
    for number in range(30):
        folder = tmp_path / f"desk{number}"
        folder.mkdir()
        (folder / "a.txt").write_text(seed_article("World", f"Story {number}", "Text."))
        reader.add(str(folder))
    app = NewsApp(reader)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        sidebar = app.sidebar
        before = [line_text(sidebar, y) for y in range(3)]
        assert before[0].rstrip().endswith("30")  # All: 30 unread
        assert sidebar.virtual_size.height <= sidebar.scrollable_content_region.height
        world = next(n for n in sidebar.root.children if n.data and n.data.label == "World")
        world.expand()
        await settle(app, pilot)
        assert sidebar.virtual_size.height > sidebar.scrollable_content_region.height
        assert sidebar.show_vertical_scrollbar and not sidebar.show_horizontal_scrollbar
        assert [line_text(sidebar, y) for y in range(3)] == before


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_notices_stand_inside_the_panes_clear_of_their_borders(
    reader: Reader, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = NewsApp(library(reader, many_articles(tmp_path / "news")))
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        app.notify("Nothing changed: the feeds answered 304.")
        await pilot.pause()
        toast = app.screen.query_one("Toast").region
        pane = app.query_one("#list-pane" if size[0] < 150 else "#article").region
        # inside the pane's border, its bottom (and the notice on it) left in sight
        assert toast.right <= pane.right - 1 and toast.bottom <= pane.bottom - 1, toast
        assert toast.bottom == size[1] - 2  # right above that border


async def test_a_short_article_view_has_a_short_header_and_the_text_in_sight(
    reader: Reader, tmp_path: Path
) -> None:
    app = NewsApp(library(reader, many_articles(tmp_path / "news")))
    async with app.run_test(size=(80, 15)) as pilot:  # a terminal split in two
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        shown = [line_text(app.article_view, y) for y in range(article_lines(app))]
        assert "Story number 39" in shown[0]  # no blank line above the title
        assert not any("039.txt" in line for line in shown)  # nor the file's address
        assert any("Paragraph 0" in line for line in shown), shown
        await pilot.resize_terminal(80, 24)  # a taller view: the whole header again
        await settle(app, pilot)
        shown = [line_text(app.article_view, y) for y in range(article_lines(app))]
        assert not shown[0].strip() and "Story number 39" in shown[1]
        assert any("039.txt" in line for line in shown)


async def test_a_dialog_on_a_small_terminal_shows_its_questions_whole(
    reader: Reader, tmp_path: Path
) -> None:
    from textual.widgets import Label

    app = NewsApp(library(reader, many_articles(tmp_path / "news")))
    async with app.run_test(size=(45, 15)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        dialog = app.screen.query_one("#dialog").region
        assert dialog.y >= 0 and dialog.bottom <= 15  # on the screen, inputs included
        for label in app.screen.query(Label):
            words = str(label.render()).split()
            drawn = " ".join(line_text(label, y) for y in range(label.region.height)).split()
            assert drawn == words and label.region.right <= dialog.right  # wrapped, not cut


async def test_space_and_b_page_the_article_down_and_up_from_the_headlines(
    reader: Reader, tmp_path: Path
) -> None:
    app = NewsApp(library(reader, many_articles(tmp_path / "news")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter", "space", "space")
        await settle(app, pilot)
        assert app.focused is app.headlines and app.article_view.scroll_offset.y > 0
        down = app.article_view.scroll_offset.y
        await pilot.press("b")
        await settle(app, pilot)
        assert 0 < app.article_view.scroll_offset.y < down
        await pilot.press("b")
        await settle(app, pilot)
        assert app.article_view.scroll_offset.y == 0 and app.focused is app.headlines
