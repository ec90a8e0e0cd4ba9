"""The feed list: All, Unread, Saved, then each feed by folder.

Every title is shown as `Content` (data, never markup), with its unread count
and a `!` when its last fetch failed. Each entry is one line drawn for the
width it gets (`FeedEntry`), and a reload that keeps the same places only
swaps the entries whose title, count or error changed.
"""

from dataclasses import replace

from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tuireader.models import Feed, View

ERROR_MARK = "!"
FIXED_PLACES = (("all", "All", View()), ("unread", "Unread", View(unread=True)),
                ("saved", "Saved", View(saved=True)))


def place_of_feed(feed_id: int) -> str:
    return f"feed-{feed_id}"


class FeedEntry(Visual):
    """One line: a title that shortens with an ellipsis, and a count at the right edge."""

    def __init__(self, title: Content, count: int) -> None:
        self.title = title
        # (Content.styled builds it slower: see _feed_title.)
        self.count = Content(f" {count}").stylize("dim") if count else Content("")

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, FeedEntry) and self.title.is_same(other.title)
                and self.count.is_same(other.count))

    __hash__ = None  # type: ignore[assignment]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.title.cell_length + self.count.cell_length

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        count_width = min(self.count.cell_length, max(width - 1, 0))
        title = self.title.truncate(max(width - count_width, 0), ellipsis=True, pad=True)
        count = self.count
        if count_width < count.cell_length:
            count = count.truncate(count_width)
        line = title + count
        return line.render_strips(width, 1, style, options)


class FeedList(OptionList):
    """Choosing an entry (moving onto it) shows its articles."""

    class Chosen(Message):
        """The highlight moved to a place: its view and its name for the title bar."""

        def __init__(self, place: str, view: View, label: str) -> None:
            super().__init__()
            self.place = place
            self.view = view
            self.label = label

    def __init__(self, **kwargs: str) -> None:
        super().__init__(**kwargs)
        self.feeds: dict[str, Feed] = {}
        self.place = "all"
        # Each option's id, and a folder heading's name: a reload that keeps them all only
        # redraws entries.
        self._layout: list[tuple[str | None, str | None]] = []
        self._saved = 0

    def set_feeds(self, feeds: list[Feed], saved: int) -> bool:
        """Show the feeds, keeping the highlight; True when its feed is gone (then All).

        When the places are the same as shown (a reload after a refresh or a
        mark, every second of a refresh), only the entries of feeds that changed
        are built and redrawn: building all 500 took 12-15 ms of the screen's time.
        """
        shown, self.feeds = self.feeds, {place_of_feed(feed.id): feed for feed in feeds}
        self._saved = saved
        fixed = _fixed_options(sum(feed.unread for feed in feeds), saved)
        places = _places(feeds, start=len(fixed))
        layout = [(option.id, None) for option in fixed] + places
        if layout == self._layout and len(layout) == self.option_count:
            self._update_prompts(fixed + [
                _feed_option(feed) for place, feed in self.feeds.items()
                if shown.get(place) != feed
            ])
            return False
        self._layout = layout
        options = fixed + [
            Option(Content.styled(folder, "bold italic"), id=place, disabled=True)
            if folder is not None else _feed_option(self.feeds[place])
            for place, folder in places
        ]
        gone = self.place not in {place for place, _folder in layout}
        if gone:
            self.place = "all"
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            self.highlighted = self.get_option_index(self.place)
        return gone

    def _update_prompts(self, options: list[Option]) -> None:
        """Swap the prompts that changed: each entry is one line, so nothing moves."""
        for option in options:
            if option.id is not None:
                self._set_entry(option.id, option.prompt)  # type: ignore[arg-type]

    def count_read(self, feed_id: int) -> None:
        """One article of a feed was read: lower its count and All's and Unread's."""
        feed = self.feeds.get(place_of_feed(feed_id))
        if feed is None or feed.unread <= 0:
            return
        self.feeds[place_of_feed(feed_id)] = feed = replace(feed, unread=feed.unread - 1)
        unread = sum(f.unread for f in self.feeds.values())
        # Only these three change: rebuilding every entry (set_feeds) took 7 ms at 500 feeds.
        self._update_prompts([*_fixed_options(unread, self._saved), _feed_option(feed)])

    def _set_entry(self, place: str, entry: FeedEntry | Content) -> None:
        try:
            index = self.get_option_index(place)
        except OptionDoesNotExist:
            return
        if self.get_option_at_index(index).prompt != entry:
            self.replace_option_prompt_at_index(index, entry)

    def select_place(self, place: str) -> None:
        """Highlight a place (All if it is gone) and announce it, even if already there."""
        try:
            index = self.get_option_index(place)
        except OptionDoesNotExist:
            place, index = "all", 0
        self.place = place
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = index
        self._announce(place)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id and event.option.id != self.place:
            self.place = event.option.id
            self._announce(self.place)

    def _announce(self, place: str) -> None:
        self.post_message(self.Chosen(place, *self.view_of(place)))

    def view_of(self, place: str) -> tuple[View, str]:
        """The view and the name of a place."""
        for key, label, view in FIXED_PLACES:
            if key == place:
                return view, label
        feed = self.feeds[place]
        return View(feed_id=feed.id), feed.title or feed.url

    @property
    def current_feed(self) -> Feed | None:
        return self.feeds.get(self.place)


def _fixed_options(unread: int, saved: int) -> list[Option]:
    """All, Unread and Saved with their counts."""
    return [
        Option(FeedEntry(Content(label), count), id=key)
        for (key, label, _view), count in zip(FIXED_PLACES, (unread, unread, saved), strict=True)
    ]


def _places(feeds: list[Feed], start: int) -> list[tuple[str, str | None]]:
    """The list's places after the `start` fixed ones, in order: each feed's, with a
    heading (its folder's name) before each folder's first feed."""
    places: list[tuple[str, str | None]] = []
    folder = b""
    for feed in feeds:
        # Folders as the feed list sorts them (COLLATE NOCASE folds ASCII only): "News"
        # and "news" are one heading. Its id is its place, unique whatever the names.
        if feed.folder and feed.folder.encode().lower() != folder:
            folder = feed.folder.encode().lower()
            places.append((f"folder:{start + len(places)}", feed.folder))
        places.append((place_of_feed(feed.id), None))
    return places


def _feed_option(feed: Feed) -> Option:
    return Option(FeedEntry(_feed_title(feed), feed.unread), id=place_of_feed(feed.id))


def _feed_title(feed: Feed) -> Content:
    """Indent (in a folder), error mark, title: one text with the mark's span. (Joining
    three Contents, and `Content.styled` for the counts, made building 500 entries,
    at start and on each rebuild, 9 ms of the screen's time; this is 3 ms.)"""
    indent = "  " if feed.folder else ""
    mark = ERROR_MARK + " " if feed.last_error else ""
    text = Content(indent + mark + (feed.title or feed.url))
    return text.stylize("bold red", len(indent), len(indent) + len(mark)) if mark else text
