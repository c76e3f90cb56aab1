"""A stand-in for the Google Reader API as Miniflux and FreshRSS serve it.

``flavour="miniflux"`` follows github:miniflux/v2 at 106cdd09: internal/googlereader/README.md
(the package's own reference), handler.go (ClientLogin, token, edit-tag, stream/items/ids,
stream/items/contents, mark-all-as-read, subscription/list, tag/list, the ``[]`` fallback),
middleware.go (GET authenticated only by ``Authorization: GoogleLogin auth=<token>``, POST only
by the form's ``T``; failures: 401 ``Unauthorized`` with ``X-Reader-Google-Bad-Token: true``),
item.go (long ``tag:google.com,2005:reader/item/%016x``, bare 16-hex and decimal item ids),
stream.go (stream ids), request_modifier.go (n, c, r, ot, nt, xt) and response.go. Item ids
are listed by published date, newest first; ``c`` is a numeric offset; ``n`` defaults to and is
capped at 10000; ``output=json`` is required where the handlers check it.

``flavour="freshrss"`` follows github:FreshRSS/FreshRSS p/api/greader.php: every request is
authenticated by the ``Authorization`` header (``user/<sha1>``), edit-tag and mark-all-as-read
also need the separate 57-character ``T`` from ``/reader/api/0/token``; failures are 401
``Unauthorized!`` with ``Google-Bad-Token: true``; entry ids are microsecond crawl times, listed
newest first, ``n`` defaults to 20, ``c`` is the last id of the previous page; ``ot`` compares
with crawl time; ``ts`` of mark-all-as-read is an id (microseconds).
"""

from __future__ import annotations

import hashlib
import hmac
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
    text_reply,
)

API = "/reader/api/0"
STATE = "user/-/state/com.google/"
LABEL = "user/-/label/"
LONG = "tag:google.com,2005:reader/item/"
MAX_IDS = 10000


class Refused(Exception):
    """The request is refused with ``reply``."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply


def json_error(message: str, status: int) -> Refused:
    return Refused(json_reply({"error_message": message}, status))


def parse_item_id(value: str, flavour: str = "miniflux") -> int:
    """item.go's parseItemID: long form, then any 16 characters as hex, then decimal.
    FreshRSS reads digits not starting with 0 as decimal, the rest as hex after the last /."""
    if flavour == "freshrss":
        if value.isdigit() and not value.startswith("0"):
            return int(value)
        return int(value.rsplit("/", 1)[-1], 16)
    if value.startswith(LONG):
        number = int(value[len(LONG) :], 16)
        if number == 0:
            raise ValueError("item ID is zero")
        return number
    if len(value) == 16:
        try:
            return int(value, 16)
        except ValueError:
            pass
    return int(value, 10)


class GReader(ApiServer):
    """The Google Reader API over ``accounts`` as ``flavour`` ("miniflux", "freshrss") serves it."""

    def __init__(self, flavour: str = "miniflux") -> None:
        super().__init__()
        assert flavour in ("miniflux", "freshrss")
        self.flavour = flavour
        self.salt = "salt"  # part of every token: expire_sessions changes it
        first = int(time.time() * 1_000_000) if flavour == "freshrss" else 1_000_000_000
        self.accounts = Accounts(first_entry_id=first)
        # FreshRSS serves the API under its greader.php script; Miniflux at its base address.
        self.mount = "/api/greader.php" if flavour == "freshrss" else ""
        self.add("POST", self.mount + "/accounts/ClientLogin", self.client_login)
        for method, path, handler in [
            ("GET", "/token", self.token),
            ("GET", "/user-info", self.user_info),
            ("GET", "/tag/list", self.tag_list),
            ("GET", "/subscription/list", self.subscription_list),
            ("GET", "/stream/items/ids", self.item_ids),
            ("POST", "/stream/items/contents", self.item_contents),
            ("POST", "/edit-tag", self.edit_tag),
            ("POST", "/mark-all-as-read", self.mark_all_read),
            ("GET", "/.*", self.fallback),
            ("POST", "/.*", self.fallback),
        ]:
            self.add(method, self.mount + API + path, self.authenticated(handler))

    # Authentication.

    def expire_sessions(self) -> None:
        """Tokens handed out so far stop working (as when the server's salt or the user's
        API password changes)."""
        self.salt += "!"

    def auth_token(self, account: Account) -> str:
        if self.flavour == "freshrss":
            digest = hashlib.sha1((self.salt + account.name + account.password_hash()).encode())
            return f"{account.name}/{digest.hexdigest()}"
        key = (self.salt + account.name + account.password_hash()).encode()
        return f"{account.name}/{hmac.new(key, b'', hashlib.sha256).hexdigest()}"

    def edit_token(self, account: Account) -> str:
        if self.flavour == "freshrss":
            digest = hashlib.sha1((self.salt + account.name + account.password_hash()).encode())
            return digest.hexdigest().ljust(57, "Z")
        return self.auth_token(account)

    def unauthorized(self) -> Refused:
        if self.flavour == "freshrss":
            return Refused(text_reply("Unauthorized!", 401, **{"Google-Bad-Token": "true"}))
        return Refused(text_reply("Unauthorized", 401, **{"X-Reader-Google-Bad-Token": "true"}))

    def client_login(self, request: Request) -> Reply:
        form = request.form()
        email, password = form.get("Email", [""])[0], form.get("Passwd", [""])[0]
        if self.flavour == "freshrss" and ("Email" not in form or "Passwd" not in form):
            return text_reply("Bad Request!", 400)
        account = self.accounts.check(email, password) if email and password else None
        if account is None:
            if self.flavour == "freshrss":
                return self.unauthorized().reply
            return json_reply({"error_message": "access unauthorized"}, 401)
        token = self.auth_token(account)
        if self.flavour == "miniflux" and form.get("output", [""])[0] == "json":
            return json_reply({"SID": token, "LSID": token, "Auth": token})
        lsid = "null" if self.flavour == "freshrss" else token
        return text_reply(f"SID={token}\nLSID={lsid}\nAuth={token}\n")

    def header_token(self, request: Request) -> str:
        fields = request.headers.get("authorization", "").split()
        if len(fields) != 2 or fields[0] != "GoogleLogin":
            raise self.unauthorized()
        name, _, value = fields[1].partition("=")
        if name != "auth" or not value or "=" in value:
            raise self.unauthorized()
        return value

    def account_for(self, token: str) -> Account:
        account = self.accounts.users.get(token.split("/", 1)[0])
        if account is None or not hmac.compare_digest(self.auth_token(account), token):
            raise self.unauthorized()
        return account

    def authenticated(self, handler: Any) -> Any:
        def check(request: Request) -> Reply:
            try:
                if self.flavour == "miniflux" and request.method == "POST":
                    token = request.form().get("T", [""])[0]
                    if not token:
                        raise self.unauthorized()
                else:
                    token = self.header_token(request)
                account = self.account_for(token)
                return handler(request, account)
            except Refused as refused:
                return refused.reply

        return check

    def check_edit_token(self, request: Request, account: Account) -> None:
        """FreshRSS's checkToken for the writes (Miniflux checked T already)."""
        if self.flavour == "freshrss":
            given = request.body_form().get("T", [""])[0].strip()
            if given not in ("", "x") and given != self.edit_token(account):
                raise self.unauthorized()

    def require_json(self, request: Request) -> None:
        if self.flavour == "miniflux":
            source = request.form() if request.method == "POST" else request.query
            if source.get("output", [""])[0] != "json":
                raise json_error("googlereader: only json output is supported", 400)

    # Reads.

    def token(self, request: Request, account: Account) -> Reply:
        return text_reply(self.edit_token(account) + ("\n" if self.flavour == "freshrss" else ""))

    def user_info(self, request: Request, account: Account) -> Reply:
        user = str(account.id) if self.flavour == "miniflux" else account.name
        return json_reply(
            {"userId": user, "userName": account.name, "userProfileId": user, "userEmail": ""}
        )

    def prefix(self, account: Account) -> str:
        return f"user/{account.id}/" if self.flavour == "miniflux" else "user/-/"

    def tag_list(self, request: Request, account: Account) -> Reply:
        self.require_json(request)
        tags: list[dict[str, str]] = [{"id": self.prefix(account) + "state/com.google/starred"}]
        for category in account.categories.values():
            tags.append(
                {
                    "id": self.prefix(account) + "label/" + category.title,
                    "label": category.title,
                    "type": "folder",
                }
            )
        return json_reply({"tags": tags})

    def subscription_list(self, request: Request, account: Account) -> Reply:
        self.require_json(request)
        subscriptions = []
        for feed in account.feeds.values():
            category = account.categories.get(feed.category_id or 0)
            categories = []
            if category is not None:
                label = {"id": self.prefix(account) + "label/" + category.title}
                label.update(label=category.title, type="folder")
                categories.append(label)
            subscriptions.append(
                {
                    "id": f"feed/{feed.id}",
                    "title": feed.title,
                    "categories": categories,
                    "url": feed.url,
                    "htmlUrl": feed.site,
                    "iconUrl": "",
                }
            )
        return json_reply({"subscriptions": subscriptions})

    def stream(self, value: str, account: Account) -> tuple[str, str]:
        """stream.go's getStream: (kind, id)."""
        for prefix in (STATE, self.prefix(account) + "state/com.google/"):
            if value.startswith(prefix):
                return "state", value[len(prefix) :]
        for prefix in (LABEL, self.prefix(account) + "label/"):
            if value.startswith(prefix):
                return "label", value[len(prefix) :]
        if value.startswith("feed/"):
            return "feed", value[len("feed/") :]
        raise json_error(f"googlereader: unknown stream type: {value}", 500)

    def item_ids(self, request: Request, account: Account) -> Reply:
        self.require_json(request)
        streams = [self.stream(s, account) for s in request.query.get("s", [])]
        if len(streams) != 1:
            if self.flavour == "freshrss" and not streams:
                return text_reply("Bad Request!", 400)
            raise json_error("googlereader: only one stream type expected", 500)
        kind, ident = streams[0]
        excluded = [self.stream(s, account) for s in request.query.get("xt", [])]
        entries = list(account.entries.values())
        if kind == "state" and ident == "starred":
            entries = [e for e in entries if e.starred]
        elif kind == "state" and ident == "read":
            entries = [e for e in entries if e.read]
        elif kind == "feed" and ident.isdigit():
            entries = [e for e in entries if e.feed_id == int(ident)]
        elif not (kind == "state" and ident == "reading-list"):
            raise json_error(f"googlereader: unknown stream type {kind}", 500)
        if ("state", "read") in excluded and (kind == "feed" or ident == "reading-list"):
            entries = [e for e in entries if not e.read]
        if self.flavour == "freshrss" and ("state", "starred") in excluded:
            entries = [e for e in entries if not e.starred]
        return json_reply(self.page(request, entries))

    def page(self, request: Request, entries: list[Entry]) -> dict[str, Any]:
        def number(name: str, default: int) -> int:
            try:
                return int(request.arg(name) or default)
            except ValueError:
                return default

        start, stop = number("ot", 0), number("nt", 0)
        ascending = request.arg("r", "d") == "o"
        if self.flavour == "miniflux":
            when = [(e.published, e) for e in entries]
            count = number("n", 0)
            count = MAX_IDS if count <= 0 or count > MAX_IDS else count
        else:
            when = [(e.created, e) for e in entries]
            count = number("n", 20)
        chosen = [e for t, e in when if (not start or t > start) and (not stop or t < stop)]
        if self.flavour == "miniflux":
            chosen.sort(key=lambda e: (e.published, e.id), reverse=not ascending)
            offset = max(number("c", 0), 0)
            refs = chosen[offset : offset + count]
            result: dict[str, Any] = {"itemRefs": [{"id": str(e.id)} for e in refs]}
            if len(refs) + offset < len(chosen):
                result["continuation"] = str(len(refs) + offset)
            return result
        chosen.sort(key=lambda e: e.id, reverse=not ascending)
        after = request.arg("c", "") or ""
        if after.isdigit():
            chosen = [e for e in chosen if (e.id > int(after) if ascending else e.id < int(after))]
        refs = chosen[:count]
        result = {"itemRefs": [{"id": str(e.id)} for e in refs]}
        if refs and len(refs) >= count:
            result["continuation"] = str(refs[-1].id)
        return result

    def item_contents(self, request: Request, account: Account) -> Reply:
        self.require_json(request)
        form = request.form() if self.flavour == "miniflux" else request.body_form()
        values = form.get("i", [])
        if not values:
            if self.flavour == "freshrss":
                return text_reply("Bad Request!", 400)
            raise json_error("googlereader: no items requested", 400)
        try:
            ids = [parse_item_id(value, self.flavour) for value in values]
        except ValueError as problem:
            raise json_error(f"googlereader: failed to parse item ID: {problem}", 400) from None
        found = [account.entries[i] for i in ids if i in account.entries]
        ascending = request.arg("r", "d") == "o"
        if self.flavour == "miniflux":
            found.sort(key=lambda e: (e.published, e.id), reverse=not ascending)
        else:
            found.sort(key=lambda e: e.id, reverse=not ascending)
        items = [self.item_json(account, e) for e in found]
        return json_reply(
            {
                "id": "user/-/state/com.google/reading-list",
                "updated": int(time.time()),
                "items": items,
            }
        )

    def item_json(self, account: Account, entry: Entry) -> dict[str, Any]:
        prefix = self.prefix(account)
        categories = [prefix + "state/com.google/reading-list"]
        feed = account.feeds[entry.feed_id]
        category = account.categories.get(feed.category_id or 0)
        if category is not None:
            categories.append(prefix + "label/" + category.title)
        if entry.read:
            categories.append(prefix + "state/com.google/read")
        if entry.starred:
            categories.append(prefix + "state/com.google/starred")
        return {
            "id": f"{LONG}{entry.id:016x}",
            "categories": categories,
            "title": entry.title,
            "crawlTimeMsec": str(int(entry.created * 1000)),
            "timestampUsec": str(int(entry.published * 1_000_000)),
            "published": int(entry.published),
            "updated": int(entry.changed),
            "author": entry.author,
            "alternate": [{"href": entry.url, "type": "text/html"}],
            "canonical": [{"href": entry.url}],
            "summary": {"direction": "ltr", "content": entry.content},
            "content": {"direction": "ltr", "content": entry.content},
            "origin": {"streamId": f"feed/{feed.id}", "title": feed.title, "htmlUrl": feed.site},
            "enclosure": [
                {"href": url, "type": kind, **({"length": size} if size else {})}
                for url, kind, size in entry.enclosures
            ],
        }

    # Writes.

    def edit_tag(self, request: Request, account: Account) -> Reply:
        self.check_edit_token(request, account)
        body = request.body_form()
        if self.flavour == "freshrss":
            adds, removes = body.get("a", [""])[-1:], body.get("r", [""])[-1:]
        else:
            adds, removes = body.get("a", []), body.get("r", [])
        marks: dict[str, bool] = {}
        for values, value_if in ((adds, True), (removes, False)):
            for value in values:
                if not value:
                    continue
                kind, ident = self.stream(value, account)
                if kind == "state" and ident in ("read", "starred"):
                    if ident in marks and self.flavour == "miniflux":
                        raise json_error("googlereader: read and unread simultaneously", 500)
                    marks[ident] = value_if
                elif kind == "state" and ident == "kept-unread":
                    marks["read"] = not value_if
                elif self.flavour == "miniflux" and ident not in ("broadcast", "like"):
                    raise json_error(f"googlereader: unsupported tag type: {kind}", 500)
        if not marks and self.flavour == "miniflux" and not (adds or removes):
            raise json_error("googlereader: add or/and remove tags should be supplied", 500)
        form = request.form() if self.flavour == "miniflux" else body
        try:
            ids = [parse_item_id(value, self.flavour) for value in form.get("i", [])]
        except ValueError as problem:
            raise json_error(f"googlereader: failed to parse item ID: {problem}", 400) from None
        if not ids and self.flavour == "miniflux":
            raise json_error("googlereader: no items requested", 400)
        for entry_id in ids:
            entry = account.entries.get(entry_id)
            if entry is not None:
                entry.mark(read=marks.get("read"), starred=marks.get("starred"))
        return text_reply("OK")

    def mark_all_read(self, request: Request, account: Account) -> Reply:
        self.check_edit_token(request, account)
        form = request.form() if self.flavour == "miniflux" else request.body_form()
        stream = form.get("s", [""])[0].strip()
        raw = form.get("ts", [""])[0].strip()
        if self.flavour == "freshrss":
            return self.freshrss_mark_all(account, stream, raw or "0")
        before = time.time()
        if raw:
            try:
                value = int(raw)
            except ValueError:
                raise json_error(
                    f'strconv.ParseInt: parsing "{raw}": invalid syntax', 400
                ) from None
            if value > 0:
                before = value / 1_000_000 if len(raw) >= 16 else float(value)
        kind, ident = self.stream(stream, account) if stream else ("", "")
        if kind == "feed":
            if not ident.isdigit():
                raise json_error("invalid feed id", 400)
            chosen = [e for e in account.entries.values() if e.feed_id == int(ident)]
        elif kind == "label":
            category = account.category_named(ident)
            if category is None:
                raise json_error("resource not found", 404)
            chosen = [
                e
                for e in account.entries.values()
                if account.feeds[e.feed_id].category_id == category.id
            ]
        elif kind == "state" and ident == "reading-list":
            chosen = list(account.entries.values())
        else:
            chosen = []
        for entry in chosen:
            if entry.published < before:
                entry.mark(read=True)
        return text_reply("OK")

    def freshrss_mark_all(self, account: Account, stream: str, raw: str) -> Reply:
        if not raw.isdigit():
            return text_reply("Bad Request!", 400)
        newest = int(raw) or int(time.time() * 1_000_000)
        if stream.startswith("feed/") and stream[5:].isdigit():
            chosen = [e for e in account.entries.values() if e.feed_id == int(stream[5:])]
        elif stream.startswith(LABEL) and account.category_named(stream[len(LABEL) :]):
            category = account.category_named(stream[len(LABEL) :])
            assert category is not None
            chosen = [
                e
                for e in account.entries.values()
                if account.feeds[e.feed_id].category_id == category.id
            ]
        elif stream == STATE + "reading-list":
            chosen = list(account.entries.values())
        else:
            return text_reply("Bad Request!", 400)
        for entry in chosen:
            if entry.id <= newest:
                entry.mark(read=True)
        return text_reply("OK")

    def fallback(self, request: Request, account: Account) -> Reply:
        if self.flavour == "freshrss":
            return text_reply("Bad Request!", 400)
        return json_reply([])


@contextmanager
def greader_server(flavour: str = "miniflux") -> Iterator[GReader]:
    """A running stand-in, stopped on exit."""
    with running(GReader(flavour)) as server:
        yield server
