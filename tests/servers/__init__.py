"""Real sync servers for the tests, started on 127.0.0.1; helpers they share.

Each server module holds one server (``ttrss``: Tiny Tiny RSS; ``coldsweat``: a Fever server) and
its pytest fixtures. A server whose software is missing raises :class:`Missing`, which the
fixtures turn into a skip that names what to install.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed to seed; ``category`` is a category's title (created when new)."""

    title: str
    category: str | None = None
    url: str | None = None  # default: a made-up URL derived from the title
    site: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """An article to seed into the feed titled ``feed`` (seeded before or in the same call)."""

    feed: str
    title: str
    content: str = "<p>Text.</p>"
    link: str | None = None  # default: a made-up URL per article
    author: str = ""
    published: float | None = None  # Unix time; default: now
    read: bool = False
    starred: bool = False
    guid: str | None = None
    attachments: tuple[str, ...] = ()  # addresses of attached pictures (tt-rss's enclosures)


@dataclass
class Seeded:
    """The ids tt-rss gave a server's ``seed`` put in (all seeded so far, by title)."""

    categories: dict[str, int] = field(default_factory=dict)
    feeds: dict[str, int] = field(default_factory=dict)
    articles: list[int] = field(default_factory=list)  # this call's, in the order given


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


class WebProcess:
    """A server's web process in a process group of its own, logging into its folder: the
    start, stop and state that every server here shares (the subclass sets root and port)."""

    root: Path
    port: int
    _web: subprocess.Popen[bytes] | None = None

    def _launch(
        self, command: Sequence[str], log_name: str, cwd: Path, env: Mapping[str, str], who: str
    ) -> None:
        """Start ``command`` and wait until it listens on ``port``; its log's tail if not."""
        with (self.root / log_name).open("ab") as log:
            self._web = subprocess.Popen(
                command, cwd=cwd, stdout=log, stderr=log, env=env, start_new_session=True
            )
        try:
            wait_for_port(self.port, alive=self._web)
        except RuntimeError as error:
            tail = (self.root / log_name).read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{error}; {who} said: {tail}") from None

    @property
    def running(self) -> bool:
        return self._web is not None and self._web.poll() is None

    def stop(self) -> None:
        """Stop the web server and its workers (the same group): clients find nothing
        listening; the database stays."""
        web, self._web = self._web, None
        if web is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(web.pid, signal.SIGTERM)
        try:
            web.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(web.pid, signal.SIGKILL)
            web.wait()
        deadline = time.monotonic() + 10
        while is_listening(self.port) and time.monotonic() < deadline:
            time.sleep(0.02)


class Launched(Protocol):
    """What :func:`session_server` needs of a server: it can be closed."""

    def close(self) -> None: ...


L = TypeVar("L", bound=Launched)


def session_server(launch: Callable[[], L]) -> Iterator[L]:
    """A session fixture's body: the server ``launch`` builds, closed at the end; a skip that
    names what to install when its software is missing."""
    try:
        server = launch()
    except Missing as missing:
        pytest.skip(str(missing))
    try:
        yield server
    finally:
        server.close()
