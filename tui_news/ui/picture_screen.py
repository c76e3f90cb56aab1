"""The full-screen picture (``i``): as large as the screen allows, its alt text under it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label

from tui_news.core.models import Article
from tui_news.ui.graphics_draw import (
    Art,
    Graphics,
    Placement,
    cell_pixels,
    drawn_with_protocol,
    place,
)
from tui_news.ui.messages import WorkResult, failed, unless_late
from tui_news.ui.picture_drawing import HALF_BLOCKS, Drawing, draw, load, made, with_art


class FullPicture(Widget):
    """A picture as large as the widget allows, centred."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[list[Segment]] = []
        self.cols = 0
        self.art: Art | None = None  # drawn by the terminal's protocol

    def show(self, drawing: Drawing) -> None:
        if drawing.art is None and not self.fits(drawing):
            drawing = draw(drawing.image, *self.size, enlarge=True)  # the screen shrank
        self.rows, self.cols, self.art = drawing.rows, drawing.cells[0], drawing.art
        self.refresh()

    def fits(self, drawing: Drawing) -> bool:
        return drawing.cells[0] <= self.size.width and drawing.cells[1] <= self.size.height

    def placements(self) -> list[Placement]:
        """The picture drawn by the protocol, centred (cropped if the screen shrank)."""
        art = self.art
        if art is None:
            return []
        width, height = self.size
        region = self.content_region
        left, top = max(0, (width - art.cols) // 2), (height - art.rows) // 2
        first, last = max(0, -top), min(art.rows, height - top)
        placement = place(self, art, region.x + left, region.y + top + first, first, last)
        return [placement] if placement else []

    def arts(self) -> list[Art]:
        return [self.art] if self.art else []

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        if self.art is not None:
            return Strip.blank(width, self.rich_style)
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

    def __init__(
        self,
        url: str,
        alt: str,
        article: Article,
        settings: Any,
        graphics: Graphics = HALF_BLOCKS,
    ) -> None:
        super().__init__()
        self.url, self.alt, self.article, self.settings = url, alt, article, settings
        self.graphics = graphics

    def compose(self) -> ComposeResult:
        yield FullPicture()
        yield Label(Text(self.alt or self.url), id="picture-caption")

    def on_mount(self) -> None:
        drawer = getattr(self.app, "picture_drawer", None)
        if drawer is not None:
            drawer.add(self.query_one(FullPicture))
        self._load(self._box())

    def _box(self) -> tuple[int, int]:
        return self.size.width, max(1, self.size.height - 1)

    def on_resize(self) -> None:
        """With a protocol, the picture is made again for a smaller screen (in a thread)."""
        picture = self.query_one(FullPicture)
        box = self._box()
        if picture.art is not None and (picture.art.cols > box[0] or picture.art.rows > box[1]):
            self._load(box)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self, box: tuple[int, int]) -> None:
        cell, graphics = cell_pixels(self.graphics), self.graphics

        def make() -> Drawing:
            image = load(self.url, box, self.article, self.settings, cell)
            drawing = draw(image, *box, enlarge=True, graphics=graphics)
            return with_art(drawing, graphics) if drawn_with_protocol(graphics) else drawing

        self.post_message(self.Loaded(*made(make)))

    @unless_late
    def on_picture_screen_loaded(self, message: Loaded) -> None:
        if message.drawing is None:
            failed(self, f"Picture {self.alt or self.url!r} not shown: {message.error}")
            self.dismiss()
            return
        self.query_one(FullPicture).show(message.drawing)
