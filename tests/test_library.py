"""The library: scanning folders into SQLite, rescans, persistence and broken library files."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.conftest import seed_article
from tui_news.core.library import LibraryError
from tui_news.core.models import Parsed, View
from tui_news.core.reader import Reader, make_reader, make_session_reader


def titles(reader: Reader, view: View | None = None) -> list[str]:
    return [a.title for a in reader.store.articles(view or View())]


def test_add_folder_reads_sections_recursively(reader: Reader, news: Path) -> None:
    _source, report = reader.add(str(news))
    assert (report.added, report.problems) == (5, [])
    sections, totals = reader.store.section_counts()
    assert [(s.name, s.total, s.unread) for s in sections] == [
        ("Middle East", 2, 2),
        ("Science", 1, 1),
        ("World", 2, 2),
    ]
    assert totals == {"all": 5, "unread": 5, "starred": 0}
    # Newest first: files were given increasing modification times in sorted-name order.
    assert titles(reader) == [
        "Forest Loss Slows",
        "Ports Reopen After Strike",
        "Water Deal Signed",
        "Rail Line Opens",
        "Comet Spotted",
    ]


def test_section_falls_back_to_the_folder_or_the_given_section(
    reader: Reader, tmp_path: Path
) -> None:
    folder = tmp_path / "notes" / "Deep Dives"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("Plain Title\n\nBody.\n")
    (tmp_path / "notes" / "b.md").write_text("# Top Note\n\nBody.\n")
    reader.add(str(tmp_path / "notes"))
    assert {(a.title, a.section) for a in reader.store.articles(View())} == {
        ("Plain Title", "Deep Dives"),
        ("Top Note", "notes"),
    }
    other = tmp_path / "other"
    other.mkdir()
    (other / "c.txt").write_text("Untagged\n\nBody.\n")
    (other / "d.txt").write_text(seed_article("Sport", "Tagged"))
    reader.add(str(other), section="Inbox")
    assert {(a.title, a.section) for a in reader.store.articles(View(source_id=2))} == {
        ("Untagged", "Inbox"),
        ("Tagged", "Sport"),
    }


def test_rescan_keeps_state_and_follows_changes(reader: Reader, news: Path) -> None:
    source, _ = reader.add(str(news))
    by_title = {a.title: a for a in reader.store.articles(View())}
    reader.store.set_read([by_title["Comet Spotted"].id])
    reader.store.set_starred(by_title["Rail Line Opens"].id, True)

    (news / "e.txt").write_text(seed_article("Science", "Comet Spotted", "Now brighter."))
    (news / "mideast" / "c.txt").write_text(seed_article("Middle East", "Rail Line Opens Early"))
    (news / "world" / "b.txt").unlink()
    (news / "world" / "new.txt").write_text(seed_article("World", "Fresh Story"))
    report = reader.refresh_source(source)

    assert (report.added, report.updated, report.removed) == (1, 2, 1)
    after = {a.title: a for a in reader.store.articles(View())}
    assert set(after) == {
        "Ports Reopen After Strike",
        "Water Deal Signed",
        "Rail Line Opens Early",
        "Comet Spotted",
        "Fresh Story",
    }
    assert after["Comet Spotted"].read and after["Comet Spotted"].body == "Now brighter."
    assert after["Rail Line Opens Early"].starred
    assert after["Rail Line Opens Early"].id == by_title["Rail Line Opens"].id
    assert not after["Fresh Story"].read


def test_unchanged_files_are_not_read_again(reader: Reader, news: Path) -> None:
    source, _ = reader.add(str(news))
    report = reader.refresh_source(source)
    assert (report.added, report.updated, report.removed) == (0, 0, 0)


def test_problems_are_recorded_and_replaced(reader: Reader, news: Path) -> None:
    (news / "broken.bin.txt").write_bytes(b"\x00\x01\x02binary")
    (news / "empty.txt").write_bytes(b"")
    (news / ".hidden.txt").write_bytes(b"")  # hidden files are ignored, not problems
    source, report = reader.add(str(news))
    assert report.added == 5
    reasons = {Path(p.location).name: p.reason for p in reader.store.problems()}
    assert reasons == {"broken.bin.txt": "binary file, not text", "empty.txt": "empty file"}
    (news / "empty.txt").write_text("Now A Title\n\nAnd text.\n")
    (news / "broken.bin.txt").unlink()
    reader.refresh_source(source)
    assert reader.store.problems() == []
    assert "Now A Title" in titles(reader)


def test_missing_folder_marks_the_source_and_keeps_articles(reader: Reader, news: Path) -> None:
    reader.add(str(news))
    news.rename(news.with_name("moved"))
    report = reader.refresh()
    assert report.failed == {"news": f"{news} no longer exists"}
    assert len(titles(reader)) == 5
    assert reader.sources()[0].last_error == f"{news} no longer exists"


def test_read_and_starred_persist_across_runs(data_dir: Path, news: Path) -> None:
    first = make_reader(data_dir)
    first.add(str(news))
    article = first.store.articles(View())[0]
    first.store.set_read([article.id])
    first.store.set_starred(article.id, True)
    first.close()
    second = make_reader(data_dir)
    again = second.store.article(article.id)
    assert again is not None and again.read and again.starred
    assert [a.id for a in second.store.articles(View(starred=True))] == [article.id]
    assert len(second.store.articles(View(unread=True))) == 4
    second.close()


def test_views_combine_section_and_state(reader: Reader, news: Path) -> None:
    reader.add(str(news))
    world = reader.store.articles(View(section="World"))
    reader.store.set_read([world[0].id])
    assert titles(reader, View(section="World", unread=True)) == [world[1].title]
    changed = reader.store.mark_view_read(View(section="Middle East"))
    assert changed == 2
    assert titles(reader, View(unread=True)) == ["Ports Reopen After Strike", "Comet Spotted"]


def test_add_twice_and_remove(reader: Reader, news: Path) -> None:
    reader.add(str(news))
    with pytest.raises(LibraryError, match="already in the library"):
        reader.add(str(news / "." / ""))
    removed = reader.remove("news")
    assert removed.articles == 5
    assert reader.sources() == [] and titles(reader) == []
    with pytest.raises(LibraryError, match="no source matches"):
        reader.remove("news")


def test_sections_are_listed_as_people_count(reader: Reader, tmp_path: Path) -> None:
    # case aside, and a number by its value: "Outlet 10" after "Outlet 9", not "Outlet 1"
    names = ["Outlet 10", "outlet 9", "Outlet 1", "Alpha", "Outlet 02", "Outlet " + "7" * 5000]
    for number, name in enumerate(names):
        source = reader.store.add_source("folder", str(tmp_path / str(number)), name, None)
        reader.store.apply(source.id, [Parsed(f"k{number}", "A story", "Text.", section=name)],
                           None, None)  # fmt: skip
    sections, _ = reader.store.section_counts()
    assert [s.name for s in sections] == ["Alpha", "Outlet 1", "Outlet 02", "outlet 9",
                                          "Outlet 10", names[-1]]  # fmt: skip


def test_failed_sources_are_listed_in_the_order_of_their_names(
    reader: Reader, tmp_path: Path
) -> None:
    # as the sidebar lists them, whatever order they were added in (the problems panel, `!`)
    for number, name in enumerate(["Outlet 10", "Outlet 2", "Outlet 1"]):
        source = reader.store.add_source("feed", f"http://feeds.example/{number}", name, None)
        reader.store.set_source_error(source.id, "connection refused")
    assert [p.source for p in reader.problems()] == ["Outlet 1", "Outlet 2", "Outlet 10"]


def test_sample_library_is_offered_once(reader: Reader) -> None:
    assert reader.offer_sample()
    reader.refresh()
    sections, totals = reader.store.section_counts()
    names = {s.name for s in sections}
    assert {"World", "Middle East", "Getting Started"} <= names and len(names) >= 5
    assert totals["all"] >= 12
    seed = [a for a in reader.store.articles(View(section="World")) if a.title.startswith("Russia")]
    assert len(seed) == 1
    reader.remove("Sample library")
    assert not reader.offer_sample()


def test_session_reader_leaves_the_library_alone(data_dir: Path, news: Path) -> None:
    session = make_session_reader([str(news / "e.txt"), str(news / "world")], data_dir)
    session.refresh()
    assert sorted(titles(session)) == [
        "Comet Spotted",
        "Forest Loss Slows",
        "Ports Reopen After Strike",
    ]
    temporary = session.store.path
    session.close()
    assert not temporary.exists()
    assert not (data_dir / "library.sqlite").exists()


def test_corrupt_library_is_refused_and_left_alone(data_dir: Path) -> None:
    data_dir.mkdir()
    library = data_dir / "library.sqlite"
    library.write_bytes(b"this is not a database" * 100)
    before = library.read_bytes()
    with pytest.raises(LibraryError, match="cannot be opened"):
        make_reader(data_dir)
    assert library.read_bytes() == before


def test_foreign_sqlite_file_is_refused(data_dir: Path) -> None:
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / "library.sqlite")
    conn.execute("CREATE TABLE other (x)")
    conn.commit()
    conn.close()
    with pytest.raises(LibraryError, match="not a tui-news library"):
        make_reader(data_dir)


def test_library_from_a_newer_version_is_refused(data_dir: Path) -> None:
    make_reader(data_dir).close()
    conn = sqlite3.connect(data_dir / "library.sqlite")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(LibraryError, match="newer tui-news"):
        make_reader(data_dir)


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="cannot create the data folder"):
        make_reader(blocker / "data")


def test_library_uses_wal(reader: Reader) -> None:
    mode = reader.store.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert os.path.exists(reader.paths.library)


def test_deeply_nested_folder_is_read(reader: Reader, tmp_path: Path) -> None:
    folder = tmp_path / "deep"
    path = folder.joinpath(*["d"] * 300)
    path.mkdir(parents=True)
    (path / "a.txt").write_text("Deep Title\n\nAt the bottom.\n")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # nesting deeper than the stack allows: the walk must not recurse
    try:
        _source, report = reader.add(str(folder))
    finally:
        sys.setrecursionlimit(limit)
    assert report.added == 1 and titles(reader) == ["Deep Title"]


def test_add_refuses_nothing_and_special_files(reader: Reader, tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="give a feed address, a folder or a file"):
        reader.add("  ")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(LibraryError, match="is neither a file nor a folder"):
        reader.add(str(fifo))
    for bad in ("http://[::1", "http://"):
        with pytest.raises(LibraryError, match="is not a valid web address"):
            reader.add(bad)
    assert reader.sources() == []
