"""Storage on a real SQLite file: migrations, paging, pruning, nothing lost."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tuireader.errors import StorageError
from tuireader.models import ParsedEntry, View
from tuireader.storage import Database
from tuireader.storage import articles as store
from tuireader.storage import feeds as feed_store
from tuireader.storage.schema import MIGRATIONS


def entries(count: int, prefix: str = "g", day: int = 1) -> list[ParsedEntry]:
    return [
        ParsedEntry(
            guid=f"{prefix}{i}", url=f"http://example.test/{prefix}{i}", title=f"Title {i}",
            published=f"2026-10-{day:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00",
            content_text=f"body number {i}",
        )
        for i in range(count)
    ]


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    conn = db.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    again = Database(tmp_path / "c.db")  # opening twice runs nothing twice
    assert again.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_cache_from_a_newer_version_is_refused_not_damaged(tmp_path: Path) -> None:
    """A newer schema may keep indexes (full-text rows added by hand) this version would
    let fall out of step: opening it is a clear error, and the file is left as it was."""
    Database(tmp_path / "c.db").close()
    with closing(sqlite3.connect(tmp_path / "c.db")) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StorageError, match="newer tuireader"):
        Database(tmp_path / "c.db")
    with closing(sqlite3.connect(tmp_path / "c.db")) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1


def test_keyset_pages_walk_every_row_once(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    with db.transaction() as conn:
        feed, _ = feed_store.add_feed(conn, "http://example.test/f")
        store.insert_entries(conn, feed.id, "F", entries(230), True)
    seen: list[int] = []
    after = None
    while True:
        batch = store.page(db.conn, View(), limit=50, after=after)
        if not batch:
            break
        seen += [row.id for row in batch]
        after = (batch[-1].published or "", batch[-1].id)
    assert len(seen) == len(set(seen)) == 230
    by_offset = [row.id for row in store.page(db.conn, View(), offset=100, limit=20)]
    assert by_offset == seen[100:120]
    assert store.position(db.conn, View(), seen[123]) == 123


def test_list_queries_use_indexes(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    for view in (View(), View(unread=True), View(saved=True), View(feed_id=1),
                 View(feed_id=1, unread=True)):
        where, params, index = store._where(view)
        plan = " ".join(
            str(row[3]) for row in db.conn.execute(
                f"EXPLAIN QUERY PLAN SELECT id FROM articles a INDEXED BY {index}"
                f" WHERE {where} ORDER BY a.published DESC, a.id DESC LIMIT 50", params
            )
        )
        assert f"INDEX {index}" in plan and "TEMP B-TREE" not in plan, (view, plan)


def test_duplicate_guids_are_ignored(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    with db.transaction() as conn:
        feed, _ = feed_store.add_feed(conn, "http://example.test/f")
        first = store.insert_entries(conn, feed.id, "F", entries(5), True)
        second = store.insert_entries(conn, feed.id, "F", entries(5), True)
    assert len(first) == 5 and second == []


def test_prune_keeps_saved_and_current_articles(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    with db.transaction() as conn:
        feed, _ = feed_store.add_feed(conn, "http://example.test/f")
        ids = store.insert_entries(conn, feed.id, "F", entries(10), True)
        store.set_saved(conn, ids[0], True)
        removed = store.prune(conn, feed.id, "2026-11-01T00:00:00+00:00", 0, ["g3"])
    assert removed == 8
    left = {row.id for row in store.page(db.conn, View())}
    assert left == {ids[0], ids[3]}


def test_remove_feed_keeps_saved_articles(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    with db.transaction() as conn:
        feed, _ = feed_store.add_feed(conn, "http://example.test/f", "Feed F")
        ids = store.insert_entries(conn, feed.id, "Feed F", entries(3), True)
        store.set_saved(conn, ids[1], True)
        feed_store.remove_feed(conn, feed.id)
    rows = store.page(db.conn, View())
    assert [row.id for row in rows] == [ids[1]]
    assert rows[0].feed_title == "Feed F"  # the source name survives the feed
    assert store.page(db.conn, View(saved=True))[0].id == ids[1]


def test_search_index_follows_updates_and_deletes(tmp_path: Path) -> None:
    from tuireader.models import CleanedPage
    from tuireader.storage.search import search

    db = Database(tmp_path / "c.db")
    with db.transaction() as conn:
        feed, _ = feed_store.add_feed(conn, "http://example.test/f")
        [article_id] = store.insert_entries(conn, feed.id, "F", entries(1), True)
        store.store_page(conn, article_id, CleanedPage(html="<p>x</p>", text="zeppelin hangar"))
    assert [hit.article.id for hit in search(db.conn, "zeppelin")] == [article_id]
    assert search(db.conn, "number") == []
    with db.transaction() as conn:
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    assert search(db.conn, "zeppelin") == []


def test_failed_transaction_changes_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    try:
        with db.transaction() as conn:
            feed, _ = feed_store.add_feed(conn, "http://example.test/f")
            store.insert_entries(conn, feed.id, "F", entries(3), True)
            raise RuntimeError("network died mid-way")
    except RuntimeError:
        pass
    assert store.count(db.conn, View()) == 0
    check = sqlite3.connect(tmp_path / "c.db").execute("PRAGMA integrity_check").fetchone()
    assert check[0] == "ok"
