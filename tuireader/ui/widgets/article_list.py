"""The article list: a virtual list over SQLite pages.

Only the visible lines are rendered, and rows come from `Library.page` in
pages of PAGE_SIZE kept in a small LRU, so a view of 100,000 articles costs
what one of 50 does. Every query runs in a thread worker; a line whose page
has not arrived yet shows a placeholder for the moment it takes.
"""

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, Literal

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from tuireader.library import Library
from tuireader.models import ArticleRow, View
from tuireader.timeutil import age
from tuireader.ui.messages import OpenArticle

PAGE_SIZE = 200
MAX_PAGES = 12
AGE_WIDTH = 10
MIN_WIDTH_FOR_AGE = 36  # narrower, a row is marks and title only
Clock = Callable[[], datetime]


class RowPages:
    """An LRU of one view's rows, by pages: bounded memory whatever the view's size."""

    def __init__(self, page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES) -> None:
        self.page_size = page_size
        self.max_pages = max_pages
        self._pages: OrderedDict[int, list[ArticleRow]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pages)

    def row(self, index: int) -> ArticleRow | None:
        number, offset = divmod(index, self.page_size)
        rows = self._pages.get(number)
        if rows is None:
            return None
        self._pages.move_to_end(number)
        return rows[offset] if offset < len(rows) else None

    def has(self, index: int) -> bool:
        """Whether the page holding `index` is here (without touching the LRU order)."""
        return index // self.page_size in self._pages

    def put(self, number: int, rows: list[ArticleRow]) -> None:
        self._pages[number] = rows
        self._pages.move_to_end(number)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    def replace(self, changed: ArticleRow) -> None:
        """Show new marks (read, saved) for a row without a reload."""
        for rows in self._pages.values():
            for offset, row in enumerate(rows):
                if row.id == changed.id:
                    rows[offset] = changed

    def clear(self) -> None:
        self._pages.clear()


class ArticleList(ScrollView, can_focus=True):
    """Title, feed, age and marks of every article in a view, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up_list", "Page up", show=False),
        Binding("pagedown", "page_down_list", "Page down", show=False),
        Binding("home", "top", "Top", show=False),
        Binding("end", "bottom", "Bottom", show=False),
        Binding("enter", "open", "Open", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--meta",
        "article-list--saved",
        "article-list--placeholder",
    }

    class Loaded(Message):
        """A view's first rows are on screen (tests and the status line wait for this)."""

        def __init__(self, view: View, total: int) -> None:
            super().__init__()
            self.view = view
            self.total = total

    class NoUnread(Message):
        """`n`/`p` found no unread article in that direction."""

    class _Counted(Message):
        def __init__(
            self, generation: int, total: int, index: int, pages: dict[int, list[ArticleRow]],
            screen_row: int | None, kept: bool,
        ) -> None:
            super().__init__()
            self.generation = generation
            self.total = total
            self.index = index  # of the article kept in place, when `kept`
            self.pages = pages
            self.screen_row = screen_row
            self.kept = kept

    class _PageArrived(Message):
        def __init__(self, generation: int, number: int, rows: list[ArticleRow]) -> None:
            super().__init__()
            self.generation = generation
            self.number = number
            self.rows = rows

    class _UnreadFound(Message):
        def __init__(self, generation: int, index: int | None) -> None:
            super().__init__()
            self.generation = generation
            self.index = index

    def __init__(self, library: Library, clock: Clock, **kwargs: str) -> None:
        super().__init__(**kwargs)
        self.library = library
        self.clock = clock
        self.view: View | None = None
        self.total = 0
        self.cursor = 0
        self._rows = RowPages()
        self._pending: set[int] = set()
        self._generation = 0
        # Since the view was last asked for: how far the cursor moved, and whether its
        # last move was to an end of the list (see _kept_move).
        self._moved = 0
        self._end: Literal["top", "bottom"] | None = None

    # What the screen asks for

    def show(self, view: View, keep_id: int | None = None, screen_row: int | None = None) -> None:
        """Show a view; put the cursor on `keep_id` (at `screen_row` of the window) if present."""
        self._generation += 1
        self.view = view
        self._pending.clear()
        self._moved, self._end = 0, None
        self._load(view, keep_id, screen_row, self._generation, max(self.size.height, 1))

    def reload(self) -> None:
        """Re-read the view after new articles arrived, keeping the cursor's article in place."""
        if self.view is None:
            return
        row = self.cursor_row
        screen_row = self.cursor - self.scroll_offset.y
        if row is None or not 0 <= screen_row < max(self.size.height, 1):
            screen_row = None
        self.show(self.view, row.id if row else None, screen_row)

    @property
    def cursor_row(self) -> ArticleRow | None:
        if self.total == 0:
            return None
        return self._rows.row(self.cursor)

    def update_row(self, row: ArticleRow) -> None:
        """Show a row's new marks: only the lines it is on are redrawn."""
        self._rows.replace(row)
        top = self.scroll_offset.y
        for y in range(max(self.size.height, 0)):
            shown = self._rows.row(top + y) if top + y < self.total else None
            if shown is not None and shown.id == row.id:
                self.refresh_line(top + y)

    def move_to(self, index: int) -> None:
        """Move the cursor and scroll just enough to keep it visible."""
        if self.total == 0:
            return
        index = max(0, min(index, self.total - 1))
        old, self.cursor = self.cursor, index
        self._moved, self._end = self._moved + index - old, None
        height = max(self.size.height, 1)
        top = self.scroll_offset.y
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)
        self._refresh_index(old)
        self._refresh_index(index)
        self._prefetch(index, height)

    def _prefetch(self, index: int, height: int) -> None:
        """Ask for the pages two screens ahead and behind, so a page step finds them here."""
        for near in (index + 2 * height, index - 2 * height):
            if 0 <= near < self.total and not self._rows.has(near):
                self._request(near // PAGE_SIZE)

    def find_unread(self, forward: bool) -> None:
        """Move to the next (or previous) unread article and ask to open it."""
        row = self.cursor_row
        if self.view is None or row is None:
            return
        self._find_unread(self.view, self.cursor, row, forward, self._generation)

    # Actions

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page_down_list(self) -> None:
        self.move_to(self.cursor + max(self.size.height - 1, 1))

    def action_page_up_list(self) -> None:
        self.move_to(self.cursor - max(self.size.height - 1, 1))

    def action_top(self) -> None:
        self.move_to(0)
        self._end = "top"

    def action_bottom(self) -> None:
        self.move_to(self.total - 1)
        self._end = "bottom"

    def action_open(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(OpenArticle(row.id))

    def on_click(self, event: Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < self.total:
            self.move_to(index)
            self.action_open()

    # Workers: all SQLite reads happen off the event loop

    @work(thread=True, exclusive=True, group="article-list", exit_on_error=False)
    def _load(
        self, view: View, keep_id: int | None, screen_row: int | None, generation: int,
        height: int,
    ) -> None:
        total = self.library.count(view)
        index = self.library.position(view, keep_id) if keep_id is not None else None
        kept = index is not None and index < total
        if not kept:
            index, screen_row = 0, None
        top = max(0, index - (screen_row if screen_row is not None else 0))
        pages: dict[int, list[ArticleRow]] = {}
        for number in range(top // PAGE_SIZE, (top + height) // PAGE_SIZE + 1):
            if get_current_worker().is_cancelled:
                return
            pages[number] = self.library.page(view, offset=number * PAGE_SIZE, limit=PAGE_SIZE)
        self.post_message(self._Counted(generation, total, index, pages, screen_row, kept))

    @work(thread=True, group="article-pages", exit_on_error=False)
    def _fetch(self, view: View, number: int, generation: int) -> None:
        rows = self.library.page(view, offset=number * PAGE_SIZE, limit=PAGE_SIZE)
        self.post_message(self._PageArrived(generation, number, rows))

    @work(thread=True, exclusive=True, group="article-unread", exit_on_error=False)
    def _find_unread(
        self, view: View, index: int, row: ArticleRow, forward: bool, generation: int
    ) -> None:
        worker = get_current_worker()
        found: int | None = None
        if forward:
            after = (row.published or "", row.id)
            while found is None and not worker.is_cancelled:
                rows = self.library.page(view, limit=PAGE_SIZE, after=after)
                found = next((i for i, r in enumerate(rows, index + 1) if not r.read), None)
                if len(rows) < PAGE_SIZE:
                    break
                index += len(rows)
                after = (rows[-1].published or "", rows[-1].id)
        else:
            while found is None and index > 0 and not worker.is_cancelled:
                start = max(0, index - PAGE_SIZE)
                rows = self.library.page(view, offset=start, limit=index - start)
                found = next(
                    (start + i for i in range(len(rows) - 1, -1, -1) if not rows[i].read), None
                )
                index = start
        if not worker.is_cancelled:
            self.post_message(self._UnreadFound(generation, found))

    @on(_Counted)
    def _counted(self, message: _Counted) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        index, screen_row = message.index, message.screen_row
        if message.kept and (self._moved or self._end is not None):
            index = self._kept_move(message)
            screen_row = max(0, min(self.cursor - self.scroll_offset.y, self.size.height - 1))
        self._rows.clear()
        for number, rows in message.pages.items():
            self._rows.put(number, rows)
        self.total = message.total
        self.cursor = max(0, min(index, self.total - 1))
        self.virtual_size = Size(0, self.total)
        if screen_row is not None:
            self.scroll_to(y=self.cursor - screen_row, animate=False, immediate=True)
        else:
            self.scroll_to(y=max(0, self.cursor - self.size.height // 3), animate=False,
                           immediate=True)
        self.refresh()
        assert self.view is not None
        self.post_message(self.Loaded(self.view, self.total))

    def _kept_move(self, message: _Counted) -> int:
        """Where the keys pressed while the view reloaded (a refresh reloads it every
        second) put the cursor in the new rows: the top or the bottom, or the article it
        went to, or (that one not among the rows read) as many rows on from the kept one."""
        if self._end is not None:
            return 0 if self._end == "top" else message.total - 1
        row = self._rows.row(self.cursor)
        found = None if row is None else _index_in(message.pages, row.id)
        return found if found is not None else message.index + self._moved

    @on(_PageArrived)
    def _page_arrived(self, message: _PageArrived) -> None:
        message.stop()
        self._pending.discard(message.number)
        if message.generation == self._generation:
            self._rows.put(message.number, message.rows)
            self.refresh()

    @on(_UnreadFound)
    def _unread_found(self, message: _UnreadFound) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        if message.index is None:
            self.post_message(self.NoUnread())
            return
        self.move_to(message.index)
        self._open_when_loaded(message.index)

    def _open_when_loaded(self, index: int) -> None:
        """Open the row at `index` once its page is here (it may still be loading)."""
        if self.cursor != index:
            return
        if self._rows.row(index) is None:
            self.set_timer(0.02, lambda: self._open_when_loaded(index))
            return
        self.action_open()

    # Rendering

    def _refresh_index(self, index: int) -> None:
        """Redraw the line of the list's `index`-th article, if it is on screen
        (`refresh_line` takes the line's place in the whole list, not on screen)."""
        if 0 <= index - self.scroll_offset.y < self.size.height:
            self.refresh_line(index)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= self.total:
            return Strip.blank(width, base)
        selected = index == self.cursor
        row = self._rows.row(index)
        if row is None:
            self._request(index // PAGE_SIZE)
            text = Text("…", style=self.get_component_rich_style("article-list--placeholder"))
        else:
            text = self._row_text(row, width)
        if selected:
            text.stylize(self.get_component_rich_style("article-list--cursor"))
        segments = list(text.render(self.app.console, end=""))
        return Strip(segments).crop_extend(0, width, base).simplify()

    def _request(self, number: int) -> None:
        if number in self._pending or self.view is None:
            return
        self._pending.add(number)
        self._fetch(self.view, number, self._generation)

    def _row_text(self, row: ArticleRow, width: int) -> Text:
        """Marks, title, feed and age; the feed column goes when the list is narrow,
        and the age too when it is very narrow (the title comes first)."""
        meta = self.get_component_rich_style("article-list--meta")
        feed_width = min(20, width // 4) if width >= 60 else 0
        age_width = AGE_WIDTH + 1 if width >= MIN_WIDTH_FOR_AGE else 0
        title_width = max(1, width - 3 - age_width - (feed_width + 1 if feed_width else 0))
        line = Text(no_wrap=True, end="")
        line.append("★" if row.saved else " ", self.get_component_rich_style("article-list--saved"))
        line.append(" " if row.read else "●", self.get_component_rich_style("article-list--unread"))
        line.append(" ")
        title = Text(row.title or "(untitled)", style="" if row.read else "bold")
        title.truncate(title_width, overflow="ellipsis", pad=True)
        line.append_text(title)
        if feed_width:
            feed = Text(" " + row.feed_title, style=meta)
            feed.truncate(feed_width + 1, overflow="ellipsis", pad=True)
            line.append_text(feed)
        if age_width:
            line.append(" " + age(row.published, self.clock()).rjust(AGE_WIDTH), meta)
        return line


def _index_in(pages: dict[int, list[ArticleRow]], article_id: int) -> int | None:
    """The place of an article in a view, if it is among these pages of its rows."""
    for number, rows in pages.items():
        for offset, row in enumerate(rows):
            if row.id == article_id:
                return number * PAGE_SIZE + offset
    return None
