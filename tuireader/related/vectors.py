"""Term weights and the stored form of an article's vector.

Weights are sublinear tf times smoothed idf, scaled to unit length, so the dot
product of two vectors is their cosine. Terms are 32-bit keys kept in native
byte order; the same four bytes are the `related_df` key, which lets the
delete trigger take a stored blob apart with `substr`.
"""

import math
import sqlite3
import sys
from array import array
from collections.abc import Iterable, Mapping
from operator import mul

from tuireader.storage.db import chunks

Vector = dict[int, float]


def stored_vectors(conn: sqlite3.Connection, ids: list[int]) -> dict[int, tuple[Vector, int]]:
    """Weights as of indexing and same-story group of each given article that is indexed."""
    found: dict[int, tuple[Vector, int]] = {}
    for chunk, marks in chunks(ids):
        for article_id, story, terms, weights in conn.execute(
            f"SELECT article_id, story, terms, weights FROM related_docs WHERE article_id IN"
            f" ({marks})",
            chunk,
        ):
            found[article_id] = (unpacked(terms, weights), story)
    return found


def unpacked(terms: bytes, weights: bytes) -> Vector:
    """A stored vector from its terms and weights blobs."""
    return dict(zip(array("I", terms), array("f", weights), strict=True))


def weigh(counts: Mapping[int, int], df: Mapping[int, int], docs: int) -> Vector:
    """Unit-length tf-idf; `df` counts documents holding each term (at least 1)."""
    log = math.log
    base = log(docs + 1) + 1.0
    raw = {
        term: (1.0 + log(count)) * (base - log(df.get(term, 1) + 1))
        for term, count in counts.items()
    }
    return normalized(raw)


def normalized(vector: Vector) -> Vector:
    norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
    return {term: value / norm for term, value in vector.items()}


def dot(a: Vector, b: Vector) -> float:
    common = a.keys() & b.keys()
    return sum(map(mul, map(a.__getitem__, common), map(b.__getitem__, common)))


def key(term: int) -> bytes:
    """A term's four bytes as they sit in a stored blob."""
    return term.to_bytes(4, sys.byteorder)


def blob(values: Iterable[int] | Iterable[float], typecode: str) -> bytes:
    return array(typecode, values).tobytes()


def document_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT docs FROM related_stats").fetchone()[0]


def document_frequencies(conn: sqlite3.Connection, terms: Iterable[int]) -> dict[int, int]:
    """Current df of the given terms; absent terms are left out.

    Keys are cut from one packed blob and read back as one array: converting
    term by term was most of this function's time.
    """
    packed = blob(terms, "I")
    keys = [packed[i : i + 4] for i in range(0, len(packed), 4)]
    found: list[tuple[bytes, int]] = []
    for chunk, marks in chunks(keys):
        found += conn.execute(f"SELECT term, df FROM related_df WHERE term IN ({marks})", chunk)
    terms_found = array("I", b"".join(term for term, _ in found))
    return dict(zip(terms_found, [df for _, df in found], strict=True))
