"""The reading pane: wrapped to its width, recoloured by a theme, keys scroll it, cheap to swap."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from uikit import make_app, profile, settle

from tuireader import related
from tuireader.library import Library
from tuireader.models import ParsedEntry, View
from tuireader.storage import articles as article_store
from tuireader.ui.widgets import ArticleList, FeedList, ReadingPane, RelatedPanel

pytestmark = pytest.mark.anyio

HOSTILE_BODY = "[bold]x[/] then [@click=app.quit]quit[/] and odd [/ end"
LONG_BODY = " ".join(f"Sentence {n} of a long story about the harbour bridge." for n in range(150))


@pytest.fixture
def pane_library(tmp_path: Path) -> Iterator[Library]:
    """Two long articles of different lengths and one whose body is Rich markup."""
    library = Library(profile(tmp_path / "profile"))
    feed, _new = library.add_feed("https://example.test/feed.xml", "Harbour Herald")
    bodies = [LONG_BODY, LONG_BODY[: len(LONG_BODY) // 2], HOSTILE_BODY]
    entries = [
        ParsedEntry(
            guid=str(number), url=f"https://example.test/{number}.html", title=f"Story {number}",
            published=f"2026-03-1{number}T09:00:00+00:00", content_html=f"<p>{body}</p>",
            content_text=body,
        )
        for number, body in enumerate(bodies)
    ]
    with library.db.transaction() as conn:
        for article_id in article_store.insert_entries(
            conn, feed.id, feed.title, entries, fetch_pages=False
        ):
            related.index_article(conn, article_id)
    yield library
    library.close()


def pane_text(reader: ReadingPane) -> list[str]:
    return [reader.render_line(y).text.rstrip() for y in range(reader.scrollable_size.height)]


async def open_story(pilot, number: int) -> ReadingPane:
    library = pilot.app.library
    row = next(row for row in library.page(View(), limit=10) if row.title == f"Story {number}")
    pilot.app.screen.open_article(row.id)
    await settle(pilot)
    return pilot.app.screen.query_one(ReadingPane)


async def test_lines_follow_the_pane_width(pane_library: Library) -> None:
    app = make_app(pane_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        reader = await open_story(pilot, 0)
        wide = reader.scrollable_content_region.width
        assert reader.virtual_size.height > reader.scrollable_size.height
        assert max(len(line) for line in pane_text(reader)) > wide - 10
        await pilot.resize_terminal(100, 48)
        await settle(pilot)
        narrow = reader.scrollable_content_region.width
        assert narrow < wide
        assert all(len(line) <= narrow for line in pane_text(reader))
        assert reader.virtual_size.width == narrow


async def test_opening_articles_lays_nothing_out_again(
    pane_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new article only swaps the pane's lines: no layout of the whole screen.

    The related stories are left out: their list lays out when it changes.
    """
    monkeypatch.setattr(RelatedPanel, "show", lambda *args: None)
    monkeypatch.setattr(RelatedPanel, "looking", lambda self: None)
    app = make_app(pane_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_story(pilot, 0)
        layouts = []
        app.screen.screen_layout_refresh_signal.subscribe(app.screen, layouts.append)
        reader = await open_story(pilot, 1)
        assert "Story 1" in "\n".join(pane_text(reader))
        assert layouts == []


async def test_after_the_article_its_counts_and_related_stories_follow(
    pane_library: Library,
) -> None:
    """Counts and related stories wait for the article's frame, and still come."""
    app = make_app(pane_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        feeds = app.screen.query_one(FeedList)
        place = next(iter(feeds.feeds))
        before = feeds.feeds[place].unread
        await open_story(pilot, 0)
        assert feeds.feeds[place].unread == before - 1
        assert feeds.get_option("all").prompt.count.plain.strip() == str(before - 1)
        assert feeds.get_option(place).prompt.count.plain.strip() == str(before - 1)
        sidebar = app.screen.query_one(RelatedPanel)
        assert sidebar.border_subtitle == ""
        assert "Story 1" in "\n".join(
            str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count))


async def test_markup_in_a_body_shows_literally(pane_library: Library) -> None:
    app = make_app(pane_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        reader = await open_story(pilot, 2)
        assert HOSTILE_BODY in "\n".join(pane_text(reader))
        assert app.is_running


async def test_a_new_theme_recolours_the_open_article(pane_library: Library) -> None:
    app = make_app(pane_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_story(pilot, 0)
        reader = await open_story(pilot, 1)
        before = reader.rich_style.bgcolor
        await pilot.press("ctrl+t")
        await settle(pilot)
        after = reader.rich_style.bgcolor
        assert after != before
        backgrounds = {segment.style.bgcolor for segment in reader.render_line(5)}
        assert backgrounds == {after}


async def test_keys_scroll_the_pane(pane_library: Library) -> None:
    app = make_app(pane_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        reader = await open_story(pilot, 0)
        reader.focus()
        await pilot.press("j", "j")
        assert reader.scroll_y == 2
        await pilot.press("k")
        assert reader.scroll_y == 1
        await pilot.press("space")
        assert reader.scroll_y > reader.scrollable_size.height / 2
        await pilot.press("G")
        assert reader.scroll_y == reader.max_scroll_y > 0
        assert "Sentence 149" in "\n".join(pane_text(reader))
        await pilot.press("g")
        assert reader.scroll_y == 0
        app.screen.query_one(ArticleList).focus()
        await pilot.press("space")  # pages the article from the list too
        assert reader.scroll_y > 0
