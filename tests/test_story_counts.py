"""One story, many outlets (issue 16): with ``group_stories`` the sidebar's counts count what
the lists show (a story once), and marking a view read marks the whole stories it lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import settle, sidebar_labels, stored
from tests.test_story_rows import FED, QUAKE_DAILY, QUAKE_WIRE, ids_by_title, two_outlets
from tui_news.core.models import Parsed, View
from tui_news.core.reader import Reader, search_view
from tui_news.core.search import parse
from tui_news.ui.app import NewsApp
from tui_news.ui.screens import ConfirmScreen

T0 = 1_780_000_000.0
HOUR = 3600.0


def library(reader: Reader, path: Path) -> dict[str, int]:
    """The wire and the daily (section News) and the times (section Science) tell the quake;
    the wire alone tells the Fed, the times alone the comet."""
    store = reader.store
    told: list[tuple[str, str, list[tuple[str, float]]]] = [
        ("wire", "News", [("quake-wire", 0), ("fed", 0.5)]),
        ("daily", "News", [("quake-daily", 1)]),
        ("times", "Science", [("quake-times", 2), ("comet", 3)]),
    ]
    for name, section, items in told:
        source = store.add_source("folder", str(path / name), name, section)
        parsed = [Parsed(k, k, k, section, published=T0 + h * HOUR) for k, h in items]
        store.apply(source.id, parsed, None, None)
    ids = dict(store.conn.execute("SELECT key, id FROM articles"))
    quake = [ids["quake-wire"], ids["quake-daily"], ids["quake-times"]]
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE articles SET story = ? WHERE id = ?", ((quake[0], i) for i in quake)
        )
    return ids


def counts(reader: Reader) -> dict[str, tuple[int, int]]:
    """(rows, unread rows) of each section and of All / Unread / Starred's totals."""
    sections, totals = reader.section_counts()
    found = {s.name: (s.total, s.unread) for s in sections}
    found["totals"] = (totals["all"], totals["unread"])
    found["starred"] = (totals["starred"], 0)
    return found


def listed(reader: Reader) -> dict[str, tuple[int, int]]:
    """The same, counted in the lists themselves."""
    sections, _ = reader.section_counts()
    found = {
        s.name: (len(reader.view_ids(View(section=s.name))),
                 len(reader.view_ids(View(section=s.name, unread=True))))
        for s in sections
    }  # fmt: skip
    found["totals"] = (len(reader.view_ids(View())), len(reader.view_ids(View(unread=True))))
    found["starred"] = (len(reader.view_ids(View(starred=True))), 0)
    return found


def test_counts_count_a_story_once_as_the_lists_show_it(reader: Reader, tmp_path: Path) -> None:
    ids = library(reader, tmp_path)
    assert counts(reader) == listed(reader)
    assert counts(reader)["News"] == (2, 2)  # the quake (wire and daily) once, and the Fed
    assert counts(reader)["totals"] == (3, 3)  # the quake, the Fed, the comet
    sections, _ = reader.section_counts()
    sources = {c.name: (c.total, c.unread) for s in sections for c in s.sources}
    assert sources["wire"] == (2, 2) and sources["daily"] == (1, 1)  # a feed tells a story once
    reader.save_search("quakes", "quake")  # three unread articles, one story
    assert [s.unread for s in reader.saved_searches()] == [1]
    ranked = search_view(parse("quake"))  # the whole-library search lists the story once
    assert reader.count(ranked) == len(reader.view_ids(ranked)) == 1
    reader.store.set_read([ids["quake-wire"]])  # the daily's copy keeps the story unread
    assert counts(reader)["News"] == (2, 2) and counts(reader) == listed(reader)
    reader.store.set_read([ids["quake-daily"]])
    assert counts(reader)["News"] == (2, 1)  # the Fed alone unread in News
    assert counts(reader)["totals"] == (3, 3)  # the times' copy is unread: the story too
    assert counts(reader) == listed(reader)
    for key in ("quake-wire", "quake-times", "comet"):
        reader.set_starred(ids[key], True)
    assert counts(reader)["starred"] == (2, 0) and counts(reader) == listed(reader)


def test_counts_count_every_article_when_stories_are_kept_apart(
    reader: Reader, tmp_path: Path
) -> None:
    library(reader, tmp_path)
    reader.config.group_stories = False
    assert counts(reader)["News"] == (3, 3) and counts(reader)["totals"] == (5, 5)
    assert counts(reader) == listed(reader)


def test_marking_a_view_read_reads_the_whole_stories_it_lists(
    reader: Reader, tmp_path: Path
) -> None:
    ids = library(reader, tmp_path)
    assert reader.mark_view_read(View(section="Science")) == 4  # its two, the quake's others
    unread = {k for k, i in ids.items() if not stored(reader, i).read}
    assert unread == {"fed"}
    assert counts(reader)["totals"] == (3, 1)


def test_marking_a_view_read_keeps_other_outlets_unread_when_kept_apart(
    reader: Reader, tmp_path: Path
) -> None:
    ids = library(reader, tmp_path)
    reader.config.group_stories = False
    assert reader.mark_view_read(View(section="Science")) == 2
    unread = {k for k, i in ids.items() if not stored(reader, i).read}
    assert unread == {"fed", "quake-wire", "quake-daily"}


async def test_M_reads_the_stories_shown_and_the_sidebar_counts_rows(
    reader: Reader, tmp_path: Path
) -> None:
    app = NewsApp(two_outlets(reader, tmp_path))
    ids = ids_by_title(reader)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        labels = sidebar_labels(app)
        assert labels["Unread"] == ["Unread", "2"]  # the quake once and the Fed: two rows
        assert labels["All"][-1] == "2"
        assert labels["Top stories"] == ["Top", "stories", "2"]  # both of the last day's, unread
        daily = next(s for s in reader.sources() if s.name == "daily")
        app.go_to(View("daily", source_id=daily.id))
        await settle(app, pilot)
        await pilot.press("M")  # the daily's one row: the quake, told by the wire too
        await settle(app, pilot)
        assert stored(reader, ids[QUAKE_WIRE]).read
        assert stored(reader, ids[QUAKE_DAILY]).read
        assert not stored(reader, ids[FED]).read
        assert sidebar_labels(app)["Unread"] == ["Unread", "1"]
        assert sidebar_labels(app)["Top stories"] == ["Top", "stories", "1"]


async def test_M_asks_and_tells_about_the_headlines_it_lists_and_the_articles_it_marked(
    reader: Reader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui_news.ui.app.ASK_BEFORE_MARKING", 0)  # ask even for two rows
    app = NewsApp(two_outlets(reader, tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        app.go_to(View("Unread", unread=True))
        await settle(app, pilot)
        await pilot.press("M")  # two rows: the quake (told twice) and the Fed
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Mark all 2 unread headlines in Unread read?"
        await pilot.press("y")
        await settle(app, pilot)
        told = "Marked 2 headlines read in Unread (3 articles, other outlets' versions included)."
        assert told in [n.message for n in app._notifications]
