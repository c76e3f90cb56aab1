"""A sync killed with SIGKILL half-way through a real Tiny Tiny RSS pull: the library stays
whole, what was stored stays, the next sync brings the rest once, and queued marks arrive."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CliRun
from tests.servers.ttrss import Article, TtRss
from tests.test_sync_ttrss import add_account, listed, seed_three_feeds

MANY = 2000


def count(library: Path) -> int:
    conn = sqlite3.connect(f"file:{library}?mode=ro", uri=True, timeout=10)
    try:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return -1
    finally:
        conn.close()


@pytest.fixture
def password_file(tmp_path: Path, ttrss: TtRss) -> Path:
    path = tmp_path / "password"
    path.write_text(ttrss.password + "\n", encoding="utf-8")
    return path


def test_kill_9_during_a_sync_loses_nothing(
    cli: CliRun, ttrss: TtRss, password_file: Path, data_dir: Path
) -> None:
    ids = seed_three_feeds(ttrss)
    add_account(cli, ttrss, password_file).check_returncode()
    cli("mark", str(listed(cli)["Odd one out"]["id"]), "--star", check_exit=0)
    many = ttrss.seed(articles=[Article("World Wire", f"Story {i}") for i in range(MANY)])
    library = data_dir / "library.sqlite"
    sync = subprocess.Popen(
        [sys.executable, "-m", "tui_news", "sync"],
        env={**os.environ, "TUI_NEWS_DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    stored = 0
    while sync.poll() is None and time.monotonic() < deadline:
        stored = count(library)
        if 6 < stored < 6 + MANY:  # some pages stored, not all
            os.kill(sync.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    sync.wait()
    assert sync.returncode == -signal.SIGKILL, "the sync ended before it could be killed"
    assert 6 < stored < 6 + MANY
    conn = sqlite3.connect(library)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert ttrss.state()[ids[5]] == (False, True)  # the queue went first
    cli("mark", str(listed(cli)["Kernel patched"]["id"]), "--read", check_exit=0)
    again = cli("sync", check_exit=0)
    assert "0 removed" in again.stdout
    articles = json.loads(cli("list", "--json", check_exit=0).stdout)
    titles = [a["title"] for a in articles]
    assert len(titles) == 6 + MANY and len(set(titles)) == 6 + MANY
    assert ttrss.state()[ids[4]] == (True, False)
    assert len(many.articles) == MANY
