"""The library's schema: its migrations, and how a connection to it is opened and migrated."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Case and accents are ignored by both search indexes.
TOKENIZE = "unicode61 remove_diacritics 2"

MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        location TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        section TEXT,
        added REAL NOT NULL,
        last_ok REAL,
        last_error TEXT
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        section TEXT NOT NULL,
        title TEXT NOT NULL,
        author TEXT,
        link TEXT,
        published REAL NOT NULL,
        body TEXT NOT NULL,
        fingerprint TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        first_seen REAL NOT NULL,
        UNIQUE (source_id, key)
    );
    CREATE INDEX articles_by_date ON articles (published);
    CREATE INDEX articles_by_section ON articles (section, published);
    CREATE INDEX articles_counts ON articles (section, source_id, read);
    CREATE TABLE problems (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        location TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE sources ADD COLUMN etag TEXT;
    ALTER TABLE sources ADD COLUMN last_modified TEXT;
    ALTER TABLE sources ADD COLUMN site TEXT;
    """,
    """
    CREATE INDEX articles_unread ON articles (published) WHERE read = 0;
    CREATE INDEX articles_starred ON articles (published) WHERE starred = 1;
    CREATE INDEX articles_by_source ON articles (source_id, read);
    """,
    """
    ALTER TABLE articles ADD COLUMN content TEXT;
    """,
    # Search. Both indexes read their text from articles (external content); the store keeps
    # them in step in the same transactions that write articles (see fts.py).
    # titles_fts, with prefix indexes, is for filtering headlines as you type; articles_fts is
    # for ranked full-text search. Merging index segments less often (automerge 16, not 4)
    # indexes a 25,000-item refresh about a third faster, with no measurable cost to queries.
    f"""
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, content='articles', content_rowid='id', tokenize='{TOKENIZE}'
    );
    CREATE VIRTUAL TABLE titles_fts USING fts5(
        title, content='articles', content_rowid='id', tokenize='{TOKENIZE}', prefix='1 2 3'
    );
    INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
    INSERT INTO titles_fts (titles_fts, rank) VALUES ('automerge', 16);
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    INSERT INTO titles_fts (titles_fts) VALUES ('rebuild');
    CREATE TABLE searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        query TEXT NOT NULL UNIQUE,
        added REAL NOT NULL
    );
    """,
    # What a ranked search reads of each match (recency and the filters), in a few MB of index
    # instead of the article rows: a filtered search at 100,000 articles drops from ~100 ms to
    # ~35 ms.
    """
    CREATE INDEX articles_rank ON articles (id, published, read, starred, source_id, section);
    """,
    """
    ALTER TABLE articles ADD COLUMN full_text_at REAL;
    ALTER TABLE articles ADD COLUMN enclosures TEXT;
    ALTER TABLE sources ADD COLUMN feed_keys TEXT;
    """,
    # At a million articles: the Unread view from an index that holds what it reads (800 ms
    # reading rows to check read = 0 before), and a feed's view from its own articles in date
    # order rather than its whole section's.
    """
    DROP INDEX articles_unread;
    CREATE INDEX articles_by_read ON articles (read, published);
    DROP INDEX articles_by_source;
    CREATE INDEX articles_by_source ON articles (source_id, section, published, read);
    """,
    # One story, many outlets: the articles of a story share its id (see core/stories.py).
    """
    ALTER TABLE articles ADD COLUMN story INTEGER;
    CREATE INDEX articles_by_story ON articles (story) WHERE story IS NOT NULL;
    """,
    # Sync accounts (core/sync/). Each feed of an account is a source of kind 'account' whose
    # remote_id is the server's feed id; its articles' keys are the server's article ids.
    # pending holds the marks changed here and not yet on the server, one row per article
    # and mark (the latest value): it survives restarts and crashes until a sync delivers it.
    # A password is never stored; password_file is where the user keeps it.
    """
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        url TEXT NOT NULL,
        user TEXT NOT NULL,
        password_file TEXT,
        cursor TEXT,
        added REAL NOT NULL,
        last_sync REAL,
        last_error TEXT
    );
    ALTER TABLE sources ADD COLUMN account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE;
    ALTER TABLE sources ADD COLUMN remote_id TEXT;
    CREATE INDEX sources_by_account ON sources (account_id, remote_id)
        WHERE account_id IS NOT NULL;
    CREATE TABLE pending (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        remote_id TEXT NOT NULL,
        mark TEXT NOT NULL CHECK (mark IN ('read', 'starred')),
        value INTEGER NOT NULL,
        PRIMARY KEY (account_id, remote_id, mark)
    ) WITHOUT ROWID;
    """,
    # A story once in the headline list: which of a view's articles tell a story, and which
    # of them told it first, read from this index alone (the rows hold the bodies). It also
    # counts a story's other outlets for each row.
    """
    DROP INDEX articles_by_story;
    CREATE INDEX articles_by_story ON articles (story, published, read, starred, section, source_id)
        WHERE story IS NOT NULL;
    """,
    # What the story grouping reads of each recent article (its terms, names and days, see
    # core/story_text.py), kept so that a refresh works out only its new articles' and not
    # those of the 36 hours around them again. Gone with its article, or when its title or
    # text change; grouping drops the rows older articles will not be compared with.
    """
    CREATE TABLE story_terms (
        id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        published REAL NOT NULL,
        terms TEXT NOT NULL
    );
    CREATE INDEX story_terms_by_date ON story_terms (published);
    CREATE TRIGGER story_terms_stale AFTER UPDATE OF title, body ON articles BEGIN
        DELETE FROM story_terms WHERE id = new.id;
    END;
    """,
    # A story once in each view's list (sql.later_teller): the indexes the views are listed
    # from hold each article's story (after its id: the order stays the index's), so that the
    # list is one scan of its index that looks up the earlier tellers of the articles in a
    # story, and reads no row. The first 1,000 rows of 100,000 articles: about 2 ms (25 ms
    # reading the stories apart before).
    """
    DROP INDEX articles_by_date;
    CREATE INDEX articles_by_date ON articles (published, id, story);
    DROP INDEX articles_by_read;
    CREATE INDEX articles_by_read ON articles (read, published, id, story);
    DROP INDEX articles_by_section;
    CREATE INDEX articles_by_section ON articles (section, published, id, story);
    DROP INDEX articles_starred;
    CREATE INDEX articles_starred ON articles (published, id, story) WHERE starred = 1;
    DROP INDEX articles_rank;
    CREATE INDEX articles_rank
        ON articles (id, published, read, starred, source_id, section, story);
    """,
    # The keys of the articles a feed held when last fetched, out of the sources rows: a few
    # KB each, they made every source's row span overflow pages, so that a refresh recording
    # 500 unchanged feeds wrote ~2 MB (each UPDATE rewrites its whole row) and listing the
    # sources read it all. The old column stays, empty: DROP COLUMN needs SQLite 3.35 (3.35.5
    # to be safe), and Python 3.11 may be built on an older one.
    """
    CREATE TABLE feed_keys (
        source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
        keys TEXT NOT NULL
    );
    INSERT INTO feed_keys SELECT id, feed_keys FROM sources WHERE feed_keys IS NOT NULL;
    UPDATE sources SET feed_keys = NULL WHERE feed_keys IS NOT NULL;
    """,
    # What story grouping counted of the articles published in each slice of time (see
    # core/library/stories.py: SLICE): core/stories.py's Counts, packed, of the slice's articles
    # with ids up to `top` (`articles` of them, their ids summing to `id_sum`). A grouping adds
    # the slices' counts instead of counting their ~20,000 articles again, when they still hold.
    """
    CREATE TABLE story_counts (
        slice INTEGER PRIMARY KEY,
        top INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        id_sum INTEGER NOT NULL,
        terms TEXT NOT NULL,
        counts BLOB NOT NULL,
        names TEXT NOT NULL,
        sizes BLOB NOT NULL,
        ids BLOB NOT NULL
    );
    """,
]


def migrate(conn: sqlite3.Connection, upgrading: Callable[[], object] | None = None) -> None:
    """Bring the schema up to date, one migration per transaction.

    The version is read again under the write lock: another tui-news opening the same
    library at the same moment may have migrated it meanwhile. ``upgrading`` is called once
    before a library written by an older tui-news is brought up to date (a large one takes a
    while: its indexes may be built again), not for a new one.
    """
    new = None  # whether the file held no library yet
    while True:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(f"it was written by a newer tui-news (schema {version})")
        if version == len(MIGRATIONS):
            return
        if new is None:
            new = version == 0
            if not new and upgrading is not None:
                upgrading()
        with transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if version == 0 and tables:
                raise sqlite3.DatabaseError("it is an SQLite file but not a tui-news library")
            if version < len(MIGRATIONS):
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction (``BEGIN IMMEDIATE``), rolled back on error; nested ones join it."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (e.g. a full disk)
            conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one by one (``executescript`` would commit first)."""
    statement = ""
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""
