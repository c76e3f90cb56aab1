"""A stand-in for Miniflux's REST API v1, written from Miniflux's source (github:miniflux/v2 at
106cdd09, release 2.3.3): internal/api/api.go (routes), middleware.go (X-Auth-Token, then
Basic auth: 401 with ``{"error_message": "access unauthorized"}``), entry_handlers.go
(findEntries: status/order/direction/limit/offset validation, the ``total`` count,
after_entry_id, starred, changed_after; getEntryIDsHandler; setEntryStatusAndStarredHandler;
toggleStarredHandler), feed_handlers.go (markFeedAsReadHandler), internal/storage
(entry_query_builder.go: limit 0 means the 1000 maximum, offset; entry.go: ToggleStarred,
MarkFeedAsRead marks unread entries published before now), internal/validator/entry.go and
validator.go, internal/model (the JSON of entries, feeds, categories) and the API reference
at https://miniflux.app/docs/api.html.

``legacy=True`` answers as releases before 2.3.2 do: no ``GET /v1/entries/ids`` (the path
falls to ``/v1/entries/{entryID}``, which refuses "ids" with 400) and ``PUT /v1/entries``
takes only ``status`` (a body without one is refused with 400).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from tests.servers.apiserver import (
    Account,
    Accounts,
    ApiServer,
    Entry,
    Feed,
    Reply,
    Request,
    json_reply,
    running,
)

MAX_ENTRY_LIMIT = 1000
MAX_ENTRY_IDS_LIMIT = 10000
ORDERS = {"id", "status", "changed_at", "published_at", "created_at"} | {
    "category_title",
    "category_id",
    "title",
    "author",
}


def error(message: str, status: int = 400) -> Reply:
    return json_reply({"error_message": message}, status)


def unauthorized() -> Reply:
    return json_reply(
        {"error_message": "access unauthorized"},
        401,
        **{"WWW-Authenticate": 'Basic realm="Restricted"'},
    )


def stamp(seconds: float) -> str:
    """A time as Go's encoding/json writes a UTC time.Time (RFC 3339)."""
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def int_arg(request: Request, name: str, default: int) -> int:
    """request.QueryIntParam: the default when missing or not an integer."""
    try:
        return int(request.arg(name) or "")
    except ValueError:
        return default


def route_id(value: str) -> int:
    """request.RouteInt64Param: 0 when the path segment is not an integer."""
    try:
        return int(value)
    except ValueError:
        return 0


class Miniflux(ApiServer):
    """Miniflux's /v1 API over ``accounts``; ``api_keys`` maps X-Auth-Token values to users."""

    def __init__(self, legacy: bool = False) -> None:
        super().__init__()
        self.accounts = Accounts(default_category="All")
        self.api_keys: dict[str, str] = {}
        self.legacy = legacy
        routes: list[tuple[str, str, Any]] = [
            ("GET", r"/v1/me", self.me),
            ("GET", r"/v1/feeds", self.feeds),
            ("GET", r"/v1/categories", self.categories),
            ("GET", r"/v1/entries", self.entries),
            ("PUT", r"/v1/entries", self.set_entries),
            ("GET", r"/v1/feeds/(?P<feed>[^/]+)/entries", self.feed_entries),
            ("PUT", r"/v1/feeds/(?P<feed>[^/]+)/mark-all-as-read", self.mark_feed_read),
            ("PUT", r"/v1/entries/(?P<entry>[^/]+)/(?:bookmark|star)", self.toggle_star),
        ]
        if not legacy:
            routes.append(("GET", r"/v1/entries/ids", self.entry_ids))
        routes.append(("GET", r"/v1/entries/(?P<entry>[^/]+)", self.entry))
        for method, pattern, handler in routes:
            self.add(method, pattern, self.authenticated(handler))

    def authenticated(self, handler: Any) -> Any:
        def check(request: Request, **params: str) -> Reply:
            token = request.headers.get("x-auth-token", "")
            if token:
                name = self.api_keys.get(token)
                if name is None:
                    return unauthorized()
                return handler(request, self.accounts.users[name], **params)
            credentials = request.basic_auth()
            if credentials is None or not credentials[0] or not credentials[1]:
                return unauthorized()
            account = self.accounts.check(*credentials)
            if account is None:
                return unauthorized()
            return handler(request, account, **params)

        return check

    # What the API answers.

    def user_json(self, account: Account) -> dict[str, Any]:
        return {"id": account.id, "username": account.name, "is_admin": False}

    def category_json(self, account: Account, category_id: int | None) -> dict[str, Any]:
        category = account.categories[category_id or 0]  # every feed has one ("All" at first)
        return {
            "id": category.id,
            "title": category.title,
            "user_id": account.id,
            "hide_globally": False,
        }

    def feed_json(self, account: Account, feed: Feed) -> dict[str, Any]:
        return {
            "id": feed.id,
            "user_id": account.id,
            "feed_url": feed.url,
            "site_url": feed.site,
            "title": feed.title,
            "checked_at": stamp(0),
            "parsing_error_message": "",
            "parsing_error_count": 0,
            "disabled": False,
            "category": self.category_json(account, feed.category_id),
            "icon": None,
        }

    def entry_json(self, account: Account, entry: Entry) -> dict[str, Any]:
        return {
            "id": entry.id,
            "user_id": account.id,
            "feed_id": entry.feed_id,
            "status": "read" if entry.read else "unread",
            "hash": f"{entry.id:064x}",
            "title": entry.title,
            "url": entry.url,
            "comments_url": "",
            "published_at": stamp(entry.published),
            "created_at": stamp(entry.created),
            "changed_at": stamp(entry.changed),
            "content": entry.content,
            "author": entry.author,
            "share_code": "",
            "starred": entry.starred,
            "reading_time": 1,
            "enclosures": [
                {
                    "id": entry.id * 100 + n,
                    "user_id": account.id,
                    "entry_id": entry.id,
                    "url": url,
                    "mime_type": kind,
                    "size": size or 0,
                    "media_progression": 0,
                }
                for n, (url, kind, size) in enumerate(entry.enclosures)
            ]
            or None,
            "feed": self.feed_json(account, account.feeds[entry.feed_id]),
            "tags": [],
        }

    def me(self, request: Request, account: Account) -> Reply:
        return json_reply(self.user_json(account))

    def feeds(self, request: Request, account: Account) -> Reply:
        feeds = sorted(account.feeds.values(), key=lambda f: (f.title.lower(), f.id))
        return json_reply([self.feed_json(account, feed) for feed in feeds])

    def categories(self, request: Request, account: Account) -> Reply:
        ids = sorted(account.categories, key=lambda i: account.categories[i].title.lower())
        return json_reply([self.category_json(account, i) for i in ids])

    def feed_entries(self, request: Request, account: Account, feed: str) -> Reply:
        if route_id(feed) == 0:
            return error("invalid feed ID")
        return self.find_entries(request, account, route_id(feed))

    def entries(self, request: Request, account: Account) -> Reply:
        return self.find_entries(request, account, 0)

    def find_entries(self, request: Request, account: Account, feed_id: int) -> Reply:
        statuses = request.query.get("status", [])
        for status in statuses:
            if status not in ("read", "unread"):
                return error('invalid entry status, valid status values are: "read" and "unread"')
        order = request.arg("order", "published_at") or ""
        if order not in ORDERS:
            return error("invalid entry order")
        direction = request.arg("direction", "asc") or ""
        if direction not in ("asc", "desc"):
            return error('invalid direction, valid direction values are: "asc" or "desc"')
        limit, offset = int_arg(request, "limit", 100), int_arg(request, "offset", 0)
        if offset < 0:
            return error("offset value should be >= 0")
        if limit < 0:
            return error("limit value should be >= 0")
        if limit > MAX_ENTRY_LIMIT:
            return error(f"limit value should be <= {MAX_ENTRY_LIMIT}")
        if limit == 0:
            limit = MAX_ENTRY_LIMIT
        feed_id = int_arg(request, "feed_id", feed_id)
        if feed_id > 0 and feed_id not in account.feeds:
            return error("invalid feed ID")
        category_id = int_arg(request, "category_id", 0)
        if category_id > 0 and category_id not in account.categories:
            return error("invalid category ID")
        found = list(self.filtered(request, account, feed_id, category_id, statuses))
        found.sort(key=lambda e: (sort_key(e, order, account), e.id), reverse=direction == "desc")
        page = found[offset : offset + limit]
        entries = [self.entry_json(account, entry) for entry in page]
        return json_reply({"total": len(found), "entries": entries})

    def filtered(
        self,
        request: Request,
        account: Account,
        feed_id: int,
        category_id: int,
        statuses: list[str],
    ) -> Iterator[Entry]:
        after_id = int_arg(request, "after_entry_id", 0)
        before_id = int_arg(request, "before_entry_id", 0)
        after = int_arg(request, "after", 0) or int_arg(request, "published_after", 0)
        before = int_arg(request, "before", 0) or int_arg(request, "published_before", 0)
        changed_after = int_arg(request, "changed_after", 0)
        starred = parse_bool(request.arg("starred"))
        for entry in account.entries.values():
            feed = account.feeds[entry.feed_id]
            if feed_id > 0 and entry.feed_id != feed_id:
                continue
            if category_id > 0 and feed.category_id != category_id:
                continue
            if statuses and ("read" if entry.read else "unread") not in statuses:
                continue
            if after_id > 0 and entry.id <= after_id:
                continue
            if before_id > 0 and entry.id >= before_id:
                continue
            if after > 0 and entry.published <= after:
                continue
            if before > 0 and entry.published >= before:
                continue
            if changed_after > 0 and entry.changed <= changed_after:
                continue
            if starred is not None and entry.starred != starred:
                continue
            yield entry

    def entry_ids(self, request: Request, account: Account) -> Reply:
        starred = request.arg("starred")
        if starred is not None and starred not in ("true", "false"):
            return error('invalid starred parameter, must be "true" or "false"')
        status = request.arg("status")
        if status is not None and status not in ("read", "unread"):
            return error('invalid status parameter, must be "read" or "unread"')
        limit = int_arg(request, "limit", MAX_ENTRY_IDS_LIMIT)
        if limit <= 0 or limit > MAX_ENTRY_IDS_LIMIT:
            limit = MAX_ENTRY_IDS_LIMIT
        offset = max(int_arg(request, "offset", 0), 0)
        ids = sorted(
            (
                e.id
                for e in account.entries.values()
                if (starred is None or e.starred == (starred == "true"))
                and (status is None or e.read == (status == "read"))
            ),
            reverse=True,
        )
        return json_reply({"total": len(ids), "entry_ids": ids[offset : offset + limit]})

    def entry(self, request: Request, account: Account, entry: str) -> Reply:
        found = account.entries.get(route_id(entry))
        if route_id(entry) == 0:
            return error("invalid entry ID")
        if found is None:
            return error("resource not found", 404)
        return json_reply(self.entry_json(account, found))

    def set_entries(self, request: Request, account: Account) -> Reply:
        try:
            body = request.json()
            ids = [int(i) for i in body.get("entry_ids") or []]
            status = body.get("status") or ""
            starred = body.get("starred")
        except (ValueError, TypeError, AttributeError) as problem:
            return error(str(problem))
        if not ids:
            return error("the list of entries cannot be empty")
        if self.legacy:
            starred = None
            if status not in ("read", "unread"):
                return error('invalid entry status, valid status values are: "read" and "unread"')
        elif status == "" and starred is None:
            return error("either the status or the starred field must be specified")
        elif status and status not in ("read", "unread"):
            return error('invalid entry status, valid status values are: "read" and "unread"')
        if starred is not None and not isinstance(starred, bool):
            return error("json: cannot unmarshal into field starred of type bool")
        for entry_id in ids:
            entry = account.entries.get(entry_id)
            if entry is not None:
                entry.mark(read=(status == "read") if status else None, starred=starred)
        return Reply(204)

    def toggle_star(self, request: Request, account: Account, entry: str) -> Reply:
        if route_id(entry) == 0:
            return error("invalid entry ID")
        found = account.entries.get(route_id(entry))
        if found is None:
            return error("store: nothing has been updated", 500)
        found.mark(starred=not found.starred)
        return Reply(204)

    def mark_feed_read(self, request: Request, account: Account, feed: str) -> Reply:
        feed_id = route_id(feed)
        if feed_id == 0:
            return error("invalid feed ID")
        if feed_id not in account.feeds:
            return error("resource not found", 404)
        now = datetime.now(UTC).timestamp()
        for entry in account.entries.values():
            if entry.feed_id == feed_id and not entry.read and entry.published < now:
                entry.mark(read=True)
        return Reply(204)


def parse_bool(value: str | None) -> bool | None:
    """strconv.ParseBool, or None when missing or not a boolean (the filter is then skipped)."""
    if value in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if value in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


def sort_key(entry: Entry, order: str, account: Account) -> Any:
    if order == "id":
        return entry.id
    if order == "status":
        return "read" if entry.read else "unread"
    if order == "changed_at":
        return entry.changed
    if order == "created_at":
        return entry.created
    if order == "title":
        return entry.title
    if order == "author":
        return entry.author
    if order in ("category_title", "category_id"):
        category = account.feeds[entry.feed_id].category_id or 0
        return category if order == "category_id" else str(category)
    return entry.published


@contextmanager
def miniflux_server(legacy: bool = False) -> Iterator[Miniflux]:
    """A running stand-in, stopped on exit."""
    with running(Miniflux(legacy)) as server:
        yield server
