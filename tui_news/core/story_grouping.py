"""Grouping stories while a refresh is still storing its articles: each time a batch is
committed, one thread works out and keeps the terms of what has been stored without them (a
third of the grouping's work: a sync's articles; a feed's come with their terms from the
parser, see parse_workers.parse), overlapping the waits for the network; at the end the
refresh's articles are grouped at once, as they would be without the thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType

from tui_news.core.library import Store


class Alongside:
    """Runs ``ahead(store)`` in one thread of its own (with its own connection to the library)
    whenever :meth:`stored` says that articles were committed; :meth:`finish` runs
    ``group(store)`` in the calling thread.

    ``ahead`` must take every article stored since its last run, so one run takes the batches
    that came while the last one ran. A run that fails stops the thread (the error is kept in
    :attr:`failed`): the articles stay stored, and :meth:`finish`'s ``group`` does all of the
    work, or says in its own error why it cannot. Without ``group`` (stories kept apart) it
    does nothing.
    """

    def __init__(
        self,
        store: Store,
        ahead: Callable[[Store], object],
        group: Callable[[Store], object] | None,
    ) -> None:
        self.store = store
        self.ahead = ahead
        self.group = group
        self.runs = 0  # done in the thread
        self.failed: Exception | None = None
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._work, name="tui-news-stories", daemon=True)
        if group is not None:
            self._thread.start()

    def stored(self, *_: object) -> None:
        """Articles were committed: the thread takes them when it is free (a callback for
        any thread; arguments are ignored)."""
        self._wake.set()

    def finish(self) -> None:
        """Stop the thread after its run, then group in the calling thread."""
        self._stop()
        if self.group is not None:
            self.group(self.store)

    def _stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def _work(self) -> None:
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                self.ahead(self.store)
                self.runs += 1
        except Exception as error:  # kept; finish() does the work, and raises if it fails
            self.failed = error
        finally:
            self.store.close()  # this thread's connection

    def __enter__(self) -> Alongside:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop()  # after finish(), or when the refresh failed: the rest is left for later
