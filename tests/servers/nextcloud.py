"""A stand-in for the Nextcloud News API v1-3, written from github:nextcloud/news at d409f2de:
docs/development/api/api-v1-3.md (routes, Basic auth, parameters, JSON), appinfo/routes.php
(v1-3 changes marks with POST; the PUT routes are v1-2's), lib/Controller/ItemApiController.php
(index: type/id/getRead/batchSize/offset/oldestFirst, getRead=false only with type 3;
updated: lastModified in seconds padded to microseconds, compared with >=; read/unread/star/
unstar by itemIds, unknown ids skipped), FeedApiController.php and FolderApiController.php,
lib/Db/ItemMapperV2.php (newest first by id; ``offset`` keeps ids below it, above it when
oldestFirst; readAll and feed read take items with id <= newestItemId; a change stamps
last_modified), lib/Db/Item.php (toAPI: lastModified cropped to seconds) and
lib/Db/ListType.php (0 feed, 1 folder, 2 starred, 3 all, 6 unread).

Unauthenticated requests get 401 with ``{"message": "Current user is not logged in"}``, as
Nextcloud's security middleware answers a NotLoggedInException. A missing or non-integer
required parameter gets 400 (Nextcloud's dispatcher fails the request there too).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.servers.apiserver import (
    Account,
    Accounts,
    ApiServer,
    Entry,
    Reply,
    Request,
    json_reply,
    running,
)

BASE = "/index.php/apps/news/api/v1-3"
FEED, FOLDER, STARRED, ALL, UNREAD = 0, 1, 2, 3, 6


class BadParameter(Exception):
    pass


def params(request: Request) -> dict[str, Any]:
    """The App Framework's parameters: the URL's, then a JSON body's on top."""
    merged: dict[str, Any] = {key: values[0] for key, values in request.query.items()}
    if request.body and "json" in request.headers.get("content-type", ""):
        try:
            body = request.json()
        except ValueError as problem:
            raise BadParameter("the body is not JSON") from problem
        if isinstance(body, dict):
            merged.update(body)
    return merged


def integer(values: dict[str, Any], name: str, default: int | None = None) -> int:
    value = values.get(name, default)
    if value is None:
        raise BadParameter(f"missing parameter {name}")
    if isinstance(value, bool):
        raise BadParameter(f"{name} is not an integer")
    try:
        return int(value)
    except (TypeError, ValueError) as problem:
        raise BadParameter(f"{name} is not an integer") from problem


def boolean(values: dict[str, Any], name: str, default: bool) -> bool:
    value = values.get(name, default)
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true")


def micro_now() -> int:
    """Time::getMicroTime as an integer."""
    return int(time.time() * 1_000_000)


class Nextcloud(ApiServer):
    """The News app's v1-3 API over ``accounts``; ``stamps`` holds each item's last_modified."""

    def __init__(self) -> None:
        super().__init__()
        self.accounts = Accounts()
        self.stamps: dict[int, int] = {}
        for method, pattern, handler in [
            ("GET", "/version", self.version),
            ("GET", "/folders", self.folders),
            ("GET", "/feeds", self.feeds),
            ("GET", "/items", self.items),
            ("GET", "/items/updated", self.updated),
            ("POST", "/items/read/multiple", self.multiple("itemIds", read=True)),
            ("POST", "/items/unread/multiple", self.multiple("itemIds", read=False)),
            ("POST", "/items/star/multiple", self.multiple("itemIds", starred=True)),
            ("POST", "/items/unstar/multiple", self.multiple("itemIds", starred=False)),
            ("POST", "/items/read", self.read_all),
            ("POST", r"/feeds/(?P<feed>\d+)/read", self.read_feed),
            ("POST", r"/folders/(?P<folder>\d+)/read", self.read_folder),
        ]:
            self.add(method, BASE + pattern, self.authenticated(handler))

    def authenticated(self, handler: Any) -> Any:
        def check(request: Request, **route: str) -> Reply:
            credentials = request.basic_auth()
            account = self.accounts.check(*credentials) if credentials else None
            if account is None:
                return json_reply({"message": "Current user is not logged in"}, 401)
            try:
                return handler(request, account, **route)
            except BadParameter as problem:
                return json_reply({"message": str(problem)}, 400)

        return check

    def stamp(self, entry: Entry) -> int:
        """The item's last_modified in microseconds (set when first seen, moved by changes)."""
        known = self.stamps.get(entry.id)
        if known is None or entry.changed * 1_000_000 > known:
            known = self.stamps[entry.id] = int(entry.changed * 1_000_000)
        return known

    def item_json(self, entry: Entry) -> dict[str, Any]:
        attached = entry.enclosures[0] if entry.enclosures else (None, None, None)
        return {
            "id": entry.id,
            "guid": entry.guid,
            "guidHash": hashlib.md5(entry.guid.encode()).hexdigest(),
            "url": entry.url,
            "title": entry.title,
            "author": entry.author,
            "pubDate": int(entry.published),
            "updatedDate": None,
            "body": entry.content,
            "enclosureMime": attached[1],  # one file an item: the first
            "enclosureLink": attached[0],
            "mediaThumbnail": None,
            "mediaDescription": None,
            "feedId": entry.feed_id,
            "unread": not entry.read,
            "starred": entry.starred,
            "filtered": False,
            "lastModified": self.stamp(entry) // 1_000_000,
            "rtl": False,
            "fingerprint": f"{entry.id:x}",
            "contentHash": f"{entry.id:x}",
        }

    def version(self, request: Request, account: Account) -> Reply:
        return json_reply({"version": "25.0.0"})

    def folders(self, request: Request, account: Account) -> Reply:
        folders = [{"id": c.id, "name": c.title} for c in account.categories.values()]
        return json_reply({"folders": folders})

    def feeds(self, request: Request, account: Account) -> Reply:
        feeds = []
        for feed in account.feeds.values():
            unread = sum(1 for e in account.entries.values() if e.feed_id == feed.id and not e.read)
            feeds.append(
                {
                    "id": feed.id,
                    "url": feed.url,
                    "title": feed.title,
                    "faviconLink": None,
                    "added": 1_367_063_790,
                    "nextUpdateTime": None,
                    "folderId": feed.category_id,
                    "unreadCount": unread,
                    "ordering": 0,
                    "link": feed.site,
                    "pinned": False,
                    "updateErrorCount": 0,
                    "lastUpdateError": None,
                }
            )
        result: dict[str, Any] = {
            "starredCount": len(account.starred()),
            "feeds": feeds,
        }
        if account.entries:
            result["newestItemId"] = max(account.entries)
        return json_reply(result)

    def select(self, account: Account, kind: int, ident: int) -> list[Entry]:
        entries = list(account.entries.values())
        if kind == FEED:
            return [e for e in entries if e.feed_id == ident]
        if kind == FOLDER:
            folder = ident or None  # folder 0 is the root: feeds without a folder
            return [e for e in entries if account.feeds[e.feed_id].category_id == folder]
        if kind == STARRED:
            return [e for e in entries if e.starred]
        if kind == UNREAD:
            return [e for e in entries if not e.read]
        if kind == ALL:
            return entries
        raise BadParameter("Unexpected Feed type in call")

    def items(self, request: Request, account: Account) -> Reply:
        values = params(request)
        kind, ident = integer(values, "type", ALL), integer(values, "id", 0)
        get_read = boolean(values, "getRead", True)
        size, offset = integer(values, "batchSize", -1), integer(values, "offset", 0)
        oldest_first = boolean(values, "oldestFirst", False)
        if kind not in (FEED, FOLDER):
            if not get_read and kind == ALL:
                kind = UNREAD
            elif not get_read:
                return json_reply(
                    {"message": "Setting getRead on an already filtered list is not allowed!"}
                )
        found = self.select(account, kind, ident)
        if kind in (FEED, FOLDER) and not get_read:
            found = [e for e in found if not e.read]
        if offset != 0:
            found = [e for e in found if (e.id > offset if oldest_first else e.id < offset)]
        found.sort(key=lambda e: e.id, reverse=not oldest_first)
        if size >= 1:
            found = found[:size]
        return json_reply({"items": [self.item_json(e) for e in found]})

    def updated(self, request: Request, account: Account) -> Reply:
        values = params(request)
        kind, ident = integer(values, "type", ALL), integer(values, "id", 0)
        since = integer(values, "lastModified", 0)
        if len(str(since)) <= 10:
            since *= 1_000_000
        if kind not in (FEED, FOLDER, STARRED, ALL, UNREAD):
            raise BadParameter("Unexpected Feed type in call")
        found = [e for e in self.select(account, kind, ident) if self.stamp(e) >= since]
        found.sort(key=lambda e: e.id, reverse=True)
        return json_reply({"items": [self.item_json(e) for e in found]})

    def change(self, entry: Entry, **marks: bool | None) -> None:
        before = (entry.read, entry.starred)
        entry.mark(**marks)
        if (entry.read, entry.starred) != before:
            self.stamps[entry.id] = max(micro_now(), self.stamp(entry) + 1)

    def multiple(self, name: str, **marks: bool) -> Any:
        def handler(request: Request, account: Account) -> Reply:
            ids = params(request).get(name)
            if not isinstance(ids, list):
                raise BadParameter(f"missing parameter {name}")
            for value in ids:
                entry = account.entries.get(int(value)) if str(value).isdigit() else None
                if entry is not None:  # ServiceNotFoundException: skipped
                    self.change(entry, **marks)
            return json_reply([])

        return handler

    def read_all(self, request: Request, account: Account) -> Reply:
        newest = integer(params(request), "newestItemId")
        for entry in account.entries.values():
            if entry.id <= newest and not entry.read:
                self.change(entry, read=True)
        return json_reply([])

    def read_feed(self, request: Request, account: Account, feed: str) -> Reply:
        newest = integer(params(request), "newestItemId")
        if int(feed) not in account.feeds:
            return json_reply({"message": "Feed not found"}, 404)
        for entry in account.entries.values():
            if entry.feed_id == int(feed) and entry.id <= newest and not entry.read:
                self.change(entry, read=True)
        return json_reply([])

    def read_folder(self, request: Request, account: Account, folder: str) -> Reply:
        newest = integer(params(request), "newestItemId")
        if int(folder) not in account.categories:
            return json_reply({"message": "Folder not found"}, 404)
        for entry in account.entries.values():
            in_folder = account.feeds[entry.feed_id].category_id == int(folder)
            if in_folder and entry.id <= newest and not entry.read:
                self.change(entry, read=True)
        return json_reply([])


@contextmanager
def nextcloud_server() -> Iterator[Nextcloud]:
    """A running stand-in, stopped on exit."""
    with running(Nextcloud()) as server:
        yield server
