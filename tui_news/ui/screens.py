"""Modal screens: every key (``?``), problems, adding a source, naming, confirming and a
link's number."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui_news.core.models import Problem
from tui_news.core.text import one_line


class _Sheet(ModalScreen[None]):
    """A scrollable sheet of text over the app, closed with escape, q or ?."""

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="close_sheet"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, title: str, body: Table | Text | KeysTable) -> None:
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
        super().__init__("Keys", KeysTable(groups))


class KeysTable:
    """The keys sheet's table: each key, what it does and its id in ``[keys]``; where the ids
    would leave what the keys do less than :data:`ROOM` cells, the keys and what they do."""

    ROOM = 16

    def __init__(self, groups: Sequence[tuple[str, Sequence[tuple[str, str, str]]]]) -> None:
        self.groups = groups

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        every = [row for _, rows in self.groups for row in rows]
        key_width, id_width = (max((cell_len(row[n]) for row in every), default=0) for n in (0, 2))
        ids = options.max_width - key_width - id_width - 4 >= self.ROOM  # two gaps of two
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        if ids:
            table.add_column(style="dim", no_wrap=True)
        for group, rows in self.groups:
            table.add_row(Text(group, style="bold underline"))
            for keys, description, binding_id in rows:
                table.add_row(Text(keys), Text(description), *([Text(binding_id)] if ids else []))
            table.add_row()
        where = "by the id in the last column" if ids else "by the ids a wider terminal shows"
        yield table
        yield Text(f"Rebind keys in config.toml under [keys], {where}, written as they are here.")


class ProblemsScreen(_Sheet):
    """What could not be read, one line each, with the reason: the first :data:`SHOWN` of them
    (a table of tens of thousands would take minutes to draw), then the rest counted by
    reason."""

    SHOWN = 500

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            body: Table | Text = Text("Nothing to report: every source and file was read.")
        else:
            body = Table.grid(padding=(0, 2), expand=True)
            # a third of the sheet for the source, at most 30: an address beside it folds less
            body.add_column(style="bold", no_wrap=True, max_width=30, overflow="ellipsis", ratio=1)
            body.add_column(overflow="fold", ratio=2)
            for problem in problems[: self.SHOWN]:  # the source by name; the reason; where
                reason = Text(one_line(problem.reason))
                reason.append("\n" + one_line(problem.location), style="dim")
                body.add_row(Text(one_line(problem.source or problem.location)), reason)
            rest = Counter(one_line(p.reason) for p in problems[self.SHOWN :])
            if rest:
                more = f"{rest.total():,} more (tui-news refresh lists every one)"
                body.add_row(Text(more, style="bold"), "")
                common = rest.most_common(20)
                for why, count in common:
                    body.add_row(Text(f"{count:,}"), Text(why))
                if len(rest) > len(common):
                    others = rest.total() - sum(count for _, count in common)
                    body.add_row(Text(f"{others:,}"), Text("for other reasons"))
        super().__init__(f"Problems ({len(problems):,})", body)


class AddSourceScreen(ModalScreen[tuple[str, str | None] | None]):
    """Asks for a feed address (or a site, folder or file) and an optional section."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_add")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Add a source"
            dialog.border_subtitle = "enter adds · escape cancels"
            yield Label("Feed or site address, or a folder or file on this computer:")
            yield Input(placeholder="https://example.org/feed.xml", id="location")
            yield Label("Section (optional; a feed without one is a section of its own):")
            yield Input(placeholder="News", id="section")

    @on(Input.Submitted)
    def _submit(self) -> None:
        location = self.query_one("#location", Input).value.strip()
        section = self.query_one("#section", Input).value.strip() or None
        if not location:
            self.query_one("#location", Input).focus()
            return
        self.dismiss((location, section))

    def action_cancel(self) -> None:
        self.dismiss(None)


class EditSourceScreen(ModalScreen[tuple[str, str] | None]):
    """Asks for a source's new name and section, each filled in with the current one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_edit")]

    def __init__(self, name: str, section: str | None) -> None:
        super().__init__()
        self._name, self._section = name, section or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(f"Edit {self._name}")
            dialog.border_subtitle = "enter saves · escape cancels"
            yield Label("Name:")
            yield Input(self._name, id="name")
            yield Label("Section (empty: the sections its articles name, or its own):")
            yield Input(self._section, placeholder="News", id="section")

    @on(Input.Submitted)
    def _submit(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#name", Input).focus()
            return
        self.dismiss((name, self.query_one("#section", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; ``y`` says yes, ``n``, escape or enter say no. Enter is the key
    pressed everywhere else in the reader: a habit must never remove a source."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape,enter", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Confirm"
            dialog.border_subtitle = "y yes · n no (enter: no)"
            yield Static(Text(one_line(self.question)))  # it may name a file or a server

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class NameScreen(ModalScreen[str | None]):
    """Asks for a name, offering a default; enter keeps it, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_name")]

    def __init__(self, title: str, question: str, default: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self.title_text
            dialog.border_subtitle = "enter saves · escape cancels"
            yield Label(Text(self.question))
            yield Input(value=self.default, id="name")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class LinkNumberScreen(ModalScreen[int | None]):
    """Asks for the rest of a link's number when the digit typed begins more than one
    (``1`` in an article of 14 links: [1], or [10] to [14]). Enter opens the number typed; a
    digit after which no link's number could go on opens at once."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_link")]

    def __init__(self, first: int, last: int) -> None:
        super().__init__()
        self.first, self.last = first, last

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Open link"
            dialog.border_subtitle = "enter opens · escape cancels"
            yield Label(f"Link number (1 to {self.last}):")
            yield Input(
                str(self.first),
                restrict=r"[0-9]*",
                max_length=len(str(self.last)),
                select_on_focus=False,
            )

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.value and int(event.value) * 10 > self.last and int(event.value) <= self.last:
            self.dismiss(int(event.value))  # no link's number goes on from here

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        if event.value:
            self.dismiss(int(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
