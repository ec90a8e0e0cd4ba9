"""Messages that several widgets and screens share.

Widget-specific messages live nested in their widget; these are the ones
more than one part of the UI sends or a worker thread posts.
"""

from textual.message import Message

from tuireader.models import RefreshReport
from tuireader.refresh import Progress


class OpenArticle(Message):
    """A request to show an article in the reading pane (from a list, a link or search)."""

    def __init__(self, article_id: int) -> None:
        super().__init__()
        self.article_id = article_id


class RefreshProgressed(Message):
    """A refresh finished one more feed or page (posted from the refresh thread)."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress


class RefreshFinished(Message):
    """A refresh ended: its report, or the reason it could not run."""

    def __init__(self, report: RefreshReport | None, error: str = "") -> None:
        super().__init__()
        self.report = report
        self.error = error
