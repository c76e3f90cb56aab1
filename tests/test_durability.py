"""Nothing committed is lost: kill -9 mid-write, two instances at once, read-only and full disks.

Each test runs the real ``tui-news`` in other processes against a library on disk, then opens
the library again and checks it: SQLite's own integrity check, the search indexes' check, and
that every change committed before the kill is there.
"""

from __future__ import annotations

import ctypes
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import seed_article
from tests.feedserver import FeedServer, Route, rss
from tests.fixtures import showing

ROOT = Path(__file__).resolve().parents[1]
Preexec = Callable[[], None] | None


def tui_news(data_dir: Path, *args: str, preexec: Preexec = None) -> subprocess.Popen[str]:
    """Start ``tui-news --data-dir DATA_DIR ARGS`` in its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "tui_news", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=preexec,
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    """Wait for a process: its exit status, stdout and stderr."""
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def check_library(path: Path) -> sqlite3.Connection:
    """Open a library as a restarted tui-news would, and fail unless it is whole."""
    conn = sqlite3.connect(path, timeout=10)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for index in ("articles_fts", "titles_fts"):  # raises if an index disagrees with the text
        conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")
    duplicates = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM articles GROUP BY source_id, key HAVING count(*) > 1)"
    ).fetchone()[0]
    assert duplicates == 0
    return conn


def committed(path: Path, sql: str) -> int:
    """A count as another process sees it right now (only committed rows), 0 before any."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL  # killed, not finished on its own


FEEDS, ITEMS = 80, 40


def items(feed: int, round_: int = 0) -> list[dict[str, str]]:
    return [
        {
            "title": f"Feed {feed} story {n} round {round_}",
            "guid": f"{feed}-{round_}-{n}",
            "pubDate": f"Mon, 02 Nov 2026 {n % 24:02}:00:00 GMT",
            "description": f"Harbour budget talks, part {n}. " * 30,
        }
        for n in range(ITEMS)
    ]


@pytest.fixture
def feeds() -> Iterator[tuple[FeedServer, Path]]:
    """A server with FEEDS feeds of ITEMS items, and a urls file listing them."""
    with FeedServer() as server:
        for feed in range(FEEDS):
            body = rss(f"Feed {feed}", items(feed))
            server.routes[f"/{feed}"] = Route(body=body)
        with tempfile.TemporaryDirectory() as folder:
            urls = Path(folder) / "urls"
            urls.write_text("".join(server.url(f"/{feed}") + "\n" for feed in range(FEEDS)))
            yield server, urls


def new_round(server: FeedServer, round_: int) -> None:
    for feed in range(FEEDS):
        server.routes[f"/{feed}"].body = rss(f"Feed {feed}", items(feed, round_))


# --- kill -9 --------------------------------------------------------------------------------


def test_kill_during_refresh_loses_nothing_committed(tmp_path: Path, feeds) -> None:
    server, urls = feeds
    data = tmp_path / "data"
    assert finish(tui_news(data, "import", str(urls)))[0] == 0
    for feed in range(1, FEEDS, 2):  # slow answers: each refresh lasts two seconds or more
        server.routes[f"/{feed}"].delay = 0.1
    library = data / "library.sqlite"
    with sqlite3.connect(library) as conn:  # the user's marks, committed before the refresh
        conn.execute("UPDATE articles SET read = 1 WHERE id % 3 = 0")
        conn.execute("UPDATE articles SET starred = 1 WHERE id % 7 = 0")
        marks = conn.execute("SELECT id, read, starred FROM articles ORDER BY id").fetchall()

    stored = "SELECT count(*) FROM articles"
    # Killed while starting, then at moments after the first feeds of the round are stored.
    for round_, wait in enumerate([None, 0.0, 0.1, 0.3], start=1):
        new_round(server, round_)
        before = committed(library, stored)
        refresh = tui_news(data, "refresh")
        if wait is None:
            time.sleep(random.uniform(0.05, 0.3))
        else:

            def grew(before: int = before) -> bool:
                return committed(library, stored) > before

            wait_for(grew)
            time.sleep(wait)
        seen = committed(library, stored)
        kill(refresh)

        conn = check_library(library)
        assert conn.execute(stored).fetchone()[0] >= seen
        kept = conn.execute(
            "SELECT id, read, starred FROM articles WHERE id <= ? ORDER BY id", (marks[-1][0],)
        ).fetchall()
        assert kept == marks  # old articles stay (they left the feed) with their marks
        per_feed = conn.execute(
            "SELECT count(*) FROM articles WHERE key LIKE ? GROUP BY source_id",
            (f"%-{round_}-%",),
        ).fetchall()
        assert all(count == ITEMS for (count,) in per_feed)  # a feed is stored whole or not
        conn.close()

    status, _, err = finish(tui_news(data, "refresh"))  # after a restart, all of it
    assert status == 0, err
    conn = check_library(library)
    last = conn.execute("SELECT count(*) FROM articles WHERE key LIKE '%-4-%'").fetchone()[0]
    assert last == FEEDS * ITEMS


def test_kill_during_a_folder_scan_loses_nothing_committed(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(3000):
        (folder / f"{n:05}.txt").write_text(seed_article("World", f"Story {n}", "Text. " * 50))
    data = tmp_path / "data"
    library = data / "library.sqlite"
    stored = "SELECT count(*) FROM articles"

    adding = tui_news(data, "add", str(folder))
    wait_for(lambda: committed(library, stored) > 0)
    seen = committed(library, stored)
    kill(adding)
    conn = check_library(library)
    count = conn.execute(stored).fetchone()[0]
    assert seen <= count < 3000
    conn.execute("UPDATE articles SET read = 1, starred = 1 WHERE id <= 10")
    conn.commit()
    conn.close()

    status, _, err = finish(tui_news(data, "refresh"))  # the next scan brings in the rest
    assert status == 0, err
    conn = check_library(library)
    assert conn.execute(stored).fetchone()[0] == 3000
    assert conn.execute("SELECT count(*) FROM articles WHERE read AND starred").fetchone()[0] == 10


@pytest.mark.slow
def test_kill_at_random_moments_many_times(tmp_path: Path, feeds) -> None:
    """`pytest -m slow`: 30 kills at random moments of refreshes and folder scans (each
    checked as above), then one refresh brings everything."""
    server, urls = feeds
    for feed in range(1, FEEDS, 2):
        server.routes[f"/{feed}"].delay = 0.05
    folder = tmp_path / "news"
    folder.mkdir()
    data = tmp_path / "data"
    library = data / "library.sqlite"
    assert finish(tui_news(data, "import", str(urls)))[0] == 0
    assert finish(tui_news(data, "add", str(folder)))[0] == 0
    stored = "SELECT count(*) FROM articles"
    chance = random.Random(6)
    killed = 0
    for round_ in range(1, 31):
        new_round(server, round_)
        for n in range(100):
            name = f"{round_:02}-{n:03}.txt"
            (folder / name).write_text(seed_article("Local", f"Round {round_} story {n}", "T."))
        refresh = tui_news(data, "refresh")
        time.sleep(chance.uniform(0.2, 2.0))
        seen = committed(library, stored)
        if refresh.poll() is None:
            kill(refresh)
            killed += 1
        conn = check_library(library)
        assert conn.execute(stored).fetchone()[0] >= seen
        conn.close()
    assert killed >= 10  # most refreshes were cut short, not finished
    assert finish(tui_news(data, "refresh"))[0] == 0
    conn = check_library(library)
    assert conn.execute("SELECT count(*) FROM articles WHERE key LIKE '%-30-%'").fetchone()[0] == (
        FEEDS * ITEMS
    )
    local = "SELECT count(*) FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.kind = ?"
    assert conn.execute(local, ("folder",)).fetchone()[0] == 3000


MARK_ALL_READ = textwrap.dedent(
    """
    import asyncio, sys
    from tui_news.core.reader import make_reader
    from tui_news.ui.app import NewsApp

    async def main():
        app = NewsApp(make_reader(sys.argv[1]))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("M")
            await pilot.pause()
            print("asked", flush=True)
            await pilot.press("y")
            await pilot.pause()
            print("marked", flush=True)
            await asyncio.sleep(60)

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("when", ["during", "after"])
def test_kill_during_mark_all_read(tmp_path: Path, when: str) -> None:
    """``M`` in the app marks every article read in one transaction: all or none survive a
    kill while it runs, and all of them once it has said so."""
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(4000):
        (folder / f"{n:05}.txt").write_text(seed_article("World", f"Story {n}", "Text."))
    data = tmp_path / "data"
    library = data / "library.sqlite"
    assert finish(tui_news(data, "add", str(folder)))[0] == 0
    (data / "config.toml").write_text("refresh_on_start = false\n")

    app = subprocess.Popen(
        [sys.executable, "-c", MARK_ALL_READ, str(data)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert app.stdout is not None
    assert app.stdout.readline().strip() == "asked"
    if when == "after":
        assert app.stdout.readline().strip() == "marked"
    else:
        time.sleep(random.uniform(0, 0.05))
    kill(app)

    conn = check_library(library)
    read = conn.execute("SELECT count(*) FROM articles WHERE read").fetchone()[0]
    assert read == 4000 if when == "after" else read in (0, 4000)


# --- two at once ----------------------------------------------------------------------------


def test_first_runs_at_once_all_open_the_library(tmp_path: Path) -> None:
    """Several tui-news starting on a new library at the same moment: each creates the
    schema or waits for the one that does; none fails."""
    data = tmp_path / "data"
    runs = [tui_news(data, "sources") for _ in range(6)]
    results = [finish(run) for run in runs]
    assert [status for status, _, _ in results] == [0] * 6, [err for _, _, err in results]
    check_library(data / "library.sqlite").close()


def test_two_refreshes_at_once_on_one_library(tmp_path: Path, feeds) -> None:
    server, urls = feeds
    data = tmp_path / "data"
    assert finish(tui_news(data, "import", str(urls)))[0] == 0
    new_round(server, 1)
    both = [tui_news(data, "refresh"), tui_news(data, "refresh")]
    results = [finish(run) for run in both]
    assert [status for status, _, _ in results] == [0, 0], [err for _, _, err in results]
    conn = check_library(data / "library.sqlite")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == FEEDS * ITEMS * 2


async def test_the_app_keeps_working_while_another_tui_news_refreshes(
    tmp_path: Path, feeds
) -> None:
    from tui_news.core.reader import make_reader
    from tui_news.ui.app import NewsApp

    server, urls = feeds
    data = tmp_path / "data"
    assert finish(tui_news(data, "import", str(urls)))[0] == 0
    (data / "config.toml").write_text("refresh_on_start = false\n")
    new_round(server, 1)
    reader = make_reader(data)
    app = NewsApp(reader)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        refresh = tui_news(data, "refresh")
        opened = []
        while refresh.poll() is None:  # read articles (each marked read) while it writes
            await pilot.press("n")
            await pilot.pause()
            if app.article_view.article is not None:
                opened.append(showing(app).id)
        await pilot.press("s")  # star the last one
        await pilot.pause()
    reader.close()
    assert refresh.returncode == 0, refresh.stderr.read() if refresh.stderr else ""
    assert opened
    conn = check_library(data / "library.sqlite")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == FEEDS * ITEMS * 2
    marks = f"SELECT count(*) FROM articles WHERE read AND id IN ({','.join(map(str, opened))})"
    assert conn.execute(marks).fetchone()[0] == len(set(opened))
    starred = conn.execute("SELECT id FROM articles WHERE starred").fetchall()
    assert starred == [(opened[-1],)]


# --- read-only and full ---------------------------------------------------------------------


def unable_to_write(*paths: Path) -> Preexec:
    """Make ``paths`` read-only; for root, also a process start that root's powers over file
    permissions are dropped in (from the capability bounding set, so they stay dropped)."""
    for path in paths:
        path.chmod(0o555 if path.is_dir() else 0o444)
    if os.geteuid() != 0:
        return None

    def drop_root_powers() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "cannot drop a capability")

    return drop_root_powers


def test_a_read_only_library_gives_a_clear_error(tmp_path: Path, news: Path) -> None:
    data = tmp_path / "data"
    assert finish(tui_news(data, "add", str(news)))[0] == 0
    library = data / "library.sqlite"
    preexec = unable_to_write(library)

    status, out, err = finish(tui_news(data, "list", preexec=preexec))
    assert status == 0 and "Comet Spotted" in out, err  # reading still works
    (news / "new.txt").write_text(seed_article("Science", "Another Comet", "Text."))
    status, out, err = finish(tui_news(data, "refresh", preexec=preexec))
    assert status == 2
    assert err == (
        f"tui-news: the library {library} could not be saved (it is read-only); "
        "what was saved before is kept\n"
    )
    library.chmod(0o644)
    assert check_library(library).execute("SELECT count(*) FROM articles").fetchone()[0] == 5


def test_a_read_only_data_folder_gives_a_clear_error(tmp_path: Path, news: Path) -> None:
    data = tmp_path / "data"
    assert finish(tui_news(data, "add", str(news)))[0] == 0
    preexec = unable_to_write(data)
    try:
        for command in ("refresh", "list"):
            result = finish(tui_news(data, command, preexec=preexec))
            reason = f"tui-news: the data folder {data} is not readable and writable\n"
            assert result == (2, "", reason)
    finally:
        data.chmod(0o755)


def full_disk(size: int) -> Callable[[], None]:
    """A process whose files cannot grow past ``size`` bytes, as on a full disk."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a dead process
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def test_a_full_disk_gives_a_clear_error_and_keeps_what_was_saved(tmp_path: Path, feeds) -> None:
    server, urls = feeds
    data = tmp_path / "data"
    assert finish(tui_news(data, "import", str(urls)))[0] == 0
    library = data / "library.sqlite"
    with sqlite3.connect(library) as conn:
        conn.execute("UPDATE articles SET read = 1 WHERE id % 2 = 0")
    largest = max(path.stat().st_size for path in data.iterdir())
    new_round(server, 1)  # about 5 MB of new articles, with room for a tenth of them

    status, _, err = finish(tui_news(data, "refresh", preexec=full_disk(largest + 500_000)))
    assert status == 2
    assert err.startswith(f"tui-news: the library {library} could not be saved (")
    assert err.endswith("); what was saved before is kept\n") and err.count("\n") == 1
    conn = check_library(library)
    assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == FEEDS
    old = "SELECT count(*), sum(read) FROM articles WHERE key LIKE '%-0-%'"
    assert conn.execute(old).fetchone() == (FEEDS * ITEMS, FEEDS * ITEMS // 2)
    conn.close()

    status, _, err = finish(tui_news(data, "refresh"))  # room again: everything arrives
    assert status == 0, err
    conn = check_library(library)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == FEEDS * ITEMS * 2


async def test_the_app_says_when_the_library_cannot_be_saved(reader, news: Path) -> None:
    """Another program holds the library's write lock: each write the app tries is one
    notice, nothing is shown as done that was not saved, and it saves once the lock is gone."""
    from tests.fixtures import line_text, notices, settle
    from tui_news.core.models import View
    from tui_news.ui.app import NewsApp

    reader.add(str(news))
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        reader.store.conn.execute("PRAGMA busy_timeout = 50")  # not 10 s, in a test
        other = sqlite3.connect(reader.store.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        first = app.headlines.current_id
        await pilot.press("enter", "s", "M")
        await settle(app, pilot)
        assert showing(app).id == first  # it still opens, unmarked
        errors = notices(app, "error")
        reason = (
            f"The library {reader.store.path} could not be saved (another program kept it "
            "locked); what was saved before is kept"
        )
        assert errors == [reason] * 3
        assert line_text(app.headlines, 0).startswith("● ")  # neither read nor starred
        other.execute("ROLLBACK")
        await pilot.press("s")
        await settle(app, pilot)
        assert line_text(app.headlines, 0).startswith("●★")
    assert [a.id for a in reader.store.articles(View(starred=True))] == [first]
    assert len(reader.store.articles(View(unread=True))) == 5
