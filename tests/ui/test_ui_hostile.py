"""Untrusted text shows as text: markup, escapes and bidi overrides from a feed are inert."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedkit import STORY
from pytest_httpserver import HTTPServer
from textual.widgets import Input
from uikit import make_app, profile, screen_text, settle

from tuireader.library import Library
from tuireader.text import clean_line
from tuireader.ui.screens import ConfirmDialog, SearchScreen
from tuireader.ui.widgets import ArticleList, FeedList

pytestmark = pytest.mark.anyio

HOSTILE_TITLES = [
    "[bold]x",
    "[/]",
    "[@click=app.quit]x[/]",
    "x[i]",
    "odd [/ end",
    "esc \x1b[31mred\x1b[0m csi",
    "osc \x1b]52;c;aGVsbG8=\x07 bel\x07",
    "\u202eevil rtl override",
]
FEED_TITLE = "[@click=app.quit]F[/]"


@pytest.fixture
def hostile_library(httpserver: HTTPServer, tmp_path: Path) -> Iterator[Library]:
    """A JSON Feed (it can carry control characters) whose every title is hostile."""
    items = [
        {"id": f"h{i}", "url": httpserver.url_for(f"/h{i}.html"), "title": title,
         "content_text": "\n\n".join(STORY), "date_published": f"2026-03-1{i}T09:00:00Z"}
        for i, title in enumerate(HOSTILE_TITLES)
    ]
    document = {"version": "https://jsonfeed.org/version/1.1", "title": FEED_TITLE,
                "items": items}
    httpserver.expect_request("/feed.json").respond_with_data(
        json.dumps(document), content_type="application/feed+json")
    library = Library(profile(tmp_path / "profile"))
    from dataclasses import replace

    library.config = replace(library.config, fetch_pages=False)
    library.add_feed(httpserver.url_for("/feed.json"))
    library.refresh_sync()
    yield library
    library.close()


def no_live_quit_link(app) -> bool:
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            meta = segment.style.meta if segment.style else {}
            if any("quit" in str(value) for value in meta.values()):
                return False
    return True


async def test_hostile_titles_show_literally_everywhere(hostile_library: Library) -> None:
    shown = [clean_line(title) for title in HOSTILE_TITLES]
    app = make_app(hostile_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert clean_line(FEED_TITLE) in text  # the feed list
        for title in shown:
            assert title in text  # the article list
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert no_live_quit_link(app)

        feeds = app.screen.query_one(FeedList)
        feeds.highlighted = 3
        await settle(pilot)
        assert clean_line(FEED_TITLE) in app.screen.sub_title  # the title bar
        articles = app.screen.query_one(ArticleList)
        articles.focus()
        for index in range(len(shown)):
            articles.move_to(index)
            await pilot.press("enter")
            await settle(pilot)
            reading = screen_text(app).split("Article ─")[1]
            assert articles.cursor_row.title in reading  # the reading pane
            assert no_live_quit_link(app)
        sidebar = screen_text(app).split("Related stories")[1]
        if "No related stories" not in sidebar:
            assert any(title in sidebar for title in shown)  # the sidebar

        await pilot.press("slash", *"harbour")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        results = screen_text(app)
        assert sum(title in results for title in shown) >= 3  # search results
        assert no_live_quit_link(app)
        await pilot.press("escape")

        feeds.focus()
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        assert clean_line(FEED_TITLE) in screen_text(app)  # a dialog
        await pilot.press("n")

        await pilot.click(ArticleList, offset=(10, 2))  # a click on a title does not quit
        await settle(pilot)
        assert app.is_running
        assert app.return_code is None


async def test_the_add_dialog_shows_a_hostile_address_as_text(tmp_path: Path) -> None:
    library = Library(profile(tmp_path / "profile"))
    app = make_app(library)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("a")
            app.screen.query_one(Input).value = "[@click=app.quit]x[/] [bold]"
            await pilot.press("enter")
            await settle(pilot)
            assert "[@click=app.quit]x[/] [bold]" in screen_text(app)
            assert no_live_quit_link(app)
            assert app.is_running
    finally:
        library.close()
