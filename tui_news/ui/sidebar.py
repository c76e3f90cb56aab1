"""The sections sidebar: All, Unread, Starred, then each section (expandable to its sources)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui_news.core.models import SavedSearch, SectionCount, View
from tui_news.core.reader import saved_view
from tui_news.core.search import QueryError
from tui_news.ui.commands import SECTIONS

ALL = View("All")
UNREAD = View("Unread", unread=True)
STARRED = View("Starred", starred=True)
TOP = View("Top stories", top=True)  # the last day's stories, most told and newest first
SAVED_MARK = "⌕ "  # before a saved search's name


def next_unread_section(
    sections: list[SectionCount], name: str | None, direction: int
) -> SectionCount | None:
    """The next section after ``name`` in ``direction`` (wrapping) that has unread articles;
    ``name`` ``None``: the first (or last) that has."""
    names = [s.name for s in sections]
    if name is None:
        after = sections
    elif name not in names:
        return None
    else:
        at = names.index(name)
        after = sections[at + 1 :] + sections[:at]
    return next((s for s in (after if direction > 0 else reversed(after)) if s.unread), None)


def _label(name: str, *, muted: bool = False, failed: bool = False) -> Text:
    """A node label: a warning sign if the source failed, then the name."""
    text = Text(no_wrap=True, end="")
    if failed:
        text.append("⚠ ", style="bold red")
    text.append(name, style="dim" if muted else "")
    return text


class Sidebar(Tree[View]):
    """Virtual views and sections with unread counts; highlighting one shows its headlines."""

    BINDINGS = SECTIONS.bindings()

    DEFAULT_CSS = """
    Sidebar {  /* the counts keep their column when a long list scrolls; nothing scrolls sideways */
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    Sidebar > .tree--cursor {
        background: $panel;
    }
    Sidebar:focus > .tree--cursor {
        background: $accent 35%;
    }
    """

    def __init__(
        self, *, top: bool = True, moved: Callable[[View], None] | None = None, **kwargs: object
    ) -> None:
        """``top``: list Top stories among the virtual views (stories are grouped).
        ``moved``: called with the view whose node the cursor moves to, as it moves (in the
        key's own handling, so that what it shows can be drawn in the same frame as the
        cursor: ``Tree.NodeHighlighted``, which nothing here listens to, comes a frame later)."""
        self._virtual = (ALL, UNREAD, STARRED, TOP) if top else (ALL, UNREAD, STARRED)
        self._counts: dict[int, int] = {}
        self._moved = moved
        self._quiet = False  # moving the cursor without showing its view
        super().__init__("Sections", data=ALL, **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._shape: list[tuple[object, ...]] | None = None

    def action_toggle_node(self) -> None:
        """Show or hide a section's sources; one of a single source says which it is (its
        headlines are the section's: there is nothing more to open)."""
        node = self.cursor_node
        if node is not None and not node.allow_expand and len(node.children) == 1:
            view, source = node.data, node.children[0].data
            if view is not None and source is not None:
                only = source.label.rpartition(" › ")[2]
                self.notify(f"{view.label} has one source: {only}.", markup=False, timeout=3)
                return
        super().action_toggle_node()

    def render_label(self, node: TreeNode[View], base_style: Style, style: Style) -> Text:
        """Draw the label with its unread count pushed to the right edge."""
        label = super().render_label(node, base_style, style)
        depth, parent = 0, node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        room = self.scrollable_content_region.width - depth * self.guide_depth
        count = self._counts.get(node.id, 0)
        if not count or room <= 0:
            label.truncate(max(room, 1), overflow="ellipsis")
            return label
        number = Text(f"{count:,}", style="bold")
        label.truncate(max(1, room - len(number) - 1), overflow="ellipsis", pad=True)
        return Text.assemble(label, " ", number)

    def _set(self, node: TreeNode[View], label: Text, count: int) -> None:
        self._counts[node.id] = count
        node.set_label(label)

    def update_counts(
        self, sections: list[SectionCount], totals: dict[str, int], searches: list[SavedSearch]
    ) -> None:
        """Show fresh counts; rebuild only when sections, sources or saved searches changed."""
        shape: list[tuple[object, ...]] = [(s.id, s.name, s.query) for s in searches]
        shape += [(s.name, tuple(src.id for src in s.sources)) for s in sections]
        if shape != self._shape:
            self._rebuild(sections, searches)
            self._shape = shape
        nodes = list(self.root.children)
        self._set(nodes[0], _label("All"), totals["unread"])
        self._set(nodes[1], _label("Unread"), totals["unread"])
        self._set(nodes[2], _label("Starred"), totals["starred"])
        if TOP in self._virtual:
            self._set(nodes[3], _label("Top stories"), totals.get("top", 0))
        virtual = len(self._virtual)
        saved = [n for n in nodes[virtual:] if n.data is not None and n.data.search_id is not None]
        for node, search in zip(saved, searches, strict=True):
            self._set(
                node, _label(SAVED_MARK + search.name, muted=not search.unread), search.unread
            )
        for node, section in zip(nodes[virtual + len(saved) :], sections, strict=True):
            label = _label(section.name, muted=not section.unread, failed=bool(section.errors))
            self._set(node, label, section.unread)
            for child, source in zip(node.children, section.sources, strict=True):
                label = _label(source.name, muted=not source.unread, failed=bool(source.error))
                self._set(child, label, source.unread)

    def _rebuild(self, sections: list[SectionCount], searches: list[SavedSearch]) -> None:
        with self._quietly():  # the cursor goes back to where it was
            self._add_nodes(sections, searches)

    def _add_nodes(self, sections: list[SectionCount], searches: list[SavedSearch]) -> None:
        current = self.cursor_node.data if self.cursor_node is not None else ALL
        expanded = {n.data.section for n in self.root.children if n.is_expanded and n.data}
        self.clear()
        self._counts.clear()
        for view in self._virtual:
            self.root.add_leaf(_label(view.label), data=view)
        for search in searches:
            try:
                view = saved_view(search.id, search.name, search.query)
            except QueryError:
                view = View(search.name, search_id=search.id)  # unreadable: shown, removable
            self.root.add_leaf(_label(SAVED_MARK + search.name), data=view)
        for section in sections:
            node = self.root.add(
                _label(section.name),
                data=View(section.name, section=section.name),
                expand=section.name in expanded,
                allow_expand=len(section.sources) > 1,
            )
            for source in section.sources:
                label = f"{section.name} › {source.name}"
                view = View(label, section=section.name, source_id=source.id)
                node.add_leaf(_label(source.name), data=view)
        self.select_view(current, quiet=True)

    def select_view(self, view: View | None, quiet: bool = False) -> None:
        """Move the cursor to the node showing ``view`` (or All if it is gone).

        A saved search is found by its id, so a changed query still finds its node.
        """
        target = self._find(view) or self.root.children[0] if self.root.children else None
        if target is None:
            return
        if target.parent is not None and target.parent is not self.root:
            target.parent.expand()
        # New nodes, and those of a section just opened, have no line numbers until the tree's
        # lines are laid out (lazily, at the next frame); asking for the last line lays them
        # out. Without it the cursor went to the first line, All, while the list showed the
        # view chosen.
        _ = self.last_line
        if quiet:
            with self._quietly():
                self.move_cursor(target)
        else:
            self.move_cursor(target)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Cursor moves meanwhile show no view."""
        quiet, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = quiet

    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        super().watch_cursor_line(previous_line, line)
        node, moved = self.cursor_node, self._moved
        if line == previous_line or node is None or node.data is None or self._quiet:
            return
        if not self.is_mounted:  # the app that shows views is still being put together
            return
        if moved is not None:
            moved(node.data)

    def _find(self, view: View | None) -> TreeNode[View] | None:
        if view is None:
            return None
        stack = list(self.root.children)
        while stack:
            node = stack.pop(0)
            if node.data == view or (
                view.search_id is not None
                and node.data is not None
                and node.data.search_id == view.search_id
            ):
                return node
            stack.extend(node.children)
        return None

    def action_first(self) -> None:
        self.move_cursor_to_line(0)

    def action_last(self) -> None:
        self.move_cursor_to_line(self.last_line)
