"""Plain data passed between layers: frozen dataclasses, no behaviour."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Feed:
    """A subscription and what we know of its last fetch."""

    id: int
    url: str
    title: str
    site: str = ""
    folder: str = ""
    fetch_pages: bool = True
    etag: str | None = None
    last_modified: str | None = None
    last_fetch: str | None = None
    last_error: str | None = None
    error_count: int = 0
    unread: int = 0


@dataclass(frozen=True)
class View:
    """Which articles a list shows: a feed or all, optionally unread or saved only."""

    feed_id: int | None = None
    unread: bool = False
    saved: bool = False


@dataclass(frozen=True)
class ArticleRow:
    """What a list of articles needs: no body, so pages stay small."""

    id: int
    feed_id: int | None
    feed_title: str
    title: str
    url: str
    published: str | None
    read: bool
    saved: bool


@dataclass(frozen=True)
class Article:
    """One cached article with its cleaned body."""

    id: int
    feed_id: int | None
    feed_title: str
    feed_url: str
    guid: str
    title: str
    url: str
    author: str
    published: str | None
    summary: str
    content_html: str
    content_text: str
    word_count: int
    read: bool
    saved: bool
    site_name: str = ""
    lead_image: str = ""
    extract_error: str | None = None


@dataclass(frozen=True)
class ParsedEntry:
    """One item from a feed, after parsing and before storing."""

    guid: str
    url: str
    title: str
    author: str = ""
    published: str | None = None
    summary: str = ""
    content_html: str = ""
    content_text: str = ""


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed document."""

    title: str
    site: str
    entries: list[ParsedEntry] = field(default_factory=list)


@dataclass(frozen=True)
class CleanedPage:
    """The result of cleaning one article page.

    `html` is safe HTML (no script/style/iframe/form/event handlers, only
    http(s) links); `text` is plain text with one blank line between blocks.
    Metadata fields are empty when the page does not say.
    """

    html: str
    text: str
    title: str = ""
    byline: str = ""
    published: str | None = None
    site_name: str = ""
    lead_image: str = ""


@dataclass(frozen=True)
class SearchHit:
    """An article found by full-text search."""

    article: ArticleRow
    snippet: str
    rank: float


@dataclass(frozen=True)
class RelatedHit:
    """An article related to another; `same_story` marks near-copies."""

    article: ArticleRow
    score: float
    same_story: bool


@dataclass(frozen=True)
class FeedResult:
    """What one feed's refresh did; `error` is the reason shown when it failed."""

    feed_url: str
    new_articles: int = 0
    not_modified: bool = False
    error: str | None = None


@dataclass
class RefreshReport:
    """A whole refresh: per-feed results and counts."""

    feeds: list[FeedResult] = field(default_factory=list)
    pages_cleaned: int = 0
    pages_failed: int = 0

    @property
    def new_articles(self) -> int:
        return sum(result.new_articles for result in self.feeds)

    @property
    def failures(self) -> list[FeedResult]:
        return [result for result in self.feeds if result.error]


@dataclass(frozen=True)
class Limits:
    """Network limits, from config.toml."""

    jobs: int = 16
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_feed_bytes: int = 10 * 1024 * 1024
    max_page_bytes: int = 5 * 1024 * 1024


@dataclass(frozen=True)
class Progress:
    """Where a refresh is; sent after each feed and each page."""

    feeds_done: int
    feeds_total: int
    pages_done: int
    pages_total: int
    result: FeedResult | None = None
