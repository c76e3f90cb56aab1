"""A folder that cannot be seen for a moment loses nothing; odd entries in it are skipped
with a reason, never a crash or a hang. Through the real ``tui-news`` on real files."""

from __future__ import annotations

import json
import os
import resource
import socket
import sqlite3
from pathlib import Path

import pytest
from rich.table import Table

from tests.conftest import seed_article
from tests.test_durability import finish, tui_news, unable_to_write
from tui_news.core.models import View
from tui_news.core.reader import make_reader


def folder_of(path: Path, count: int, prefix: str = "a") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        text = seed_article("World", f"Story {prefix}{index}", "Text.")
        (path / f"{prefix}{index}.txt").write_text(text)
    return path


def stored(data: Path) -> tuple[int, int]:
    """(articles, starred articles) in the library."""
    with sqlite3.connect(data / "library.sqlite") as conn:
        return conn.execute("SELECT count(*), coalesce(sum(starred), 0) FROM articles").fetchone()


def star_first(data: Path) -> None:
    reader = make_reader(data)
    try:
        reader.set_starred(reader.articles(View())[0].id, True)
    finally:
        reader.close()


def test_an_unreadable_folder_fails_and_keeps_its_articles(tmp_path: Path) -> None:
    data, news = tmp_path / "data", folder_of(tmp_path / "news", 3)
    folder_of(news / "inner", 2, "b")
    assert finish(tui_news(data, "add", str(news)))[0] == 0
    star_first(data)

    (news / "inner").chmod(0)  # a subfolder that cannot be listed: a problem, nothing lost
    status, _out, err = finish(tui_news(data, "refresh", preexec=unable_to_write()))
    assert status == 0, err
    assert f"skipped {news}/inner: folder cannot be read (Permission denied)" in err
    assert stored(data) == (5, 1)

    news.chmod(0)  # the whole folder: a failed source
    try:
        status, _out, err = finish(tui_news(data, "refresh", preexec=unable_to_write()))
    finally:
        news.chmod(0o755)
        (news / "inner").chmod(0o755)
    assert status == 1
    assert f"failed news: {news} cannot be read (Permission denied)\n" in err
    assert stored(data) == (5, 1)


@pytest.mark.parametrize("gone", ["emptied", "unmounted", "replaced by a file", "dangling link"])
def test_a_folder_that_vanished_keeps_its_articles_until_pruned(tmp_path: Path, gone: str) -> None:
    data, news = tmp_path / "data", folder_of(tmp_path / "disk", 4)
    link = tmp_path / "news"
    link.symlink_to(news)  # subscribed through a link, as to a mount point
    assert finish(tui_news(data, "add", str(news)))[0] == 0
    star_first(data)
    for path in news.iterdir():
        path.unlink()
    if gone == "unmounted":
        news.rmdir()
    elif gone == "replaced by a file":
        news.rmdir()
        news.write_text("not a folder")
    elif gone == "dangling link":
        news.rmdir()
        news.symlink_to(tmp_path / "nowhere")

    status, _out, err = finish(tui_news(data, "refresh"))
    assert status == 1
    assert len(err.splitlines()) == 1 and err.startswith("failed disk: "), err
    assert stored(data) == (4, 1)
    if gone == "emptied":
        assert "the folder is empty now" in err and "tui-news refresh --prune" in err
        status, out, err = finish(tui_news(data, "refresh", "--prune"))
        assert (status, err) == (0, "")
        assert "4 removed" in out
        assert stored(data) == (0, 0)


def test_most_of_a_folder_gone_is_kept_a_few_files_gone_are_removed(tmp_path: Path) -> None:
    data, news = tmp_path / "data", folder_of(tmp_path / "news", 30)
    assert finish(tui_news(data, "add", str(news)))[0] == 0
    for index in range(5):
        (news / f"a{index}.txt").unlink()
    status, out, err = finish(tui_news(data, "refresh"))
    assert (status, err) == (0, "")
    assert "5 removed" in out and stored(data) == (25, 0)

    for index in range(5, 25):
        (news / f"a{index}.txt").unlink()
    status, out, err = finish(tui_news(data, "refresh"))
    assert status == 1
    assert "the folder has lost 20 of its 25 articles" in err
    assert stored(data) == (25, 0)
    assert finish(tui_news(data, "refresh", "--prune"))[0] == 0
    assert stored(data) == (5, 0)


def test_names_that_are_not_utf8_never_stop_a_refresh(tmp_path: Path) -> None:
    data, first = tmp_path / "data", tmp_path / "first"
    first.mkdir()
    (first / os.fsdecode(b"caf\xe9.txt")).write_text(seed_article("World", "Latin One", "A."))
    (first / os.fsdecode(b"\xff.bin")).write_bytes(b"\x00\x01")
    (first / os.fsdecode(b"d\xe9j\xe0")).mkdir()
    (first / os.fsdecode(b"d\xe9j\xe0") / "inside.txt").write_text("Inside\n\nText.\n")
    second = folder_of(tmp_path / "second", 2)
    status, out, err = finish(tui_news(data, "add", str(first)))
    assert status == 0, err
    assert "Added first" in out and "2 new" in out
    assert f"skipped {first}/\\xff.bin: not an article file (.bin)" in err
    assert finish(tui_news(data, "add", str(second)))[0] == 0
    (second / "a9.txt").write_text(seed_article("World", "After The Odd Names", "Text."))

    status, out, err = finish(tui_news(data, "refresh"))
    assert status == 0, err
    assert "1 new" in out
    status, out, err = finish(tui_news(data, "list", "--json"))
    listed = {a["title"]: a for a in json.loads(out)}
    assert {"Latin One", "Inside", "After The Odd Names"} <= listed.keys()
    assert listed["Latin One"]["path"] == f"{first}/caf\\xe9.txt"
    assert listed["Inside"]["section"] == "d\\xe9j\\xe0"


def test_an_odd_path_given_to_add_is_refused_in_one_line(tmp_path: Path) -> None:
    odd = tmp_path / os.fsdecode(b"\xfe\xff")
    folder_of(odd, 1)
    status, _out, err = finish(tui_news(tmp_path / "data", "add", str(odd)))
    assert status == 2
    assert (
        err == f"tui-news: {tmp_path}/\\xfe\\xff: a path that is not UTF-8 text cannot be added\n"
    )


def test_an_articles_pictures_beside_it_are_not_problems(tmp_path: Path) -> None:
    """Pictures kept beside a folder's articles are theirs, not files that failed to be
    articles; a file of another kind still is one."""
    data, news = tmp_path / "data", folder_of(tmp_path / "news", 2)
    for name in ("photo.JPG", "chart.png", "img/map.webp", "logo.svg"):
        (news / name).parent.mkdir(exist_ok=True)
        (news / name).write_bytes(b"\xff\xd8\xff\xe0 not text")
    (news / "report.pdf").write_bytes(b"%PDF-1.4")
    status, out, err = finish(tui_news(data, "add", str(news)), timeout=30)
    assert status == 0, err
    assert "2 new" in out and "1 skipped" in out
    reader = make_reader(data)
    try:
        problems = {Path(p.location).name: p.reason for p in reader.problems()}
    finally:
        reader.close()
    assert problems == {"report.pdf": "not an article file (.pdf)"}


def test_fifos_sockets_and_broken_links_are_skipped_with_a_reason(tmp_path: Path) -> None:
    data, news = tmp_path / "data", folder_of(tmp_path / "news", 1)
    os.mkfifo(news / "pipe.txt")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(news / "sock.txt"))
    (news / "link.txt").symlink_to(news / "nowhere.txt")
    try:
        status, _out, err = finish(tui_news(data, "add", str(news)), timeout=30)
    finally:
        listener.close()
    assert status == 0, err
    reader = make_reader(data)
    try:
        problems = {Path(p.location).name: p.reason for p in reader.problems()}
    finally:
        reader.close()
    assert problems == {
        "pipe.txt": "a named pipe (FIFO), not a file",
        "sock.txt": "a socket, not a file",
        "link.txt": "a broken link (what it points to is gone)",
    }


def test_a_fifo_swapped_in_for_a_file_never_blocks_refresh(tmp_path: Path) -> None:
    data, news = tmp_path / "data", tmp_path / "news"
    news.mkdir()
    feed = news / "feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>Local</title>'
        "<item><guid>1</guid><title>One</title></item></channel></rss>"
    )
    article = news / "note.txt"
    article.write_text("Note\n\nText.\n")
    assert finish(tui_news(data, "add", str(feed)))[0] == 0
    assert finish(tui_news(data, "add", str(article)))[0] == 0
    for path in (feed, article):
        path.unlink()
        os.mkfifo(path)  # nobody ever writes to them: a blocking open would wait forever
    status, _out, err = finish(tui_news(data, "refresh"), timeout=30)
    assert status == 1
    assert f"failed Local: {feed} is a named pipe (FIFO), not a file" in err
    assert f"failed note: {article} is a named pipe (FIFO), not a file" in err
    assert stored(data) == (2, 0)


BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
title: *h
author: *h
---
# Laughing Matter

Text.
"""


def at_most_a_gigabyte() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_front_matter_with_aliases_or_over_64_kb_is_ignored_with_a_reason(
    tmp_path: Path,
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "bomb.md").write_text(BOMB)
    huge = "".join(f"tag{i}: {'x' * 60}\n" for i in range(1100))
    (news / "huge.md").write_text(f"---\ntitle: Hidden\n{huge}---\n# Heading Wins\n\nText.\n")
    (news / "fine.md").write_text("---\ntitle: Kept &anchor\ndate: 2024-01-02\n---\nText.\n")
    status, _out, err = finish(
        tui_news(tmp_path / "data", "add", str(news), preexec=at_most_a_gigabyte), timeout=60
    )
    assert status == 0, err
    assert err.splitlines() == [
        f"skipped {news}/bomb.md: front matter ignored: it uses YAML aliases (*name), "
        "which are refused",
        f"skipped {news}/huge.md: front matter ignored: over 64 KB",
    ]
    titles = {a.title for a in make_reader(tmp_path / "data").articles(View())}
    assert titles == {"Laughing Matter", "Heading Wins", "Kept &anchor"}


async def test_the_problems_screen_lists_the_first_problems_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    from tui_news.ui.app import NewsApp
    from tui_news.ui.screens import ProblemsScreen

    news = folder_of(tmp_path / "news", 1)
    for index in range(ProblemsScreen.SHOWN + 150):
        (news / f"{index:04d}.{'bin' if index % 3 else 'pdf'}").write_bytes(b"x")
    reader = make_reader(tmp_path / "data")
    reader.add(str(news))
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("exclamation_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)
        assert screen.sheet_title == "Problems (650)"
        assert isinstance(screen.body, Table)
        rows = [[str(cell) for cell in column.cells] for column in screen.body.columns]
    reader.close()
    assert len(rows[0]) == ProblemsScreen.SHOWN + 3  # each shown, a heading, two reasons
    tail = list(zip(rows[0][-3:], rows[1][-3:], strict=True))
    assert tail == [
        ("150 more (tui-news refresh lists every one)", ""),
        ("100", "not an article file (.bin)"),
        ("50", "not an article file (.pdf)"),
    ]
