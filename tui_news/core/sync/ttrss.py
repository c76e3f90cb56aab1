"""Tiny Tiny RSS: a client of its JSON API (``BASE/api/``, API level 15 and later).

Written from tt-rss's ``classes/api.php``: every call is a JSON POST ``{"op": ..., "sid": ...}``
answered ``{"status": 0|1, "content": ...}``; an error's content is ``{"error": CODE}``
(``NOT_LOGGED_IN`` when the session is gone, ``LOGIN_ERROR``, ``API_DISABLED``).
``getHeadlines`` pages by ``skip`` at most 200 rows at a time; article ids only grow, so the
cursor is an id every article up to which is stored, and ``since_id`` asks for what came after
it. Content comes unsanitised (``sanitize: false``, a third faster): tui-news never shows HTML,
it converts it.

A first sync asks feed by feed: each page of the virtual feed of all articles makes tt-rss's
database sort the whole history again (with its content), so paging through it costs the
square of the history, where a feed's page sorts that feed only. It ends with what came above
the newest id seen before any feed was read, newest first, which gives the cursor. Later syncs
page through all articles above the cursor, which the database finds by their id.
"""

from __future__ import annotations

import html
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from tui_news.core.sync.http import make_client, request
from tui_news.core.sync.remote import (
    AuthFailed,
    Page,
    RemoteArticle,
    RemoteFeed,
    ServerUnreachable,
    SessionExpired,
    SyncError,
    as_int,
    as_text,
    counted,
    fresh,
)
from tui_news.core.text import without_password

PAGE = 200  # getHeadlines returns at most this many rows
AT_ONCE = 4  # requests at once (Debian's tt-rss under php-fpm or Apache serves many)
WAITING = 4 * AT_ONCE  # pages asked for and not yet taken, at most (bounds what is held)
ALL_ARTICLES = -4  # the virtual feed of every article
# getHeadlines of articles: with their content and attached files (which tt-rss reads anyway)
CONTENT = {"view_mode": "all_articles", "show_content": True, "include_attachments": True}
ARCHIVED = 0  # the virtual feed of articles whose feed is gone (kept, starred, by tt-rss)
ALL_FEEDS = -3  # getFeeds: every real feed, in every category
FIELD_STARRED, FIELD_UNREAD = 0, 2  # updateArticle's fields


class TtRss:
    """A Tiny Tiny RSS account (see the module's docstring)."""

    def __init__(self, url: str, user: str, password: str, token: str | None) -> None:
        base = url if url.endswith("/") else f"{url}/"
        self.endpoint = base if base.rstrip("/").endswith("/api") else f"{base}api/"
        self.user = user
        self.password = password
        self.token = token
        self.http = make_client()

    def login(self) -> None:
        """Open a session; its id is the token to keep."""
        self.token = None
        content = self._call("login", user=self.user, password=self.password)
        session = content.get("session_id") if isinstance(content, dict) else None
        if not isinstance(session, str) or not session:
            raise ServerUnreachable(f"{self._shown} did not open a session")
        self.token = session

    def feeds(self) -> list[RemoteFeed]:
        """Every feed, with its category's title (none for "Uncategorized")."""
        categories = {
            as_int(c.get("id")): str(c.get("title") or "")
            for c in self._list("getCategories", include_empty=True)
        }
        found = []
        for feed in self._list("getFeeds", cat_id=ALL_FEEDS):
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
        if since:
            yield from self._after(since, set())
            return
        newest = self._newest_id()  # first: every article up to it exists by now
        feeds = [ARCHIVED, *(as_int(f.get("id")) for f in self._list("getFeeds", cat_id=ALL_FEEDS))]
        seen: set[str] = set()
        # many feeds at once keep the server busy: a big one goes a page at a time
        for rows in self._headlines(feeds, 1, {**CONTENT, "since_id": 0}):
            items = [_article(row) for row in rows]
            seen.update(item.id for item in items)
            yield Page(items)
        yield from self._after(newest, seen)  # what came meanwhile, and the cursor

    def _after(self, since: int, seen: set[str]) -> Iterator[Page]:
        """The articles above ``since`` not in ``seen``; the last page, empty, carries the
        cursor: the newest id read (newest first, what comes meanwhile sits above it)."""
        newest = since
        listing = self._headlines([ALL_ARTICLES], AT_ONCE, {**CONTENT, "since_id": since})
        for rows in fresh(listing, _row_ids):
            items = [_article(row) for row in rows]
            newest = max([newest, *(int(item.id) for item in items)])
            if any(item.id not in seen for item in items):
                yield Page([item for item in items if item.id not in seen])
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
            for rows in fresh(self._headlines([ALL_ARTICLES], AT_ONCE, params), _row_ids)
            for row in rows
        }

    def _newest_id(self) -> int:
        """The id of an article among the newest (0: none), from the top of the list of all
        articles (newest first; articles that came together, or that a filter scored higher,
        may put an older id there: then the first sync reads those again at its end)."""
        top = self._list("getHeadlines", feed_id=ALL_ARTICLES, limit=1, show_content=False)
        return as_int(top[0].get("id")) if top else 0

    def _headlines(
        self, feeds: Iterable[int], ahead: int, params: dict[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        """getHeadlines of each feed, page by page, each page as it comes: :data:`AT_ONCE`
        requests at a time (tt-rss spends its time on each row and answers requests side by
        side), at most :data:`WAITING` pages asked for and not taken. A full page has its
        feed's next ``ahead`` pages asked for; a short one ends its feed. Each feed is a
        listing: :class:`~tui_news.core.sync.remote.Endless` past ``MAX_PAGES`` of it."""
        waiting = deque((feed, 0) for feed in feeds)
        asked: dict[Future[list[dict[str, Any]]], tuple[int, int]] = {}
        furthest: dict[int, int] = {}  # feed -> the largest skip asked for
        with ThreadPoolExecutor(AT_ONCE) as pool:
            try:
                while waiting or asked:
                    while waiting and len(asked) < WAITING:
                        feed, skip = waiting.popleft()
                        asked[pool.submit(self._page, feed, skip, params)] = (feed, skip)
                        furthest[feed] = max(furthest.get(feed, 0), skip)
                    done, _ = wait(asked, return_when=FIRST_COMPLETED)
                    for future in done:
                        feed, skip = asked.pop(future)
                        rows = future.result()
                        if len(rows) >= PAGE:  # more to come: next in line
                            last = skip + ahead * PAGE
                            counted(last // PAGE + 1)
                            more = range(furthest[feed] + PAGE, last + 1, PAGE)
                            waiting.extendleft((feed, s) for s in reversed(more))
                            furthest[feed] = max(furthest[feed], last)
                        yield rows
            finally:
                for future in asked:
                    future.cancel()

    def _page(self, feed: int, skip: int, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._list(
            "getHeadlines", feed_id=feed, limit=PAGE, skip=skip, sanitize=False, **params
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
    """The article ids of a page of headlines (what :func:`fresh` compares pages by)."""
    return [as_int(row.get("id")) for row in rows]


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
        enclosures=tuple(
            (str(a.get("content_url") or ""), str(a.get("content_type") or ""), None)
            for a in row.get("attachments") or ()
            if isinstance(a, dict)
        ),
    )
