"""A crash exits non-zero and names its report; a stdout that cannot show a title is no crash."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import partialmethod
from pathlib import Path

import pytest

from tests.conftest import CliRun, seed_article
from tui_news import cli
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp

INJECT = """
import sys
from tui_news.core import reader
def broken(*args, **kwargs): raise ValueError("a bug \\x1b[31m here")
reader.Reader.{method} = broken
from tui_news.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_with_bug(method: str, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``tui-news ARGS`` with ``Reader.METHOD`` broken (as a bug would break it)."""
    return subprocess.run(
        [sys.executable, "-c", INJECT.format(method=method), "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def only_report(data: Path) -> str:
    reports = list((data / "crashes").iterdir())
    assert len(reports) == 1
    assert reports[0].stat().st_mode & 0o777 == 0o600
    return reports[0].read_text()


@pytest.mark.parametrize(
    ("method", "args"), [("sources", ["sources"]), ("search", ["search", "word"])]
)
def test_a_crash_in_a_command_exits_70_and_names_its_report(
    tmp_path: Path, method: str, args: list[str]
) -> None:
    data = tmp_path / "data"
    result = run_with_bug(method, data, *args)
    assert result.returncode == 70
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    report = only_report(data)
    path = next((data / "crashes").iterdir())
    assert lines[0] == f"tui-news: crashed (ValueError: a bug here); the report is in {path}"
    assert "Traceback (most recent call last)" in report and f"in cmd_{args[0]}" in report


def test_a_crash_in_the_app_exits_70_and_names_its_report(
    data_dir: Path, news: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["add", str(news)])
    capsys.readouterr()

    def broken(_self: Reader) -> float:
        raise ZeroDivisionError("a bug in the app")

    monkeypatch.setattr(Reader, "check_seconds", broken)
    monkeypatch.setattr(NewsApp, "run", partialmethod(NewsApp.run, headless=True, size=(80, 24)))
    status = cli.main([])
    err = capsys.readouterr().err
    assert status == 70
    path = next((data_dir / "crashes").iterdir())
    assert err == (
        f"tui-news: crashed (ZeroDivisionError: a bug in the app); the report is in {path}\n"
    )
    report = only_report(data_dir)
    assert "in on_mount" in report and "ZeroDivisionError: a bug in the app" in report


def test_a_stdout_that_cannot_show_a_title_is_no_crash(cli: CliRun, tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(seed_article("Europe", "Café Déjà Vu", "Text."))
    cli("add", str(news), check_exit=0)
    ascii_only = {**os.environ, "PYTHONIOENCODING": "ascii"}  # the data dir is in os.environ
    shown = {}
    for args in (["list"], ["search", "cafe"], ["sources"], ["list", "--json"]):
        result = subprocess.run(
            [sys.executable, "-m", "tui_news", *args], capture_output=True, env=ascii_only
        )
        assert (result.returncode, result.stderr) == (0, b""), args
        shown[args[0] + args[-1]] = result.stdout.decode("ascii")
    assert "Caf? D?j? Vu" in shown["listlist"] and "Caf? D?j? Vu" in shown["searchcafe"]
    assert '"title": "Caf\\u00e9 D\\u00e9j\\u00e0 Vu"' in shown["list--json"]


def test_command_line_bytes_that_are_not_utf8_are_no_crash(tmp_path: Path) -> None:
    data = str(tmp_path / "data").encode()
    expected = {
        (b"search", b"\xff"): (
            2,
            "tui-news: nothing to search for in '\ufffd': use letters or digits",
        ),
        (b"search", b"caf\xe9 section:\xff"): (0, "No articles match."),
        (b"add", b"http://\xff.example/"): (
            2,
            "tui-news: http://\\xff.example/ is not a valid web address",
        ),
        (b"import", b"\xff"): (2, "tui-news: no such file: \\xff"),
        (b"remove", b"\xff"): (2, "tui-news: no source matches '\\udcff' (see tui-news sources)"),
    }
    for args, (status, said) in expected.items():
        result = subprocess.run(
            [sys.executable.encode(), b"-m", b"tui_news", b"--data-dir", data, *args],
            capture_output=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert (result.returncode, result.stderr.decode()) == (status, said + "\n"), args
