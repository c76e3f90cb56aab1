"""Real sync servers for the tests, started on 127.0.0.1; helpers they share.

Each server module holds one server (``ttrss``: Tiny Tiny RSS; ``coldsweat``: a Fever server) and
its pytest fixtures. A server whose software is missing raises :class:`Missing`, which the
fixtures turn into a skip that names what to install.
"""

from __future__ import annotations

import socket
import subprocess
import time
from typing import Any


class Missing(RuntimeError):
    """The software a server needs is not installed here; the message says what to install."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def is_listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(
    port: int, timeout: float = 20.0, alive: subprocess.Popen[Any] | None = None
) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``.

    ``alive``, when given, is the server's process: if it exits first, waiting stops at once.
    """
    deadline = time.monotonic() + timeout
    while True:
        if is_listening(port):
            return
        if alive is not None and alive.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited before it listened")
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listened on port {port} after {timeout:.0f} s")
        time.sleep(0.02)
