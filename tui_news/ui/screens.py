"""Modal screens: every key (``?``) and the problems met while reading sources."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_news.core.models import Problem


class _Sheet(ModalScreen[None]):
    """A scrollable sheet of text over the app, closed with escape, q or ?."""

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="close_sheet"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, title: str, body: Table | Text) -> None:
        super().__init__()
        self.sheet_title = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="sheet") as scroll:
            scroll.border_title = self.sheet_title
            scroll.border_subtitle = "escape closes"
            yield Static(self.body)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#sheet", VerticalScroll).scroll_relative(y=lines, animate=False)


class HelpScreen(_Sheet):
    """Every key, grouped by the pane where it works."""

    BINDINGS = [*_Sheet.BINDINGS, Binding("question_mark", "dismiss", "Close", show=False)]

    def __init__(self, groups: Sequence[tuple[str, Sequence[tuple[str, str, str]]]]) -> None:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim", no_wrap=True)
        for group, rows in groups:
            table.add_row(Text(group, style="bold underline"), "", "")
            for keys, description, binding_id in rows:
                table.add_row(Text(keys), Text(description), Text(binding_id))
            table.add_row("", "", "")
        table.add_row(
            "",
            Text("Rebind keys in config.toml under [keys], by the id in the last column."),
            "",
        )
        super().__init__("Keys", table)


class ProblemsScreen(_Sheet):
    """What could not be read, one line each, with the reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            body: Table | Text = Text("Nothing to report: every source and file was read.")
        else:
            body = Table.grid(padding=(0, 2))
            body.add_column(style="bold", no_wrap=True)
            body.add_column(overflow="fold")
            for problem in problems:
                body.add_row(Text(problem.reason), Text(problem.location, style="dim"))
        super().__init__(f"Problems ({len(problems)})", body)
