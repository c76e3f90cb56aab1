"""Refreshing feed sources: many fetches at once (bounded), each parsed and stored on arrival."""

from __future__ import annotations

import asyncio
import hashlib
import math
import os
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from tui_news.core.collector import uncollected
from tui_news.core.config import DEFAULTS
from tui_news.core.disk import Skip, read_regular
from tui_news.core.errors import UserError
from tui_news.core.library import Store
from tui_news.core.models import Fetched, Parsed, Problem, RefreshReport, Source
from tui_news.core.sources.fetch import Fetcher, FetchError, Response, Timeout

if TYPE_CHECKING:  # the parser (and multiprocessing) come with the first body to parse
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from tui_news.core.sources.feeds import Feed
    from tui_news.core.sources.parse_workers import Packed


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits for fetching: connections at once, seconds to wait, largest body."""

    connections: int = DEFAULTS.max_connections
    timeout: float = DEFAULTS.timeout_seconds
    max_bytes: int = DEFAULTS.max_feed_bytes
    per_host: int = 2  # polite to one server
    parallel_from: int = 40  # feeds in one refresh before parsing moves to other processes
    parse_workers: int = 4  # at most, and no more than the cores (the main process mostly waits)
    # Articles stored per transaction, about (whole feeds): SQLite and its search index take
    # a few large transactions much faster than many small ones (25,000 articles: 2.1 s of
    # CPU in batches of 1,000, 1.6 s in batches of 5,000).
    store_batch: int = 5000
    store_every: float = 1.0  # seconds: what has arrived is stored at least this often
    keep: dict[int, int] = field(default_factory=dict)  # read articles kept, by source id
    # Stories are grouped: the parser works out the story terms of the items published since
    # then (see parse_workers.parse), in the parsing processes when there are some.
    terms_since: float | None = None

    def fetcher(self) -> Fetcher:
        """A fetcher obeying these limits."""
        return Fetcher(self.connections, Timeout(self.timeout, connect=min(self.timeout, 10.0)))


def is_url(location: str) -> bool:
    """True for an http(s) address with a host."""
    try:
        parts = urlsplit(location)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed address, like http://[::1
        return False


_DEFAULT_PORTS = {"http": 80, "https": 443}


def same_feed_address(url: str) -> str:
    """An http(s) address as subscriptions are kept and compared: the scheme and host in
    lower case, no default port, no fragment (``HTTP://Site.example:80/feed#top`` is
    ``http://site.example/feed``); the path and query as given. Anything else unchanged."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return url
    user, at, _ = parts.netloc.rpartition("@")
    netloc = user + at + (f"[{host}]" if ":" in host else host)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, ""))


def host_name(url: str) -> str:
    """A readable name for an address: its host without ``www.``."""
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    return host.removeprefix("www.")


def read_feed_file(path: str, max_bytes: int) -> Response:
    """A feed file on disk, read as if it had been fetched."""
    try:
        body, _ = read_regular(path, max_bytes)
    except FileNotFoundError:
        raise FetchError(f"{path} no longer exists") from None
    except Skip as error:
        raise FetchError(f"{path} is {error}") from None
    except OSError as error:
        raise FetchError(f"{path} cannot be read ({error.strerror})") from None
    return Response(Path(path).as_uri(), 200, body)


MAX_CANDIDATES = 8  # feeds a page announces that adding it tries


async def resolve(url: str, settings: FetchSettings) -> tuple[Response, Feed, str]:
    """Fetch ``url`` and parse it; a web page is searched for the feeds it announces. With
    the address to subscribe: the one fetched, or where a permanent redirect sent it (one
    that is temporary may change again).

    The announced feeds (the first :data:`MAX_CANDIDATES`) are fetched at once, within one
    timeout together, so a page full of hanging feeds costs two timeouts, not one each; the
    first in page order that gives a feed wins.
    """
    from tui_news.core.sources.feeds import FeedError, discover, is_html, parse_feed

    async with settings.fetcher() as fetcher:
        response = await fetcher.fetch(url, max_bytes=settings.max_bytes)
        try:
            return response, parse_feed(response.body, response.url), response.moved_to or url
        except FeedError as error:
            candidates = discover(response.body, response.url)[:MAX_CANDIDATES]
            if not candidates and not is_html(response.body):
                raise  # a document that is no web page: its own fault, nothing announced
            if not candidates:
                raise FeedError(f"{error}, and the page announces no feed") from None

        async def attempt(candidate: str) -> tuple[Response, Feed, str] | Exception:
            try:
                found = await fetcher.fetch(candidate, max_bytes=settings.max_bytes)
                return found, parse_feed(found.body, found.url), found.moved_to or candidate
            except (FetchError, FeedError) as problem:
                return problem

        tasks = [asyncio.ensure_future(attempt(candidate)) for candidate in candidates]
        try:
            async with asyncio.timeout(settings.timeout):
                for task in tasks:  # in page order: the first good one wins
                    outcome = await task
                    if not isinstance(outcome, Exception):
                        return outcome
        except TimeoutError:
            pass
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        first = tasks[0].result() if tasks[0].done() and not tasks[0].cancelled() else None
        waited = f"no answer within {settings.timeout:g} s"
        reason = first if isinstance(first, Exception) else waited
        raise FeedError(f"the page announces {candidates[0]}, but {reason}")


def feed_section(source: Source, feed_title: str | None = None) -> str:
    """The section a feed's articles go in: its own, else its name, else the feed's title,
    else its host."""
    named = source.name if source.name not in (source.location, source.address) else ""
    return source.section or named or feed_title or host_name(source.location)


def body_digest(response: Response) -> str:
    """What identifies a fetched document: its bytes and the address they came from."""
    address = response.url.encode(errors="replace")
    return hashlib.sha1(address + b"\0" + response.body).hexdigest()


def store_feed(
    store: Store,
    source: Source,
    response: Response,
    feed: Feed | None,
    keep: int = 0,
    digest: str | None = None,
    fetched: list[Fetched] | None = None,
) -> RefreshReport:
    """Store a fetched feed's items (all under the source's section) and its validators.

    ``feed`` ``None``: nothing changed (a 304, or the body parsed last time). With ``keep``,
    articles beyond the newest ``keep`` are pruned (see Store.prune). Whatever ``keep`` says,
    one fetch adds at most :data:`MAX_ITEMS` articles and a feed keeps about
    :data:`MAX_KEPT`; the user is told (under ``!``) when either limit bites. The parsed
    body's ``digest`` (see :func:`body_digest`) is kept for the next refresh. The validators
    are stored now, or added to ``fetched`` for the caller to store with others' at once.
    """
    moved = response.moved_to if response.moved_to and is_url(source.location) else None
    report = RefreshReport()
    present: set[str] | None
    with store.transaction():  # one commit per feed
        if feed is not None:
            section = feed_section(source, feed.title)
            items, problems = newest_items(source, feed.items)
            for item in items:
                item.section = section
            report = store.apply(source.id, items, None, problems, cleaned=True)
            present = {item.key for item in items}
            store.set_feed_keys(source.id, present)
            store.set_body_digest(source.id, digest or body_digest(response))
        else:  # 304: the feed holds what it held last time
            present = store.feed_keys(source.id) if keep else None
        if keep and present is not None:  # unknown (never fetched whole): nothing is pruned
            report.removed += store.prune(source.id, keep, present)
        elif report.added and (gone := store.prune(source.id, MAX_KEPT, present or ())):
            report.removed += gone
            why = f"over {MAX_KEPT:,} articles: its {gone:,} oldest went (starred ones stay)"
            report.problems.append(Problem(source.address, why, source.name))
            store.add_problem(source.id, report.problems[-1])
        validators = Fetched(
            source.id,
            response.etag,
            response.last_modified,
            site=feed.link if feed else None,
            location=moved,
            title=feed.title if feed else None,
        )
        if fetched is None:
            store.set_fetched([validators])
        else:
            fetched.append(validators)
    return report


# What one feed's fetch brought: its source, the answer, the parsed feed (None: unchanged),
# the reason it failed, the answer's body_digest.
Arrived = tuple[Source, Response | None, "Feed | None", str | None, str | None]

MAX_ITEMS = 1000  # articles one fetch of a feed may add: the newest (a feed rarely holds 200)
MAX_KEPT = 10_000  # articles a feed keeps when its keep setting says nothing: the newest


def newest_items(source: Source, items: list[Parsed]) -> tuple[list[Parsed], list[Problem]]:
    """A feed's items, cut to its :data:`MAX_ITEMS` newest (undated ones count as new), and
    the problem that says so if any were cut."""
    if len(items) <= MAX_ITEMS:
        return items, []
    ordered = sorted(items, key=lambda i: -math.inf if i.published is None else i.published)
    kept = ordered[-MAX_ITEMS:]
    why = f"it holds {len(items):,} items: only its newest {MAX_ITEMS:,} are read at a time"
    return kept[::-1], [Problem(source.address, why, source.name)]


async def refresh_feeds(
    store: Store,
    sources: Sequence[Source],
    settings: FetchSettings,
    done: Callable[[Source], None] | None = None,
) -> RefreshReport:
    """Fetch every feed source at once and store each.

    Fetches are bounded by ``settings.connections`` (and ``per_host`` per server). With many
    feeds, parsing runs in other processes, so fetching, parsing and storing overlap; what
    arrives is stored in a few large transactions (see ``store_batch``, ``store_every``).
    """
    report = RefreshReport()
    gate = asyncio.Semaphore(settings.connections)
    hosts: dict[str, asyncio.Semaphore] = {}
    pending: list[Arrived] = []
    waiting = 0  # articles in pending
    # Digests of the bodies parsed last time: a server that ignores conditional GET sends
    # the same body again, which is then not parsed again (only a source that has been
    # fetched before, so a source added again under a former one's id is read).
    digests = store.body_digests() if any(s.last_ok for s in sources) else {}

    def write(batch: list[Arrived]) -> None:
        """Store a batch in one transaction (in the writer thread)."""
        fetched: list[Fetched] = []
        store.hold_batches()
        with store.transaction():
            for source, response, feed, error, digest in batch:
                if error is not None or response is None:
                    store.set_source_error(source.id, error or "")
                    report.failed[source.name] = error or ""
                else:
                    keep = settings.keep.get(source.id, 0)
                    report.merge(store_feed(store, source, response, feed, keep, digest, fetched))
            store.set_fetched(fetched)
        for source, *_ in batch:
            if done:
                done(source)

    # One writer thread stores batches in order while fetching and parsing go on: SQLite
    # (indexing for search above all) works without holding the GIL.
    writer = ThreadPoolExecutor(1, thread_name_prefix="tui-news-store")
    loop = asyncio.get_running_loop()
    writes: list[asyncio.Future[None]] = []
    last = loop.time()  # of the last flush

    def flush() -> None:
        nonlocal waiting, last
        if pending:
            writes.append(loop.run_in_executor(writer, write, pending[:]))
            pending.clear()
            waiting, last = 0, loop.time()

    async def one(source: Source, fetcher: Fetcher) -> None:
        nonlocal waiting
        name = servers.get(source.id)
        host = hosts.setdefault(name or source.location, asyncio.Semaphore(settings.per_host))
        try:
            async with host, gate:
                if name is not None:
                    try:
                        response = await fetcher.fetch(
                            source.location,
                            etag=source.etag,
                            last_modified=source.last_modified,
                            max_bytes=settings.max_bytes,
                        )
                    finally:
                        left[name] -= 1
                        if not left[name]:  # the server's last feed: its connections go
                            await fetcher.release(source.location)
                else:
                    response = read_feed_file(source.location, settings.max_bytes)
            feed, digest = None, None
            if response.status != 304:
                digest = body_digest(response)
                if source.last_ok is None or digests.get(source.id) != digest:
                    # what it holds already is not worked out again (see parse_feed)
                    known = store.fingerprints(source.id) if source.last_ok else None
                    feed = await parsers.parse(response.body, response.url, known)
            pending.append((source, response, feed, None, digest))
            waiting += len(feed.items) if feed else 0
        except UserError as error:  # a fetch or a parse that failed: its one-line reason
            pending.append((source, None, None, str(error), None))
        except Exception as error:  # a bug or a parser crash fails this source, not the refresh
            reason = f"could not be read ({type(error).__name__}: {error})"
            pending.append((source, None, None, reason, None))
        if waiting >= settings.store_batch or loop.time() - last >= settings.store_every:
            flush()

    servers = {s.id: host_name(s.location) for s in sources if is_url(s.location)}  # web feeds'
    left = Counter(servers.values())
    unfetched = sum(1 for s in sources if s.last_ok is None and not (s.etag or s.last_modified))
    parsers = _Parsers(len(sources), settings, eager=unfetched >= settings.parallel_from)
    # The cyclic collector stays off meanwhile: it went through the feeds and articles made
    # here (which hold no cycles) again and again, ~0.05 s of CPU in a 500-feed import.
    with uncollected():
        try:
            async with settings.fetcher() as fetcher:
                await asyncio.gather(*(one(source, fetcher) for source in sources))
            flush()
            await asyncio.gather(*writes)
            await loop.run_in_executor(writer, store.checkpoint)  # a full disk is said
        finally:
            parsers.close()
            await loop.run_in_executor(writer, store.close)  # the writer thread's connection
            writer.shutdown()
    return report


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr.

    A full-screen app replaces ``sys.stderr`` with an object whose ``fileno()`` is -1, which the
    tracker would otherwise try to hand to its process ("bad value(s) in fds_to_keep").
    """
    from multiprocessing import resource_tracker

    replaced, sys.stderr = sys.stderr, sys.__stderr__ or sys.stderr
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = replaced


def _warm(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start the pool's processes (a trivial task each) before the first document comes."""
    with suppress(Exception):  # a pool that cannot start fails the documents given to it
        for started in [pool.submit(os.getpid) for _ in range(workers)]:
            started.result()


_WORKERS = "tui_news.core.sources.parse_workers"  # what the parsing processes run
# A document waiting to be parsed: its bytes, address, its feed's known fingerprints, result.
_Waiting = tuple[bytes, str, "Mapping[str, str] | None", "asyncio.Future[Feed]"]


class _Parsers:
    """Parses feeds inline, or in other processes when a refresh is big enough to gain.

    The processes are forked from a server process that has imported the parser once
    (``forkserver``): each starts in milliseconds instead of importing the app again, as a
    ``spawn``ed one does (about 0.2 s of CPU each). The server starts at once when the
    refresh holds feeds never fetched (their bodies will need parsing), so its imports overlap
    the first fetches; otherwise with the first body to parse, so a refresh of unchanged
    feeds (all 304) never starts it. Either way the processes start in a thread (see
    :meth:`_begin`).

    Documents go to the processes in chunks: whatever has arrived while every process had
    work goes as one task when one is free (at most :data:`CHUNK_BYTES`). Handing over one
    document (a few ms of parsing) at a time left each process idle for about as long as it
    parsed: each task waits for the pool's threads in this process, which wait for the GIL.
    """

    CHUNK_BYTES = 2_000_000  # at most, of documents in one task

    def __init__(self, feeds: int, settings: FetchSettings, eager: bool = False) -> None:
        self.workers = min(settings.parse_workers, (os.cpu_count() or 1))
        self.since = settings.terms_since
        if feeds < settings.parallel_from:
            self.workers = 0
        self.pool: ProcessPoolExecutor | None = None
        self._waiting: list[_Waiting] = []
        self._tasks = 0  # chunks handed over and not yet back
        self._warming: asyncio.Future[None] | None = None
        if eager and self.workers:
            self._begin()

    def _begin(self) -> None:
        """Start the processes in a thread: starting one waits for the server's imports
        (~0.1 s), which held the event loop (and every fetch) when the first document's
        hand-over started them; documents wait until they are up."""
        pool = self._start()
        loop = asyncio.get_running_loop()
        self._warming = loop.run_in_executor(None, _warm, pool, self.workers)
        self._warming.add_done_callback(lambda _: self._hand_over())

    def _start(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _start_resource_tracker()
        context: BaseContext = multiprocessing.get_context("spawn")
        if "forkserver" in multiprocessing.get_all_start_methods():
            server = multiprocessing.get_context("forkserver")
            # what a parsing process runs, imported once by the server, not by each process
            server.set_forkserver_preload([_WORKERS, "lxml.etree", "concurrent.futures.process"])
            from multiprocessing import forkserver

            forkserver.ensure_running()  # the server's imports overlap what comes next
            context = server
        from tui_news.core.sources.parse_workers import quiet_worker

        self.pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=quiet_worker, initargs=(os.getpid(),)
        )
        return self.pool

    async def parse(self, body: bytes, url: str, known: Mapping[str, str] | None = None) -> Feed:
        """The feed in ``body`` (see parse_workers.parse)."""
        from tui_news.core.sources.parse_workers import parse

        if self.workers < 1:
            return parse(body, url, known, self.since)
        parsed: asyncio.Future[Feed] = asyncio.get_running_loop().create_future()
        self._waiting.append((body, url, known, parsed))
        self._hand_over()
        return await parsed

    def _hand_over(self) -> None:
        """Give what waits to the processes, one chunk per process that has no work queued
        (each keeps one task running and one queued, so it never waits for this one)."""
        if self.pool is None:
            if self._waiting:
                self._begin()  # and hands over once the processes are up
            return
        if self._warming is not None and not self._warming.done():
            return
        pool = self.pool
        while self._waiting and self._tasks < 2 * self.workers:
            size, count = 0, 0
            for body, *_ in self._waiting:
                if count and size + len(body) > self.CHUNK_BYTES:
                    break
                size, count = size + len(body), count + 1
            chunk, self._waiting = self._waiting[:count], self._waiting[count:]
            from tui_news.core.sources.parse_workers import parse_many

            try:
                documents = [(body, url, known) for body, url, known, _ in chunk]
                task = pool.submit(parse_many, documents, self.since)
            except Exception as error:  # a broken pool: these fail, the refresh goes on
                for *_, parsed in chunk:
                    if not parsed.done():
                        parsed.set_exception(error)
                continue
            self._tasks += 1
            asyncio.wrap_future(task).add_done_callback(partial(self._returned, chunk))

    def _returned(
        self,
        chunk: list[_Waiting],
        done: asyncio.Future[list[Packed | Exception]],
    ) -> None:
        """Hand a chunk's feeds (or failures) to those waiting for them, and more work out."""
        from tui_news.core.sources.parse_workers import unpacked

        self._tasks -= 1
        failed: BaseException | None = asyncio.CancelledError()  # the whole chunk's
        if not done.cancelled():
            failed = done.exception()
        results: list[Packed | Exception] = [] if failed else done.result()
        for number, (*_, parsed) in enumerate(chunk):
            if parsed.done():  # its refresh was cancelled
                continue
            result = failed or results[number]
            if isinstance(result, BaseException):
                parsed.set_exception(result)
            else:
                parsed.set_result(unpacked(result))
        self._hand_over()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
