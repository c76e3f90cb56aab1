"""Helpers for the tests of the app: libraries to open, and ways to wait for and read it."""

from __future__ import annotations

import os
import textwrap
from dataclasses import replace
from pathlib import Path

from tui_news.core.reader import Reader

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
