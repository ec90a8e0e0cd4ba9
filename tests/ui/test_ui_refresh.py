"""Refresh in the background: progress, failing feeds, offline start, cursor kept in place."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedkit import rss
from pytest_httpserver import HTTPServer
from uikit import make_app, profile, screen_text, settle

from tuireader.library import Library
from tuireader.models import View
from tuireader.ui.widgets import ArticleList, FeedList

pytestmark = pytest.mark.anyio


def items(server: HTTPServer, names: list[str], day: int = 10) -> list[dict[str, str]]:
    return [
        {"title": f"Story {name}", "link": server.url_for(f"/{name}.html"), "guid": name,
         "summary": f"Summary of story {name}.",
         "date": f"Tue, {day:02d} Mar 2026 {9 + i % 10:02d}:{i // 10:02d}:00 GMT"}
        for i, name in enumerate(names)
    ]


def serve(server: HTTPServer, path: str, title: str, entries: list[dict[str, str]]) -> None:
    server.expect_request(path).respond_with_data(
        rss(title, entries), content_type="application/rss+xml")


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(profile(tmp_path / "profile"))
    yield lib
    lib.close()


async def test_a_failing_feed_is_marked_and_the_app_lives(
    httpserver: HTTPServer, library: Library
) -> None:
    serve(httpserver, "/good.xml", "Good News", items(httpserver, ["a", "b"]))
    httpserver.expect_request("/broken.xml").respond_with_data("oops", status=500)
    library.add_feed(httpserver.url_for("/good.xml"))
    library.add_feed(httpserver.url_for("/broken.xml"), "Broken Feed")
    library.config = _no_pages(library)
    app = make_app(library, refresh_on_start=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, rounds=8)
        text = screen_text(app)
        assert "! Broken Feed" in text
        assert "1 failed" in text
        assert "Story a" in text and "Story b" in text
        assert app.is_running
        feeds = app.screen.query_one(FeedList)
        broken = next(f for f in feeds.feeds.values() if f.title == "Broken Feed")
        assert broken.last_error
        feeds.focus()  # the person moves onto it
        feeds.highlighted = feeds.get_option_index(f"feed-{broken.id}")
        await settle(pilot)
        assert f"Broken Feed: the last refresh failed: {broken.last_error}" in screen_text(app)
        assert "HTTP 500" in broken.last_error


async def test_offline_start_reads_the_cache_and_says_so(
    httpserver: HTTPServer, library: Library
) -> None:
    serve(httpserver, "/feed.xml", "Cached", items(httpserver, ["x", "y"]))
    library.add_feed(httpserver.url_for("/feed.xml"))
    library.config = _no_pages(library)
    await library.refresh()
    httpserver.clear()
    httpserver.stop()  # the network is gone
    try:
        app = make_app(library, refresh_on_start=True)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot, rounds=8)
            text = screen_text(app)
            url = httpserver.url_for("/feed.xml")
            assert f"1 feed failed to refresh ({url}: connection refused)" in text
            assert "Showing the cache." in text
            assert "Story x" in text
            await pilot.press("enter")
            await settle(pilot)
            assert "Summary of story" in screen_text(app)
    finally:
        httpserver.start()


async def test_new_articles_arrive_without_moving_the_cursor(
    httpserver: HTTPServer, library: Library
) -> None:
    names = [f"old{i}" for i in range(30)]
    serve(httpserver, "/feed.xml", "Feed", items(httpserver, names))
    library.add_feed(httpserver.url_for("/feed.xml"))
    library.config = _no_pages(library)
    await library.refresh()
    app = make_app(library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("j", "j", "j", "j", "j")
        before = articles.cursor_row
        screen_row = articles.cursor - articles.scroll_offset.y
        httpserver.clear()
        newer = items(httpserver, ["new1", "new2", "new3"], day=12)
        serve(httpserver, "/feed.xml", "Feed", newer + items(httpserver, names))
        await pilot.press("R")
        await settle(pilot, rounds=8)
        assert articles.total == 33
        assert articles.cursor_row is not None and articles.cursor_row.id == before.id
        assert articles.cursor - articles.scroll_offset.y == screen_row
        assert library.count(View(unread=True)) == 33
        assert "3 new articles" in screen_text(app)
        assert re.search(r"│ Feed +33 │", screen_text(app))  # the feed's own count too


def _no_pages(library: Library):
    """Feeds only: these tests are about the feed list and the status line."""
    from dataclasses import replace

    return replace(library.config, fetch_pages=False)


APP_REFRESHES_IN_A_NEW_PROCESS = """
import asyncio, sys
from multiprocessing import resource_tracker
sys.path.insert(0, sys.argv[2])
from uikit import make_app, profile, settle
from tuireader.library import Library
from tuireader.models import View

async def main() -> None:
    library = Library(profile(__import__("pathlib").Path(sys.argv[1])))
    app = make_app(library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        print("tracker at start:", resource_tracker._resource_tracker._pid is not None)
        await pilot.press("R")
        for _ in range(200):
            await settle(pilot)
            if not app.screen._refreshing:
                break
        rows = library.page(View(), limit=10)
        print("articles:", len(rows), "from their pages:", sum(
            "Paragraph" in library.article(row.id).content_text for row in rows))
        print("tracker after refresh:", resource_tracker._resource_tracker._pid is not None)
    library.close()

asyncio.run(main())
"""


def test_the_app_starts_the_pools_tracker_with_its_first_refresh_not_at_start(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """multiprocessing's resource tracker (a Python process) is not started with the app,
    where it took the CPU from the first screen, but as the first refresh starts; under
    Textual, whose stderr capture has no file descriptor, the pool still starts and
    cleans the pages. A new process, so that no earlier test has started the tracker."""
    import subprocess
    import sys

    names = ["a", "b", "c"]
    serve(httpserver, "/news.xml", "News", items(httpserver, names))
    for name in names:
        httpserver.expect_request(f"/{name}.html").respond_with_data(
            f"<html><body><article><h1>Story {name}</h1>"
            + f"<p>Paragraph {name} of the story, long enough to be kept. " * 8
            + "</p></article></body></html>", content_type="text/html")
    library = Library(profile(tmp_path / "profile"))
    library.add_feed(httpserver.url_for("/news.xml"))
    library.close()
    out = subprocess.run(
        [sys.executable, "-c", APP_REFRESHES_IN_A_NEW_PROCESS, str(tmp_path / "profile"),
         str(Path(__file__).parent)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "tracker at start: False", "articles: 3 from their pages: 3",
        "tracker after refresh: True",
    ], out.stdout + out.stderr
