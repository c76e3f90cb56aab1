"""A real Tiny Tiny RSS on 127.0.0.1: Debian's ``tt-rss`` with PostgreSQL and PHP's own server.

``TtRss.launch()`` builds everything in one temporary folder, once per test session: a private
PostgreSQL cluster (``initdb``; unix socket in the folder, no TCP), tt-rss's schema, a copy of
the web root with its own ``config.php`` pointing at that cluster, and ``php -S`` serving it on a
free port (no Apache, no systemd, nothing in ``/etc`` changed). PostgreSQL and tt-rss refuse to
run as root, so under root both run as the ``postgres`` user.

tt-rss will not subscribe to feeds on loopback addresses, so tests put feeds, categories and
articles straight into its database with :meth:`TtRss.seed`, and read or change the server's
read and starred marks the same way. Article ids are tt-rss's own integers (``ttrss_entries.id``,
what its JSON API calls ``id``).

Fixtures: ``ttrss_server`` (the session's server) and ``ttrss`` (the same server, emptied and
running, for one test). Without the packages they skip, naming what to install; ``.ci/run``
installs them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

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

WWW = Path("/usr/share/tt-rss/www")
SCHEMA = Path("/usr/share/tt-rss/schema/ttrss_schema_pgsql.sql")
DEBIAN_CONFIG = Path("/etc/tt-rss/config.php")
PACKAGES = "dbconfig-no-thanks tt-rss postgresql php-cli php-pgsql"
USER = "admin"  # the user tt-rss's schema creates (uid 1)
PASSWORD = "correct horse battery"


def _pg_bin() -> Path:
    """The newest installed PostgreSQL's program folder."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent)
    if not found:
        raise Missing(f"Tiny Tiny RSS needs PostgreSQL: apt-get install {PACKAGES}")
    return found[-1].parent


def _check_installed() -> None:
    missing = [str(p) for p in (WWW, SCHEMA, DEBIAN_CONFIG) if not p.exists()]
    if not shutil.which("php"):
        missing.append("php")
    if missing:
        raise Missing(
            f"Tiny Tiny RSS needs Debian's packages ({', '.join(missing)} missing): "
            f"apt-get install {PACKAGES}"
        )
    _pg_bin()


def quote(value: str | None) -> str:
    """``value`` as an SQL string literal (NULL for None)."""
    if value is None:
        return "NULL"
    return "'" + value.replace("\x00", "").replace("'", "''") + "'"


def _stamp(seconds: float | None) -> str:
    if seconds is None:
        return "(now() at time zone 'UTC')"
    return f"(to_timestamp({seconds:.6f}) at time zone 'UTC')"


class TtRss(WebProcess):
    """One running tt-rss: its address, credentials, database and web server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pg_bin = _pg_bin()
        self.pg_port = free_port()
        self.port = free_port()
        self.user = USER
        self.password = PASSWORD
        self.seeded = Seeded()
        self._owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        """The base address a client is given (the API is at ``url + "api/"``)."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def launch(cls) -> TtRss:
        """Build and start a fresh server in a new temporary folder (about 3 s)."""
        _check_installed()
        root = Path(tempfile.mkdtemp(prefix="tui-news-ttrss-"))
        server = cls(root)
        try:
            server._build()
            server.start()
        except BaseException:
            server.close()
            raise
        return server

    def _run(self, *command: str | Path, owner: bool = False, stdin: str | None = None) -> str:
        argv = [*(self._owner if owner else []), *map(str, command)]
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(argv[:4])}... failed: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def _build(self) -> None:
        if self._owner:
            shutil.chown(self.root, "postgres")
        data = self.root / "pg"
        self._run(
            self.pg_bin / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--no-sync", "--locale=C", owner=True,
        )  # fmt: skip
        options = (
            f"-p {self.pg_port} -k {self.root} -c listen_addresses='' -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            self.pg_bin / "pg_ctl", "-D", data, "-o", options, "-l", self.root / "pg.log",
            "-w", "start", owner=True,
        )  # fmt: skip
        self._psql("CREATE DATABASE ttrss", database="postgres")
        self._psql(SCHEMA.read_text(encoding="utf-8"))
        pwd_hash = "SHA1:" + hashlib.sha1(PASSWORD.encode()).hexdigest()
        self._psql(f"UPDATE ttrss_users SET pwd_hash = {quote(pwd_hash)}, salt = '' WHERE id = 1")
        self.enable_api(True)
        self._copy_web_root()

    def _copy_web_root(self) -> None:
        """The web root with its links made absolute and a ``config.php`` of this server's."""
        www = self.root / "www"
        shutil.copytree(WWW, www, symlinks=True)
        for link in [p for p in www.rglob("*") if p.is_symlink()]:
            target = os.readlink(link)
            if not os.path.isabs(target):
                original = WWW / link.relative_to(www)
                link.unlink()
                link.symlink_to(os.path.normpath(original.parent / target))
        for name in ("lock", "cache/images", "cache/upload", "cache/export", "feed-icons"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        (www / "feed-icons").unlink()
        (www / "feed-icons").symlink_to(self.root / "feed-icons")
        database = (
            f"$dbtype = 'pgsql'; $dbserver = '{self.root}'; $dbport = '{self.pg_port}';"
            " $dbuser = 'postgres'; $dbname = 'ttrss'; $dbpass = '';"
        )
        config = DEBIAN_CONFIG.read_text(encoding="utf-8")
        replacements = {
            "include_once('/etc/tt-rss/database.php');": database,
            "%SELF_URL_PATH": self.url,
            "/var/lib/tt-rss": str(self.root / "lock"),
            "/var/cache/tt-rss": str(self.root / "cache"),
            "define('LOG_DESTINATION', 'syslog');": "define('LOG_DESTINATION', '');",
        }
        for old, new in replacements.items():
            if old not in config:
                raise RuntimeError(f"{DEBIAN_CONFIG} changed: {old!r} not found in it")
            config = config.replace(old, new)
        (www / "config.php").unlink()
        (www / "config.php").write_text(config, encoding="utf-8")
        if self._owner:
            for name in ("lock", "cache", "feed-icons"):
                for path in [self.root / name, *(self.root / name).rglob("*")]:
                    shutil.chown(path, "postgres")

    def start(self) -> None:
        """Start the web server (a no-op when it runs); the database keeps running."""
        if self.running:
            return
        command = [
            *self._owner, "php", "-q", "-d", "display_errors=stderr", "-d", "date.timezone=UTC",
            "-S", f"127.0.0.1:{self.port}", "-t", str(self.root / "www"),
        ]  # fmt: skip
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
        self._launch(command, "php.log", self.root / "www", env, "php")

    def close(self) -> None:
        """Stop everything and delete the folder."""
        self.stop()
        if (self.root / "pg" / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                self._run(
                    self.pg_bin / "pg_ctl", "-D", self.root / "pg", "-m", "immediate", "-w",
                    "stop", owner=True,
                )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)

    # -- the database ------------------------------------------------------------------------

    def _psql(self, script: str, database: str = "ttrss") -> str:
        return self._run(
            self.pg_bin / "psql", "-h", self.root, "-p", str(self.pg_port), "-U", "postgres",
            "-d", database, "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1",
            stdin=script,
        )  # fmt: skip

    def sql(self, script: str) -> list[list[str]]:
        """Run SQL in tt-rss's database; the rows of its last result, each a list of strings."""
        return [line.split("\x1f") for line in self._psql(script).splitlines() if line]

    def reset(self) -> None:
        """Empty the server for the next test: no feeds, articles or sessions; web server up."""
        self.sql(
            "DELETE FROM ttrss_user_entries; DELETE FROM ttrss_entries; DELETE FROM ttrss_feeds;"
            " DELETE FROM ttrss_feed_categories; DELETE FROM ttrss_sessions;"
            " DELETE FROM ttrss_counters_cache; DELETE FROM ttrss_cat_counters_cache;"
            " DELETE FROM ttrss_user_prefs WHERE owner_uid = 1;"
            " UPDATE ttrss_users SET pwd_hash = "
            + quote("SHA1:" + hashlib.sha1(PASSWORD.encode()).hexdigest())
            + ", salt = '' WHERE id = 1;"
        )
        self.enable_api(True)
        self.seeded = Seeded()
        self.start()

    def enable_api(self, enabled: bool) -> None:
        """Turn the user's "Enable API" preference on or off (tt-rss ships it off)."""
        self.set_pref("ENABLE_API_ACCESS", enabled)

    def set_pref(self, name: str, on: bool) -> None:
        """Turn one of the user's yes-or-no preferences on or off (until the next test)."""
        self.sql(
            f"DELETE FROM ttrss_user_prefs WHERE owner_uid = 1 AND pref_name = {quote(name)};"
            "INSERT INTO ttrss_user_prefs (owner_uid, pref_name, profile, value)"
            f" VALUES (1, {quote(name)}, NULL, '{str(on).lower()}')"
        )

    def expire_sessions(self) -> None:
        """Forget every API session, as tt-rss does when they time out."""
        self.sql("DELETE FROM ttrss_sessions")

    def _next_ids(self, sequence: str, count: int) -> list[int]:
        if not count:
            return []
        rows = self.sql(f"SELECT nextval('{sequence}') FROM generate_series(1, {count})")
        return [int(row[0]) for row in rows]

    def seed(
        self,
        categories: Iterable[str] = (),
        feeds: Iterable[Feed] = (),
        articles: Iterable[Article] = (),
    ) -> Seeded:
        """Put categories, feeds and articles into tt-rss for user ``admin`` in one transaction.

        Titles name categories and feeds (also those of earlier calls); returns every id so far,
        and this call's article ids in order.
        """
        feeds, articles = list(feeds), list(articles)
        names = [c for c in dict.fromkeys([*categories, *(f.category for f in feeds)]) if c]
        new_categories = [c for c in names if c not in self.seeded.categories]
        new_feeds = [f for f in feeds if f.title not in self.seeded.feeds]
        category_ids = self._next_ids("ttrss_feed_categories_id_seq", len(new_categories))
        feed_ids = self._next_ids("ttrss_feeds_id_seq", len(new_feeds))
        article_ids = self._next_ids("ttrss_entries_id_seq", len(articles))
        self.seeded.categories.update(zip(new_categories, category_ids, strict=True))
        self.seeded.feeds.update((f.title, i) for f, i in zip(new_feeds, feed_ids, strict=True))
        script = ["BEGIN;"]
        for title, cid in zip(new_categories, category_ids, strict=True):
            script.append(
                "INSERT INTO ttrss_feed_categories (id, owner_uid, title)"
                f" VALUES ({cid}, 1, {quote(title)});"
            )
        for feed, fid in zip(new_feeds, feed_ids, strict=True):
            cat = self.seeded.categories[feed.category] if feed.category else "NULL"
            url = feed.url or f"http://feeds.invalid/{fid}.xml"
            script.append(
                "INSERT INTO ttrss_feeds (id, owner_uid, title, cat_id, feed_url, site_url)"
                f" VALUES ({fid}, 1, {quote(feed.title)}, {cat}, {quote(url)},"
                f" {quote(feed.site)});"
            )
        entries, user_entries, enclosures = [], [], []
        for article, aid in zip(articles, article_ids, strict=True):
            enclosures += [
                f"({quote(url)}, 'image/jpeg', '', '', {aid})" for url in article.attachments
            ]
            stamp = _stamp(article.published)
            guid = article.guid or f"tui-news-test:{aid}"
            link = article.link or f"http://feeds.invalid/article/{aid}"
            entries.append(
                f"({aid}, {quote(article.title)}, {quote(guid)}, {quote(link)}, {stamp},"
                f" {quote(article.content)}, {quote(guid)}, {stamp}, {stamp},"
                f" {quote(article.author)})"
            )
            read_at = "now()" if article.read else "NULL"
            marked_at = "now()" if article.starred else "NULL"
            user_entries.append(
                f"({aid}, '', {self.seeded.feeds[article.feed]}, 1, '', '',"
                f" {str(not article.read).lower()}, {str(article.starred).lower()},"
                f" {read_at}, {marked_at})"
            )
        for start in range(0, len(entries), 500):
            script.append(
                "INSERT INTO ttrss_entries (id, title, guid, link, updated, content,"
                " content_hash, date_entered, date_updated, author) VALUES "
                + ",\n".join(entries[start : start + 500])
                + ";"
            )
            script.append(
                "INSERT INTO ttrss_user_entries (ref_id, uuid, feed_id, owner_uid, tag_cache,"
                " label_cache, unread, marked, last_read, last_marked) VALUES "
                + ",\n".join(user_entries[start : start + 500])
                + ";"
            )
        if enclosures:
            script.append(
                "INSERT INTO ttrss_enclosures (content_url, content_type, title, duration,"
                " post_id) VALUES " + ",\n".join(enclosures) + ";"
            )
        script.append("COMMIT;")
        self.sql("\n".join(script))
        return Seeded(dict(self.seeded.categories), dict(self.seeded.feeds), article_ids)

    def state(self) -> dict[int, tuple[bool, bool]]:
        """Every article's marks on the server: id -> (read, starred)."""
        rows = self.sql("SELECT ref_id, unread, marked FROM ttrss_user_entries WHERE owner_uid = 1")
        return {int(i): (unread == "f", marked == "t") for i, unread, marked in rows}

    def unread_ids(self) -> set[int]:
        return {i for i, (read, _) in self.state().items() if not read}

    def read_ids(self) -> set[int]:
        return {i for i, (read, _) in self.state().items() if read}

    def starred_ids(self) -> set[int]:
        return {i for i, (_, starred) in self.state().items() if starred}

    def set_state(
        self, ids: Sequence[int], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Change marks on the server side, as another client of the same account would."""
        changes = []
        if read is not None:
            changes.append(f"unread = {str(not read).lower()}, last_read = now()")
        if starred is not None:
            changes.append(f"marked = {str(starred).lower()}, last_marked = now()")
        if changes and ids:
            listed = ", ".join(str(int(i)) for i in ids)
            self.sql(
                f"UPDATE ttrss_user_entries SET {', '.join(changes)}"
                f" WHERE owner_uid = 1 AND ref_id IN ({listed})"
            )


@pytest.fixture(scope="session")
def ttrss_server() -> Iterator[TtRss]:
    """The session's Tiny Tiny RSS (built once); prefer ``ttrss``, which empties it first."""
    yield from session_server(TtRss.launch)


@pytest.fixture
def ttrss(ttrss_server: TtRss) -> TtRss:
    """The session's Tiny Tiny RSS, empty (no feeds, articles or sessions) and running."""
    ttrss_server.reset()
    return ttrss_server


def api(server: TtRss, op: str, **params: Any) -> dict[str, Any]:
    """One call to tt-rss's JSON API with httpx (for tests of the fixture itself)."""
    import httpx

    answer = httpx.post(server.api_url, json={"op": op, **params}, timeout=10)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result
