"""Related stories and same-story grouping, over the SQLite cache (no UI imports).

`index_article` runs at ingest inside the library's write transaction. It is
`article_features` (pure, picklable: the refresh runs it in its pool workers
as feeds are parsed and pages cleaned) then `store_many_features` (the database
writes for a feed's new entries, on the writer thread). `find_related` and `story_outlets` are cheap
reads of what it stored.
"""

from tuireader.related.features import ArticleFeatures, article_features
from tuireader.related.index import (
    index_article,
    index_articles,
    store_many_features,
    stored_text_features,
)
from tuireader.related.query import find_related, story_outlets

__all__ = [
    "ArticleFeatures", "article_features", "find_related", "index_article", "index_articles",
    "store_many_features", "stored_text_features", "story_outlets",
]
