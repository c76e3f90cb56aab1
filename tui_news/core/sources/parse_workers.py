"""What runs in a refresh's parsing processes: the parser and a quiet start, nothing else.

The processes are forked from a server that imported this module first
(core/feed_refresh.py), so it imports no more than parsing needs: each process pays for
what it imports again, on the path to its first parse. Feeds travel back packed as tuples
(:func:`packed`): pickling thousands of small objects cost as much as the bytes they hold.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import fields
from operator import attrgetter

from tui_news.core.models import Parsed
from tui_news.core.sources import feeds
from tui_news.core.sources.feeds import Feed
from tui_news.core.story_text import described

# How much lower the parsing processes' priority is than the process that started them
# (``nice``). On two cores, the two parse processes and the main one (its event loop, the
# writer thread) compete; the main process is the one the refresh waits for at the end (the
# batches stored after the last document is parsed) and the one the app's keys wait for.
# A 500-feed import, alternated with the same at 0 (load ~3): 2.29 s against 2.70 s (10 runs
# each), 1.84 against 1.99 (6), 1.98 against 2.04 (10, at 5); 3 and 8 did the same.
PARSE_NICE = 5

# A feed as it travels: its title, link, parser, and each item's fields in Parsed's order.
Packed = tuple[str, "str | None", str, list[tuple[object, ...]]]
_fields = attrgetter(*(f.name for f in fields(Parsed)))  # an item's, as one tuple


def quiet_worker(starter: int) -> None:
    """A parsing process writes nothing to the terminal (it would scribble over the app), and
    ends when the process that started the refresh (``starter``) is gone: killed, it could not
    stop its workers, which would wait for work forever. (Forked by a fork server, a worker's
    parent is that server, which itself stays while any worker does.) It runs at a lower
    priority (:data:`PARSE_NICE`)."""
    import threading

    with suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(PARSE_NICE)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        handle = os.pidfd_open(starter)  # Linux: readable once the starter has ended
    except (AttributeError, OSError):
        handle = None

    def watch() -> None:
        if handle is not None:
            import select

            select.select([handle], [], [])
        else:
            import time

            while _running(starter):
                time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="tui-news-orphan-watch", daemon=True).start()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:  # none, or someone else's under that number: ours has ended
        return False
    return True


def parse(
    body: bytes, url: str, known: Mapping[str, str] | None = None, since: float | None = None
) -> Feed:
    """The feed in ``body`` (see parse_feed for ``known``). With ``since`` (stories are
    grouped), each item read whole and published since then (or undated) comes with its story
    terms (``Parsed.terms``), worked out here rather than in the process that stores it."""
    feed = feeds.parse_feed(body, url, known=known)  # looked up at each call (the tests' seam)
    if since is not None:
        for item in feed.items:
            if not item.unchanged and (item.published is None or item.published >= since):
                item.terms = described(item.stored_title(), item.body)
    return feed


def parse_many(
    documents: list[tuple[bytes, str, Mapping[str, str] | None]], since: float | None = None
) -> list[Packed | Exception]:
    """Parse documents (each with its feed's known fingerprints) in a parsing process, as
    :func:`parse` does: each one's feed (:func:`packed`), or why it could not be read."""
    parsed: list[Packed | Exception] = []
    for body, url, known in documents:
        try:
            parsed.append(packed(parse(body, url, known, since)))
        except Exception as error:  # that document's failure, not its chunk's
            try:  # one that cannot travel back would fail the chunk (and the pool)
                pickle.loads(pickle.dumps(error))
            except Exception:
                error = RuntimeError(f"{type(error).__name__}: {error}")
            parsed.append(error)
    return parsed


def packed(feed: Feed) -> Packed:
    """A feed as plain tuples, to travel between processes (see :func:`unpacked`)."""
    return feed.title, feed.link, feed.parser, list(map(_fields, feed.items))


def unpacked(found: Packed) -> Feed:
    """The feed :func:`packed` gave."""
    title, link, parser, rows = found
    return Feed(title, link, [Parsed(*row) for row in rows], parser)  # type: ignore[arg-type]
