"""A ScrollView base for widgets that draw their own lines (Textual's line API), and the light
form of a wrapped line that such a widget keeps."""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.text import Span, Text
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

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


class OwnScrollSize(ScrollView):
    """A scroll view whose scrollable (virtual) size changes without laying out the screen.

    Textual lays out the whole screen again when a widget's virtual size changes (~10-20 ms
    with its frame at 100,000 articles: on a key, each time a view's ids arrive, a filter
    key's results come, the query field's text grows, an article's lines are wrapped). A
    scroll view that draws its own lines has no children to place, and the compositor gives
    it the same region whatever its virtual size is: so here a change updates its scrollbars
    only. The screen is laid out again only when a scrollbar comes or goes (Textual does that
    when it updates them) or when the view's size follows its content (an ``auto`` width or
    height). Nothing is repainted: the caller repaints the lines that changed (a full repaint
    would also make a terminal's pictures be written again)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), repaint=False)

    def watch_virtual_size(self, size: Size) -> None:
        if not self.is_mounted:
            return  # its first layout sizes its scrollbars
        if self.styles.auto_dimensions:
            self.refresh(layout=True)
        else:
            self._scroll_update(size)


class LineView(OwnScrollSize):
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
