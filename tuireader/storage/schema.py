"""The database schema as an ordered list of migrations.

`PRAGMA user_version` records how many have run; `migrate` runs the rest in
one transaction at open, so an old cache is upgraded in place and a failed
upgrade leaves it as it was.
"""

import sqlite3

# Keeps the full-text index in step with articles; migrations 1 and 3 both create it.
_FTS_TRIGGERS = """
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, content_text)
        VALUES (new.id, new.title, new.content_text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, content_text)
        VALUES ('delete', old.id, old.title, old.content_text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, content_text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, content_text)
        VALUES ('delete', old.id, old.title, old.content_text);
        INSERT INTO articles_fts (rowid, title, content_text)
        VALUES (new.id, new.title, new.content_text);
    END;
"""

MIGRATIONS: list[str] = [
    # 1: feeds, articles, list indexes, full-text search kept in step by triggers.
    """
    CREATE TABLE feeds (
        id            INTEGER PRIMARY KEY,
        url           TEXT NOT NULL UNIQUE,
        title         TEXT NOT NULL DEFAULT '',
        site          TEXT NOT NULL DEFAULT '',
        folder        TEXT NOT NULL DEFAULT '',
        fetch_pages   INTEGER NOT NULL DEFAULT 1,
        etag          TEXT,
        last_modified TEXT,
        last_fetch    TEXT,
        last_error    TEXT,
        error_count   INTEGER NOT NULL DEFAULT 0,
        retry_after   TEXT,
        added         TEXT NOT NULL
    );

    CREATE TABLE articles (
        id            INTEGER PRIMARY KEY,
        feed_id       INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        source        TEXT NOT NULL DEFAULT '',
        guid          TEXT NOT NULL,
        url           TEXT NOT NULL DEFAULT '',
        title         TEXT NOT NULL DEFAULT '',
        author        TEXT NOT NULL DEFAULT '',
        published     TEXT NOT NULL,
        first_seen    TEXT NOT NULL,
        summary       TEXT NOT NULL DEFAULT '',
        content_html  TEXT NOT NULL DEFAULT '',
        content_text  TEXT NOT NULL DEFAULT '',
        word_count    INTEGER NOT NULL DEFAULT 0,
        site_name     TEXT NOT NULL DEFAULT '',
        lead_image    TEXT NOT NULL DEFAULT '',
        page_status   TEXT NOT NULL DEFAULT 'pending',
        extract_error TEXT,
        read          INTEGER NOT NULL DEFAULT 0,
        saved         INTEGER NOT NULL DEFAULT 0,
        UNIQUE (feed_id, guid)
    );

    CREATE INDEX articles_by_date ON articles (published DESC, id DESC);
    CREATE INDEX articles_by_feed ON articles (feed_id, published DESC, id DESC);
    CREATE INDEX articles_unread ON articles (published DESC, id DESC) WHERE read = 0;
    CREATE INDEX articles_unread_by_feed
        ON articles (feed_id, published DESC, id DESC) WHERE read = 0;
    CREATE INDEX articles_saved ON articles (published DESC, id DESC) WHERE saved = 1;
    CREATE INDEX articles_pending ON articles (id) WHERE page_status = 'pending';
    CREATE INDEX articles_by_url ON articles (url);

    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, content_text,
        content = 'articles', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );

    """
    + _FTS_TRIGGERS,
    # 2: related stories: per-article term vectors and copy sketches (tuireader.related),
    # document frequencies, an inverted index of each article's top terms, an index of
    # sketch bands, same-story groups. Deleting an article (or re-indexing it) undoes
    # all of it in triggers; blobs are cut apart with substr over related_seq.
    """
    CREATE TABLE related_seq (n INTEGER PRIMARY KEY);
    INSERT INTO related_seq (n)
        WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 1023)
        SELECT n FROM s;

    CREATE TABLE related_stats (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        docs       INTEGER NOT NULL,
        last_story INTEGER NOT NULL
    );
    INSERT INTO related_stats (id, docs, last_story) VALUES (1, 0, 0);

    CREATE TABLE related_docs (
        article_id INTEGER PRIMARY KEY,
        story      INTEGER NOT NULL,
        counted    INTEGER NOT NULL,
        terms      BLOB NOT NULL,
        tfs        BLOB NOT NULL,
        weights    BLOB NOT NULL,
        posted     INTEGER NOT NULL,
        sketch     BLOB NOT NULL,
        banded     INTEGER NOT NULL,
        shingles   INTEGER NOT NULL
    );
    CREATE INDEX related_docs_by_story ON related_docs (story);

    CREATE TABLE related_df (
        term BLOB PRIMARY KEY,
        df   INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE related_postings (
        term       BLOB NOT NULL,
        article_id INTEGER NOT NULL,
        weight     REAL NOT NULL,
        PRIMARY KEY (term, article_id)
    ) WITHOUT ROWID;

    CREATE TABLE related_bands (
        hash       BLOB NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id)
    ) WITHOUT ROWID;

    CREATE TRIGGER related_article_delete AFTER DELETE ON articles BEGIN
        DELETE FROM related_docs WHERE article_id = old.id;
    END;
    CREATE TRIGGER related_docs_insert AFTER INSERT ON related_docs BEGIN
        UPDATE related_stats SET docs = docs + new.counted;
    END;
    CREATE TRIGGER related_docs_delete AFTER DELETE ON related_docs BEGIN
        UPDATE related_stats SET docs = docs - old.counted;
        UPDATE related_df SET df = df - old.counted WHERE term IN (
            SELECT substr(old.terms, 4 * n + 1, 4) FROM related_seq
            WHERE n < length(old.terms) / 4);
        DELETE FROM related_df WHERE df <= 0 AND term IN (
            SELECT substr(old.terms, 4 * n + 1, 4) FROM related_seq
            WHERE n < length(old.terms) / 4);
        DELETE FROM related_postings WHERE article_id = old.article_id AND term IN (
            SELECT substr(old.terms, 4 * n + 1, 4) FROM related_seq WHERE n < old.posted);
        DELETE FROM related_bands WHERE article_id = old.article_id AND hash IN (
            SELECT substr(old.sketch, 8 * n + 1, 8) FROM related_seq WHERE n < old.banded);
    END;
    """,
    # 3: prefix indexes for 2- and 3-letter prefixes, so `ber*` is one index
    # lookup instead of a scan of every term; the index is rebuilt from articles.
    """
    DROP TRIGGER articles_fts_insert;
    DROP TRIGGER articles_fts_delete;
    DROP TRIGGER articles_fts_update;
    DROP TABLE articles_fts;

    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, content_text,
        content = 'articles', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
    );
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

    """
    + _FTS_TRIGGERS,
    # 4: new rows reach the full-text index from `articles.add_to_search`, a
    # statement per batch instead of a trigger per row (see there); updates
    # and deletes keep their triggers.
    """
    DROP TRIGGER articles_fts_insert;
    """,
]


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to date; each step is atomic with its version bump."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        # A newer tuireader keeps indexes this one does not know how to keep in step.
        raise sqlite3.DatabaseError(
            f"the cache was written by a newer tuireader (schema {current}, this one"
            f" knows {len(MIGRATIONS)}); update tuireader to open it"
        )
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                conn.execute("ROLLBACK")
                continue
            for statement in _split(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _split(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
