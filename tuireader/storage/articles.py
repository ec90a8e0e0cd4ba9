"""Article rows: insert new entries, page lists by keyset, read one, mark it.

Lists never load everything: each page is one indexed query ordered by
(published, id), so the 100,000th row costs what the first does.

New rows reach full-text search through `add_to_search` (not a trigger: see
there), so a row is inserted here and nowhere else; updates and deletes are
kept in step by the schema's triggers.
"""

import sqlite3
from collections.abc import Iterable

from tuireader.models import Article, ArticleRow, CleanedPage, ParsedEntry, View
from tuireader.storage.db import chunks
from tuireader.timeutil import now_iso

ROW_COLUMNS = (
    "a.id, a.feed_id, coalesce(f.title, a.source) AS feed_title, a.title, a.url,"
    " a.published, a.read, a.saved"
)
_FROM = "articles a LEFT JOIN feeds f ON f.id = a.feed_id"
Cursor = tuple[str, int]


def row_to_article_row(row: sqlite3.Row) -> ArticleRow:
    return ArticleRow(
        id=row["id"], feed_id=row["feed_id"], feed_title=row["feed_title"] or "",
        title=row["title"], url=row["url"], published=row["published"],
        read=bool(row["read"]), saved=bool(row["saved"]),
    )


def _where(view: View) -> tuple[str, list[object], str]:
    """The WHERE clause, its parameters and the index that serves it."""
    clauses: list[str] = []
    params: list[object] = []
    index = "articles_by_date"
    if view.feed_id is not None:
        clauses.append("a.feed_id = ?")
        params.append(view.feed_id)
        index = "articles_unread_by_feed" if view.unread else "articles_by_feed"
    elif view.unread:
        index = "articles_unread"
    if view.unread:
        clauses.append("a.read = 0")
    if view.saved:
        clauses.append("a.saved = 1")
        if view.feed_id is None and not view.unread:
            index = "articles_saved"
    return (" AND ".join(clauses) or "1"), params, index


def count(conn: sqlite3.Connection, view: View) -> int:
    where, params, index = _where(view)
    return conn.execute(
        f"SELECT count(*) FROM articles a INDEXED BY {index} WHERE {where}", params
    ).fetchone()[0]


def page(
    conn: sqlite3.Connection, view: View, *, offset: int = 0, limit: int = 50,
    after: Cursor | None = None,
) -> list[ArticleRow]:
    """Newest first. `after` (published, id) of the last row seen continues a list."""
    where, params, index = _where(view)
    if after is not None:
        where += " AND (a.published, a.id) < (?, ?)"
        params += list(after)
    # The offset is walked on the index alone (ids only); whole rows are read
    # for the page itself, so row 90,000 costs an index scan, not 90,000 rows.
    rows = conn.execute(
        f"SELECT {ROW_COLUMNS} FROM (SELECT a.id FROM articles a INDEXED BY {index}"
        f" WHERE {where} ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?) AS wanted"
        " JOIN articles a ON a.id = wanted.id LEFT JOIN feeds f ON f.id = a.feed_id"
        " ORDER BY a.published DESC, a.id DESC",
        [*params, limit, offset],
    ).fetchall()
    return [row_to_article_row(row) for row in rows]


def position(conn: sqlite3.Connection, view: View, article_id: int) -> int | None:
    """Index of an article in a list (to restore the cursor), or None."""
    row = conn.execute(
        "SELECT published FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return None
    where, params, index = _where(view)
    before = conn.execute(
        f"SELECT count(*) FROM articles a INDEXED BY {index} WHERE {where}"
        " AND (a.published, a.id) > (?, ?)",
        [*params, row["published"], article_id],
    ).fetchone()[0]
    return before


def rows_by_ids(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, ArticleRow]:
    ids = list(ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT {ROW_COLUMNS} FROM {_FROM} WHERE a.id IN ({marks})", ids)
    return {row["id"]: row_to_article_row(row) for row in rows}


def get(conn: sqlite3.Connection, article_id: int) -> Article | None:
    row = conn.execute(
        "SELECT a.*, coalesce(f.title, a.source) AS feed_title, coalesce(f.url, '') AS feed_url"
        f" FROM {_FROM} WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    return Article(
        id=row["id"], feed_id=row["feed_id"], feed_title=row["feed_title"] or "",
        feed_url=row["feed_url"], guid=row["guid"], title=row["title"], url=row["url"],
        author=row["author"], published=row["published"], summary=row["summary"],
        content_html=row["content_html"], content_text=row["content_text"],
        word_count=row["word_count"], read=bool(row["read"]), saved=bool(row["saved"]),
        site_name=row["site_name"], lead_image=row["lead_image"],
        extract_error=row["extract_error"],
    )


def insert_entries(
    conn: sqlite3.Connection, feed_id: int, source: str, entries: Iterable[ParsedEntry],
    fetch_pages: bool,
) -> list[int]:
    """Store entries not seen before; returns the new article ids."""
    stored = store_entries(conn, feed_id, source, entries, fetch_pages)
    return [article_id for article_id in stored if article_id is not None]


def store_entries(
    conn: sqlite3.Connection, feed_id: int, source: str, entries: Iterable[ParsedEntry],
    fetch_pages: bool, *, search: bool = True,
) -> list[int | None]:
    """Store entries not seen before: each entry's new article id, None if already stored.

    With `search=False` the new rows are left for the caller's `add_to_search`,
    which a refresh calls once for many feeds' rows; until then nothing may
    update or delete them (the index's triggers would undo what it never had).
    """
    seen = now_iso()
    status = "pending" if fetch_pages else "skipped"
    stored: list[int | None] = []
    for entry in entries:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO articles (feed_id, source, guid, url, title, author,"
            " published, first_seen, summary, content_html, content_text, word_count,"
            " page_status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                feed_id, source, entry.guid, entry.url, entry.title, entry.author,
                entry.published or seen, seen, entry.summary, entry.content_html,
                entry.content_text, len(entry.content_text.split()),
                status if entry.url else "skipped",
            ),
        )
        stored.append(int(cursor.lastrowid or 0) if cursor.rowcount == 1 else None)
    if search:
        add_to_search(conn, [article_id for article_id in stored if article_id is not None])
    return stored


def add_to_search(conn: sqlite3.Connection, article_ids: list[int]) -> None:
    """Put new rows in the full-text index, in one statement.

    Not a trigger: FTS5 writes out what it holds at the end of each
    statement, so a row at a time made a tiny index segment per article (and
    merges of them): four times the cost of the rest of the insert. A
    statement per feed was still twice the cost of one per group of feeds.
    """
    for chunk, marks in chunks(article_ids):
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, content_text)"
            f" SELECT id, title, content_text FROM articles WHERE id IN ({marks})",
            chunk,
        )


def store_page(conn: sqlite3.Connection, article_id: int, page: CleanedPage) -> None:
    """Replace the feed's fallback content with the cleaned page."""
    conn.execute(
        "UPDATE articles SET content_html = ?, content_text = ?, word_count = ?,"
        " author = CASE WHEN author = '' THEN ? ELSE author END,"
        " title = CASE WHEN title = '' THEN ? ELSE title END,"
        " site_name = ?, lead_image = ?, page_status = 'done', extract_error = NULL"
        " WHERE id = ?",
        (
            page.html, page.text, len(page.text.split()), page.byline, page.title,
            page.site_name, page.lead_image, article_id,
        ),
    )


def store_page_failure(conn: sqlite3.Connection, article_id: int, reason: str) -> None:
    """Keep the feed's own content and record why the page could not be used."""
    conn.execute(
        "UPDATE articles SET page_status = 'failed', extract_error = ? WHERE id = ?",
        (reason, article_id),
    )


def set_read(conn: sqlite3.Connection, article_ids: Iterable[int], read: bool) -> None:
    conn.executemany(
        "UPDATE articles SET read = ? WHERE id = ?", [(int(read), i) for i in article_ids]
    )


def mark_view_read(conn: sqlite3.Connection, view: View) -> int:
    where, params, _index = _where(view)
    return conn.execute(
        f"UPDATE articles AS a SET read = 1 WHERE {where} AND a.read = 0", params
    ).rowcount


def set_saved(conn: sqlite3.Connection, article_id: int, saved: bool) -> bool:
    return conn.execute(
        "UPDATE articles SET saved = ? WHERE id = ?", (int(saved), article_id)
    ).rowcount == 1


def find_by_url(conn: sqlite3.Connection, url: str) -> tuple[int, bool] | None:
    """The cached article at this URL, from a feed or saved by URL (a saved one
    first, then the oldest), and whether it holds its cleaned page: saving a URL
    already cached keeps one copy."""
    row = conn.execute(
        "SELECT id, page_status = 'done' FROM articles WHERE url = ?"
        " ORDER BY saved DESC, id LIMIT 1", (url,)
    ).fetchone()
    return (row[0], bool(row[1])) if row else None


def insert_loose(
    conn: sqlite3.Connection, url: str, page: CleanedPage, fallback_title: str
) -> int:
    """A page saved by URL with no feed: kept, saved, never pruned."""
    seen = now_iso()
    cursor = conn.execute(
        "INSERT INTO articles (feed_id, source, guid, url, title, author, published,"
        " first_seen, content_html, content_text, word_count, site_name, lead_image,"
        " page_status, saved) VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,'done',1)",
        (
            page.site_name, url, url, page.title or fallback_title, page.byline,
            page.published or seen, seen, page.html, page.text, len(page.text.split()),
            page.site_name, page.lead_image,
        ),
    )
    article_id = int(cursor.lastrowid or 0)
    add_to_search(conn, [article_id])
    return article_id


def prune(
    conn: sqlite3.Connection, feed_id: int, cutoff: str | None, keep: int,
    current_guids: Iterable[str],
) -> int:
    """Drop old unsaved articles of a feed, never ones the feed still lists."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS current_guids (guid TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM current_guids")
    conn.executemany(
        "INSERT OR IGNORE INTO current_guids VALUES (?)", [(g,) for g in current_guids]
    )
    removed = 0
    keep_clause = "saved = 0 AND guid NOT IN (SELECT guid FROM current_guids)"
    if cutoff:
        removed += conn.execute(
            f"DELETE FROM articles WHERE feed_id = ? AND published < ? AND {keep_clause}",
            (feed_id, cutoff),
        ).rowcount
    if keep > 0:
        removed += conn.execute(
            f"DELETE FROM articles WHERE feed_id = ? AND {keep_clause} AND id NOT IN"
            " (SELECT id FROM articles WHERE feed_id = ? ORDER BY published DESC, id DESC"
            " LIMIT ?)",
            (feed_id, feed_id, keep),
        ).rowcount
    return removed


def pending_for_feed(conn: sqlite3.Connection, feed_id: int) -> list[tuple[int, str, str]]:
    """Articles of a feed whose page is still to be fetched (new, or interrupted):
    id, URL and title."""
    return [
        (row[0], row[1], row[2])
        for row in conn.execute(
            "SELECT id, url, title FROM articles INDEXED BY articles_pending"
            " WHERE page_status = 'pending' AND feed_id = ?",
            (feed_id,),
        )
    ]
