"""tui-news edit: renaming a source or moving it to another section keeps every mark."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRun
from tests.feedserver import Route, rss
from tui_news.core.models import View
from tui_news.core.reader import Reader


def listed(cli: CliRun) -> dict[str, tuple[str, bool, bool]]:
    """Title -> (section, read, starred), as list --json prints them."""
    rows = json.loads(cli("list", "--json", check_exit=0).stdout)
    return {r["title"]: (r["section"], r["read"], r["starred"]) for r in rows}


def mark_some(reader: Reader) -> None:
    """Read the first article and star the second."""
    ids = reader.view_ids(View())
    reader.set_read([ids[0]])
    reader.set_starred(ids[1], True)


def test_a_folder_moves_to_a_section_and_back_keeping_marks(
    cli: CliRun, reader: Reader, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("Plain One\n\nBody.\n")
    (folder / "b.txt").write_text("Plain Two\n\nBody.\n")
    (folder / "c.md").write_text("---\ntitle: Own Section\nsection: Science\n---\nBody.\n")
    reader.add(str(folder))
    mark_some(reader)
    before = listed(cli)
    moved = cli("edit", str(folder), "--section", "Local News", "--name", "My notes", check_exit=0)
    assert moved.stdout == "My notes: section Local News, 3 articles (2 unread) kept\n"
    after = listed(cli)
    assert {t: m[1:] for t, m in after.items()} == {t: m[1:] for t, m in before.items()}
    assert {t: m[0] for t, m in after.items()} == {
        "Plain One": "Local News",
        "Plain Two": "Local News",
        "Own Section": "Science",  # an article that names its section keeps it
    }
    cli("edit", "my notes", "--section", "", check_exit=0)
    assert listed(cli) == before
    assert json.loads(cli("sources", "--json", check_exit=0).stdout)[0]["name"] == "My notes"


def test_a_feed_is_renamed_and_moved_and_a_refresh_keeps_it_there(
    cli: CliRun, reader: Reader, server
) -> None:
    items = [
        {"title": f"Story {n}", "link": f"https://w.example/{n}", "guid": f"g{n}"} for n in range(3)
    ]
    server.routes["/feed"] = Route(rss("Wire Service", items))
    reader.add(server.url("/feed"))
    mark_some(reader)
    marks = {t: m[1:] for t, m in listed(cli).items()}
    assert {m[0] for m in listed(cli).values()} == {"Wire Service"}
    cli("edit", "Wire Service", "--name", "Agency", check_exit=0)
    assert {m[0] for m in listed(cli).values()} == {"Agency"}
    cli("edit", "Agency", "--section", "World", check_exit=0)
    assert {m[0] for m in listed(cli).values()} == {"World"}
    cli("refresh", check_exit=0)
    after = listed(cli)
    assert {m[0] for m in after.values()} == {"World"}
    assert {t: m[1:] for t, m in after.items()} == marks


def test_editing_a_feed_whose_last_refresh_failed_succeeds_and_says_so(
    cli: CliRun, reader: Reader, server
) -> None:
    server.routes["/feed"] = Route(rss("Wire Service", [{"title": "One", "guid": "g1"}]))
    reader.add(server.url("/feed"))
    server.routes["/feed"] = Route(b"gone", status=404)
    cli("refresh", check_exit=1)
    edited = cli("edit", "Wire Service", "--name", "Agency", check_exit=0)  # a script goes on
    assert edited.stdout.startswith("Agency: ")
    assert "Agency: its last refresh failed: " in edited.stderr and "404" in edited.stderr


def test_edit_refuses_what_it_cannot_do(cli: CliRun, reader: Reader, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("One\n\nBody.\n")
    reader.add(str(tmp_path / "one.txt"))
    assert "say what to change" in cli("edit", str(tmp_path / "one.txt"), check_exit=2).stderr
    assert "no source matches 'nope'" in cli("edit", "nope", "--name", "x", check_exit=2).stderr
    assert (
        "name cannot be empty"
        in cli("edit", str(tmp_path / "one.txt"), "--name", " ", check_exit=2).stderr
    )


def test_a_name_or_section_of_invisible_characters_is_refused(
    cli: CliRun, reader: Reader, tmp_path: Path
) -> None:
    """A zero-width space made a section no one could see in the sidebar."""
    (tmp_path / "one.txt").write_text("One\n\nBody.\n")
    reader.add(str(tmp_path / "one.txt"))
    where = str(tmp_path / "one.txt")
    refused = cli("edit", where, "--section", "\u200b\u200d", check_exit=2).stderr
    assert "a section cannot be only invisible characters" in refused
    assert "name cannot be empty" in cli("edit", where, "--name", "\u2060", check_exit=2).stderr
    cli("edit", where, "--section", "Ünïcode ✓", check_exit=0)  # letters and symbols are seen


def test_a_feed_titled_with_nothing_to_see_is_named_by_its_address(
    cli: CliRun, reader: Reader, server
) -> None:
    server.routes["/feed"] = Route(rss("\u200b\u200d", [{"title": "One", "guid": "g1"}]))
    reader.add(server.url("/feed"))  # named when added
    server.routes["/other"] = Route(rss("\u2060", [{"title": "Two", "guid": "g2"}]))
    reader.import_list(f"{server.url('/other')}\n".encode())  # named at its first fetch
    reader.refresh()
    names = [source.name for source in reader.sources()]
    assert names == [server.url("/feed"), server.url("/other")]  # none invisible in the sidebar
