"""One story, many outlets in the app (issue 16): a story is one headline row, which counts the
other outlets, and reading it reads the story."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures import line_text, notices, settle, showing, stored
from tests.test_stories import QUAKE, write
from tui_news.core.config import Config
from tui_news.core.models import View
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp
from tui_news.ui.story_versions import ToldBy

QUAKE_WIRE = "Magnitude 7.1 earthquake strikes Turkey"
QUAKE_DAILY = "Turkey quake: at least 58 dead after 7.1 tremor"
FED = "Federal Reserve holds rates at 4.25%"


def two_outlets(reader: Reader, folder: Path) -> Reader:
    """Two folders of articles: both tell the quake, only the wire tells the Fed."""
    write(folder / "wire", "quake", QUAKE_WIRE, QUAKE, 5)
    fed = "The Federal Reserve held its rate at 4.25% on Wednesday, Jerome Powell said."
    write(folder / "wire", "fed", FED, fed, 4)
    daily = "At least 58 people died when a powerful quake hit near Malatya in Turkey."
    write(folder / "daily", "quake", QUAKE_DAILY, daily, 3)
    for name in ("wire", "daily"):
        reader.store.add_source("folder", str(folder / name), name, None)
    reader.refresh()  # the grouping runs after each refresh
    reader.config.refresh_on_start = False
    reader.config.refresh_minutes = 0
    return reader


def rows(app: NewsApp) -> dict[str, str]:
    """Each headline row as drawn, by the title it shows."""
    drawn = [line_text(app.headlines, y).rstrip() for y in range(len(app.headlines.ids))]
    return {title: row for row in drawn for title in (QUAKE_WIRE, QUAKE_DAILY, FED) if title in row}


async def test_a_story_told_by_two_outlets_is_one_row_with_plus_one(
    reader: Reader, tmp_path: Path
) -> None:
    app = NewsApp(two_outlets(reader, tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        drawn = rows(app)
        assert drawn[QUAKE_WIRE].endswith(f"{QUAKE_WIRE} +1")  # the first teller's headline
        assert QUAKE_DAILY not in drawn and len(app.headlines.ids) == 2
        assert drawn[FED].endswith(FED)  # told by the wire alone
        # a search still finds the daily's headline: its story shows in its row there
        await pilot.press("slash", *"58 dead")
        await settle(app, pilot)
        assert list(rows(app)) == [QUAKE_DAILY]
        assert rows(app)[QUAKE_DAILY].endswith(f"{QUAKE_DAILY} +1")


def ids_by_title(reader: Reader) -> dict[str, int]:
    return {a.title: a.id for a in reader.articles(View())}


async def test_reading_a_storys_row_reads_the_other_outlets(reader: Reader, tmp_path: Path) -> None:
    app = NewsApp(two_outlets(reader, tmp_path))
    ids = ids_by_title(reader)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        app.headlines.move_to(ids[QUAKE_WIRE])
        await pilot.press("enter")
        await settle(app, pilot)
        assert stored(reader, ids[QUAKE_DAILY]).read
        assert not stored(reader, ids[FED]).read
        drawn = rows(app)
        assert drawn[QUAKE_WIRE].startswith(" ") and drawn[FED].startswith("●")
        await pilot.press("m")  # unread again: the story, as its one row shows it
        await settle(app, pilot)
        assert not stored(reader, ids[QUAKE_WIRE]).read
        assert not stored(reader, ids[QUAKE_DAILY]).read
        assert rows(app)[QUAKE_WIRE].startswith("●")


async def test_group_stories_false_keeps_every_article_apart(
    reader: Reader, tmp_path: Path
) -> None:
    reader.config = Config.load(write_config(tmp_path / "config.toml", "group_stories = false\n"))
    app = NewsApp(two_outlets(reader, tmp_path))
    ids = ids_by_title(reader)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        drawn = rows(app)  # every article its own row, without a count
        assert drawn[QUAKE_WIRE].endswith(QUAKE_WIRE) and drawn[QUAKE_DAILY].endswith(QUAKE_DAILY)
        app.open_article(ids[QUAKE_WIRE])
        await settle(app, pilot)
        assert stored(reader, ids[QUAKE_WIRE]).read
        assert not stored(reader, ids[QUAKE_DAILY]).read


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_article_header_names_the_other_outlets(reader: Reader, tmp_path: Path) -> None:
    app = NewsApp(two_outlets(reader, tmp_path))
    ids = ids_by_title(reader)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        header = "\n".join(header_lines(app, ids[QUAKE_WIRE]))
        assert "Also told by: daily" in header
        assert "Also told by" not in "\n".join(header_lines(app, ids[FED]))
        reader.config.group_stories = False
        assert "Also told by" not in "\n".join(header_lines(app, ids[QUAKE_DAILY]))


def header_lines(app: NewsApp, article_id: int) -> list[str]:
    """The first lines of the article view after opening ``article_id``."""
    app.open_article(article_id)
    return [line_text(app.article_view, y) for y in range(6)]


def test_the_outlets_line_keeps_each_outlet_with_its_time_and_counts_the_rest() -> None:
    named = (
        "ABC News 05:48",
        "Al Jazeera 09:34",
        "CNN 09:50",
        "The Guardian 10:19",
        "Sky News 13:31",
    )
    told = ToldBy(named, "v", 2)
    assert told.lines(200, 4) == [
        "Also told by: ABC News 05:48 · Al Jazeera 09:34 · CNN 09:50 · The Guardian 10:19 · "
        "Sky News 13:31  (v: next version, 2 of 6)"
    ]
    lines = told.lines(40, 4)
    assert lines == [
        "Also told by: ABC News 05:48 ·",
        "Al Jazeera 09:34 · CNN 09:50 ·",
        "The Guardian 10:19 · Sky News 13:31",
        "(v: next version, 2 of 6)",
    ]
    assert all(len(line) <= 40 for line in lines)
    # Three lines cannot hold them all: the hint is cut short, then the last outlets counted.
    assert told.lines(40, 3) == [
        "Also told by: ABC News 05:48 ·",
        "Al Jazeera 09:34 · CNN 09:50 ·",
        "The Guardian 10:19 · 1 more  (v: 2 of 6)",
    ]
    # An outlet that would fill a line exactly, leaving no room for the ·, starts the next.
    three = ToldBy(("BBC News Nov 30", "The Independent Dec 01", "France 24 Dec 01"), "v", 1)
    assert three.lines(54, 4) == [
        "Also told by: BBC News Nov 30 ·",
        "The Independent Dec 01 · France 24 Dec 01",
        "(v: next version, 1 of 4)",
    ]
    # One line (a short view): as many outlets as fit, else how many there are.
    assert told.lines(54, 1) == ["Also told by: ABC News 05:48 · 4 more  (v: 2 of 6)"]
    assert told.lines(44, 1) == ["Also told by: 5 other outlets  (v: 2 of 6)"]


async def test_v_steps_through_the_other_outlets_versions(reader: Reader, tmp_path: Path) -> None:
    app = NewsApp(two_outlets(reader, tmp_path))
    ids = ids_by_title(reader)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        app.headlines.move_to(ids[QUAKE_WIRE])
        await pilot.press("enter")
        await settle(app, pilot)
        header = "\n".join(line_text(app.article_view, y) for y in range(6))
        assert "Also told by: daily" in header and "(v: next version, 1 of 2)" in header
        await pilot.press("v")
        await settle(app, pilot)
        shown = app.article_view.article
        assert shown is not None and shown.title == QUAKE_DAILY
        header = "\n".join(line_text(app.article_view, y) for y in range(6))
        assert "Also told by: wire" in header and "2 of 2" in header
        assert app.headlines.current_id == ids[QUAKE_WIRE]  # the list stays on the story
        await pilot.press("v")  # wraps round to the first teller
        await settle(app, pilot)
        assert showing(app).title == QUAKE_WIRE
        await pilot.press("V")
        await settle(app, pilot)
        assert showing(app).title == QUAKE_DAILY
        app.headlines.move_to(ids[FED])
        await pilot.press("enter", "v")  # told by one outlet: v says so, the article stays
        await settle(app, pilot)
        assert showing(app).title == FED


async def test_keys_act_on_the_version_read_not_the_story_rows_first_teller(
    reader: Reader, tmp_path: Path
) -> None:
    """With another outlet's version shown (v), the cursor stays on the story's row, and s,
    m and space act on the version read: s stars it, space goes on to the next unread."""
    app = NewsApp(two_outlets(reader, tmp_path))
    ids = ids_by_title(reader)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        app.headlines.move_to(ids[QUAKE_WIRE])
        await pilot.press("enter", "v")
        await settle(app, pilot)
        assert showing(app).title == QUAKE_DAILY
        await pilot.press("s")
        await settle(app, pilot)
        starred = {title for title, i in ids.items() if stored(reader, i).starred}
        assert starred == {QUAKE_DAILY}
        assert "Starred (daily's version)." in notices(app)
        [row] = [
            line_text(app.headlines, y)
            for y in range(2)
            if "Magnitude" in line_text(app.headlines, y)
        ]
        assert "★" in row  # the story's row: one of its versions is starred
        await pilot.press("space")  # a short article, at its end: on to the next unread
        await settle(app, pilot)
        assert showing(app).title == FED


async def test_escape_from_a_search_keeps_the_story_row_of_the_version_read(
    reader: Reader, tmp_path: Path
) -> None:
    """A version shown with v is not a row of its own: escape puts the list back on its
    story's row, and the version stays open, as it does outside a search."""
    app = NewsApp(two_outlets(reader, tmp_path))
    ids = ids_by_title(reader)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("k", "slash", *"turkey", "enter")  # one row: the story
        await settle(app, pilot)
        assert app.headlines.ids.tolist() == [ids[QUAKE_WIRE]]
        await pilot.press("enter", "v")
        await settle(app, pilot)
        assert showing(app).title == QUAKE_DAILY
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.headline_pane.border_title == "All · 2"
        assert app.headlines.current_id == ids[QUAKE_WIRE]
        assert showing(app).title == QUAKE_DAILY


async def test_unread_lists_a_story_once_and_keeps_the_row_being_read(
    reader: Reader, tmp_path: Path
) -> None:
    from tui_news.ui.sidebar import UNREAD

    app = NewsApp(two_outlets(reader, tmp_path))
    ids = ids_by_title(reader)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        app.go_to(UNREAD)
        await settle(app, pilot)
        assert list(app.headlines.ids) == [ids[FED], ids[QUAKE_WIRE]]
        app.headlines.move_to(ids[QUAKE_WIRE])
        await pilot.press("enter")  # reads the story: the daily's copy too, never listed here
        await settle(app, pilot)
        assert stored(reader, ids[QUAKE_DAILY]).read
        # the row being read stays under the cursor, marked read, until the list is read again
        assert list(app.headlines.ids) == [ids[FED], ids[QUAKE_WIRE]]
        assert app.headlines.current_id == ids[QUAKE_WIRE]
        assert rows(app)[QUAKE_WIRE].startswith(" ")
        app.headline_pane.list_again()  # as after a refresh: the read story has left Unread
        await settle(app, pilot)
        assert list(app.headlines.ids) == [ids[FED]]
