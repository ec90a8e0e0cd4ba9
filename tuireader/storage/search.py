"""Full-text search over cached titles and bodies with FTS5 and bm25.

Whatever a person types becomes a safe FTS5 query: words, "quoted phrases"
and prefix* are kept; every other character is treated as a separator, so a
lone `"`, `-`, `AND` or `*` can never raise a syntax error.

Speed at 100,000 articles: ranking costs a bm25 per matching row, so a word
found in every article ("the") would rank them all. A query ranks at most
CANDIDATES matches, the newest (highest rowid, the order articles arrive
in); snippets are made for the returned rows only, by FTS5, or for prefix
queries (whose FTS5 snippets re-expand the prefix for every row, ~13 ms
each) by `_snippet` here.
"""

import re
import sqlite3
import unicodedata
from collections import Counter

from tuireader.errors import UserError
from tuireader.models import SearchHit
from tuireader.storage.articles import rows_by_ids

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
_PHRASE = re.compile(r'"([^"]*)"')
_TERM = re.compile(r"(\w+)(\*?)")
_TITLE_WEIGHT = 8.0
_RANK = f"bm25({_TITLE_WEIGHT}, 1.0)"
# At most this many matches are ranked: the newest ones when a query matches more.
CANDIDATES = 4000
SNIPPET_TOKENS = 16
_ELLIPSIS = "…"
_WORD = re.compile(r"\w+")


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
    where, params = "articles_fts MATCH ?", [query]
    floor = conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
        " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (query, CANDIDATES - 1),
    ).fetchone()
    if floor is not None:
        where += " AND rowid >= ?"
        params.append(floor[0])
    ranked = conn.execute(
        f"SELECT rowid, rank FROM articles_fts WHERE {where} AND rank MATCH ?"
        " ORDER BY rank LIMIT ?",
        [*params, _RANK, limit],
    ).fetchall()
    if not ranked:
        return []
    ids = [row[0] for row in ranked]
    rows = rows_by_ids(conn, ids)
    snippets = _snippets(conn, query, text, ids)
    return [
        SearchHit(article=rows[rowid], snippet=snippets.get(rowid) or "", rank=rank)
        for rowid, rank in ranked
        if rowid in rows
    ]


def _snippets(
    conn: sqlite3.Connection, query: str, text: str, ids: list[int]
) -> dict[int, str]:
    marks = ",".join("?" * len(ids))
    if "*" not in query:
        return dict(conn.execute(
            f"SELECT rowid, snippet(articles_fts, 1, ?, ?, '{_ELLIPSIS}', {SNIPPET_TOKENS})"
            f" FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN ({marks})",
            [HIGHLIGHT_START, HIGHLIGHT_END, query, *ids],
        ).fetchall())
    terms = _terms(text)
    return {
        rowid: _snippet(body or "", terms)
        for rowid, body in conn.execute(
            f"SELECT id, content_text FROM articles WHERE id IN ({marks})", ids
        )
    }


def _fold(word: str) -> str:
    """A token as unicode61 with remove_diacritics compares it: lower case, no accents."""
    word = word.lower()
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _terms(text: str) -> list[tuple[str, bool]]:
    """(folded word, is prefix) for every word of the query, phrases included."""
    return [(_fold(word), bool(star)) for word, star in _TERM.findall(text)]


def _best_window(hits: list[tuple[int, int]]) -> int:
    """Where the snippet starts: two words before the SNIPPET_TOKENS-word window, opening
    on a hit, that holds the most distinct terms (the first such). One pass over the hits
    (in text order): a prefix search on a long article has thousands of them."""
    best, start, end = 0, 0, 0
    held: Counter[int] = Counter()
    for index, number in hits:
        while end < len(hits) and hits[end][0] < index + SNIPPET_TOKENS:
            held[hits[end][1]] += 1
            end += 1
        if len(held) > best:
            best, start = len(held), max(0, index - 2)
        held[number] -= 1
        if not held[number]:
            del held[number]
    return start


def _snippet(body: str, terms: list[tuple[str, bool]]) -> str:
    """FTS5-like snippet: the SNIPPET_TOKENS-word window with the most distinct hits."""
    tokens = list(_WORD.finditer(body))
    if not tokens:
        return ""
    hits = []
    for index, token in enumerate(tokens):
        word = _fold(token.group())
        for number, (term, prefix) in enumerate(terms):
            if word == term or (prefix and word.startswith(term)):
                hits.append((index, number))
                break
    start = _best_window(hits)
    end = min(len(tokens), start + SNIPPET_TOKENS)
    marked = {index for index, _number in hits if start <= index < end}
    parts = [_ELLIPSIS] if start > 0 else []
    cursor = tokens[start].start()
    for index in range(start, end):
        token = tokens[index]
        parts.append(body[cursor:token.start()])
        if index in marked:
            parts += [HIGHLIGHT_START, token.group(), HIGHLIGHT_END]
        else:
            parts.append(token.group())
        cursor = token.end()
    if end < len(tokens):
        parts.append(_ELLIPSIS)
    return "".join(parts)


def plain_snippet(snippet: str) -> str:
    """The snippet without highlight marks, for JSON and plain output."""
    return snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
