"""Every command of the app in one table, keyed by binding id: the panes' key bindings, the
help screen, the palette and the check of ``[keys]`` in the config file all read it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType

Row = tuple[str, str, str]  # keys as shown, what they do, the binding id


@dataclass(frozen=True)
class Command:
    """One command: its binding id (what ``[keys]`` rebinds), default keys, the action it
    runs, its description in the footer and help, and, if it is in the palette, its title
    there (the description unless given) and what it does; whether it opens an input field."""

    id: str
    key: str
    action: str
    description: str
    show: bool = False  # in the footer
    palette: str = ""  # a line of help: the command is offered in the palette
    title: str = ""
    opens_field: bool = False  # keys typed right after it wait for the field (TypeAhead)

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.description, show=self.show, id=self.id)

    def rows(self, keymap: Mapping[str, str], display: Callable[[Binding], str]) -> Row:
        """The help screen's row: the keys bound now (``keymap`` overrides the default)."""
        keys = keymap.get(self.id, self.key).split(",")
        shown = " ".join(display(self.binding().with_key(k.strip())) for k in keys)
        return shown, self.description, self.id


@dataclass(frozen=True)
class Group:
    """The commands of one pane, with lines the help screen adds before and after them."""

    title: str
    commands: tuple[Command, ...]
    before: tuple[Row, ...] = ()
    after: tuple[Row, ...] = ()

    def bindings(self) -> list[BindingType]:
        """The pane's ``BINDINGS``."""
        return [c.binding() for c in self.commands]

    def help_rows(self, keymap: Mapping[str, str], display: Callable[[Binding], str]) -> list[Row]:
        """Every described command, as bound now, between the group's extra lines."""
        rows = [c.rows(keymap, display) for c in self.commands if c.description]
        return [*self.before, *rows, *self.after]


EVERYWHERE = Group(
    "Everywhere",
    (
        Command("quit", "q", "quit", "Quit", show=True),
        Command(
            "help", "question_mark", "help", "Keys", show=True, palette="Every key", title="Help"
        ),
        Command("next_pane", "tab", "focus_next", "Next pane"),
        Command("previous_pane", "shift+tab", "focus_previous", "Previous pane"),
        Command("back", "escape", "back", "Back"),
        Command(
            "search",
            "slash",
            "search",
            "Search",
            show=True,
            palette="Filter the headlines as you type",
            opens_field=True,
        ),
        Command("read_on", "space", "read_on", "Read on", show=True),
        Command("read_back", "b", "read_back", "Read back"),
        Command(
            "zoom",
            "z",
            "zoom",
            "Full screen",
            palette="Read the article on the whole screen (z or escape: back)",
        ),
        Command(
            "picture",
            "i",
            "picture",
            "Picture",
            palette="Show the article's picture nearest the top on the whole screen",
        ),
        Command(
            "next_unread",
            "n",
            "next_unread(1)",
            "Next unread",
            show=True,
            palette="Open the next unread article",
        ),
        Command("previous_unread", "p", "next_unread(-1)", "Prev unread"),
        Command(
            "toggle_read",
            "m",
            "toggle_read",
            "Read",
            show=True,
            palette="Mark the current article read or unread",
            title="Toggle read",
        ),
        Command(
            "mark_all_read",
            "M",
            "mark_all_read",
            "All read",
            palette="Mark every article in this list read",
            title="Mark all read",
        ),
        Command(
            "star", "s", "star", "Star", show=True, palette="Star or unstar the current article"
        ),
        Command(
            "next_version",
            "v",
            "next_version(1)",
            "Next version",
            palette="Read the next outlet's version of this story",
            title="Next version",
        ),
        Command("previous_version", "V", "next_version(-1)", "Prev version"),
        Command(
            "open_link",
            "o",
            "open_link",
            "Open link",
            palette="Open the article's link in the browser",
        ),
        *(
            Command(f"link_{n}", str(n), f"open_numbered({n})", "", opens_field=True)
            for n in range(1, 10)
        ),
        Command("copy_link", "y", "copy_link", "Copy link", palette="Copy the article's link"),
        Command(
            "full_article",
            "f",
            "full_article",
            "Full article",
            palette="Fetch the article's page and keep its text",
        ),
        Command("refresh", "r", "refresh_here", "Refresh"),
        Command(
            "refresh_all",
            "R",
            "refresh_all",
            "Refresh all",
            palette="Fetch every feed and rescan every folder",
        ),
        Command(
            "add_source",
            "a",
            "add_source",
            "Add",
            palette="Subscribe to a feed or add a folder",
            title="Add source",
            opens_field=True,
        ),
        Command(
            "edit_source",
            "e",
            "edit_source",
            "Edit",
            palette="Rename this source or move it to another section",
            title="Edit source",
            opens_field=True,
        ),
        Command(
            "remove_source",
            "d",
            "remove_source",
            "Remove",
            palette="Remove this source and its articles",
            title="Remove source",
        ),
        Command(
            "problems",
            "exclamation_mark",
            "problems",
            "Problems",
            palette="Files and sources that could not be read",
        ),
    ),
    after=(
        ("1 … 9", "Open link [n] ([12]: 1 then 2)", "link_1 … link_9"),
        ("ctrl+p", "Command palette (actions, themes)", ""),
    ),
)

SECTIONS = Group(
    "Sections",
    (
        Command("section_down", "j", "cursor_down", "Down"),
        Command("section_up", "k", "cursor_up", "Up"),
        Command("section_first", "g,home", "first", "First"),
        Command("section_last", "G,end", "last", "Last"),
        Command("section_show", "enter", "select_cursor", "Show", show=True),
        Command("section_sources", "space", "toggle_node", "Sources", show=True),
    ),
)

HEADLINES = Group(
    "Headlines",
    (
        Command("headline_down", "j,down", "cursor(1)", "Down"),
        Command("headline_up", "k,up", "cursor(-1)", "Up"),
        Command("headline_page_down", "pagedown", "page(1)", "Page down"),
        Command("headline_page_up", "pageup", "page(-1)", "Page up"),
        Command("headline_first", "g,home", "first", "First"),
        Command("headline_last", "G,end", "last", "Last"),
        Command("open_article", "enter", "open", "Open", show=True),
    ),
)

ARTICLE = Group(
    "Article",
    (
        Command("article_down", "j,down", "scroll_by(1)", "Down"),
        Command("article_up", "k,up", "scroll_by(-1)", "Up"),
        Command("article_top", "g,home", "top", "Top"),
        Command("article_end", "G,end", "end", "End"),
        Command("article_page", "space", "page_or_next", "Page/next", show=True),
        Command("article_page_down", "pagedown", "page(1)", "Page down"),
        Command("article_page_up", "pageup,b", "page(-1)", "Page up"),
    ),
)

SEARCH_FIELD = Group(
    "Search field",
    (
        Command("search_cancel", "escape", "end_search", "Cancel", show=True),
        Command("search_widen", "ctrl+l", "widen_search", "Whole library", show=True),
        Command("search_save", "ctrl+s", "save_search", "Save search", show=True, opens_field=True),
    ),
    before=(("enter", "Go to the results", ""),),
)

GROUPS = (EVERYWHERE, SECTIONS, HEADLINES, ARTICLE, SEARCH_FIELD)


def binding_ids() -> set[str]:
    """Every id that ``[keys]`` in the config file may rebind."""
    return {c.id for group in GROUPS for c in group.commands}


def key_scopes() -> list[tuple[str, list[Binding]]]:
    """Each pane's title and bindings, the app's (in reach everywhere) first."""
    return [(group.title, [c.binding() for c in group.commands]) for group in GROUPS]


def field_openers() -> frozenset[str]:
    """The ids of the commands that open an input field."""
    return frozenset(c.id for group in GROUPS for c in group.commands if c.opens_field)


def palette_commands() -> Iterator[Command]:
    """The commands offered in the palette, in the table's order."""
    for group in GROUPS:
        yield from (c for c in group.commands if c.palette)
