"""Search and related stories at 100,000 articles: 200 varied queries each.

    python tests/benchmarks/bench_queries.py [--articles 100000] [--feeds 500] [--queries 200]

Queries are drawn (seeded) from the cache's own titles and bodies: single
common and rare words, two- and three-word sets, "quoted phrases", prefix*
terms and words that match nothing. Related runs for 200 random articles.
Each call is timed on its own through `Library.search` / `Library.related`
after one untimed warm-up call; the first (cold) call is printed too.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cache_builder import cached_profile, median, percentile

WORD = re.compile(r"[A-Za-z]{3,}")


def make_queries(conn, count: int, seed: int = 3) -> list[str]:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    top = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    samples = []
    for _ in range(count):
        row = conn.execute(
            "SELECT title, substr(content_text, 1, 600) FROM articles WHERE id >= ? LIMIT 1",
            (rng.randint(1, top),),
        ).fetchone()
        samples.append((row[0], row[1]))
    queries = []
    kinds = ["one", "two", "three", "phrase", "prefix", "title", "common", "none"]
    for index, (title, body) in enumerate(samples):
        words = WORD.findall(title + " " + body) or ["council"]
        kind = kinds[index % len(kinds)]
        if kind == "one":
            query = rng.choice(words)
        elif kind == "two":
            query = " ".join(rng.sample(words, min(2, len(words))))
        elif kind == "three":
            query = " ".join(rng.sample(words, min(3, len(words))))
        elif kind == "phrase":
            start = rng.randrange(max(1, len(words) - 2))
            query = '"' + " ".join(words[start : start + 2]) + '"'
        elif kind == "prefix":
            query = rng.choice(words)[:3] + "*"
        elif kind == "title":
            query = title
        elif kind == "common":
            query = rng.choice(
                [
                    "the council",
                    "police",
                    "market prices",
                    "climate",
                    "election",
                    "the",
                    "school budget",
                    "storm flooding",
                ]
            )
        else:
            query = "zzqx" + str(index)
        queries.append(query)
    return queries


def timed(call, items):  # type: ignore[no-untyped-def]
    times = []
    for item in items:
        started = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    profile = cached_profile(args.articles, args.feeds)
    from tuireader.library import Library

    print(
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f},"
        f" {time.strftime('%Y-%m-%d %H:%M %Z')}; cache {profile}"
    )
    library = Library.open(profile)
    try:
        conn = library.db.conn
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        queries = make_queries(conn, args.queries)
        started = time.perf_counter()
        library.search(queries[0])
        cold_search = (time.perf_counter() - started) * 1000
        search_ms = timed(library.search, queries)
        worst = sorted(zip(search_ms, queries, strict=True), reverse=True)[:5]
        rng = random.Random(5)
        top = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
        ids = [
            conn.execute(
                "SELECT id FROM articles WHERE id >= ? LIMIT 1", (rng.randint(1, top),)
            ).fetchone()[0]
            for _ in range(args.queries)
        ]
        started = time.perf_counter()
        library.related(ids[0])
        cold_related = (time.perf_counter() - started) * 1000
        related_ms = timed(library.related, ids)
        hits = [len(library.related(i)) for i in ids[:20]]
        worst_related = sorted(zip(related_ms, ids, strict=True), reverse=True)[:5]
    finally:
        library.close()
    print(f"{total:,} articles")
    print(
        f"search:  p50 {median(search_ms):.1f} ms, p95 {percentile(search_ms, 0.95):.1f} ms,"
        f" max {max(search_ms):.1f} ms, cold first {cold_search:.1f} ms"
    )
    print("  slowest: " + "; ".join(f"{q!r} {ms:.0f} ms" for ms, q in worst))
    print(
        f"related: p50 {median(related_ms):.1f} ms, p95 {percentile(related_ms, 0.95):.1f} ms,"
        f" max {max(related_ms):.1f} ms, cold first {cold_related:.1f} ms;"
        f" {sum(hits) / len(hits):.1f} hits each"
    )
    print("  slowest: " + "; ".join(f"id {i} {ms:.0f} ms" for ms, i in worst_related))
    print()
    print("| figure | target | measured | newsboat |")
    print("|---|---|---|---|")
    print(
        f"| search at {total:,} articles, {len(queries)} queries, p95 | <= 50 ms |"
        f" {percentile(search_ms, 0.95):.1f} ms (p50 {median(search_ms):.1f}) |"
        " (no full-text search) |"
    )
    print(
        f"| related at {total:,} articles, {len(ids)} articles, p95 | <= 50 ms |"
        f" {percentile(related_ms, 0.95):.1f} ms (p50 {median(related_ms):.1f}) | (none) |"
    )


if __name__ == "__main__":
    main()
