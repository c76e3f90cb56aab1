"""Miniflux through its own REST API v1 (https://miniflux.app/docs/api.html), with Basic auth.

New articles come by id (``after_entry_id``, ascending, 1000 a page), so a repeat sync asks
only for what is newer than the last id kept. Releases before 2.3.2 lack ``/v1/entries/ids``
and the ``starred`` field of ``PUT /v1/entries``: the client then lists entries and toggles
bookmarks whose state differs (``PUT /v1/entries/{id}/bookmark`` toggles, never sets).
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
from tui_news.core.sync.web import BasicAuthClient, Refused, chunks, rfc3339

PAGE = 1000  # the API's MaxEntryLimit
IDS_PAGE = 10000  # its MaxEntryIDsLimit
MARK_BATCH = 500


class Miniflux(BasicAuthClient):
    """A Miniflux account: ``url`` is the server's base address (what its web pages are under)."""

    NAME = "Miniflux"
    legacy = False  # set when the server turns out older than 2.3.2

    def login(self) -> None:
        wrong = "does not answer as Miniflux's API does; give Miniflux's base address."
        self.web.probe_json("/v1/me", "username", wrong)

    def feeds(self) -> list[RemoteFeed]:
        feeds = []
        for feed in self.web.json("GET", "/v1/feeds"):
            category = feed.get("category") or {}
            feeds.append(
                RemoteFeed(
                    id=str(as_int(feed.get("id"))),
                    title=as_text(feed.get("title")) or as_text(feed.get("feed_url")) or "",
                    url=as_text(feed.get("feed_url")),
                    category=as_text(category.get("title")),
                    site=as_text(feed.get("site_url")),
                )
            )
        return feeds

    def articles(self, cursor: str | None) -> Iterator[Page]:
        return fresh(self._entries(cursor), lambda page: [a.id for a in page.articles])

    def _entries(self, cursor: str | None) -> Iterator[Page]:
        after = int(cursor) if cursor and cursor.isdigit() else 0
        while True:
            params = {"order": "id", "direction": "asc", "limit": PAGE, "after_entry_id": after}
            entries = self.web.json("GET", "/v1/entries", params=params)["entries"]
            if not entries:
                return
            after = max(as_int(entry["id"]) for entry in entries)
            yield Page([article(entry) for entry in entries], str(after))
            if len(entries) < PAGE:
                return

    def unread_ids(self) -> set[str]:
        return self._ids({"status": "unread"})

    def starred_ids(self) -> set[str]:
        return self._ids({"starred": "true"})

    def _ids(self, filters: dict[str, str]) -> set[str]:
        if not self.legacy:
            try:
                return self._listed_ids(filters)
            except Refused as refused:
                if refused.status != 400:  # before 2.3.2: "/v1/entries/ids" is entry "ids"
                    raise
                self.legacy = True
        return {i for page in fresh(self._entry_pages(filters), lambda ids: ids) for i in page}

    def _entry_pages(self, filters: dict[str, str]) -> Iterator[list[str]]:
        offset = 0
        while True:
            params: dict[str, Any] = {"order": "id", "limit": PAGE, "offset": offset, **filters}
            entries = self.web.json("GET", "/v1/entries", params=params)["entries"]
            yield [str(as_int(entry["id"])) for entry in entries]
            if len(entries) < PAGE:
                return
            offset += len(entries)

    def _listed_ids(self, filters: dict[str, str]) -> set[str]:
        return {i for page in fresh(self._id_pages(filters), lambda ids: ids) for i in page}

    def _id_pages(self, filters: dict[str, str]) -> Iterator[list[str]]:
        offset = 0
        while True:
            params: dict[str, Any] = {"limit": IDS_PAGE, "offset": offset, **filters}
            answer = self.web.json("GET", "/v1/entries/ids", params=params)
            page = answer["entry_ids"] or []
            yield [str(as_int(i)) for i in page]
            offset += len(page)
            if not page or offset >= as_int(answer["total"]):
                return

    def mark(
        self, ids: Sequence[str], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        numbers = [int(i) for i in ids]
        for batch in chunks(numbers, MARK_BATCH):
            if read is not None:
                body = {"entry_ids": list(batch), "status": "read" if read else "unread"}
                self.web.send("PUT", "/v1/entries", json=body)
            if starred is not None:
                self._star(batch, starred)

    def _star(self, batch: Sequence[int], starred: bool) -> None:
        # Starred alone in its own request: an older server would ignore it next to a status.
        if not self.legacy:
            try:
                body = {"entry_ids": list(batch), "starred": starred}
                self.web.send("PUT", "/v1/entries", json=body)
                return
            except Refused as refused:
                if refused.status != 400:
                    raise
                self.legacy = True
        for entry_id in batch:
            try:
                entry = self.web.json("GET", f"/v1/entries/{entry_id}")
            except Refused as refused:
                if refused.status == 404:
                    continue  # gone from the server: nothing to mark
                raise
            if bool(entry.get("starred")) != starred:
                self.web.send("PUT", f"/v1/entries/{entry_id}/bookmark")


def article(entry: dict[str, Any]) -> RemoteArticle:
    return RemoteArticle(
        id=str(as_int(entry.get("id"))),
        feed_id=str(as_int(entry.get("feed_id"))),
        title=as_text(entry.get("title")) or "",
        link=as_text(entry.get("url")),
        author=as_text(entry.get("author")),
        published=rfc3339(entry.get("published_at")),
        content=as_text(entry.get("content")) or "",
        read=entry.get("status") == "read",
        starred=bool(entry.get("starred")),
        enclosures=attached(entry.get("enclosures"), "url", "mime_type", "size"),
    )
