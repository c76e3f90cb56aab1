"""The Google Reader API as FreshRSS, Miniflux, Inoreader and The Old Reader serve it.

``url`` is the address the server documents for these clients: FreshRSS's
``https://host/api/greader.php``, Miniflux's base address, ``https://www.inoreader.com``.
Login is ``accounts/ClientLogin`` (the ``Auth`` line is the session kept on disk); every
request carries ``Authorization: GoogleLogin auth=...`` and every write the edit token ``T``
from ``reader/api/0/token`` (Miniflux authenticates writes by ``T`` alone, FreshRSS by the
header and checks ``T``). Only calls both serve are used: ``stream/items/ids`` to list, POST
``stream/items/contents`` to read (Miniflux has no ``stream/contents``), ``edit-tag`` to mark.

Item ids are kept as decimal numbers: lists give them so, contents give the long form
``tag:google.com,2005:reader/item/<16 hex>``, which is what the client sends back. Ids grow
as items arrive on every one of these servers, so a repeat sync lists the ids of the recent
items (published or crawled within :data:`WINDOW` of the newest one it kept) and fetches only
those above the largest id kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from tui_news.core.sync.remote import (
    AuthFailed,
    Page,
    RemoteArticle,
    RemoteFeed,
    ServerUnreachable,
    SessionExpired,
    as_text,
    attached,
    fresh,
)
from tui_news.core.sync.web import Web, chunks

API = "/reader/api/0"
STATE = "user/-/state/com.google/"
LONG = "tag:google.com,2005:reader/item/"
IDS_PAGE = 1000
CONTENTS_BATCH = 250
MARK_BATCH = 250
WRONG = (
    "does not answer as the Google Reader API does; give the address the server documents "
    "for its clients (FreshRSS: https://HOST/api/greader.php; Miniflux: its base address)."
)
WINDOW = 7 * 86400  # how late an item may arrive after the newest one kept, in seconds


def long_id(value: str | int) -> str:
    """The long form, the one every server reads alike (Miniflux takes any 16 characters
    for hex, so a 16-digit decimal id would name another item there)."""
    return f"{LONG}{int(value):016x}"


def item_id(value: str) -> str:
    """An item id in decimal, from any of the API's forms."""
    if value.startswith(LONG):
        return str(int(value[len(LONG) :], 16))
    if len(value) == 16 and not value.isdigit():
        return str(int(value, 16))
    return str(int(value))


class GReader:
    """An account on a server speaking the Google Reader API."""

    def __init__(self, url: str, user: str, password: str, token: str | None = None) -> None:
        self.url, self.user, self.password = url, user, password
        self.token = token
        self.edit_token: str | None = None
        self.web = Web("The Google Reader API", url)

    def login(self) -> None:
        form = {"Email": self.user, "Passwd": self.password}
        answer = self.web.probe("POST", "/accounts/ClientLogin", WRONG, data=form).text
        fields = dict(line.partition("=")[::2] for line in answer.splitlines())
        if not fields.get("Auth"):
            raise ServerUnreachable(f"{self.web.where} {WRONG}")
        self.token, self.edit_token = fields["Auth"].strip(), None
        self._edit_token()

    def _call(self, method: str, path: str, **options: Any) -> Any:
        """A call of the API with the session: SessionExpired when the server forgot it."""
        if self.token is None:
            raise SessionExpired("Not logged in to the Google Reader API.")
        headers = {"Authorization": f"GoogleLogin auth={self.token}"}
        try:
            return self.web.send(method, API + path, headers=headers, **options)
        except AuthFailed:
            self.edit_token = None
            raise SessionExpired(
                f"{self.web.where} no longer accepts the session; logging in again."
            ) from None

    def _json(self, path: str, **params: Any) -> Any:
        response = self._call("GET", path, params={"output": "json", **params})
        try:
            return response.json()
        except ValueError:
            raise ServerUnreachable(
                f"{self.web.where} answered {path} with something other than JSON."
            ) from None

    def _edit_token(self) -> str:
        if self.edit_token is None:
            self.edit_token = self._call("GET", "/token").text.strip()
        return self.edit_token

    def _post(self, path: str, form: dict[str, str | list[str]]) -> Any:
        data = {"T": self._edit_token(), **form}
        return self._call("POST", path, params={"output": "json"}, data=data)

    def feeds(self) -> list[RemoteFeed]:
        feeds = []
        for sub in self._json("/subscription/list")["subscriptions"]:
            labels = [
                c.get("label") or c["id"].rpartition("/label/")[2]
                for c in sub.get("categories") or []
            ]
            feed_id = str(sub["id"])
            feeds.append(
                RemoteFeed(
                    id=feed_id,
                    title=as_text(sub.get("title")) or as_text(sub.get("url")) or str(feed_id),
                    url=as_text(sub.get("url")),
                    category=as_text(labels[0]) if labels else None,
                    site=as_text(sub.get("htmlUrl")),
                )
            )
        return feeds

    def _ids(self, stream: str, **params: Any) -> Iterator[str]:
        """The ids of a stream, following ``continuation`` (an offset or an id: opaque here)."""
        for page in fresh(self._id_pages(stream, **params), lambda ids: ids):
            yield from page

    def _id_pages(self, stream: str, **params: Any) -> Iterator[list[str]]:
        continuation = None
        while True:
            options = {"s": stream, "n": IDS_PAGE, **params}
            if continuation:
                options["c"] = continuation
            answer = self._json("/stream/items/ids", **options)
            refs = answer.get("itemRefs") or []
            yield [item_id(str(ref["id"])) for ref in refs]
            continuation = answer.get("continuation")
            if not refs or not continuation:
                return

    def articles(self, cursor: str | None) -> Iterator[Page]:
        top, _, since = (cursor or "").partition(":")
        largest = int(top) if top.isdigit() else 0
        newest = int(since) if since.isdigit() else 0
        extra = {"ot": max(newest - WINDOW, 0)} if newest else {}
        wanted = sorted(
            {int(i) for i in self._ids(STATE + "reading-list", **extra) if int(i) > largest}
        )
        for number, batch in enumerate(chunks(wanted, CONTENTS_BATCH), 1):
            form: dict[str, str | list[str]] = {"i": [long_id(i) for i in batch]}
            items = self._post("/stream/items/contents", form).json().get("items") or []
            found = [article(item) for item in items]
            for item in found:
                newest = max(newest, int(item.published or 0))
            largest = max(largest, *batch)
            last = number * CONTENTS_BATCH >= len(wanted)
            yield Page(found, f"{largest}:{newest}" if last else None)

    def unread_ids(self) -> set[str]:
        return set(self._ids(STATE + "reading-list", xt=STATE + "read"))

    def starred_ids(self) -> set[str]:
        return set(self._ids(STATE + "starred"))

    def mark(
        self, ids: Sequence[str], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        changes = []
        if read is not None:
            changes.append(("a" if read else "r", STATE + "read"))
        if starred is not None:
            changes.append(("a" if starred else "r", STATE + "starred"))
        for batch in chunks(list(ids), MARK_BATCH):
            for key, tag in changes:  # one tag a request: FreshRSS reads a single a and r
                self._post("/edit-tag", {key: tag, "i": [long_id(i) for i in batch]})

    def close(self) -> None:
        self.web.close()


def article(item: dict[str, Any]) -> RemoteArticle:
    tags = {str(c).rpartition("/state/com.google/")[2] for c in item.get("categories") or []}
    links = item.get("alternate") or item.get("canonical") or []
    body = item.get("content") or item.get("summary") or {}
    published = item.get("published")
    return RemoteArticle(
        id=item_id(str(item["id"])),
        feed_id=str((item.get("origin") or {}).get("streamId") or ""),
        title=as_text(item.get("title")) or "",
        link=as_text(links[0].get("href")) if links else None,
        author=as_text(item.get("author")),
        published=float(published) if isinstance(published, int | float) else None,
        content=as_text(body.get("content")) or "",
        read="read" in tags,
        starred="starred" in tags,
        enclosures=attached(item.get("enclosure"), "href", "type", "length"),
    )
