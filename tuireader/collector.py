"""How often Python's cyclic garbage collector runs, set by the front doors (the CLI, the app).

A refresh allocates millions of short-lived objects. With Python's default
(a young-generation collection every 700 allocations), every tenth collection
of the middle generation may scan every object in the process: about ten
full scans in a big refresh, each a 50-140 ms pause of every thread (the
screen's too) and 0.45 CPU-s of the app process in a 500-feed refresh. Every
10,000 allocations, it is one or two scans and 0.18 CPU-s; the young objects
collected at once are then ~10,000, a millisecond or two.
"""

import gc

YOUNG_COLLECTION_EVERY = 10_000

Thresholds = tuple[int, int, int]


def collect_less_often() -> Thresholds:
    """Collect young objects every YOUNG_COLLECTION_EVERY allocations; the previous
    thresholds, for `gc.set_threshold(*previous)` when the caller is done."""
    previous = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, previous[1], previous[2])
    return previous


def restore(previous: Thresholds) -> None:
    """Put back what `collect_less_often` returned."""
    gc.set_threshold(*previous)
