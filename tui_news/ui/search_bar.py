"""The search field above the headlines: filters as you type, widens to the whole library."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static


class SearchBar(Horizontal):
    """A one-line query field with a note on what it searches (or why it cannot)."""

    BINDINGS = [
        Binding("escape", "app.end_search", "Cancel", id="search_cancel"),
        Binding("ctrl+l", "app.widen_search", "Whole library", id="search_widen"),
        Binding("ctrl+s", "app.save_search", "Save search", id="search_save"),
    ]

    DEFAULT_CSS = """
    SearchBar {
        height: 1;
        display: none;
    }
    SearchBar.-active {
        display: block;
    }
    SearchBar > Input {
        width: 1fr;
    }
    SearchBar > #prompt {
        width: 2;
        color: $accent;
        text-style: bold;
    }
    SearchBar > #scope {
        width: auto;
        max-width: 60%;
        color: $text-muted;
        padding: 0 0 0 1;
    }
    SearchBar > #scope.-hint {
        color: $warning;
    }
    """

    _shown: tuple[str, bool] = ("", False)

    def compose(self) -> ComposeResult:
        yield Static("/", id="prompt")
        yield Input(compact=True, id="query", select_on_focus=False)
        yield Static(id="scope")

    @property
    def input(self) -> Input:
        return self.query_one("#query", Input)

    def show_scope(self, text: str, *, hint: bool = False) -> None:
        """Say what is being searched, or (``hint``) why the query cannot be read."""
        scope = self.query_one("#scope", Static)
        if (text, hint) != self._shown:  # an unchanged note costs no layout
            self._shown = (text, hint)
            scope.update(Text(text, no_wrap=True, overflow="ellipsis"))
            scope.set_class(hint, "-hint")
