"""A ScrollView base for widgets that draw their own lines (Textual's line API), and the light
form of a wrapped line that such a widget keeps."""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.text import Span, Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

# A wrapped line, kept light (a 10 MB article has over 100,000): its text, style spans and style.
Line = tuple[str, tuple[Span, ...], Style | str]


def wrapped(block: Text, console: Console, width: int) -> list[Line]:
    """``block`` wrapped to ``width`` (unless it is ``no_wrap``), each line cut with an
    ellipsis to fit and indented by one cell."""
    lines = []
    for line in [block] if block.no_wrap else block.wrap(console, width):
        line.truncate(width, overflow="ellipsis")
        line.pad_left(1)
        lines.append((line.plain, tuple(line.spans), line.style))
    return lines


class LineView(ScrollView):
    """Works out the widget's base style once per frame instead of once per line; scrolls
    up and down only, with a thin scrollbar."""

    DEFAULT_CSS = """
    LineView {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    """

    _base: Style = Style()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base = self.rich_style
        return super().render_lines(crop)

    def component_style(self, name: str) -> Style:
        """The style of one of this widget's component classes, on its own."""
        return self.get_component_rich_style(name, partial=True)

    def set_virtual_size(self, size: Size) -> None:
        """The scrollable size becomes ``size``. Textual lays the whole screen out again
        when a widget's virtual size changes (~30 ms with an article open, each time a
        picture below the screen arrives at another height than the space kept for it);
        a line view has no children to place, so when only its height changes, only its
        scrollbar is updated (the screen is laid out again only if the scrollbar comes or
        goes, as Textual does when it lays the view out). The caller repaints the lines that
        changed (a full repaint would also make a terminal's pictures be written again)."""
        if size == self.virtual_size:
            return
        if size.width != self.virtual_size.width or not self.is_mounted:
            self.virtual_size = size
            return
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)
