"""Feed rows: subscribe, unsubscribe, and record what each fetch learned."""

import sqlite3

from tuireader.models import Feed
from tuireader.timeutil import now_iso

_FEED_COLUMNS = (
    "id, url, title, site, folder, fetch_pages, etag, last_modified, last_fetch,"
    " last_error, error_count"
)


def _feed(row: sqlite3.Row, unread: int = 0) -> Feed:
    return Feed(
        id=row["id"], url=row["url"], title=row["title"], site=row["site"],
        folder=row["folder"], fetch_pages=bool(row["fetch_pages"]), etag=row["etag"],
        last_modified=row["last_modified"], last_fetch=row["last_fetch"],
        last_error=row["last_error"], error_count=row["error_count"],
        unread=unread,
    )


def add_feed(
    conn: sqlite3.Connection, url: str, title: str = "", folder: str = "",
    fetch_pages: bool = True,
) -> tuple[Feed, bool]:
    """Subscribe; returns the feed and whether it is new (a duplicate is a no-op)."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO feeds (url, title, folder, fetch_pages, added)"
        " VALUES (?, ?, ?, ?, ?)",
        (url, title, folder, int(fetch_pages), now_iso()),
    )
    feed = get_feed_by_url(conn, url)
    assert feed is not None
    return feed, cursor.rowcount == 1


def get_feed_by_url(conn: sqlite3.Connection, url: str) -> Feed | None:
    row = conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
    return _feed(row) if row else None


def get_feed(conn: sqlite3.Connection, feed_id: int) -> Feed | None:
    row = conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    return _feed(row) if row else None


def list_feeds(conn: sqlite3.Connection, with_counts: bool = True) -> list[Feed]:
    """Every feed by folder then title, with its unread count (one indexed scan)."""
    rows = conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY folder COLLATE NOCASE,"
        " title COLLATE NOCASE, url"
    ).fetchall()
    unread: dict[int, int] = {}
    if with_counts:
        unread = dict(conn.execute(
            "SELECT feed_id, count(*) FROM articles INDEXED BY articles_unread_by_feed"
            " WHERE read = 0 AND feed_id IS NOT NULL GROUP BY feed_id"
        ).fetchall())
    return [_feed(row, unread.get(row["id"], 0)) for row in rows]


def remove_feed(conn: sqlite3.Connection, feed_id: int) -> None:
    """Unsubscribe: the feed's articles go, saved ones stay (with no feed)."""
    conn.execute("DELETE FROM articles WHERE feed_id = ? AND saved = 0", (feed_id,))
    conn.execute("UPDATE articles SET feed_id = NULL WHERE feed_id = ?", (feed_id,))
    conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))


def record_success(
    conn: sqlite3.Connection, feed_id: int, *, title: str | None, site: str | None,
    etag: str | None, last_modified: str | None, url: str | None = None,
) -> None:
    """A fetch worked: store validators and clear any previous error."""
    conn.execute(
        "UPDATE feeds SET title = CASE WHEN ? IS NOT NULL AND ? != '' AND title = ''"
        " THEN ? ELSE title END, site = coalesce(nullif(?, ''), site), etag = ?,"
        " last_modified = ?, last_fetch = ?, last_error = NULL, error_count = 0,"
        " retry_after = NULL WHERE id = ?",
        (title, title, title, site, etag, last_modified, now_iso(), feed_id),
    )
    if url and not conn.execute("SELECT 1 FROM feeds WHERE url = ?", (url,)).fetchone():
        conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (url, feed_id))


def record_not_modified(conn: sqlite3.Connection, feed_id: int) -> None:
    conn.execute(
        "UPDATE feeds SET last_fetch = ?, last_error = NULL, error_count = 0,"
        " retry_after = NULL WHERE id = ?",
        (now_iso(), feed_id),
    )


def record_failure(
    conn: sqlite3.Connection, feed_id: int, reason: str, retry_after: str | None = None
) -> None:
    """A fetch failed: keep the reason to show, count it, keep every article."""
    conn.execute(
        "UPDATE feeds SET last_fetch = ?, last_error = ?, error_count = error_count + 1,"
        " retry_after = ? WHERE id = ?",
        (now_iso(), reason, retry_after, feed_id),
    )


def retry_after(conn: sqlite3.Connection, feed_id: int) -> str | None:
    row = conn.execute("SELECT retry_after FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    return row[0] if row else None


def set_fetch_pages(conn: sqlite3.Connection, feed_id: int, enabled: bool) -> None:
    conn.execute("UPDATE feeds SET fetch_pages = ? WHERE id = ?", (int(enabled), feed_id))
