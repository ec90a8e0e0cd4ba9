"""The panes of the main screen."""

from tuireader.ui.widgets.article_list import ArticleList, RowPages
from tuireader.ui.widgets.feed_list import FeedList, place_of_feed
from tuireader.ui.widgets.reading_pane import LineRenderer, Lines, ReadingPane
from tuireader.ui.widgets.related_panel import RelatedPanel, outlets_line
from tuireader.ui.widgets.status_bar import StatusBar

__all__ = [
    "ArticleList",
    "FeedList",
    "LineRenderer",
    "Lines",
    "ReadingPane",
    "RelatedPanel",
    "RowPages",
    "StatusBar",
    "outlets_line",
    "place_of_feed",
]
