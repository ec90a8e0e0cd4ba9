"""Full-text search over cached titles and bodies with FTS5 and bm25.

Whatever a person types becomes a safe FTS5 query: words, "quoted phrases"
and prefix* are kept; every other character is treated as a separator, so a
lone `"`, `-`, `AND` or `*` can never raise a syntax error.
"""

import re
import sqlite3

from tuireader.errors import UserError
from tuireader.models import SearchHit
from tuireader.storage.articles import ROW_COLUMNS, row_to_article_row

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
_PHRASE = re.compile(r'"([^"]*)"')
_TERM = re.compile(r"(\w+)(\*?)")
_TITLE_WEIGHT = 8.0


def build_query(text: str) -> str:
    """Turn free text into an FTS5 MATCH expression (implicit AND of terms)."""
    parts: list[str] = []
    for phrase in _PHRASE.findall(text):
        words = _TERM.findall(phrase)
        if words:
            parts.append('"' + " ".join(word for word, _star in words) + '"')
    rest = _PHRASE.sub(" ", text)
    for word, star in _TERM.findall(rest):
        parts.append(f'"{word}"' + ("*" if star else ""))
    if not parts:
        raise UserError("nothing to search for: type a word, a \"phrase\" or a prefix*")
    return " ".join(parts)


def search(conn: sqlite3.Connection, text: str, limit: int = 20) -> list[SearchHit]:
    """Best matches first; the snippet marks hits with HIGHLIGHT_START/END."""
    query = build_query(text)
    rows = conn.execute(
        f"SELECT {ROW_COLUMNS}, hits.snippet AS snippet, hits.rank AS rank FROM"
        " (SELECT rowid, snippet(articles_fts, 1, ?, ?, '…', 16) AS snippet,"
        f"  bm25(articles_fts, {_TITLE_WEIGHT}, 1.0) AS rank"
        "  FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?) AS hits"
        " JOIN articles a ON a.id = hits.rowid LEFT JOIN feeds f ON f.id = a.feed_id"
        " ORDER BY hits.rank",
        (HIGHLIGHT_START, HIGHLIGHT_END, query, limit),
    ).fetchall()
    return [
        SearchHit(article=row_to_article_row(row), snippet=row["snippet"] or "", rank=row["rank"])
        for row in rows
    ]


def plain_snippet(snippet: str) -> str:
    """The snippet without highlight marks, for JSON and plain output."""
    return snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
