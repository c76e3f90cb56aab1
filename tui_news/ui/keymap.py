"""Checking ``[keys]``: a key the user bound that another action in reach also uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual.binding import Binding

# One pane's bindings: (pane title, its bindings). The first is the app's, in reach everywhere.
Scope = tuple[str, Sequence[Binding]]


def bound_keys(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys a binding answers to, after the user's ``[keys]``."""
    keys = keymap.get(binding.id or "", binding.key) if binding.id else binding.key
    return [key.strip() for key in keys.split(",") if key.strip()]


def key_clashes(scopes: Sequence[Scope], keymap: Mapping[str, str]) -> list[str]:
    """One line per key that ``keymap`` puts on two actions a user can reach at once.

    The app's keys work in every pane, so a pane's key also clashes with the app's. Overlaps
    the program ships with (``space`` reads on, and pages in the article) are by design; only a
    key that ``[keys]`` added is reported.
    """
    app_title, app_bindings = scopes[0]
    reach = [(app_title, app_bindings, ())] + [
        (title, bindings, app_bindings) for title, bindings in scopes[1:]
    ]
    found: dict[tuple[str, frozenset[str]], str] = {}
    for _title, own, wider in reach:
        holders: dict[str, list[str]] = {}
        new: set[str] = set()  # keys that some binding got from [keys]
        for binding in _with_ids([*own, *wider]):
            keys = bound_keys(binding, keymap)
            new.update(set(keys) - set(bound_keys(binding, {})))
            for key in keys:
                ids = holders.setdefault(key, [])
                if binding.id not in ids:
                    ids.append(binding.id or "")
        for key, ids in holders.items():
            if len(ids) > 1 and key in new:
                pair = frozenset(ids)
                found.setdefault((key, pair), f'[keys]: "{key}" is bound to both {_both(ids)}')
    return list(found.values())


def _with_ids(bindings: Iterable[Binding]) -> Iterable[Binding]:
    return (b for b in bindings if isinstance(b, Binding) and b.id)


def _both(ids: list[str]) -> str:
    return ", ".join(ids[:-1]) + " and " + ids[-1]
