"""Tiny Tiny RSS: a client of its JSON API (``BASE/api/``, API level 15 and later).

Written from tt-rss's ``classes/api.php``: every call is a JSON POST ``{"op": ..., "sid": ...}``
answered ``{"status": 0|1, "content": ...}``; an error's content is ``{"error": CODE}``
(``NOT_LOGGED_IN`` when the session is gone, ``LOGIN_ERROR``, ``API_DISABLED``).
``getHeadlines`` pages by ``skip`` at most 200 rows at a time; article ids only grow, so the
cursor is the largest id seen and ``since_id`` asks for what came after it. Content comes
unsanitised (``sanitize: false``, a third faster): tui-news never shows HTML, it converts it.
"""

from __future__ import annotations

import html
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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
    fresh,
)
from tui_news.core.text import without_password

PAGE = 200  # getHeadlines returns at most this many rows
AT_ONCE = 4  # pages asked for at once (Debian's tt-rss under php-fpm or Apache serves many)
ALL_ARTICLES = -4  # the virtual feed of every article
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
        """Every article with an id above the cursor, 200 at a time, with its content."""
        since = int(cursor) if cursor and cursor.isdigit() else 0
        newest = since
        pages = self._pages(view_mode="all_articles", since_id=since, show_content=True)
        for rows, last in pages:
            items = [_article(row) for row in rows]
            newest = max([newest, *(int(item.id) for item in items)])
            yield Page(items, str(newest) if last and newest else None)

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
        return {
            str(as_int(row.get("id")))
            for rows, _ in fresh(
                self._pages(view_mode=view_mode, show_content=False),
                lambda page: [as_int(row.get("id")) for row in page[0]],
            )
            for row in rows
        }

    def _pages(self, **params: Any) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """getHeadlines of every article, page by page in order, each with whether it is the
        last. A few pages are asked for at once: tt-rss spends its time on each row, and
        answers requests side by side."""
        with ThreadPoolExecutor(AT_ONCE) as pool:
            asked: deque[Future[list[dict[str, Any]]]] = deque()
            skip = 0
            try:
                while True:
                    while len(asked) < 2 * AT_ONCE:  # more wait their turn meanwhile
                        asked.append(pool.submit(self._page, skip, params))
                        skip += PAGE
                    rows = asked.popleft().result()
                    last = len(rows) < PAGE
                    yield rows, last
                    if last:
                        return
            finally:
                for waiting in asked:
                    waiting.cancel()

    def _page(self, skip: int, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._list(
            "getHeadlines", feed_id=ALL_ARTICLES, limit=PAGE, skip=skip, sanitize=False, **params
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
    )
