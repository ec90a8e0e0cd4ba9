"""What an article's text says, reduced to what related stories compare.

Two views of one text, both pure functions of it so an article indexed twice
gets the same data:

- terms, for "about the same thing": content words (no stop words, cut to a
  five-letter prefix so "robbers", "robbery" and "robbed" meet), each counted twice
  when it looks like a name or a figure (capitalised, or starting with a
  digit), because names, places and figures are what tell one event from
  another of the same kind;
- shingles, for "the same text": hashes of every run of four content words,
  whatever the site chrome or headline around them, so a copy shares most
  of them.

Term keys are 32-bit and shingle hashes 64-bit, so the storage holds
fixed-width blobs that both Python (`array`) and SQL triggers (`substr`) can
take apart.
"""

import re
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

# Enough for any real article; more only costs time (a 5 MB page is not 5 MB of story).
MAX_CHARS = 100_000
PREFIX = 5
SHINGLE = 4
# A name or a figure counts this many times over.
NAME_BOOST = 2
# Terms kept per article: the most frequent, names counted double, earliest first among
# equals (so the headline and lead win). Every kept term costs an upsert of its document
# frequency at ingest; a long article's tail of once-mentioned words adds cost, not signal.
# (The delete trigger's related_seq has 1024 rows.)
MAX_TERMS = 256
MAX_COUNT = 65535
# Shingle hashes kept per article: the smallest, a bottom-k sketch (see copies.py).
SKETCH = 64

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")

_STOP_LIST = """a about above according across after afterwards again against ago all almost alone
along already also although always am among an and another any anyone anything are
around as at back be became because become been before being below beside besides
between both but by can cannot could did do does doing done down during each either
else enough even ever every few first for former from further get got had has have
having he her here hers herself him himself his how however i if in including into is
it its itself just last least less like made make many may me meanwhile might mine
more most mostly mr mrs ms much must my myself near neither never new next no nor not
nothing now of off often on once one only onto or other others otherwise our ours
ourselves out over own per perhaps rather really said same say saying says see seen
several she should since so some something still such than that the their theirs them
themselves then there thereby therefore these they this those though through
throughout thus to together told too toward towards under until up upon us very via
was we well were what whatever when whenever where whether which while who whole whom
whose why will with within without would yet you your yours yourself yourselves"""
STOP_WORDS = frozenset(_STOP_LIST.split())


@dataclass(frozen=True)
class Features:
    """Term counts (hash -> weighted count) and the set of shingle hashes."""

    terms: Counter[int]
    shingles: set[int]


def features(title: str, body: str) -> Features:
    """Terms of title and body; shingles of the body (or of the title when it is empty).

    The headline is left out of the shingles on purpose: copies are often
    retitled, and a reworded headline should not hide a copied body.
    """
    title_terms = list(chain.from_iterable(map(_terms, _WORD.findall(title[:MAX_CHARS]))))
    body_terms = list(chain.from_iterable(map(_terms, _WORD.findall(body[:MAX_CHARS]))))
    terms = Counter(title_terms)
    terms.update(body_terms)
    return Features(terms, _shingles(body_terms or title_terms))


@dataclass(frozen=True)
class ArticleFeatures:
    """What indexing needs of an article's text, without the database; cheap to pickle.

    `terms` are the kept term keys, most frequent first (the order decides
    float sums, so it is kept as computed), `counts` their counts, `sketch`
    the smallest shingle hashes and `shingles` how many shingles there were.
    """

    terms: array  # "I"
    counts: array  # "H", one per term
    sketch: array  # "q", ascending
    shingles: int


def article_features(title: str, body: str) -> ArticleFeatures:
    """`features` reduced to what `index.store_many_features` stores: a pure function of the text.

    Runs wherever the text is (a pool worker, as the feed is parsed or the
    page cleaned), so the writer only does the database part.
    """
    found = features(title, body)
    kept = found.terms.most_common(MAX_TERMS)
    return ArticleFeatures(
        terms=array("I", (term for term, _ in kept)),
        counts=array("H", (min(count, MAX_COUNT) for _, count in kept)),
        sketch=array("q", sorted(found.shingles)[:SKETCH]),
        shingles=len(found.shingles),
    )


def term_key(term: str) -> int:
    """A term's stored key: stable across processes, unlike `hash()`."""
    return zlib.crc32(term.encode())


@lru_cache(maxsize=1 << 17)
def _terms(word: str) -> tuple[int, ...]:
    """The term a word counts as, once or NAME_BOOST times; none for stop words.

    A word starting with a capital or a digit is taken for a name or a figure:
    sentence openers get the boost too, which costs little (the common ones are
    stop words) and saves telling sentences apart.
    """
    boost = NAME_BOOST if word[0].isupper() or word[0].isdigit() else 1
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
        return ()
    return (term_key(word[:PREFIX] if word.isalpha() else word),) * boost


def _shingles(keys: list[int]) -> set[int]:
    """The hash of each run of SHINGLE term keys, in text order.

    Runs of content words (stop words are already gone) skip stock phrases
    like "in the wake of the". A run is a tuple of ints, whose `hash()`
    (unlike a string's) is the same in every process: CPython does not salt
    int or tuple hashes.
    """
    if len(keys) < SHINGLE:
        return {hash(tuple(keys))} if keys else set()
    return set(map(hash, zip(*(keys[i:] for i in range(SHINGLE)), strict=False)))
