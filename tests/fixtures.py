"""Helpers for the tests of the app: libraries to open, and ways to wait for and read it."""

from __future__ import annotations

import asyncio
import os
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.style import Style
from textual.pilot import Pilot
from textual.widget import Widget

from tui_news.core.models import Article
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp

# A library that draws the same screen on any machine and any day: dates in 2023 (shown as
# "Nov '23" from 2024 on), links instead of file paths in the article header.
STORIES = [
    ("Science", "Comet Spotted Over the Andes", "2023-11-10", "A bright comet was seen."),
    ("World", "Ports Reopen After Strike", "2023-11-11", "Dock workers return to work."),
    ("World", "Forest Loss Slows for a Third Year", "2023-11-12", "Satellites show less loss."),
    ("Middle East", "Rail Line Opens Between Two Capitals", "2023-11-13", "Trains cross."),
    ("Middle East", "Water Deal Signed", "2023-11-14", "Five nations agree on sharing."),
]

LONG_READ = """\
    The harbour authority said on **Tuesday** that the old lighthouse will be *rebuilt*
    stone by stone, as the [town council](https://news.example/council) asked.

    ## What changes

    - a new lamp, seen from `40 km`
    - a museum on the ground floor

    > We waited thirty years for this.

        cost = 2_400_000  # euros

    Work starts in spring; see the [plans](https://news.example/plans).
    """


def write_story(folder: Path, name: str, section: str, title: str, day: str, body: str) -> Path:
    """A Markdown article with front matter: section, link, author and a date at noon UTC."""
    path = folder / name
    slug = name.removesuffix(".md")
    path.write_text(
        f"---\ntitle: {title}\nsection: {section}\nauthor: Desk\n"
        f"link: https://news.example/{slug}\ndate: {day}T12:00:00Z\n---\n\n{body}\n",
        encoding="utf-8",
    )
    os.utime(path, (1_700_000_000, 1_700_000_000))
    return path


def pinned_library(reader: Reader, folder: Path) -> Reader:
    """``reader`` with a fixed library read from ``folder`` and a ``wire`` folder beside it:
    five stories, a long read, and two files that cannot be read (shown under ``!`` by their
    names alone)."""
    folder.mkdir()
    wire = folder.parent / "wire"  # a second source, so rows name their source
    wire.mkdir()
    for number, (section, title, day, body) in enumerate(STORIES):
        write_story(folder if number % 2 else wire, f"story{number}.md", section, title, day, body)
    write_story(
        folder,
        "lighthouse.md",
        "Coast",
        "Lighthouse to Be Rebuilt",
        "2023-11-15",
        textwrap.dedent(LONG_READ),
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.bin").write_bytes(bytes(range(256)) * 4)
    reader.add(str(folder))
    reader.add(str(wire))
    reader.config.refresh_on_start = False
    reader.config.refresh_minutes = 0
    problems = reader.problems

    def named_problems() -> list:  # the temporary folder's path differs on every run
        return [replace(p, location=Path(p.location).name) for p in problems()]

    reader.problems = named_problems  # type: ignore[method-assign]
    return reader


def showing(app: NewsApp) -> Article:
    """The article open in the app; the test fails here when none is."""
    article = app.article_view.article
    assert article is not None, "no article is open"
    return article


def stored(reader: Reader, article_id: int | None) -> Article:
    """Article ``article_id`` as the library holds it; the test fails here when it is not there."""
    article = reader.article(article_id) if article_id is not None else None
    assert article is not None, f"article {article_id} is not in the library"
    return article


def line_text(widget: Widget, y: int) -> str:
    """Line ``y`` of a widget that draws its own lines, as plain text."""
    return "".join(segment.text for segment in widget.render_line(y))


def sidebar_labels(app: NewsApp) -> dict[str, list[str]]:
    """Each top-level sidebar entry as drawn (name and unread count), split into words."""
    return {
        node.data.label: app.sidebar.render_label(node, Style(), Style()).plain.split()
        for node in app.sidebar.root.children
        if node.data is not None
    }


async def settle(app: NewsApp, pilot: Pilot[Any]) -> None:
    """Wait until background workers are done and their messages handled."""
    await pilot.pause()
    while any(not worker.is_finished for worker in app.workers):
        await asyncio.sleep(0.01)
    await pilot.pause()


async def feed_app(reader: Reader, server: Any, feed: bytes) -> tuple[NewsApp, list[str]]:
    """An app on a library holding one feed served from 127.0.0.1, and the list of links it
    opens (the browser cannot run here)."""
    from tests.feedserver import Route

    server.routes["/feed"] = Route(feed)
    await asyncio.to_thread(reader.add, server.url("/feed"))
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    opened: list[str] = []

    def record(url: str, new_tab: bool = True) -> None:
        opened.append(url)

    app.open_url = record  # type: ignore[method-assign]
    return app, opened


def library(reader: Reader, news: Path) -> Reader:
    """``reader`` with the articles of the folder ``news`` added."""
    reader.add(str(news))
    return reader


def match_segments(app: NewsApp, y: int) -> list[str]:
    """The parts of a headline row drawn in the search-match style."""
    match = app.headlines.component_style("headlines--match")
    return [
        s.text
        for s in app.headlines.render_line(y)
        if s.style is not None and s.style.underline and s.style.color == match.color
    ]


def notices(app: NewsApp, severity: str | None = None) -> list[str]:
    """The notices the app shows now (of one ``severity``, if given). Textual keeps them in
    a private list: this is the one place the tests read it."""
    return [n.message for n in app._notifications if severity in (None, n.severity)]
