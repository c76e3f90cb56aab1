"""The headline list: a line-API ScrollView over article ids, rows read from SQLite in pages."""

from __future__ import annotations

import time
from array import array
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from tui_news.core.dates import local_time
from tui_news.core.models import Headline
from tui_news.core.reader import Reader
from tui_news.core.search import Term, highlight_spans
from tui_news.ui.commands import HEADLINES
from tui_news.ui.lineview import LineView

PAGE = 100
DATED_WIDTH = 30  # rows narrower than this leave the date out
CACHED_PAGES = 64


def short_date(timestamp: float, now: float | None = None) -> str:
    """Seven cells at most: ``14:02`` today, ``Nov 27`` this year, ``Nov '25`` before."""
    moment = local_time(timestamp)
    today = local_time(now if now is not None else time.time())
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return moment.strftime("%b %d")
    return moment.strftime("%b '%y")


class HeadlineList(LineView, can_focus=True):
    """One row per article of the current view; never more than a few pages in memory."""

    BINDINGS = HEADLINES.bindings()

    COMPONENT_CLASSES = {
        "headlines--cursor",
        "headlines--unread",
        "headlines--read",
        "headlines--meta",
        "headlines--star",
        "headlines--match",
    }

    DEFAULT_CSS = """
    HeadlineList {
        background: $background;
    }
    HeadlineList > .headlines--cursor {
        background: $panel;
    }
    HeadlineList:focus > .headlines--cursor {
        background: $accent 35%;
    }
    HeadlineList > .headlines--unread {
        text-style: bold;
        color: $text;
    }
    HeadlineList > .headlines--read {
        color: $text-muted;
    }
    HeadlineList > .headlines--meta {
        color: $text-muted;
    }
    HeadlineList > .headlines--star {
        color: $warning;
    }
    HeadlineList > .headlines--match {
        color: $warning;
        text-style: bold underline;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    @dataclass
    class Opened(Message):
        """The user chose an article to read."""

        article_id: int

    def __init__(self, reader: Reader, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.reader = reader
        self.ids: array[int] = array("q")
        self._pages: OrderedDict[int, list[Headline | None]] = OrderedDict()
        self.empty_text = "No articles here."
        self.highlight: tuple[Term, ...] = ()  # search words to mark in titles
        self.show_source = True  # off where every row has the same source
        self._styles = _RowStyles(*(Style() for _ in _ROW_PARTS))

    # --- data -----------------------------------------------------------------------------

    def show_ids(self, ids: array[int], keep: int | None = None) -> None:
        """Show these article ids; keep the cursor on article ``keep`` if it is among them."""
        self.ids = ids
        self._pages.clear()
        self.virtual_size = Size(self.size.width, len(ids))
        position = 0
        if keep is not None:
            try:
                position = ids.index(keep)
            except ValueError:
                position = min(self.cursor, max(len(ids) - 1, 0))
        self.cursor = position
        self.refresh()

    def headline(self, index: int) -> Headline | None:
        """The headline at row ``index``, loading its page if needed."""
        if not 0 <= index < len(self.ids):
            return None
        page_no = index // PAGE
        page = self._pages.get(page_no)
        if page is None:
            chunk = self.ids[page_no * PAGE : (page_no + 1) * PAGE]
            found = self.reader.headlines(chunk)
            page = [found.get(article_id) for article_id in chunk]
            self._pages[page_no] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[index % PAGE]

    @property
    def current_id(self) -> int | None:
        """The id of the article under the cursor."""
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def update_row(
        self, article_id: int, *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Change a row's read or starred mark in place, without reloading the view."""
        for page_no, page in self._pages.items():
            for offset, item in enumerate(page):
                if item is not None and item.id == article_id:
                    if read is not None:
                        item.read = read
                    if starred is not None:
                        item.starred = starred
                    self.refresh_line(page_no * PAGE + offset)
                    return

    def mark_all_rows(self, read: bool) -> None:
        """Change every loaded row's read mark (after marking a whole view)."""
        for page in self._pages.values():
            for item in page:
                if item is not None:
                    item.read = read
        self.refresh()

    def move_to(self, article_id: int) -> None:
        """Put the cursor on an article, if it is in this list."""
        with suppress(ValueError):
            self.cursor = self.ids.index(article_id)

    # --- cursor and scrolling -------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.ids) - 1)) if self.ids else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._show_cursor()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the cursor's row in sight when the list gets shorter (an article opens)."""
        self._show_cursor()

    def _show_cursor(self) -> None:
        """Scroll just enough for the cursor's row to be seen."""
        height = self.scrollable_content_region.height or 1
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.ids) - 1

    def action_open(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Opened(self.current_id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y + self.scroll_offset.y
        if 0 <= row < len(self.ids):
            self.cursor = row
            self.action_open()

    # --- drawing --------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = _RowStyles(*(self.component_style(f"headlines--{n}") for n in _ROW_PARTS))
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._base
        index = y + self.scroll_offset.y
        if not self.ids:
            if y == 1:
                text = Text(self.empty_text.center(width), style=self._styles.meta)
                strip = Strip(text.render(self.app.console), text.cell_len)
                return strip.apply_style(base).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        item = self.headline(index)
        if item is None:
            return Strip.blank(width, base)
        strip = Strip(self.row_segments(item, width))
        if index == self.cursor:
            strip = strip.apply_style(self._styles.cursor)
        return strip.apply_style(base).adjust_cell_length(width, base)

    def row_segments(self, item: Headline, width: int) -> list[Segment]:
        """One headline row: unread marker, star, date (from 30 cells), source (shortened to
        fit, from 40 cells), title, and ``+N`` when N other outlets tell its story.

        Built as segments directly: this runs for every visible row on every repaint.
        """
        styles = self._styles
        segments = [
            Segment("●" if not item.read else " ", styles.unread),
            Segment("★" if item.starred else " ", styles.star),
        ]
        room = width - 2
        if width >= DATED_WIDTH:  # narrower, the title needs the date's room
            segments.append(Segment(f" {short_date(item.published):>7}  ", styles.meta))
            room -= 10
        else:
            segments.append(Segment(" ", styles.meta))
            room -= 1
        if self.show_source and (source := source_cells(width)):  # two feeds told apart
            segments.append(Segment(_fit(item.source, source) + "  ", styles.meta))
            room -= source + 2
        badge = f" +{item.others}" if item.others else ""  # other outlets telling the story
        if len(badge) * 3 > room:  # a narrow row keeps its room for the title
            badge = ""
        title = _fit(item.title, room - len(badge), pad=False)
        style = styles.read if item.read else styles.unread
        if not self.highlight:
            segments.append(Segment(title, style))
        else:
            done = 0
            match = style + styles.match
            for begin, end in highlight_spans(title, self.highlight):
                segments.append(Segment(title[done:begin], style))
                segments.append(Segment(title[begin:end], match))
                done = end
            segments.append(Segment(title[done:], style))
        if badge:
            segments.append(Segment(badge, styles.meta))
        return segments


def source_cells(width: int) -> int:
    """Cells for the source's name in a row ``width`` cells wide: a quarter of what the title
    and source share, 6 to 16; none below 40 cells, where the title needs them all."""
    return 0 if width < 40 else max(6, min(16, (width - 12) // 4))


_ROW_PARTS = ("cursor", "unread", "read", "meta", "star", "match")


class _RowStyles(NamedTuple):
    """The row styles of one repaint, looked up once instead of once per row."""

    cursor: Style
    unread: Style
    read: Style
    meta: Style
    star: Style
    match: Style


def _fit(text: str, cells: int, pad: bool = True) -> str:
    """``text`` cut to ``cells`` terminal cells with an ellipsis (and padded, with ``pad``)."""
    if cells <= 0:
        return ""
    length = cell_len(text)
    if length > cells:
        return set_cell_size(text, cells - 1) + "…"
    return text + " " * (cells - length) if pad else text
