"""Indexing: everything a related-stories query needs, computed once at ingest.

Per article we store its terms with raw counts (so a query can re-weigh it with
today's document frequencies), its tf-idf weights as of indexing (so candidates
are scored without looking up thousands of frequencies), its top terms in an
inverted index (so candidates are found without a scan), a copy sketch, and
the same-story group it joined. Re-indexing deletes the old row first; the
delete trigger takes back its frequencies, postings and bands.
"""

import sqlite3
from array import array
from collections import Counter
from collections.abc import Sequence

from tuireader.related.copies import BANDS, MIN_COSINE, shares_text
from tuireader.related.features import ArticleFeatures, article_features
from tuireader.related.vectors import (
    band_key,
    blob,
    document_count,
    document_frequencies,
    dot,
    key,
    stored_vectors,
    weigh,
)

# Terms per article in the inverted index: its most distinctive ones.
POSTED_TERMS = 48
# A band value held by this many articles is not looked at.
COMMON_BAND = 50


def index_article(conn: sqlite3.Connection, article_id: int) -> None:
    """(Re)index one article from its stored title and text; call inside a write transaction."""
    row = conn.execute(
        "SELECT title, summary, content_text FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        conn.execute("DELETE FROM related_docs WHERE article_id = ?", (article_id,))
        return
    title, summary, text = row
    store_features(conn, article_id, article_features(title, text or summary))


def store_features(conn: sqlite3.Connection, article_id: int, found: ArticleFeatures) -> None:
    """(Re)index one article from features computed elsewhere (`article_features` of
    its stored title and its text, or summary when it has no text): the database
    part of `index_article`. Call inside a write transaction."""
    store_many_features(conn, [(article_id, found)])


def store_many_features(
    conn: sqlite3.Connection, items: Sequence[tuple[int, ArticleFeatures]]
) -> None:
    """(Re)index several articles (a feed's new entries) as `store_features` one by
    one would, in order; call inside a write transaction.

    Document frequencies are read once and written once for the group, and the
    postings go in as one sorted batch: per article, that was a statement over
    every term and most of the write time of a refresh. Each article's bands
    and row still go in before the next is looked at, so a copy within the
    group is found.
    """
    if not items:
        return
    conn.executemany(
        "DELETE FROM related_docs WHERE article_id = ?", [(article_id,) for article_id, _ in items]
    )
    df = document_frequencies(conn, {term for _, found in items for term in found.terms})
    added: Counter[int] = Counter()
    postings: list[tuple[bytes, int, float]] = []
    for article_id, found in items:
        terms = list(found.terms)
        counts = dict(zip(terms, found.counts, strict=True))
        for term in terms:
            df[term] = df.get(term, 0) + 1
        vector = weigh(counts, df, document_count(conn) + 1)
        hashes = list(found.sketch)
        stories = _copied_stories(conn, hashes, found.shingles, vector)
        # Copies tell nothing new about how rare words are: a group is counted once.
        counted = not stories or not conn.execute(
            "SELECT 1 FROM related_docs WHERE counted AND story IN"
            f" ({','.join('?' * len(stories))}) LIMIT 1",
            list(stories),
        ).fetchall()
        if counted:
            added.update(terms)
        else:
            for term in terms:
                df[term] -= 1
        terms.sort(key=vector.__getitem__, reverse=True)
        posted = terms[:POSTED_TERMS]
        postings += [(key(term), article_id, vector[term]) for term in posted]
        bands = hashes[:BANDS]
        conn.executemany(
            "INSERT INTO related_bands (hash, article_id) VALUES (?, ?)",
            [(band_key(value), article_id) for value in bands],
        )
        conn.execute(
            "INSERT INTO related_docs (article_id, story, counted, terms, tfs, weights, posted,"
            " sketch, banded, shingles) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id, _join(conn, stories), int(counted), blob(terms, "I"),
                blob((counts[t] for t in terms), "H"), blob((vector[t] for t in terms), "f"),
                len(posted), blob(hashes, "q"), len(bands), found.shingles,
            ),
        )
    conn.executemany(
        "INSERT INTO related_df (term, df) VALUES (?, ?)"
        " ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
        sorted((key(term), count) for term, count in added.items()),
    )
    postings.sort()
    conn.executemany(
        "INSERT INTO related_postings (term, article_id, weight) VALUES (?, ?, ?)", postings
    )


def _join(conn: sqlite3.Connection, stories: set[int]) -> int:
    """The group of the stories this article copies (merging them), or a new group."""
    if not stories:
        return conn.execute(
            "UPDATE related_stats SET last_story = last_story + 1 RETURNING last_story"
        ).fetchone()[0]
    story = min(stories)
    if len(stories) > 1:
        marks = ",".join("?" * (len(stories) - 1))
        conn.execute(
            f"UPDATE related_docs SET story = ? WHERE story IN ({marks})",
            [story, *sorted(stories)[1:]],
        )
    return story


def _copied_stories(
    conn: sqlite3.Connection, hashes: list[int], size: int, vector: dict[int, float]
) -> set[int]:
    """Groups of the indexed near-copies: a shared band, then the sketch, then the vector."""
    bands = hashes[:BANDS]
    # One statement for every band (each a few holders at most): one round trip, not eight.
    holders: dict[int, list[int]] = {band: [] for band in range(len(bands))}
    if bands:
        lists = " UNION ALL ".join(
            "SELECT * FROM (SELECT ? AS band, article_id FROM related_bands WHERE hash = ?"
            " LIMIT ?)"
            for _ in bands
        )
        params = [
            p for band, value in enumerate(bands) for p in (band, band_key(value), COMMON_BAND)
        ]
        for band, holder in conn.execute(lists, params):
            holders[band].append(holder)
    # A band value many articles hold is stock phrasing, not evidence of a copy.
    candidates = {
        holder for found in holders.values() if len(found) < COMMON_BAND for holder in found
    }
    rows = conn.execute(
        "SELECT article_id, sketch, shingles FROM related_docs"
        f" WHERE article_id IN ({','.join('?' * len(candidates))})",
        list(candidates),
    ).fetchall()
    close = [
        article_id for article_id, other, other_size in rows
        if shares_text(hashes, size, list(array("q", other)), other_size)
    ]
    found = stored_vectors(conn, close)
    return {story for other, story in found.values() if dot(vector, other) >= MIN_COSINE}
