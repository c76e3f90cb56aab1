"""The encoder process: pictures made for the terminal in another Python process, exactly as
they would be made here, and every way that process can fail ending in a one-line reason,
never a hang."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from tui_news.core.images.encoder_process import EncoderFailed, EncoderProcess
from tui_news.core.images.protocol_art import encode_art

CELL = (10, 20)


def picture() -> Image.Image:
    """A 30x40 picture of four colours, one of them half transparent."""
    image = Image.new("RGBA", (30, 40), (200, 40, 40, 255))
    image.paste((40, 200, 40, 255), (0, 20, 30, 40))
    image.paste((40, 40, 200, 255), (10, 0, 20, 40))
    image.paste((0, 0, 0, 0), (0, 0, 5, 5))
    return image


@pytest.fixture
def encoder() -> Iterator[EncoderProcess]:
    started = EncoderProcess()
    yield started
    started.close()


def gone(pid: int) -> bool:
    """True once process ``pid`` has ended (a zombie, or reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_until(done: Callable[[], bool]) -> None:
    """Wait for ``done()`` (a guard of 30 s against a hang, not a measure of speed)."""
    give_up = time.monotonic() + 30
    while not done():
        assert time.monotonic() < give_up, "waited 30 s"
        time.sleep(0.01)


def encode_in_thread(encoder: EncoderProcess) -> tuple[threading.Thread, list[object]]:
    """A request started in a thread; what it gave (or raised) lands in the list."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(encoder.encode("sixel", picture(), (3, 2), CELL, 1))
        except EncoderFailed as why:
            outcome.append(why)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("protocol", ["sixel", "kitty"])
def test_a_picture_is_made_in_another_process_as_it_would_be_made_here(
    encoder: EncoderProcess, protocol: str
) -> None:
    assert encoder.pid is None  # started by the first request, not before
    made = encoder.encode(protocol, picture(), (3, 2), CELL, 7)
    assert made == encode_art(protocol, picture(), (3, 2), CELL, 7)
    transmit, rows = made
    assert (transmit != "") == (protocol == "kitty") and len(rows) == (protocol == "sixel") * 2
    pid = encoder.pid
    assert pid is not None and pid != os.getpid() and not gone(pid)
    assert encoder.encode(protocol, picture(), (3, 2), CELL, 8)[1] == rows  # the same process
    assert encoder.pid == pid

    encoder.close()
    assert encoder.pid is None and gone(pid)


def test_a_process_that_died_while_idle_is_started_again(encoder: EncoderProcess) -> None:
    encoder.encode("sixel", picture(), (3, 2), CELL, 1)
    first = encoder.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: gone(first))

    assert encoder.encode("sixel", picture(), (3, 2), CELL, 1) == encode_art(
        "sixel", picture(), (3, 2), CELL, 1
    )
    assert encoder.pid not in (None, first)


def test_a_process_that_dies_during_a_request_fails_it_with_the_reason(
    encoder: EncoderProcess,
) -> None:
    encoder.encode("sixel", picture(), (3, 2), CELL, 1)
    first = encoder.pid
    assert first is not None
    os.kill(first, signal.SIGSTOP)  # the request waits...
    thread, outcome = encode_in_thread(encoder)
    wait_until(lambda: encoder.busy)
    os.kill(first, signal.SIGKILL)  # ...and the process dies under it
    thread.join(30)

    (failure,) = outcome
    assert isinstance(failure, EncoderFailed)
    assert str(failure) == "the picture encoder process was stopped by signal 9"
    assert encoder.pid is None and gone(first) and not encoder.busy
    encoder.encode("sixel", picture(), (3, 2), CELL, 1)  # the next request starts another
    assert encoder.pid not in (None, first)


def test_a_request_that_takes_too_long_is_stopped_with_the_reason(
    encoder: EncoderProcess,
) -> None:
    encoder.encode("sixel", picture(), (3, 2), CELL, 1)
    stuck = encoder.pid
    assert stuck is not None
    os.kill(stuck, signal.SIGSTOP)  # it never answers
    encoder.timeout = 0.5

    with pytest.raises(EncoderFailed) as failure:
        encoder.encode("sixel", picture(), (3, 2), CELL, 1)
    assert str(failure.value) == "the picture encoder took longer than 0.5 s (stopped)"
    assert encoder.pid is None and gone(stuck)  # killed, not left stopped


def test_closing_fails_a_request_under_way_at_once(encoder: EncoderProcess) -> None:
    encoder.encode("sixel", picture(), (3, 2), CELL, 1)
    first = encoder.pid
    assert first is not None
    os.kill(first, signal.SIGSTOP)
    thread, outcome = encode_in_thread(encoder)
    wait_until(lambda: encoder.busy)

    encoder.close()  # the app exits while a picture is being made
    thread.join(30)
    assert not thread.is_alive()
    (failure,) = outcome
    assert isinstance(failure, EncoderFailed) and "stopped by signal 9" in str(failure)
    assert gone(first) and encoder.pid is None


def test_a_picture_the_process_cannot_make_fails_alone_with_a_one_line_reason(
    encoder: EncoderProcess,
) -> None:
    with pytest.raises(EncoderFailed) as failure:
        encoder.encode("braille", picture(), (3, 2), CELL, 1)
    assert str(failure.value) == "ValueError: no graphics protocol 'braille' (kitty or sixel)"
    pid = encoder.pid
    assert pid is not None and not gone(pid)  # the process goes on
    encoder.encode("sixel", picture(), (3, 2), CELL, 1)
    assert encoder.pid == pid


def test_a_request_waiting_its_turn_when_the_encoder_closes_starts_no_process(
    encoder: EncoderProcess,
) -> None:
    encoder.encode("sixel", picture(), (3, 2), CELL, 1)
    first = encoder.pid
    assert first is not None
    os.kill(first, signal.SIGSTOP)
    under_way, outcome = encode_in_thread(encoder)
    wait_until(lambda: encoder.busy)
    waiting, later = encode_in_thread(encoder)  # its turn comes after the close

    encoder.close()
    under_way.join(30)
    waiting.join(30)
    assert "stopped by signal 9" in str(outcome[0])
    (failure,) = later
    assert str(failure) == "the picture encoder was stopped (the app is ending)"
    assert encoder.pid is None and gone(first)


@pytest.mark.parametrize(
    ("python", "reason"),
    [
        ("/bin/false", "the picture encoder did not start (status 1)"),
        ("/no/python", "the picture encoder did not start: [Errno 2] No such file or directory"),
    ],
)
def test_an_encoder_that_cannot_start_is_not_started_for_every_picture(
    encoder: EncoderProcess, monkeypatch: pytest.MonkeyPatch, python: str, reason: str
) -> None:
    monkeypatch.setattr(sys, "executable", python)
    with pytest.raises(EncoderFailed) as failure:
        encoder.encode("sixel", picture(), (3, 2), CELL, 1)
    assert str(failure.value).startswith(reason) and "\n" not in str(failure.value)
    monkeypatch.undo()  # (a Python that would start now is not tried: the reason stands)
    with pytest.raises(EncoderFailed) as again:
        encoder.encode("sixel", picture(), (3, 2), CELL, 1)
    assert str(again.value) == str(failure.value) and encoder.pid is None


def test_closing_while_the_process_starts_leaves_none_running(
    encoder: EncoderProcess, monkeypatch
) -> None:
    started, closed = threading.Event(), threading.Event()
    real_start = EncoderProcess._start
    pids: list[int] = []

    def start_then_wait(self: EncoderProcess):
        process = real_start(self)
        pids.append(process.pid)
        started.set()
        closed.wait(10)  # the app closes the encoder just now
        return process

    monkeypatch.setattr(EncoderProcess, "_start", start_then_wait)
    thread, outcome = encode_in_thread(encoder)
    assert started.wait(10)
    encoder.close()  # no process to stop yet, as it sees it
    closed.set()
    thread.join(30)

    (failure,) = outcome
    assert isinstance(failure, EncoderFailed) and "the app is ending" in str(failure)
    wait_until(lambda: gone(pids[0]))
    assert encoder.pid is None
