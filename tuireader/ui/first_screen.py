"""The first screen's rows, read before the app is built.

The first screen used to wait for two reads in turn once the app was up (the
feeds, then the remembered place's articles), each a thread worker and a
message hop after a frame drawn without them, where the reads themselves take
~20 ms at 100,000 articles. Read here first, they are in the screen's first
frame: a full screen 35-70 ms sooner as tmux shows it (medians of 22 starts
alternated with the old way). There is no UI yet to keep responsive, and a
thread would not save the time: it waited on the GIL behind Textual's imports
(each row read lets the GIL go and waits to get it back), 150-430 ms.
"""

import sqlite3
from dataclasses import dataclass

from tuireader.errors import TuireaderError
from tuireader.library import Library
from tuireader.models import Feed, View
from tuireader.ui.places import place_of_feed, view_of
from tuireader.ui.state import UiState
from tuireader.ui.view_rows import ViewRows, read_view


@dataclass(frozen=True)
class FirstScreen:
    """The state it was read for, the feeds, and the remembered place's rows (the
    remembered article kept), as the screen's own workers read them."""

    state: UiState
    feeds: list[Feed]
    saved: int
    view: View
    rows: ViewRows


def read_first_screen(library: Library, state: UiState, height: int) -> FirstScreen | None:
    """What the first screen shows for `state` in a window of `height` lines (the
    terminal's: at least the article list's); None if the read fails (the screen's
    workers then read again, and report it)."""
    try:
        feeds = library.feeds()
        saved = library.count(View(saved=True))
        by_place = {place_of_feed(feed.id): feed for feed in feeds}
        try:
            view, _label = view_of(state.place, by_place)
        except KeyError:  # the feed list shows All when the remembered place is gone
            view, _label = view_of("all", by_place)
        rows = read_view(library, view, state.article_id, None, height)
    except (TuireaderError, sqlite3.Error):
        return None
    return None if rows is None else FirstScreen(state, feeds, saved, view, rows)
