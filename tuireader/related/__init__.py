"""Related stories and same-story grouping, over the SQLite cache (no UI imports).

`index_article` runs at ingest inside the library's write transaction;
`find_related` and `story_outlets` are cheap reads of what it stored.
"""

from tuireader.related.index import index_article
from tuireader.related.query import find_related, story_outlets

__all__ = ["find_related", "index_article", "story_outlets"]
