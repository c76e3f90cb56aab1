"""Shared fixtures: a data dir, article folders written on disk, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.servers.coldsweat import coldsweat, coldsweat_server  # noqa: F401  (fixtures)
from tests.servers.ttrss import ttrss, ttrss_server  # noqa: F401  (fixtures for every test)
from tui_news.core.reader import Reader, make_reader

# The seed article from shared/seed/, as shipped in the bundled sample library.
SEED = Path(__file__).resolve().parents[1] / "tui_news" / "sample" / "000_82045d8439cd361a.txt"


def seed_article(section: str, title: str, *paragraphs: str) -> str:
    """An article in the seed format: breadcrumb, blank, title, blank, paragraphs."""
    body = "\n\n".join(paragraphs or ("Some text about " + title.lower() + ".",))
    return f"Home {section} {title}\n\n{title}\n\n{body}\n"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data dir, also set as TUI_NEWS_DATA_DIR so nothing touches the real one."""
    folder = tmp_path / "data"
    monkeypatch.setenv("TUI_NEWS_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """A folder of five seed-format articles in three sections, one with a multi-word name."""
    folder = tmp_path / "news"
    (folder / "world").mkdir(parents=True)
    (folder / "mideast").mkdir()
    files = {
        "world/a.txt": seed_article("World", "Ports Reopen After Strike", "Dock workers return."),
        "world/b.txt": seed_article("World", "Forest Loss Slows", "Satellites show less."),
        "mideast/c.txt": seed_article("Middle East", "Rail Line Opens", "Trains cross."),
        "mideast/d.txt": seed_article("Middle East", "Water Deal Signed", "Five nations."),
        "e.txt": seed_article("Science", "Comet Spotted", "A new comet."),
    }
    for index, (name, text) in enumerate(sorted(files.items())):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, (1_700_000_000 + index * 3600, 1_700_000_000 + index * 3600))
    return folder


@pytest.fixture
def reader(data_dir: Path) -> Iterator[Reader]:
    """A reader on the empty data dir."""
    opened = make_reader(data_dir)
    yield opened
    opened.close()


CliRun = Callable[..., subprocess.CompletedProcess[str]]


def tui_news(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui_news --data-dir DATA ARGS`` with ``env`` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "tui_news", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


@pytest.fixture
def cli(data_dir: Path) -> CliRun:
    """Run ``python -m tui_news ARGS`` in a subprocess against the test data dir."""

    def run(*args: str, check_exit: int | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "tui_news", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "TUI_NEWS_DATA_DIR": str(data_dir)},
        )
        if check_exit is not None:
            assert result.returncode == check_exit, result.stderr
        return result

    return run


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 serving the routes a test sets."""
    from tests.feedserver import serve

    yield from serve()


@pytest.fixture(autouse=True)
def truecolor_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app draws as in a terminal of millions of colours, whatever ``TERM`` runs the tests: its
    theme follows the terminal's colours (16 get their own), and the snapshots are drawn in one."""
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.fixture(autouse=True)
def no_system_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test opens a real browser, whatever this machine has: no $BROWSER, no display, and no
    browser program found, so links go to the app's (recorded) open_url unless a test says."""
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("tui_news.core.browser.find_program", lambda name: None)
