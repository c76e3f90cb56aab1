"""Which terminal graphics the app draws pictures with (``images`` in config.toml): asked of
the terminal once, before Textual starts, never inside its input loop.

``auto`` writes one query and reads the replies until the terminal's answer to DA1 (which
every terminal sends, and sends last, as it answers in order) or a short timeout:

- kitty's graphics query (``a=q``: an image checked, not stored): a reply means the kitty
  protocol (kitty, WezTerm, Konsole);
- ``CSI 16 t``: the cell's size in pixels (``CSI 6 ; H ; W t``); else ``CSI 14 t``, the
  window's (``CSI 4 ; H ; W t``) divided by the cells; else the tty's own pixel size;
- DA1 ``CSI c``: attribute 4 in ``CSI ? ... c`` means Sixel (xterm -ti vt340, foot, mlterm).

Neither: half blocks. In tmux or GNU screen (whose pictures would not stay where the app
puts them), on the Linux console, a dumb terminal or no terminal at all: half blocks without
asking. Half blocks only in a terminal of 256 colours or more, as the app's colours are chosen
(Rich reads ``COLORTERM`` and ``TERM``): in 16 colours a picture is noise, and ``auto`` shows
its alt text instead. ``kitty``/``sixel`` force that protocol (the cell size still asked);
``halfblocks`` and ``off`` ask nothing.
"""

from __future__ import annotations

import os
import re
import select
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

Protocol = Literal["kitty", "sixel", "halfblocks", "off"]
Ask = Callable[[bytes, float], bytes]  # writes a query to the terminal, returns its replies
_CHOSEN: dict[str, Protocol] = {
    "kitty": "kitty",
    "sixel": "sixel",
    "halfblocks": "halfblocks",
    "off": "off",
}
DEFAULT_CELL = (10, 20)  # pixels, when the terminal does not say
TIMEOUT = 0.15  # seconds the terminal has to answer

KITTY_QUERY = b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
SIZE_QUERY = b"\x1b[16t\x1b[14t"
DA1_QUERY = b"\x1b[c"
_KITTY_REPLY = re.compile(rb"\x1b_Gi=31[;,][^\x1b]*\x1b\\")
_CELL_REPLY = re.compile(rb"\x1b\[6;(\d+);(\d+)t")
_WINDOW_REPLY = re.compile(rb"\x1b\[4;(\d+);(\d+)t")
_DA1_REPLY = re.compile(rb"\x1b\[\?([\d;]*)c")


@dataclass(frozen=True, slots=True)
class Graphics:
    """How pictures are drawn: the protocol, and a cell's size in pixels (width, height)."""

    protocol: Protocol = "halfblocks"
    cell: tuple[int, int] = DEFAULT_CELL


def detect(
    mode: str,
    env: Mapping[str, str],
    ask: Ask | None,
    winsize: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> Graphics:
    """The graphics for ``mode`` (one of the config's ``IMAGE_MODES``) in the terminal described
    by ``env`` (its environment), ``ask`` (None: not a terminal) and ``winsize`` (columns,
    rows, width and height in pixels, as TIOCGWINSZ gives them; 0 when unknown)."""
    chosen = _CHOSEN.get(mode)  # None: auto
    if chosen in ("halfblocks", "off"):
        return Graphics(chosen)
    if ask is None or (chosen is None and not _may_ask(env)):
        return Graphics(chosen or _blocks(env), _cell(b"", winsize))
    query = (b"" if chosen else KITTY_QUERY) + SIZE_QUERY + DA1_QUERY
    replies = ask(query, TIMEOUT)
    found = _protocol(replies)
    return Graphics(
        chosen or (_blocks(env) if found == "halfblocks" else found), _cell(replies, winsize)
    )


def _blocks(env: Mapping[str, str]) -> Protocol:
    """Half blocks where the app draws in 256 colours or more, else no pictures (``off``).

    The colours are Rich's reading of the environment, as Textual draws by it: ``NO_COLOR``
    none, ``TEXTUAL_COLOR_SYSTEM`` as it says, ``COLORTERM=truecolor`` (or ``24bit``) millions,
    a ``TERM`` ending in ``-256color`` or ``-kitty`` 256, any other 16.
    """
    if env.get("NO_COLOR"):
        return "off"
    chosen = env.get("TEXTUAL_COLOR_SYSTEM", "auto")
    if chosen != "auto":
        return "halfblocks" if chosen in ("256", "truecolor") else "off"
    if env.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return "halfblocks"
    many = env.get("TERM", "").rpartition("-")[2] in ("256color", "kitty")
    return "halfblocks" if many else "off"


def _may_ask(env: Mapping[str, str]) -> bool:
    """False where asking is pointless or pictures cannot be placed: tmux, GNU screen, the
    Linux console, a dumb terminal."""
    if env.get("TMUX") or env.get("STY"):
        return False
    return env.get("TERM", "") not in ("", "dumb", "linux")


def _protocol(replies: bytes) -> Protocol:
    """kitty if it answered the graphics query before DA1, Sixel if DA1 lists 4."""
    da1 = _DA1_REPLY.search(replies)
    kitty = _KITTY_REPLY.search(replies)
    if kitty and (da1 is None or kitty.start() < da1.start()):
        return "kitty"
    if da1 and "4" in da1[1].decode().split(";"):
        return "sixel"
    return "halfblocks"


def _cell(replies: bytes, winsize: tuple[int, int, int, int]) -> tuple[int, int]:
    """A cell's (width, height) in pixels from the replies, else from the window's size."""
    cols, rows, width, height = winsize
    cell = _CELL_REPLY.search(replies)
    if cell and int(cell[1]) > 0 and int(cell[2]) > 0:
        return int(cell[2]), int(cell[1])
    window = _WINDOW_REPLY.search(replies)
    if window:
        height, width = int(window[1]), int(window[2])
    if cols > 0 and rows > 0 and width >= cols and height >= rows:
        return width // cols, height // rows
    return DEFAULT_CELL


def detect_terminal(mode: str) -> Graphics:
    """:func:`detect` for this process's terminal (``/dev/tty``, when stdin and stdout are
    one), with its environment."""
    import sys

    if mode in ("halfblocks", "off"):
        return detect(mode, os.environ, None)
    try:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            return detect(mode, os.environ, None)
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except (OSError, ValueError, AttributeError):  # AttributeError: no stdin or stdout at all
        return detect(mode, os.environ, None)
    try:
        return detect(mode, os.environ, tty_ask(fd), _winsize(fd))
    finally:
        os.close(fd)


def _winsize(fd: int) -> tuple[int, int, int, int]:
    """(columns, rows, width px, height px) of the terminal (zeros when unknown)."""
    import fcntl
    import struct
    import termios

    try:
        packed = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
    except OSError:
        return (0, 0, 0, 0)
    rows, cols, width, height = struct.unpack("HHHH", packed)
    return cols, rows, width, height


def tty_ask(fd: int) -> Ask:
    """An ``ask`` on the terminal ``fd``: echo and line editing off while it writes the query
    and reads replies until DA1's (the last), or the timeout (six times longer once replies
    have begun); then whatever else came in is discarded as the terminal's settings are
    restored (always), so no reply reaches the app as keys."""
    import termios

    def ask(query: bytes, timeout: float) -> bytes:
        saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~(termios.ECHO | termios.ICANON)  # lflag
        quiet[6][termios.VMIN], quiet[6][termios.VTIME] = 0, 0
        replies = bytearray()
        try:
            termios.tcsetattr(fd, termios.TCSANOW, quiet)
            os.write(fd, query)
            start = time.monotonic()
            while not _DA1_REPLY.search(replies):
                # a terminal that has begun to answer gets longer to finish (its late
                # replies would otherwise be read by the app as keys)
                left = start + (timeout * 6 if replies else timeout) - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    break
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                replies += chunk
        finally:
            termios.tcsetattr(fd, termios.TCSAFLUSH, saved)  # drops unread input too
        return bytes(replies)

    return ask
