"""Pictures in the article view: laid out where their image lines stand, loaded in a thread,
drawn with Unicode half blocks; and the full-screen picture.

How they are drawn, and why. Each cell shows two pixels: ``▀`` in the top pixel's colour on
the bottom pixel's colour. That works in every terminal with colour, in tmux and over ssh, and
in snapshots; and a picture is then just lines of cells, so it scrolls, clips and caches like
the text around it in the article's line-API view. textual-image (compared, not used) draws
kitty's graphics protocol and Sixel through a Textual widget per picture that writes the
protocol's escape codes at the widget's place on screen, besides half-cell renderables: the
article view is one ScrollView drawing its own lines, with no widget per paragraph, so a
protocol picture would need widgets laid out between its lines and moved on every scroll.
Its renderable module also queries the terminal when first imported (writes a query, reads
the reply from standard input), which races Textual's own input, and neither protocol passes
through tmux unless tmux is configured for it. rich-pixels draws half blocks as a Rich
renderable, a dependency for what is a few lines here. So ``images = "auto"`` draws half blocks
too, until this view supports a protocol; ``"off"`` shows ``[image: alt]`` as before.

Space is reserved when an image line is wrapped (the picture's size from the cache when it is
known, else the largest box), so the text does not move when the picture arrives; a picture
that arrives below the screen's last line takes its exact height instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label
from textual.worker import get_current_worker

from tui_news.core.errors import UserError
from tui_news.core.image_refs import IMAGE, image_line
from tui_news.core.models import Article, Problem
from tui_news.ui.lineview import Line, LineView, wrapped
from tui_news.ui.messages import PictureFailed, WorkResult, failed, unless_late

if TYPE_CHECKING:
    from PIL.Image import Image

MODES = ("auto", "halfblocks", "off")
PICTURE_ROW = "picture-row"  # the style of a Line that is a row of a picture ("slot row")
MAX_ROWS = 30  # a picture's height in rows: at most this, and at most half the screen
MIN_ROWS = 4
LOADERS = 4  # pictures fetched at once
YIELD_SECONDS = 0.002  # the drawing thread's pause after each picture
UPPER, LOWER = "▀", "▄"
TOLD_FAILURES = 3  # pictures of an article whose failure gets a notice
OPAQUE = 128  # a pixel less opaque than this shows the background
COLORS_KEPT = 32768 + 1
_FIVE_BITS = [v & 0xF8 for v in range(256)] * 3 + list(range(256))


def fit(size: tuple[int, int], cols: int, rows: int, enlarge: bool = False) -> tuple[int, int]:
    """The cells (columns, rows) a picture of ``size`` pixels takes in a box of ``cols`` by
    ``rows`` cells, a cell being one pixel wide and two high; enlarged only if asked."""
    width, height = max(1, size[0]), max(1, size[1])
    scale = min(math.inf if enlarge else 1.0, cols / width, 2 * rows / height)
    return max(1, round(width * scale)), max(1, math.ceil(height * scale / 2))


def half_block_rows(image: Image) -> list[list[Segment]]:
    """The picture as rows of cells, two pixels each: the top one the colour of ``▀``, the
    bottom one its background; a transparent pixel shows what is behind."""
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    width, height = rgba.size
    # 5 bits a channel: the eye sees no difference in cells this size, and colours repeat
    data = rgba.point(_FIVE_BITS).tobytes()
    cells: dict[tuple[bytes | None, bytes | None], Cell] = {}
    rows = []
    for top in range(0, height, 2):
        segments: list[Segment] = []
        run_cell: Cell | None = None
        run = 0
        for x in range(width):
            i = (top * width + x) * 4
            upper = data[i : i + 3] if data[i + 3] >= OPAQUE else None
            j = i + width * 4
            lower = data[j : j + 3] if top + 1 < height and data[j + 3] >= OPAQUE else None
            key = (upper, lower)
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = _cell(upper, lower)
            if cell is run_cell:
                run += 1
                continue
            if run_cell is not None:
                segments.append(Segment(run_cell[0] * run, run_cell[1]))
            run_cell, run = cell, 1
        if run_cell is not None:
            segments.append(Segment(run_cell[0] * run, run_cell[1]))
        rows.append(segments)
    return rows


Cell = tuple[str, Style | None]


def _cell(upper: bytes | None, lower: bytes | None) -> Cell:
    """The character and style of a cell of two pixels (None: transparent)."""
    top = _color(upper) if upper else None
    bottom = _color(lower) if lower else None
    if top is None:  # ▄ in the bottom colour, what is behind above it
        return (LOWER, Style.from_color(bottom)) if bottom else (" ", None)
    return UPPER, Style.from_color(top, bottom)


_colors: dict[bytes, Color] = {}


def _color(rgb: bytes) -> Color:
    """A true colour, made once (``Color.from_rgb`` costs ten times as much)."""
    color = _colors.get(rgb)
    if color is None:
        if len(_colors) > COLORS_KEPT:
            _colors.clear()
        red, green, blue = rgb
        triplet = ColorTriplet(red, green, blue)
        color = _colors[rgb] = Color(f"#{rgb.hex()}", ColorType.TRUECOLOR, None, triplet)
    return color


@dataclass(frozen=True, eq=False)
class Drawing:
    """A loaded picture, and its half-block rows at the size (columns, rows) it was drawn."""

    image: Image
    cells: tuple[int, int]
    rows: list[list[Segment]]


def draw(image: Image, cols: int, rows: int, enlarge: bool = False) -> Drawing:
    """``image`` drawn in half blocks to fit ``cols`` by ``rows`` cells."""
    cells = fit(image.size, cols, rows, enlarge)
    scaled = image.convert("RGBA").resize((cells[0], 2 * cells[1]))
    return Drawing(image, cells, half_block_rows(scaled))


def load(url: str, box: tuple[int, int], article: Article, settings: Any) -> Image:
    """A picture fetched (or read from the cache) and decoded to fit ``box`` cells; raises
    :class:`UserError` saying why not. Blocking: call it from a thread."""
    from tui_news.core.images import load_picture

    local_base = str(Path(article.path).parent) if article.path else None
    pixels = (box[0], 2 * box[1])
    return load_picture(
        url, pixels, local_base=local_base, settings=settings, origin=article.link
    ).image


def known_size(url: str) -> tuple[int, int] | None:
    """A picture's size when the cache knows it, without the network."""
    from tui_news.core.images import cached_size

    return cached_size(url)


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
        self.picture_mode = "auto"  # the config's images setting
        self.picture_settings: Any = None  # the config, for the loader's limits
        self._slots: list[Slot] = []
        self._laid_out = 0  # pictures laid out by the wrapping under way
        self._generation = 0  # which article's pictures (a late result is dropped)
        self._failures = 0
        self._resizing = False
        self._loading_box: tuple[int, int] | None = None
        self._lines: list[Line] = []
        self._drawn: dict[int, Strip] = {}

    @property
    def pictures_on(self) -> bool:
        return self.picture_mode != "off"

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
        lines = self._slot_lines(slot, width, self._max_rows())
        slot.lines = len(lines)
        return lines

    def _slot_lines(self, slot: Slot, width: int, max_rows: int) -> list[Line]:
        meta = self.component_style("article--meta")
        console = self.app.console
        if slot.error is not None:
            slot.rows = 0
            return wrapped(
                Text(f"[image: {slot.alt}]" if slot.alt else "[image]", meta), console, width
            )
        size = slot.drawing.image.size if slot.drawing is not None else known_size(slot.url)
        slot.rows = fit(size, width, max_rows)[1] if size else max_rows
        index = self._slots.index(slot)
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
        if fit(drawing.image.size, width, slot.rows) != drawing.cells:  # the width changed
            drawing = slot.drawing = draw(drawing.image, width, slot.rows)
        segments = drawing.rows[row] if row < len(drawing.rows) else []
        return Strip([Segment(" "), *segments])

    @work(thread=True, exclusive=True, group="pictures", exit_on_error=False)
    def _load_pictures(self, generation: int, urls: list[str], box: tuple[int, int]) -> None:
        """Load the pictures, a few at a time, and draw each as it comes, one at a time (the
        drawing is Python's work: in one thread, it leaves the keys most of the time)."""
        worker = get_current_worker()
        article = getattr(self, "article", None)
        if article is None or generation != self._generation:
            return  # another article opened before this one's first frame
        settings = self.picture_settings
        with ThreadPoolExecutor(LOADERS, thread_name_prefix="picture") as pool:
            pending: dict[Future[Image], int] = {
                pool.submit(load, url, box, article, settings): i for i, url in enumerate(urls)
            }
            while pending:
                done, _ = wait(list(pending), timeout=0.2, return_when=FIRST_COMPLETED)
                if worker.is_cancelled:
                    pool.shutdown(wait=False, cancel_futures=True)
                    return
                for future in done:
                    index = pending.pop(future)
                    try:
                        drawing, error = draw(future.result(), *box), None
                    except UserError as why:
                        drawing, error = None, str(why)
                    except Exception as why:  # a decoder's bug must not lose the article
                        drawing, error = None, f"{type(why).__name__}: {why}"
                    self.post_message(PictureLoaded(generation, index, drawing, error))
                    time.sleep(YIELD_SECONDS)  # the keys go first

    @unless_late
    def on_picture_loaded(self, message: PictureLoaded) -> None:
        """A picture came: drawn in its reserved box, or (below the screen) in a box of its
        exact size; a failed one reads ``[image: alt]`` and the reason is told once."""
        if message.generation != self._generation or message.index >= len(self._slots):
            return
        slot = self._slots[message.index]
        slot.drawing, slot.error = message.drawing, message.error
        if message.error is not None:
            title = getattr(self, "article", None)
            where = title.title if isinstance(title, Article) else ""
            self.post_message(
                PictureFailed(Problem(slot.url, f"picture not shown: {message.error}", where))
            )
            self._failures += 1
            if self._failures <= TOLD_FAILURES:
                failed(self, f"Picture {slot.alt or slot.url!r} not shown: {message.error}", 6)
        if slot.start < 0:
            return  # not laid out yet: the wrapping will use it
        width = self._text_width
        below = slot.start >= self.scroll_offset.y + self.scrollable_content_region.height
        lines = self._slot_lines(slot, width, self._max_rows() if below else slot.rows)
        if not below:  # keep the box's height: the text under it does not move
            lines = lines[: slot.lines]
            lines += [("", (), "")] * (slot.lines - len(lines))
        delta = len(lines) - slot.lines
        self._lines[slot.start : slot.start + slot.lines] = lines
        slot.lines = len(lines)
        changed = [
            i for i in self._drawn if i >= slot.start and (delta or i < slot.start + slot.lines)
        ]
        for index in changed:  # the lines drawn before stay drawn
            del self._drawn[index]
        if delta:
            for later in self._slots[message.index + 1 :]:
                if later.start >= 0:
                    later.start += delta
            if not self._resizing:  # once for a burst of pictures: each lays the screen out
                self._resizing = True
                self.call_later(self._resize_to_lines)
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
        """The picture at or nearest the top of the visible text."""
        top = self.scroll_offset.y
        placed = [s for s in self._slots if s.start >= 0]
        if not placed:
            return None
        return min(
            placed,
            key=lambda s: (0 if s.start <= top < s.start + s.lines else 1, abs(s.start - top)),
        )

    def action_picture(self) -> None:
        """Show the picture at the top of the text on the whole screen."""
        slot = self.picture_near_top()
        article = getattr(self, "article", None)
        if article is None:
            self.notify("Open an article first (enter), then i shows its pictures.")
            return
        if slot is None:
            self.notify("This article has no pictures to show.")
            return
        self.app.push_screen(PictureScreen(slot.url, slot.alt, article, self.picture_settings))


class FullPicture(Widget):
    """A picture as large as the widget allows, centred."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[list[Segment]] = []
        self.cols = 0

    def show(self, drawing: Drawing) -> None:
        if drawing.cells[0] > self.size.width or drawing.cells[1] > self.size.height:
            drawing = draw(drawing.image, *self.size, enlarge=True)  # the screen shrank
        self.rows, self.cols = drawing.rows, drawing.cells[0]
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        top = (height - len(self.rows)) // 2
        if not 0 <= y - top < len(self.rows):
            return Strip.blank(width, self.rich_style)
        left = (width - self.cols) // 2
        strip = Strip([Segment(" " * left), *self.rows[y - top]])
        return strip.apply_style(self.rich_style).adjust_cell_length(width, self.rich_style)


class PictureScreen(Screen[None]):
    """One picture on the whole screen, its alt text under it; escape goes back."""

    BINDINGS = [Binding("escape,q,i", "dismiss", "Back", id="close_picture")]

    DEFAULT_CSS = """
    PictureScreen FullPicture { height: 1fr; }
    PictureScreen Label { width: 100%; content-align: center middle; color: $text-muted; }
    """

    @dataclass
    class Loaded(WorkResult):
        drawing: Drawing | None
        error: str | None

    def __init__(self, url: str, alt: str, article: Article, settings: Any) -> None:
        super().__init__()
        self.url, self.alt, self.article, self.settings = url, alt, article, settings

    def compose(self) -> ComposeResult:
        yield FullPicture()
        yield Label(Text(self.alt or self.url), id="picture-caption")

    def on_mount(self) -> None:
        self._load((self.size.width, max(1, self.size.height - 1)))

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self, box: tuple[int, int]) -> None:
        try:
            drawing = draw(load(self.url, box, self.article, self.settings), *box, enlarge=True)
        except UserError as why:
            self.post_message(self.Loaded(None, str(why)))
        else:
            self.post_message(self.Loaded(drawing, None))

    @unless_late
    def on_picture_screen_loaded(self, message: Loaded) -> None:
        if message.drawing is None:
            failed(self, f"Picture {self.alt or self.url!r} not shown: {message.error}")
            self.dismiss()
            return
        self.query_one(FullPicture).show(message.drawing)
