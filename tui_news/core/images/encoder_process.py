"""The encoder process: pictures are made for the terminal's graphics protocol
(:func:`~tui_news.core.images.protocol_art.encode_art`) in a separate Python process, so the
encoding never holds the app's interpreter lock while keys wait.

Why. Sixel encoding is Python work (some 200-500 ms a picture); in a thread of the app it held
the GIL against the keys' thread, and keys pressed while pictures loaded took longer than the
50 ms budget. In its own process it only shares the CPU, at a lower priority than the app.

How. One long-lived process (``python -c`` with the app's ``sys.path``, so it imports the
same tui_news and Pillow as the app, whatever the current folder holds), started by the
first request, not forked from the threaded app, in its own session (the terminal's signals
are not for it). It imports only what encoding needs. Requests go one at a time: a
pickled request on its stdin, a pickled answer on its stdout, each after its length in 8
bytes. A process that died while idle is started again at the next request; one that dies
during a request, or takes longer than ``timeout``, is killed and the request fails with
:class:`EncoderFailed` saying why in one line (the picture shows ``[image: alt]``), never a
hang. A process that could not start (or ended with a status before its first answer) is
not started again: every later picture fails with the same reason at once. It ends when its
stdin closes: at :meth:`EncoderProcess.close` (the app's exit; no request starts one after
it), or when the app's process ends however it ends.
"""

from __future__ import annotations

import atexit
import math
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from tui_news.core.errors import UserError
from tui_news.core.images.memory import return_large_blocks
from tui_news.core.images.protocol_art import Encoded, encode_art

if TYPE_CHECKING:
    from PIL.Image import Image

TIMEOUT = 30.0  # seconds a request may take (a full-screen Sixel picture on a slow machine: ~2)
NICENESS = 10  # the encoder's priority below the app's: the keys come first
_HEADER = 8  # bytes of a message's length
_CHUNK = 1 << 16
STOPPED = "the picture encoder was stopped (the app is ending)"  # a request after close()


class EncoderFailed(UserError):
    """The encoder process could not make the picture (one line: why)."""


class EncoderProcess:
    """The process that encodes pictures: started by the first request, one request at a time
    (callers wait their turn in their own threads), stopped by :meth:`close`."""

    def __init__(self, timeout: float = TIMEOUT) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()  # one request at a time
        self._process: subprocess.Popen[bytes] | None = None
        self._sent = False  # a request is out to a process checked alive
        self._answered = False  # the running process has answered a request
        self._closed = False
        self._broken: str | None = None  # why a process could not start: not tried again

    @property
    def pid(self) -> int | None:
        """The running process's id, if one was started (and not stopped since)."""
        process = self._process
        return process.pid if process is not None else None

    @property
    def busy(self) -> bool:
        """A request is out to the process."""
        return self._sent

    def encode(
        self,
        protocol: str,
        image: Image,
        cells: tuple[int, int],
        cell: tuple[int, int],
        image_id: int,
    ) -> Encoded:
        """:func:`encode_art` done in the encoder process; raises :class:`EncoderFailed`.
        Blocking: call it from a thread."""
        request = pickle.dumps((protocol, image, cells, cell, image_id), pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._closed:
                raise EncoderFailed(STOPPED)
            if self._broken is not None:
                raise EncoderFailed(self._broken)
            process = self._process
            if process is None or process.poll() is not None:
                process = self._process = self._start()
                if self._closed:  # close() ran while it started, and saw no process to stop
                    self._stop(process)
                    raise EncoderFailed(STOPPED)
            deadline = time.monotonic() + self.timeout
            self._sent = True
            try:
                _send(process, request, deadline)
                answer = _receive(process, deadline)
            except TimeoutError:
                self._stop(process)
                raise EncoderFailed(
                    f"the picture encoder took longer than {self.timeout:g} s (stopped)"
                ) from None
            except (OSError, EOFError):  # it died, or was stopped by close()
                self._stop(process)
                status = process.returncode or 0
                if not self._answered and status > 0:  # never answered: it cannot start
                    self._broken = f"the picture encoder did not start (status {status})"
                    raise EncoderFailed(self._broken) from None
                raise EncoderFailed(f"the picture encoder {_ended(process)}") from None
            finally:
                self._sent = False
            self._answered = True
        ok, value = pickle.loads(answer)
        if not ok:
            raise EncoderFailed(value)
        encoded: Encoded = value
        return encoded

    def close(self) -> None:
        """Stop the process for good: a request under way fails at once, and so does every
        later one (none starts another process)."""
        self._closed = True
        process = self._process
        if process is None:
            return
        if self._lock.acquire(blocking=False):
            try:
                self._stop(process)
            finally:
                self._lock.release()
        else:  # the request under way sees it end, and cleans up (its pipes are its own)
            process.kill()

    def _start(self) -> subprocess.Popen[bytes]:
        if not sys.executable:
            self._broken = "no Python interpreter to start the picture encoder"
            raise EncoderFailed(self._broken)
        code = f"import sys; sys.path[:] = {sys.path!r}; from {__name__} import serve; serve()"
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", code],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # not the app's screen
                start_new_session=True,
            )
        except OSError as why:
            self._broken = f"the picture encoder did not start: {' '.join(str(why).split())}"
            raise EncoderFailed(self._broken) from None
        self._answered = False
        assert process.stdin is not None
        os.set_blocking(process.stdin.fileno(), False)
        return process

    def _stop(self, process: subprocess.Popen[bytes]) -> None:
        if self._process is process:
            self._process = None
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()


def _ended(process: subprocess.Popen[bytes]) -> str:
    """How the process ended, as the end of a sentence."""
    code = process.poll()
    if code is None:
        return "stopped answering"
    if code < 0:
        return f"process was stopped by signal {-code}"
    return f"process ended with status {code}"


def _send(process: subprocess.Popen[bytes], data: bytes, deadline: float) -> None:
    assert process.stdin is not None
    fd = process.stdin.fileno()
    view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
    while view:
        _wait(fd, select.POLLOUT, deadline)
        view = view[os.write(fd, view[:_CHUNK]) :]


def _receive(process: subprocess.Popen[bytes], deadline: float) -> bytes:
    size = int.from_bytes(_read(process, _HEADER, deadline), "big")
    return _read(process, size, deadline)


def _read(process: subprocess.Popen[bytes], size: int, deadline: float) -> bytes:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    parts: list[bytes] = []
    left = size
    while left:
        _wait(fd, select.POLLIN, deadline)
        part = os.read(fd, min(left, _CHUNK))
        if not part:
            raise EOFError
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _wait(fd: int, event: int, deadline: float) -> None:
    """Wait until ``fd`` is ready for ``event`` (or ended: the read or write then says so);
    TimeoutError at ``deadline``. (poll, not select: any fd number.)"""
    poller = select.poll()
    poller.register(fd, event)
    if not poller.poll(math.ceil(max(0.0, deadline - time.monotonic()) * 1000)):
        raise TimeoutError


_shared: list[EncoderProcess] = []  # the app's (at most one)
_SHARED = threading.Lock()


def encoder() -> EncoderProcess:
    """The app's encoder process: the one :func:`open_encoder` made (or one made now)."""
    with _SHARED:
        if not _shared:
            _shared.append(EncoderProcess())
        return _shared[0]


def open_encoder() -> EncoderProcess:
    """A new encoder for an app that starts (the one before, if any, stopped)."""
    with _SHARED:
        if _shared:
            _shared.pop().close()
        _shared.append(EncoderProcess())
        return _shared[0]


def close_encoder() -> None:
    """Stop the app's encoder process for good (the app is ending)."""
    with _SHARED:
        if _shared:
            _shared[0].close()


atexit.register(close_encoder)  # an app that did not end cleanly


def serve() -> None:
    """The encoder process's loop: a request from stdin, its answer on stdout ("ok", the
    encoding) or ("not ok", why in one line), until stdin ends."""
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    return_large_blocks()
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not break an answer
    while True:
        header = requests.read(_HEADER)
        if len(header) < _HEADER:
            return
        body = requests.read(int.from_bytes(header, "big"))
        try:
            answer: tuple[bool, Any] = (True, encode_art(*pickle.loads(body)))
        except Exception as why:  # the picture fails, the process goes on
            answer = (False, " ".join(f"{type(why).__name__}: {why}".split()))
        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        answers.write(len(data).to_bytes(_HEADER, "big") + data)
        answers.flush()


if __name__ == "__main__":
    serve()
