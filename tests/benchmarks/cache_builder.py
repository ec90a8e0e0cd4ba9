"""Build a benchmark cache of N articles, and the varied news-like text it is made of.

Run as `python tests/benchmarks/cache_builder.py --articles 100000 --feeds 500` to
build (or reuse) a cache under /tmp/tuireader-bench; other benchmarks call
`cached_profile()`. Articles are written through the same storage calls a
refresh makes: `add_feed`, `insert_entries` with `ParsedEntry`, and
`related.store_many_features` a feed's worth of articles at a time.

The text generator touches neither the network nor the disk. Words come from a fixed list of
common English words plus syllable-built names and topic terms, so titles and
bodies vary the way real news does (many topics, stories covered by several
outlets with similar titles) and full-text search and related stories have
realistic work to do. Bodies are assembled from a pre-built pool of
sentences so that 100,000 articles take seconds, not minutes, to write.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import shutil
import sqlite3
import statistics
import sys
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tuireader.models import ParsedEntry  # noqa: E402

COMMON = (  # noqa: SIM905
    "the of and to in a is that for it as was with be by on not he this are or his from"
    " at which but have an they you were her she there been one all we their has would"
    " when what more if no will out so up said who about can its new than them other into"
    " time could two only some people first these may then over also after year any most"
    " like well now even back many where just those years before much government where"
    " three between under while last state week since still city country plan report"
    " officials public company market council court police water power school health local"
    " national minister workers election budget data system price prices energy climate"
    " service million billion percent early late next month day night morning group"
    " program team season game players coach league study research scientists university"
    " hospital patients doctors schools students teachers parents children families"
    " housing rent bank rates inflation jobs economy trade tariffs exports factory plant"
    " chips software security breach hackers users phone app release update version court"
    " judge ruling appeal case lawyers bill law vote senate house committee hearing mayor"
    " residents bridge road rail line station airport flights storm flooding rain heat"
    " drought fire wildfire river coast island mountain valley farmers crops harvest food"
    " festival film music album artist museum exhibition book author novel review series"
    " episode"
).split()

TOPICS = (
    "politics",
    "economy",
    "technology",
    "science",
    "health",
    "climate",
    "sport",
    "culture",
    "transport",
    "housing",
    "education",
    "crime",
    "energy",
    "space",
    "business",
    "world",
    "weather",
    "food",
    "media",
    "labour",
)
TITLE_TEMPLATES = (
    "{A} {verb} {b} {c} after {d} {e}",
    "{A} {c} {verb} as {d} {e} {b}",
    "Why the {b} {c} matters for {A}",
    "{A} to {verb2} {b} {c} plan",
    "{A}: what the {b} {c} means for {d}",
    "{A} {verb} {b} amid {d} {e} row",
    "Inside {A}'s {b} {c}",
    "{A} and {F} clash over {b} {c}",
    "{A} {c} {verb}, {d} says",
    "Live: {A} {b} {c} latest",
)
VERBS = (
    "announces",
    "delays",
    "approves",
    "rejects",
    "unveils",
    "faces",
    "wins",
    "loses",
    "cuts",
    "expands",
    "halts",
    "backs",
    "warns",
    "confirms",
    "reveals",
    "launches",
)
VERBS2 = ("scrap", "review", "expand", "fund", "cut", "delay", "back", "probe", "test", "open")
SYLLABLES = (  # noqa: SIM905
    "ka ri to ne sa lo ve mar dan el ho ric ber an thu gal fen mo ra ten vik sol ar wen"
    " dor ly kes sel hal vor sen or rin fer ite tal bra nov quin zan pol ur ste gor"
).split()


def _word(rng: random.Random, low: int = 2, high: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(low, high)))


@dataclass(frozen=True)
class Story:
    """An event several outlets cover: its topic, names and key words."""

    topic: int
    names: tuple[str, ...]
    keys: tuple[str, ...]
    title: str


class Corpus:
    """Seeded text source; the same seed always gives the same articles."""

    def __init__(self, seed: int = 1, sentences: int = 6000) -> None:
        rng = random.Random(seed)
        self.rng = rng
        self.names = sorted({_word(rng).capitalize() for _ in range(3000)})
        self.topic_words = [
            sorted({_word(rng) for _ in range(60)}) + rng.sample(COMMON, 20) for _ in TOPICS
        ]
        rare = sorted({_word(rng, 2, 4) for _ in range(20000)})
        # Zipf-like weights: a few words everywhere, most words rare.
        general = COMMON + rare
        weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(general))]
        self.general = general
        self.cum_weights = list(itertools.accumulate(weights))
        self.sentences: list[list[str]] = []
        for _ in range(sentences):
            topic = rng.randrange(len(TOPICS))
            words = rng.choices(general, weights, k=rng.randint(9, 24))
            for i in rng.sample(range(len(words)), k=min(3, len(words))):
                words[i] = rng.choice(self.topic_words[topic])
            self.sentences.append(words)

    def story(self) -> Story:
        rng = self.rng
        topic = rng.randrange(len(TOPICS))
        names = tuple(rng.sample(self.names, 2))
        keys = tuple(rng.sample(self.topic_words[topic], 4))
        return Story(topic, names, keys, self._title(names, keys))

    def _title(self, names: tuple[str, ...], keys: tuple[str, ...]) -> str:
        rng = self.rng
        template = rng.choice(TITLE_TEMPLATES)
        return template.format(
            A=names[0],
            F=names[1],
            verb=rng.choice(VERBS),
            verb2=rng.choice(VERBS2),
            b=keys[0],
            c=keys[1],
            d=keys[2],
            e=keys[3],
        )

    def retitle(self, story: Story) -> str:
        """Another outlet's title for the same story."""
        return self._title(story.names, story.keys)

    def sentence(self, topic: int) -> list[str]:
        """A fresh sentence: Zipf-weighted general words with a few of the topic's words."""
        rng = self.rng
        words = rng.choices(self.general, cum_weights=self.cum_weights, k=rng.randint(9, 24))
        for i in rng.sample(range(len(words)), k=3):
            words[i] = rng.choice(self.topic_words[topic])
        return words

    def paragraphs(self, story: Story, size: int) -> list[str]:
        """About `size` characters of body text in paragraphs of 3-6 fresh sentences.

        Sentences are generated for each article (not drawn from a shared pool),
        so two articles share sentences only when one copies the other, as in
        real news; same-story articles share names and key words instead.
        """
        rng = self.rng
        paragraphs: list[str] = []
        total = 0
        while total < size:
            sentences = []
            for _ in range(rng.randint(3, 6)):
                words = self.sentence(story.topic)
                if rng.random() < 0.5:
                    words[rng.randrange(len(words))] = rng.choice(story.keys)
                if rng.random() < 0.3:
                    words[rng.randrange(len(words))] = rng.choice(story.names)
                sentence = " ".join(words)
                sentences.append(sentence[0].upper() + sentence[1:] + ".")
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            total += len(paragraph) + 2
        return paragraphs


@dataclass(frozen=True)
class Item:
    """One article as a feed lists it and as its page shows it."""

    guid: str
    url: str
    title: str
    author: str
    published: datetime
    summary: str
    paragraphs: tuple[str, ...]


def make_items(
    corpus: Corpus,
    feeds: int,
    per_feed: int,
    base_url: str,
    body: tuple[int, int],
    days: int = 150,
    now: datetime | None = None,
) -> list[list[Item]]:
    """`feeds` lists of `per_feed` items; about a third of stories recur across feeds."""
    rng = corpus.rng
    now = now or datetime(2026, 11, 20, 12, tzinfo=UTC)
    stories: list[Story] = []
    recent: list[tuple[Story, list[str]]] = []
    result: list[list[Item]] = []
    for f in range(feeds):
        items = []
        for j in range(per_feed):
            chance = rng.random()
            if recent and chance < 0.04:  # a syndicated copy: same text, new first paragraph
                story, original = rng.choice(recent[-500:])
                title = corpus.retitle(story)
                paragraphs = corpus.paragraphs(story, 200)[:1] + original[1:]
            else:
                if stories and chance < 0.35:  # the same story, told by another outlet
                    story = rng.choice(stories[-2000:])
                    title = corpus.retitle(story)
                else:
                    story = corpus.story()
                    stories.append(story)
                    title = story.title
                paragraphs = corpus.paragraphs(story, rng.randint(*body))
                recent.append((story, paragraphs))
                del recent[:-1000]
            published = now - timedelta(seconds=rng.randrange(days * 86400))
            items.append(
                Item(
                    guid=f"{base_url}/page/{f}/{j}",
                    url=f"{base_url}/page/{f}/{j}.html",
                    title=title,
                    author=rng.choice(corpus.names) + " " + rng.choice(corpus.names),
                    published=published,
                    summary=paragraphs[0][:280],
                    paragraphs=tuple(paragraphs),
                )
            )
        result.append(items)
    return result


def feed_title(index: int) -> str:
    return f"{TOPICS[index % len(TOPICS)].capitalize()} Daily {index}"


def rss_document(index: int, items: list[Item], base_url: str) -> str:
    """An RSS 2.0 feed with summaries (not full content), as most news feeds are."""
    body = "".join(
        "<item>"
        f"<title>{escape(item.title)}</title>"
        f"<link>{escape(item.url)}</link>"
        f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
        f"<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>"
        f"<author>{escape(item.author)}</author>"
        f"<description>{escape('<p>' + escape(item.summary) + '</p>')}</description>"
        "</item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(feed_title(index))}</title><link>{base_url}/site/{index}</link>"
        f"<description>Benchmark feed {index}</description>{body}</channel></rss>"
    )


def article_page(corpus: Corpus, index: int, item: Item, size: tuple[int, int]) -> str:
    """A full article page of roughly `size` bytes: nav, story, related links, footer."""
    rng = random.Random(item.guid)
    nav = "".join(f'<li><a href="/section/{t}">{t.capitalize()}</a></li>' for t in TOPICS[:12])
    story = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
    related = "".join(
        f'<li><a href="/page/{index}/{rng.randrange(50)}.html">'
        f"{escape(' '.join(rng.choice(corpus.sentences)[:8]))}</a></li>"
        for _ in range(8)
    )
    head = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(item.title)} | {escape(feed_title(index))}</title>"
        f'<meta property="og:title" content="{escape(item.title)}">'
        f'<meta property="og:site_name" content="{escape(feed_title(index))}">'
        f'<meta name="author" content="{escape(item.author)}">'
        f'<meta property="article:published_time" content="{item.published.isoformat()}">'
        "<style>body{font-family:serif}.promo{display:none}</style>"
        "<script>window.analytics=[];function track(e){analytics.push(e)}</script>"
        "</head><body>"
        f'<header class="site-header"><nav><ul>{nav}</ul></nav>'
        '<div class="promo">Subscribe for full access</div></header>'
        f'<main><article class="story"><h1>{escape(item.title)}</h1>'
        f'<p class="byline">By {escape(item.author)}</p>'
        f'<time datetime="{item.published.isoformat()}"></time>'
    )
    tail = (
        "</article>"
        f'<aside class="related"><h2>More stories</h2><ul>{related}</ul></aside></main>'
        '<footer class="site-footer"><p>Copyright Benchmark Media.</p>'
        '<a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>'
        "<script>track('view')</script></body></html>"
    )
    low, high = size
    target = rng.randint(low, high)
    comments: list[str] = []
    length = len(head) + len(story) + len(tail)
    while length < target:  # comments-section noise up to the target size
        words = escape(" ".join(rng.choice(corpus.sentences)))
        comment = f'<div class="comment"><p>{words}</p></div>'
        comments.append(comment)
        length += len(comment)
    page = head + story + tail.replace("</main>", "".join(comments) + "</main>", 1)
    return page


# Shared measuring helpers


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def proc_cpu(pid: int) -> float:
    """User+system CPU seconds of a live process (all its threads), 0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_children(pid: int) -> list[int]:
    """Direct children of a process (Linux)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def proc_tree(pid: int, exclude: set[int] | frozenset[int] = frozenset()) -> list[int]:
    found = [pid]
    for child in proc_children(pid):
        if child not in exclude:
            found += proc_tree(child, exclude)
    return found


def proc_hwm_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class TreeCPU:
    """CPU seconds of a process and every descendant, sampled from /proc.

    Descendants are re-read every `interval` seconds and the last value kept,
    so a process that dies between samples loses at most one interval.
    """

    def __init__(self, pid: int, interval: float = 0.05, exclude: set[int] | None = None) -> None:
        self.pid = pid
        self.exclude = exclude or set()
        self.interval = interval
        self.seen: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeCPU:
        self.start_self = proc_cpu(self.pid)
        self.thread.start()
        return self

    def _sample(self) -> None:
        for pid in proc_tree(self.pid, self.exclude):
            value = proc_cpu(pid)
            if value:
                self.seen[pid] = max(value, self.seen.get(pid, 0.0))

    def _run(self) -> None:
        while not self.done.wait(self.interval):
            self._sample()

    def __exit__(self, *_exc: object) -> None:
        self._sample()
        self.done.set()
        self.thread.join()

    @property
    def seconds(self) -> float:
        own = self.seen.get(self.pid, 0.0) - self.start_self
        return own + sum(v for pid, v in self.seen.items() if pid != self.pid)


# Building a cache


BENCH_ROOT = Path(os.environ.get("TUIREADER_BENCH_DIR", "/tmp/tuireader-bench"))
FARM_BASE = "http://farm.invalid"  # cached articles point nowhere; refresh benchmarks use a farm


def entry_of(item: Item) -> ParsedEntry:
    """The ParsedEntry a feed parser would make of a full-content item."""
    text = "\n\n".join(item.paragraphs)
    html = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
    return ParsedEntry(
        guid=item.guid,
        url=item.url,
        title=item.title,
        author=item.author,
        published=item.published.isoformat(),
        summary=item.summary[:600],
        content_html=html,
        content_text=text,
    )


# New articles per related-index group: what one feed fetch brings.
GROUP = 20


def _index_new(conn: sqlite3.Connection, article_ids: list[int]) -> None:
    """Index new articles as a refresh does: features of title and text, stored a feed's
    worth at a time."""
    from tuireader import related

    for start in range(0, len(article_ids), GROUP):
        related.index_articles(conn, article_ids[start : start + GROUP])


def build_cache(
    data_dir: Path,
    articles: int,
    feeds: int,
    *,
    seed: int = 1,
    read_share: float = 0.7,
    body: tuple[int, int] = (3000, 8000),
    quiet: bool = False,
) -> dict[str, object]:
    """Write `articles` articles across `feeds` feeds into a new profile at `data_dir`."""
    from tuireader.storage import Database
    from tuireader.storage import articles as article_store
    from tuireader.storage import feeds as feed_store

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "config.toml").write_text(
        "[articles]\nkeep_days = 0\nkeep_per_feed = 0\n", encoding="utf-8"
    )
    db = Database(data_dir / "tuireader.db")
    corpus = Corpus(seed)
    rng = random.Random(seed + 1)
    per_feed, extra = divmod(articles, feeds)
    started = time.perf_counter()
    written = 0
    for f in range(feeds):
        count = per_feed + (1 if f < extra else 0)
        items = make_items(corpus, 1, count, FARM_BASE + f"/{f}", body)[0]
        with db.transaction() as conn:
            feed, _new = feed_store.add_feed(
                conn,
                f"{FARM_BASE}/feed/{f}.xml",
                feed_title(f),
                TOPICS[f % len(TOPICS)],
                False,
            )
            new_ids = article_store.insert_entries(
                conn, feed.id, feed.title, (entry_of(i) for i in items), False
            )
            _index_new(conn, new_ids)
            read = [i for i in new_ids if rng.random() < read_share]
            article_store.set_read(conn, read, True)
        written += len(new_ids)
        if not quiet and (f + 1) % max(1, feeds // 20) == 0:
            rate = written / (time.perf_counter() - started)
            print(f"  {written:,} articles, {rate:,.0f}/s", file=sys.stderr)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("ANALYZE")
    db.close()
    return {
        "articles": written,
        "feeds": feeds,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _code_fingerprint() -> str:
    """A short hash of the schema and the related-stories code: a change means a rebuild.

    (The generator itself is not hashed: after changing it, delete BENCH_ROOT.)
    """
    import hashlib

    digest = hashlib.sha1()
    for path in sorted(
        [
            REPO / "tuireader" / "storage" / "schema.py",
            *(REPO / "tuireader" / "related").glob("*.py"),
        ]
    ):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def cached_profile(articles: int = 100_000, feeds: int = 500, seed: int = 1) -> Path:
    """A built profile directory, reused across runs (built once per parameters).

    Benchmarks that write must copy it first (`copy_profile`).
    """
    name = f"cache-{articles}-{feeds}-{seed}-{_code_fingerprint()}"
    target = BENCH_ROOT / name
    marker = target / "built.json"
    if marker.exists():
        return target
    # Only when asked: a build from older related code holds that code's index rows,
    # so its search and related figures are not this code's.
    older = _older_build(articles, feeds, seed) if os.environ.get("TUIREADER_BENCH_REUSE") else None
    if older is not None:
        print(f"using {older}, built before the last change to the schema or related code,"
              " migrated in place (TUIREADER_BENCH_REUSE is set)", file=sys.stderr)
        from tuireader.storage import Database

        Database(older / "tuireader.db").close()  # runs the newer migrations, as the app would
        return older
    building = BENCH_ROOT / (name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    print(f"building {articles:,} articles in {feeds} feeds at {target} ...", file=sys.stderr)
    info = build_cache(building, articles, feeds, seed=seed)
    (building / "built.json").write_text(json.dumps(info), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    print(f"built in {info['seconds']} s", file=sys.stderr)
    return target


def _older_build(articles: int, feeds: int, seed: int) -> Path | None:
    """The newest complete build of these parameters that migrations can bring up to date."""
    from tuireader.storage.schema import MIGRATIONS

    found = []
    for folder in BENCH_ROOT.glob(f"cache-{articles}-{feeds}-{seed}-*"):
        if not (folder / "built.json").exists():
            continue
        with closing(sqlite3.connect(folder / "tuireader.db")) as conn, conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version <= len(MIGRATIONS):
            # When it was built: the folder's own time changes whenever a run opens it.
            found.append(((folder / "built.json").stat().st_mtime, folder))
    return max(found)[1] if found else None


def copy_profile(source: Path, target: Path) -> Path:
    """A writable copy of a built profile.

    Without the `-shm` file: SQLite rebuilds it from the WAL, and it comes and
    goes while another process has the cache open (a copy could miss it mid-walk).
    """
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*-shm"))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="build here instead of the shared cache")
    args = parser.parse_args()
    if args.out:
        print(json.dumps(build_cache(args.out, args.articles, args.feeds, seed=args.seed)))
    else:
        print(cached_profile(args.articles, args.feeds, args.seed))


if __name__ == "__main__":
    main()
