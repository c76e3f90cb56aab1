"""Type-ahead: keys typed right after a key that opens a field wait for that field.

The app hands each key to the focused widget's queue and reads on; the key's action (opening
the field) runs later, and the focus moves later still. Keys already typed (a fast typist, a
paste, a busy machine) would reach the list below and run its commands: ``/storm`` would star,
open, refresh and mark. So the moment the app hands over a key bound to an action that opens a
field, it holds the keys that follow until an input field has the focus, then hands them over
in order.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.widgets import Input

HOLD_AT_MOST = 1.0  # seconds: if the field never takes the focus, the keys go on anyway


class TypeAhead(App[Any]):
    """An app whose keys after one that opens a field wait for that field.

    ``OPENS_FIELD``: the ids of the bindings whose action opens an input field.
    """

    OPENS_FIELD: frozenset[str] = frozenset()
    _held_keys: list[events.Key] | None = None
    _hold_timer: Timer | None = None

    def hold_keys(self) -> None:
        """Hold the keys that come next until an input field takes the focus."""
        if self._held_keys is None:
            self._held_keys = []
            self._hold_timer = self.set_timer(HOLD_AT_MOST, self._release_keys)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:  # from the terminal
            if self._held_keys is not None:
                self._held_keys.append(event)
                return
            opens = self._opens_field(event)  # judged where the focus is before the key
            await super().on_event(event)
            if opens:
                self.hold_keys()
            return
        await super().on_event(event)

    def _opens_field(self, key: events.Key) -> bool:
        """Whether ``key``, where the focus is now, runs an action that opens a field."""
        if isinstance(self.focused, Input) and key.is_printable:
            return False  # typed into the field that has the focus
        active = self.screen.active_bindings.get(key.key)
        return active is not None and active.binding.id in self.OPENS_FIELD

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self._held_keys is not None and isinstance(event.widget, Input):
            self.call_next(self._release_keys)

    def field_not_opened(self) -> None:
        """The action that was to open a field did not (it said why): the keys held for the
        field go on now, not after :data:`HOLD_AT_MOST`."""
        if self._held_keys is not None:
            self.call_next(self._release_keys)

    async def _release_keys(self) -> None:
        """Hand the held keys, in order, to whatever has the focus now."""
        held, self._held_keys = self._held_keys or [], None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        for key in held:
            await super().on_event(key)
