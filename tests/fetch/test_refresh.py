"""The real refresh against a real HTTP server on 127.0.0.1 and a real SQLite file."""

import json
import threading
import time
from array import array
from dataclasses import replace
from pathlib import Path

import pytest
from feedkit import STORY, atom, page, rdf, rss
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tuireader.errors import RefreshStopped, StorageError
from tuireader.library import Library
from tuireader.models import ParsedEntry, ParsedFeed, View
from tuireader.paths import Paths
from tuireader.refresh import Refresh
from tuireader.related import article_features


def serve_feed(server: HTTPServer, path: str, body: str, ctype: str = "application/rss+xml"):
    server.expect_request(path).respond_with_data(body, content_type=ctype)


def items(server: HTTPServer, count: int, prefix: str = "a") -> list[dict[str, str]]:
    return [
        {"title": f"Story {prefix}{i}", "link": server.url_for(f"/{prefix}{i}.html"),
         "guid": f"{prefix}{i}", "summary": f"Summary of story {prefix}{i}."}
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("maker", "ctype"),
    [(rss, "application/rss+xml"), (atom, "application/atom+xml"),
     (rdf, "application/rdf+xml")],
)
def test_xml_formats_are_stored(library: Library, httpserver: HTTPServer, maker, ctype) -> None:
    serve_feed(httpserver, "/feed", maker("Format Feed", items(httpserver, 3)), ctype)
    library.add_feed(httpserver.url_for("/feed"))
    report = library.refresh_sync(fetch_pages=False)
    assert report.failures == []
    titles = {row.title for row in library.page(View())}
    assert titles == {"Story a0", "Story a1", "Story a2"}
    feed = library.feeds()[0]
    assert feed.title == "Format Feed"
    assert feed.unread == 3


def test_json_feed_is_stored(library: Library, httpserver: HTTPServer) -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1", "title": "JSON Desk",
        "home_page_url": "http://example.test/",
        "items": [
            {"id": "j1", "url": "/j1.html", "title": "Json one",
             "content_html": "<p>First <b>body</b></p>", "date_published": "2026-11-01T10:00:00Z",
             "authors": [{"name": "Ana Reyes"}]},
            {"id": "j2", "url": "/j2.html", "content_text": "Untitled body text here."},
        ],
    }
    serve_feed(httpserver, "/feed.json", json.dumps(doc), "application/feed+json")
    library.add_feed(httpserver.url_for("/feed.json"))
    library.refresh_sync(fetch_pages=False)
    rows = library.page(View())
    assert len(rows) == 2
    first = library.article(next(r.id for r in rows if r.title == "Json one"))
    assert first.url == httpserver.url_for("/j1.html")  # relative link resolved
    assert first.published == "2026-11-01T10:00:00+00:00"
    assert first.author == "Ana Reyes"
    assert "First body" in first.content_text
    untitled = next(r for r in rows if r.title != "Json one")
    assert untitled.title.startswith("Untitled body text")


def test_pages_are_fetched_cleaned_and_searchable(
    library: Library, httpserver: HTTPServer
) -> None:
    serve_feed(httpserver, "/feed", rss("Harbour News", [
        {"title": "Bridge shut", "link": httpserver.url_for("/bridge.html"), "guid": "b1",
         "summary": "Short teaser."},
    ]))
    httpserver.expect_request("/bridge.html").respond_with_data(
        page("Bridge shut", STORY), content_type="text/html; charset=utf-8"
    )
    library.add_feed(httpserver.url_for("/feed"))
    report = library.refresh_sync()
    assert report.pages_cleaned == 1
    article = library.article(library.page(View())[0].id)
    assert "ultrasound survey" in article.content_text
    assert "All rights reserved" not in article.content_text
    assert article.word_count > 50
    assert _related_terms(library, article.id) == _terms_of("Bridge shut", article.content_text)
    hits = library.search("ultrasound")
    assert [hit.article.id for hit in hits] == [article.id]
    assert "ultrasound" in hits[0].snippet
    assert library.search("teaser") == []  # the feed's text left the index with the page
    # Every article is in the index once (new rows are put there by hand, not by a trigger).
    assert_search_index_matches(library)


def test_many_feeds_reach_search_once_and_pruning_keeps_it_in_step(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Feeds stored together put their new rows in the full-text index together:
    each article is there once, each feed's words are found, and the rows a later
    refresh prunes leave it cleanly."""
    profile = tmp_path / "profile"
    profile.mkdir()
    (profile / "config.toml").write_text("[articles]\nkeep_per_feed = 2\n", encoding="utf-8")
    library = Library(Paths(data_dir=profile, config_dir=profile, cache_dir=profile, chosen=True))

    def serve(round_: str) -> None:
        httpserver.clear()
        for n in range(12):
            serve_feed(httpserver, f"/feed{n}", rss(f"Desk {n}", [
                {"title": f"Item {round_}{n}{i}", "guid": f"{round_}{n}{i}",
                 "summary": f"Word zorblat{round_}{n} in story {i}."}
                for i in range(2)
            ]))

    try:
        serve("a")
        for n in range(12):
            library.add_feed(httpserver.url_for(f"/feed{n}"))
        assert library.refresh_sync(fetch_pages=False).new_articles == 24
        assert_search_index_matches(library)
        for n in range(12):
            assert {hit.article.title for hit in library.search(f"zorblata{n}")} == {
                f"Item a{n}0", f"Item a{n}1"
            }
        serve("b")  # each feed now lists two new items: the two old ones are pruned
        assert library.refresh_sync(fetch_pages=False).new_articles == 24
        assert_search_index_matches(library)
        assert library.count(View()) == 24
        assert library.search("zorblata3") == []
        assert len(library.search("zorblatb3")) == 2
    finally:
        library.close()


def assert_search_index_matches(library: Library) -> None:
    """Every article is in the full-text index once, and FTS5's own check of the index
    against the articles passes: a row deleted from the index that was never put in,
    or one left out, fails it."""
    conn = library.db.conn
    indexed = conn.execute("SELECT id FROM articles_fts_docsize ORDER BY id").fetchall()
    assert indexed == conn.execute("SELECT id FROM articles ORDER BY id").fetchall()
    conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
    )


def test_a_feed_that_fails_to_store_leaves_its_group_searchable(library: Library) -> None:
    """Feeds stored as a group, one of them failing (its feed is gone): the others are
    stored and searchable, and nothing of the failed one reaches the index."""
    for name in ("north", "south"):
        library.add_feed(f"http://example.test/{name}.xml")
    north, south = sorted(library.feeds(), key=lambda feed: feed.url)
    gone = replace(north, id=north.id + 100, url="http://example.test/gone.xml")

    def parsed(word: str) -> tuple[ParsedFeed, list[object]]:
        entries = [
            ParsedEntry(guid=f"{word}{i}", url="", title=f"{word} {i}",
                        content_text=f"Word {word} in story {i}.")
            for i in range(3)
        ]
        return ParsedFeed(title=word, site="", entries=entries), [
            article_features(entry.title, entry.content_text) for entry in entries
        ]

    runner = Refresh(library.db, library.config, library.pool, [north, gone, south])
    with library.db.transaction() as conn:
        results = runner._store_feeds(conn, [
            (feed, *parsed(word), None, None, None)
            for feed, word in ((north, "glimmerton"), (gone, "vanishford"), (south, "brackwater"))
        ])
    assert [type(result) for result in results] == [tuple, StorageError, tuple]
    assert len(library.search("glimmerton")) == len(library.search("brackwater")) == 3
    assert library.search("vanishford") == []
    assert library.count(View()) == 6
    assert_search_index_matches(library)


def test_failed_page_falls_back_to_feed_content(library: Library, httpserver: HTTPServer) -> None:
    serve_feed(httpserver, "/feed", rss("F", [
        {"title": "Gone", "link": httpserver.url_for("/gone.html"), "guid": "g",
         "summary": "The feed's own words about the story."},
    ]))
    httpserver.expect_request("/gone.html").respond_with_data("nope", status=404)
    library.add_feed(httpserver.url_for("/feed"))
    report = library.refresh_sync()
    assert report.pages_failed == 1
    article = library.article(library.page(View())[0].id)
    assert article.content_text == "The feed's own words about the story."
    assert article.extract_error == "HTTP 404 NOT FOUND"
    assert _related_terms(library, article.id) == _terms_of("Gone", article.content_text)


def test_article_left_waiting_for_its_page_is_indexed_from_the_feed(
    library: Library, httpserver: HTTPServer
) -> None:
    """An interrupted run left an article pending, then its feed fails: the article is
    still found by related stories, from the feed's text, and keeps waiting for its page."""
    summary = "Ferry stranded off Carrick after the tide turned early."
    serve_feed(httpserver, "/feed", rss("F", [
        {"title": "Ferry stranded", "link": httpserver.url_for("/ferry.html"), "guid": "f",
         "summary": summary},
    ]))
    httpserver.expect_request("/ferry.html").respond_with_data("nope", status=404)
    library.add_feed(httpserver.url_for("/feed"))
    library.refresh_sync()
    (row,) = library.page(View())
    with library.db.transaction() as conn:  # as a run killed before the page was stored
        conn.execute("UPDATE articles SET page_status = 'pending' WHERE id = ?", (row.id,))
        conn.execute("DELETE FROM related_docs WHERE article_id = ?", (row.id,))
    httpserver.clear()
    httpserver.expect_request("/feed").respond_with_data("down", status=500)
    report = library.refresh_sync()
    assert report.failures
    assert _related_terms(library, row.id) == _terms_of("Ferry stranded", summary)
    status = library.db.conn.execute(
        "SELECT page_status FROM articles WHERE id = ?", (row.id,)
    ).fetchone()[0]
    assert status == "pending"


def _related_terms(library: Library, article_id: int) -> list[int]:
    """The terms the related-stories index holds for an article (each article indexed once)."""
    rows = library.db.conn.execute(
        "SELECT terms FROM related_docs WHERE article_id = ?", (article_id,)
    ).fetchall()
    assert len(rows) == 1
    return sorted(array("I", rows[0][0]))


def _terms_of(title: str, text: str) -> list[int]:
    return sorted(article_features(title, text).terms)


def test_non_html_page_is_refused_with_reason(library: Library, httpserver: HTTPServer) -> None:
    serve_feed(httpserver, "/feed", rss("F", [
        {"title": "A PDF", "link": httpserver.url_for("/doc.pdf"), "guid": "p",
         "summary": "A report."},
    ]))
    httpserver.expect_request("/doc.pdf").respond_with_data(
        b"%PDF-1.4 binary", content_type="application/pdf"
    )
    library.add_feed(httpserver.url_for("/feed"))
    library.refresh_sync()
    article = library.article(library.page(View())[0].id)
    assert article.extract_error == "not an HTML page (application/pdf)"
    assert article.content_text == "A report."


def test_conditional_get_304_costs_nothing(library: Library, httpserver: HTTPServer) -> None:
    seen: list[dict[str, str]] = []
    body = rss("Cond", items(httpserver, 2))

    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(body, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    library.add_feed(httpserver.url_for("/feed"))
    first = library.refresh_sync(fetch_pages=False)
    second = library.refresh_sync(fetch_pages=False)
    assert first.new_articles == 2
    assert second.feeds[0].not_modified
    assert second.new_articles == 0
    assert seen[1]["If-None-Match"] == '"v1"'
    assert "tuireader/" in seen[0]["User-Agent"]
    assert library.count(View()) == 2


def test_permanent_redirect_updates_feed_url(library: Library, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/new")}
    )
    serve_feed(httpserver, "/new", rss("Moved", items(httpserver, 1)))
    library.add_feed(httpserver.url_for("/old"))
    library.refresh_sync(fetch_pages=False)
    assert [feed.url for feed in library.feeds()] == [httpserver.url_for("/new")]


def test_temporary_redirect_keeps_feed_url(library: Library, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/new")}
    )
    serve_feed(httpserver, "/new", rss("Moved", items(httpserver, 1)))
    library.add_feed(httpserver.url_for("/old"))
    library.refresh_sync(fetch_pages=False)
    assert [feed.url for feed in library.feeds()] == [httpserver.url_for("/old")]


@pytest.mark.parametrize(("status", "reason"), [(404, "HTTP 404"), (500, "HTTP 500")])
def test_http_errors_are_stored_and_cleared(
    library: Library, httpserver: HTTPServer, status: int, reason: str
) -> None:
    good = rss("Flaky", items(httpserver, 2))
    httpserver.expect_ordered_request("/feed").respond_with_data(good, content_type="text/xml")
    httpserver.expect_ordered_request("/feed").respond_with_data("err", status=status)
    httpserver.expect_ordered_request("/feed").respond_with_data(good, content_type="text/xml")
    library.add_feed(httpserver.url_for("/feed"))
    library.refresh_sync(fetch_pages=False)
    failed = library.refresh_sync(fetch_pages=False)
    assert failed.failures and reason in (failed.failures[0].error or "")
    feed = library.feeds()[0]
    assert reason in (feed.last_error or "")
    assert feed.error_count == 1
    assert library.count(View()) == 2  # nothing lost
    library.refresh_sync(fetch_pages=False)
    feed = library.feeds()[0]
    assert feed.last_error is None
    assert feed.error_count == 0


def test_retry_after_is_honoured(library: Library, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    library.add_feed(httpserver.url_for("/feed"))
    first = library.refresh_sync(fetch_pages=False)
    assert "429" in (first.failures[0].error or "")
    second = library.refresh_sync(fetch_pages=False)
    assert "wait until" in (second.failures[0].error or "")
    assert len(httpserver.log) == 1  # the second refresh did not ask again


def test_size_cap_while_streaming(library: Library, httpserver: HTTPServer) -> None:
    import gzip

    bomb = gzip.compress(b"<rss>" + b" " * (30 * 1024 * 1024))
    httpserver.expect_request("/feed").respond_with_data(
        bomb, content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )
    library.add_feed(httpserver.url_for("/feed"))
    report = library.refresh_sync(fetch_pages=False)
    assert "too large" in (report.failures[0].error or "")


def test_connection_refused_is_a_feed_error(library: Library) -> None:
    library.add_feed("http://127.0.0.1:9/feed")
    report = library.refresh_sync(fetch_pages=False)
    assert report.failures[0].error == "connection refused"


def test_feed_without_guids_gets_stable_ids(library: Library, httpserver: HTTPServer) -> None:
    doc = rss("No guids", [
        {"title": "One", "link": httpserver.url_for("/1")},
        {"title": "Two", "link": httpserver.url_for("/2")},
    ])
    serve_feed(httpserver, "/feed", doc)
    library.add_feed(httpserver.url_for("/feed"))
    library.refresh_sync(fetch_pages=False)
    library.refresh_sync(fetch_pages=False)
    assert library.count(View()) == 2


def test_html_served_as_feed_is_a_clear_error(library: Library, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "<!doctype html><html><body>Hello</body></html>", content_type="text/html"
    )
    library.add_feed(httpserver.url_for("/feed"))
    report = library.refresh_sync(fetch_pages=False)
    assert report.failures[0].error == "got an HTML page, not a feed"


def test_per_feed_page_fetching_can_be_turned_off(
    library: Library, httpserver: HTTPServer
) -> None:
    serve_feed(httpserver, "/feed", rss("F", items(httpserver, 2)))
    feed, _new = library.add_feed(httpserver.url_for("/feed"))
    library.set_fetch_pages(feed.id, False)
    report = library.refresh_sync()
    assert report.pages_cleaned == report.pages_failed == 0
    assert all(entry[0].url.endswith("/feed") for entry in httpserver.log)


def test_a_stopped_refresh_ends_while_name_lookups_hang(
    library: Library, httpserver: HTTPServer, lookups: tuple[list[str], threading.Event],
) -> None:
    """Quitting mid-refresh with the network gone: the refresh ends when asked, not when
    the lookups it started give up, and the articles already stored stay."""
    asked, release = lookups
    serve_feed(httpserver, "/feed", rss("Reachable", items(httpserver, 2)))
    library.add_feed(httpserver.url_for("/feed"))
    assert library.refresh_sync(fetch_pages=False).new_articles == 2
    for n in range(3):
        library.add_feed(f"http://stuck.invalid/feed/{n}.xml")
    asked_to_stop = threading.Event()
    outcome: list[BaseException | None] = []

    def refresh() -> None:
        try:
            library.refresh_sync(fetch_pages=False, stop=asked_to_stop.is_set)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)
        else:
            outcome.append(None)

    thread = threading.Thread(target=refresh, daemon=True)
    thread.start()
    for _ in range(500):  # until the lookup has started (and hangs)
        if "stuck.invalid" in asked:
            break
        time.sleep(0.01)
    assert "stuck.invalid" in asked
    asked_to_stop.set()
    thread.join(10)
    still_running = thread.is_alive()
    release.set()
    assert not still_running
    assert len(outcome) == 1 and isinstance(outcome[0], RefreshStopped)
    assert {row.title for row in library.page(View())} == {"Story a0", "Story a1"}
