"""The search field above the headlines: filters as you type, widens to the whole library."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Static

from tui_news.ui.lineview import OwnScrollSize


class Note(Widget):
    """One line of text beside the field. Its width is fixed by CSS, so a change of text
    repaints this line only: no layout on every keystroke."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.parts: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Everything the note would say with room enough."""
        return " · ".join(self.parts)

    def show(self, parts: tuple[str, ...], *, hint: bool = False) -> None:
        """Show ``parts``, most important first: the last ones go when space is short."""
        if parts != self.parts or hint != self.has_class("-hint"):
            self.parts = parts
            self.set_class(hint, "-hint")
            self.refresh()

    def render(self) -> RenderResult:
        width = self.content_region.width
        parts = list(self.parts)
        while len(parts) > 1 and cell_len(" · ".join(parts)) > width:
            parts.pop()
        text = Text(" · ".join(parts), no_wrap=True, overflow="ellipsis", end="")
        text.truncate(width, overflow="ellipsis")
        return text


class QueryField(Input, OwnScrollSize):
    """The query field. Input makes its text's width its virtual size at every key typed;
    here that does not lay out the screen (see OwnScrollSize)."""


class SearchBar(Horizontal):
    """A one-line query field with a note on what it searches (or why it cannot)."""

    DEFAULT_CSS = """
    SearchBar {
        height: 1;
        display: none;
    }
    SearchBar.-active {
        display: block;
    }
    SearchBar > #prompt {
        width: 2;
        color: $accent;
        text-style: bold;
    }
    SearchBar > Input {
        width: 1fr;
    }
    SearchBar > Note {
        width: 60%;
        height: 1;
        color: $text-muted;
        padding: 0 0 0 1;
    }
    SearchBar > Note.-hint {
        color: $warning;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("/", id="prompt")
        yield QueryField(compact=True, id="query", select_on_focus=False)
        yield Note(id="scope")

    @property
    def input(self) -> Input:
        return self.query_one("#query", Input)

    @property
    def note(self) -> Note:
        return self.query_one(Note)

    def show_scope(self, parts: tuple[str, ...], *, hint: bool = False) -> None:
        """Say what is being searched, or (``hint``) why the query cannot be read."""
        self.note.show(parts, hint=hint)
