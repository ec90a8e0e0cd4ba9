"""Score related stories on the shared DEV set, alone and among synthetic distractors.

Run as `python tests/benchmarks/related.py [--distractors N]` (N=0 skips the
third configuration). Each configuration builds a real cache file in a temp
dir through the calls a refresh makes (`add_feed`, `insert_entries`,
`related.index_article`), asks `find_related` for every benchmark article,
writes the run JSONL and hands it to the benchmark's own `score.py`:

- full: title + full text;
- summary: title + feed summary only (the page could not be cleaned);
- distractors: full text, with N synthetic articles indexed in between.

The scorer drops ids it does not know, which would silently remove a
distractor from a list and move the next article up. So each distractor in a
list is written as a stand-in: a benchmark article of another topic, a plain
miss. The share of top-5 slots distractors took is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO.parent / "shared" / "bench" / "related"
sys.path.insert(0, str(REPO))

from tuireader.models import ParsedEntry  # noqa: E402
from tuireader.related import find_related, index_article  # noqa: E402
from tuireader.storage import Database  # noqa: E402
from tuireader.storage.articles import insert_entries  # noqa: E402
from tuireader.storage.feeds import add_feed  # noqa: E402

FEEDS = ("Wire Service", "Valley Daily", "Metro Times", "Coast Herald", "Evening Post")
BATCH = 500


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class Distractors:
    """Varied news-like articles: topic-coherent, Zipf-distributed words, 3-8 KB bodies.

    Words come from the benchmark's own vocabulary (so distractors compete on
    real news terms and lower their rarity) plus syllable-built words and
    names. Zipf ranks follow how many benchmark topics use a word, then its
    count: general news words are common, words of one story's people and
    places rare, as in a real stream (ranked by count alone, each story's
    names would sit in some 4% of all articles). Each of a few hundred topics
    has its own key words and people; an article mixes them with function
    words, general vocabulary, its own names and figures, so articles of one
    topic overlap like coverage of a beat, and no two share sentences.
    """

    SYLLABLES = ("ba", "ka", "lo", "mi", "ne", "ro", "su", "ta", "vi", "zen", "dor", "mar",
                 "tel", "gan", "fir", "hol", "pen", "ques")
    GLUE = ("the", "of", "and", "to", "in", "a", "that", "for", "on", "with", "as", "was",
            "at", "by", "is", "from", "has", "it", "said", "were", "will", "be", "an", "have",
            "this", "after", "but", "not", "their", "who", "its", "are", "which", "had")
    # Shares of topic, general, name and number words among the content words.
    KINDS = (30, 17, 6, 2)

    def __init__(self, rows: list[dict], seed: int = 7, topics: int = 400) -> None:
        self.rng = random.Random(seed)
        counts: dict[str, int] = {}
        spread: dict[str, set[str]] = {}
        for row in rows:
            for word in re.findall(r"[a-z]{3,}", row["text"].lower()):
                counts[word] = counts.get(word, 0) + 1
                spread.setdefault(word, set()).add(row["topic"])
        vocab = sorted(counts, key=lambda word: (len(spread[word]), counts[word]), reverse=True)
        vocab += [self._word(2, 4) for _ in range(30_000)]
        self.vocab = vocab
        self.cumulative = list(accumulate(1.0 / (rank + 10) for rank in range(len(vocab))))
        self.names = [self._word(2, 3).capitalize() for _ in range(20_000)]
        self.topics = [
            (self.rng.choices(vocab, cum_weights=self.cumulative, k=40),
             self.rng.sample(self.names, 12))
            for _ in range(topics)
        ]

    def _word(self, low: int, high: int) -> str:
        return "".join(self.rng.choices(self.SYLLABLES, k=self.rng.randint(low, high)))

    def _words(self, count: int) -> list[str]:
        """Function words alternating with shuffled topic, general, name and number words."""
        rng = self.rng
        keys, people = rng.choice(self.topics)
        people = people[:4] + rng.sample(self.names, 3)
        share = [count * part // sum(self.KINDS) for part in self.KINDS]
        content = (
            rng.choices(keys, k=share[0])
            + rng.choices(self.vocab, cum_weights=self.cumulative, k=share[1])
            + rng.choices(people, k=share[2])
            + [str(rng.randint(2, 2030)) for _ in range(share[3])]
        )
        rng.shuffle(content)
        glue = rng.choices(self.GLUE, k=len(content))
        return [word for pair in zip(glue, content, strict=True) for word in pair]

    def article(self, number: int) -> ParsedEntry:
        rng = self.rng
        words = self._words(rng.randint(3300, 8400) // 12)
        sentences, start = [], 0
        while start < len(words):
            end = start + rng.randint(8, 24)
            sentences.append(" ".join(words[start:end]).capitalize() + ".")
            start = end
        paragraphs = [
            " ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)
        ]
        return ParsedEntry(
            guid=f"distractor-{number}", url=f"https://example.org/d/{number}",
            title=" ".join(words[: rng.randint(6, 12)]).capitalize(), summary=paragraphs[0][:300],
            content_text="\n\n".join(paragraphs),
        )


def entry(row: dict, summary_only: bool) -> ParsedEntry:
    text = row["summary"] if summary_only else row["text"]
    return ParsedEntry(
        guid=row["id"], url=row["url"] or f"https://example.org/{row['id']}",
        title=row["title"], summary=row["summary"], content_text=text,
    )


def build(path: Path, entries: Iterator[ParsedEntry]) -> tuple[Database, float, int]:
    """Write and index every entry as a refresh would; returns (db, index seconds, count)."""
    db = Database(path)
    with db.transaction() as conn:
        feeds = [add_feed(conn, f"https://example.org/feed/{i}", title)[0].id
                 for i, title in enumerate(FEEDS)]
    spent, count, batch = 0.0, 0, []
    done = False
    while not done:
        batch = []
        for item in entries:
            batch.append(item)
            if len(batch) == BATCH:
                break
        else:
            done = True
        with db.transaction() as conn:
            for item in batch:
                feed = feeds[zlib.crc32(item.guid.encode()) % len(feeds)]
                for article_id in insert_entries(conn, feed, "", [item], fetch_pages=False):
                    start = time.perf_counter()
                    index_article(conn, article_id)
                    spent += time.perf_counter() - start
                    count += 1
    return db, spent, count


def interleave(rows: list[dict], summary_only: bool, distractors: int) -> Iterator[ParsedEntry]:
    """Benchmark articles at random places among the distractors, as a cache fills."""
    rng = random.Random(11)
    slots = sorted(rng.sample(range(distractors + len(rows)), len(rows)))
    maker = Distractors(rows) if distractors else None
    pending = iter(rows)
    made = 0
    for slot in range(distractors + len(rows)):
        if slots and slots[0] == slot:
            slots.pop(0)
            yield entry(next(pending), summary_only)
        else:
            assert maker is not None
            yield maker.article(made)
            made += 1


def query(db: Database, rows: list[dict]) -> tuple[list[dict], list[float], float]:
    """Related lists keyed by benchmark id, query times (ms), distractor share of top 5."""
    conn = db.conn
    ids = dict(conn.execute("SELECT guid, id FROM articles WHERE guid NOT LIKE 'distractor-%'"))
    guids = {article_id: guid for guid, article_id in ids.items()}
    run, times, intruders = [], [], 0
    for row in rows:
        start = time.perf_counter()
        hits = find_related(conn, ids[row["id"]], limit=10)
        times.append((time.perf_counter() - start) * 1000)
        found = {guids.get(hit.article.id) for hit in hits}
        stand_ins = (r["id"] for r in rows if r["topic"] != row["topic"] and r["id"] not in found)
        related = [guids.get(hit.article.id) or next(stand_ins) for hit in hits]
        intruders += sum(1 for hit in hits[:5] if hit.article.id not in guids)
        run.append({"id": row["id"], "related": related})
    return run, times, intruders / (5 * len(rows))


def score(run: list[dict], data: Path) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.writelines(json.dumps(line) + "\n" for line in run)
    out = subprocess.run(
        [sys.executable, str(BENCH / "score.py"), handle.name, str(data)],
        capture_output=True, text=True, check=True,
    ).stdout
    Path(handle.name).unlink()
    labels = {"P@5": "P@5 (capped)", "R@10": "R@10 (capped)", "MRR": "MRR", "conf@5": "conf@5"}
    metrics = {}
    for name, label in labels.items():
        found = re.search(re.escape(label) + r"\s+([\d.]+)", out)
        assert found, f"score.py printed no {label}"
        metrics[name] = float(found.group(1))
    return metrics


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--distractors", type=int, default=100_000)
    args = parser.parse_args()
    data = BENCH / "dev.jsonl"
    if not data.exists():
        print("skipped: ../shared absent")
        return 0
    rows = load(data)
    configs = [("full text", False, 0), ("title + summary", True, 0)]
    if args.distractors:
        configs.append((f"full text + {args.distractors:,} distractors", False, args.distractors))
    lines = [
        "| configuration | P@5 | R@10 | MRR | conf@5 | ms/query mean | ms/query p95"
        " | index ms/article | distractors in top 5 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, summary_only, distractors in configs:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            entries = interleave(rows, summary_only, distractors)
            db, spent, count = build(Path(tmp) / "cache.db", entries)
            built = time.perf_counter() - started
            run, times, intruders = query(db, rows)
            db.close()
        metrics = score(run, data)
        p95 = statistics.quantiles(times, n=20)[-1]
        lines.append(
            f"| {name} | {metrics['P@5']:.3f} | {metrics['R@10']:.3f} | {metrics['MRR']:.3f}"
            f" | {metrics['conf@5']:.3f} | {statistics.mean(times):.1f} | {p95:.1f}"
            f" | {spent / count * 1000:.2f} | {intruders:.3f} |"
        )
        busy = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"{name}: {count} articles indexed in {spent:.1f} s (build {built:.1f} s),"
              f" load average {busy}", file=sys.stderr)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
