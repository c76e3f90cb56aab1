"""Tiny Tiny RSS: a client of its JSON API (``BASE/api/``, API level 15 and later).

Written from tt-rss's ``classes/api.php``: every call is a JSON POST ``{"op": ..., "sid": ...}``
answered ``{"status": 0|1, "content": ...}``; an error's content is ``{"error": CODE}``
(``NOT_LOGGED_IN`` when the session is gone, ``LOGIN_ERROR``, ``API_DISABLED``).
``getHeadlines`` pages by ``skip`` at most 200 rows at a time; article ids only grow, so the
cursor is an id every article up to which is stored, and ``since_id`` asks for what came after
it. Content comes unsanitised (``sanitize: false``, a third faster): tui-news never shows HTML,
it converts it.

A first sync asks category by category, or a big category feed by feed. Every request costs
tt-rss about as much as sorting :data:`SORTS_PER_REQUEST` rows (a PHP start, a new database
connection), and every page of a listing makes its database sort the whole listing again, with
its content (the virtual feed of all articles would cost the square of the history). A
category read whole saves the requests of its feeds one by one while it is small against them:
it is read whole when it holds at most :func:`whole_most` rows, which one request of a single
row at that offset tells beforehand. The newest id is asked for alongside those probes, before
any listing is read; the sync ends with what came above it, newest first, which gives the
cursor. The categories and feeds come at once too, and the feeds are listed once a sync: the
requests before the first page are tt-rss's idle time. Later syncs page through all articles
above the cursor, which the database finds by their id.
"""

from __future__ import annotations

import html
import math
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import partial
from typing import Any, NamedTuple

from tui_news.core.sync.http import make_client, request
from tui_news.core.sync.remote import (
    AuthFailed,
    Listed,
    Page,
    RemoteArticle,
    RemoteFeed,
    ServerUnreachable,
    SessionExpired,
    SyncError,
    as_int,
    as_text,
    attached,
)
from tui_news.core.text import without_password

PAGE = 200  # getHeadlines returns at most this many rows
AT_ONCE = 4  # requests at once (Debian's tt-rss under php-fpm or Apache serves many)
WAITING = 4 * AT_ONCE  # pages asked for and not yet taken, at most (bounds what is held)
ALL_ARTICLES = -4  # the virtual feed of every article
# Rows tt-rss sorts in the time a request costs it (measured: ~22 ms of CPU a request, ~6 µs a
# row sorted a page; bench/README.md)
SORTS_PER_REQUEST = 3700
# getHeadlines of articles: with their content and attached files (which tt-rss reads anyway)
CONTENT = {"view_mode": "all_articles", "show_content": True, "include_attachments": True}
ARCHIVED = 0  # the virtual feed of articles whose feed is gone (kept, starred, by tt-rss)
ALL_FEEDS = -3  # getFeeds: every real feed, in every category
FIELD_STARRED, FIELD_UNREAD = 0, 2  # updateArticle's fields


class Listing(NamedTuple):
    """What getHeadlines lists: a feed, or (``category``) a category's feeds together."""

    id: int
    category: bool = False


class TtRss:
    """A Tiny Tiny RSS account (see the module's docstring)."""

    def __init__(self, url: str, user: str, password: str, token: str | None) -> None:
        base = url if url.endswith("/") else f"{url}/"
        self.endpoint = base if base.rstrip("/").endswith("/api") else f"{base}api/"
        self.user = user
        self.password = password
        self.token = token
        self.http = make_client(self.endpoint)
        # getFeeds as feeds() read it, for the first sync's articles() right after (once)
        self._feed_rows: list[dict[str, Any]] | None = None

    def login(self) -> None:
        """Open a session; its id is the token to keep."""
        self.token = None
        content = self._call("login", user=self.user, password=self.password)
        session = content.get("session_id") if isinstance(content, dict) else None
        if not isinstance(session, str) or not session:
            raise ServerUnreachable(f"{self._shown} did not open a session")
        self.token = session

    def feeds(self) -> list[RemoteFeed]:
        """Every feed, with its category's title (none for "Uncategorized"): the categories
        and the feeds asked for at once."""
        with ThreadPoolExecutor(1) as pool:
            asked = pool.submit(self._list, "getCategories", include_empty=True)
            self._feed_rows = self._list("getFeeds", cat_id=ALL_FEEDS)
            categories = {as_int(c.get("id")): str(c.get("title") or "") for c in asked.result()}
        found = []
        for feed in self._feed_rows:
            category = as_int(feed.get("cat_id"))
            found.append(
                RemoteFeed(
                    id=str(as_int(feed.get("id"))),
                    title=html.unescape(str(feed.get("title") or "")),
                    url=as_text(feed.get("feed_url")),
                    category=categories.get(category) if category > 0 else None,
                )
            )
        return found

    def articles(self, cursor: str | None) -> Iterator[Page]:
        """Every article with an id above the cursor (none: every article), with its content,
        as pages come; the last page, empty, carries the next cursor (see the module's
        docstring)."""
        since = int(cursor) if cursor and cursor.isdigit() else 0
        rows, self._feed_rows = self._feed_rows, None
        if since:
            yield from self._after(since, set())
            return
        categories: dict[Listing, list[Listing]] = {}
        for feed in rows if rows is not None else self._list("getFeeds", cat_id=ALL_FEEDS):
            category = Listing(as_int(feed.get("cat_id")), category=True)
            categories.setdefault(category, []).append(Listing(as_int(feed.get("id"))))
        with ThreadPoolExecutor(AT_ONCE) as pool:
            # before any listing is read: every article up to it exists by now
            newest = pool.submit(self._newest_id)
            bigs = list(pool.map(partial(self._big, categories), categories))
            newest_id = newest.result()
        listings = [Listing(ARCHIVED)]
        for category, big in zip(categories, bigs, strict=True):
            listings.extend(categories[category] if big else [category])
        seen: set[str] = set()
        # many listings at once keep the server busy: a big one goes a page at a time
        for rows in self._headlines(listings, 1, {**CONTENT, "since_id": 0}):
            if items := _new(rows, seen):
                yield Page(items)
        yield from self._after(newest_id, seen)  # what came meanwhile, and the cursor

    def _big(self, categories: Mapping[Listing, list[Listing]], category: Listing) -> bool:
        """Whether a category (with its feeds) holds more than :func:`whole_most` rows: one
        request for the row at that offset."""
        most = whole_most(len(categories[category]))
        return most >= 0 and bool(self._page(category, most, {"limit": 1}))

    def _after(self, since: int, seen: set[str]) -> Iterator[Page]:
        """The articles above ``since`` not in ``seen``; the last page, empty, carries the
        cursor: the newest id read (newest first, what comes meanwhile sits above it)."""
        newest = since
        params = {**CONTENT, "since_id": since}
        for rows in self._headlines([Listing(ALL_ARTICLES)], AT_ONCE, params):
            newest = max([newest, *_row_ids(rows)])
            if items := _new(rows, seen):
                yield Page(items)
        yield Page([], str(newest) if newest else None)

    def unread_ids(self) -> set[str]:
        """Ids of every unread article."""
        return self._ids("unread")

    def starred_ids(self) -> set[str]:
        """Ids of every starred article."""
        return self._ids("marked")

    def counts(self) -> dict[str, tuple[int, int]]:
        """Each feed's unread and starred counts, from one getCounters."""
        found = {}
        for entry in self._list("getCounters"):
            feed = as_int(entry.get("id"))
            if feed > 0 and "kind" not in entry and "markedcounter" in entry:
                counts = (as_int(entry.get("counter")), as_int(entry.get("markedcounter")))
                found[str(feed)] = counts
        return found

    def mark(
        self, ids: Sequence[str], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Set read (field 2, unread) and/or starred (field 0, marked) on ``ids``."""
        if not ids:
            return
        joined = ",".join(ids)
        if read is not None:
            self._call("updateArticle", article_ids=joined, field=FIELD_UNREAD, mode=int(not read))
        if starred is not None:
            self._call("updateArticle", article_ids=joined, field=FIELD_STARRED, mode=int(starred))

    def close(self) -> None:
        """Close the connection; the session stays open on the server for the next sync."""
        self.http.close()

    # --- the API --------------------------------------------------------------------------

    @property
    def _shown(self) -> str:
        return without_password(self.endpoint)

    def _ids(self, view_mode: str) -> set[str]:
        params = {"view_mode": view_mode, "show_content": False}
        return {
            str(as_int(row.get("id")))
            for rows in self._headlines([Listing(ALL_ARTICLES)], AT_ONCE, params)
            for row in rows
        }

    def _newest_id(self) -> int:
        """The newest article's id (0: none). tt-rss lists by score first (a filter may put
        an old article on top of the list), never by id: from the top of the list of all
        articles, the ids above the newest one so far are asked for until none is (usually
        once: the top is the newest)."""
        newest, limit = 0, 1
        while True:
            rows = self._list(
                "getHeadlines", feed_id=ALL_ARTICLES, limit=limit, since_id=newest,
                view_mode="all_articles", show_content=False,
            )  # fmt: skip
            above = max(_row_ids(rows), default=0)
            if above <= newest:  # none (or a server that ignores since_id)
                return newest
            newest, limit = above, PAGE

    def _headlines(
        self, listings: Iterable[Listing], ahead: int, params: dict[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        """getHeadlines of each listing, page by page, each page as it comes: :data:`AT_ONCE`
        requests at a time (tt-rss spends its time on each row and answers requests side by
        side), at most :data:`WAITING` pages asked for and not taken. A full page has its
        listing's next ``ahead`` pages asked for; a short one ends it. Each listing's pages
        are checked as :class:`~tui_news.core.sync.remote.Listed`."""
        waiting = deque((listing, 0) for listing in listings)
        asked: dict[Future[list[dict[str, Any]]], tuple[Listing, int]] = {}
        furthest: dict[Listing, int] = {}  # listing -> the largest skip asked for
        listed: dict[Listing, Listed] = {}
        with ThreadPoolExecutor(AT_ONCE) as pool:
            try:
                while waiting or asked:
                    while waiting and len(asked) < WAITING:
                        listing, skip = waiting.popleft()
                        asked[pool.submit(self._page, listing, skip, params)] = (listing, skip)
                        furthest[listing] = max(furthest.get(listing, 0), skip)
                    done, _ = wait(asked, return_when=FIRST_COMPLETED)
                    for future in done:
                        listing, skip = asked.pop(future)
                        rows = future.result()
                        listed.setdefault(listing, Listed()).add(_row_ids(rows))
                        if len(rows) >= PAGE:  # more to come: next in line
                            last = skip + ahead * PAGE
                            more = range(furthest[listing] + PAGE, last + 1, PAGE)
                            waiting.extendleft((listing, s) for s in reversed(more))
                            furthest[listing] = max(furthest[listing], last)
                        yield rows
            finally:
                for future in asked:
                    future.cancel()

    def _page(self, listing: Listing, skip: int, params: dict[str, Any]) -> list[dict[str, Any]]:
        options = {"limit": PAGE, "sanitize": False, **params}
        return self._list(
            "getHeadlines", feed_id=listing.id, is_cat=listing.category, skip=skip, **options
        )

    def _list(self, op: str, **params: Any) -> list[dict[str, Any]]:
        content = self._call(op, **params)
        if not isinstance(content, list):
            raise ServerUnreachable(f"{self._shown} answered {op} with something not a list")
        return [row for row in content if isinstance(row, dict)]

    def _call(self, op: str, **params: Any) -> Any:
        body = {"op": op, **params}
        if self.token and op != "login":
            body["sid"] = self.token
        response = request(self.http, "POST", self.endpoint, json=body)
        if response.status_code >= 400:
            raise ServerUnreachable(
                f"{self._shown} answered HTTP {response.status_code}: is it Tiny Tiny RSS's "
                "address (its base, before /api/)?"
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or "status" not in data:
            raise ServerUnreachable(f"{self._shown} does not answer as Tiny Tiny RSS's API")
        content = data.get("content")
        if data["status"] == 0:
            return content
        error = content.get("error") if isinstance(content, dict) else None
        if error == "NOT_LOGGED_IN":
            raise SessionExpired("the Tiny Tiny RSS session has expired")
        if error == "LOGIN_ERROR":
            raise AuthFailed(f"{self._shown} refused the user name or password")
        if error == "API_DISABLED":
            raise AuthFailed(
                "the API is off for this Tiny Tiny RSS user: tick Enable API in its Preferences"
            )
        raise SyncError(f"Tiny Tiny RSS refused {op} ({error or 'no reason given'})")


def _row_ids(rows: list[dict[str, Any]]) -> list[int]:
    """The article ids of a page of headlines (what :class:`Listed` compares pages by)."""
    return [as_int(row.get("id")) for row in rows]


def whole_most(feeds: int) -> int:
    """The most rows a category of ``feeds`` feeds is read whole with (-1: any, one feed's
    category is that feed): up to there its pages, each sorting all its rows, cost less than the
    requests of its feeds one by one. Read whole, ``n`` rows take ``n / PAGE`` requests sorting
    ``n`` rows each; apart, about ``feeds - 1`` more requests (each feed's last, short page)."""
    return int(math.sqrt((feeds - 1) * PAGE * SORTS_PER_REQUEST)) if feeds > 1 else -1


def _new(rows: list[dict[str, Any]], seen: set[str]) -> list[RemoteArticle]:
    """The articles of a page of headlines not in ``seen``, which they join."""
    items = [item for item in map(_article, rows) if item.id not in seen]
    seen.update(item.id for item in items)
    return items


def _article(row: dict[str, Any]) -> RemoteArticle:
    updated = row.get("updated")
    return RemoteArticle(
        id=str(as_int(row.get("id"))),
        feed_id=str(as_int(row.get("feed_id"))),
        title=html.unescape(str(row.get("title") or "")),
        link=as_text(row.get("link")),
        author=as_text(row.get("author")),
        published=float(updated) if isinstance(updated, int | float) and updated > 0 else None,
        content=str(row.get("content") or ""),
        read=not row.get("unread"),
        starred=bool(row.get("marked")),
        enclosures=attached(row.get("attachments"), "content_url", "content_type"),
    )
