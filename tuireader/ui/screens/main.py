"""The main screen: feeds, articles, the reading pane and related stories.

It owns the panes' attributes and every library call, each off the event loop
(in a thread worker; read and saved marks through one ordered thread): widgets
below it post messages up, and results come back as messages too, so no
reactive is ever set from a thread.
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from rich.console import RenderableType
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, OptionList
from textual.worker import Worker, WorkerState, get_current_worker

from tuireader.errors import RefreshStopped, TuireaderError
from tuireader.library import Library
from tuireader.models import (
    Article,
    ArticleRow,
    Feed,
    Progress,
    RefreshReport,
    RelatedHit,
    View,
)
from tuireader.render import render_article
from tuireader.text import clean_line, is_web_url
from tuireader.tracker import start_resource_tracker
from tuireader.ui import keys
from tuireader.ui.messages import OpenArticle, RefreshFinished, RefreshProgressed
from tuireader.ui.state import UiState
from tuireader.ui.widgets import (
    ArticleList,
    FeedList,
    LineRenderer,
    Lines,
    ReadingPane,
    RelatedPanel,
    StatusBar,
    place_of_feed,
)

RELOAD_EVERY_SECONDS = 1.0
PROGRESS_EVERY_SECONDS = 0.2  # refresh progress reaches the status bar at most 5 times a second


class MainScreen(Screen[None]):
    """Three panes and a sidebar; the sidebar folds away below 120 columns."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings()
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"), (120, "-wide"),
    ]

    class _FeedsLoaded(Message):
        def __init__(self, feeds: list[Feed], saved: int) -> None:
            super().__init__()
            self.feeds = feeds
            self.saved = saved

    class _ArticleLoaded(Message):
        def __init__(
            self, article: Article, body: RenderableType, lines: Lines | None, was_unread: bool,
        ) -> None:
            super().__init__()
            self.article = article
            self.body = body
            self.lines = lines
            self.was_unread = was_unread

    class _RelatedLoaded(Message):
        def __init__(self, article_id: int, hits: list[RelatedHit], outlets: list[str]) -> None:
            super().__init__()
            self.article_id = article_id
            self.hits = hits
            self.outlets = outlets

    class _RowChanged(Message):
        """Marks changed in the cache (read, saved): show them without a reload."""

        def __init__(self, row: ArticleRow, note: str = "") -> None:
            super().__init__()
            self.row = row
            self.note = note

    class _Said(Message):
        """A line for the status bar from a worker; `reload` re-reads lists and counts."""

        def __init__(self, text: str, reload: bool = False) -> None:
            super().__init__()
            self.text = text
            self.reload = reload

    def __init__(
        self, library: Library, state: UiState, clock: Callable[[], datetime],
        refresh_on_start: bool = False,
    ) -> None:
        super().__init__()
        self.library = library
        self.state = state
        self.clock = clock
        self.refresh_on_start = refresh_on_start
        self.opened: ArticleRow | None = None
        self._restore_id = state.article_id
        self._place_wanted: str | None = state.place
        self._refreshing = False
        self._focus_reader_on_load = False  # a search result is being opened
        self._stale = False
        self._failures: list[str] = []
        # Read and saved marks, one at a time in the order asked: opening an article marks
        # it read after it is shown, and a toggle pressed meanwhile must land after that.
        self._marks = ThreadPoolExecutor(1, thread_name_prefix="tuireader-marks")
        self._marked_read: set[int] = set()  # opened unread, mark queued or done (loop only)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield FeedList(id="feeds")
            with Vertical(id="center"):
                yield ArticleList(self.library, self.clock, id="articles")
                yield ReadingPane(id="reader")
            yield RelatedPanel(id="related")
        yield StatusBar(id="status")
        yield Footer()

    def on_unmount(self) -> None:
        self._marks.shutdown(wait=True)  # marks asked for are written before the cache closes

    def on_mount(self) -> None:
        titles = {"#feeds": "Feeds", "#articles": "Articles", "#reader": "Article",
                  "#related": "Related stories"}
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        self.query_one(RelatedPanel).note("Open an article to see related stories.")
        self.query_one(ArticleList).focus()
        self._load_feeds()  # then the remembered place's articles (feeds are drawn first)
        self.set_interval(RELOAD_EVERY_SECONDS, self._reload_if_stale)
        if not self.refresh_on_start:
            self.say("Showing the cache. Press R to refresh, ? for help.")

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def feed_list(self) -> FeedList:
        return self.query_one(FeedList)

    def say(self, text: str) -> None:
        self.query_one(StatusBar).say(text)

    # Feeds and views

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def _load_feeds(self) -> None:
        feeds = self.library.feeds()
        saved = self.library.count(View(saved=True))
        self.post_message(self._FeedsLoaded(feeds, saved))

    @on(_FeedsLoaded)
    def _feeds_loaded(self, message: _FeedsLoaded) -> None:
        feed_list = self.feed_list
        gone = feed_list.set_feeds(message.feeds, message.saved)
        wanted, self._place_wanted = self._place_wanted, None
        if wanted or gone:
            feed_list.select_place(wanted or feed_list.place)

    @on(FeedList.Chosen)
    def _chosen(self, message: FeedList.Chosen) -> None:
        self.sub_title = clean_line(message.label, 200)
        self.state.place = message.place
        self.articles.show(message.view, keep_id=self._restore_id)
        feed = self.feed_list.current_feed
        # When the person moves onto it: not over what a start or an added feed says.
        if feed is not None and feed.last_error and self.feed_list.has_focus \
                and not self._refreshing:
            self.say(f"{feed.title or feed.url}: the last refresh failed: {feed.last_error}")

    @on(OptionList.OptionSelected, "#feeds")
    def _feed_entered(self) -> None:
        self.articles.focus()

    @on(ArticleList.Loaded)
    def _articles_loaded(self, message: ArticleList.Loaded) -> None:
        if self.refresh_on_start:  # articles load after the feeds: the first screen is drawn
            self.refresh_on_start = False  # asked for once, at start
            self.call_after_refresh(self.start_refresh, None)
        restore, self._restore_id = self._restore_id, None
        row = self.articles.cursor_row
        if restore is not None and row is not None and row.id == restore:
            self.open_article(restore)
        if self.opened is None:
            self.query_one(ReadingPane).note(_empty_note(message.total, self.articles.view))

    @on(ArticleList.NoUnread)
    def _no_unread(self) -> None:
        self.say("No more unread articles this way.")

    def _reload_if_stale(self) -> None:
        if self._stale:
            self._stale = False
            self._reload()

    def _reload(self) -> None:
        self._load_feeds()
        self.articles.reload()

    # Reading

    @on(OpenArticle)
    def _open_requested(self, message: OpenArticle) -> None:
        self.open_article(message.article_id)

    def open_article(self, article_id: int) -> None:
        self.state.article_id = article_id
        self.app.save_state()  # type: ignore[attr-defined]
        self._load_article(article_id, self.query_one(ReadingPane).renderer())

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load_article(self, article_id: int, renderer: LineRenderer | None) -> None:
        """Read and render the article here, strips too: the event loop only swaps them in."""
        article = self.library.article(article_id)
        was_unread = not article.read
        article = replace(article, read=True)
        body = render_article(article)
        lines = renderer.render(body) if renderer is not None else None
        if not get_current_worker().is_cancelled:
            self.post_message(self._ArticleLoaded(article, body, lines, was_unread))

    def _mark_opened_read(self, row: ArticleRow) -> None:
        """(marks thread) An opened article's read mark; a failure is said, not raised."""
        try:
            self.library.mark_read([row.id])
        except Exception as error:  # nobody reads this future: say it, show it unread
            self.post_message(self._RowChanged(
                replace(row, read=False), f"Could not mark it read: {error}"))

    @on(_ArticleLoaded)
    def _article_loaded(self, message: _ArticleLoaded) -> None:
        reader = self.query_one(ReadingPane)
        reader.show(message.body, message.lines)
        self.opened = _row_of(message.article)
        if self._focus_reader_on_load:
            self._focus_reader_on_load = False
            reader.focus()
        self.articles.update_row(self.opened)
        # Decided here, on the event loop: an open whose worker was cancelled never got
        # this far, and opening it again quickly must not count it twice.
        was_unread = message.was_unread and self.opened.id not in self._marked_read
        if was_unread:  # queued now, written when the lock is free (a refresh may hold it)
            self._marked_read.add(self.opened.id)
            self._marks.submit(self._mark_opened_read, self.opened)
        # Asked of the pane, whose repaint is on its way: the screen knows of no repaint
        # yet, so its own call_after_refresh would run before the frame.
        reader.call_after_refresh(self._after_article_drawn, message.article, was_unread)

    def _after_article_drawn(self, article: Article, was_unread: bool) -> None:
        """What waits for the article's frame, not to delay it.

        New counts redraw the whole feed list, "looking…" the related list, and
        related stories take tens of milliseconds of CPU.
        """
        self.query_one(RelatedPanel).looking()
        self._load_related(article.id)
        if was_unread:  # one fewer unread: change the counts, no re-query
            self.feed_list.count_read(article.feed_id)

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _load_related(self, article_id: int) -> None:
        hits = self.library.related(article_id)
        outlets = self.library.story_outlets(article_id) if any(
            hit.same_story for hit in hits) else []
        self.post_message(self._RelatedLoaded(article_id, hits, outlets))

    @on(_RelatedLoaded)
    def _related_loaded(self, message: _RelatedLoaded) -> None:
        if self.state.article_id == message.article_id:
            self.query_one(RelatedPanel).show(message.hits, message.outlets, self.clock())

    def current_row(self) -> ArticleRow | None:
        """The article a command acts on: the list's cursor when the list has focus."""
        if self.focused is self.articles or self.opened is None:
            return self.articles.cursor_row
        return self.opened

    # Refresh

    def start_refresh(self, feed_ids: list[int] | None) -> None:
        if self._refreshing:
            self.say("A refresh is already running.")
            return
        self._refreshing = True
        self._failures = []
        self.say("Refreshing…")
        start_resource_tracker()  # on the loop, before the refresh's pool (see there)
        self._refresh(feed_ids)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh(self, feed_ids: list[int] | None) -> None:
        worker = get_current_worker()
        lock = threading.Lock()
        failures: list[str] = []
        changed = False
        last_sent = 0.0
        last_step: Progress | None = None

        def send(step: Progress) -> None:
            nonlocal changed, last_sent
            self.post_message(RefreshProgressed(step, failures[:], changed))
            failures.clear()
            changed, last_sent = False, time.monotonic()

        def progress(step: Progress) -> None:
            """Gather steps; the screen hears of them at most every PROGRESS_EVERY_SECONDS."""
            nonlocal changed, last_step
            with lock:
                last_step = step
                if step.result is not None:
                    changed = True
                    if step.result.error:
                        failures.append(f"{step.result.feed_url}: {step.result.error}")
                if time.monotonic() - last_sent >= PROGRESS_EVERY_SECONDS:
                    send(step)

        report: RefreshReport | None = None
        failed = ""
        try:
            report = self.library.refresh_sync(
                feed_ids=feed_ids, progress=progress, stop=lambda: worker.is_cancelled
            )
        except RefreshStopped:  # the app is quitting
            return
        except TuireaderError as error:
            failed = str(error)
        finally:
            with lock:  # the last held-back step goes before the end, never after it
                if last_step is not None and (failures or changed):
                    send(last_step)
        self.post_message(RefreshFinished(report, failed))

    @on(RefreshProgressed)
    def _progressed(self, message: RefreshProgressed) -> None:
        step = message.progress
        line = f"Refreshing: {step.feeds_done}/{step.feeds_total} feeds"
        if step.pages_total:
            line += f", {step.pages_done}/{step.pages_total} pages"
        if message.changed:
            self._stale = True  # the lists reload at most every RELOAD_EVERY_SECONDS
        self._failures.extend(message.failures)
        if self._failures:
            line += f" · {len(self._failures)} failed (last: {self._failures[-1]})"
        self.say(line)

    @on(RefreshFinished)
    def _finished(self, message: RefreshFinished) -> None:
        self._refreshing = False
        self._reload()
        if message.report is None:
            self.say(f"Refresh failed: {message.error}")
            return
        self.say(summary(message.report))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's unexpected failure lands: a status line, never a crash."""
        if event.state != WorkerState.ERROR:
            return
        if event.worker.group == "refresh":
            self._refreshing = False
        error = event.worker.error
        self.say(f"Something went wrong: {error}")

    # Actions (ids and keys in tuireader.ui.keys)

    def action_cursor_down(self) -> None:
        self._move(down=True)

    def action_cursor_up(self) -> None:
        self._move(down=False)

    def _move(self, down: bool) -> None:
        target = self.focused
        if isinstance(target, ArticleList | OptionList):
            (target.action_cursor_down if down else target.action_cursor_up)()
        elif isinstance(target, Widget):
            (target.scroll_down if down else target.scroll_up)(animate=False)

    def action_open(self) -> None:
        self.articles.action_open()

    def action_next_pane(self) -> None:
        self.focus_next()

    def action_previous_pane(self) -> None:
        self.focus_previous()

    def action_next_unread(self) -> None:
        self.articles.find_unread(forward=True)

    def action_previous_unread(self) -> None:
        self.articles.find_unread(forward=False)

    def action_page_down(self) -> None:
        self.query_one(ReadingPane).scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.query_one(ReadingPane).scroll_page_up(animate=False)

    def action_top(self) -> None:
        self._ends(top=True)

    def action_bottom(self) -> None:
        self._ends(top=False)

    def _ends(self, top: bool) -> None:
        target = self.focused
        if isinstance(target, ArticleList):
            (target.action_top if top else target.action_bottom)()
        elif isinstance(target, OptionList):
            (target.action_first if top else target.action_last)()
        elif isinstance(target, Widget):
            (target.scroll_home if top else target.scroll_end)(animate=False)

    def action_search(self) -> None:
        from tuireader.ui.screens.search import SearchScreen

        def chosen(article_id: int | None) -> None:
            if article_id is not None:
                # Once it is shown, keys act on the result being read, not on the list's
                # cursor row (until then, on the row the focused list shows).
                self._focus_reader_on_load = True
                self.open_article(article_id)

        self.app.push_screen(SearchScreen(self.library, self.clock), chosen)

    def action_refresh_feed(self) -> None:
        feed = self.feed_list.current_feed
        self.start_refresh([feed.id] if feed else None)

    def action_refresh_all(self) -> None:
        self.start_refresh(None)

    def action_toggle_saved(self) -> None:
        row = self.current_row()
        if row is not None:
            self._set_saved(row, not row.saved)

    @work(thread=True, group="marks", exit_on_error=False)
    def _set_saved(self, row: ArticleRow, saved: bool) -> None:
        article = self._marks.submit(self.library.set_saved, row.id, saved).result()
        self.post_message(self._RowChanged(
            _row_of(article), "Saved: kept offline for good." if saved else "No longer saved."))

    def action_toggle_read(self) -> None:
        row = self.current_row()
        if row is not None:
            self._set_read(row, not row.read)

    @work(thread=True, group="marks", exit_on_error=False)
    def _set_read(self, row: ArticleRow, read: bool) -> None:
        self._marks.submit(self.library.mark_read, [row.id], read).result()
        self.post_message(self._RowChanged(
            replace(row, read=read), "Marked read." if read else "Marked unread."))

    @on(_RowChanged)
    def _row_changed(self, message: _RowChanged) -> None:
        if not message.row.read:  # opening it again counts it again
            self._marked_read.discard(message.row.id)
        self.articles.update_row(message.row)
        if self.opened is not None and self.opened.id == message.row.id:
            self.opened = message.row
        if message.note:
            self.say(message.note)
        self._load_feeds()

    def action_mark_all_read(self) -> None:
        """Asks first: there is no undo, and on "All" it is every article of every feed."""
        view = self.articles.view
        if view is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._mark_all_read(view)

        from tuireader.ui.screens.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog(
            f"Mark every article in “{self.sub_title}” read?"), answered)  # a clean label

    @work(thread=True, group="marks", exit_on_error=False)
    def _mark_all_read(self, view: View) -> None:
        count = self._marks.submit(self.library.mark_all_read, view).result()
        self.post_message(self._Said(f"Marked {count} article{'s' * (count != 1)} read.",
                                     reload=True))

    @on(_Said)
    def _said(self, message: _Said) -> None:
        if message.text:
            self.say(message.text)
        if message.reload:
            self._reload()

    def action_open_browser(self) -> None:
        row = self.current_row()
        if row is None or not is_web_url(row.url):
            self.say("This article has no web link to open.")
            return
        self._open_link(row.url)
        self.say("Opening the article in the browser…")

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_link(self, url: str) -> None:
        """webbrowser may wait for the browser to start, so not on the event loop."""
        import webbrowser

        if not webbrowser.open(url):
            self.post_message(self._Said("No browser could be started."))

    def action_copy_link(self) -> None:
        row = self.current_row()
        if row is None or not is_web_url(row.url):
            self.say("This article has no web link to copy.")
            return
        self.app.copy_to_clipboard(row.url)
        self.say("Link copied.")

    def action_add_feed(self) -> None:
        from tuireader.ui.screens.dialogs import AddFeedDialog

        def added(result: tuple[Feed, bool] | None) -> None:
            if result is None:
                return
            feed, is_new = result
            self._place_wanted = place_of_feed(feed.id)
            self._load_feeds()
            if not is_new:  # shown, not fetched again
                self.say(f"Already subscribed to {feed.title or feed.url}.")
                return
            self.say(f"Added {feed.title or feed.url}; fetching it…")
            self.start_refresh([feed.id])

        self.app.push_screen(AddFeedDialog(self.library), added)

    def action_remove_feed(self) -> None:
        from tuireader.ui.screens.dialogs import ConfirmDialog

        feed = self.feed_list.current_feed
        if feed is None:
            self.say("Choose a feed in the feed list first.")
            return
        name = clean_line(feed.title or feed.url, 200)

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove_feed(feed)

        self.app.push_screen(ConfirmDialog(
            f"Remove the feed “{name}”? Its articles go; saved ones stay."), answered)

    @work(thread=True, group="feeds-edit", exit_on_error=False)
    def _remove_feed(self, feed: Feed) -> None:
        self.library.remove_feed(feed.url)
        self.post_message(self._Said(
            f"Removed {feed.title or feed.url}.", reload=True))

    def action_toggle_related(self) -> None:
        related = self.query_one(RelatedPanel)
        had_focus = related.has_focus
        self.toggle_class("-related-flipped")
        if had_focus:  # hidden with the focus: it goes to the article beside it, not to Feeds
            self.query_one(ReadingPane).focus()

    def action_toggle_theme(self) -> None:
        self.app.action_toggle_theme()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        from tuireader.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.library.config.keys))

    def action_quit(self) -> None:
        self.app.exit()


def _row_of(article: Article) -> ArticleRow:
    return ArticleRow(
        id=article.id, feed_id=article.feed_id, feed_title=article.feed_title,
        title=article.title, url=article.url, published=article.published,
        read=article.read, saved=article.saved,
    )


def _empty_note(total: int, view: View | None) -> str:
    """The reading pane before an article is opened: what to do next here."""
    if total:
        return "Press enter to read the article under the cursor."
    if view is not None and view.saved:
        return "Nothing saved yet. Press s on an article to keep it here, offline, for good."
    if view is not None and view.unread:
        return "Nothing unread here. Press R to refresh."
    return "No articles here yet. Press R to refresh."


def summary(report: RefreshReport) -> str:
    """One line for the status bar, with the first failure's reason."""
    failures = report.failures
    if report.feeds and len(failures) == len(report.feeds):
        first = failures[0]
        return f"{len(failures)} feed{'s' * (len(failures) != 1)} failed to refresh" \
            f" ({first.feed_url}: {first.error}). Showing the cache."
    line = f"{report.new_articles} new article{'s' * (report.new_articles != 1)}" \
        f" from {len(report.feeds)} feed{'s' * (len(report.feeds) != 1)}"
    if failures:
        first = failures[0]
        line += f"; {len(failures)} failed ({first.feed_url}: {first.error})"
    return line + "."
