"""The other outlets' versions of the story being read (issue 16): the line under the
article's header that names them, and the keys that step through them (``v`` / ``V``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len

from tui_news.core.models import Version
from tui_news.core.text import one_line
from tui_news.ui.headlines import short_date

if TYPE_CHECKING:
    from tui_news.ui.app import NewsApp


@dataclass(frozen=True)
class ToldBy:
    """The header's line naming the story's other outlets: each outlet with its time, and the
    key that steps through them with where the version shown stands (``at`` of ``count``)."""

    entries: tuple[str, ...]
    key: str
    at: int

    @property
    def count(self) -> int:
        """How many versions the story has, the one shown included."""
        return len(self.entries) + 1

    def lines(self, width: int, most: int) -> list[str]:
        """The line filled to ``width`` and broken only between outlets (an outlet's name
        never parts from its time), in at most ``most`` lines: outlets that do not fit are
        counted ("3 more", or "7 other outlets" when none fits); the key's hint is cut short
        ("v: 2 of 8") before an outlet is counted rather than named."""
        others = len(self.entries)
        hints = (
            f"({self.key}: next version, {self.at} of {self.count})",
            f"({self.key}: {self.at} of {self.count})",
        )
        for keep in range(others, -1, -1):
            named = list(self.entries[:keep])
            if keep == 0:
                named.append(f"{others} other outlet{'s' if others > 1 else ''}")
            elif keep < others:
                named.append(f"{others - keep} more")
            for hint in hints:
                filled = _filled(named, hint, width)
                if len(filled) <= most:
                    return filled
        return filled


def _filled(named: list[str], hint: str, width: int) -> list[str]:
    """``named`` after "Also told by:", ``·`` between them, then ``hint``; a line ends (with
    ``·`` when more outlets follow) before whatever would go past ``width``, and an outlet
    stays on a line only with room for that ``·`` after it, should the next one not fit."""
    pieces = [(" " if n == 0 else " · ", name) for n, name in enumerate(named)]
    pieces.append(("  ", hint))
    lines, line = [], "Also told by:"
    for n, (gap, piece) in enumerate(pieces):
        joined = line + gap + piece
        fits = cell_len(joined) <= width
        if fits and n + 1 < len(pieces) and pieces[n + 1][0] == " · ":
            following = joined + " · " + pieces[n + 1][1]
            fits = cell_len(joined + " ·") <= width or cell_len(following) <= width
        if fits:
            line = joined
            continue
        lines.append(line + " ·" if gap == " · " else line)
        line = piece
    return [*lines, line]


def header_lines(versions: Sequence[Version], shown: int, key: str = "v") -> ToldBy | None:
    """The other outlets' versions with their times for the header, and where the one shown
    stands (none for an article alone)."""
    others = [v for v in versions if v.id != shown]
    if not others:
        return None
    at = next((n for n, v in enumerate(versions, 1) if v.id == shown), 1)
    entries = tuple(f"{one_line(v.source)} {short_date(v.published)}" for v in others)
    return ToldBy(entries, key, at)


def header(app: NewsApp, article_id: int) -> ToldBy | None:
    """:func:`header_lines` for an article of the app's library, with the key bound now."""
    key = app.reader.config.keys.get("next_version", "v").split(",")[0].strip()
    return header_lines(app.reader.stories.versions(article_id), article_id, key)


def step(app: NewsApp, direction: int) -> None:
    """Show the story's next (``direction`` 1) or previous (-1) outlet's version in the
    article view, wrapping; the headline list stays on the story's row."""
    shown = app.article_view.article
    if shown is None:
        app.notify("Open a story first (enter); then v shows the other outlets' versions.")
        return
    versions = app.reader.stories.versions(shown.id)
    if not versions:
        if app.reader.stories.grouped:
            app.notify("No other outlet tells this story.", timeout=3)
        else:
            app.notify("Stories are kept apart (group_stories = false).", timeout=3)
        return
    ids = [v.id for v in versions]
    at = ids.index(shown.id) if shown.id in ids else -direction
    app.open_article(ids[(at + direction) % len(ids)], row=app.reading_row)
