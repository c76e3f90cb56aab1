"""Python's cyclic garbage collector while the app runs: what the app is made of frozen out of
its reach, and its full collections done by the app when the screen is still.

Once the first frame is drawn, what is alive (Textual, the widgets, the styles: ~65,000
objects) is frozen (``gc.freeze``): a full collection went through all of it, 50-80 ms each,
about every second while pictures loaded. Python still starts a full collection whenever the
objects that outlived two younger collections since the last one reach a quarter of those kept
by it. With the app frozen that is few: an article's pictures (their rows of cells, ~2,700
objects a picture, and the strips drawn of them) made it start one every picture or two, each
going through all the pictures, 20-35 ms holding the interpreter lock whichever thread started
it, and one falling on a key made it miss its 50 ms. So Python starts none: the app makes
a full collection itself when no frame has been drawn for :data:`IDLE_SECONDS` (the reader is
reading; nothing moves on the screen), or :data:`LATEST_SECONDS` after the last one if the
screen never rests. The younger generations are collected as Python decides, as before.
"""

from __future__ import annotations

import gc
import time

IDLE_SECONDS = 1.0  # no frame for this long: a full collection, if anything got old since
LATEST_SECONDS = 60.0  # at the latest this long after the last one
CHECK_SECONDS = 0.5  # how often the app looks
NEVER = 2**30  # an oldest generation's threshold that is never reached


class Collector:
    """The collector's policy for one app run: :meth:`start` after its first frame,
    :meth:`frame` at each frame, :meth:`check` every :data:`CHECK_SECONDS`, :meth:`stop` when
    it ends (what it left may be collected, and Python's own rule is back)."""

    def __init__(self) -> None:
        self.frame_at = 0.0  # when the last frame was drawn
        self.collected_at = 0.0  # when the app last made a full collection
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Freeze what is alive; Python starts no more full collections on its own."""
        if self._thresholds is None:
            gc.freeze()
            self._thresholds = gc.get_threshold()
            young, middle, _ = self._thresholds
            gc.set_threshold(young, middle, NEVER)
            self.collected_at = time.perf_counter()

    def frame(self) -> None:
        self.frame_at = time.perf_counter()

    def check(self, now: float | None = None) -> bool:
        """Make a full collection if objects got old since the last one and the screen has
        been still for :data:`IDLE_SECONDS` (or the last one is :data:`LATEST_SECONDS`
        old); True if it did."""
        if self._thresholds is None or gc.get_count()[2] == 0:
            return False  # not started, or nothing reached the oldest generation since
        now = time.perf_counter() if now is None else now
        if now - self.frame_at < IDLE_SECONDS and now - self.collected_at < LATEST_SECONDS:
            return False
        gc.collect()
        self.collected_at = now
        return True

    def stop(self) -> None:
        """Python's thresholds back, and what the app left (frozen or not) collectable."""
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
        gc.unfreeze()
