"""End-to-end runs of the command line in a subprocess."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import CliRun, seed_article


def test_add_list_json_and_sources(cli: CliRun, news: Path) -> None:
    (news / "junk.bin.txt").write_bytes(b"\x00\x00binary")
    added = cli("add", str(news), check_exit=0)
    assert added.stdout.strip() == f"Added news ({news}): 5 new, 0 changed, 0 removed, 1 skipped"
    assert added.stderr.strip() == f"skipped {news / 'junk.bin.txt'}: binary file, not text"

    listed = json.loads(cli("list", "--json", check_exit=0).stdout)
    assert [a["title"] for a in listed][:2] == ["Forest Loss Slows", "Ports Reopen After Strike"]
    first = listed[0]
    assert set(first) >= {
        "id",
        "title",
        "section",
        "source",
        "link",
        "published",
        "read",
        "starred",
    }
    assert first["section"] == "World" and first["source"] == "news"
    assert first["published"].endswith("Z") and first["read"] is False and first["starred"] is False

    middle = json.loads(cli("list", "--section", "Middle East", "--json").stdout)
    assert sorted(a["title"] for a in middle) == ["Rail Line Opens", "Water Deal Signed"]
    limited = json.loads(cli("list", "--limit", "2", "--json").stdout)
    assert len(limited) == 2
    assert json.loads(cli("list", "--starred", "--json").stdout) == []

    sources = json.loads(cli("sources", "--json", check_exit=0).stdout)
    assert len(sources) == 1
    assert sources[0]["location"] == str(news)
    assert (sources[0]["articles"], sources[0]["unread"], sources[0]["last_error"]) == (5, 5, None)
    text = cli("sources", check_exit=0).stdout
    assert "news  [folder]" in text and "5 articles, 5 unread" in text


def test_list_text_output(cli: CliRun, news: Path) -> None:
    cli("add", str(news), check_exit=0)
    lines = cli("list", "--unread", check_exit=0).stdout.splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("● ") and lines[0].endswith("Forest Loss Slows")
    assert "World" in lines[0]


def test_refresh_picks_up_changes_and_reports_failures(
    cli: CliRun, news: Path, tmp_path: Path
) -> None:
    cli("add", str(news), check_exit=0)
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text(seed_article("Sport", "Final Score"))
    cli("add", str(other), "--section", "Games", check_exit=0)
    (news / "world" / "late.txt").write_text(seed_article("World", "Late Story"))
    refreshed = cli("refresh", check_exit=0)
    assert "1 new" in refreshed.stdout

    (other / "x.txt").unlink()
    other.rmdir()
    failed = cli("refresh")
    assert failed.returncode == 1
    assert failed.stderr.strip() == f"failed other: {other} no longer exists"
    assert failed.stdout.startswith("Refreshed 1 of 2 sources: ")  # not "2 sources"
    titles = [a["title"] for a in json.loads(cli("list", "--json").stdout)]
    assert "Final Score" in titles and "Late Story" in titles
    sources = json.loads(cli("sources", "--json").stdout)
    assert sources[1]["last_error"] == f"{other} no longer exists"


def test_remove_by_name_and_path(cli: CliRun, news: Path) -> None:
    cli("add", str(news), check_exit=0)
    removed = cli("remove", "news", check_exit=0)
    assert removed.stdout.strip() == f"Removed news ({news}) and its 5 articles"
    assert json.loads(cli("list", "--json").stdout) == []
    cli("add", str(news / "e.txt"), check_exit=0)
    cli("remove", str(news / "e.txt"), check_exit=0)
    missing = cli("remove", "nothing")
    assert (missing.returncode, missing.stderr) == (
        2,
        "tui-news: no source matches 'nothing' (see tui-news sources)\n",
    )


def test_bad_usage_is_one_line_and_exit_2(cli: CliRun, tmp_path: Path) -> None:
    for args, message in [
        (("add", str(tmp_path / "nope")), f"tui-news: no such file or folder: {tmp_path / 'nope'}"),
        ((str(tmp_path / "nope"),), f"tui-news: no such file or folder: {tmp_path / 'nope'}"),
        (("list", "--limit", "x"), "tui-news: argument --limit: 'x' is not a whole number"),
        (("list", "--bogus"), "tui-news: unrecognized arguments: --bogus"),
        (("add",), "tui-news: the following arguments are required: URL|PATH"),
        (  # an id beyond SQLite's was capped, and the error named one never typed
            ("mark", "99999999999999999999999", "--read"),
            "tui-news: no article has the id 99999999999999999999999",
        ),
    ]:
        result = cli(*args)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(message), result.stderr
        assert "Traceback" not in result.stderr


def test_corrupt_library_exit_2_and_untouched(cli: CliRun, data_dir: Path) -> None:
    data_dir.mkdir()
    library = data_dir / "library.sqlite"
    library.write_bytes(b"garbage" * 1000)
    result = cli("list")
    assert result.returncode == 2
    assert result.stderr.startswith(f"tui-news: the library {library} cannot be opened")
    assert library.read_bytes() == b"garbage" * 1000
    assert list(data_dir.iterdir()) == [library]


def test_data_dir_option_wins_over_environment(cli: CliRun, news: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    cli("--data-dir", str(elsewhere), "add", str(news), check_exit=0)
    assert (elsewhere / "library.sqlite").exists()
    assert json.loads(cli("list", "--json").stdout) == []
    assert len(json.loads(cli("list", "--json", "--data-dir", str(elsewhere)).stdout)) == 5


def test_bad_config_is_one_line_and_the_defaults_are_used(
    cli: CliRun, data_dir: Path, news: Path
) -> None:
    data_dir.mkdir()
    config = data_dir / "config.toml"
    config.write_text("theme = [unclosed\n")
    cli("add", str(news), check_exit=0)
    result = cli("list", "--limit", "1")
    assert result.returncode == 0 and result.stdout.count("\n") == 1
    assert result.stderr.startswith(f"tui-news: {config} is not valid TOML")
    assert result.stderr.rstrip().endswith("using the defaults")
    assert result.stderr.count("\n") == 1
    config.write_text('refresh_minutes = "often"\nmax_connections = 4\n')
    result = cli("list", "--limit", "1")
    assert result.returncode == 0
    assert result.stderr == (
        f"tui-news: {config}: refresh_minutes must be a number 0 or more "
        "(and at most 1,000,000); using 30\n"
    )


def test_hostile_names_never_reach_the_terminal(cli: CliRun, tmp_path: Path) -> None:
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Home World \x1b]52;c;cHduZWQ=\x07Title\x1b[2J\n\n\x1b]52;c;cHduZWQ=\x07Title\x1b[2J\n\nx\n"
    )
    (folder / "bad\x1b[31mname.txt").write_bytes(b"")
    added = cli("add", str(folder), check_exit=0)
    listed = cli("list", check_exit=0)
    listed_json = cli("list", "--json", check_exit=0)
    for output in (added.stdout, added.stderr, listed.stdout):
        assert "\x1b" not in output and "\x07" not in output
    assert "World               Title\n" in listed.stdout  # whole sequences gone
    assert json.loads(listed_json.stdout)[0]["title"] == "Title"
    assert "badname.txt: empty file" in added.stderr


def test_module_entry_point_and_version(cli: CliRun) -> None:
    result = cli("--version", check_exit=0)
    assert result.stdout.startswith("tui-news ")


def test_library_is_sqlite_with_schema_version(cli: CliRun, news: Path, data_dir: Path) -> None:
    cli("add", str(news), check_exit=0)
    conn = sqlite3.connect(data_dir / "library.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    conn.close()


def test_list_into_a_closed_pipe_is_quiet(cli: CliRun, news: Path, data_dir: Path) -> None:
    import os
    import subprocess
    import sys

    cli("add", str(news), check_exit=0)
    for n in range(300):
        (news / f"more{n}.txt").write_text(seed_article("World", f"Story {n}"))
    cli("refresh", check_exit=0)
    env = {**os.environ, "TUI_NEWS_DATA_DIR": str(data_dir)}
    pipe = subprocess.run(
        f"{sys.executable} -m tui_news list | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert len(pipe.stdout.splitlines()) == 1
    assert pipe.stderr == ""


def test_list_keeps_its_columns_with_wide_or_long_section_names(
    cli: CliRun, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    names = ["World", "東京ニュース", "A Section Name Far Longer Than The Column"]
    for n, name in enumerate(names):
        (folder / f"{n}.txt").write_text(seed_article(name, f"Title {n}"))
    cli("add", str(folder), check_exit=0)
    lines = cli("list", check_exit=0).stdout.splitlines()
    from tui_news.core.text import cell_width

    starts = {cell_width(line[: line.index("Title")]) for line in lines}
    assert len(lines) == 3 and len(starts) == 1  # every title starts in the same column
    assert any("A Section Name Fa…" in line for line in lines)


def test_the_first_run_reads_the_sample_even_without_refresh_on_start(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_news import cli
    from tui_news.core.models import View
    from tui_news.ui.app import NewsApp

    data_dir.mkdir()
    (data_dir / "config.toml").write_text("refresh_on_start = false\n")
    opened: list[int] = []
    monkeypatch.setattr(NewsApp, "run", lambda app: opened.append(app.reader.count(View())))
    assert cli.main(["--data-dir", str(data_dir)]) == 0
    assert opened == [len(list((Path(cli.__file__).parent / "sample").glob("*.txt")))]


def test_list_section_matches_as_the_section_filter_does(cli: CliRun, news: Path) -> None:
    """Case and accents are ignored and a prefix matches; an unknown section is an error."""
    cli("add", str(news), check_exit=0)
    middle = cli("list", "--section", "middle", check_exit=0)
    assert [line.split("  ")[-1].strip() for line in middle.stdout.splitlines()] == [
        "Water Deal Signed",
        "Rail Line Opens",
    ]
    assert cli("list", "--section", "WÓRLD", check_exit=0).stdout.count("\n") == 2
    unknown = cli("list", "--section", "business", check_exit=2)
    assert unknown.stdout == ""
    assert unknown.stderr == (
        "tui-news: no section matches 'business' (sections: Middle East, Science, World)\n"
    )
    none = cli("list", "--section", "sci", "--starred", check_exit=0)
    assert (none.stdout, none.stderr) == ("", "No articles match.\n")


def test_one_article_is_said_in_the_singular(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Only One\n\nBody.\n")
    cli("add", str(tmp_path / "one.txt"), check_exit=0)
    sources = cli("sources", check_exit=0).stdout
    assert "    1 article, 1 unread, refreshed" in sources
    removed = cli("remove", str(tmp_path / "one.txt"), check_exit=0).stdout
    assert removed.endswith("and its 1 article\n")


def test_a_library_from_an_older_version_is_said_to_be_updated_once(
    cli: CliRun, news: Path, data_dir: Path
) -> None:
    from tui_news.core.library.schema import MIGRATIONS

    first = cli("add", str(news), check_exit=0)
    assert "updating the library" not in first.stderr  # a new library is no upgrade
    library = data_dir / "library.sqlite"
    older = data_dir / "older.sqlite"
    conn = sqlite3.connect(older, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:12]):  # as tui-news wrote it before stories
        conn.executescript(f"{script}; PRAGMA user_version = {number + 1};")
    conn.execute(
        "INSERT INTO sources (id, kind, location, name, added) VALUES (1, 'folder', ?, 'x', 0)",
        (str(news),),
    )
    conn.execute(
        "INSERT INTO articles (source_id, key, section, title, published, body, first_seen) "
        "VALUES (1, 'k', 'World', 'Kept From Before', 0, 'Old text.', 0)"
    )
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{library}{suffix}").unlink(missing_ok=True)
    older.rename(library)
    upgraded = cli("list", check_exit=0)
    assert upgraded.stderr.splitlines() == [
        "tui-news: updating the library for this version (once; a large one takes a while)"
    ]
    assert "Kept From Before" in upgraded.stdout
    assert cli("list", check_exit=0).stderr == ""  # once
    conn = sqlite3.connect(library)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()
