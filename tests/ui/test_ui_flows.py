"""Whole flows through the app on a real, refreshed demo profile."""

import re
import sqlite3

import pytest
from textual.widgets import Input, OptionList
from uikit import make_app, screen_text, settle

from tuireader.library import Library
from tuireader.models import ArticleRow, View
from tuireader.ui.screens import AddFeedDialog, ConfirmDialog, HelpScreen, SearchScreen
from tuireader.ui.widgets import ArticleList, FeedList, ReadingPane, RelatedPanel

pytestmark = pytest.mark.anyio


def feed_id(library: Library, title: str) -> int:
    return next(feed.id for feed in library.feeds() if feed.title == title)


async def choose_feed(pilot, title: str) -> None:
    feeds = pilot.app.screen.query_one(FeedList)
    feeds.focus()
    feeds.highlighted = feeds.get_option_index(f"feed-{feed_id(pilot.app.library, title)}")
    await settle(pilot)


async def search_for(pilot, query: str) -> None:
    """Open search, type `query`, and wait past the typing pause for its results."""
    await pilot.press("slash", *query)
    await pilot.pause(0.3)
    await settle(pilot)


async def test_open_a_feed_and_read_an_article(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await choose_feed(pilot, "Valley Daily")
        articles = app.screen.query_one(ArticleList)
        valley = feed_id(demo_library, "Valley Daily")
        assert articles.view == View(feed_id=valley)
        assert articles.total == demo_library.count(View(feed_id=valley))
        await pilot.press("enter")  # from the feed list: go to its articles
        assert app.focused is articles
        await pilot.press("j", "enter")
        await settle(pilot)
        row = articles.cursor_row
        assert row is not None and row.feed_id == valley
        assert row.title in screen_text(app)
        assert demo_library.article(row.id).read
        assert "Valley Daily" in app.screen.sub_title
        assert row.read


async def test_jump_to_a_related_story(demo_library: Library) -> None:
    hit_source = next(
        row for row in demo_library.page(View(), limit=100)
        if any(hit.same_story for hit in demo_library.related(row.id))
    )
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.screen.open_article(hit_source.id)
        await settle(pilot)
        text = screen_text(app)
        assert "Same story" in text
        outlets = demo_library.story_outlets(hit_source.id)
        assert outlets[0] in text
        related = app.screen.query_one(RelatedPanel)
        related.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        opened = app.screen.opened
        assert opened is not None and opened.id != hit_source.id
        assert opened.id in {hit.article.id for hit in demo_library.related(hit_source.id)}
        assert opened.title in screen_text(app)


async def test_search_as_you_type_and_open_a_result(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await search_for(pilot, "seawall")
        assert isinstance(app.screen, SearchScreen)
        results = app.screen.query_one("#search-results", OptionList)
        assert results.option_count > 0
        expected = demo_library.search("seawall", limit=50)[0].article
        assert expected.title in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert app.screen.opened is not None and app.screen.opened.id == expected.id
        # The result is what the keys act on now, wherever the list's cursor is.
        assert app.screen.query_one(ArticleList).cursor_row.id != expected.id
        await pilot.press("s")
        await settle(pilot)
        assert demo_library.article(expected.id).saved
        assert [row.id for row in demo_library.page(View(saved=True))] == [expected.id]


async def test_search_results_move_by_j_and_k_and_letters_go_on_with_the_query(
    demo_library: Library,
) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await search_for(pilot, "the")
        results = app.screen.query_one("#search-results", OptionList)
        field = app.screen.query_one("#search-input", Input)
        assert results.option_count > 2
        await pilot.press("down")
        assert results.has_focus and results.highlighted == 0
        await pilot.press("j", "j", "k")
        assert results.highlighted == 1
        assert field.value == "the"
        await pilot.press("shift+tab", "y")  # back in the field: the query stays, y adds
        assert field.value == "they"
        await pilot.press("down", "s")  # a letter typed in the results goes to the query
        assert field.has_focus and field.value == "theys"


async def test_search_results_move_by_the_keys_config_gives(demo_library: Library) -> None:
    from dataclasses import replace

    demo_library.config = replace(demo_library.config, keys={"cursor_down": "J"})
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await search_for(pilot, "the")
        results = app.screen.query_one("#search-results", OptionList)
        await pilot.press("down", "J")
        assert results.highlighted == 1
        await pilot.press("j")  # no longer a move key: it goes on with the query
        assert app.screen.query_one("#search-input", Input).value == "thej"


async def test_a_search_with_nothing_to_find_says_so(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await search_for(pilot, '"-')
        assert "nothing to search for" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, SearchScreen)


async def test_an_empty_saved_list_says_how_to_fill_it(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        feeds = app.screen.query_one(FeedList)
        feeds.highlighted = feeds.get_option_index("saved")
        await settle(pilot)
        assert app.screen.query_one(ArticleList).total == 0
        assert "Nothing saved yet. Press s on an article" in screen_text(app)
        assert "No articles here yet" not in screen_text(app)


async def test_save_and_find_it_under_saved(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("j", "j", "s")
        await settle(pilot)
        saved = articles.cursor_row
        assert saved is not None and saved.saved
        assert demo_library.article(saved.id).saved
        feeds = app.screen.query_one(FeedList)
        feeds.highlighted = feeds.get_option_index("saved")
        await settle(pilot)
        assert articles.view == View(saved=True)
        assert articles.total == 1
        assert articles.cursor_row is not None and articles.cursor_row.id == saved.id
        assert "★" in screen_text(app)


async def test_mark_read_unread_and_all_read(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("m")
        await settle(pilot)
        first = articles.cursor_row
        assert first is not None and first.read and demo_library.article(first.id).read
        assert "Marked read." in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert not demo_library.article(first.id).read
        assert "Marked unread." in screen_text(app)
        unread = demo_library.count(View(unread=True))
        await pilot.press("A")  # asks first; n keeps them unread
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Mark every article in “All” read?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert demo_library.count(View(unread=True)) == unread > 0
        await pilot.press("A", "y")
        await settle(pilot)
        assert demo_library.count(View(unread=True)) == 0
        assert f"Marked {unread} articles read." in screen_text(app)


async def open_then_press_while_busy(
    pilot, app, library: Library, key: str  # type: ignore[no-untyped-def]
) -> ArticleRow:
    """Open the first article while another writer holds the cache, then press `key` in
    the list while the open's read mark still waits for the lock; the row opened."""
    busy = sqlite3.connect(library.db.path, isolation_level=None)
    articles = app.screen.query_one(ArticleList)
    first = articles.cursor_row
    assert first is not None and not first.read
    busy.execute("BEGIN IMMEDIATE")  # another writer holds the cache
    try:
        await pilot.press("enter")
        for _ in range(50):  # shown although its read mark cannot be written yet
            await pilot.pause(0.02)
            if app.screen.opened is not None and app.screen.opened.id == first.id:
                break
        assert app.screen.opened is not None and app.screen.opened.id == first.id
        articles.focus()
        await pilot.pause(0.5)  # the open's mark is deep in SQLite's busy waits
        await pilot.press(key)
        await pilot.pause(0.1)
    finally:
        busy.execute("COMMIT")
        busy.close()
    await settle(pilot)
    return first


async def test_marking_unread_while_the_cache_is_busy_lands_after_the_open(
    demo_library: Library,
) -> None:
    """Opening marks the article read once the write lock is free (a refresh may hold
    it); pressing m meanwhile to keep it unread must win, not be overwritten."""
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        first = await open_then_press_while_busy(pilot, app, demo_library, "m")
        articles = app.screen.query_one(ArticleList)
        assert not demo_library.article(first.id).read
        assert articles.cursor_row is not None and not articles.cursor_row.read


async def test_saving_while_the_cache_is_busy_lands_after_the_open(
    demo_library: Library,
) -> None:
    """Saving an article just opened, while its read mark waits for the write lock: the
    row ends read and saved, as the cache does (the save does not overtake the mark)."""
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        shown = app.screen.query_one(ArticleList).cursor_row
        assert shown is not None and not shown.saved
        first = await open_then_press_while_busy(pilot, app, demo_library, "s")
        articles = app.screen.query_one(ArticleList)
        stored = demo_library.article(first.id)
        assert stored.read and stored.saved
        row = articles.cursor_row
        assert row is not None and row.id == first.id and row.read and row.saved


async def test_next_and_previous_unread(demo_library: Library) -> None:
    rows = demo_library.page(View(), limit=5)
    demo_library.mark_read([rows[1].id, rows[2].id])
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("n")
        await settle(pilot)
        assert articles.cursor == 3
        assert app.screen.opened is not None and app.screen.opened.id == rows[3].id
        await pilot.press("p")
        await settle(pilot)
        assert articles.cursor == 0


async def test_add_a_bad_feed_address_shows_the_reason(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, AddFeedDialog)
        await pilot.press(*"ftp://example.com/feed", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AddFeedDialog)
        assert "not a web address" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, AddFeedDialog)
        assert len(demo_library.feeds()) == 4


async def test_adding_a_feed_already_there_says_so_and_shows_it(demo_library: Library) -> None:
    wire = next(feed for feed in demo_library.feeds() if feed.title == "Wire Service")
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("a", *wire.url, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, AddFeedDialog)
        assert "Already subscribed to Wire Service." in screen_text(app)
        assert app.screen.query_one(FeedList).place == f"feed-{wire.id}"
        assert len(demo_library.feeds()) == 4


async def test_remove_a_feed_asks_first(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await choose_feed(pilot, "Wire Service")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Wire Service" in screen_text(app)
        await pilot.press("n")
        assert len(demo_library.feeds()) == 4
        await pilot.press("d", "y")
        await settle(pilot)
        assert [f.title for f in demo_library.feeds()].count("Wire Service") == 0
        feeds = app.screen.query_one(FeedList)
        assert feeds.place == "all"
        assert "Wire Service" not in screen_text(app).split("Articles")[0]


async def test_help_lists_every_binding(demo_library: Library) -> None:
    from tuireader.ui.keys import COMMANDS

    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for command in COMMANDS:
            assert command.description in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_pages_and_panes_by_keyboard(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("G")
        assert articles.cursor == articles.total - 1
        await pilot.press("g")
        assert articles.cursor == 0
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        await pilot.press("space")
        await pilot.pause()
        assert reader.scroll_y > 0
        await pilot.press("b")
        await pilot.pause()
        assert reader.scroll_y == 0
        await pilot.press("tab")
        assert app.focused is reader
        await pilot.press("shift+tab", "shift+tab")
        assert isinstance(app.focused, FeedList)


async def test_narrow_terminal_folds_the_sidebar(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        related = app.screen.query_one(RelatedPanel)
        assert not related.display or related.region.width == 0
        await pilot.press("backslash")
        await pilot.pause()
        assert related.region.width > 0
        related.focus()
        await pilot.press("backslash")  # hidden with the focus: the article takes it
        await pilot.pause()
        assert related.region.width == 0
        assert app.focused is app.screen.query_one(ReadingPane)
        await pilot.press("backslash")
        await pilot.pause()
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert related.region.width == 0
        await pilot.press("backslash")
        await pilot.pause()
        assert related.region.width > 0


@pytest.mark.parametrize("size, sidebar", [((40, 12), False), ((80, 24), True)])
async def test_a_small_terminal_still_shows_the_titles(
    demo_library: Library, size: tuple[int, int], sidebar: bool
) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if sidebar:  # folded away at this width; a person may still ask for it
            await pilot.press("backslash")
            await settle(pilot)
            assert app.screen.query_one(RelatedPanel).region.width > 0
        first = app.screen.query_one(ArticleList).cursor_row
        assert first is not None
        assert first.title[:16] in screen_text(app)


async def test_command_palette_runs_commands(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Help: every")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_every_key_command_is_in_the_palette(demo_library: Library) -> None:
    from tuireader.ui.keys import COMMANDS

    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        missing = [c.description for c in COMMANDS if c.description not in titles]
        assert missing == []  # Quit is Textual's own entry; the rest are ours
        await pilot.press("ctrl+p")
        await pilot.press(*"Go to the bottom")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(ArticleList).cursor == demo_library.count(View()) - 1


async def test_copy_link_and_open_only_web_links(demo_library: Library, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = app.screen.query_one(ArticleList).cursor_row
        await pilot.press("y")
        assert app.clipboard == row.url
        await pilot.press("o")
        await settle(pilot)
        assert opened == [row.url]


async def test_theme_and_last_position_are_remembered(demo_library: Library) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await choose_feed(pilot, "Tech Ledger")
        await pilot.press("enter", "j", "j", "enter")
        await settle(pilot)
        chosen = app.screen.opened
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme == "textual-light"
    again = make_app(demo_library)
    async with again.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"
        assert again.screen.query_one(FeedList).place == f"feed-{chosen.feed_id}"
        assert again.screen.opened is not None and again.screen.opened.id == chosen.id
        assert again.screen.query_one(ArticleList).cursor_row.id == chosen.id


async def test_keys_from_config_replace_the_defaults(demo_library: Library) -> None:
    from dataclasses import replace

    demo_library.config = replace(demo_library.config, keys={"help": "f1", "search": "f2"})
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "f1" in screen_text(app)
        await pilot.press("escape", "f2")
        assert isinstance(app.screen, SearchScreen)
        assert isinstance(app.focused, Input)
        assert "config.toml" not in screen_text(app)  # no warning toast


async def test_keys_from_config_that_cannot_work_are_said(demo_library: Library) -> None:
    from dataclasses import replace

    demo_library.config = replace(
        demo_library.config, theme="no-such-theme",
        keys={"save": "S", "toggle_saved": "j", "odd\x1b]2;title\x07name": "x", "help": ""},
    )
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "[keys] odd]2;titlename, save: no such command (ignored)" in text
        assert "toggle_saved" in text  # among the commands it lists
        assert "j is the key of both cursor_down and toggle_saved" in text
        assert "theme 'no-such-theme' is not a theme" in text
        assert "\x1b" not in text and "\x07" not in text  # the odd name shown, not obeyed
        assert "question_mark" not in text  # an empty entry keeps help's own key
        assert app.is_running
        await pilot.press("question_mark")  # help names each command as [keys] does
        assert isinstance(app.screen, HelpScreen)
        assert re.search(r"Save or unsave the article\s+toggle_saved", screen_text(app))


async def test_feeds_in_folders_sit_under_their_folder(demo_library: Library) -> None:
    demo_library.add_feed("http://127.0.0.1:9/a.xml", "Alpha Folder Feed", folder="Science")
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        folder = next(i for i, line in enumerate(lines) if "Science" in line)
        assert "Alpha Folder Feed" in lines[folder + 1]


async def test_folders_differing_in_case_are_one_heading(demo_library: Library) -> None:
    """The feed list sorts folders without case (NOCASE), so "News" and "news" feeds come
    interleaved by title: one heading for both, not one per change (nor a clash of ids)."""
    demo_library.add_feed("http://127.0.0.1:9/a.xml", "Anchor Feed", folder="Newsdesk")
    demo_library.add_feed("http://127.0.0.1:9/b.xml", "Beacon Feed", folder="newsdesk")
    demo_library.add_feed("http://127.0.0.1:9/c.xml", "Compass Feed", folder="Newsdesk")
    app = make_app(demo_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        headings = [i for i, line in enumerate(lines) if "ewsdesk" in line]
        assert len(headings) == 1
        assert "Anchor Feed" in lines[headings[0] + 1]
        assert "Compass Feed" in lines[headings[0] + 3]


def test_outlets_line_names_a_few_and_counts_the_rest() -> None:
    from tuireader.ui.widgets import outlets_line

    assert outlets_line(["Wire Service"]) == "Wire Service"
    assert outlets_line(["Wire Service", "Valley Daily", "A", "B", "C"]) == (
        "Wire Service, Valley Daily +3")
