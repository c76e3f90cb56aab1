"""Nextcloud News through its API v1-3 (docs/development/api/api-v1-3.md of nextcloud/news),
with Basic auth.

As the document's "How To Sync" says: the first sync takes the unread and the starred items
(not the whole history), paged newest first by ``offset`` (items below that id); later syncs
ask ``items/updated`` for what changed since the newest ``lastModified`` seen. v1-3 has no
id-only listing, so the unread and starred sets come as items, a page at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from tui_news.core.sync.remote import (
    Page,
    RemoteArticle,
    RemoteFeed,
    as_int,
    as_text,
    attached,
    fresh,
)
from tui_news.core.sync.web import BasicAuthClient, chunks

API = "/index.php/apps/news/api/v1-3"
PAGE = 500
MARK_BATCH = 1000
STARRED, ALL = 2, 3  # the API's item list types


class Nextcloud(BasicAuthClient):
    """A Nextcloud News account: ``url`` is the Nextcloud address (the API's own works too)."""

    NAME = "Nextcloud News"

    def api_base(self) -> str:
        base = self.url.rstrip("/")
        return base if "/apps/news/api/" in base else base + API

    def login(self) -> None:
        wrong = "does not answer as Nextcloud News's API does; give Nextcloud's address."
        self.web.probe_json("/folders", "folders", wrong)

    def feeds(self) -> list[RemoteFeed]:
        folders = {f["id"]: f["name"] for f in self.web.json("GET", "/folders")["folders"]}
        return [
            RemoteFeed(
                id=str(as_int(feed.get("id"))),
                title=as_text(feed.get("title")) or as_text(feed.get("url")) or "",
                url=as_text(feed.get("url")),
                category=folders.get(feed.get("folderId")),
                site=as_text(feed.get("link")),
            )
            for feed in self.web.json("GET", "/feeds")["feeds"]
        ]

    def articles(self, cursor: str | None) -> Iterator[Page]:
        newest = int(cursor) if cursor and cursor.isdigit() else 0
        if newest:
            params = {"lastModified": newest, "type": ALL, "id": 0}
            items = self.web.json("GET", "/items/updated", params=params)["items"]
            if items:
                newest = max(newest, *(int(item.get("lastModified") or 0) for item in items))
                yield Page([article(item) for item in items], str(newest))
            return
        seen: set[int] = set()
        for kind, get_read in ((ALL, False), (STARRED, True)):
            for items in self._pages(kind, get_read=get_read):
                fresh = [item for item in items if item["id"] not in seen]
                seen.update(item["id"] for item in fresh)
                for item in fresh:
                    newest = max(newest, int(item.get("lastModified") or 0))
                yield Page([article(item) for item in fresh])
        if newest:
            yield Page([], str(newest))  # kept once every page is

    def _pages(self, kind: int, *, get_read: bool) -> Iterator[list[dict[str, Any]]]:
        """The items of one list, newest first, a page at a time."""
        pages = self._offset_pages(kind, get_read=get_read)
        return fresh(pages, lambda items: [as_int(item.get("id")) for item in items])

    def _offset_pages(self, kind: int, *, get_read: bool) -> Iterator[list[dict[str, Any]]]:
        offset = 0
        while True:
            params: dict[str, Any] = {
                "type": kind,
                "id": 0,
                "getRead": "true" if get_read else "false",
                "batchSize": PAGE,
                "offset": offset,
            }
            items = self.web.json("GET", "/items", params=params)["items"]
            if items:
                yield items
            if len(items) < PAGE:
                return
            offset = min(int(item["id"]) for item in items)

    def unread_ids(self) -> set[str]:
        return {str(i["id"]) for page in self._pages(ALL, get_read=False) for i in page}

    def starred_ids(self) -> set[str]:
        return {str(i["id"]) for page in self._pages(STARRED, get_read=True) for i in page}

    def mark(
        self, ids: Sequence[str], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        numbers = [int(i) for i in ids]
        for batch in chunks(numbers, MARK_BATCH):
            body = {"itemIds": list(batch)}
            if read is not None:
                self.web.send(
                    "POST", "/items/read/multiple" if read else "/items/unread/multiple", json=body
                )
            if starred is not None:
                self.web.send(
                    "POST",
                    "/items/star/multiple" if starred else "/items/unstar/multiple",
                    json=body,
                )


def article(item: dict[str, Any]) -> RemoteArticle:
    published = item.get("pubDate")
    return RemoteArticle(
        id=str(as_int(item.get("id"))),
        feed_id=str(as_int(item.get("feedId"))),
        title=as_text(item.get("title")) or "",
        link=as_text(item.get("url")),
        author=as_text(item.get("author")),
        published=float(published) if isinstance(published, int | float) else None,
        content=as_text(item.get("body")) or "",
        read=not item.get("unread", False),
        starred=bool(item.get("starred")),
        enclosures=attached([item], "enclosureLink", "enclosureMime"),  # one file an item
    )
