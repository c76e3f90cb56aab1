"""The footer: the keys that work here, drawn as one line that changes in place.

Textual's ``Footer`` recomposes a widget per key whenever the bindings change (every focus
change, opening or closing the search field): new widgets are mounted and styled and the whole
screen laid out again, ~50-100 ms of a keystroke. This widget draws the same line as
``Footer(compact=True)`` from ``screen.active_bindings`` in one ``render``; a change of keys
repaints that line only (its size never changes, so nothing is laid out).
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding
from textual.color import Color
from textual.screen import Screen
from textual.widget import Widget


class FooterKey(NamedTuple):
    """One key as shown: what to press, what it says, and whether it works now."""

    key: str
    display: str
    description: str
    enabled: bool


class KeyFooter(Widget, can_focus=False):
    """One line at the bottom: the shown keys, left to right, and the palette key at the
    right edge (as Textual's compact ``Footer`` draws them). A click on a key presses it."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description", "footer-key--edge"}
    # The look of Textual's Footer(compact=True) and its FooterKey widgets.
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--edge {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keys: tuple[FooterKey, ...] = ()
        self.palette_key: FooterKey | None = None
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) of each drawn key

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.show_bindings()

    def show_bindings(self) -> None:
        """Read the screen's active keys; repaint the line if they changed."""
        app = self.app
        keys: list[FooterKey] = []
        actions: set[str] = set()
        palette: FooterKey | None = None
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in actions:  # one key per action
                actions.add(binding.action)
                described = getattr(node, "key_description", None)
                said = described(binding.action) if callable(described) else None
                keys.append(self._shown(binding, enabled, said))
        if app.ENABLE_COMMAND_PALETTE:
            found = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                palette = self._shown(binding, enabled)
        if (tuple(keys), palette) != (self.keys, self.palette_key):
            self.keys, self.palette_key = tuple(keys), palette
            self.refresh()

    def _shown(self, binding: Binding, enabled: bool, said: str | None = None) -> FooterKey:
        """A key as shown: what its node says it does now (its ``key_description(action)``,
        for a key whose effect changes), else its binding's description."""
        description = binding.description if said is None else said
        return FooterKey(binding.key, self.app.get_key_display(binding), description, enabled)

    def _key_text(self, key: FooterKey, base: Style) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        if key.description:
            text = Text.assemble(
                (key.display, key_style), (" " + key.description, description_style)
            )
        else:
            text = Text.assemble((key.display, key_style))
        text.stylize_before(base + Style(dim=True) if not key.enabled else base)
        return text

    def render(self) -> RenderResult:
        width = self.content_region.width
        base = self.rich_style
        item = self._item_style(base)
        gap = Style(bgcolor=base.bgcolor)  # margins: the footer's background, no colour
        line = Text(no_wrap=True, overflow="crop", end="", style=gap)
        spans: list[tuple[int, int, str]] = []
        palette = self.palette_key
        right = Text()
        if palette is not None:  # docked at the right edge, with its margin
            right = Text.assemble(("▏", self.get_component_rich_style("footer-key--edge")))
            right.append_text(self._key_text(palette, item))
        room = max(0, width - right.cell_len - 1) if palette is not None else width
        for key in self.keys:
            text = self._key_text(key, item)
            start = line.cell_len + (1 if spans else 0)
            if start + text.cell_len > room:
                break  # only whole keys: the first that does not fit ends the line
            if spans:
                line.append(" ", gap)  # the keys' margin (the last one's is in the fill)
            line.append_text(text)
            spans.append((start, line.cell_len, key.key))
        if palette is not None:
            line.append(" " * (room - line.cell_len), gap)
            line.append_text(right)
            spans.append((room + 1, room + right.cell_len, palette.key))
        line.truncate(width)
        line.append(" " * (width - line.cell_len), gap)
        self._spans = spans
        return line

    def _item_style(self, base: Style) -> Style:
        """The style of a key's cell: the footer's, with the theme's item background over it."""
        item = Color.parse(self.app.theme_variables.get("footer-item-background", "transparent"))
        if not item.a or base.bgcolor is None:
            return base
        background = Color.from_rich_color(base.bgcolor) + item
        return base + Style(bgcolor=background.rich_color)

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it (a disabled key rings the bell), as Footer does."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                shown = [k for k in (*self.keys, self.palette_key) if k and k.key == key]
                if shown and not shown[0].enabled:
                    self.app.bell()
                else:
                    self.app.simulate_key(key)
                return
