"""The feed list's places (All, Unread, Saved, each feed) and the view each shows.

Kept apart from the widget, without Textual, so the first screen can be read
before the UI exists (see first_screen).
"""

from tuireader.models import Feed, View

FIXED_PLACES = (("all", "All", View()), ("unread", "Unread", View(unread=True)),
                ("saved", "Saved", View(saved=True)))


def place_of_feed(feed_id: int) -> str:
    return f"feed-{feed_id}"


def view_of(place: str, feeds: dict[str, Feed]) -> tuple[View, str]:
    """The view and the name of a place (`feeds` by place); KeyError when it is none."""
    for key, label, view in FIXED_PLACES:
        if key == place:
            return view, label
    feed = feeds[place]
    return View(feed_id=feed.id), feed.title or feed.url
