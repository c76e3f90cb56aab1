"""Sync accounts in the app, against a real Tiny Tiny RSS: their feeds in the sidebar, marks
made with keys reaching the server on refresh, and a failed sync shown like a failed feed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.fixtures import line_text, notices, settle, sidebar_labels
from tests.servers.ttrss import TtRss
from tests.test_sync_ttrss import seed_three_feeds
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp


@pytest.fixture
def password_file(tmp_path: Path, ttrss: TtRss) -> Path:
    path = tmp_path / "password"
    path.write_text(ttrss.password + "\n", encoding="utf-8")
    return path


async def test_account_feeds_marks_and_a_failed_sync_in_the_app(
    reader: Reader, ttrss: TtRss, password_file: Path
) -> None:
    ids = seed_three_feeds(ttrss)
    await asyncio.to_thread(
        reader.accounts.add, "ttrss", ttrss.url, ttrss.user, str(password_file), "home"
    )
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        labels = sidebar_labels(app)
        assert labels["News"] == ["▶", "News", "1"] and labels["Tech"] == ["Tech", "2"]
        assert labels["Loose Feed"] == ["Loose", "Feed", "1"]
        # All, Unread, Starred, Top stories, then the first section: Loose Feed
        await pilot.press("shift+tab", "j", "j", "j", "j")
        await settle(app, pilot)
        assert "Odd one out" in line_text(app.headlines, 0)
        await pilot.press("tab", "enter", "s")  # open (read) and star it
        await settle(app, pilot)
        for key in ("d", "e"):  # the server holds its feeds: said before any dialog asks
            await pilot.press(key)
            await settle(app, pilot)
            assert len(app.screen_stack) == 1
            assert "comes from the account 'home'" in notices(app)[-1]
        assert ttrss.state()[ids[5]] == (False, False)  # not sent yet
        await pilot.press("R")  # refresh all: the account syncs in the background
        await settle(app, pilot)
        assert ttrss.state()[ids[5]] == (True, True)
        ttrss.stop()
        try:
            await pilot.press("R")
            await settle(app, pilot)
            assert sidebar_labels(app)["Tech"] == ["⚠", "Tech", "2"]
            assert all(s.last_error for s in reader.sources())
            # under !, one line for the account's feeds failing alike, not one a feed
            [problem] = reader.problems()
            feeds = len(reader.sources())
            assert (problem.source, problem.location) == (f"home ({feeds} feeds)", ttrss.url)
        finally:
            ttrss.start()
        await pilot.press("R")
        await settle(app, pilot)
        assert sidebar_labels(app)["Tech"] == ["Tech", "2"]
