"""What every sync client offers the engine (:class:`Remote`), the plain data it returns, and
the errors it raises.

A client is thin: it translates one server's API into these calls and holds no storage. The
engine (``engine.py``) does the rest, the same way for every kind of server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from tui_news.core.errors import UserError

T = TypeVar("T")
# Pages of one listing, at most (a guard against a server that pages forever; a sync is made of
# several listings and has no cap): at Fever's 50 items a page, half a million items.
MAX_PAGES = 10_000


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """A feed the account subscribes to; ``category`` becomes its section here."""

    id: str
    title: str
    url: str | None
    category: str | None
    site: str | None = None


@dataclass(frozen=True, slots=True)
class RemoteArticle:
    """An article on the server, with the server's own id and marks."""

    id: str
    feed_id: str
    title: str
    link: str | None
    author: str | None
    published: float | None  # seconds since the epoch (UTC)
    content: str  # HTML, untrusted
    read: bool
    starred: bool
    # attached files as the server lists them: (address, type, size in bytes if known)
    enclosures: tuple[tuple[str, str, int | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    """One batch of articles from :meth:`Remote.articles`; ``cursor`` is what to store once
    this page is kept (``None``: nothing to store yet, keep the previous one)."""

    articles: list[RemoteArticle]
    cursor: str | None = None


class SyncError(UserError):
    """A sync account could not be reached or used; one sentence for the user."""


class WrongAnswer(SyncError):
    """The server answered, but not with what its kind of server sends (a client failed to
    read it): ``account add`` saves nothing when its first sync ends so."""


class Endless(SyncError):
    """The server sent a page it had sent already (it ignores paging), or too many pages."""


class AuthFailed(SyncError):
    """The server refused the user name or password (or the API is off for the user)."""


class ServerUnreachable(SyncError):
    """No answer, a network error, or an answer that is not the API's."""


class SessionExpired(SyncError):
    """The server no longer knows the session: log in again (the engine does, once)."""


class Busy(SyncError):
    """The server asked us to wait (HTTP 429 or 503); ``retry_after`` in seconds if it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Remote(Protocol):
    """A logged-in view of one account on one server.

    Made as ``Client(url, user, password, token)``. ``token`` is a session the server handed
    out before (``None``: none kept); a client that has one may work without logging in, and
    raises :class:`SessionExpired` when the server has forgotten it. ``password`` may be ``""``
    when a token is given: the engine then sets it before calling :meth:`login` again.
    After :meth:`login`, ``token`` is what to keep on disk (``None``: nothing).
    Every call may raise :class:`ServerUnreachable`, :class:`Busy` or :class:`SessionExpired`.
    """

    password: str
    token: str | None

    def login(self) -> None:
        """Check the credentials and open a session; :class:`AuthFailed` if refused."""

    def feeds(self) -> list[RemoteFeed]:
        """Every feed of the account, with its category."""

    def articles(self, cursor: str | None) -> Iterator[Page]:
        """Articles new since ``cursor`` (``None``: the first sync; how far back is the
        server's default), page by page, paging as the server pages. The last page carries
        the cursor for the next sync. A repeat sync never pulls the whole history again."""

    def unread_ids(self) -> set[str]:
        """Ids of every unread article on the server."""

    def starred_ids(self) -> set[str]:
        """Ids of every starred article on the server."""

    def mark(
        self, ids: Sequence[str], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Set read and/or starred on these articles (``None``: leave that mark alone).
        "Mark all read" arrives here too, as the ids of the articles the user saw: a
        server-side catch-up would also read what came in since the last sync, unseen."""

    def close(self) -> None:
        """Release the connection (the session stays valid for the next run)."""


class Counting(Protocol):
    """What a client may offer besides :class:`Remote`: each feed's unread and starred counts
    in one cheap request. When they match the library's, the engine skips downloading the
    whole read and starred sets (but compares them in full at least hourly)."""

    def counts(self) -> dict[str, tuple[int, int]]:
        """Feed id -> (unread, starred), for feeds that hold articles."""


def as_int(value: Any) -> int:
    """A number a server gives as a number or a string of digits (else 0; true is 1)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return 0


def as_text(value: Any) -> str | None:
    """A string a server gives, or None for anything else and for blanks."""
    return value if isinstance(value, str) and value.strip() else None


class Listed:
    """The pages of one listing so far (``capped``: at most :data:`MAX_PAGES` of them)."""

    def __init__(self, capped: bool = True) -> None:
        self.capped = capped
        self.pages = 0
        self.seen: set[object] = set()

    def add(self, ids: Iterable[object]) -> None:
        """Count a page by its ids; :class:`Endless` at one that brings no id an earlier page
        did not (a server that ignores paging would be asked forever) or one too many."""
        self.pages += 1
        found = set(ids)
        if found and found <= self.seen:
            raise Endless(
                f"the server sent page {self.pages} of a listing again (it ignores paging); "
                "the sync stopped there"
            )
        if self.capped and self.pages > MAX_PAGES:
            raise Endless(
                f"the server sent more than {MAX_PAGES} pages of one listing (it never stops "
                "paging); the sync stopped there"
            )
        self.seen |= found


def attached(
    files: Any, url: str, kind: str, size: str | None = None
) -> tuple[tuple[str, str, int | None], ...]:
    """:attr:`RemoteArticle.enclosures` from the files a server lists for an article: a list
    of tables holding the address under ``url``, the type under ``kind`` and the size in bytes
    under ``size`` (none, or not above 0: unknown). Tables without an address are left out."""
    found = []
    for file in files if isinstance(files, list) else ():
        address = as_text(file.get(url)) if isinstance(file, dict) else None
        if address:
            length = as_int(file.get(size)) if size else 0
            found.append((address, as_text(file.get(kind)) or "", length if length > 0 else None))
    return tuple(found)


def fresh(
    pages: Iterable[T], ids: Callable[[T], Iterable[object]], *, listing: bool = True
) -> Iterator[T]:
    """``pages`` as they come, checked as :class:`Listed` (``listing``: they are one listing
    of the server's, capped; else a whole sync's, which is not)."""
    listed = Listed(capped=listing)
    for page in pages:
        listed.add(ids(page))
        yield page
