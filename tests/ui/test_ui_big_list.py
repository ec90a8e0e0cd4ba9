"""100,000 articles: the first screen comes at once and nothing ever loads them all."""

import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App
from uikit import make_app, profile, screen_text, settle

from tuireader.library import Library
from tuireader.models import ParsedEntry, View
from tuireader.storage import articles as article_store
from tuireader.ui.widgets import ArticleList
from tuireader.ui.widgets.article_list import MAX_PAGES, PAGE_SIZE

pytestmark = pytest.mark.anyio
ROWS = 100_000


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One feed with 100,000 articles, inserted in one transaction."""
    root = tmp_path_factory.mktemp("big")
    library = Library(profile(root))
    feed, _new = library.add_feed("http://127.0.0.1:9/big.xml", "Big Feed")
    start = datetime(2026, 3, 1, tzinfo=UTC)
    entries = (
        ParsedEntry(guid=f"g{i}", url=f"https://example.test/{i}", title=f"Article {i:06d}",
                    published=(start - timedelta(minutes=i)).isoformat())
        for i in range(ROWS)
    )
    with library.db.transaction() as conn:
        article_store.insert_entries(conn, feed.id, "Big Feed", entries, fetch_pages=False)
    library.close()
    return root


@pytest.fixture
def big_library(big_template: Path) -> Iterator[Library]:
    library = Library(profile(big_template))
    yield library
    library.close()


async def test_a_huge_view_pages_from_sqlite(big_library: Library) -> None:
    app = make_app(big_library)
    async with app.run_test(size=(160, 48)) as pilot:
        started = time.perf_counter()
        await settle(pilot)
        assert time.perf_counter() - started < 2.0
        articles = app.screen.query_one(ArticleList)
        assert articles.view == View()
        assert articles.total == ROWS
        assert "Article 000000" in screen_text(app)
        assert len(articles._rows) <= 2  # only the pages on screen

        steps = 200
        started = time.perf_counter()
        for _ in range(steps):
            articles.action_cursor_down()
        per_step = (time.perf_counter() - started) / steps
        assert per_step < 0.016
        await settle(pilot)
        assert articles.cursor == steps

        await pilot.press("G")
        await settle(pilot)
        assert articles.cursor == ROWS - 1
        assert f"Article {ROWS - 1:06d}" in screen_text(app)
        for _ in range(30):  # page up through many SQLite pages
            await pilot.press("pageup")
        await settle(pilot)
        assert len(articles._rows) <= MAX_PAGES
        assert len(articles._rows) * PAGE_SIZE < ROWS / 10
        row = articles.cursor_row
        assert row is not None and row.title == f"Article {articles.cursor:06d}"

        started = time.perf_counter()
        for y in range(articles.size.height):
            articles.render_line(y)
        assert time.perf_counter() - started < 0.05  # a whole screen of lines


def highlighted_lines(app: App[None], articles: ArticleList) -> list[str]:
    """The list's lines the terminal shows in the cursor's colours."""
    cursor = articles.get_component_rich_style("article-list--cursor")
    region = articles.content_region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return [
        strip.text
        for strip in (strip.crop(region.x, region.right) for strip in strips)
        if any(segment.style and segment.style.bgcolor == cursor.bgcolor
               and segment.text.strip() for segment in strip)
    ]


async def test_a_scrolled_list_draws_the_cursor_and_marks_where_they_are(
    big_library: Library,
) -> None:
    app = make_app(big_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        articles.focus()
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert articles.scroll_offset.y > 0
        for key in ("down", "up", "up", "down", "m", "s"):
            await pilot.press(key)
            await settle(pilot)
            [line] = highlighted_lines(app, articles)
            row = articles.cursor_row
            assert row is not None
            assert f"Article {articles.cursor:06d}" in line, (key, line)
            assert line.startswith(("★" if row.saved else " ") + (" " if row.read else "●")), (
                key, line)
        assert row.read and row.saved


def _insert(library: Library, title: str, published: datetime) -> None:
    feed = library.feeds()[0]
    entry = ParsedEntry(guid=title, url=f"https://example.test/{title}", title=title,
                        published=published.isoformat())
    with library.db.transaction() as conn:
        article_store.insert_entries(conn, feed.id, "Big Feed", [entry], fetch_pages=False)


@pytest.mark.parametrize(
    ("keys", "inserted", "lands_on"),
    [
        (("down", "down"), "newer", "Article 000022"),
        (("down", "down"), "between 21 and 22", "Article 000022"),
        (("down", "home"), "newer", "Newer"),
        (("up", "end"), "newer", f"Article {ROWS - 1:06d}"),
    ],
)
async def test_keys_pressed_while_the_list_reloads_are_kept(
    big_template: Path, tmp_path: Path, keys: tuple[str, ...], inserted: str, lands_on: str
) -> None:
    """A refresh reloads the list every second, each reload putting the cursor back on
    the article it was on as the reload began; keys pressed meanwhile are not undone."""
    shutil.copytree(big_template, tmp_path / "profile")
    library = Library(profile(tmp_path / "profile"))
    try:
        app = make_app(library)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            articles = app.screen.query_one(ArticleList)
            articles.focus()
            await pilot.press(*["down"] * 20)
            await settle(pilot)
            assert articles.cursor_row.title == "Article 000020"
            start = datetime(2026, 3, 1, tzinfo=UTC)
            if inserted == "newer":
                _insert(library, "Newer", start + timedelta(days=1))
            else:
                _insert(library, "Between", start - timedelta(minutes=21.5))
            articles.reload()  # as the refresh does; the keys land before its rows
            for key in keys:
                getattr(articles, {"down": "action_cursor_down", "up": "action_cursor_up",
                                   "home": "action_top", "end": "action_bottom"}[key])()
            await settle(pilot)
            assert articles.total == ROWS + 1
            assert articles.cursor_row.title == lands_on
            [line] = highlighted_lines(app, articles)
            assert lands_on in line
    finally:
        library.close()
