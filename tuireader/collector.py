"""How often Python's cyclic garbage collector runs, set by the front doors (the CLI, the app).

A refresh allocates millions of short-lived objects. With Python's default
(the young generation collected every 700 allocations, the middle one every
10 of those, everything every 10 of those), a 500-feed refresh made six full
scans: 0.4 CPU-s of the app's process, and each scan a 50-140 ms pause of
every thread, the screen's too. Young objects every 10,000 allocations make
it one full scan and 0.2 CPU-s. The middle generation goes every 2 young
collections, not 10: at 10 it held up to 100,000 objects, and its collection
paused the screen for up to 34 ms where a page step takes 10.
"""

import gc

YOUNG_COLLECTION_EVERY = 10_000
MIDDLE_COLLECTION_EVERY = 2  # young collections

Thresholds = tuple[int, int, int]


def collect_less_often() -> Thresholds:
    """Collect young objects every YOUNG_COLLECTION_EVERY allocations (the middle ones
    every MIDDLE_COLLECTION_EVERY of those collections); the previous thresholds, for
    `restore` when the caller is done."""
    previous = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, MIDDLE_COLLECTION_EVERY, previous[2])
    return previous


def restore(previous: Thresholds) -> None:
    """Put back what `collect_less_often` returned."""
    gc.set_threshold(*previous)
