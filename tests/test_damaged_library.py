"""A library damaged past its first pages gives one sentence, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from functools import partialmethod
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tui_news import cli
from tui_news.core.reader import make_reader
from tui_news.ui.app import NewsApp

ONE_LINE = "tui-news: the library "


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose library holds 2,000 articles (about 4 MB)."""
    news = tmp_path_factory.mktemp("news")
    for index in range(2000):
        (news / f"{index}.txt").write_text(f"Story number {index}\n\n" + "word " * 200 + "\n")
    data = tmp_path_factory.mktemp("data")
    reader = make_reader(data)
    reader.add(str(news))
    reader.close()
    return data


def damage(whole: Path, tmp_path: Path, at: float) -> Path:
    """A copy of ``whole`` with 16 KB overwritten at fraction ``at`` of its library."""
    data = tmp_path / "data"
    shutil.copytree(whole, data)
    library = data / "library.sqlite"
    with library.open("r+b") as handle:
        handle.seek(int(library.stat().st_size * at) // 4096 * 4096)
        handle.write(b"\xde\xad\xbe\xef" * 4096)
    return data


@pytest.mark.parametrize("at", [0.3, 0.6, 0.8])
def test_commands_on_a_damaged_library_say_so_in_one_line(
    whole: Path, tmp_path: Path, at: float
) -> None:
    data = damage(whole, tmp_path, at)
    said = 0
    for args in (["list"], ["list", "--json"], ["search", "word"], ["sources"], ["refresh"]):
        result = subprocess.run(
            [sys.executable, "-m", "tui_news", "--data-dir", str(data), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode in (0, 2), (args, result.stderr)
        if result.returncode == 2:
            assert result.stderr.startswith(ONE_LINE) and result.stderr.count("\n") == 1
            assert "nothing was changed" in result.stderr
            said += 1
    assert said  # the damage was met


@pytest.mark.parametrize("at", [0.6, 0.8])
def test_the_app_on_a_damaged_library_says_so_in_one_line(
    whole: Path,
    tmp_path: Path,
    at: float,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = damage(whole, tmp_path, at)

    async def browse(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press("enter", "G", "enter", "escape", "slash", "w", "o", "r", "d", "enter")
        await pilot.pause()
        pilot.app.exit()

    run = partialmethod(NewsApp.run, headless=True, size=(100, 30), auto_pilot=browse)
    monkeypatch.setattr(NewsApp, "run", run)
    notices: list[str] = []
    notify = NewsApp.notify

    def noted(self: NewsApp, text: str, **options: Any) -> None:
        notices.append(str(text))
        notify(self, text, **options)

    monkeypatch.setattr(NewsApp, "notify", noted)
    status = cli.main(["--data-dir", str(data)])
    err = capsys.readouterr().err
    assert status in (0, 2), err
    if status == 2:
        assert err.startswith(ONE_LINE) and err.count("\n") == 1
    met = [notice for notice in notices if "malformed" in notice]
    assert status == 2 or met  # the damage was met
    assert all(notice.startswith("The library ") for notice in met)
