"""Every hostile feed, page and server case in one real refresh, then what it left behind.

One Library (SQLite file in tmp, small limits) subscribes to every case and
refreshes once with pages; each test then checks one promise against what
was stored: articles or a clear per-feed reason, nothing local read, nothing
remote fetched by a parser, no control character stored, only web links.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from farm import (
    FAILING_FEEDS,
    MARKUP_PIECES,
    PAGES,
    RAW_PAGES,
    SECRET,
    WORKING_FEEDS,
    ZERO_ITEM_FEEDS,
    Farm,
)
from hostile_helpers import assert_safe, hostile_config

from tuireader.errors import ParseError
from tuireader.fetch.feeds import parse_feed
from tuireader.library import Library
from tuireader.models import View
from tuireader.paths import Paths

ALL_FEEDS = [*WORKING_FEEDS, *ZERO_ITEM_FEEDS, *FAILING_FEEDS]


class Refreshed:
    def __init__(self, library: Library, farm: Farm, seconds: float) -> None:
        self.library = library
        self.farm = farm
        self.seconds = seconds
        self.report = None

    def feed(self, case: str):
        feeds = {feed.url: feed for feed in self.library.feeds()}
        url = self.farm.url(f"/feed/{case}")
        if case == "moved":  # a 301 moves the subscription to its target
            return feeds.get(url) or feeds[self.farm.url("/feed/ok")]
        return feeds[url]

    def articles(self, case: str):
        feed = self.feed(case)
        return [self.library.article(row.id)
                for row in self.library.page(View(feed_id=feed.id), limit=1000)]


@pytest.fixture(scope="module")
def refreshed(farm: Farm, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Refreshed]:
    root = tmp_path_factory.mktemp("hostile-feeds")
    library = Library(Paths(root, root, root / "cache", chosen=True), hostile_config())
    for case in ALL_FEEDS:
        library.add_feed(farm.url(f"/feed/{case}"))
    started = time.monotonic()
    report = library.refresh_sync(jobs=8)
    state = Refreshed(library, farm, time.monotonic() - started)
    state.report = report
    yield state
    library.close()


def test_refresh_of_every_case_is_bounded(refreshed: Refreshed) -> None:
    # total_timeout is 4 s; drips, silences and bombs run side by side with 8 jobs.
    assert refreshed.seconds < 45, refreshed.seconds
    assert len(refreshed.report.feeds) == len(ALL_FEEDS)


@pytest.mark.parametrize("case", WORKING_FEEDS)
def test_feed_gives_articles(refreshed: Refreshed, case: str) -> None:
    feed = refreshed.feed(case)
    assert feed.last_error is None, feed.last_error
    assert refreshed.articles(case), f"{case}: no articles"


def test_zero_items_is_not_an_error(refreshed: Refreshed) -> None:
    feed = refreshed.feed("zero-items")
    assert feed.last_error is None
    assert refreshed.articles("zero-items") == []


@pytest.mark.parametrize("case", sorted(FAILING_FEEDS))
def test_feed_fails_with_a_clear_reason(refreshed: Refreshed, case: str) -> None:
    feed = refreshed.feed(case)
    assert feed.last_error, f"{case}: no error recorded"
    assert FAILING_FEEDS[case] in feed.last_error, feed.last_error
    assert feed.error_count == 1
    assert len(feed.last_error) < 600 and "\n" not in feed.last_error
    assert_safe(feed.last_error, case)
    reported = [r for r in refreshed.report.feeds if r.feed_url == feed.url]
    assert reported and reported[0].error


def test_nothing_local_is_read_and_nothing_remote_fetched(refreshed: Refreshed) -> None:
    """XXE, external DTDs, parameter entities, XInclude, a body naming a local file."""
    assert refreshed.farm.asked("/trap") == []
    dump = "\n".join(refreshed.library.db.conn.iterdump())
    assert SECRET not in dump
    for case in ("xxe-file", "xxe-http", "external-dtd", "parameter-entity", "xinclude",
                 "billion-laughs"):
        for article in refreshed.articles(case):
            assert SECRET not in article.title + article.content_text + article.summary


def test_expansions_do_not_blow_up(refreshed: Refreshed) -> None:
    laughs = refreshed.articles("billion-laughs")
    assert all(len(a.title) <= 1000 and len(a.content_text) < 100_000 for a in laughs)
    quadratic = refreshed.articles("quadratic")
    assert all(len(a.content_text) < 1_000_000 for a in quadratic)


def test_no_control_character_is_stored(refreshed: Refreshed) -> None:
    conn = refreshed.library.db.conn
    for table, column in [("articles", c) for c in (
            "title", "url", "author", "summary", "content_html", "content_text", "guid",
            "source", "site_name", "lead_image", "extract_error")] + [
            ("feeds", c) for c in ("title", "url", "site", "last_error", "etag", "last_modified")]:
        for (value,) in conn.execute(f"SELECT {column} FROM {table}"):
            if isinstance(value, str):
                assert_safe(value.replace("\r", ""), f"{table}.{column}")


def test_hostile_text_stays_literal(refreshed: Refreshed) -> None:
    titles = [a.title for a in refreshed.articles("hostile-text")]
    joined = "\n".join(titles)
    for piece in MARKUP_PIECES:
        assert piece in joined
    body = "\n".join(a.content_text for a in refreshed.articles("hostile-text"))
    assert "[@click=app.quit]x[/]" in body


def test_only_web_links(refreshed: Refreshed) -> None:
    conn = refreshed.library.db.conn
    for url, html in conn.execute("SELECT url, content_html FROM articles"):
        assert url == "" or url.startswith(("http://", "https://")), url
        lowered = (html or "").lower()
        for scheme in ("javascript:", "data:", "file:", "vbscript:"):
            assert f'href="{scheme}' not in lowered and f'src="{scheme}' not in lowered
    for (site,) in conn.execute("SELECT site FROM feeds"):
        assert not site or site.startswith(("http://", "https://"))
    urls = [a.url for a in refreshed.articles("hostile-text")]
    assert "" in urls  # the javascript:, data: and file: items are kept, without a link


def test_duplicate_and_missing_guids(refreshed: Refreshed) -> None:
    assert len(refreshed.articles("duplicate-guids")) == 1
    bare = refreshed.articles("missing-guids-links")
    assert len({a.guid for a in bare}) == len(bare) >= 3


def test_absurd_dates_fall_back(refreshed: Refreshed) -> None:
    for article in refreshed.articles("absurd-dates"):
        assert article.published is None or "1995" <= article.published[:4] <= "2100"


def test_wrong_charsets_give_readable_titles(refreshed: Refreshed) -> None:
    assert refreshed.articles("utf16")[0].title == "\u00c7a va"
    assert refreshed.articles("no-charset-latin1")[0].title == "Gr\u00fc\u00dfe"
    assert "r\u00e9sum\u00e9" in refreshed.articles("wrong-charset")[0].title


def test_permanent_redirect_moves_the_subscription(refreshed: Refreshed, farm: Farm) -> None:
    urls = {feed.url for feed in refreshed.library.feeds()}
    assert farm.url("/feed/moved") in urls or farm.url("/feed/ok") in urls
    for url in urls:
        assert url.startswith("http://127.0.0.1:")


EXPECTED_PAGES = {
    "ok": None, "hostile": None, "no-type": None, "utf16-page": None,
    "pdf": "not an HTML page", "png": "not an HTML page", "png-as-html": "",
    "empty": "empty", "twenty-mb": "too large", "deep-page": "", "drip": "timed out",
    "silent": "timed out", "status-404": "404", "status-410": "410", "status-500": "500",
    "gzip-bomb": "too large", "redirect-loop": "redirect", "evil-reason": "500",
    "evil-type": "not an HTML page",
}


def test_every_page_case_is_covered() -> None:
    assert set(EXPECTED_PAGES) == {*PAGES, *RAW_PAGES}


@pytest.mark.parametrize("case", sorted(EXPECTED_PAGES))
def test_page_case(refreshed: Refreshed, case: str) -> None:
    article = next(a for a in refreshed.articles("pages") if a.title == f"Page {case}")
    expected = EXPECTED_PAGES[case]
    if expected is None:
        assert article.extract_error is None
        assert article.word_count > 20
    else:
        assert article.extract_error is not None and expected in article.extract_error
        assert article.content_text == f"Feed summary for {case}."  # the feed's words stay
    assert_safe(article.content_text + article.title + (article.extract_error or ""), case)


def test_second_refresh_keeps_everything(refreshed: Refreshed) -> None:
    before = refreshed.library.count(View())
    report = refreshed.library.refresh_sync(jobs=8, fetch_pages=False)
    assert len(report.feeds) == len(ALL_FEEDS)
    assert refreshed.library.count(View()) >= before
    for case in WORKING_FEEDS:  # stored validators and moved URLs still work
        assert refreshed.feed(case).last_error is None, (case, refreshed.feed(case).last_error)
    integrity = refreshed.library.db.conn.execute("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok"


def test_a_body_naming_a_local_file_is_not_opened(secret_file: Path) -> None:
    """feedparser opens bytes that name a path; parse_feed must hand it a stream."""
    with pytest.raises(ParseError):
        parse_feed(str(secret_file).encode(), "http://127.0.0.1/feed", "application/rss+xml")
    started = time.monotonic()
    with pytest.raises(ParseError):
        parse_feed(b"/dev/zero", "http://127.0.0.1/feed", "application/rss+xml")
    assert time.monotonic() - started < 5


def test_too_many_tags_is_refused_quickly() -> None:
    data = b'<rss version="2.0"><channel><title>t</title>' + b"<i/>" * 300_000 + b"</channel>"
    started = time.monotonic()
    with pytest.raises(ParseError, match="too complex"):
        parse_feed(data, "http://127.0.0.1/feed", "application/rss+xml")
    assert time.monotonic() - started < 2


def test_lone_surrogates_in_json_feed_can_be_stored(tmp_path: Path) -> None:
    doc = b'{"title": "T\\ud800", "items": [{"id": "\\udfff", "title": "x\\ud800y",' \
          b' "url": "http://a.test/\\ud800", "content_text": "b\\udc00ody", "authors": 5}]}'
    parsed = parse_feed(doc, "http://127.0.0.1/feed.json", "application/feed+json")
    entry = parsed.entries[0]
    assert entry.title == "xy" and entry.url == "" and parsed.title == "T"
    assert entry.guid and "\udfff" not in entry.guid
    conn = sqlite3.connect(tmp_path / "x.db")
    conn.execute("CREATE TABLE t (a)")
    conn.execute("INSERT INTO t VALUES (?)", (entry.content_text + entry.title + entry.guid,))
