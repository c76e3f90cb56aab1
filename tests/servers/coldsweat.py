"""A real Fever API server on 127.0.0.1: coldsweat 0.10.2 from PyPI, on SQLite, no root needed.

coldsweat lives in a virtual environment of its own (``~/.cache/tui-news/coldsweat-0.10.2``,
made with pip on first use, about 30 s, then reused), not in the test environment: it pins
``urllib3<2``, ``markupsafe<3`` and ``flask<3.1``, which would change what the project's own code
runs against. Each session gets a fresh database (``coldsweat setup``) and ``coldsweat run``
(Flask's threaded server) on a free port; the Fever endpoint is ``url`` (``…/fever/``).

coldsweat fetches feeds itself, so tests put feeds, groups and entries straight into its SQLite
file with :meth:`Coldsweat.seed` and read or change the server's read and saved marks there.
Ids are coldsweat's own integers. Fixtures: ``coldsweat_server`` (the session's) and
``coldsweat`` (emptied and running, for one test); they skip, saying why, when coldsweat cannot
be installed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.servers import (
    Article,
    Feed,
    Missing,
    Seeded,
    WebProcess,
    free_port,
    session_server,
)

VERSION = "0.10.2"
EMAIL = "reader@example.com"
PASSWORD = "correct horse battery"  # coldsweat wants at least 12 characters
DEFAULT_GROUP = 1  # coldsweat's built-in group "Default"; groups 2-9 are reserved


def venv_dir() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "tui-news" / f"coldsweat-{VERSION}"


def installed() -> Path:
    """coldsweat's command, installing it into its own venv first when needed."""
    venv = venv_dir()
    command, complete = venv / "bin" / "coldsweat", venv / ".complete"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with (venv.parent / f"{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one installer at a time
        if complete.exists():
            return command
        shutil.rmtree(venv, ignore_errors=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True)
            pip: list[str | Path] = [venv / "bin" / "pip", "install", "-q", f"coldsweat=={VERSION}"]
            done = subprocess.run(pip, capture_output=True, text=True, check=False)
        except (OSError, subprocess.CalledProcessError) as error:
            done = subprocess.CompletedProcess([], 1, "", str(error))
        if done.returncode or not command.exists():
            shutil.rmtree(venv, ignore_errors=True)
            raise Missing(f"pip could not install coldsweat {VERSION}: {done.stderr[-500:]}")
        complete.touch()
    return command


def _when(seconds: float | None) -> str:
    moment = datetime.now(UTC) if seconds is None else datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class Coldsweat(WebProcess):
    """One running coldsweat: its Fever endpoint, credentials, database and web server."""

    def __init__(self, root: Path, command: Path) -> None:
        self.root = root
        self.command = command
        self.database = root / "coldsweat.db"
        self.port = free_port()
        self.user = EMAIL
        self.password = PASSWORD
        self.seeded = Seeded()
        self._env = {
            **os.environ,
            "FLASK_DATABASE_URL": f"sqlite:///{self.database}",
            "FLASK_SECRET_KEY": "tests only",
        }

    @property
    def url(self) -> str:
        """The Fever endpoint a client is given."""
        return f"http://127.0.0.1:{self.port}/fever/"

    @classmethod
    def launch(cls) -> Coldsweat:
        """Set up a fresh database and start the server (about 2 s once installed)."""
        server = cls(Path(tempfile.mkdtemp(prefix="tui-news-coldsweat-")), installed())
        try:
            done = subprocess.run(
                [server.command, "setup", EMAIL, "-p", PASSWORD],
                env=server._env, cwd=server.root, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode or not server.database.exists():
                raise RuntimeError(f"coldsweat setup failed: {done.stdout}{done.stderr}")
            server.start()
        except BaseException:
            server.close()
            raise
        return server

    def start(self) -> None:
        """Start the web server (a no-op when it runs)."""
        if self.running:
            return
        command = [str(self.command), "run", "--host", "127.0.0.1", "--port", str(self.port)]
        self._launch(command, "web.log", self.root, self._env, "coldsweat")

    def close(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- the database ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.database, timeout=30)
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def sql(self, query: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        """Run one statement in coldsweat's database; its rows."""
        with self._db() as db:
            return list(db.execute(query, params))

    def reset(self) -> None:
        """Empty the server for the next test (no feeds, groups of ours, entries or marks)."""
        with self._db() as db:
            for table in ("read", "saved", "subscriptions", "entries", "feeds"):
                db.execute(f'DELETE FROM "{table}"')
            db.execute('DELETE FROM "groups" WHERE id > 9')
        self.seeded = Seeded()
        self.start()

    def seed(
        self,
        categories: Iterable[str] = (),
        feeds: Iterable[Feed] = (),
        articles: Iterable[Article] = (),
    ) -> Seeded:
        """Put groups, feeds and entries into coldsweat for the user, in one transaction.

        A feed without a category goes to coldsweat's group "Default", as it does itself.
        Titles name groups and feeds (also those of earlier calls); returns every id so far, and
        this call's entry ids in order.
        """
        feeds, articles = list(feeds), list(articles)
        ids: list[int] = []
        with self._db() as db:
            for title in dict.fromkeys([*categories, *(f.category for f in feeds)]):
                if title and title not in self.seeded.categories:
                    cursor = db.execute(
                        "INSERT INTO groups (title, color) VALUES (?, '#FFFFFF')", (title,)
                    )
                    self.seeded.categories[title] = int(cursor.lastrowid or 0)
            for feed in feeds:
                if feed.title in self.seeded.feeds:
                    continue
                cursor = db.execute(
                    "INSERT INTO feeds (enabled, self_link, error_count, title, alternate_link,"
                    " etag, source, icon, icon_url) VALUES (1, ?, 0, ?, ?, '', 'G', '', '')",
                    (feed.url or f"http://feeds.invalid/{feed.title}", feed.title, feed.site),
                )
                feed_id = int(cursor.lastrowid or 0)
                self.seeded.feeds[feed.title] = feed_id
                group = self.seeded.categories[feed.category] if feed.category else DEFAULT_GROUP
                db.execute(
                    "INSERT INTO subscriptions (user_id, group_id, feed_id) VALUES (1, ?, ?)",
                    (group, feed_id),
                )
            for index, article in enumerate(articles):
                cursor = db.execute(
                    "INSERT INTO entries (guid, feed_id, title, content_type, content,"
                    " thumbnail_url, published_on, author, link)"
                    " VALUES (?, ?, ?, 'text/html', ?, '', ?, ?, ?)",
                    (
                        article.guid or f"tui-news-test:{time.time_ns()}:{index}",
                        self.seeded.feeds[article.feed],
                        article.title,
                        article.content,
                        _when(article.published),
                        article.author,
                        article.link or "",
                    ),
                )
                entry = int(cursor.lastrowid or 0)
                ids.append(entry)
                for table, flag in (("read", article.read), ("saved", article.starred)):
                    if flag:
                        db.execute(
                            f"INSERT INTO {table} (user_id, entry_id, {table}_on) VALUES (1, ?, ?)",
                            (entry, _when(None)),
                        )
        return Seeded(dict(self.seeded.categories), dict(self.seeded.feeds), ids)

    def _marked(self, table: str) -> set[int]:
        return {int(str(i)) for (i,) in self.sql(f"SELECT entry_id FROM {table} WHERE user_id = 1")}

    def entry_ids(self) -> set[int]:
        return {int(str(i)) for (i,) in self.sql("SELECT id FROM entries")}

    def read_ids(self) -> set[int]:
        return self._marked("read")

    def unread_ids(self) -> set[int]:
        return self.entry_ids() - self.read_ids()

    def starred_ids(self) -> set[int]:
        return self._marked("saved")

    def set_state(
        self, ids: Sequence[int], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Change marks on the server side, as another client of the same account would."""
        with self._db() as db:
            for table, flag in (("read", read), ("saved", starred)):
                if flag is None:
                    continue
                for entry in ids:
                    db.execute(f"DELETE FROM {table} WHERE user_id = 1 AND entry_id = ?", (entry,))
                    if flag:
                        db.execute(
                            f"INSERT INTO {table} (user_id, entry_id, {table}_on) VALUES (1, ?, ?)",
                            (entry, _when(None)),
                        )


@pytest.fixture(scope="session")
def coldsweat_server() -> Iterator[Coldsweat]:
    """The session's coldsweat (set up once); prefer ``coldsweat``, which empties it first."""
    yield from session_server(Coldsweat.launch)


@pytest.fixture
def coldsweat(coldsweat_server: Coldsweat) -> Coldsweat:
    """The session's coldsweat, empty and running."""
    coldsweat_server.reset()
    return coldsweat_server
