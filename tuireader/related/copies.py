"""Near-copy detection: is this the same text as that, give or take?

Each article keeps a bottom-k sketch, the k smallest hashes of its word
shingles. Two sketches estimate the resemblance of the full shingle sets
(Broder), and with both set sizes that gives containment: how much of the
shorter text is in the longer one. Containment, not resemblance, because a
trimmed copy or a feed summary is a small part of the full story.

Shared text alone is not enough (two stories can share a stock paragraph), so
the indexer also asks that the term vectors agree (MIN_COSINE).
"""

import heapq

# The smallest few hashes are indexed: a copy sharing half the text shares one of
# them with probability about 1 - 0.5**BANDS.
BANDS = 8
MIN_CONTAINMENT = 0.5
MIN_SHARED = 4
MIN_COSINE = 0.4


def shares_text(a: list[int], a_size: int, b: list[int], b_size: int) -> bool:
    """Whether most of the shorter text (by shingles) is in the longer one."""
    k = min(len(a), len(b))
    if k == 0:
        return False
    in_a, in_b = set(a), set(b)
    bottom = heapq.nsmallest(k, in_a | in_b)
    resemblance = sum(1 for h in bottom if h in in_a and h in in_b) / k
    shared = resemblance * (a_size + b_size) / (1.0 + resemblance)
    return shared >= MIN_SHARED and shared >= MIN_CONTAINMENT * min(a_size, b_size)
