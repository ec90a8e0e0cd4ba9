"""Related stories over a real cache file: copies grouped, other events ranked below.

The texts are our own (tests/data/related/stories.json): a ferry grounding,
a hand-edited copy of it with a new headline, another grounding (same topic,
different event) and a few unrelated local stories. Reordered, trimmed and
re-chromed copies are made here from the original's paragraphs.
"""

import json
import pickle
from pathlib import Path

import pytest

from tuireader.models import CleanedPage, ParsedEntry
from tuireader.related import (
    article_features,
    find_related,
    index_article,
    index_articles,
    store_many_features,
    story_outlets,
)
from tuireader.storage import Database
from tuireader.storage.articles import insert_entries, store_page
from tuireader.storage.feeds import add_feed

STORIES = json.loads(
    (Path(__file__).parents[1] / "data" / "related" / "stories.json").read_text("utf-8")
)
FERRY = STORIES["ferry"]
CHROME_TOP = "Skip to content | Coast Herald | Subscribe for 1 euro a week | Sign in"
CHROME_END = (
    "Share this article on social media. Sign up for our morning newsletter to get the"
    " day's headlines in your inbox. Copyright 2024 Coast Herald Media. All rights reserved."
)
RELATED_TABLES = ("related_docs", "related_df", "related_postings", "related_bands")


class Cache:
    """A cache file with a few feeds, filled the way a refresh fills it."""

    def __init__(self, path: Path) -> None:
        self.db = Database(path)
        self.feeds: dict[str, int] = {}

    @property
    def conn(self):
        return self.db.conn

    def add(self, feed: str, title: str, text: str, summary: str = "") -> int:
        with self.db.transaction() as conn:
            if feed not in self.feeds:
                url = f"https://example.org/{len(self.feeds)}.xml"
                self.feeds[feed] = add_feed(conn, url, feed)[0].id
            entry = ParsedEntry(
                guid=f"{feed}/{title}", url="", title=title, summary=summary,
                content_text=text,
            )
            (article_id,) = insert_entries(conn, self.feeds[feed], feed, [entry], False)
            index_article(conn, article_id)
        return article_id

    def delete(self, article_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def rows(self, table: str) -> list[tuple]:
        return sorted(tuple(row) for row in self.conn.execute(f"SELECT * FROM {table}"))


def _text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


@pytest.fixture
def cache(tmp_path: Path):
    cache = Cache(tmp_path / "cache.db")
    for number, other in enumerate(STORIES["others"]):
        cache.add(f"Local {number % 2}", other["title"], other["text"])
    yield cache
    cache.db.close()


@pytest.fixture
def ferry(cache: Cache) -> dict[str, int]:
    """The original, four kinds of copy and the other grounding, each from its own feed."""
    paragraphs = FERRY["paragraphs"]
    edited = STORIES["ferry_edited"]
    other = STORIES["ferry_other_event"]
    return {
        "original": cache.add("Wire Service", FERRY["title"], _text(paragraphs)),
        "edited": cache.add("Valley Daily", edited["title"], _text(edited["paragraphs"])),
        "reordered": cache.add(
            "Metro Times", FERRY["title"], _text([paragraphs[i] for i in (0, 3, 1, 4, 2)])
        ),
        "trimmed": cache.add("Island News", "Ferry stranded off Carrick", _text(paragraphs[:3])),
        "chrome": cache.add(
            "Coast Herald", FERRY["title"], _text([CHROME_TOP, *paragraphs, CHROME_END])
        ),
        "other": cache.add("Wire Service", other["title"], _text(other["paragraphs"])),
    }


def test_copies_are_one_story_and_come_first(cache: Cache, ferry: dict[str, int]) -> None:
    hits = find_related(cache.conn, ferry["original"])
    copies = {ferry[name] for name in ("edited", "reordered", "trimmed", "chrome")}
    assert {hit.article.id for hit in hits[:4]} == copies
    assert all(hit.same_story for hit in hits[:4])
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_same_topic_other_event_is_related_but_not_the_story(
    cache: Cache, ferry: dict[str, int]
) -> None:
    hits = find_related(cache.conn, ferry["original"])
    ids = [hit.article.id for hit in hits]
    other = hits[ids.index(ferry["other"])]
    assert not other.same_story
    assert ids.index(ferry["other"]) == 4  # below the four copies, above unrelated news
    assert not any(hit.same_story for hit in find_related(cache.conn, ferry["other"]))


def test_never_returns_the_article_itself(cache: Cache, ferry: dict[str, int]) -> None:
    for article_id in ferry.values():
        found = {hit.article.id for hit in find_related(cache.conn, article_id, limit=50)}
        assert article_id not in found
        assert set(ferry.values()) - {article_id} <= found


def test_deleted_article_leaves_results_and_tables(cache: Cache, ferry: dict[str, int]) -> None:
    cache.delete(ferry["edited"])
    hits = find_related(cache.conn, ferry["original"])
    assert ferry["edited"] not in {hit.article.id for hit in hits}
    for table in ("related_docs", "related_postings", "related_bands"):
        assert not cache.conn.execute(
            f"SELECT 1 FROM {table} WHERE article_id = ?", (ferry["edited"],)
        ).fetchall()


def test_deleting_everything_empties_every_table(cache: Cache, ferry: dict[str, int]) -> None:
    with cache.db.transaction() as conn:
        conn.execute("DELETE FROM articles")
    for table in RELATED_TABLES:
        assert cache.rows(table) == []
    assert cache.conn.execute("SELECT docs FROM related_stats").fetchone()[0] == 0


def test_reindex_after_the_page_is_cleaned(tmp_path: Path, cache: Cache) -> None:
    """Indexed from the feed summary first, then from the cleaned page, as a refresh does."""
    original = cache.add("Wire Service", FERRY["title"], _text(FERRY["paragraphs"]))
    summary = "Flights to Brannock resume after the airstrip was resurfaced."
    late = cache.add("Coast Herald", "Carrick ferry stranded", summary, summary=summary)
    assert not any(hit.same_story for hit in find_related(cache.conn, late))

    with cache.db.transaction() as conn:
        store_page(conn, late, CleanedPage(html="", text=_text(FERRY["paragraphs"][:4])))
        index_article(conn, late)
    hits = find_related(cache.conn, late)
    assert hits[0].article.id == original and hits[0].same_story

    # The same data as if the cleaned page had been indexed once.
    fresh = Cache(tmp_path / "fresh.db")
    for number, other in enumerate(STORIES["others"]):
        fresh.add(f"Local {number % 2}", other["title"], other["text"])
    fresh.add("Wire Service", FERRY["title"], _text(FERRY["paragraphs"]))
    fresh.add("Coast Herald", "Carrick ferry stranded", _text(FERRY["paragraphs"][:4]))
    assert cache.rows("related_df") == fresh.rows("related_df")
    assert len(cache.rows("related_postings")) == len(fresh.rows("related_postings"))
    fresh.db.close()


def test_story_outlets_lists_each_feed_once_own_first(
    cache: Cache, ferry: dict[str, int]
) -> None:
    second_wire = cache.add("Wire Service", "Ferry aground", _text(FERRY["paragraphs"][1:]))
    assert story_outlets(cache.conn, ferry["chrome"]) == [
        "Coast Herald", "Wire Service", "Valley Daily", "Metro Times", "Island News",
    ]
    assert story_outlets(cache.conn, second_wire)[0] == "Wire Service"
    assert story_outlets(cache.conn, ferry["other"]) == ["Wire Service"]


def test_unknown_or_unindexed_article_has_no_related(cache: Cache) -> None:
    assert find_related(cache.conn, 10_000) == []
    assert story_outlets(cache.conn, 10_000) == []


def test_an_article_without_words_is_indexed_alone(cache: Cache) -> None:
    empty = cache.add("Wire Service", "", " … — ")
    assert find_related(cache.conn, empty) == []
    assert story_outlets(cache.conn, empty) == ["Wire Service"]


def test_features_computed_elsewhere_store_the_same_rows(tmp_path: Path, cache: Cache) -> None:
    """store_many_features of one article_features(...) after a pickle round trip (as from a pool
    worker) writes exactly what index_article writes, feed entry and cleaned page alike."""
    ferry_text = _text(FERRY["paragraphs"])
    cache.add("Wire Service", FERRY["title"], ferry_text)
    summary = "Flights to Brannock resume after the airstrip was resurfaced."
    late = cache.add("Coast Herald", "Carrick ferry stranded", summary, summary=summary)
    with cache.db.transaction() as conn:
        store_page(conn, late, CleanedPage(html="", text=_text(FERRY["paragraphs"][:4])))
        index_article(conn, late)

    split = Cache(tmp_path / "split.db")
    entries = [
        *((f"Local {n % 2}", o["title"], o["text"], "") for n, o in enumerate(STORIES["others"])),
        ("Wire Service", FERRY["title"], ferry_text, ""),
        ("Coast Herald", "Carrick ferry stranded", summary, summary),
    ]
    with split.db.transaction() as conn:
        feed_ids: dict[str, int] = {}
        for feed, title, text, entry_summary in entries:
            if feed not in feed_ids:
                url = f"https://example.org/{len(feed_ids)}.xml"
                feed_ids[feed] = add_feed(conn, url, feed)[0].id
            entry = ParsedEntry(
                guid=f"{feed}/{title}", url="", title=title, summary=entry_summary,
                content_text=text,
            )
            (article_id,) = insert_entries(conn, feed_ids[feed], feed, [entry], False)
            shipped = pickle.loads(pickle.dumps(article_features(title, text or entry_summary)))
            store_many_features(conn, [(article_id, shipped)])
        page = CleanedPage(html="", text=_text(FERRY["paragraphs"][:4]))
        store_page(conn, article_id, page)
        store_many_features(
            conn, [(article_id, article_features("Carrick ferry stranded", page.text))]
        )
    for table in (*RELATED_TABLES, "related_stats"):
        assert split.rows(table) == cache.rows(table), table
    split.db.close()


def test_a_group_stores_what_one_by_one_stores(
    tmp_path: Path, cache: Cache, ferry: dict[str, int]
) -> None:
    """A feed's new entries indexed together (one df read and write, postings batched)
    give the rows indexing them one at a time gives, copies inside the group included."""
    grouped = Cache(tmp_path / "grouped.db")
    with grouped.db.transaction() as conn:
        feed_id = add_feed(conn, "https://example.org/all.xml", "All")[0].id
        items = []
        for article_id in sorted(ferry.values()):
            title, text = cache.conn.execute(
                "SELECT title, content_text FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            entry = ParsedEntry(guid=str(article_id), url="", title=title, content_text=text)
            (new_id,) = insert_entries(conn, feed_id, "All", [entry], False)
            items.append((new_id, article_features(title, text)))
        store_many_features(conn, items)
    singles = Cache(tmp_path / "singles.db")
    with singles.db.transaction() as conn:
        feed_id = add_feed(conn, "https://example.org/all.xml", "All")[0].id
        for article_id, found in items:
            title, text = grouped.conn.execute(
                "SELECT title, content_text FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            entry = ParsedEntry(guid=str(article_id), url="", title=title, content_text=text)
            insert_entries(conn, feed_id, "All", [entry], False)
            store_many_features(conn, [(article_id, found)])
    for table in (*RELATED_TABLES, "related_stats"):
        assert grouped.rows(table) == singles.rows(table), table
    stories = {story for (story,) in grouped.conn.execute("SELECT story FROM related_docs")}
    assert len(stories) == 2  # the copies found each other inside the group; the other event
    grouped.db.close()
    singles.db.close()


def test_articles_indexed_from_their_text_together_as_one_by_one(
    tmp_path: Path, cache: Cache, ferry: dict[str, int]
) -> None:
    """index_articles (a refresh's leftovers, indexed by the feed's text in one group)
    writes the rows index_article writes one at a time; an id given twice counts once."""
    grouped = Cache(tmp_path / "grouped.db")
    ids = []
    with grouped.db.transaction() as conn:
        for article_id, feed, title, text, summary in cache.conn.execute(
            "SELECT a.id, f.title, a.title, a.content_text, a.summary"
            " FROM articles a JOIN feeds f ON f.id = a.feed_id ORDER BY a.id"
        ).fetchall():
            if feed not in grouped.feeds:
                grouped.feeds[feed] = add_feed(conn, f"https://example.org/{feed}.xml", feed)[0].id
            entry = ParsedEntry(guid=str(article_id), url="", title=title, summary=summary,
                                content_text=text)
            ids += insert_entries(conn, grouped.feeds[feed], feed, [entry], False)
        index_articles(conn, [*ids, ids[0]])
    for table in (*RELATED_TABLES, "related_stats"):
        assert grouped.rows(table) == cache.rows(table), table
    stories = {story for (story,) in grouped.conn.execute(
        "SELECT story FROM related_docs WHERE article_id IN (?, ?)",
        (ferry["original"], ferry["edited"]))}
    assert len(stories) == 1  # a copy found inside the group
    grouped.db.close()
