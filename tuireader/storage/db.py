"""Opening the cache: one connection per thread, WAL, migrations at open.

sqlite3 connections must not cross threads, and the UI queries from worker
threads, so `Database.conn` hands each thread its own connection to the same
file. Writes are short transactions; `busy_timeout` lets a second process
(the app open while cron runs `refresh`) wait instead of failing.
"""

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from tuireader.errors import StorageError
from tuireader.storage.schema import migrate

BUSY_TIMEOUT_MS = 15_000
# Pages the write-ahead log grows to before a commit copies it into the file
# (SQLite's default is 1,000). A refresh rewrites the same index pages commit
# after commit; copying them back less often took a third off its commits.
WAL_PAGES = 10_000
# ... and the size it is cut back to after a checkpoint, not left at its largest.
WAL_BYTES_KEPT = 16 * 1024 * 1024
# Values in one `IN (...)` list, well under SQLite's bound on parameters (32,766).
CHUNK = 900
# Parameters in one multi-row INSERT (see insert_rows), under that bound.
MAX_PARAMETERS = 30_000

T = TypeVar("T")


class Database:
    """A SQLite file shared by every thread of the process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            migrate(self.conn)
        except sqlite3.Error as error:
            self.close()
            raise StorageError(f"cannot open the cache {path}: {error}") from error

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -32000")
            conn.execute("PRAGMA mmap_size = 268435456")
            conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES}")
            conn.execute(f"PRAGMA journal_size_limit = {WAL_BYTES_KEPT}")
        except sqlite3.Error as error:
            raise StorageError(f"cannot open the cache {self.path}: {error}") from error
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction, taken at once so writers queue cleanly."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StorageError(f"the cache is busy or not writable: {error}") from error
        try:
            yield conn
        except sqlite3.Error as error:
            # A full disk or I/O error inside the work: one clear error, not a traceback.
            _rollback(conn)
            raise StorageError(f"cannot write the cache: {error}") from error
        except BaseException:
            _rollback(conn)
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as error:
                _rollback(conn)
                raise StorageError(f"cannot write the cache: {error}") from error

    def close(self) -> None:
        """Close every thread's connection (at exit)."""
        with self._lock:
            for conn in self._all:
                with suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is still open (SQLite may have ended it on a full disk)."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def chunks(values: Sequence[T]) -> Iterator[tuple[Sequence[T], str]]:
    """`values` CHUNK at a time, each with its `?,?,...` placeholders for an IN list."""
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def insert_rows(
    conn: sqlite3.Connection, head: str, rows: Sequence[Sequence[object]], width: int,
    tail: str = "",
) -> None:
    """Rows in statements of many VALUES each, not one statement step per row: the
    per-row work of the sqlite3 module and of stepping a statement was a tenth of a
    refresh's writing (measured on 10,000 articles)."""
    per_statement = MAX_PARAMETERS // width
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = ",".join(["(" + ",".join("?" * width) + ")"] * len(chunk))
        conn.execute(f"{head} {values}{tail}", [value for row in chunk for value in row])
