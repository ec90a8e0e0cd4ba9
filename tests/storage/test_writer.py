"""The refresh's writer thread on a real cache file: grouped jobs, each item's own fate."""

import asyncio
import sqlite3
from pathlib import Path

import pytest

from tuireader.errors import StorageError
from tuireader.refresh import Writer, _each
from tuireader.storage import Database


def _note(conn: sqlite3.Connection, item: str) -> str:
    if item == "bad":
        conn.execute("INSERT INTO notes (text) VALUES (?)", (item,))
        raise ValueError("this item is refused")
    if item == "sql":
        conn.execute("INSERT INTO no_such_table VALUES (1)")
    conn.execute("INSERT INTO notes (text) VALUES (?)", (item,))
    return item.upper()


# Sizes of the groups `_notes` was called with.
CALLS: list[int] = []


def _notes(conn: sqlite3.Connection, items: list[tuple[str]]) -> list[object]:
    """A grouped job: each item in its own savepoint, as the refresh's jobs do."""
    CALLS.append(len(items))
    return _each(conn, items, _note)


@pytest.fixture
def db(tmp_path: Path):
    db = Database(tmp_path / "cache.db")
    with db.transaction() as conn:
        conn.execute("CREATE TABLE notes (text TEXT NOT NULL)")
    CALLS.clear()
    yield db
    db.close()


def test_queued_items_share_one_call_and_keep_their_own_results(db: Database) -> None:
    async def main() -> list[object]:
        writer = Writer(db)
        items = ["a", "bad", "b", "sql", "c"]
        return await asyncio.gather(
            *(writer.run_grouped(_notes, item) for item in items), return_exceptions=True
        )

    results = asyncio.run(main())
    assert results[0] == "A" and results[2] == "B" and results[4] == "C"
    assert isinstance(results[1], ValueError)
    assert isinstance(results[3], StorageError)  # SQLite's error, as the one kind callers handle
    stored = [text for (text,) in db.conn.execute("SELECT text FROM notes ORDER BY rowid")]
    assert stored == ["a", "b", "c"]  # the refused item's own insert was undone
    assert sum(CALLS) == 5 and len(CALLS) < 5  # items queued together went in one call


def test_a_group_that_fails_as_a_whole_fails_each_item_and_writes_nothing(db: Database) -> None:
    def broken(conn: sqlite3.Connection, items: list[tuple[str]]) -> list[object]:
        for (item,) in items:
            conn.execute("INSERT INTO notes (text) VALUES (?)", (item,))
        raise RuntimeError("after writing")

    async def main() -> list[object]:
        writer = Writer(db)
        plain = writer.run(_note, "plain")
        grouped = [writer.run_grouped(broken, item) for item in ("x", "y")]
        return await asyncio.gather(plain, *grouped, return_exceptions=True)

    plain, *grouped = asyncio.run(main())
    assert plain == "PLAIN"
    assert all(isinstance(result, RuntimeError) for result in grouped)
    assert [text for (text,) in db.conn.execute("SELECT text FROM notes")] == ["plain"]


def test_a_group_that_fails_as_a_whole_is_tried_again_an_item_at_a_time(db: Database) -> None:
    """Work done for the group as a whole (an index over all its items) that one bad item
    breaks costs that item alone: the others are stored one by one."""
    def picky(conn: sqlite3.Connection, items: list[tuple[str]]) -> list[object]:
        results = _each(conn, items, _note)
        if len(items) > 1 and ("poison",) in items:
            raise RuntimeError("the group's index refuses it")
        if items == [("poison",)]:
            raise RuntimeError("refused alone too")
        return results

    async def main() -> list[object]:
        writer = Writer(db)
        return await asyncio.gather(
            *(writer.run_grouped(picky, item) for item in ("x", "poison", "y")),
            return_exceptions=True,
        )

    x, poison, y = asyncio.run(main())
    assert (x, y) == ("X", "Y") and isinstance(poison, RuntimeError)
    assert [text for (text,) in db.conn.execute("SELECT text FROM notes")] == ["x", "y"]


def test_an_unexpected_error_leaves_no_transaction_open(db: Database) -> None:
    """A job breaking the writer's own rules (too few results) or raising past its
    savepoint fails only its callers and releases the write lock: the next writes go
    through, the writer's and another connection's."""
    class Escape(BaseException):
        pass

    def short(conn: sqlite3.Connection, items: list[tuple[str]]) -> list[object]:
        conn.execute("INSERT INTO notes (text) VALUES ('half')")
        return []

    def escaping(conn: sqlite3.Connection, item: str) -> str:
        conn.execute("INSERT INTO notes (text) VALUES (?)", (item,))
        raise Escape

    async def main() -> list[object]:
        writer = Writer(db)
        (too_few,) = await asyncio.gather(writer.run_grouped(short, "a"), return_exceptions=True)
        (escaped,) = await asyncio.gather(writer.run(escaping, "b"), return_exceptions=True)
        return [too_few, escaped, await writer.run(_note, "after")]

    short_result, escaped, after = asyncio.run(main())
    assert isinstance(short_result, RuntimeError) and isinstance(escaped, Escape)
    assert after == "AFTER"
    with db.transaction() as conn:  # another thread's connection can write at once
        conn.execute("INSERT INTO notes (text) VALUES ('other')")
    assert [text for (text,) in db.conn.execute("SELECT text FROM notes")] == ["after", "other"]
