"""A ScrollView base for widgets that draw their own lines (Textual's line API)."""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip


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
