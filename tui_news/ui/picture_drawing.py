"""What a picture is drawn as: its size in cells, and its cells in half blocks or (with kitty's
graphics protocol or Sixel) the picture made for the terminal; and loading it.

Half blocks: each cell shows two pixels, ``▀`` in the top pixel's colour on the bottom pixel's
colour. That works in every terminal with colour, in tmux and over ssh, and in snapshots.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style

from tui_news.core.errors import UserError
from tui_news.core.models import Article
from tui_news.ui.graphics_draw import (
    HALF_BLOCK_CELL,
    HALF_BLOCKS,
    Art,
    Graphics,
    cell_pixels,
    drawn_with_protocol,
    make_art,
)

if TYPE_CHECKING:
    from PIL.Image import Image

UPPER, LOWER = "▀", "▄"
OPAQUE = 128  # a pixel less opaque than this shows the background
COLORS_KEPT = 32768 + 1
_FIVE_BITS = [v & 0xF8 for v in range(256)] * 3 + list(range(256))


def fit(
    size: tuple[int, int],
    cols: int,
    rows: int,
    enlarge: bool = False,
    cell: tuple[int, int] = HALF_BLOCK_CELL,
) -> tuple[int, int]:
    """The cells (columns, rows) a picture of ``size`` pixels takes in a box of ``cols`` by
    ``rows`` cells, a cell being ``cell`` pixels (half blocks: one wide, two high); enlarged
    only if asked."""
    width, height = max(1, size[0]), max(1, size[1])
    cell_w, cell_h = cell
    scale = min(math.inf if enlarge else 1.0, cols * cell_w / width, rows * cell_h / height)
    return max(1, round(width * scale / cell_w)), max(1, math.ceil(height * scale / cell_h))


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
    """A loaded picture, and its half-block rows at the size (columns, rows) it was drawn, or
    (``art``) the picture made for the terminal's graphics protocol."""

    image: Image
    cells: tuple[int, int]
    rows: list[list[Segment]]
    art: Art | None = None


def draw(
    image: Image,
    cols: int,
    rows: int,
    enlarge: bool = False,
    graphics: Graphics = HALF_BLOCKS,
) -> Drawing:
    """``image`` drawn to fit ``cols`` by ``rows`` cells in half blocks; with the terminal's
    graphics protocol, only its size (:func:`with_art` makes it for the terminal)."""
    cells = fit(image.size, cols, rows, enlarge, cell_pixels(graphics))
    if drawn_with_protocol(graphics):
        return Drawing(image, cells, [])
    scaled = image.convert("RGBA").resize((cells[0], 2 * cells[1]))
    return Drawing(image, cells, half_block_rows(scaled))


def made(make: Callable[[], Drawing]) -> tuple[Drawing | None, str | None]:
    """``make()``'s drawing, or None and why not in one line: a :class:`UserError`'s reason,
    or any other error's type and message (a decoder's or encoder's bug loses one picture,
    never the article or the screen)."""
    try:
        return make(), None
    except UserError as why:
        return None, str(why)
    except Exception as why:
        return None, f"{type(why).__name__}: {why}"


def with_art(drawing: Drawing, graphics: Graphics) -> Drawing:
    """``drawing`` with its picture made for the terminal's protocol (slow: from a thread)."""
    return replace(drawing, art=make_art(drawing.image, drawing.cells, graphics))


def load(
    url: str,
    box: tuple[int, int],
    article: Article,
    settings: Any,
    cell: tuple[int, int] = HALF_BLOCK_CELL,
) -> Image:
    """A picture fetched (or read from the cache) and decoded to fit ``box`` cells of ``cell``
    pixels; raises :class:`UserError` saying why not. Blocking: call it from a thread."""
    from tui_news.core.images import load_picture

    local_base = str(Path(article.path).parent) if article.path else None
    pixels = (box[0] * cell[0], box[1] * cell[1])
    return load_picture(
        url, pixels, local_base=local_base, settings=settings, origin=article.origin
    ).image


def prepare() -> None:
    """Pay the decoder's first import now (see ``core.images.prepare``): from a thread."""
    from tui_news.core.images import prepare

    prepare()


def known_size(url: str) -> tuple[int, int] | None:
    """A picture's size if known in memory (loaded before, or its header read by
    :func:`read_sizes`): no file is read, nothing imported, so the keys' thread may ask."""
    from tui_news.core.images import remembered_size

    return remembered_size(url)


def read_sizes(urls: list[str]) -> bool:
    """Read the sizes of the pictures the disk cache holds, for :func:`known_size`; True if
    one was not known before. Blocking (reads files, imports Pillow): call it from a thread."""
    from tui_news.core.images import cached_size, remembered_size

    unknown = [url for url in urls if remembered_size(url) is None]
    return any([cached_size(url) is not None for url in unknown])
