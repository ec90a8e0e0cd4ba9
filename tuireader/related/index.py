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
from dataclasses import dataclass

from tuireader.related.copies import BANDS, MIN_COSINE, shares_text
from tuireader.related.features import ArticleFeatures, article_features
from tuireader.related.vectors import (
    blob,
    document_frequencies,
    dot,
    key,
    unpacked,
    weigh,
)
from tuireader.storage.db import chunks, insert_rows

# Terms per article in the inverted index: its most distinctive ones. (Articles
# indexed when this was 32 keep their 32 until re-indexed or pruned; they only
# have more ways into a candidate list, which is then scored on whole vectors.)
POSTED_TERMS = 20
# A band value held by this many articles is not looked at.
COMMON_BAND = 50


def index_article(conn: sqlite3.Connection, article_id: int) -> None:
    """(Re)index one article from its stored title and text; call inside a write transaction."""
    index_articles(conn, [article_id])


def index_articles(conn: sqlite3.Connection, article_ids: Sequence[int]) -> None:
    """(Re)index articles from their stored titles and texts as `index_article` one by
    one would, in one group (one at a time, each paid a group's set-up and statements);
    call inside a write transaction. An article no longer stored is skipped: deleting
    it took its row away (the related_article_delete trigger)."""
    store_many_features(conn, [
        (article_id, found) for article_id in dict.fromkeys(article_ids)
        if (found := stored_text_features(conn, article_id)) is not None
    ])


def stored_text_features(conn: sqlite3.Connection, article_id: int) -> ArticleFeatures | None:
    """`article_features` of an article's stored title and text (its summary when it
    has no text); None when it is not stored."""
    row = conn.execute(
        "SELECT title, summary, content_text FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return None
    title, summary, text = row
    return article_features(title, text or summary)


def store_many_features(
    conn: sqlite3.Connection, items: Sequence[tuple[int, ArticleFeatures]]
) -> None:
    """(Re)index articles from features computed elsewhere (`article_features` of each
    one's stored title and its text, or summary when it has no text), in order, as
    one by one would; call inside a write transaction.

    The group is worked out in memory and written in a few statements: per
    article, statements over every term were most of the write time of a
    refresh. Each article still sees the ones before it, so a copy within the
    group is found.
    """
    if not items:
        return
    conn.executemany(
        "DELETE FROM related_docs WHERE article_id = ?", [(article_id,) for article_id, _ in items]
    )
    group = _Group(conn, items)
    for article_id, found in items:
        group.add(article_id, found)
    group.write()


@dataclass
class _Doc:
    """An article's related_docs row as the group builds it (story changes on a merge)."""

    article_id: int
    story: int
    counted: bool
    terms: bytes
    tfs: bytes
    weights: bytes
    posted: int
    sketch: bytes
    banded: int
    shingles: int
    hashes: list[int]  # the sketch, unpacked
    vector: dict[int, float]

    def row(self) -> tuple[object, ...]:
        return (
            self.article_id, self.story, int(self.counted), self.terms, self.tfs,
            self.weights, self.posted, self.sketch, self.banded, self.shingles,
        )


class _Group:
    """Index rows of a group of articles, built in memory on what is stored."""

    def __init__(self, conn: sqlite3.Connection, items: Sequence[tuple[int, ArticleFeatures]]):
        self.conn = conn
        self.df = document_frequencies(conn, {t for _, found in items for t in found.terms})
        self.docs, self.last_story = conn.execute(
            "SELECT docs, last_story FROM related_stats"
        ).fetchone()
        self.stored_holders = _band_holders(
            conn, {band for _, found in items for band in _bands(found.sketch.tobytes())}
        )
        self.holders: dict[bytes, list[int]] = {}  # band -> earlier articles of the group
        self.built: dict[int, _Doc] = {}
        self.counted_stories: set[int] = set()  # groups with a counted member in self.built
        self.added: Counter[int] = Counter()
        self.postings: list[tuple[bytes, int, float]] = []
        self.bands: list[tuple[bytes, int]] = []

    def add(self, article_id: int, found: ArticleFeatures) -> None:
        terms = found.terms.tolist()
        df = self.df
        for term in terms:
            df[term] = df.get(term, 0) + 1
        vector = weigh(dict(zip(terms, found.counts.tolist(), strict=True)), df, self.docs + 1)
        hashes = found.sketch.tolist()
        sketch = found.sketch.tobytes()
        bands = _bands(sketch)
        stories = self._copied_stories(hashes, bands, found.shingles, vector)
        # Copies tell nothing new about how rare words are: a group is counted once.
        counted = not stories or not self._counted(stories)
        if counted:
            self.added.update(terms)
            self.docs += 1
        else:
            for term in terms:
                df[term] -= 1
        order = sorted(range(len(terms)), key=[vector[t] for t in terms].__getitem__, reverse=True)
        terms = [terms[i] for i in order]
        weights = [vector[t] for t in terms]
        keys = blob(terms, "I")  # each term's key is its four bytes here
        posted = min(POSTED_TERMS, len(terms))
        self.postings += [
            (keys[4 * i : 4 * i + 4], article_id, weights[i]) for i in range(posted)
        ]
        for band in bands:
            self.holders.setdefault(band, []).append(article_id)
        self.bands += [(band, article_id) for band in bands]
        story = self._join(stories)
        if counted:
            self.counted_stories.add(story)
        self.built[article_id] = _Doc(
            article_id, story, counted, keys,
            blob([found.counts[i] for i in order], "H"), blob(weights, "f"),
            posted, sketch, len(bands), found.shingles, hashes, vector,
        )

    def write(self) -> None:
        conn = self.conn
        insert_rows(
            conn, "INSERT INTO related_docs (article_id, story, counted, terms, tfs, weights,"
            " posted, sketch, banded, shingles) VALUES",
            [doc.row() for doc in self.built.values()], 10,
        )
        conn.execute("UPDATE related_stats SET last_story = ?", (self.last_story,))
        insert_rows(
            conn, "INSERT INTO related_bands (hash, article_id) VALUES", sorted(self.bands), 2
        )
        insert_rows(
            conn, "INSERT INTO related_df (term, df) VALUES",
            sorted((key(term), count) for term, count in self.added.items()), 2,
            " ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
        )
        self.postings.sort()
        insert_rows(
            conn, "INSERT INTO related_postings (term, article_id, weight) VALUES",
            self.postings, 3,
        )

    def _counted(self, stories: set[int]) -> bool:
        """Whether an article of these groups already counts in the frequencies."""
        if not stories.isdisjoint(self.counted_stories):
            return True
        return bool(self.conn.execute(
            "SELECT 1 FROM related_docs WHERE counted AND story IN"
            f" ({','.join('?' * len(stories))}) LIMIT 1",
            list(stories),
        ).fetchall())

    def _join(self, stories: set[int]) -> int:
        """The group of the stories this article copies (merging them), or a new group."""
        if not stories:
            self.last_story += 1
            return self.last_story
        story = min(stories)
        if len(stories) > 1:
            merged = sorted(stories)[1:]
            self.conn.execute(
                f"UPDATE related_docs SET story = ? WHERE story IN ({','.join('?' * len(merged))})",
                [story, *merged],
            )
            for doc in self.built.values():
                if doc.story in merged:
                    doc.story = story
            if not self.counted_stories.isdisjoint(merged):
                self.counted_stories.add(story)
        return story

    def _copied_stories(
        self, hashes: list[int], bands: list[bytes], size: int, vector: dict[int, float]
    ) -> set[int]:
        """Groups of the indexed near-copies: a shared band, then the sketch, then the vector."""
        candidates: set[int] = set()
        for band in bands:
            # A band value many articles hold is stock phrasing, not evidence of a copy.
            found = self.stored_holders.get(band, []) + self.holders.get(band, [])
            if len(found) < COMMON_BAND:
                candidates.update(found)
        if not candidates:  # most articles: nothing shares a band with them
            return set()
        # (story, vector) of each candidate that shares most of its text.
        close = [
            (doc.story, doc.vector) for article_id in candidates
            if (doc := self.built.get(article_id)) is not None
            and shares_text(hashes, size, doc.hashes, doc.shingles)
        ]
        for chunk, marks in chunks(sorted(candidates - self.built.keys())):
            for story, sketch, shingles, terms, weights in self.conn.execute(
                "SELECT story, sketch, shingles, terms, weights FROM related_docs"
                f" WHERE article_id IN ({marks})",
                chunk,
            ):
                if shares_text(hashes, size, list(array("q", sketch)), shingles):
                    close.append((story, unpacked(terms, weights)))
        return {story for story, other in close if dot(vector, other) >= MIN_COSINE}


def _bands(sketch: bytes) -> list[bytes]:
    """The indexed part of a stored sketch: its first BANDS values' eight bytes each."""
    return [sketch[8 * i : 8 * i + 8] for i in range(min(BANDS, len(sketch) // 8))]


def _band_holders(conn: sqlite3.Connection, bands: set[bytes]) -> dict[bytes, list[int]]:
    """Stored holders of each band, COMMON_BAND at most (more mean the band is ignored)."""
    holders: dict[bytes, list[int]] = {}
    for chunk, marks in chunks(list(bands)):
        for band, article_id in conn.execute(
            "SELECT hash, article_id FROM (SELECT hash, article_id,"
            " row_number() OVER (PARTITION BY hash) AS n FROM related_bands"
            f" WHERE hash IN ({marks})) WHERE n <= ?",
            [*chunk, COMMON_BAND],
        ):
            holders.setdefault(band, []).append(article_id)
    return holders
