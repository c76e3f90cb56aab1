"""The app driven by keys and the mouse, checked against the screen and the library."""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
import tomllib
import weakref
from pathlib import Path

import pytest
from rich.style import Style
from textual import on

from tests.conftest import seed_article
from tests.fixtures import (
    feed_app,
    library,
    line_text,
    match_segments,
    notices,
    settle,
    showing,
    sidebar_labels,
    stored,
)
from tui_news.core.errors import QueryInterrupted
from tui_news.core.models import View
from tui_news.core.reader import Reader, make_reader
from tui_news.ui import collector, headline_pane
from tui_news.ui.app import NewsApp
from tui_news.ui.headline_pane import HeadlinePane
from tui_news.ui.screens import HelpScreen, ProblemsScreen


async def test_read_through_unread_articles_with_the_keyboard(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.focused is app.headlines
        assert app.headline_pane.border_title == "All · 5"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.focused is app.headlines  # reading keeps the headlines at hand
        seen = [showing(app).title]
        for _ in range(4):
            await pilot.press("space")  # short articles: space at the end opens the next unread
            await settle(app, pilot)
            seen.append(showing(app).title)
        assert seen == [
            "Forest Loss Slows",
            "Ports Reopen After Strike",
            "Water Deal Signed",
            "Rail Line Opens",
            "Comet Spotted",
        ]
        await pilot.press("space")
        await settle(app, pilot)
        assert showing(app).title == "Comet Spotted"
        assert reader.articles(View(unread=True)) == []
        assert "No unread articles left in All." in notices(app)
        labels = sidebar_labels(app)
        assert labels["All"] == ["All"] and labels["Unread"] == ["Unread"]


async def test_n_and_p_move_between_unread_and_sidebar_counts_follow(
    reader: Reader, news: Path
) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert showing(app).title == "Forest Loss Slows"
        assert app.focused is app.headlines  # n reads without leaving the list
        await pilot.press("n", "n")
        await settle(app, pilot)
        assert showing(app).title == "Water Deal Signed"
        assert app.headlines.cursor == 2
        await pilot.press("p")
        await settle(app, pilot)
        # Both earlier ones are read now: p wraps round to the oldest unread, and says so.
        assert showing(app).title == "Comet Spotted"
        assert "No unread articles above in All: down to the last one." in notices(app)
        labels = sidebar_labels(app)
        assert labels["Unread"] == ["Unread", "1"]
        assert labels["World"] == ["World"]
        assert labels["Middle East"] == ["Middle", "East", "1"]


async def test_toggle_read_star_and_mark_all(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        first = app.headlines.current_id
        await pilot.press("m")
        assert stored(reader, first).read
        assert line_text(app.headlines, 0).startswith(" ")
        await pilot.press("m", "s")
        article = stored(reader, first)
        assert not article.read and article.starred
        assert line_text(app.headlines, 0).startswith("●★")
        await settle(app, pilot)
        assert sidebar_labels(app)["Starred"] == ["Starred", "1"]
        await pilot.press("M")
        await settle(app, pilot)
        assert reader.articles(View(unread=True)) == []
        assert all(line_text(app.headlines, y).startswith(" ") for y in range(5))


async def test_sidebar_chooses_the_view(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("shift+tab")
        assert app.focused is app.sidebar
        await pilot.press("j", "j", "j", "j")  # All, Unread, Starred, Top, Middle East
        await settle(app, pilot)
        assert app.view.section == "Middle East"
        assert app.headline_pane.border_title == "Middle East · 2"
        await pilot.press("enter")
        assert app.focused is app.headlines
        await pilot.press("G", "enter")
        await settle(app, pilot)
        assert showing(app).title == "Rail Line Opens"
        await pilot.press("tab")
        assert app.focused is app.article_view
        await pilot.press("tab")
        assert app.focused is app.sidebar
        await pilot.press("tab", "tab")
        assert app.focused is app.article_view
        await pilot.press("escape")  # back out one step at a time: to the headlines,
        assert app.focused is app.headlines
        await pilot.press("escape")  # the article closes,
        assert (app.focused, app.article_view.article) == (app.headlines, None)
        await pilot.press("escape")  # to the sections
        assert app.focused is app.sidebar


async def test_mouse_click_opens_a_headline(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.click("#headlines", offset=(10, 2))  # the third headline
        await settle(app, pilot)
        assert showing(app).title == "Water Deal Signed"
        assert stored(reader, showing(app).id).read


async def test_hostile_title_is_shown_literally(reader: Reader, tmp_path: Path) -> None:
    folder = tmp_path / "evil"
    folder.mkdir()
    title = "[bold red]x[/] \x1b]52;c;cHduZWQ=\x07 \x1b[2J end"
    (folder / "a.txt").write_text(seed_article("World", title, "[link=https://evil]click[/link]"))
    app = NewsApp(library(reader, folder))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        row = line_text(app.headlines, 0)
        assert "[bold red]x[/] end" in row
        await pilot.press("enter")
        await settle(app, pilot)
        lines = [line_text(app.article_view, y) for y in range(12)]
        assert any("[bold red]x[/] end" in line for line in lines)
        assert any("[link=https://evil]click[/link]" in line for line in lines)
        assert not any("\x1b" in line or "\x07" in line for line in [row, *lines])


async def test_help_problems_and_palette(reader: Reader, news: Path) -> None:
    (news / "empty.txt").write_bytes(b"")
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        groups = dict(app.key_groups())
        assert ("n", "Next unread", "next_unread") in groups["Everywhere"]
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, ProblemsScreen)
        assert app.screen.sheet_title == "Problems (1)"
        await pilot.press("escape")
        commands = list(app.get_system_commands(app.screen))
        assert {"Mark all read", "Next unread", "Go to Middle East"} <= {c.title for c in commands}
        # and Textual's own, which it titles "Change theme" before 6.4 and "Theme" after
        assert "Change the current theme" in {c.help for c in commands}


async def test_theme_is_remembered_and_keys_rebound(data_dir: Path, news: Path) -> None:
    data_dir.mkdir()
    (data_dir / "config.toml").write_text('# mine\n[keys]\nnext_unread = "x"\n')
    reader = library(make_reader(data_dir), news)
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert showing(app).title == "Forest Loss Slows"
        app.theme = "nord"
        await pilot.pause()
    config = (data_dir / "config.toml").read_text()
    assert config.startswith("# mine\n")
    assert tomllib.loads(config) == {"theme": "nord", "keys": {"next_unread": "x"}}
    app = NewsApp(make_reader(data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.theme == "nord"


async def test_a_16_colour_terminal_gets_its_own_palette_unless_a_theme_is_chosen(
    data_dir: Path, news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = NewsApp(library(make_reader(data_dir), news))
    assert app.console.color_system == "standard"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.theme == "tui-news-16"
    assert not (data_dir / "config.toml").exists()  # chosen for the terminal, not saved
    (data_dir / "config.toml").write_text('theme = "nord"\n')
    app = NewsApp(make_reader(data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.theme == "nord"
    monkeypatch.setenv("TERM", "xterm-256color")
    (data_dir / "config.toml").unlink()
    app = NewsApp(make_reader(data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-dark"


async def test_empty_library_says_how_to_start(reader: Reader) -> None:
    app = NewsApp(reader)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "press a to add a feed or a folder" in line_text(app.headlines, 1)


async def test_space_pages_a_long_article_then_moves_on(reader: Reader, tmp_path: Path) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    paragraphs = [f"Paragraph {n} " + "word " * 40 for n in range(30)]
    (folder / "a.txt").write_text(seed_article("World", "Long Read", *paragraphs))
    (folder / "b.txt").write_text(seed_article("World", "Short One"))
    for index, name in enumerate(["b.txt", "a.txt"]):
        os.utime(folder / name, (1_700_000_000 + index, 1_700_000_000 + index))
    app = NewsApp(library(reader, folder))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert showing(app).title == "Long Read"
        offsets: list[float] = []
        while showing(app).title == "Long Read" and len(offsets) < 40:
            offsets.append(app.article_view.scroll_offset.y)
            await pilot.press("space")
            await settle(app, pilot)
        assert len(offsets) > 3 and offsets == sorted(offsets) and offsets[-1] > 0
        assert showing(app).title == "Short One"
        await pilot.press("tab")
        assert app.focused is app.article_view
        await pilot.press("p")
        await settle(app, pilot)
        # Both are read: p finds no other unread article and says so.
        assert "No unread articles left in All." in notices(app)


async def test_add_and_remove_a_feed_in_the_app(reader: Reader, server) -> None:
    from tests.feedserver import Route, rss
    from tui_news.ui.screens import AddSourceScreen, ConfirmScreen

    server.routes["/feed"] = Route(rss("Planet News", [{"title": "Moon Landing", "guid": "1"}]))
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        assert isinstance(app.screen, AddSourceScreen)
        await pilot.press(*server.url("/feed"))
        await pilot.press("tab", *"Space", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert [s.name for s in reader.sources()] == ["Planet News"]
        assert sidebar_labels(app)["Space"] == ["Space", "1"]
        assert "Moon Landing" in line_text(app.headlines, 0)
        await pilot.press("shift+tab", "j", "j", "j", "j")
        await settle(app, pilot)
        assert app.view.section == "Space"
        current = app.headlines.current_id
        assert current is not None
        app.open_article(current)
        await settle(app, pilot)
        assert str(app.article_view.border_title) == "Space"
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert len(reader.sources()) == 1
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert reader.sources() == []
        assert "Space" not in sidebar_labels(app)
        assert app.article_view.article is None
        assert str(app.article_view.border_title) == "Article"  # not the removed one's section


async def test_a_sidebar_move_lists_its_view_in_the_same_frame(
    reader: Reader, news: Path, tmp_path: Path
) -> None:
    """Moving the sidebar's cursor lists a plain view's first rows in the key's own
    handling, so that the cursor and the headlines are drawn in one frame; a frame between
    them, then a thread and a message, took a move 34-45 ms at 100,000 articles. A
    rebuilt sidebar (a new section) puts its cursor back without listing anything."""
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sidebar = app.sidebar

        def at_cursor() -> View | None:
            node = sidebar.cursor_node
            return None if node is None else node.data

        sidebar.focus()
        sidebar.action_cursor_down()  # Unread: no message, no thread, no frame in between
        assert app.headline_pane.listed == app.view == at_cursor()
        assert app.view.label == "Unread"
        sidebar.action_cursor_down()  # Starred
        listed = app.headline_pane.listed
        assert listed is not None and listed.label == "Starred"
        folder = tmp_path / "more"
        folder.mkdir()
        (folder / "a.txt").write_text(seed_article("Aardvarks", "First Aardvark"))
        reader.add(str(folder))
        app.load_counts()
        await settle(app, pilot)
        assert "Aardvarks" in sidebar_labels(app)  # rebuilt
        assert app.headline_pane.listed == listed and at_cursor() == listed


async def test_the_sidebar_cursor_finds_a_source_in_a_closed_section(
    reader: Reader, tmp_path: Path
) -> None:
    """Putting the cursor on a source opens its section and lands on it (its line is laid out
    first), not on All."""
    from tests.feedserver import rss

    for name in ("Gazette", "Herald"):
        path = tmp_path / f"{name}.xml"
        path.write_bytes(rss(name, [{"title": f"{name} Story", "guid": name}]))
        reader.add(str(path), section="World")
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sidebar = app.sidebar
        world = next(n for n in sidebar.root.children if n.data and n.data.section == "World")
        assert len(world.children) == 2 and not world.is_expanded
        herald = world.children[1].data
        assert herald is not None and herald.source_id is not None
        sidebar.select_view(herald, quiet=True)
        assert world.is_expanded
        assert sidebar.cursor_node is not None and sidebar.cursor_node.data == herald


async def test_space_on_a_section_of_one_source_names_it(reader: Reader, tmp_path: Path) -> None:
    """The footer offers "space Sources", which did nothing on a section of one source."""
    from tests.feedserver import rss

    for name, section in (("Gazette", "World"), ("Herald", "World"), ("Courier", "Sport")):
        path = tmp_path / f"{name}.xml"
        path.write_bytes(rss(name, [{"title": f"{name} Story", "guid": name}]))
        reader.add(str(path), section=section)
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sidebar = app.sidebar
        sport, world = (
            next(n for n in sidebar.root.children if n.data and n.data.section == name)
            for name in ("Sport", "World")
        )
        sidebar.focus()
        sidebar.move_cursor(sport)
        await pilot.press("space")
        await settle(app, pilot)
        assert notices(app)[-1] == "Sport has one source: Courier."
        sidebar.move_cursor(world)
        await pilot.press("space")  # two sources: shown, as before
        await settle(app, pilot)
        assert world.is_expanded


async def test_failing_feed_is_marked_in_the_sidebar(reader: Reader, server) -> None:
    from tests.feedserver import Route, rss

    server.routes["/feed"] = Route(rss("Flaky", [{"title": "Kept", "guid": "1"}]))
    await asyncio.to_thread(reader.add, server.url("/feed"))  # add() runs its own event loop
    server.routes["/feed"] = Route(b"", status=500, content_type="text/plain")
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)  # the start-up refresh fails for this feed
        assert sidebar_labels(app)["Flaky"][0] == "⚠"
        await pilot.press("shift+tab", "j", "j", "j", "j")
        await settle(app, pilot)
        assert app.headline_pane.border_subtitle == (
            "⚠ Flaky: the server answered HTTP 500 Internal Server Error"
        )
        assert "Kept" in line_text(app.headlines, 0)


async def test_sources_failing_for_one_reason_say_it_once(reader: Reader, server) -> None:
    """A sync account's server down fails each of its feeds the same way: "⚠ 4 sources
    failed (! shows why)" hid that one reason explained them all."""
    from tests.feedserver import Route, rss

    for name in ("Gazette", "Herald"):
        server.routes[f"/{name}"] = Route(rss(name, [{"title": f"{name} Kept", "guid": "1"}]))
        await asyncio.to_thread(reader.add, server.url(f"/{name}"), "World")
        server.routes[f"/{name}"] = Route(b"", status=500, content_type="text/plain")
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)  # the start-up refresh fails for both
        assert app.headline_pane.border_subtitle == (
            "⚠ 2 sources failed: the server answered HTTP 500 Internal Server Error"
        )


async def test_big_refresh_parses_in_other_processes_under_the_app(reader: Reader, server) -> None:
    # 40 feeds or more are parsed in a process pool; starting it under a running app (whose
    # stderr is replaced) once failed with "bad value(s) in fds_to_keep".
    from tests.feedserver import Route, rss

    for n in range(40):
        server.routes[f"/f{n}"] = Route(rss(f"Feed {n}", [{"title": f"Story {n}", "guid": "1"}]))
        reader.store.add_source("feed", server.url(f"/f{n}"), "", "Many")
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)  # the start-up refresh
        assert reader.failures() == {}
        assert len(reader.articles(View())) == 40
        assert sidebar_labels(app)["Many"] == ["▶", "Many", "40"]
        assert not notices(app, "error")


async def test_auto_refresh_follows_the_config(reader: Reader, server) -> None:
    from tests.feedserver import Route, rss

    server.routes["/feed"] = Route(rss("Ticker", [{"title": "First", "guid": "1"}]))
    await asyncio.to_thread(reader.add, server.url("/feed"))
    server.routes["/feed"] = Route(
        rss("Ticker", [{"title": "First", "guid": "1"}, {"title": "Second", "guid": "2"}])
    )
    reader.config.refresh_on_start = False  # only the interval can bring "Second"
    reader.config.refresh_minutes = 0.005  # every 0.3 s
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(50):
            await asyncio.sleep(0.1)
            await settle(app, pilot)
            if len(reader.articles(View())) == 2:
                break
        assert len(server.paths()) >= 2
        assert {a.title for a in reader.articles(View())} == {"First", "Second"}
        assert "Second" in line_text(app.headlines, 0) + line_text(app.headlines, 1)


async def test_numbered_links_open_in_the_browser(reader: Reader, server) -> None:
    from tests.feedserver import rss

    body = (
        "&lt;p&gt;See &lt;a href='https://one.example/'&gt;one&lt;/a&gt; and "
        "&lt;a href='/two'&gt;two&lt;/a&gt; and "
        "&lt;a href='javascript:x()'&gt;bad&lt;/a&gt;&lt;/p&gt;"
    )
    item = {"title": "Linked", "guid": "1", "link": "https://news.example/a", "description": body}
    app, opened = await feed_app(reader, server, rss("Links", [item]))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.article_view.links == {1: "https://one.example/", 2: "https://news.example/two"}
        await pilot.press("2", "o", "3")
        await settle(app, pilot)
        assert opened == ["https://news.example/two", "https://news.example/a"]
        assert "This article has no link [3]." in notices(app)


async def test_link_keys_with_no_article_say_so(reader: Reader, server) -> None:
    from tests.feedserver import rss

    app, opened = await feed_app(reader, server, rss("Empty", []))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for key in ("o", "y", "f"):
            await pilot.press(key)
            await settle(app, pilot)
            assert notices(app)[-1] == "No article here."
        assert opened == []


async def test_links_past_nine_open_by_their_whole_number(reader: Reader, server) -> None:
    from tests.feedserver import rss
    from tui_news.ui.screens import LinkNumberScreen

    links = " ".join(f"&lt;a href='/p{n}'&gt;page {n}&lt;/a&gt;" for n in range(1, 15))
    item = {"title": "Many", "guid": "1", "link": "https://news.example/a", "description": links}
    app, opened = await feed_app(reader, server, rss("Links", [item]))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert max(app.article_view.links) == 14
        await pilot.press("3")  # no link [30] and more: opens at once
        await settle(app, pilot)
        assert opened == ["https://news.example/p3"]
        await pilot.press("1", "2")  # [1] or [10] to [14]: the second digit settles it
        await settle(app, pilot)
        assert opened[1:] == ["https://news.example/p12"]
        assert not isinstance(app.screen, LinkNumberScreen)
        await pilot.press("1")
        await settle(app, pilot)
        assert isinstance(app.screen, LinkNumberScreen)
        await pilot.press("enter")  # [1] itself
        await settle(app, pilot)
        await pilot.press("1", "escape")
        await settle(app, pilot)
        assert opened[2:] == ["https://news.example/p1"]
        assert not isinstance(app.screen, LinkNumberScreen)


async def test_marking_many_articles_read_asks_first(reader: Reader, tmp_path: Path) -> None:
    from tui_news.ui.screens import ConfirmScreen

    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(60):
        (folder / f"{n}.txt").write_text(seed_article("World", f"Story {n}"))
    app = NewsApp(library(reader, folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("M")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Mark all 60 unread headlines in All read?"
        await pilot.press("n")
        assert len(reader.articles(View(unread=True))) == 60
        await pilot.press("M", "y")
        await settle(app, pilot)
        assert reader.articles(View(unread=True)) == []
        assert "Marked 60 headlines read in All." in notices(app)


async def test_search_filters_as_you_type_and_opens_a_result(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        before = app.headlines.current_id
        await pilot.press("slash")
        assert app.focused is app.search_bar.input
        await pilot.press("r", "a")
        await settle(app, pilot)
        assert [line_text(app.headlines, 0).strip().endswith("Rail Line Opens")] == [True]
        assert len(app.headlines.ids) == 1
        assert app.headline_pane.border_title == "All · search"
        assert app.search_bar.note.text.startswith("1 match · titles in All")
        assert match_segments(app, 0) == ["Ra"]  # the typed prefix is marked in the title
        await pilot.press("i", "l", "space", "l", "i", "n", "e")
        await settle(app, pilot)
        assert match_segments(app, 0) == ["Rail", "Line"]
        await pilot.press("enter")
        assert app.focused is app.headlines
        await pilot.press("enter")
        await settle(app, pilot)
        assert showing(app).title == "Rail Line Opens"
        assert stored(reader, showing(app).id).read
        read = showing(app).id
        assert read != before
        await pilot.press("escape")  # back to the whole list, on the article read
        await settle(app, pilot)
        assert len(app.headlines.ids) == 5 and app.headlines.current_id == read
        assert showing(app).id == read  # still open: s and m act on what is read
        assert not app.search_bar.has_class("-active")
        assert app.headlines.highlight == ()
        await pilot.press("s")
        await settle(app, pilot)
        assert stored(reader, read).starred
        await pilot.press("k")
        before = app.headlines.current_id
        await pilot.press("slash", "z", "z", "z")
        await settle(app, pilot)
        assert "Nothing matches." in line_text(app.headlines, 1)
        await pilot.press("escape")  # escape in the field also restores the list
        await settle(app, pilot)
        assert len(app.headlines.ids) == 5 and app.focused is app.headlines
        assert app.headlines.current_id == before  # nothing opened: where it was


async def test_leaving_a_search_closes_a_result_the_list_does_not_hold(
    reader: Reader, news: Path
) -> None:
    """An article opened from a whole-library search, from another section, is closed when
    escape puts the section's list back: the cursor is on one of the section's articles, and
    s or m would act on that one, not on the article read."""
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        app.go_to(View("World", section="World"))
        await settle(app, pilot)
        before = app.headlines.current_id
        await pilot.press("slash", *"trains", "ctrl+l")  # a body word of Middle East's
        await settle(app, pilot)
        assert [stored(reader, i).title for i in app.headlines.ids] == ["Rail Line Opens"]
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert showing(app).title == "Rail Line Opens"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.view.section == "World" and app.headlines.current_id == before
        assert app.article_view.article is None
        await pilot.press("s")
        await settle(app, pilot)
        starred = [a.title for a in reader.articles(View(starred=True))]
        assert starred == [stored(reader, before).title]  # the row the cursor is on


async def test_search_widens_saves_and_removes(reader: Reader, news: Path) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        app.go_to(View("World", section="World"))
        await pilot.press("slash", "p", "o", "r", "t")
        await settle(app, pilot)
        assert len(app.headlines.ids) == 1
        await pilot.press("ctrl+s")
        await pilot.press("enter")  # the name offered is the query, without the prefix's *
        await settle(app, pilot)
        assert [(s.name, s.query) for s in reader.saved_searches()] == [
            ("port", 'section:"World" port*')
        ]
        await pilot.press(*"s -comet")  # "s" then an exclusion: nothing in World has "ports s"
        await pilot.press("ctrl+u", *"trains")  # a body word: no title in World has it
        await settle(app, pilot)
        assert app.headlines.ids.tolist() == []
        await pilot.press("ctrl+l")  # the whole library, titles and text
        await settle(app, pilot)
        assert [stored(reader, i).title for i in app.headlines.ids] == ["Rail Line Opens"]
        assert app.headline_pane.border_title == "Whole library · search"
        assert app.search_bar.note.text.startswith("1 match · whole library, best first")
        app.search_bar.input.insert_text_at_cursor(" is:maybe")  # pasted in one go
        await settle(app, pilot)
        assert "is: takes unread" in app.search_bar.note.text
        assert app.search_bar.note.has_class("-hint")
        assert len(app.headlines.ids) == 1  # the last results stay while the query is wrong
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("backspace", "backspace", "backspace", "backspace", "ctrl+s")
        await pilot.press("ctrl+u", *"Trains", "enter")
        await settle(app, pilot)
        saved = {search.name: search.query for search in reader.saved_searches()}
        assert saved == {"port": 'section:"World" port*', "Trains": "trains*"}
        labels = sidebar_labels(app)
        assert labels["Trains"] == ["⌕", "Trains", "1"]  # with its unread count
        assert labels["port"] == ["⌕", "port", "1"]
        await pilot.press("escape")
        await settle(app, pilot)
        trains = next(
            n.data for n in app.sidebar.root.children if n.data and n.data.label == "Trains"
        )
        app.sidebar.select_view(trains)
        await settle(app, pilot)
        assert [stored(reader, i).title for i in app.headlines.ids] == ["Rail Line Opens"]
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert [search.name for search in reader.saved_searches()] == ["port"]
        assert "Trains" not in sidebar_labels(app)
        assert app.view.label == "All"


def slowly(monkeypatch: pytest.MonkeyPatch, reader: Reader) -> None:
    """A query's rows take longer to read than a key's frame waits for them."""
    listed = reader.view_ids

    def slow(view: View, *args: object, **kwargs: object) -> object:
        if view.query is not None:
            time.sleep(headline_pane.QUICK_RANKED_SECONDS * 2)
        return listed(view, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "view_ids", slow)


async def test_a_slow_search_finishes_in_a_thread(
    reader: Reader, news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        slowly(monkeypatch, reader)
        await pilot.press("slash", *"water")
        await settle(app, pilot)
        assert [stored(reader, i).title for i in app.headlines.ids] == ["Water Deal Signed"]
        assert app.search_bar.note.text.startswith("1 match")
        assert match_segments(app, 0) == ["Water"]


async def test_config_problems_are_shown_and_dates_follow_the_format(
    reader: Reader, news: Path, data_dir: Path
) -> None:
    from datetime import datetime

    from tui_news.core.config import Config

    (data_dir / "config.toml").write_text('date_format = "%Y/%m/%d"\nrefresh_minutes = "x"\n')
    reader.config = Config.load(data_dir / "config.toml")
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        messages = notices(app)
        assert any("refresh_minutes must be a number 0 or more" in m for m in messages)
        await pilot.press("enter")
        await settle(app, pilot)
        article = showing(app)
        day = datetime.fromtimestamp(article.published).strftime("%Y/%m/%d")
        lines = [line_text(app.article_view, y) for y in range(6)]
        assert any(f"· {day}" in line for line in lines), lines


async def test_f_fetches_the_full_article(reader: Reader, server) -> None:
    from tests.feedserver import Route, rss
    from tests.test_full_text import PAGE

    item = {"title": "Harbour", "guid": "h", "link": server.url("/page"), "description": "Short."}
    server.routes["/page"] = Route(PAGE.encode(), content_type="text/html")
    app, _ = await feed_app(reader, server, rss("Coast", [item]))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter", "f")
        await settle(app, pilot)
        shown = "\n".join(line_text(app.article_view, y) for y in range(30))
        assert "lighthouse that was rebuilt" in shown
        assert "full article" in shown  # marked in the header
        assert stored(reader, showing(app).id).full_text_at is not None


async def test_the_article_view_renders_html_elements(reader: Reader, tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Rendering</title></head><body><article>"
        "<h2>A heading</h2>"
        "<p>Words in <b>bold</b>, <em>italic</em> and <code>code()</code>, with a "
        '<a href="https://example.org/a">link</a>.</p>'
        "<ul><li>first</li><li>second</li></ul><ol><li>one</li><li>two</li></ol>"
        "<blockquote>Quoted words</blockquote><pre>x = 1\n  y = 2</pre>"
        "<table><tr><th>City</th><th>Rain</th></tr><tr><td>Oslo</td><td>12</td></tr></table>"
        '<img src="m.png" alt="A map">'
        "</article></body></html>"
    )
    reader.add(str(page))
    reader.config.images = "off"  # pictures as text (test_article_pictures.py draws them)
    app = NewsApp(reader)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        rows = {line_text(app.article_view, y).strip(): y for y in range(40)}

        def segments(text: str) -> dict[str, Style]:
            line = app.article_view.render_line(rows[next(r for r in rows if text in r)])
            return {s.text: s.style for s in line if s.text.strip() and s.style}

        for expected in [
            "A heading",
            "• first",
            "• second",
            "1. one",
            "2. two",
            "│ Quoted words",
            "x = 1",
            "y = 2",
            "City │ Rain",
            "Oslo │ 12",
            "[image: A map]",
            "[1] https://example.org/a",
        ]:
            assert any(expected in row for row in rows), expected
        words = segments("Words in")
        assert words["bold"].bold and words["italic"].italic
        assert not any(style.bold for text, style in words.items() if "Words" in text)
        assert segments("City │ Rain")["City │ Rain"].bold  # the header row
        assert "link [1]." in next(r for r in rows if "Words in" in r)
        assert app.article_view.links == {1: "https://example.org/a"}


async def test_enclosures_show_in_the_header_and_open_by_number(reader: Reader, server) -> None:
    from tests.test_enclosures import RSS

    app, opened = await feed_app(reader, server, RSS)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        header = [line_text(app.article_view, y).strip() for y in range(8)]
        assert "Attached: audio/mpeg, 23.4 MB [2]" in header
        await pilot.press("2")
        await settle(app, pilot)
        assert opened == [server.url("/media/ep1.mp3")]


async def test_a_huge_article_opens_at_once_and_builds_the_rest(
    reader: Reader, tmp_path: Path
) -> None:
    story = tmp_path / "huge" / "story.txt"
    story.parent.mkdir()
    paragraphs = [f"Paragraph {n} " + "with words that wrap " * 12 for n in range(3000)]
    story.write_text(seed_article("World", "A Huge Story", *paragraphs, "The very last words."))
    reader.add(str(story.parent))
    app = NewsApp(reader)
    async with app.run_test(size=(200, 50)) as pilot:  # the article pane is always there
        await settle(app, pilot)
        view = app.article_view
        current = app.headlines.current_id
        assert current is not None
        app.open_article(current)  # as enter does, without yielding
        assert view.building and view.lines_built < 1000  # not all at once
        assert "A Huge Story" in line_text(view, 1)
        await pilot.press("tab", "G")
        await pilot.pause()
        last = [line_text(view, y) for y in range(view.scrollable_content_region.height)]
        assert any("The very last words." in line for line in last)
        assert not view.building


def test_a_search_saved_in_a_source_keeps_that_source() -> None:
    from tui_news.ui.headline_pane import Searching

    base = View("World › Wire › Desk", section="World", source_id=3, unread=True)
    assert Searching(base, None).filters("Wire › Desk") == (
        'section:"World" source:"Wire › Desk" is:unread'
    )
    assert Searching(base, None, wide=True).filters("Wire › Desk") == ""


async def test_a_large_view_shows_its_first_rows_then_all(
    reader: Reader, news: Path, monkeypatch
) -> None:
    """A view larger than FIRST_ROWS is drawn from its first rows at once ("All · 2+"), then
    from all of them read in a thread, with the cursor where the reader left it."""
    monkeypatch.setattr(headline_pane, "FIRST_ROWS", 2)
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        app.show_view(app.view)
        assert len(app.headlines.ids) == 2 and app.headline_pane.border_title == "All · 2+"
        await pilot.press("j")
        second = app.headlines.current_id
        await settle(app, pilot)
        assert len(app.headlines.ids) == 5 and app.headline_pane.border_title == "All · 5"
        assert app.headlines.current_id == second
        assert list(app.headlines.ids) == list(reader.view_ids(app.view))


async def test_a_view_chosen_before_the_last_ones_rest_is_read_is_listed_whole(
    reader: Reader, news: Path, monkeypatch
) -> None:
    """The rest of a view listed from its first rows is read once they are drawn: a view
    chosen meanwhile (moving through the sidebar) is listed whole, not the one before."""
    monkeypatch.setattr(headline_pane, "FIRST_ROWS", 2)
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        unread = View("Unread", unread=True)
        reader.set_read([reader.view_ids(View())[0]])
        app.show_view(View())  # its first two rows, the rest to come
        app.headline_pane.load_view(unread)
        await settle(app, pilot)
        assert app.headline_pane.listed == unread
        assert list(app.headlines.ids) == list(reader.view_ids(unread))
        assert len(app.headlines.ids) == 4 and app.headline_pane.border_title == "Unread · 4"


class ListingApp(NewsApp):
    """Records each listing of the headline list: (rows, whether all of the view)."""

    def __init__(self, reader: Reader) -> None:
        super().__init__(reader)
        self.listings: list[tuple[int, bool]] = []

    @on(HeadlinePane.Listed)
    def record(self, message: HeadlinePane.Listed) -> None:
        self.listings.append((message.count, message.whole))


@pytest.mark.parametrize("quick", [True, False])
async def test_a_filter_shows_its_first_rows_then_all(
    reader: Reader, news: Path, monkeypatch: pytest.MonkeyPatch, quick: bool
) -> None:
    """A filter lists its first FIRST_ROWS rows (read in the list's order) in the key's frame,
    or from a thread when that is too slow ("searching…"), then all of them from a thread, in
    the same order."""
    monkeypatch.setattr(headline_pane, "FIRST_ROWS", 2)
    app = ListingApp(library(reader, news))
    shown = app.listings
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        if not quick:
            slowly(monkeypatch, reader)
        await pilot.press("slash")
        await settle(app, pilot)
        shown.clear()
        await pilot.press("s")
        await settle(app, pilot)
        for _ in range(100):  # the rest is asked for once the first rows are drawn
            if len(shown) > 1:
                break
            await pilot.pause(0.02)
            await settle(app, pilot)
        every = list(reader.view_ids(app.view))
        assert len(every) > 2
        assert shown == [(2, False), (len(every), True)]
        assert list(app.headlines.ids) == every
        assert app.search_bar.note.text.startswith(f"{len(every)} matches")


async def test_escape_stops_the_read_of_a_slow_search(
    reader: Reader, news: Path, monkeypatch
) -> None:
    """A filter still read in its thread when the search is closed is interrupted (it would
    go on taking the CPU from the keys that follow)."""
    app = NewsApp(library(reader, news))
    reading, stopped = threading.Event(), threading.Event()
    listed = reader.view_ids

    def slow(view: View, *args: object, **kwargs: object) -> object:
        if view.query is None:
            return listed(view, *args, **kwargs)  # type: ignore[arg-type]
        reading.set()
        if not stopped.wait(5):
            raise AssertionError("the search's read was never interrupted")
        raise QueryInterrupted("interrupted")

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(reader, "view_ids", slow)  # too slow for the key's frame

        def interrupt_reads() -> None:
            if reading.is_set():
                stopped.set()

        monkeypatch.setattr(reader, "interrupt_reads", interrupt_reads)
        await pilot.press("slash", "s")
        while not reading.is_set():
            await asyncio.sleep(0.01)
        await pilot.press("escape")
        await settle(app, pilot)
        assert stopped.is_set() and app.headline_pane.listed == View("All")


async def test_a_whole_library_search_shows_its_best_rows_first(
    reader: Reader, news: Path, monkeypatch
) -> None:
    """ctrl+l draws the best FIRST_ROWS results at once ("searching…" beside the field), then
    all of them from the thread, in the same order."""
    monkeypatch.setattr(headline_pane, "FIRST_ROWS", 2)
    app = ListingApp(library(reader, news))
    shown = app.listings
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "s")  # s*: four titles, and more in the text
        await settle(app, pilot)
        shown.clear()
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        every = list(reader.view_ids(app.view))
        assert len(every) > 2 and shown == [(2, False), (len(every), True)]
        assert app.search_bar.note.text.startswith(f"{len(every)} matches · whole library")
        assert list(app.headlines.ids) == every


async def test_n_while_a_large_view_is_still_listing_sees_every_row(
    reader: Reader, news: Path, monkeypatch
) -> None:
    monkeypatch.setattr(headline_pane, "FIRST_ROWS", 2)
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        slow = lambda *args, **kwargs: None  # noqa: E731  (a listing that never ends)
        monkeypatch.setattr(app.headline_pane, "_list_in_thread", slow)
        app.show_view(app.view)
        first_two = list(app.headlines.ids)
        reader.set_read(first_two)
        await pilot.press("n")
        await pilot.pause()
        assert len(app.headlines.ids) == 5 and app.headline_pane.border_title == "All · 5"
        opened = app.article_view.article
        assert opened is not None and opened.id == app.headlines.ids[2]


async def test_what_the_app_is_made_of_is_frozen_out_of_the_collector_while_it_runs(
    reader: Reader, news: Path
) -> None:
    """Its full collections then go through what came since, not all of Textual again."""
    gc.unfreeze()
    thresholds = gc.get_threshold()
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view = app.article_view
        assert gc.get_freeze_count() > 10_000
        assert not any(kept is view for kept in gc.get_objects())  # frozen
        assert gc.get_threshold()[2] == collector.NEVER  # full collections are the app's
    assert gc.get_freeze_count() == 0  # what it left may be collected
    assert any(kept is view for kept in gc.get_objects())
    assert gc.get_threshold() == thresholds  # and Python's own rule is back


def test_the_apps_full_collections_wait_for_a_still_screen() -> None:
    """Garbage that reached the oldest generation is collected when no frame has been drawn
    for a while, or when the last full collection is long past; not while frames come."""

    class Node:
        other: object = None

    policy = collector.Collector()
    policy.start()
    try:
        node = Node()
        node.other = node  # a cycle: only the cyclic collector frees it
        gone = weakref.ref(node)
        gc.collect(1)  # it outlives the younger collections: in the oldest generation now
        del node
        policy.frame()
        drawn = policy.frame_at
        assert not policy.check(drawn + collector.IDLE_SECONDS / 2)
        assert gone() is not None  # Python made no full collection either
        assert policy.check(drawn + collector.IDLE_SECONDS)
        assert gone() is None
        assert not policy.check(drawn + 2 * collector.IDLE_SECONDS)  # nothing got old since

        node = Node()
        node.other = node
        gone = weakref.ref(node)
        gc.collect(1)
        del node
        policy.frame()  # frames keep coming: at the latest, a while after the last one
        soon = policy.frame_at + collector.IDLE_SECONDS / 2
        policy.collected_at = soon - collector.LATEST_SECONDS / 2
        assert not policy.check(soon)
        assert gone() is not None
        policy.collected_at = soon - collector.LATEST_SECONDS
        assert policy.check(soon)
        assert gone() is None
    finally:
        policy.stop()


async def test_a_long_address_stays_on_one_line_cut_in_its_middle(
    reader: Reader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "home" / "news" / ("a-folder-with-a-long-name-" * 3) / "World"
    folder.mkdir(parents=True)
    (folder / "harbour-reopens-after-the-storm.txt").write_text(
        "Harbour Reopens\n\nThe harbour opened again this morning.\n"
    )
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    reader.add(str(folder.parent))
    app = NewsApp(reader)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        rows = [line_text(app.article_view, y).strip() for y in range(8)]
        shown = next(row for row in rows if row.startswith("~/"))
        assert shown.startswith("~/news/a-folder-with") and "…" in shown
        assert shown.endswith("/World/harbour-reopens-after-the-storm.txt")
        assert not any("storm.txt" in row for row in rows if row != shown)  # not wrapped
        assert showing(app).path == str(folder / "harbour-reopens-after-the-storm.txt")


async def test_the_open_headline_stays_in_sight_when_the_list_gets_shorter(
    reader: Reader, news: Path
) -> None:
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j", "j", "j")  # the fifth row: below where the list ends once open
        await settle(app, pilot)
        list_ = app.headlines
        assert list_.scroll_offset.y == 0
        await pilot.press("enter")
        await settle(app, pilot)
        top, height = list_.scroll_offset.y, list_.scrollable_content_region.height
        assert height < 5  # the article took the room the list had
        assert top <= list_.cursor < top + height
        shown = [line_text(list_, y) for y in range(height)]
        assert any(showing(app).title[:20] in row for row in shown)


async def test_a_feed_that_is_its_own_section_is_named_once_in_the_header(
    reader: Reader, server
) -> None:
    from tests.feedserver import rss

    item = {"title": "Ferry Returns", "guid": "f", "link": "https://gazette.example/ferry"}
    app, _ = await feed_app(reader, server, rss("Harbour Gazette", [item]))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        article = showing(app)
        assert article.section == article.source == "Harbour Gazette"
        rows = [line_text(app.article_view, y) for y in range(6)]
        facts = next(row for row in rows if "Harbour Gazette" in row)
        assert facts.count("Harbour Gazette") == 1


async def test_a_slow_filter_reads_its_first_rows_once_and_never_holds_up_its_key(
    reader: Reader, news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First rows that take longer than the key's frame waits for are drawn when their one
    read ends: the key goes on at once, and nothing reads them again from scratch (on a busy
    machine, a first letter's 40 ms read given up at 35 ms and begun again cost its key
    75-95 ms)."""
    app = NewsApp(library(reader, news))
    store = reader.store
    listed = store.view_ids
    first_reads: list[str] = []
    wait = headline_pane.QUICK_SEARCH_SECONDS

    def slow(view: View, limit: int | None = None, **kwargs: object) -> object:
        if view.query is not None and limit is not None:
            first_reads.append(view.query.text)
            time.sleep(wait * 10)
        return listed(view, limit, **kwargs)  # type: ignore[arg-type]

    took: list[float] = []

    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        pane = app.headline_pane
        searching = pane._start_search

        def timed(text: str) -> None:
            start = time.perf_counter()
            searching(text)
            took.append(time.perf_counter() - start)

        monkeypatch.setattr(store, "view_ids", slow)
        monkeypatch.setattr(pane, "_start_search", timed)
        await pilot.press("slash", "w")
        assert took and took[-1] < wait * 5  # the key did not wait for the read
        await settle(app, pilot)
        assert first_reads == ["w"]
        assert [stored(reader, i).title for i in app.headlines.ids] == ["Water Deal Signed"]
        assert app.search_bar.note.text.startswith("1 match")


async def test_with_refresh_on_start_off_nothing_is_refreshed_until_an_interval_passes(
    reader: Reader, server
) -> None:
    """Sources last refreshed days ago were all due at the first check, a minute after
    opening: refresh_on_start = false did not keep the reader quiet."""
    from tests.feedserver import rss

    app, _ = await feed_app(reader, server, rss("Wire", [{"title": "Old", "guid": "1"}]))
    reader.store.conn.execute("UPDATE sources SET last_ok = last_ok - 86400")
    reader.store.conn.commit()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app._refresh_due()  # the timer's check, a minute after opening
        assert not app._refreshing
        app._quiet_since -= 31 * 60  # half an hour later
        app._refresh_due()
        assert app._refreshing
        await settle(app, pilot)


@pytest.mark.parametrize(("width", "kept"), [(80, False), (160, True)])
async def test_a_search_takes_the_pane_the_article_shared_below_150_columns(
    reader: Reader, news: Path, width: int, kept: bool
) -> None:
    """At 80x24 the article under the headlines left the results one row."""
    app = NewsApp(library(reader, news))
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.article_view.article is not None
        await pilot.press("slash")
        await settle(app, pilot)
        assert (app.article_view.article is not None) is kept
        assert app.headline_pane.search_bar.input.has_focus


async def test_a_whole_library_search_says_when_it_chose_among_the_newest_matches(
    reader: Reader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With stories once, its rows are fewer than the matches it scored: the note went by the
    rows and never said the search had stopped at its cap."""
    import tui_news.core.library.sql as library_sql

    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(6):
        (folder / f"{number}.txt").write_text(seed_article("A", f"Harbour Story {number}"))
    reader.add(str(folder))
    monkeypatch.setattr(library_sql, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(headline_pane, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(headline_pane, "FIRST_ROWS", 2)  # the rest read in the thread
    app = NewsApp(reader)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"harbour", "ctrl+l")
        await settle(app, pilot)
        assert len(app.headlines.ids) == 4
        assert app.search_bar.note.text.startswith("best 4 of the 4 newest matches")
        await pilot.press("ctrl+u", *"story 5")
        await settle(app, pilot)
        assert app.search_bar.note.text.startswith("1 match")


@pytest.mark.parametrize("searched", [False, True])
async def test_m_marks_what_the_list_holds_not_articles_stored_since_by_another_process(
    reader: Reader, tmp_path: Path, searched: bool
) -> None:
    """A sync from cron brought an article while the app was open: M marked it read unseen,
    and queued that mark for the server."""
    folder = tmp_path / "notes"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(seed_article("World", f"Seen {n}"))
    reader.add(str(folder))
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        if searched:
            await pilot.press("slash", "s")  # the list put back by escape is the one read
            await settle(app, pilot)
        (folder / "new.txt").write_text(seed_article("World", "Fresh arrival unseen"))
        elsewhere = make_reader(reader.paths.library.parent)  # another process's library
        elsewhere.refresh()
        elsewhere.close()
        if searched:
            await pilot.press("escape")
            await settle(app, pilot)
        await pilot.press("M")
        await settle(app, pilot)
        assert "Marked 3 headlines read in All." in notices(app)  # those listed, not 4
    unread = [a.title for a in reader.articles(View(unread=True))]
    assert unread == ["Fresh arrival unseen"]
