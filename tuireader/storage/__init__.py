"""SQLite storage: one file, WAL, versioned migrations, FTS5 search."""

from tuireader.storage.db import Database

__all__ = ["Database"]
