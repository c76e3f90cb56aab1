"""Checking ``[keys]``: a key the user bound that another action in reach also uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual.binding import Binding
from textual.keys import KEY_ALIASES, KEY_NAME_REPLACEMENTS, Keys, key_to_character

# One pane's bindings: (pane title, its bindings). The first is the app's, in reach everywhere.
Scope = tuple[str, Sequence[Binding]]


def bound_keys(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys a binding answers to, after the user's ``[keys]``."""
    keys = keymap.get(binding.id or "", binding.key) if binding.id else binding.key
    return [key.strip() for key in keys.split(",") if key.strip()]


MODIFIERS = frozenset(("ctrl", "shift", "alt", "meta", "super", "hyper"))
_NAMED = frozenset(
    {k.value.rsplit("+", 1)[-1] for k in Keys}
    | set(KEY_NAME_REPLACEMENTS.values())
    | set(KEY_ALIASES)
)


def is_key(spec: str) -> bool:
    """Whether ``spec`` names a key Textual can report: a character or a key's name
    (``question_mark``, ``pageup``, ``f5``), after modifiers (``ctrl+``, ``shift+`` ...)."""
    *held, base = spec.split("+") if len(spec) > 1 else [spec]
    if not base or any(modifier not in MODIFIERS for modifier in held):
        return False
    return len(base) == 1 or base in _NAMED or key_to_character(base) is not None


def unusable(keymap: Mapping[str, str]) -> dict[str, str]:
    """The ``[keys]`` entries that bind no key, each with why (the action keeps its own)."""
    found = {}
    for action, keys in keymap.items():
        named = [key.strip() for key in keys.split(",") if key.strip()]
        wrong = [key for key in named if not is_key(key)]
        if not named:
            found[action] = "no key given"
        elif wrong:
            found[action] = f"{', '.join(repr(k) for k in wrong)} is no key"
    return found


def usable(scopes: Sequence[Scope], keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The ``[keys]`` entries to use, and a line for each one left out: one that binds no
    key (:func:`unusable`) or a key another action in reach holds (:func:`clashes`). The
    action of a line left out keeps its own keys, as a bad setting takes its default."""
    kept = dict(keymap)
    refused = []
    for action, why in unusable(kept).items():
        del kept[action]
        refused.append(f"[keys]: {action}: {why}; it keeps its own keys")
    for clash, given in clashes(scopes, kept).items():
        for action in given:
            kept.pop(action, None)
        if len(given) == 1:
            refused.append(f"{clash}; {given[0]} keeps its own keys")
        else:
            refused.append(f"{clash}; {_both(given)} keep their own keys")
    return kept, refused


def clashes(scopes: Sequence[Scope], keymap: Mapping[str, str]) -> dict[str, list[str]]:
    """Each key that ``keymap`` puts on two actions a user can reach at once, as a line, with
    the ``[keys]`` entries that gave it (they keep their own keys instead).

    The app's keys work in every pane, so a pane's key also clashes with the app's. Overlaps
    the program ships with (``space`` reads on, and pages in the article) are by design; only a
    key that ``[keys]`` added is reported.
    """
    app_title, app_bindings = scopes[0]
    reach = [(app_title, app_bindings, ())] + [
        (title, bindings, app_bindings) for title, bindings in scopes[1:]
    ]
    found: dict[tuple[str, frozenset[str]], tuple[str, list[str]]] = {}
    for _title, own, wider in reach:
        holders: dict[str, list[str]] = {}
        added: dict[str, set[str]] = {}  # keys that each binding got from [keys]
        for binding in _with_ids([*own, *wider]):
            keys = bound_keys(binding, keymap)
            added.setdefault(binding.id or "", set()).update(
                set(keys) - set(bound_keys(binding, {}))
            )
            for key in keys:
                ids = holders.setdefault(key, [])
                if binding.id not in ids:
                    ids.append(binding.id or "")
        for key, ids in holders.items():
            given = [i for i in ids if key in added.get(i, ())]
            if len(ids) > 1 and given:
                line = f'[keys]: "{key}" is bound to both {_both(ids)}'
                found.setdefault((key, frozenset(ids)), (line, given))
    return dict(found.values())


def _with_ids(bindings: Iterable[Binding]) -> Iterable[Binding]:
    return (b for b in bindings if isinstance(b, Binding) and b.id)


def _both(ids: list[str]) -> str:
    return ", ".join(ids[:-1]) + " and " + ids[-1]
