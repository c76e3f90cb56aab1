"""The sections sidebar: All, Unread, Starred, then each section (expandable to its sources)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui_news.core.models import SectionCount, View

ALL = View("All")
UNREAD = View("Unread", unread=True)
STARRED = View("Starred", starred=True)


def _label(name: str, count: int, *, muted: bool = False) -> Text:
    """A node label: the name, then the unread count (right-aligned when drawn)."""
    text = Text(name, style="dim" if muted else "", no_wrap=True, end="")
    if count:
        text.append(f" {count:>5}", style="bold")
    return text


class Sidebar(Tree[View]):
    """Virtual views and sections with unread counts; highlighting one shows its headlines."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="section_down"),
        Binding("k", "cursor_up", "Up", show=False, id="section_up"),
        Binding("g,home", "first", "First", show=False, id="section_first"),
        Binding("G,end", "last", "Last", show=False, id="section_last"),
        Binding("enter", "select_cursor", "Show", id="section_show"),
        Binding("space", "toggle_node", "Sources", id="section_sources"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__("Sections", data=ALL, **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._shape: list[tuple[str, tuple[int, ...]]] | None = None

    def render_label(self, node: TreeNode[View], base_style: Style, style: Style) -> Text:
        """Draw the label with its count pushed to the right edge."""
        label = super().render_label(node, base_style, style)
        depth, parent = 0, node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        indent = depth * self.guide_depth
        room = self.scrollable_content_region.width - indent - 1
        name, _, count = label.plain.rpartition(" ")
        if not name or not count.isdigit() or room <= 0:
            label.truncate(max(room, 1), overflow="ellipsis")
            return label
        head = label[: len(name)]
        head.truncate(max(1, room - len(count) - 1), overflow="ellipsis", pad=True)
        return Text.assemble(head, " ", label[len(label) - len(count) :])

    def update_counts(self, sections: list[SectionCount], totals: dict[str, int]) -> None:
        """Show fresh counts; rebuild only when the sections or their sources changed."""
        shape = [(s.name, tuple(src[0] for src in s.sources)) for s in sections]
        if shape != self._shape:
            self._rebuild(sections)
            self._shape = shape
        nodes = list(self.root.children)
        nodes[0].set_label(_label("All", totals["unread"]))
        nodes[1].set_label(_label("Unread", totals["unread"]))
        nodes[2].set_label(_label("Starred", totals["starred"]))
        for node, section in zip(nodes[3:], sections, strict=True):
            node.set_label(_label(section.name, section.unread, muted=not section.unread))
            for child, (_sid, name, _total, unread) in zip(
                node.children, section.sources, strict=True
            ):
                child.set_label(_label(name, unread, muted=not unread))

    def _rebuild(self, sections: list[SectionCount]) -> None:
        current = self.cursor_node.data if self.cursor_node is not None else ALL
        expanded = {n.data.section for n in self.root.children if n.is_expanded and n.data}
        self.clear()
        for view in (ALL, UNREAD, STARRED):
            self.root.add_leaf(_label(view.label, 0), data=view)
        for section in sections:
            node = self.root.add(
                _label(section.name, 0),
                data=View(section.name, section=section.name),
                expand=section.name in expanded,
                allow_expand=len(section.sources) > 1,
            )
            for source_id, name, _total, _unread in section.sources:
                view = View(f"{section.name} › {name}", section=section.name, source_id=source_id)
                node.add_leaf(_label(name, 0), data=view)
        self.select_view(current, quiet=True)

    def select_view(self, view: View | None, quiet: bool = False) -> None:
        """Move the cursor to the node showing ``view`` (or All if it is gone)."""
        target = self._find(view) or self.root.children[0] if self.root.children else None
        if target is None:
            return
        if target.parent is not None and target.parent is not self.root:
            target.parent.expand()
        if quiet:
            with self.prevent(Tree.NodeHighlighted):
                self.move_cursor(target)
        else:
            self.move_cursor(target)

    def _find(self, view: View | None) -> TreeNode[View] | None:
        if view is None:
            return None
        stack = list(self.root.children)
        while stack:
            node = stack.pop(0)
            if node.data == view:
                return node
            stack.extend(node.children)
        return None

    def action_first(self) -> None:
        self.move_cursor_to_line(0)

    def action_last(self) -> None:
        self.move_cursor_to_line(self.last_line)
