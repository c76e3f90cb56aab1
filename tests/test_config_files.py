"""The config and library files: odd config files never hang, a linked config stays linked,
new files are their owner's alone, and refresh intervals have a floor."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import seed_article
from tui_news.core.config import Config, save_theme
from tui_news.core.reader import make_reader
from tui_news.ui.app import NewsApp


def tui_news(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    def small() -> None:  # /dev/zero read whole would take all memory: fail fast instead
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [sys.executable, "-m", "tui_news", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=small,
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: os.mkfifo(path), "is a named pipe (FIFO), not a file"),
        (lambda path: path.symlink_to("/dev/zero"), "is a device, not a file"),
        (
            lambda path: path.write_text("# x\n" * 300_000),
            "is too large (1.1 MB, the limit is 1 MB)",
        ),
        (
            lambda path: path.write_bytes(b"theme = '\xff'\n"),
            "is not UTF-8 text (invalid start byte)",
        ),
    ],
    ids=["fifo", "dev-zero", "huge", "not-utf8"],
)
def test_an_odd_config_file_is_refused_in_one_line(
    tmp_path: Path, make: object, reason: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    config = data / "config.toml"
    make(config)  # type: ignore[operator]
    result = tui_news(data, "sources")
    assert result.returncode == 0
    assert result.stderr == f"tui-news: {config} {reason}; using the defaults\n"


def test_saving_a_theme_writes_through_a_linked_config(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "tui-news.toml"
    real.write_text("# mine\nkeep = 5\n")
    real.chmod(0o640)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    save_theme(link, "nord")
    assert link.is_symlink() and link.resolve() == real
    assert tomllib.loads(real.read_text()) == {"keep": 5, "theme": "nord"}
    assert real.read_text().startswith("# mine\n")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # its mode kept
    assert sorted(p.name for p in dotfiles.iterdir()) == ["tui-news.toml"]  # no leftovers


async def test_browsing_themes_with_an_invalid_config_warns_and_keeps_it(
    data_dir: Path, news: Path
) -> None:
    reader = make_reader(data_dir)
    reader.add(str(news))
    config = data_dir / "config.toml"
    config.write_text("keep = [unclosed\n")
    reader.config = Config.load(config)
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    warnings: list[str] = []
    notify = app.notify

    def recorded(text: str, **options: Any) -> None:
        warnings.append(str(text))
        notify(text, **options)

    app.notify = recorded  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(100, 30)) as pilot:
        for theme in ("nord", "gruvbox", "nord"):
            app.theme = theme
            await pilot.pause()
        assert app.is_running
    reader.close()
    assert config.read_text() == "keep = [unclosed\n"
    assert any(
        w.startswith(f"Could not save the theme: {config} is not valid TOML") for w in warnings
    )


def test_new_files_are_the_owners_alone_existing_ones_untouched(tmp_path: Path, news: Path) -> None:
    data = tmp_path / "fresh" / "data"
    assert tui_news(data, "add", str(news)).returncode == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "library.sqlite").stat().st_mode) == 0o600
    save_theme(data / "config.toml", "nord")
    assert stat.S_IMODE((data / "config.toml").stat().st_mode) == 0o600

    shared = tmp_path / "shared"
    shared.mkdir()
    library = shared / "library.sqlite"
    make_reader(shared).close()
    library.chmod(0o644)
    assert tui_news(shared, "list").returncode == 0
    assert stat.S_IMODE(library.stat().st_mode) == 0o644


def test_refresh_minutes_under_one_is_raised_to_one_with_a_notice(tmp_path: Path) -> None:
    data, news = tmp_path / "data", tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(seed_article("World", "A Story"))
    data.mkdir()
    config = data / "config.toml"
    config.write_text(
        'refresh_minutes = 0.00001\n[sources."news"]\nrefresh_minutes = 0.5\n'
        '[sources."other"]\nrefresh_minutes = 0\n'
    )
    result = tui_news(data, "add", str(news))
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"tui-news: {config}: refresh_minutes is 1e-05, under a minute; using 1 (0 turns it off)",
        f"tui-news: {config}: [sources.'news'] refresh_minutes is 0.5, under a minute; "
        "using 1 (0 turns it off)",
    ]
    reader = make_reader(data)
    try:
        (source,) = reader.sources()
        assert reader.config.refresh_minutes == 1
        assert reader.refresh_minutes(source) == 1
        assert reader.config.sources["other"].refresh_minutes == 0
        assert reader.check_seconds() == 60
    finally:
        reader.close()


def test_a_sources_table_that_names_no_source_is_reported(tmp_path: Path) -> None:
    """A typo in [sources."…"] left its settings unused without a word."""
    data, news = tmp_path / "data", tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(seed_article("World", "A Story"))
    data.mkdir()
    config = data / "config.toml"
    config.write_text('[sources."NEWS"]\nkeep = 5\n[sources."nwes"]\nkeep = 5\n')
    assert tui_news(data, "add", str(news)).returncode == 0
    result = tui_news(data, "sources")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [  # NEWS is news, its name, case aside
        f"tui-news: {config}: [sources.'nwes'] names no source (see tui-news sources)"
    ]
