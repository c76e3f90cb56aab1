"""Opening a link: a terminal browser gets the terminal, a desktop browser starts detached."""

from __future__ import annotations

import subprocess
import threading
from typing import Any

from textual.app import App, SuspendNotSupported

from tui_news.core.browser import Launch, plan_launch


def open_in_browser(app: App[Any], setting: str, url: str) -> None:
    """Open ``url`` (already checked to be a web or mail link) as ``setting`` or the system says.

    With a terminal browser the reader steps aside (the app is suspended) until it quits, then
    redraws. With nothing found, Textual's own ``open_url`` has a go (it reaches the user's
    browser when the app is served over the web).
    """
    launch = plan_launch(setting, url)
    if launch is None:
        app.open_url(url)
        app.notify(f"Opening {url}", markup=False, timeout=3)
        return
    try:
        if launch.terminal:
            status = _run_in_terminal(app, launch)
            if status:
                app.notify(
                    f"The browser {launch.argv[0]!r} stopped with exit status {status}.",
                    severity="warning",
                    markup=False,
                )
        else:
            _start_detached(launch)
            app.notify(f"Opening {url}", markup=False, timeout=3)
    except OSError as error:
        app.notify(
            f"Could not run the browser {launch.argv[0]!r}: {error.strerror or error}",
            severity="error",
            markup=False,
        )


def _run_in_terminal(app: App[Any], launch: Launch) -> int:
    """Hand the terminal to the browser and take it back when the browser quits; its exit
    status. OSError (no such program) is raised once the reader has the terminal back: met
    inside ``suspend``, it left the app suspended, deaf to every key."""
    failed: OSError | None = None
    status = 0
    try:
        with app.suspend():
            try:
                status = subprocess.run(launch.argv, check=False).returncode
            except OSError as error:
                failed = error
    except SuspendNotSupported:
        # No terminal to hand over (a test or web driver): run it without one, so it cannot
        # fight the reader for the keys.
        status = subprocess.run(
            launch.argv,
            check=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).returncode
    if failed is not None:
        raise failed
    return status


def _start_detached(launch: Launch) -> None:
    """Start a desktop browser in its own session, with no hold on the reader's terminal."""
    process = subprocess.Popen(
        launch.argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    threading.Thread(target=process.wait, daemon=True).start()  # reaped, never a zombie
