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
            assert "Offline: 1 feed failed to fetch" in text
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
