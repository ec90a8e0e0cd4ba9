"""Snapshots of the main views at 160x48 and 80x24.

The data is written straight into storage with fixed addresses and dates, and
the app gets a fixed clock, so every run draws the same screen.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from feedkit import STORY
from textual.pilot import Pilot
from uikit import make_app, profile, settle

from tuireader import related
from tuireader.library import Library
from tuireader.models import ParsedEntry, View
from tuireader.storage import articles as article_store

FEEDS = {
    "Harbour Herald": [
        ("Bridge closed after inspectors find girder cracks", "2026-03-19T08:00:00+00:00"),
        ("Ferry operators add sailings while the bridge is shut", "2026-03-18T10:00:00+00:00"),
        ("Council approves budget for the new library", "2026-03-12T09:00:00+00:00"),
    ],
    "River City Wire": [
        ("Old swing bridge shut after cracks found in steel girders", "2026-03-19T09:30:00+00:00"),
        ("Marathon route changes announced for spring", "2026-02-01T09:00:00+00:00"),
    ],
    "Quay Times": [
        ("Bridge closure: what commuters need to know", "2026-03-17T07:00:00+00:00"),
        ("Market hall reopens after two-year restoration", "2025-10-05T12:00:00+00:00"),
    ],
}


def body(title: str) -> list[str]:
    """Bridge stories share their text (one story, several outlets); the rest stand alone."""
    if "ridge" in title:
        return STORY
    return [f"{title}. A short local story about {title.split()[0].lower()} matters."]


@pytest.fixture
def snap_library(tmp_path: Path) -> Iterator[Library]:
    library = Library(profile(tmp_path / "profile"))
    for number, (feed_title, stories) in enumerate(FEEDS.items()):
        feed, _new = library.add_feed(f"https://example.test/feed{number}.xml", feed_title)
        entries = [
            ParsedEntry(
                guid=f"{number}-{i}", url=f"https://example.test/{number}/{i}.html",
                title=title, author="Staff reporter", published=published,
                content_html="".join(f"<p>{p}</p>" for p in body(title)),
                content_text="\n\n".join(body(title)),
            )
            for i, (title, published) in enumerate(stories)
        ]
        with library.db.transaction() as conn:
            for article_id in article_store.insert_entries(
                conn, feed.id, feed_title, entries, fetch_pages=False
            ):
                related.index_article(conn, article_id)
    yield library
    library.close()


async def open_first_bridge_story(pilot: Pilot) -> None:
    await settle(pilot)
    library = pilot.app.library
    first = next(row for row in library.page(View(), limit=10) if "girder" in row.title)
    pilot.app.screen.query_one("#articles").move_to(
        library.position(View(), first.id))
    await pilot.press("enter")
    await settle(pilot)


def test_main_view_wide(snap_compare, snap_library: Library) -> None:
    app = make_app(snap_library)
    assert snap_compare(app, terminal_size=(160, 48), run_before=open_first_bridge_story)


def test_main_view_narrow(snap_compare, snap_library: Library) -> None:
    app = make_app(snap_library)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_first_bridge_story)


def test_help_narrow(snap_compare, snap_library: Library) -> None:
    async def show_help(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    app = make_app(snap_library)
    assert snap_compare(app, terminal_size=(80, 24), run_before=show_help)
