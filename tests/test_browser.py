"""Opening links: which browser is chosen, and a terminal browser gets the terminal."""

from __future__ import annotations

import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from fcntl import ioctl
from pathlib import Path

import pytest

from tests.feedserver import Route, rss
from tui_news.core.browser import Launch, plan_launch
from tui_news.core.models import View
from tui_news.core.reader import make_reader

URL = "https://news.example/story"


def which_of(*found: str):
    """A ``which`` that finds only ``found`` programs."""
    return lambda name: f"/usr/bin/{name}" if name in found else None


def test_the_setting_wins_and_a_known_desktop_browser_starts_detached() -> None:
    launch = plan_launch("firefox --new-tab %s", URL, {"BROWSER": "w3m"}, which_of("w3m"), "linux")
    assert launch == Launch(["firefox", "--new-tab", URL], terminal=False)
    assert plan_launch("/opt/bin/Firefox", URL, {}, which_of(), "linux") == Launch(
        ["/opt/bin/Firefox", URL], terminal=False
    )


def test_a_set_program_we_do_not_know_gets_the_terminal() -> None:
    launch = plan_launch("my-reader -x", URL, {"DISPLAY": ":0"}, which_of("xdg-open"), "linux")
    assert launch == Launch(["my-reader", "-x", URL], terminal=True)


def test_browser_variable_first_program_found_wins() -> None:
    env = {"BROWSER": "missing-one:lynx -accept_all_cookies %s:firefox", "DISPLAY": ":0"}
    launch = plan_launch("", URL, env, which_of("lynx", "firefox", "xdg-open"), "linux")
    assert launch == Launch(["lynx", "-accept_all_cookies", URL], terminal=True)


def test_with_a_display_the_desktop_opener_is_used_detached() -> None:
    assert plan_launch(
        "", URL, {"WAYLAND_DISPLAY": "wayland-0"}, which_of("xdg-open", "w3m"), "linux"
    ) == Launch(["xdg-open", URL], terminal=False)
    assert plan_launch("", URL, {}, which_of("open"), "darwin") == Launch(
        ["open", URL], terminal=False
    )


def test_over_ssh_without_a_display_a_terminal_browser_gets_the_terminal() -> None:
    """xdg-open without a display would itself start a terminal browser behind our back."""
    launch = plan_launch("", URL, {}, which_of("xdg-open", "lynx", "w3m"), "linux")
    assert launch == Launch(["w3m", URL], terminal=True)
    assert plan_launch("", URL, {}, which_of("www-browser", "w3m"), "linux") == Launch(
        ["www-browser", URL], terminal=True
    )


def test_nothing_found_is_none() -> None:
    assert plan_launch("", URL, {"BROWSER": "nowhere"}, which_of(), "linux") is None
    assert plan_launch("  ", URL, {}, which_of(), "linux") is None


def test_an_address_is_one_argument_never_a_shell_command() -> None:
    hostile = "https://x.example/?q=1;rm -rf ~&x=$(id)"
    launch = plan_launch("w3m %s", hostile, {}, which_of(), "linux")
    assert launch is not None and launch.argv == ["w3m", hostile]


class Terminal:
    """The reader running in a real pseudo-terminal, as a user's terminal runs it."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: the reader
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.output = b""
        self.status: int | None = None

    def read(self, seconds: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            try:
                self.output += os.read(self.fd, 65536)
            except OSError:  # the child has gone and the terminal is closed
                time.sleep(seconds)

    def wait_for(self, text: bytes, after: int = 0, timeout: float = 30) -> int:
        """Read until ``text`` appears after offset ``after``; where it starts."""
        deadline = time.monotonic() + timeout
        while (found := self.output.find(text, after)) < 0:
            if time.monotonic() > deadline:
                tail = self.output[-2000:].decode(errors="replace")
                raise AssertionError(f"{text!r} never appeared; the screen's last output: {tail}")
            self.read(0.1)
        return found

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def exit_status(self, timeout: float = 20) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the reader did not exit")


def reader_in_a_terminal(
    data_dir: Path, server, tmp_path: Path, config: str = "", **env: str
) -> Terminal:
    """The reader on a library of one served feed ("Harbour Storm Closes Port"), started in a
    pseudo-terminal with ``config`` (refresh_on_start off) and ``env``, its headline drawn."""
    server.routes["/feed"] = Route(
        rss("Wire", [{"title": "Harbour Storm Closes Port", "link": URL, "guid": "s1"}])
    )
    reader = make_reader(data_dir)
    reader.add(server.url("/feed"))
    reader.close()
    (data_dir / "config.toml").write_text(f"refresh_on_start = false\n{config}")
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "TUI_NEWS_DATA_DIR": str(data_dir),
        **env,
    }
    terminal = Terminal([sys.executable, "-m", "tui_news"], environment, (100, 30))
    terminal.wait_for(b"Harbour Storm")
    return terminal


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_o_hands_a_terminal_browser_the_terminal_and_the_reader_comes_back(
    data_dir: Path, server, tmp_path: Path
) -> None:
    """With $BROWSER a terminal program, ``o`` suspends the reader: the browser gets its keys,
    and when it quits the reader draws itself again and answers keys."""
    log = tmp_path / "browser.log"
    browser = tmp_path / "termbrowser"
    browser.write_text(
        "#!/bin/sh\n"
        'printf "TERMBROWSER %s\\n" "$1"\n'
        "read -r line\n"
        f'printf "%s %s\\n" "$line" "$1" > "{log}"\n'
    )
    browser.chmod(0o755)
    terminal = reader_in_a_terminal(data_dir, server, tmp_path, BROWSER=str(browser))
    first = len(terminal.output)
    terminal.send(b"o")
    asked = terminal.wait_for(f"TERMBROWSER {URL}".encode(), first)
    terminal.send(b"x\r")
    deadline = time.monotonic() + 20
    while not (log.exists() and log.read_text()):
        assert time.monotonic() < deadline, "the browser never got its key"
        terminal.read(0.1)
    assert log.read_text() == f"x {URL}\n"
    terminal.wait_for(b"Harbour Storm", asked)  # the reader draws itself again
    terminal.send(b"q")
    assert terminal.exit_status() == 0


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize(
    ("program", "said"),
    [
        ("/nonexistent/browser", b"Could not run the browser"),  # the notice's first line
        ("false", b"The browser 'false' stopped with exit status"),
    ],
)
def test_a_browser_that_cannot_run_or_fails_is_said_and_the_reader_answers_keys(
    data_dir: Path, server, tmp_path: Path, program: str, said: bytes
) -> None:
    """A program that is not there once left the reader suspended for good, deaf to q and
    ctrl+c; one that fails said nothing."""
    terminal = reader_in_a_terminal(data_dir, server, tmp_path, f'browser = "{program}"\n')
    first = len(terminal.output)
    terminal.send(b"o")
    terminal.wait_for(said, first)
    terminal.send(b"q")
    assert terminal.exit_status() == 0


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_q_quits_at_once_while_a_refresh_waits_on_a_slow_server(
    data_dir: Path, server, tmp_path: Path
) -> None:
    """Textual's thread workers were joined when the app ended: q left a blank screen for as
    long as the server took to answer (15 s here), and ctrl+c did nothing more."""
    terminal = reader_in_a_terminal(data_dir, server, tmp_path)
    server.routes["/feed"] = Route(rss("Wire", []), delay=15)
    terminal.send(b"R")
    deadline = time.monotonic() + 10
    while server.paths().count("/feed") < 2:  # the refresh's request: the server sits on it
        assert time.monotonic() < deadline, "the refresh never asked"
        terminal.read(0.05)
    terminal.send(b"q")
    quit_at = time.monotonic()
    assert terminal.exit_status(timeout=20) == 0
    assert time.monotonic() - quit_at < 5
    reopened = make_reader(data_dir)  # the library, closed without the refresh, opens
    assert [a.title for a in reopened.articles(View())] == ["Harbour Storm Closes Port"]
    reopened.close()
