"""Fever: a client of the Fever API (Fever 1.14's "API Public Beta", API version 2 and later).

Every call is a POST to the endpoint (``…/fever/``) with ``api_key`` = md5("email:password") in
the form and the command in the query string (``?api&items&since_id=N``); the answer is JSON with
``auth`` 1, or 0 when the key is refused. There are no sessions: ``token`` stays ``None``.

Items come 50 at a time by ``since_id``, and the spec promises only "50 additional items" above
it, not the lowest 50: coldsweat, a real Fever server, answers them grouped by feed. So the
highest id seen cannot simply be the next ``since_id``: after paging, ids skipped in between are
asked for by ``with_ids`` until the count reaches the server's ``total_items``. The cursor is
"highest id:items known up to it". Marks go one item per request (``mark=item``,
``as=read|unread|saved|unsaved``); ``unread`` is not in the spec but every server we know takes it.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tui_news.core.sync.http import make_client, request
from tui_news.core.sync.remote import (
    AuthFailed,
    Page,
    RemoteArticle,
    RemoteFeed,
    ServerUnreachable,
    as_int,
    as_text,
    fresh,
)
from tui_news.core.text import without_password

PAGE = 50  # items per answer, and the most ids with_ids takes


class Fever:
    """A Fever account (see the module's docstring)."""

    def __init__(self, url: str, user: str, password: str, token: str | None) -> None:
        self.endpoint = url
        self.user = user
        self.password = password
        self.token: str | None = None  # Fever has no sessions
        self.http = make_client(url)

    def login(self) -> None:
        """Check the key: the server answers ``auth: 1`` for a known one."""
        self._call()

    def feeds(self) -> list[RemoteFeed]:
        """Every feed, with the title of its (first) group as its category."""
        grouped = self._call("groups")
        titles = {
            as_int(g.get("id")): as_text(g.get("title")) for g in _dicts(grouped.get("groups"))
        }
        group_of: dict[int, str | None] = {}
        for link in _dicts(grouped.get("feeds_groups")):
            for feed_id in _ids(link.get("feed_ids")):
                group_of.setdefault(feed_id, titles.get(as_int(link.get("group_id"))))
        return [
            RemoteFeed(
                id=str(as_int(feed.get("id"))),
                title=html.unescape(str(feed.get("title") or "")),
                url=as_text(feed.get("url")),
                category=group_of.get(as_int(feed.get("id"))),
                site=as_text(feed.get("site_url")),
            )
            for feed in _dicts(self._call("feeds").get("feeds"))
        ]

    def articles(self, cursor: str | None) -> Iterator[Page]:
        """Items above the cursor's id by ``since_id``, then any it skipped by ``with_ids``:
        two listings, each at most :data:`~tui_news.core.sync.remote.MAX_PAGES` pages."""
        since, known = _cursor(cursor)
        seen: set[int] = set()
        total, newest = 0, since
        for told, items in fresh(self._since(since, seen), lambda answer: _item_ids(answer[1])):
            total = told or total
            newest = max(newest, *_item_ids(items))
            yield Page([_article(i) for i in items])
        missing = (i for i in range(since + 1, newest) if i not in seen)
        for items in fresh(self._skipped(missing, total - known, seen), _item_ids):
            yield Page([_article(i) for i in items])
        yield Page([], f"{newest}:{known + len(seen)}")

    def _since(self, since: int, seen: set[int]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """(total_items, items not in ``seen``) of each ``since_id`` answer, paging up from
        ``since`` until one brings nothing new; adds what it yields to ``seen``."""
        after = since
        while True:
            answer = self._call("items", since_id=after)
            items = [i for i in _dicts(answer.get("items")) if as_int(i.get("id")) not in seen]
            if not items:
                return
            seen.update(_item_ids(items))
            after = max(after, *_item_ids(items))
            yield as_int(answer.get("total_items")), items

    def _skipped(
        self, missing: Iterator[int], count: int, seen: set[int]
    ) -> Iterator[list[dict[str, Any]]]:
        """The items of ``missing`` ids (:data:`PAGE` a request) not in ``seen``, until
        ``seen`` holds ``count``; adds what it yields to ``seen``."""
        while len(seen) < count:
            batch = [str(i) for _, i in zip(range(PAGE), missing, strict=False)]
            if not batch:
                return
            items = _dicts(self._call("items", with_ids=",".join(batch)).get("items"))
            items = [i for i in items if as_int(i.get("id")) and as_int(i.get("id")) not in seen]
            seen.update(_item_ids(items))
            yield items

    def unread_ids(self) -> set[str]:
        """Ids of every unread item."""
        return {str(i) for i in _ids(self._call("unread_item_ids").get("unread_item_ids"))}

    def starred_ids(self) -> set[str]:
        """Ids of every saved item."""
        return {str(i) for i in _ids(self._call("saved_item_ids").get("saved_item_ids"))}

    def mark(
        self, ids: Sequence[str], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """One ``mark=item`` request per item and mark; an item the server no longer has is
        skipped (coldsweat answers 404 for it)."""
        changes = []
        if read is not None:
            changes.append("read" if read else "unread")
        if starred is not None:
            changes.append("saved" if starred else "unsaved")
        for item in ids:
            for change in changes:
                self._call(form={"mark": "item", "as": change, "id": item}, missing_ok=True)

    def close(self) -> None:
        self.http.close()

    # --- the API --------------------------------------------------------------------------

    @property
    def _shown(self) -> str:
        return without_password(self.endpoint)

    def _call(
        self,
        *commands: str,
        form: dict[str, str] | None = None,
        missing_ok: bool = False,
        **args: object,
    ) -> dict[str, Any]:
        query = "&".join(["api", *commands, *(f"{k}={v}" for k, v in args.items())])
        url = f"{self.endpoint}{'&' if '?' in self.endpoint else '?'}{query}"
        key = hashlib.md5(f"{self.user}:{self.password}".encode()).hexdigest()
        response = request(self.http, "POST", url, data={"api_key": key, **(form or {})})
        if missing_ok and response.status_code == 404:
            return {}
        try:
            data = response.json() if response.status_code < 400 else None
        except ValueError:
            data = None
        if not isinstance(data, dict) or "auth" not in data:
            status = response.status_code
            raise ServerUnreachable(
                f"{self._shown} does not answer as a Fever API (HTTP {status}): is it the "
                "endpoint, such as https://host/fever/?"
            )
        if as_int(data.get("auth")) != 1:
            raise AuthFailed(f"{self._shown} refused the user name or password")
        return data


def _article(item: dict[str, Any]) -> RemoteArticle:
    created = as_int(item.get("created_on_time"))
    return RemoteArticle(
        id=str(as_int(item.get("id"))),
        feed_id=str(as_int(item.get("feed_id"))),
        title=html.unescape(str(item.get("title") or "")),
        link=as_text(item.get("url")),
        author=as_text(item.get("author")),
        published=float(created) if created > 0 else None,
        content=str(item.get("html") or ""),
        read=bool(as_int(item.get("is_read"))),
        starred=bool(as_int(item.get("is_saved"))),
    )


def _cursor(cursor: str | None) -> tuple[int, int]:
    """(highest id, items known up to it) from a cursor; (0, 0) for none or a bad one."""
    newest, _, known = (cursor or "").partition(":")
    return (as_int(newest), as_int(known)) if newest.isdigit() and known.isdigit() else (0, 0)


def _item_ids(items: list[dict[str, Any]]) -> list[int]:
    return [as_int(i.get("id")) for i in items]


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def _ids(value: Any) -> Iterable[int]:
    """Ids from a comma-separated string (how Fever lists them) or a list."""
    parts = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    return [n for n in (as_int(p) for p in parts) if n > 0]
