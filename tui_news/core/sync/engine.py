"""The sync engine: one account's sync with its server, the same for every kind of server.

A sync first pushes the marks changed here (the queue), then pulls the feeds (their categories
become sections), the articles new since the stored cursor (page by page, each page stored
with its cursor in one transaction, so a crash keeps what was stored and pulls the rest next
time), and finally the server's read and starred sets.

Conflicts: a mark changed here and still waiting in the queue wins over the server's state at
the moment of the sync (it is pushed first, and the server's state is not applied over it);
every other mark takes the server's state.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from tui_news.core.errors import UserError
from tui_news.core.html_text import strip_tags
from tui_news.core.library.accounts import Account, AccountRows, Mark, fingerprint
from tui_news.core.models import Parsed, RefreshReport
from tui_news.core.sources.feeds import checked_enclosures
from tui_news.core.sync.ahead import Ahead
from tui_news.core.sync.kinds import NAMES
from tui_news.core.sync.remote import (
    Busy,
    Remote,
    RemoteArticle,
    SessionExpired,
    SyncError,
    WrongAnswer,
    fresh,
)
from tui_news.core.text import clean, one_line, safe_link

T = TypeVar("T")

# Articles stored per transaction, about: one per page would be 25 transactions for 5,000
# articles, each writing every feed's share apart (~6 of 10 s of a first sync here).
STORE_BATCH = 1000
IDLE_BATCH = 400  # ... or at least this many when the next page has not come yet
PUSH_BATCH = 200  # ids per mark request (servers cap the size of a request)
BUSY_TRIES = 4  # a busy server is asked this many times in all before the sync gives up
BUSY_WAIT = 2.0  # seconds before the first retry when the server does not say; doubling
BUSY_WAIT_MAX = 30.0
# Seconds: the whole read and starred sets are compared at least this often, even when the
# server's counts (a client's optional ``counts``) match ours: two changes elsewhere can cancel
# out in a count.
COMPARE_EVERY = 3600.0


@dataclass(slots=True)
class Credentials:
    """How the engine gets what it needs to log in again: the password (asked for only when
    needed) and where to keep the session token the server hands out."""

    password: Callable[[], str]
    save_token: Callable[[str | None], None]


class Engine:
    """Syncs one account through its :class:`Remote`; see the module's docstring."""

    def __init__(
        self,
        rows: AccountRows,
        account: Account,
        remote: Remote,
        credentials: Credentials,
        sleep: Callable[[float], None] = time.sleep,
        stored: Callable[[], None] = lambda: None,
    ) -> None:
        self.rows = rows
        self.account = account
        self.remote = remote
        self.credentials = credentials
        self.sleep = sleep
        self.stored = stored  # called after each batch of articles is stored (stories)
        self._logged_in = False

    def sync(self) -> RefreshReport:
        """Push, then pull; raises a :class:`~tui_news.core.sync.remote.SyncError` (what was
        stored before it stays, and the queue keeps what was not delivered)."""
        if self.remote.token is None:
            self.login()
        report = RefreshReport()
        self._call(self.push)
        feeds = self._call(lambda: self._answer(self.remote.feeds))
        sections = self.rows.set_feeds(
            self.account, ((f.id, f.title, f.category, f.site) for f in feeds)
        )
        first = self.account.cursor is None
        report.merge(self._call(lambda: self._pull(sections)))
        if first:
            self.rows.set_compared(self.account.id, time.time())
        else:
            report.updated += self._reconcile()
        return report

    def _reconcile(self) -> int:
        """Take the server's read and starred sets (see :meth:`Engine.sync`); skipped when the
        server's per-feed counts match ours and the last full comparison is recent."""
        counting = getattr(self.remote, "counts", None)
        recent = time.time() - self.rows.compared_at(self.account.id) < COMPARE_EVERY
        if counting is not None and recent:
            counted = self._call(lambda: self._answer(lambda: dict(counting())))
            theirs = {f: c for f, c in counted.items() if c != (0, 0)}
            if theirs == self.rows.counts(self.account.id):
                return 0
        unread = self._call(lambda: self._answer(lambda: set(self.remote.unread_ids())))
        starred = self._call(lambda: self._answer(lambda: set(self.remote.starred_ids())))
        changed = self.rows.reconcile(self.account.id, unread, starred)
        self.rows.set_compared(self.account.id, time.time())
        return changed

    def login(self) -> None:
        """Log in (asking for the password if it is not known yet) and keep the token."""
        if not self.remote.password:
            self.remote.password = self.credentials.password()
        self._answer(self.remote.login)
        self._logged_in = True
        self.credentials.save_token(self.remote.token)

    def push(self) -> int:
        """Send the queued marks to the server; how many went."""
        pending = self.rows.pending(self.account.id)
        groups: dict[tuple[str, bool], list[Mark]] = {}
        for mark in pending:
            groups.setdefault((mark.mark, mark.value), []).append(mark)
        for (kind, value), marks in groups.items():
            for start in range(0, len(marks), PUSH_BATCH):
                batch = marks[start : start + PUSH_BATCH]
                ids = [m.remote_id for m in batch]
                if kind == "read":
                    self._answer(partial(self.remote.mark, ids, read=value))
                else:
                    self._answer(partial(self.remote.mark, ids, starred=value))
                self.rows.delivered(self.account.id, batch)
        return len(pending)

    def _pull(self, sections: dict[str, tuple[int, str]]) -> RefreshReport:
        """Store the articles new since the stored cursor, each batch with the newest cursor
        its pages carried, in one transaction: :data:`STORE_BATCH` articles at a time, or
        fewer when the next page has not come yet (storing while it downloads, which leaves
        little to store once the last one is in). A page that brings no article not seen in
        this sync (a server ignoring paging) ends it with
        :class:`~tui_news.core.sync.remote.Endless`, as a listing with too many pages does in
        the client; what came before is kept."""
        report = RefreshReport()
        account = self.rows.account(self.account.id)
        cursor = account.cursor if account else None
        batch: dict[int, list[tuple[Parsed, bool, bool]]] = {}
        held, newest = 0, None
        articles = self.remote.articles(cursor)
        pages = fresh(articles, lambda page: [a.id for a in page.articles], listing=False)
        try:
            with Ahead(pages) as ahead:
                while (page := self._answer(ahead.next)) is not None:
                    for item in page.articles:
                        where = sections.get(item.feed_id)
                        if where is None:
                            where = sections[item.feed_id] = self.rows.other_feed(self.account)
                        stored = self._answer(partial(parsed, item, where[1]))
                        batch.setdefault(where[0], []).append((stored, item.read, item.starred))
                    held += len(page.articles)
                    newest = page.cursor or newest
                    if held >= STORE_BATCH or (held >= IDLE_BATCH and not ahead.ready()):
                        report.merge(self.rows.store_page(self.account.id, batch, newest))
                        self.stored()
                        batch, held, newest = {}, 0, None
        except SyncError:
            if batch:
                self.rows.store_page(self.account.id, batch, newest)
            raise
        if batch or newest:
            report.merge(self.rows.store_page(self.account.id, batch, newest))
            self.stored()
        return report

    def _answer(self, step: Callable[[], T]) -> T:
        """Run a step of the client: see :func:`answered`."""
        return answered(self.account.kind, step)

    def _call(self, step: Callable[[], T]) -> T:
        """Run one step of a sync (each can be run again whole): log in again once when the
        session expired, and wait and retry while the server says it is busy."""
        tries = 0
        while True:
            try:
                return step()
            except SessionExpired:
                if self._logged_in:
                    raise
                self.login()
            except Busy as busy:
                tries += 1
                if tries >= BUSY_TRIES:
                    raise
                wait = busy.retry_after or BUSY_WAIT * 2 ** (tries - 1)
                self.sleep(min(max(wait, 0.0), BUSY_WAIT_MAX))


def answered(kind: str, step: Callable[[], T]) -> T:
    """Run a step of a client of ``kind``. Any exception but a UserError means the client
    could not read the server's answer (a number where a text was, a list where a table
    was): :class:`WrongAnswer`, in one line."""
    try:
        return step()
    except UserError:
        raise
    except Exception as error:
        why = one_line(f"{type(error).__name__}: {error}")[:200]
        name = NAMES.get(kind, kind)
        raise WrongAnswer(f"the server's answer was not what {name} sends: {why}") from error


def parsed(item: RemoteArticle, section: str) -> Parsed:
    """A server's article as the library stores it (its key: the server's id), its HTML and
    attached files kept as a feed's are (converted when it is read, pictures and all)."""
    content = item.content or ""
    markup = content if "<" in content else None
    body = strip_tags(markup) if markup else clean(html.unescape(content)).strip()
    return Parsed(
        key=item.id,
        title=one_line(item.title),  # the store takes titles and authors as one line already
        body=body,
        section=section,
        author=one_line(item.author or "") or None,
        link=safe_link(item.link),
        published=item.published,
        fingerprint=fingerprint(item.title, content, item.link, item.author, item.published),
        content=markup,
        enclosures=checked_enclosures(item.link or "", item.enclosures),
    )
