"""The first screen read before the app (as `tuireader` starts) is the screen the app's
own workers would show, and it is there from the first frame."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from uikit import fixed_clock, profile, screen_text, settle

from tuireader.library import Library
from tuireader.models import ParsedEntry, View
from tuireader.storage import articles as article_store
from tuireader.ui.app import ReaderApp
from tuireader.ui.first_screen import read_first_screen
from tuireader.ui.state import UiState, save_state
from tuireader.ui.widgets import ArticleList, FeedList

pytestmark = pytest.mark.anyio
PER_FEED = 300  # more than a page of the list (200), so a kept article can be past the first


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """Two feeds of PER_FEED articles each, their publication times interleaved."""
    library = Library(profile(tmp_path))
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for number, name in enumerate(("Alpha", "Beta")):
        feed, _new = library.add_feed(f"http://127.0.0.1:9/{name}.xml", f"{name} Wire")
        entries = [
            ParsedEntry(guid=f"{name}-{i}", url=f"https://example.test/{name}/{i}",
                        title=f"{name} story {i:03d}",
                        published=(start - timedelta(minutes=2 * i + number)).isoformat())
            for i in range(PER_FEED)
        ]
        with library.db.transaction() as conn:
            article_store.insert_entries(conn, feed.id, feed.title, entries, fetch_pages=False)
    yield library
    library.close()


def _states(library: Library) -> dict[str, UiState]:
    alpha, beta = library.feeds()
    deep = library.page(View(feed_id=beta.id), offset=250, limit=1)[0]
    read = library.page(View(), offset=10, limit=1)[0]
    library.mark_read([read.id])
    return {
        "new profile": UiState(),
        "a feed, its article past the first page": UiState(
            place=f"feed-{beta.id}", article_id=deep.id
        ),
        "a feed gone: All, the article kept": UiState(place="feed-9999", article_id=deep.id),
        "the article read, out of Unread: its place": UiState(place="unread", article_id=read.id),
        "another feed's article: its place by time": UiState(
            place=f"feed-{alpha.id}", article_id=deep.id
        ),
    }


async def _shown(app: ReaderApp) -> tuple[object, ...]:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        row = articles.cursor_row
        opened = app.screen.opened
        return (
            app.screen.query_one(FeedList).place, articles.view, articles.total,
            articles.cursor, articles.scroll_offset.y, row.id if row else None,
            opened.id if opened else None, screen_text(app),
        )


@pytest.mark.parametrize("case", [
    "new profile", "a feed, its article past the first page",
    "a feed gone: All, the article kept", "the article read, out of Unread: its place",
    "another feed's article: its place by time",
])
async def test_the_first_screen_read_first_is_the_screen_the_workers_show(
    library: Library, case: str
) -> None:
    state = _states(library)[case]
    save_state(library.paths.state_file, state)
    by_workers = await _shown(ReaderApp(library, clock=fixed_clock))
    save_state(library.paths.state_file, state)  # as it was, whatever the first run kept
    first = read_first_screen(library, state, 48)
    assert first is not None
    read_first = await _shown(ReaderApp(library, clock=fixed_clock, first_screen=first))
    assert read_first == by_workers
    place, view, total, _cursor, _scroll, row_id, opened_id, _text = read_first
    if case == "a feed, its article past the first page":
        assert place == f"feed-{library.feeds()[1].id}" and total == PER_FEED
        assert row_id == opened_id == state.article_id
    if case == "a feed gone: All, the article kept":
        assert (place, view, total) == ("all", View(), 2 * PER_FEED)
        assert row_id == state.article_id
    if case == "the article read, out of Unread: its place":
        assert (view, total, _cursor) == (View(unread=True), 2 * PER_FEED - 1, 10)
        assert row_id != state.article_id


async def test_the_first_screen_is_there_before_any_worker_reads(library: Library) -> None:
    """Given the first screen, the app shows its rows from its first frame: nothing waits
    for a worker's read (started as the app mounts, it takes a moment to come back)."""
    first = read_first_screen(library, UiState(), 48)
    assert first is not None
    app = ReaderApp(library, clock=fixed_clock, first_screen=first)
    async with app.run_test(size=(160, 48)):
        articles = app.screen.query_one(ArticleList)
        assert articles.total == 2 * PER_FEED
        text = screen_text(app)
        assert "Alpha Wire" in text and "Beta Wire" in text
        assert "Alpha story 000" in text and "Beta story 000" in text
