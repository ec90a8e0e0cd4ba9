"""Queries: related articles, same story first, and the outlets carrying a story.

A query does a bounded amount of work whatever the cache size: re-weigh the
article with today's document frequencies, gather candidates from the inverted
index through its most distinctive terms, score them by cosine, then rerank the
best few by shared neighbours (two reports of one event tend to have the same
nearest neighbours; two events of a kind each have their own), which is what
separates a story from its topic when the words alone nearly tie.
"""

import sqlite3
from array import array

from tuireader.models import RelatedHit
from tuireader.related.vectors import (
    Vector,
    document_count,
    document_frequencies,
    dot,
    key,
    stored_vectors,
    weigh,
)
from tuireader.storage.articles import rows_by_ids

QUERY_TERMS = 40
PER_TERM = 500
CANDIDATES = 50
# Shared-neighbour rerank: the pool it looks at, the neighbours compared, their weight.
POOL = 20
NEIGHBOURS = 5
SHARED_WEIGHT = 0.3


def find_related(conn: sqlite3.Connection, article_id: int, limit: int = 10) -> list[RelatedHit]:
    """Other articles closest to this one, its same-story group first."""
    row = conn.execute(
        "SELECT story, terms, tfs FROM related_docs WHERE article_id = ?", (article_id,)
    ).fetchone()
    if row is None or limit <= 0:
        return []
    story, terms, tfs = row
    counts = dict(zip(array("I", terms), array("H", tfs), strict=True))
    query = weigh(counts, document_frequencies(conn, counts), document_count(conn))
    candidates = _candidates(conn, article_id, story, query)
    scores = {doc: dot(query, vector) for doc, (vector, _) in candidates.items()}
    scores = _rerank(query, scores, {doc: vector for doc, (vector, _) in candidates.items()})
    same = {doc for doc, (_, doc_story) in candidates.items() if doc_story == story}
    best = sorted(scores, key=lambda doc: (doc in same, scores[doc]), reverse=True)[:limit]
    rows = rows_by_ids(conn, best)
    return [
        RelatedHit(rows[doc], round(scores[doc], 4), doc in same) for doc in best if doc in rows
    ]


def story_outlets(conn: sqlite3.Connection, article_id: int) -> list[str]:
    """Feed titles of the article's same-story group, its own first, each once."""
    titles = conn.execute(
        "SELECT coalesce(nullif(f.title, ''), nullif(a.site_name, ''), a.source) FROM"
        " related_docs r JOIN articles a ON a.id = r.article_id"
        " LEFT JOIN feeds f ON f.id = a.feed_id"
        " WHERE r.story = (SELECT story FROM related_docs WHERE article_id = ?)"
        " ORDER BY a.id != ?, a.id",
        (article_id, article_id),
    ).fetchall()
    return list(dict.fromkeys(title for (title,) in titles if title))


def _candidates(
    conn: sqlite3.Connection, article_id: int, story: int, query: Vector
) -> dict[int, tuple[Vector, int]]:
    """Stored vectors and groups of the likeliest articles and of the group's newest."""
    top = sorted(query, key=query.__getitem__, reverse=True)[:QUERY_TERMS]
    # Per term, only its newest holders: a long list belongs to a common, light term.
    lists = " UNION ALL ".join(
        "SELECT * FROM (SELECT article_id, weight * ? AS part FROM related_postings"
        " WHERE term = ? ORDER BY article_id DESC LIMIT ?)"
        for _ in top
    )
    params: list[object] = [p for term in top for p in (query[term], key(term), PER_TERM)]
    ids = [
        doc for (doc,) in conn.execute(
            f"SELECT article_id FROM ({lists}) WHERE article_id != ?"
            " GROUP BY article_id ORDER BY sum(part) DESC LIMIT ?",
            [*params, article_id, CANDIDATES],
        )
    ] if top else []
    ids += [
        doc for (doc,) in conn.execute(
            "SELECT article_id FROM related_docs WHERE story = ? AND article_id != ?"
            " ORDER BY article_id DESC LIMIT ?",
            (story, article_id, CANDIDATES),
        )
    ]
    return stored_vectors(conn, ids)


def _rerank(
    query: Vector, scores: dict[int, float], vectors: dict[int, Vector]
) -> dict[int, float]:
    """Add a bonus to the best few for each nearest neighbour they share with the query."""
    pool = sorted(scores, key=scores.__getitem__, reverse=True)[:POOL]
    members = [query, *(vectors[doc] for doc in pool)]
    size = len(members)
    sims = [[0.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            sims[i][j] = sims[j][i] = dot(members[i], members[j])
    near = [
        set(sorted((j for j in range(size) if j != i), key=sims[i].__getitem__, reverse=True)
            [:NEIGHBOURS])
        for i in range(size)
    ]
    reranked = dict(scores)
    for position, doc in enumerate(pool, start=1):
        reranked[doc] += SHARED_WEIGHT * len(near[0] & near[position]) / NEIGHBOURS
    return reranked
