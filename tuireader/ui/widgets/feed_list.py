"""The feed list: All, Unread, Saved, then each feed by folder.

Every title is shown as `Text` (data, never markup), with its unread count
and a `!` when its last fetch failed.
"""

from rich.table import Table
from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tuireader.models import Feed, View

ERROR_MARK = "!"
FIXED_PLACES = (("all", "All", View()), ("unread", "Unread", View(unread=True)),
                ("saved", "Saved", View(saved=True)))


def place_of_feed(feed_id: int) -> str:
    return f"feed-{feed_id}"


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

    def set_feeds(self, feeds: list[Feed], saved: int) -> bool:
        """Rebuild the entries, keeping the highlight; True when its feed is gone (then All)."""
        self.feeds = {place_of_feed(feed.id): feed for feed in feeds}
        unread = sum(feed.unread for feed in feeds)
        options: list[Option] = [
            Option(_entry(Text(label), count), id=key)
            for (key, label, _view), count in zip(FIXED_PLACES, (unread, unread, saved),
                                                  strict=True)
        ]
        folder = ""
        for feed in feeds:
            if feed.folder and feed.folder != folder:
                folder = feed.folder
                options.append(Option(Text(folder, style="bold italic"), disabled=True))
            options.append(Option(_entry(_feed_title(feed), feed.unread),
                                  id=place_of_feed(feed.id)))
        gone = self.place not in {option.id for option in options}
        if gone:
            self.place = "all"
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            self.highlighted = self.get_option_index(self.place)
        return gone

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


def _feed_title(feed: Feed) -> Text:
    title = Text("  " if feed.folder else "")
    if feed.last_error:
        title.append(ERROR_MARK + " ", style="bold red")
    title.append(feed.title or feed.url)
    return title


def _entry(title: Text, count: int) -> Table:
    """A title that shortens with an ellipsis, and a count kept at the right edge."""
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True)
    grid.add_row(title, Text(f" {count}" if count else "", style="dim"))
    return grid
