"""Small text helpers shared by the lists that show articles."""

from datetime import datetime

from tuireader.models import ArticleRow
from tuireader.timeutil import age


def row_meta(row: ArticleRow, now: datetime) -> str:
    """'Feed · 3d': where an article comes from and how old it is."""
    return " · ".join(part for part in (row.feed_title, age(row.published, now)) if part)
