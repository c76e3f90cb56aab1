"""Pictures in the article view: laid out where their image lines stand, loaded in a thread,
drawn with Unicode half blocks, or with kitty's graphics protocol or Sixel where the terminal
has one (``ui/graphics_draw.py`` writes those over the picture's blank rows after each frame).

Why this way. With half blocks a picture is just lines of cells, so it scrolls, clips and
caches like the text around it in the article's line-API view. textual-image (compared, not
used) draws kitty's graphics protocol and Sixel through a Textual widget per picture, and
kitty's through Unicode placeholders (kitty 0.28 and later): the article view is one ScrollView
drawing its own lines, with no widget per paragraph, so its pictures would need widgets laid
out between its lines and moved on every scroll. Its renderable module also queries the
terminal when first imported (writes a query, reads the reply from standard input), which
races Textual's own input. rich-pixels draws half blocks as a Rich renderable, a dependency for
what is a few lines here. So a protocol picture is written at its cells after each frame (one
mechanism for kitty and Sixel), its rows being blank lines of the view; ``images = "off"``
shows ``[image: alt]`` as before.

Space is reserved when an image line is wrapped (the picture's size from the cache when it is
known, else the largest box), so the text does not move when the picture arrives; a picture
that arrives below the screen's last line takes its exact height instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.text import Text
from textual import work
from textual.geometry import Size
from textual.strip import Strip
from textual.worker import get_current_worker

from tui_news.core.image_refs import IMAGE, image_line
from tui_news.core.models import Article, Problem
from tui_news.ui.graphics_draw import (
    Art,
    Graphics,
    Placement,
    cell_pixels,
    drawn_with_protocol,
    place,
)
from tui_news.ui.lineview import Line, LineView, wrapped
from tui_news.ui.messages import PictureFailed, WorkResult, failed, unless_late
from tui_news.ui.picture_drawing import (
    HALF_BLOCKS,
    Drawing,
    draw,
    fit,
    known_size,
    load,
    made,
    prepare,
    read_sizes,
    with_art,
)
from tui_news.ui.picture_screen import PictureScreen

if TYPE_CHECKING:
    from PIL.Image import Image

PICTURE_ROW = "picture-row"  # the style of a Line that is a row of a picture ("slot row")
MAX_ROWS = 30  # a picture's height in rows: at most this, and at most half the screen
MIN_ROWS = 4
LOADERS = 4  # pictures fetched at once
YIELD_SECONDS = 0.002  # the drawing thread's pause after each picture
TOLD_FAILURES = 3  # pictures of an article whose failure gets a notice


@dataclass(eq=False)
class PictureBox:
    """The place of the article's ``index``-th picture among the blocks to wrap."""

    index: int


@dataclass(eq=False)
class Slot:
    """One picture of the article: where it is, what it is, and what came of loading it."""

    url: str
    alt: str
    drawing: Drawing | None = None  # once loaded
    error: str | None = None
    start: int = -1  # its first line in the view, once laid out
    rows: int = 0  # rows of picture in its box
    lines: int = 0  # its box's lines: the rows, then the caption
    redrawing: tuple[int, int] | None = None  # the box it is being drawn again for


@dataclass
class SizesRead(WorkResult):
    """The sizes of the article's pictures kept in the disk cache are known now."""

    generation: int


@dataclass
class PictureLoaded(WorkResult):
    """A picture of the article loaded and drawn, or not (``error``, one line)."""

    generation: int
    index: int
    drawing: Drawing | None
    error: str | None


class PictureView(LineView):
    """A line view whose lines may hold pictures: the article view's picture half."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None  # the article shown, its pictures among its lines
        self.picture_mode = "auto"  # the config's images setting
        self.picture_settings: Any = None  # the config, for the loader's limits
        self.graphics: Graphics = HALF_BLOCKS  # the terminal's (drawn with a protocol?)
        self._slots: list[Slot] = []
        self._laid_out = 0  # pictures laid out by the wrapping under way
        self._generation = 0  # which article's pictures (a late result is dropped)
        self._failures = 0
        self._resizing = False
        self._loading_box: tuple[int, int] | None = None
        self._lines: list[Line] = []
        self._drawn: dict[int, Strip] = {}  # recently drawn lines, by index

    @property
    def pictures_on(self) -> bool:
        """Whether pictures are fetched and drawn: not when the config says ``off``, nor when
        ``auto`` found the terminal can draw none (see graphics_detect)."""
        return self.picture_mode != "off" and self.graphics.protocol != "off"

    @property
    def pictures(self) -> list[tuple[str, str, Image | None, str | None]]:
        """The article's pictures as they stand: address, alt text, image, error."""
        return [
            (s.url, s.alt, s.drawing.image if s.drawing else None, s.error) for s in self._slots
        ]

    def find_pictures(self, text: str) -> None:
        """Note the pictures of a newly shown text; they load once it is laid out."""
        self._generation += 1
        self._slots = []
        self._loading_box = None
        self._failures = 0
        self.workers.cancel_group(self, "pictures")
        self.workers.cancel_group(self, "picture-sizes")
        if not self.pictures_on:
            return
        at = text.find(IMAGE)
        while at >= 0:  # a long article has few pictures: look only at their lines
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            found = image_line(text[start:end])
            if found:
                self._slots.append(Slot(*found))
            at = text.find(IMAGE, end)
        if self._slots:
            self._read_sizes(self._generation, [s.url for s in self._slots])

    @work(thread=True, group="picture-sizes", exit_on_error=False)
    def _read_sizes(self, generation: int, urls: list[str]) -> None:
        """The cached pictures' sizes read from their headers, here and not in the keys'
        thread (file reads, Pillow's first import); their boxes are then laid out exact."""
        if read_sizes(urls):
            self.post_message(SizesRead(generation))

    @unless_late
    def on_sizes_read(self, message: SizesRead) -> None:
        """Boxes laid out before their picture's size was known take their exact size."""
        if message.generation != self._generation:
            return
        for index, slot in enumerate(self._slots):
            if slot.start >= 0 and slot.drawing is None and slot.error is None:
                self._lay_out_again(index, self._max_rows(), keep_height=False)

    def _max_rows(self) -> int:
        return max(MIN_ROWS, min(MAX_ROWS, self.app.size.height // 2))

    def begin_layout(self, text_width: int) -> None:
        """A new wrapping starts: the pictures are laid out again, in order; the first time
        the width is known, they start loading."""
        self._laid_out = 0
        for slot in self._slots:
            slot.start = -1
        box = (text_width, self._max_rows())
        if self._slots and self._loading_box is None:  # once the text is on the screen
            self._loading_box = box
            urls = [s.url for s in self._slots]
            self.call_after_refresh(self._load_pictures, self._generation, urls, box)

    def picture_blocks(self, block: str, others: Callable[[str], list[Text]]) -> list[Any]:
        """A block's lines as blocks to wrap, each image line a :class:`PictureBox` (then its
        caption) when pictures are drawn, ``[image: alt]`` when not; ``others`` makes the
        blocks of the lines between them."""
        blocks: list[Any] = []
        run: list[str] = []
        for line in block.split("\n"):
            found = image_line(line) if IMAGE in line else None
            if found is None:
                run.append(line)
                continue
            if run:
                blocks += others("\n".join(run))
                run = []
            url, alt = found
            index = self._laid_out
            if self.pictures_on and index < len(self._slots) and self._slots[index].url == url:
                self._laid_out += 1
                blocks.append(PictureBox(index))
            else:
                blocks.append(Text(f"[image: {alt}]" if alt else "[image]"))
        if run:
            blocks += others("\n".join(run))
        return blocks

    def box_lines(self, box: PictureBox, start: int, width: int) -> list[Line]:
        """The lines of a picture's box (its rows, then its caption), starting at line
        ``start``: the picture's size when known, else the largest box."""
        slot = self._slots[box.index]
        slot.start = start
        lines = self._slot_lines(box.index, width, self._max_rows())
        slot.lines = len(lines)
        return lines

    def _slot_lines(self, index: int, width: int, max_rows: int) -> list[Line]:
        slot = self._slots[index]
        meta = self.component_style("article--meta")
        console = self.app.console
        if slot.error is not None:
            slot.rows = 0
            return wrapped(
                Text(f"[image: {slot.alt}]" if slot.alt else "[image]", meta), console, width
            )
        size = slot.drawing.image.size if slot.drawing is not None else known_size(slot.url)
        slot.rows = (
            fit(size, width, max_rows, cell=cell_pixels(self.graphics))[1] if size else max_rows
        )
        rows: list[Line] = [(f"{index} {row}", (), PICTURE_ROW) for row in range(slot.rows)]
        return rows + (wrapped(Text(slot.alt, meta), console, width) if slot.alt else [])

    def picture_row(self, text: str, width: int) -> Strip:
        """One row of a picture's box (``text`` is "slot row"): cells of the picture, blank
        while it loads."""
        index, row = map(int, text.split())
        slot = self._slots[index]
        drawing = slot.drawing
        if drawing is None:
            if row == 0 and slot.error is None:
                line = Text(" loading picture…", self.component_style("article--meta"))
                return Strip(line.render(self.app.console), line.cell_len)
            return Strip.blank(1)
        if drawn_with_protocol(self.graphics):  # blank cells: the picture is written over them
            return Strip.blank(1)
        if not self._fits(slot, width):  # the width changed
            drawing = slot.drawing = draw(drawing.image, width, slot.rows)
        segments = drawing.rows[row] if row < len(drawing.rows) else []
        return Strip([Segment(" "), *segments])

    def _fits(self, slot: Slot, width: int) -> bool:
        """True if the slot's picture was drawn for its box at ``width``."""
        drawing = slot.drawing
        cell = cell_pixels(self.graphics)
        return (
            drawing is not None
            and fit(drawing.image.size, width, slot.rows, cell=cell) == drawing.cells
        )

    def _draw_again(self, index: int, box: tuple[int, int]) -> None:
        slot = self._slots[index]
        if slot.redrawing != box and slot.drawing is not None:
            slot.redrawing = box
            self._redraw(self._generation, index, slot.drawing.image, box)

    @work(thread=True, group="pictures", exit_on_error=False)
    def _redraw(self, generation: int, index: int, image: Image, box: tuple[int, int]) -> None:
        """A picture made for the terminal's protocol to fit ``box`` (as it comes near the
        screen, or the width changed)."""
        graphics = self.graphics
        drawing, error = made(lambda: with_art(draw(image, *box, graphics=graphics), graphics))
        self.post_message(PictureLoaded(generation, index, drawing, error))

    def placements(self) -> list[Placement]:
        """The pictures drawn by the protocol on screen now: where, and their visible rows.

        A picture is made for the terminal (in a thread) when it comes within a screen of
        the visible lines, and dropped (its kitty image freed) beyond three screens: only
        the pictures near the reader cost encoding time and memory."""
        region = self.scrollable_content_region
        top, height, width = self.scroll_offset.y, region.height, self._text_width
        shown = []
        for index, slot in enumerate(self._slots):
            drawing = slot.drawing
            if drawing is None or slot.start < 0:
                continue
            away = max(top - (slot.start + slot.rows), slot.start - (top + height), 0)
            if away > 3 * height and drawing.art is not None:
                slot.drawing = replace(drawing, art=None)
            art = drawing.art
            if away > height:
                continue
            if art is None or not self._fits(slot, width):
                self._draw_again(index, (width, slot.rows))
                continue
            first = max(0, top - slot.start)
            last = min(art.rows, slot.rows, top + region.height - slot.start)
            if first < last:
                y = region.y + slot.start + first - top
                placement = place(self, art, region.x + 1, y, first, last)
                shown += [placement] if placement else []
        return shown

    def arts(self) -> list[Art]:
        """The article's pictures made for the protocol (kept in the terminal while shown)."""
        return [s.drawing.art for s in self._slots if s.drawing and s.drawing.art]

    @work(thread=True, exclusive=True, group="pictures", exit_on_error=False)
    def _load_pictures(self, generation: int, urls: list[str], box: tuple[int, int]) -> None:
        """Load the pictures, a few at a time, and draw each as it comes, one at a time (the
        drawing is Python's work: in one thread, it leaves the keys most of the time)."""
        worker = get_current_worker()
        article = self.article
        if article is None or generation != self._generation:
            return  # another article opened before this one's first frame
        settings, graphics = self.picture_settings, self.graphics
        cell = cell_pixels(graphics)
        with ThreadPoolExecutor(LOADERS, thread_name_prefix="picture") as pool:
            pending: dict[Future[Image], int] = {
                pool.submit(load, url, box, article, settings, cell): i
                for i, url in enumerate(urls)
            }
            prepare()  # while the first pictures are fetched, not when they come
            while pending:
                done, _ = wait(list(pending), timeout=0.2, return_when=FIRST_COMPLETED)
                if worker.is_cancelled:
                    pool.shutdown(wait=False, cancel_futures=True)
                    return
                for future in done:
                    index = pending.pop(future)
                    drawing, error = made(partial(_drawn, future, box, graphics))
                    self.post_message(PictureLoaded(generation, index, drawing, error))
                    time.sleep(YIELD_SECONDS)  # the keys go first

    @unless_late
    def on_picture_loaded(self, message: PictureLoaded) -> None:
        """A picture came: drawn in its reserved box, or (below the screen) in a box of its
        exact size; a failed one reads ``[image: alt]`` and the reason is told once."""
        if message.generation != self._generation or message.index >= len(self._slots):
            return
        slot = self._slots[message.index]
        slot.drawing, slot.error, slot.redrawing = message.drawing, message.error, None
        if message.error is not None:
            where = self.article.title if self.article is not None else ""
            self.post_message(
                PictureFailed(Problem(slot.url, f"picture not shown: {message.error}", where))
            )
            self._failures += 1
            if self._failures <= TOLD_FAILURES:
                failed(self, f"Picture {slot.alt or slot.url!r} not shown: {message.error}", 6)
        if slot.start < 0:
            return  # not laid out yet: the wrapping will use it
        below = slot.start >= self.scroll_offset.y + self.scrollable_content_region.height
        self._lay_out_again(
            message.index, self._max_rows() if below else slot.rows, keep_height=not below
        )

    def _lay_out_again(self, index: int, max_rows: int, keep_height: bool) -> None:
        """A laid-out picture's box made again (its picture or size came), at most
        ``max_rows`` of picture; ``keep_height``: the text under it does not move."""
        slot = self._slots[index]
        lines = self._slot_lines(index, self._text_width, max_rows)
        if keep_height:
            lines = lines[: slot.lines]
            lines += [("", (), "")] * (slot.lines - len(lines))
        delta = len(lines) - slot.lines
        self._lines[slot.start : slot.start + slot.lines] = lines
        slot.lines = len(lines)
        changed = [
            i for i in self._drawn if i >= slot.start and (delta or i < slot.start + slot.lines)
        ]
        for line in changed:  # the lines drawn before stay drawn
            del self._drawn[line]
        if delta:
            for later in self._slots[index + 1 :]:
                if later.start >= 0:
                    later.start += delta
            if not self._resizing:  # once for a burst of pictures
                self._resizing = True
                self.call_later(self._resize_to_lines)
            # what moved: from the box to the screen's last line (nothing if it is below)
            shown_end = self.scroll_offset.y + self.scrollable_content_region.height
            if slot.start < shown_end:
                self.refresh_lines(slot.start, shown_end - slot.start)
        else:
            self.refresh_lines(slot.start, slot.lines)

    def _resize_to_lines(self) -> None:
        self._resizing = False
        self.virtual_size = Size(self.virtual_size.width, len(self._lines))

    @property
    def _text_width(self) -> int:
        """The width the text is wrapped to (the article view knows better)."""
        return self.scrollable_content_region.width - 2

    def picture_near_top(self) -> Slot | None:
        """The picture one sees: the one with most rows on screen (the higher of equals), else
        the one nearest the top of the visible text."""
        top, height = self.scroll_offset.y, self.size.height
        placed = [s for s in self._slots if s.start >= 0]
        if not placed:
            return None

        def shown(slot: Slot) -> int:
            return max(0, min(slot.start + slot.lines, top + height) - max(slot.start, top))

        return min(placed, key=lambda s: (-shown(s), abs(s.start - top), s.start))

    def action_picture(self) -> None:
        """Show the picture in view on the whole screen."""
        slot = self.picture_near_top()
        article = self.article
        if article is None:
            self.notify("Open an article first (enter), then i shows its pictures.")
            return
        if slot is None and not self.pictures_on:  # the config's "off", or a terminal of none
            why = 'images = "off" in config.toml' if self.picture_mode == "off" else "this terminal"
            self.notify(f"Pictures are not drawn here ({why}): [image: ...] stands for each.")
            return
        if slot is None:
            self.notify("This article has no pictures to show.")
            return
        screen = PictureScreen(slot.url, slot.alt, article, self.picture_settings, self.graphics)
        self.app.push_screen(screen)


def _drawn(loaded: Future[Image], box: tuple[int, int], graphics: Graphics) -> Drawing:
    """A loader's picture drawn for ``box`` (its error raised)."""
    return draw(loaded.result(), *box, graphics=graphics)
