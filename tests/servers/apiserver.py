"""What the three documented stand-ins share: a threaded HTTP server on 127.0.0.1 dispatching
(method, path pattern) to handlers, a log of requests, injected 429/503 answers, and the
accounts they serve (users, categories, feeds and entries with each user's read and starred
state). The APIs themselves live in greader.py, miniflux.py and nextcloud.py.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as a handler sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def body_form(self) -> dict[str, list[str]]:
        """The form in the body (``application/x-www-form-urlencoded``), as Go's PostForm."""
        return parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    def form(self) -> dict[str, list[str]]:
        """Query and body form merged, body first (Go's ``r.Form`` after ParseForm)."""
        merged = {key: list(values) for key, values in self.body_form().items()}
        for key, values in self.query.items():
            merged.setdefault(key, []).extend(values)
        return merged

    def json(self) -> Any:
        """The JSON body; ValueError when it is not JSON."""
        return json.loads(self.body.decode("utf-8"))

    def basic_auth(self) -> tuple[str, str] | None:
        """User and password of an ``Authorization: Basic`` header, or None."""
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, sep, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
        except ValueError:
            return None
        return (user, password) if sep else None


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(value: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, json.dumps(value).encode(), "application/json", dict(headers))


def text_reply(text: str, status: int = 200, **headers: str) -> Reply:
    return Reply(status, text.encode(), "text/plain; charset=utf-8", dict(headers))


Handler = Callable[..., Reply]


class ApiServer:
    """Routes requests to handlers under one lock; ``requests`` logs (method, path, query)."""

    accounts: Accounts  # what each stand-in serves, set by its own __init__

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self.faults: list[Reply] = []
        self.lock = threading.RLock()
        self.httpd: ThreadingHTTPServer | None = None

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(pattern), handler))

    def fail(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        """The next ``times`` requests get ``status`` (429 or 503), whatever they ask."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.faults.extend(Reply(status, b"busy", "text/plain", headers) for _ in range(times))

    def dispatch(self, request: Request) -> Reply:
        with self.lock:
            self.requests.append((request.method, request.path, request.query))
            if self.faults:
                return self.faults.pop(0)
            allowed = False
            for method, pattern, handler in self.routes:
                match = pattern.fullmatch(request.path)
                if match is None:
                    continue
                if method != request.method:
                    allowed = True
                    continue
                return handler(request, **match.groupdict())
            if allowed:
                return text_reply("Method Not Allowed", 405)
            return text_reply("404 page not found", 404)

    def calls(self, method: str, path_pattern: str) -> int:
        """How many requests so far matched ``method`` and the path pattern."""
        pattern = re.compile(path_pattern)
        return sum(1 for m, p, _ in self.requests if m == method and pattern.fullmatch(p))

    @property
    def url(self) -> str:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        assert isinstance(host, str)  # an IPv4 server's address
        return f"http://{host}:{port}"

    def start(self) -> ApiServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def handle_one(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {key.lower(): value for key, value in self.headers.items()},
                    body,
                )
                reply = server.dispatch(request)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = handle_one

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hangs up (the tests close theirs) is no news

        self.httpd = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


Served = TypeVar("Served", bound=ApiServer)


@contextmanager
def running(server: Served) -> Iterator[Served]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


# The accounts a stand-in serves.


@dataclass
class Category:
    id: int
    title: str


@dataclass
class Feed:
    id: int
    title: str
    url: str
    site: str
    category_id: int | None


@dataclass
class Entry:
    id: int
    feed_id: int
    title: str
    url: str
    author: str
    published: float
    content: str
    guid: str
    read: bool = False
    starred: bool = False
    created: float = field(default_factory=time.time)
    changed: float = field(default_factory=time.time)
    # attached files: (address, type, size in bytes or None)
    enclosures: list[tuple[str, str, int | None]] = field(default_factory=list)

    def mark(self, *, read: bool | None = None, starred: bool | None = None) -> None:
        """Change a mark; ``changed`` moves only when a mark really changes."""
        if read is not None and read != self.read:
            self.read, self.changed = read, time.time()
        if starred is not None and starred != self.starred:
            self.starred, self.changed = starred, time.time()


@dataclass
class Account:
    name: str
    password: str
    id: int
    categories: dict[int, Category] = field(default_factory=dict)
    feeds: dict[int, Feed] = field(default_factory=dict)
    entries: dict[int, Entry] = field(default_factory=dict)

    def password_hash(self) -> str:
        return hashlib.sha256(("salt:" + self.password).encode()).hexdigest()

    def category_named(self, title: str) -> Category | None:
        return next((c for c in self.categories.values() if c.title == title), None)

    def unread(self) -> set[int]:
        return {e.id for e in self.entries.values() if not e.read}

    def starred(self) -> set[int]:
        return {e.id for e in self.entries.values() if e.starred}


class Accounts:
    """Users and what each one holds; ids count up across users, as a database's would."""

    def __init__(self, first_entry_id: int = 1, default_category: str | None = None) -> None:
        self.default_category = default_category  # every user has it; feeds without one go there
        self.users: dict[str, Account] = {}
        self.user_ids = itertools.count(1)
        self.category_ids = itertools.count(1)
        self.feed_ids = itertools.count(1)
        self.entry_ids = itertools.count(first_entry_id)

    def add_user(self, name: str, password: str) -> Account:
        account = Account(name, password, next(self.user_ids))
        self.users[name] = account
        if self.default_category is not None:
            self.add_category(name, self.default_category)
        return account

    def check(self, name: str, password: str) -> Account | None:
        account = self.users.get(name)
        return account if account is not None and account.password == password else None

    def add_category(self, user: str, title: str) -> Category:
        category = Category(next(self.category_ids), title)
        self.users[user].categories[category.id] = category
        return category

    def add_feed(
        self, user: str, title: str, category: str | None = None, url: str | None = None
    ) -> Feed:
        account = self.users[user]
        category_id = None
        category = category or self.default_category
        if category is not None:
            found = account.category_named(category) or self.add_category(user, category)
            category_id = found.id
        feed_id = next(self.feed_ids)
        url = url or f"https://example.org/feeds/{feed_id}.xml"
        feed = Feed(feed_id, title, url, url.rsplit("/", 1)[0] + "/", category_id)
        account.feeds[feed.id] = feed
        return feed

    def add_entry(
        self,
        user: str,
        feed: Feed,
        title: str,
        *,
        published: float | None = None,
        read: bool = False,
        starred: bool = False,
        content: str | None = None,
        author: str = "A. Writer",
    ) -> Entry:
        entry_id = next(self.entry_ids)
        entry = Entry(
            entry_id,
            feed.id,
            title,
            f"{feed.site}posts/{entry_id}",
            author,
            time.time() if published is None else published,
            content if content is not None else f"<p>The story of {title}.</p>",
            f"{feed.site}guid/{entry_id}",
            read,
            starred,
        )
        self.users[user].entries[entry.id] = entry
        return entry

    def add_entries(self, user: str, feed: Feed, count: int, **options: Any) -> list[Entry]:
        """``count`` entries titled '<feed> #n', published an hour apart ending now."""
        now = time.time()
        return [
            self.add_entry(
                user, feed, f"{feed.title} #{n}", published=now - (count - n) * 3600, **options
            )
            for n in range(count)
        ]
