"""The library's API: one SQLite file (WAL, versioned schema) holding sources, articles and
state, read into the core's models."""

from __future__ import annotations

import json
import sqlite3
import time
from array import array
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from tui_news.core.dates import storable
from tui_news.core.errors import LibraryError
from tui_news.core.html_text import strip_tags
from tui_news.core.library import fts, sql
from tui_news.core.library.connections import Connections
from tui_news.core.library.guard import library_errors
from tui_news.core.library.pending import enqueue
from tui_news.core.library.problems import Problems
from tui_news.core.library.sql import id_chunks
from tui_news.core.library.top_stories import top_ids
from tui_news.core.models import (
    Article,
    Enclosure,
    Fetched,
    Headline,
    Parsed,
    Problem,
    RefreshReport,
    SectionCount,
    Source,
    SourceCount,
    View,
)
from tui_news.core.story_text import LEAD_CHARS
from tui_news.core.text import clean, name_order, one_line, shown_name, without_password

BODY = "feed-body:"  # meta keys: a feed's last parsed document's digest, by source id
# A new article's story terms as the parser worked them out (Parsed.terms), kept with it when
# they are its stored headline's and text's (see library/stories.py, which keeps the rest).
KEEP_TERMS = (
    "INSERT OR REPLACE INTO story_terms SELECT id, published, ?1 FROM articles "
    f"WHERE source_id = ?2 AND key = ?3 AND title IS ?4 AND substr(body, 1, {LEAD_CHARS}) IS ?5"
)


@library_errors
class Store(Problems, Connections):
    """The library's API (sources, articles, searches, counts) on one file; each thread gets
    its own connection (see :class:`Connections`).

    An SQLite error in any of its methods (a damaged page met while reading, say) raises
    :class:`LibraryError` with one sentence.
    """

    # --- sources --------------------------------------------------------------------------

    def has_sources(self) -> bool:
        """True if at least one source was ever added and not removed."""
        return self.conn.execute("SELECT 1 FROM sources LIMIT 1").fetchone() is not None

    def has_accounts(self) -> bool:
        """True if a sync account is saved (``core/sync/``)."""
        return self.conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None

    def has_location(self, location: str) -> bool:
        """True if a source already has this location."""
        row = self.conn.execute("SELECT 1 FROM sources WHERE location = ?", (location,))
        return row.fetchone() is not None

    def sources(self, counted: bool = True) -> list[Source]:
        """Every source in the order they were added, with its article and unread counts
        (not ``counted``: 0, and no article is read, which takes a few ms per 10,000)."""
        query = f"{sql.SOURCE} GROUP BY s.id" if counted else sql.UNCOUNTED_SOURCE
        rows = self.conn.execute(f"{query} ORDER BY s.id").fetchall()
        return [Source(*row) for row in rows]

    def source(self, source_id: int) -> Source | None:
        """One source by id."""
        row = self.conn.execute(
            f"{sql.SOURCE} WHERE s.id = ? GROUP BY s.id", (source_id,)
        ).fetchone()
        return Source(*row) if row else None

    def add_source(self, kind: str, location: str, name: str, section: str | None) -> Source:
        """Add a source; raise :class:`LibraryError` if its location is already subscribed."""
        try:
            with self.transaction() as conn:
                cursor = conn.execute(
                    "INSERT INTO sources (kind, location, name, section, added) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        kind,
                        location,
                        shown_name(name),
                        shown_name(section) or None,
                        time.time(),
                    ),
                )
        except sqlite3.IntegrityError:
            raise LibraryError(f"{without_password(location)} is already in the library") from None
        source = self.source(int(cursor.lastrowid or 0))
        assert source is not None
        return source

    def remove_source(self, source_id: int) -> None:
        """Remove a source with its articles and problems."""
        with self.transaction() as conn:
            fts.reindex(conn, "source_id = ?", (source_id,), remove=True)
            conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
            conn.execute("DELETE FROM meta WHERE key = ?", (f"{BODY}{source_id}",))

    def edit_source(
        self, source_id: int, name: str | None = None, section: str | None = None
    ) -> None:
        """Rename a source and/or set its section (``""`` clears it); marks are untouched."""
        with self.transaction() as conn:
            if name is not None:
                conn.execute(
                    "UPDATE sources SET name = ? WHERE id = ?", (shown_name(name), source_id)
                )
            if section is not None:
                conn.execute(
                    "UPDATE sources SET section = ? WHERE id = ?",
                    (shown_name(section) or None, source_id),
                )

    def set_section(self, source_id: int, section: str) -> int:
        """Put every article of a source in ``section``; how many moved."""
        with self.transaction() as conn:
            return conn.execute(
                "UPDATE articles SET section = ? WHERE source_id = ? AND section != ?",
                (one_line(section), source_id, one_line(section)),
            ).rowcount

    def forget_fingerprints(self, source_id: int) -> None:
        """Make the next scan of a source read every file again (its marks stay)."""
        with self.transaction() as conn:
            conn.execute("UPDATE articles SET fingerprint = NULL WHERE source_id = ?", (source_id,))

    def set_fetched(self, fetches: Iterable[Fetched]) -> None:
        """Remember successful fetches: validators for the next conditional GET, a moved
        address; a source with no chosen name takes its feed's title. One statement for
        them all (a refresh of 500 unchanged feeds spends a few ms here, not 10)."""
        fetches = list(fetches)
        now = time.time()
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE sources SET name = ? WHERE id = ? AND name = ''",
                [(name, f.source_id) for f in fetches if (name := shown_name(f.title))],
            )
            conn.executemany(
                "UPDATE sources SET etag = ?, last_modified = ?, site = coalesce(?, site), "
                "last_ok = ?, last_error = NULL WHERE id = ?",
                [(f.etag, f.last_modified, f.site, now, f.source_id) for f in fetches],
            )
            for f in fetches:
                if f.location and not self.has_location(f.location):
                    conn.execute(
                        "UPDATE sources SET location = ? WHERE id = ?", (f.location, f.source_id)
                    )

    def fingerprints(self, source_id: int) -> dict[str, str]:
        """Stored fingerprints of a source's articles, by key. Read as one JSON object: a
        step of SQLite a row let the refresh's other threads take the GIL at each (200 a feed
        at 100,000 articles), and this runs on its event loop."""
        (found,) = self.conn.execute(
            "SELECT json_group_object(key, fingerprint) FROM articles "
            "WHERE source_id = ? AND fingerprint IS NOT NULL",
            (source_id,),
        ).fetchone()
        fingerprints: dict[str, str] = json.loads(found)
        return fingerprints

    def apply(
        self,
        source_id: int,
        changed: Sequence[Parsed],
        present: set[str] | None,
        problems: Sequence[Problem] | None,
        cleaned: bool = False,
    ) -> RefreshReport:
        """Store (part of) one refresh of a source in a single transaction.

        ``changed`` articles are inserted or updated (read and starred state kept); with
        ``present``, stored articles whose keys are not in it are removed. With ``problems``,
        the source's problems are replaced by them. Its last success is now. A source removed
        meanwhile (during a refresh) is left out, and the rest of a batch is stored.
        ``cleaned``: the articles' bodies are clean already and their titles and authors one
        line (``parse_feed`` makes them so; a title cut from the body may end in a space), not
        cleaned again (for a big refresh, a third of the storing's Python).
        """
        report = RefreshReport(problems=list(problems or ()))
        now = time.time()
        with self.transaction() as conn:
            if not conn.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone():
                return RefreshReport()  # removed while it was being read: nothing to keep
            # What is stored of the items given (and, to remove those gone, of every other).
            query = "SELECT id, key, fingerprint FROM articles WHERE source_id = ?"
            arguments: tuple[object, ...] = (source_id,)
            if present is None:
                query += " AND key IN (SELECT value FROM json_each(?))"
                keys = [item.key for item in changed if not item.unchanged]
                arguments = (source_id, json.dumps(keys))
            existing = {key: (art_id, fp) for art_id, key, fp in conn.execute(query, arguments)}
            inserts, updates, seen, described = [], [], set(), []
            sections: dict[str | None, str] = {}  # a feed's items share theirs
            for item in changed:
                if item.key in seen:
                    continue  # a feed may repeat an item; the first one counts
                seen.add(item.key)
                if item.unchanged:
                    continue  # stored as it is, and read without its text
                art_id, stored_fp = existing.get(item.key, (None, None))
                if art_id is not None and item.fingerprint and stored_fp == item.fingerprint:
                    continue
                section = sections.get(item.section)
                if section is None:
                    section = sections[item.section] = shown_name(item.section) or "Articles"
                values = (
                    section,
                    item.stored_title() if cleaned else one_line(item.title) or "(untitled)",
                    (item.author if cleaned else one_line(item.author)) or None,
                    item.link,
                    storable(item.published, now),
                    item.body if cleaned else clean(item.body).strip(),
                    item.fingerprint,
                    item.content,
                    _enclosures_json(item.enclosures, item.pictures),
                )
                if art_id is not None:
                    updates.append((*values, art_id))
                else:
                    inserts.append((*values[:5], now, *values[5:], source_id, item.key, now))
                    if item.terms is not None:
                        lead = values[5][:LEAD_CHARS]
                        described.append((item.terms, source_id, item.key, values[1], lead))
            updated = [row[-1] for row in updates]
            fts.unindex(conn, updated)
            conn.executemany(
                "UPDATE articles SET section = ?, title = ?, author = ?, link = ?, "
                "published = coalesce(?, published), body = ?, fingerprint = ?, content = ?, "
                "enclosures = ?, full_text_at = NULL WHERE id = ?",
                updates,
            )
            fts.index(conn, updated)
            if inserts and self._local.index_after is None:  # indexed at commit
                self._local.index_after = self.newest_id()  # this thread's connection
            conn.executemany(
                "INSERT INTO articles (section, title, author, link, published, body, "
                "fingerprint, content, enclosures, source_id, key, first_seen) "
                "VALUES (?, ?, ?, ?, coalesce(?, ?), ?, ?, ?, ?, ?, ?, ?)",
                inserts,
            )
            conn.executemany(KEEP_TERMS, described)
            report.added, report.updated = len(inserts), len(updates)
            if present is not None:
                gone = [existing[k][0] for k in existing.keys() - present]
                fts.unindex(conn, gone)
                conn.executemany("DELETE FROM articles WHERE id = ?", ((i,) for i in gone))
                report.removed = len(gone)
            if problems is not None:
                conn.execute("DELETE FROM problems WHERE source_id = ?", (source_id,))
                conn.executemany(
                    "INSERT INTO problems (source_id, location, reason) VALUES (?, ?, ?)",
                    [(source_id, one_line(p.location), one_line(p.reason)) for p in problems],
                )
            conn.execute(
                "UPDATE sources SET last_ok = ?, last_error = NULL WHERE id = ?", (now, source_id)
            )
        return report

    def prune(self, source_id: int, keep: int, present: Collection[str] = ()) -> int:
        """Remove a source's articles beyond its ``keep`` newest, read or not; return how many
        went.

        Starred articles always stay, and so do those whose keys are in ``present`` (still in
        the feed: removed, they would come back as new).
        """
        if keep <= 0:
            return 0
        with self.transaction() as conn:
            held = conn.execute("SELECT count(*) FROM articles WHERE source_id = ?", (source_id,))
            if held.fetchone()[0] <= keep:
                return 0  # counted from an index; the ordered walk below reads every row
            rows = conn.execute(
                "SELECT id, key FROM (SELECT a.id, a.key, a.read, a.starred FROM articles a "
                f"WHERE a.source_id = ? {sql.ORDER} LIMIT -1 OFFSET ?) "
                "WHERE starred = 0",
                (source_id, keep),
            )
            gone = [article_id for article_id, key in rows if key not in present]
            fts.unindex(conn, gone)
            conn.executemany("DELETE FROM articles WHERE id = ?", ((i,) for i in gone))
        return len(gone)

    def set_feed_keys(self, source_id: int, keys: Collection[str]) -> None:
        """Remember which articles a feed held when last fetched (for pruning after a 304)."""
        with self.transaction() as conn:
            conn.execute(  # nothing for a source removed meanwhile
                "INSERT OR REPLACE INTO feed_keys (source_id, keys) "
                "SELECT id, ? FROM sources WHERE id = ?",
                (json.dumps(sorted(keys)), source_id),
            )

    def set_body_digest(self, source_id: int, digest: str) -> None:
        """Remember the digest of the feed document last parsed for a source."""
        self.set_meta(f"{BODY}{source_id}", digest)

    def body_digests(self) -> dict[int, str]:
        """The digest of each feed's document last parsed, by source id."""
        rows = self.conn.execute("SELECT key, value FROM meta WHERE key LIKE ?", (f"{BODY}%",))
        return {int(key[len(BODY) :]): value for key, value in rows}

    def feed_keys(self, source_id: int) -> set[str] | None:
        """The keys of the articles a feed held when last fetched (``None``: not known)."""
        row = self.conn.execute("SELECT keys FROM feed_keys WHERE source_id = ?", (source_id,))
        stored = (row.fetchone() or (None,))[0]
        try:
            return set(json.loads(stored)) if stored is not None else None
        except ValueError:
            return None

    # --- articles -------------------------------------------------------------------------

    def view_ids(
        self,
        view: View,
        limit: int | None = None,
        *,
        interruptible: bool = False,
        asked: int | None = None,
        stories: bool = False,
        in_order: bool = False,
    ) -> array[int]:
        """Ids of a view's articles: newest first, or best first for a ranked search; with
        ``stories``, a story once (see :func:`sql.later_teller`); ``in_order``: see
        :func:`sql.select_ids` (for the first rows of a query that matches many).

        With ``interruptible``, :meth:`interrupt` (from any thread) stops it with
        :class:`QueryInterrupted`; also before it begins, if it came after ``asked`` (the
        :attr:`interruptions` when the read was asked for).
        """
        with self._interruptible(interruptible, asked):
            if view.top:
                return top_ids(self.conn, view, time.time())[:limit]
            return self._ids(*sql.select_ids(view, stories=stories, in_order=in_order), limit)

    def _ids(self, query: str, params: tuple[object, ...], limit: int | None) -> array[int]:
        cursor = self.conn.cursor()
        cursor.row_factory = _first_column  # about twice as fast as unpacking tuples
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        return array("q", cursor.execute(query, params).fetchall())

    def ranked_capped(self, view: View, interruptible: bool = False) -> bool:
        """Whether a ranked search chose its best among the newest
        :data:`~sql.RANK_CANDIDATES` of more matches (``interruptible``: see view_ids)."""
        with self._interruptible(interruptible, None):
            found: int = self.conn.execute(*sql.ranked_candidates(view)).fetchone()[0]
        return found > sql.RANK_CANDIDATES

    def count(self, view: View) -> int:
        """How many articles a view holds."""
        where, params = sql.view_where(view)
        count: int = self.conn.execute(
            f"SELECT count(*) FROM articles a WHERE {where}", params
        ).fetchone()[0]
        return count

    def headlines(self, ids: Iterable[int], stories: bool = True) -> dict[int, Headline]:
        """Headline rows for ``ids``, by id; with ``stories``, each counts the other outlets
        telling its story."""
        found: dict[int, Headline] = {}
        select = sql.headline_select(stories)
        for marks, chunk in id_chunks(ids):
            for row in self.conn.execute(f"{select} WHERE a.id IN ({marks})", chunk):
                found[row[0]] = Headline(
                    row[0], row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6]), row[7]
                )
        return found

    def article(self, article_id: int) -> Article | None:
        """One article with its body, or ``None`` if it is gone."""
        row = self.conn.execute(f"{sql.ARTICLE} WHERE a.id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles(self, view: View, limit: int | None = None) -> list[Article]:
        """A view's articles with their bodies, in the view's order."""
        ids = self.view_ids(view, limit)
        found: dict[int, Article] = {}
        for marks, chunk in id_chunks(ids):
            for row in self.conn.execute(f"{sql.ARTICLE} WHERE a.id IN ({marks})", chunk):
                found[row[0]] = _article(row)
        return [found[i] for i in ids if i in found]

    def unread_among(self, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` are unread."""
        found: set[int] = set()
        for marks, chunk in id_chunks(ids):
            rows = self.conn.execute(
                f"SELECT id FROM articles WHERE read = 0 AND id IN ({marks})", chunk
            )
            found.update(row[0] for row in rows)
        return found

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        """Mark articles read or unread (an account's go to its queue for the server too)."""
        with self.transaction() as conn:
            for marks, chunk in id_chunks(ids):
                enqueue(conn, "read", read, f"a.id IN ({marks})", chunk)
                conn.execute(f"UPDATE articles SET read = ? WHERE id IN ({marks})", (read, *chunk))

    def set_full_text(self, article_id: int, html: str) -> None:
        """Keep an article's full text (HTML from its web page) in place of its summary."""
        with self.transaction() as conn:
            fts.unindex(conn, [article_id])
            conn.execute(
                "UPDATE articles SET content = ?, body = ?, full_text_at = ? WHERE id = ?",
                (html, strip_tags(html), time.time(), article_id),
            )
            fts.index(conn, [article_id])

    def wanting_full_text(self, source_id: int, limit: int) -> list[tuple[int, str]]:
        """A source's newest articles with a link and no full text yet: (id, link)."""
        return self.conn.execute(
            "SELECT a.id, a.link FROM articles a WHERE a.source_id = ? "
            f"AND a.full_text_at IS NULL AND a.link IS NOT NULL {sql.ORDER} LIMIT ?",
            (source_id, limit),
        ).fetchall()

    def set_starred(self, article_id: int, starred: bool) -> None:
        """Star or unstar an article (an account's goes to its queue for the server too)."""
        with self.transaction() as conn:
            enqueue(conn, "starred", starred, "a.id = ?", (article_id,))
            conn.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))

    def newest_id(self) -> int:
        """The highest article id so far (0 with none): articles stored later have higher."""
        newest: int = self.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
        return newest

    def mark_view_read(self, view: View) -> int:
        """Mark every article of a view read; return how many changed."""
        where, params = sql.view_where(view)
        with self.transaction() as conn:
            enqueue(conn, "read", True, where, params)
            cursor = conn.execute(
                f"UPDATE articles AS a SET read = 1 WHERE a.read = 0 AND {where}", params
            )
        return cursor.rowcount

    # --- saved searches -------------------------------------------------------------------

    def searches(self) -> list[tuple[int, str, str]]:
        """Saved searches as (id, name, query), in the order they were saved."""
        return self.conn.execute("SELECT id, name, query FROM searches ORDER BY id").fetchall()

    def save_search(self, name: str, query: str) -> int:
        """Save a query under a name (renaming it if it is saved already); return its id."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO searches (name, query, added) VALUES (?, ?, ?) "
                "ON CONFLICT (query) DO UPDATE SET name = excluded.name",
                (one_line(name) or query, query, time.time()),
            )
            search_id: int = conn.execute(
                "SELECT id FROM searches WHERE query = ?", (query,)
            ).fetchone()[0]
            return search_id

    def remove_search(self, search_id: int) -> None:
        """Forget a saved search."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM searches WHERE id = ?", (search_id,))

    def section_counts(self) -> tuple[list[SectionCount], dict[str, int]]:
        """Sections (by name) with their sources' counts, and totals for All/Unread/Starred."""
        sections: dict[str, SectionCount] = {}
        sources = {
            row[0]: row[1:]
            for row in self.conn.execute(
                f"SELECT s.id, {sql.NAME}, s.section, s.last_error FROM sources s"
            )
        }
        rows = self.conn.execute(
            "SELECT section, source_id, count(*), sum(read = 0) FROM articles "
            "GROUP BY section, source_id"
        )
        listed: set[int] = set()
        for section, source_id, total, unread in rows:
            name, _section, error = sources.get(source_id, ("?", None, None))
            entry = sections.setdefault(section, SectionCount(section))
            entry.total += total
            entry.unread += unread
            entry.sources.append(SourceCount(source_id, name, total, unread, error))
            listed.add(source_id)
        for source_id, (name, section, error) in sources.items():
            if source_id not in listed:  # nothing read yet (a failing feed, say): still shown
                entry = sections.setdefault(section or name, SectionCount(section or name))
                entry.sources.append(SourceCount(source_id, name, 0, 0, error))
        all_total = sum(s.total for s in sections.values())
        unread_total = sum(s.unread for s in sections.values())
        starred = self.conn.execute(  # the planner otherwise scans a larger index
            "SELECT count(*) FROM articles INDEXED BY articles_starred WHERE starred = 1"
        ).fetchone()[0]
        ordered = sorted(sections.values(), key=lambda s: name_order(s.name))
        return ordered, {"all": all_total, "unread": unread_total, "starred": starred}


def _enclosures_json(enclosures: Sequence[Enclosure], pictures: Sequence[str] = ()) -> str | None:
    """Attached files as ``[url, type, size]`` rows, then the feed's pictures of the article as
    ``[url, "", null, "picture"]`` rows."""
    rows: list[list[Any]] = [[e.url, e.type, e.size] for e in enclosures]
    rows += [[url, "", None, "picture"] for url in pictures]
    return json.dumps(rows) if rows else None


def _enclosures(stored: str | None) -> tuple[tuple[Enclosure, ...], tuple[str, ...]]:
    """The attached files and the pictures of :func:`_enclosures_json`'s text."""
    if not stored:
        return (), ()
    try:
        rows = json.loads(stored)
        files = tuple(Enclosure(str(r[0]), str(r[1] or ""), r[2]) for r in rows if len(r) == 3)
        return files, tuple(str(r[0]) for r in rows if len(r) == 4 and r[3] == "picture")
    except (ValueError, TypeError, IndexError, KeyError):
        return (), ()


def _first_column(_cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> object:
    return row[0]


def _article(row: tuple[Any, ...]) -> Article:
    kind, location, key = row[11], row[12], row[13]
    path = str(Path(location) / key) if kind == "folder" else location if kind == "file" else None
    enclosures, pictures = _enclosures(row[16])
    return Article(
        id=row[0],
        title=row[1],
        section=row[2],
        source=row[3],
        source_id=row[4],
        author=row[5],
        link=row[6],
        published=row[7],
        body=row[8],
        read=bool(row[9]),
        starred=bool(row[10]),
        path=path,
        content=row[14],
        full_text_at=row[15],
        enclosures=enclosures,
        pictures=pictures,
        story=row[17],
        origin=row[18] or (None if kind in ("folder", "file") else location),
    )
