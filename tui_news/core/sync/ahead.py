"""Pages read ahead: a client's pages taken in a thread of their own, so the next ones download
while the engine stores the last (a producer and a consumer with a bounded queue)."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
WAITING = 8  # pages taken and not yet stored, at most (bounds what is held)
_END = object()


class Ahead(Generic[T]):
    """Takes ``items`` in a thread, at most ``size`` waiting; :meth:`next` gives them in order
    (``None`` at the end) and raises what taking them raised. Use it as a context manager:
    leaving stops the thread after the item it is taking (a request may finish first)."""

    def __init__(self, items: Iterator[T], size: int = WAITING) -> None:
        self._items = items
        self._queue: queue.Queue[object] = queue.Queue(size)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._take, name="sync-pages", daemon=True)

    def __enter__(self) -> Ahead[T]:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        while self._thread.is_alive():  # let a full queue take the last item, then end
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)

    def ready(self) -> bool:
        """Whether the next item (or the end) is here already: :meth:`next` will not wait."""
        return not self._queue.empty()

    def next(self) -> T | None:
        """The next item, ``None`` after the last; raises what taking it raised."""
        item = self._queue.get()
        if item is _END:
            return None
        if isinstance(item, BaseException):
            raise item
        return item  # type: ignore[return-value]

    def _take(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    return
            self._put(_END)
        except BaseException as error:  # handed to the consumer, which raises it
            self._put(error)
        finally:
            close = getattr(self._items, "close", None)
            if close is not None:
                close()  # a generator ends in the thread that ran it

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                pass
        return False
