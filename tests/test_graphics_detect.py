"""Choosing the terminal graphics (ui/graphics_detect.py): the replies of kitty, Sixel and
other terminals (fake ``ask``), the cases that must not ask, and the real ``ask`` on a pty."""

from __future__ import annotations

import os
import select
import termios
import threading
import time

import pytest

from tui_news.ui.graphics_detect import (
    DA1_QUERY,
    DEFAULT_CELL,
    KITTY_QUERY,
    Graphics,
    detect,
    detect_terminal,
    tty_ask,
)

XTERM = {"TERM": "xterm-256color"}
KITTY_OK = b"\x1b_Gi=31;OK\x1b\\"
VT340_DA1 = b"\x1b[?63;1;2;4;6;9;15;16;22;28c"
PLAIN_DA1 = b"\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c"


class FakeTerminal:
    """An ``ask`` that answers with ``reply`` and remembers what it was asked."""

    def __init__(self, reply: bytes = b"") -> None:
        self.reply = reply
        self.queries: list[bytes] = []

    def __call__(self, query: bytes, timeout: float) -> bytes:
        assert 0.05 <= timeout <= 0.5
        self.queries.append(query)
        return self.reply


def test_kitty_answers_its_graphics_query():
    terminal = FakeTerminal(KITTY_OK + b"\x1b[6;21;10t\x1b[4;1050;800t" + b"\x1b[?62;c")
    assert detect("auto", XTERM, terminal, (80, 50, 0, 0)) == Graphics("kitty", (10, 21))
    [query] = terminal.queries
    assert query.startswith(KITTY_QUERY) and query.endswith(DA1_QUERY)
    assert b"\x1b[16t" in query and b"\x1b[14t" in query


def test_a_sixel_terminal_lists_4_in_its_da1():
    terminal = FakeTerminal(b"\x1b[6;13;6t" + VT340_DA1)
    assert detect("auto", XTERM, terminal) == Graphics("sixel", (6, 13))


@pytest.mark.parametrize(
    "reply",
    [
        PLAIN_DA1,  # neither
        b"\x1b[?62;14;22c",  # 14 is not 4
        VT340_DA1.replace(b";4;", b";") + KITTY_OK,  # kitty's reply after DA1: not kitty's
        b"",  # no answer at all (timed out)
        b"\x1b_Gi=31;OK",  # cut off: not a whole reply
    ],
)
def test_neither_protocol_means_half_blocks(reply):
    assert detect("auto", XTERM, FakeTerminal(reply)).protocol == "halfblocks"


def test_an_error_answer_to_the_graphics_query_still_means_kitty_graphics():
    reply = b"\x1b_Gi=31;EINVAL:unsupported\x1b\\" + PLAIN_DA1
    assert detect("auto", XTERM, FakeTerminal(reply)).protocol == "kitty"


def test_the_cell_size_from_the_window_in_pixels_divided_by_the_cells():
    terminal = FakeTerminal(b"\x1b[4;1040;800t" + VT340_DA1)  # 14t answered, 16t not
    assert detect("auto", XTERM, terminal, (100, 40, 0, 0)) == Graphics("sixel", (8, 26))


def test_the_cell_size_from_the_ttys_pixels_when_the_terminal_does_not_say():
    assert detect("auto", XTERM, FakeTerminal(VT340_DA1), (80, 24, 480, 312)).cell == (6, 13)
    assert detect("auto", XTERM, FakeTerminal(VT340_DA1), (80, 24, 0, 0)).cell == DEFAULT_CELL
    assert detect("auto", XTERM, FakeTerminal(VT340_DA1)).cell == DEFAULT_CELL


@pytest.mark.parametrize(
    "env",
    [
        {"TERM": "screen-256color", "TMUX": "/tmp/tmux-0/default,1,0"},
        {"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"},
        {"TERM": "screen-256color", "STY": "1234.pts-0.host"},
        {"TERM": "tmux", "TMUX": "/tmp/tmux-0/default,1,0", "COLORTERM": "truecolor"},
    ],
)
def test_half_blocks_without_asking_in_tmux_and_screen(env):
    terminal = FakeTerminal(KITTY_OK + VT340_DA1)
    assert detect("auto", env, terminal).protocol == "halfblocks"
    assert terminal.queries == []


@pytest.mark.parametrize(
    "env",
    [
        {"TERM": "screen", "STY": "1234.pts-0.host"},
        {"TERM": "dumb"},
        {"TERM": "linux"},
        {},
    ],
)
def test_no_pictures_without_asking_where_the_app_has_16_colours_or_none(env):
    # half blocks in 16 colours are noise: auto shows the alt text; asked for, they are drawn
    terminal = FakeTerminal(KITTY_OK + VT340_DA1)
    assert detect("auto", env, terminal).protocol == "off"
    assert terminal.queries == []
    assert detect("halfblocks", env, terminal).protocol == "halfblocks"


@pytest.mark.parametrize(
    ("env", "protocol"),
    [
        ({"TERM": "xterm"}, "off"),
        ({"TERM": "xterm-16color"}, "off"),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, "halfblocks"),
        ({"TERM": "xterm", "COLORTERM": "24bit"}, "halfblocks"),
        ({"TERM": "xterm-256color"}, "halfblocks"),
        ({"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "256"}, "halfblocks"),
        ({"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "standard"}, "off"),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, "off"),
    ],
)
def test_a_terminal_without_graphics_gets_half_blocks_only_with_256_colours(env, protocol):
    assert detect("auto", env, FakeTerminal(PLAIN_DA1)).protocol == protocol
    # a graphics protocol does not depend on the colours
    assert (
        detect("auto", env, FakeTerminal(PLAIN_DA1.replace(b"?64;", b"?64;4;"))).protocol == "sixel"
    )


def test_half_blocks_without_asking_when_there_is_no_terminal():
    assert detect("auto", XTERM, None) == Graphics("halfblocks")


@pytest.mark.parametrize("stream", ["stdin", "stdout"])
def test_a_process_without_stdin_or_stdout_gets_half_blocks(monkeypatch, stream):
    import sys

    monkeypatch.setattr(sys, stream, None)  # as under pythonw, or with the stream closed
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM", raising=False)
    assert detect_terminal("auto") == Graphics("halfblocks")


@pytest.mark.parametrize("mode", ["halfblocks", "off"])
def test_half_blocks_and_off_are_not_asked(mode):
    terminal = FakeTerminal(KITTY_OK + VT340_DA1)
    assert detect(mode, XTERM, terminal) == Graphics(mode)
    assert terminal.queries == []


@pytest.mark.parametrize("mode", ["kitty", "sixel"])
def test_a_forced_protocol_is_used_and_only_the_cell_size_asked(mode):
    terminal = FakeTerminal(b"\x1b[6;18;9t" + PLAIN_DA1)
    assert detect(mode, XTERM, terminal) == Graphics(mode, (9, 18))
    [query] = terminal.queries
    assert KITTY_QUERY not in query and query.endswith(DA1_QUERY)
    assert detect(mode, {"TERM": "dumb"}, None) == Graphics(mode)


# The real ask, on a pseudo terminal: the test plays the terminal on the master side.


@pytest.fixture
def pty():
    master, slave = os.openpty()
    yield master, slave
    os.close(master)
    os.close(slave)


def answer(master: int, replies: list[bytes], gap: float = 0.0) -> threading.Thread:
    """Read the query on ``master``, then write ``replies``, ``gap`` seconds apart."""

    def run() -> None:
        select.select([master], [], [], 2)
        os.read(master, 4096)
        for number, reply in enumerate(replies):
            time.sleep(gap if number else 0)
            os.write(master, reply)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def pending(fd: int) -> bytes:
    return os.read(fd, 4096) if select.select([fd], [], [], 0.05)[0] else b""


def test_tty_ask_reads_the_replies_up_to_da1_and_restores_the_terminal(pty):
    master, slave = pty
    before = termios.tcgetattr(slave)
    thread = answer(master, [KITTY_OK + b"\x1b[6;20;10t" + VT340_DA1 + b"junk"])
    replies = tty_ask(slave)(KITTY_QUERY + DA1_QUERY, 0.5)
    thread.join()
    assert replies.startswith(KITTY_OK) and VT340_DA1 in replies
    assert termios.tcgetattr(slave) == before
    assert pending(slave) == b""  # nothing left for the app to read as keys
    assert pending(master) == b""  # and the replies were not echoed to the screen


def test_tty_ask_gives_up_after_the_timeout_and_drops_what_came(pty):
    master, slave = pty
    before = termios.tcgetattr(slave)
    thread = answer(master, [b"\x1b[6;20;10t"])  # begun, but no DA1: waits longer, then stops
    start = time.monotonic()
    replies = tty_ask(slave)(DA1_QUERY, 0.05)
    took = time.monotonic() - start
    thread.join()
    assert replies == b"\x1b[6;20;10t"
    assert 0.2 < took < 1.0
    assert termios.tcgetattr(slave) == before


def test_tty_ask_stops_at_the_timeout_when_nothing_answers(pty):
    master, slave = pty
    start = time.monotonic()
    assert tty_ask(slave)(DA1_QUERY, 0.1) == b""
    assert 0.09 < time.monotonic() - start < 0.5
    assert os.read(master, 100) == DA1_QUERY  # the query was written


def test_tty_ask_waits_for_a_slow_terminal_that_has_begun_to_answer(pty):
    master, slave = pty
    thread = answer(master, [KITTY_OK, VT340_DA1], gap=0.3)
    replies = tty_ask(slave)(KITTY_QUERY + DA1_QUERY, 0.15)
    thread.join()
    assert replies == KITTY_OK + VT340_DA1
    assert pending(slave) == b""


def test_the_app_is_given_what_was_detected_before_it_started(tmp_path, monkeypatch):
    from tui_news import cli
    from tui_news.ui import graphics_detect
    from tui_news.ui.app import NewsApp

    (tmp_path / "config.toml").write_text('refresh_on_start = false\nimages = "sixel"\n')
    events: list[object] = []

    def detected(mode: str) -> Graphics:
        events.append(("detect", mode))
        return Graphics("sixel", (7, 14))

    monkeypatch.setattr(graphics_detect, "detect_terminal", detected)
    monkeypatch.setattr(NewsApp, "run", lambda app: events.append(("run", app.graphics)))
    assert cli.main(["--data-dir", str(tmp_path)]) == 0
    assert events == [("detect", "sixel"), ("run", Graphics("sixel", (7, 14)))]
