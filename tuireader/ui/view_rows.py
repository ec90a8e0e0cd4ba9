"""Reading a view for the article list: its size, and the pages a window shows.

Without Textual, so the first screen can be read before the UI exists (see
first_screen); the article list's workers read the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tuireader.library import Library
from tuireader.models import ArticleRow, View

# Rows read at a time: the article list keeps pages of this many.
PAGE_SIZE = 200


@dataclass(frozen=True)
class ViewRows:
    """What the article list needs to draw a view: its size, the cursor, the pages
    around it, and whether the article asked for was found (`kept`)."""

    total: int
    index: int
    pages: dict[int, list[ArticleRow]]
    screen_row: int | None
    kept: bool


def read_view(
    library: Library, view: View, keep_id: int | None, screen_row: int | None, height: int,
    cancelled: Callable[[], bool] = lambda: False,
) -> ViewRows | None:
    """A view's count and the pages a window of `height` lines needs, with the cursor on
    `keep_id` (at `screen_row` of the window) when that article is in the view, else at
    the top. None when `cancelled` says so between pages."""
    total = library.count(view)
    index = library.position(view, keep_id) if keep_id is not None else None
    kept = index is not None and index < total
    if index is None or not kept:
        index, screen_row = 0, None
    top = max(0, index - (screen_row if screen_row is not None else 0))
    pages: dict[int, list[ArticleRow]] = {}
    for number in range(top // PAGE_SIZE, (top + height) // PAGE_SIZE + 1):
        if cancelled():
            return None
        pages[number] = library.page(view, offset=number * PAGE_SIZE, limit=PAGE_SIZE)
    return ViewRows(total, index, pages, screen_row, kept)
