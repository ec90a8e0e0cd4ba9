"""Messages that several widgets and screens share.

Widget-specific messages live nested in their widget; these are the ones
more than one part of the UI sends or a worker thread posts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from tuireader.models import RefreshReport

if TYPE_CHECKING:
    from tuireader.models import Progress


class OpenArticle(Message):
    """A request to show an article in the reading pane (from a list, a link or search)."""

    def __init__(self, article_id: int) -> None:
        super().__init__()
        self.article_id = article_id


class RefreshProgressed(Message):
    """Where a refresh is (posted from the refresh thread, a few times a second at most).

    `failures` are the feeds that failed since the last message ("url: error"),
    and `changed` says whether any feed finished since then (the lists may be stale).
    """

    def __init__(
        self, progress: Progress, failures: list[str] | None = None, changed: bool = False
    ) -> None:
        super().__init__()
        self.progress = progress
        self.failures = failures or []
        self.changed = changed


class RefreshFinished(Message):
    """A refresh ended: its report, or the reason it could not run."""

    def __init__(self, report: RefreshReport | None, error: str = "") -> None:
        super().__init__()
        self.report = report
        self.error = error
