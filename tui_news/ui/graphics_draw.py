"""Pictures drawn with a terminal graphics protocol (kitty's, or Sixel) at their cells, after
each frame Textual writes: the one mechanism for both.

A picture's rows are blank cells in the frame (in the view's background). After the app has
written a frame (:meth:`PictureDrawer.after_frame`, called from the app's display), every
picture on the current screen is written at its top-left cell (cursor saved, moved there, the
picture, cursor restored), cropped to its rows that are on screen and not under another
widget (a notice, a menu). It is written again only when it moved, its crop changed, or the
frame wrote over its cells (the frame's update says which cells it wrote); so a frame that
changes only the headline list writes no picture.

kitty: each picture is transmitted once under an image id, then shown by one placement per
picture, replaced as it scrolls (cropped to its visible rows), deleted when it leaves the
screen, and the image freed when its article is no longer shown. Sixel: each cell row of a
picture is its own sequence (made from one palette for the whole picture), so a crop is the
rows on screen, at no cost; a picture that leaves is erased by the text the frame writes over
its cells. Both are made as a picture comes near the screen, in the encoder process
(``core/images/encoder_process.py``), so that the encoding never holds the keys' thread.

Sixel while scrolling: a screen of pictures is some 300 KB of Sixel, which a terminal draws
row by row, so rewriting it on every frame of a held key is the pictures redrawn all the
while. A frame that moves them soon after another frame moved them (within ``SIXEL_PAUSE``)
writes none; their rows stay blank, and they are written once the frames have paused that
long, where they are then. The first frame after a pause writes at once (a single key is
drawn promptly). kitty's placements are a few bytes each: written on every frame.

Why not inside the frame (as textual-image's Sixel widget puts its sequence in a line's
segments): a line is cached and rewritten piecemeal by Textual's compositor, so a sequence
in it is written when Textual rewrites that line, not when the picture needs it; and kitty
placements need deleting when a picture leaves, which no line can say.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from textual.errors import NoWidget
from textual.geometry import Region
from textual.widget import Widget

from tui_news.ui.graphics_detect import Graphics

if TYPE_CHECKING:
    from PIL.Image import Image
    from textual.screen import Screen

PROTOCOLS = ("kitty", "sixel")  # drawn here; half blocks are lines of cells (ui/pictures.py)
SAVE, RESTORE = "\x1b7", "\x1b8"
PLACEMENT = 1  # one placement per kitty image
SIXEL_PAUSE = 0.06  # seconds without moving frames before Sixel pictures are written again
_image_ids = itertools.count(1)


HALF_BLOCK_CELL = (1, 2)  # a half block's pixels: one wide, two high
HALF_BLOCKS = Graphics()  # drawn with half blocks (the default: tests, snapshots, tmux)


def drawn_with_protocol(graphics: Graphics) -> bool:
    return graphics.protocol in PROTOCOLS


def cell_pixels(graphics: Graphics) -> tuple[int, int]:
    """The pixels (width, height) of a cell as pictures are drawn: the terminal's with a
    protocol, one by two with half blocks."""
    return graphics.cell if drawn_with_protocol(graphics) else HALF_BLOCK_CELL


@dataclass(eq=False)
class Art:
    """A picture made for the terminal's protocol at a size in cells (``cols`` by ``rows``):
    its pixels fill the cells from the top-left (padded with transparency to whole cells).
    kitty: the transmission under ``image_id`` (dropped once sent); Sixel: one sequence per
    cell row."""

    cols: int
    rows: int
    cell: tuple[int, int]
    image_id: int
    transmit: str = ""
    sixel_rows: Sequence[str] = ()


def make_art(image: Image, cells: tuple[int, int], graphics: Graphics) -> Art:
    """``image`` scaled to fit ``cells`` in the terminal's pixels and encoded for its protocol,
    in the encoder process (``core/images/encoder_process.py``: the encoding does not hold
    the keys' interpreter lock); raises ``EncoderFailed`` (a ``UserError``) saying why not.
    Blocking: call it from a thread."""
    from tui_news.core.images.encoder_process import encoder

    art = Art(*cells, graphics.cell, next(_image_ids))
    art.transmit, art.sixel_rows = encoder().encode(
        graphics.protocol, image, cells, graphics.cell, art.image_id
    )
    return art


@dataclass(frozen=True)
class Placement:
    """A picture to show: ``art``'s rows ``top`` to ``bottom`` (excluded), the first of them
    at screen cell (``x``, ``y``)."""

    art: Art
    x: int
    y: int
    top: int
    bottom: int

    @property
    def region(self) -> Region:
        return Region(self.x, self.y, self.art.cols, self.bottom - self.top)


def place(widget: Widget, art: Art, x: int, y: int, first: int, last: int) -> Placement | None:
    """``art``'s rows ``first`` to ``last`` drawn by ``widget`` from screen cell (x, y), less
    the rows under another widget (a notice over the article): the first run of rows that
    ``widget`` shows at both ends; None if there is none."""
    screen = widget.screen
    right = x + art.cols - 1
    top = bottom = None
    for row in range(first, last):
        at = y + row - first
        if _shows(screen, widget, x, at) and _shows(screen, widget, right, at):
            if top is None:
                top = row
            bottom = row + 1
        elif top is not None:
            break
    if top is None or bottom is None:
        return None
    return Placement(art, x, y + top - first, top, bottom)


def _shows(screen: Screen[Any], widget: Widget, x: int, y: int) -> bool:
    try:
        return screen.get_widget_at(x, y)[0] is widget
    except NoWidget:
        return False


def touched(update: object) -> Callable[[Region], bool]:
    """Whether a frame's update wrote over a region (an update of an unknown kind: yes)."""
    region = getattr(update, "region", None)
    if isinstance(region, Region):  # the whole screen laid out
        return region.overlaps
    spans = getattr(update, "spans", None)
    if spans is None:
        return lambda _: True
    rows: dict[int, list[tuple[int, int]]] = {}
    for y, x1, x2 in spans:
        rows.setdefault(y, []).append((x1, x2))

    def wrote(where: Region) -> bool:
        return any(
            x1 < where.right and x2 > where.x
            for y in range(where.y, where.bottom)
            for x1, x2 in rows.get(y, ())
        )

    return wrote


def at(x: int, y: int) -> str:
    """Move the cursor to screen cell (x, y), counted from 0."""
    return f"\x1b[{y + 1};{x + 1}H"


class Painter:
    """What a protocol writes for the pictures of a frame, knowing what it wrote before."""

    pause = 0.0  # frames moving pictures within this many seconds of each other: not drawn

    def __init__(self) -> None:
        self.shown: dict[int, Placement] = {}

    def skip(self, placements: list[Placement], wrote: Callable[[Region], bool]) -> None:
        """A frame was written and its pictures not: what it moved or wrote over is no
        longer shown."""
        current = {p.art.image_id: p for p in placements}
        self.shown = {
            key: p for key, p in self.shown.items() if current.get(key) == p and not wrote(p.region)
        }

    def frame(
        self, placements: list[Placement], alive: set[int], wrote: Callable[[Region], bool]
    ) -> str:
        """The sequences showing ``placements`` (the frame wrote over what ``wrote`` says),
        ``alive`` being the image ids still in use."""
        out = []
        current = {p.art.image_id: p for p in placements}
        out += [self.hide(p) for key, p in self.shown.items() if key not in current]
        out += self.forget(alive)
        for key, placement in current.items():
            if self.shown.get(key) != placement or wrote(placement.region):
                out.append(self.show(placement))
        self.shown = current
        return "".join(out)

    def show(self, placement: Placement) -> str:
        raise NotImplementedError

    def hide(self, placement: Placement) -> str:
        return ""

    def forget(self, alive: set[int]) -> list[str]:
        return []

    def close(self) -> str:
        """What removes every picture this painter drew (the app is ending)."""
        return ""


class KittyPainter(Painter):
    """kitty's graphics protocol: images transmitted once, a placement per picture."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: set[int] = set()

    def show(self, placement: Placement) -> str:
        from tui_news.core.images import kitty

        art = placement.art
        out = ""
        if art.image_id not in self.sent:
            self.sent.add(art.image_id)
            out, art.transmit = art.transmit, ""  # the terminal keeps the image now
        cell_w, cell_h = art.cell
        rows = placement.bottom - placement.top
        crop = (0, placement.top * cell_h, art.cols * cell_w, rows * cell_h)
        where = at(placement.x, placement.y)
        return out + where + kitty.place(art.image_id, PLACEMENT, art.cols, rows, crop=crop)

    def hide(self, placement: Placement) -> str:
        from tui_news.core.images import kitty

        return kitty.delete(placement.art.image_id, PLACEMENT)

    def forget(self, alive: set[int]) -> list[str]:
        from tui_news.core.images import kitty

        gone = self.sent - alive
        self.sent -= gone
        return [kitty.delete(image_id) for image_id in sorted(gone)]

    def close(self) -> str:
        return "".join(self.forget(set()))


class SixelPainter(Painter):
    """Sixel: each visible cell row of a picture written at its cell."""

    pause = SIXEL_PAUSE

    def show(self, placement: Placement) -> str:
        rows = placement.art.sixel_rows
        return "".join(
            at(placement.x, placement.y + row - placement.top) + rows[row]
            for row in range(placement.top, placement.bottom)
        )


class PictureSource(Protocol):
    """A widget that shows pictures drawn by a protocol."""

    def placements(self) -> list[Placement]:
        """Its pictures on screen now, where they are."""
        ...

    def arts(self) -> Iterable[Art]:
        """Its pictures made for the terminal (on screen or not): kept while it has them."""
        ...


class PictureDrawer:
    """Writes the pictures of its sources after each frame, with ``write`` (the driver's);
    with Sixel, not while frames keep moving them (see the module's doc)."""

    def __init__(self, graphics: Graphics, write: Callable[[str], None]) -> None:
        from tui_news.core.images.encoder_process import open_encoder

        open_encoder()  # this app's (started by its first picture, stopped by close)
        self.graphics = graphics
        self.write = write
        self.painter: Painter = KittyPainter() if graphics.protocol == "kitty" else SixelPainter()
        self.clock: Callable[[], float] = time.monotonic
        self._sources: weakref.WeakSet[Any] = weakref.WeakSet()
        self._seen: list[Placement] = []  # the last frame's pictures, drawn or not
        self._moved = -float("inf")  # when a frame last moved them (``clock``)
        self._screen: weakref.ref[Screen[Any]] | None = None
        self._later: asyncio.TimerHandle | None = None  # the drawing put off

    def add(self, source: PictureSource) -> None:
        self._sources.add(source)

    def remove(self, source: PictureSource) -> None:
        self._sources.discard(source)

    def _pictures(self, screen: Screen[Any]) -> tuple[list[Placement], set[int]]:
        """The pictures on ``screen`` now, and the image ids still in use."""
        placements: list[Placement] = []
        alive: set[int] = set()
        for source in list(self._sources):
            if not source.is_attached:  # its screen closed: its pictures go
                self._sources.discard(source)
                continue
            alive.update(art.image_id for art in source.arts())
            if source.screen is screen and source.display:
                placements += source.placements()
        return placements, alive

    def after_frame(self, screen: Screen[Any], update: object) -> None:
        """``update`` (a compositor update) was written for ``screen``: draw the pictures."""
        placements, alive = self._pictures(screen)
        wrote = touched(update)
        now = self.clock()
        self._screen = weakref.ref(screen)  # the screen a drawing put off is for
        if placements != self._seen:
            recent = now - self._moved < self.painter.pause
            self._moved, self._seen = now, placements
            if recent or self._later is not None:
                self.painter.skip(placements, wrote)
                if self._later is None:
                    self._wait(self.painter.pause)
                return
        elif self._later is not None:  # still waiting for the pause
            self.painter.skip(placements, wrote)
            return
        self._draw(placements, alive, wrote)

    def _wait(self, delay: float) -> None:
        self._later = asyncio.get_running_loop().call_later(delay, self._paused)

    def _paused(self) -> None:
        """The drawing put off: done if the frames have paused, else put off again."""
        self._later = None
        waited = self.clock() - self._moved
        if waited < self.painter.pause:
            self._wait(self.painter.pause - waited)
            return
        screen = self._screen() if self._screen is not None else None
        if screen is None:
            return
        placements, alive = self._pictures(screen)
        self._seen = placements
        self._draw(placements, alive, lambda _: False)

    def _draw(
        self, placements: list[Placement], alive: set[int], wrote: Callable[[Region], bool]
    ) -> None:
        out = self.painter.frame(placements, alive, wrote)
        if out:
            self.write(SAVE + out + RESTORE)

    def close(self) -> None:
        """The app is ending: its pictures removed, and the encoder process stopped."""
        from tui_news.core.images.encoder_process import close_encoder

        close_encoder()
        if self._later is not None:
            self._later.cancel()
            self._later = None
        out = self.painter.close()
        if out:
            self.write(SAVE + out + RESTORE)
