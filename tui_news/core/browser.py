"""Which browser opens a link, and whether it needs the terminal.

A terminal browser (w3m, lynx, ...) must be handed the terminal while the reader steps aside; a
desktop browser starts detached. The choice: the ``browser`` setting, then ``$BROWSER`` (a
colon-separated list, the first program found wins), then the desktop's opener when there is a
display, then the usual terminal browsers. A program we do not know is given the terminal:
stepping aside for a program that did not need it costs a redraw, the other way round costs
the reader.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath

# Programs that draw their own window: they start detached and the reader keeps the terminal.
DESKTOP = frozenset(
    {
        "xdg-open",
        "open",
        "gio",
        "gnome-open",
        "kde-open",
        "kde-open5",
        "wslview",
        "firefox",
        "firefox-esr",
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
        "brave",
        "brave-browser",
        "microsoft-edge",
        "epiphany",
        "epiphany-browser",
        "falkon",
        "konqueror",
        "qutebrowser",
        "vivaldi",
        "opera",
        "librewolf",
        "midori",
        "surf",
        "x-www-browser",
    }
)
# Browsers that run in the terminal, in the order they are tried when nothing else is set.
TERMINAL = ("www-browser", "w3m", "lynx", "elinks", "links", "links2")


@dataclass(frozen=True)
class Launch:
    """The argument list that opens a link, and whether it runs in the reader's terminal."""

    argv: list[str]
    terminal: bool


def browser_command(template: str, url: str) -> list[str] | None:
    """The argument list that opens ``url`` with a browser command like ``"w3m %s"``.

    ``%s`` stands for the address (added at the end when absent). No shell is involved, so an
    address cannot smuggle in a command. ``None`` when no browser is configured.
    """
    try:
        words = shlex.split(template)
    except ValueError:
        words = template.split()
    if not words:
        return None
    if not any("%s" in word for word in words):
        return [*words, url]
    return [word.replace("%s", url) for word in words]


def needs_terminal(argv: list[str]) -> bool:
    """Whether a command runs in the terminal: anything not known to open its own window."""
    return PurePath(argv[0]).name.lower() not in DESKTOP


def has_display(env: Mapping[str, str], platform: str) -> bool:
    """Whether a desktop browser could show a window: macOS, Windows, or an X/Wayland display."""
    if platform == "darwin" or platform.startswith("win"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def plan_launch(
    setting: str,
    url: str,
    env: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] | None = None,
    platform: str | None = None,
) -> Launch | None:
    """How to open ``url``, or ``None`` when no browser can be found."""
    env = os.environ if env is None else env
    which = find_program if which is None else which
    platform = sys.platform if platform is None else platform
    argv = browser_command(setting, url)
    if argv is not None:
        return Launch(argv, needs_terminal(argv))
    for entry in env.get("BROWSER", "").split(os.pathsep):
        argv = browser_command(entry, url)
        if argv is not None and which(argv[0]):
            return Launch(argv, needs_terminal(argv))
    if has_display(env, platform):
        opener = "open" if platform == "darwin" else "xdg-open"
        if which(opener):
            return Launch([opener, url], terminal=False)
    for program in TERMINAL:
        if which(program):
            return Launch([program, url], terminal=True)
    return None


def find_program(name: str) -> str | None:
    """The path of a program on ``PATH`` (or the name itself when it is a path that runs)."""
    return shutil.which(name)
