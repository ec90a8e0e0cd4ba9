"""The refresh pipeline: fetch feeds, store new entries, fetch and clean their pages.

Network waits overlap on one event loop with bounded concurrency; parsing and
cleaning go to a process pool. Each feed is stored in its own short
transaction, so a failure or a kill at any moment loses nothing already
stored, and pages still pending are picked up by the next refresh.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import httpx

from tuireader import related
from tuireader.config import Config
from tuireader.errors import FetchError, StorageError
from tuireader.fetch.http import Limits, RetryLater, fetch, make_client
from tuireader.models import CleanedPage, Feed, FeedResult, ParsedFeed, RefreshReport
from tuireader.storage import Database
from tuireader.storage import articles as article_store
from tuireader.storage import feeds as feed_store
from tuireader.timeutil import now_iso
from tuireader.workers import clean_page_job, parse_feed_job

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True)
class Progress:
    """Where a refresh is; sent after each feed and each page."""

    feeds_done: int
    feeds_total: int
    pages_done: int
    pages_total: int
    result: FeedResult | None = None


ProgressCallback = Callable[[Progress], None]


class Refresh:
    """One run over a set of feeds."""

    def __init__(
        self, db: Database, config: Config, pool: Executor, feeds: list[Feed], *,
        jobs: int | None = None, fetch_pages: bool = True,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.limits = config.limits
        self.pool = pool
        self.feeds = feeds
        self.jobs = jobs or self.limits.jobs
        self.fetch_pages = fetch_pages and config.fetch_pages
        self.progress = progress
        self.report = RefreshReport()
        self._pages_total = 0
        self._pages_done = 0
        self._page_tasks: list[asyncio.Task[None]] = []

    async def run(self) -> RefreshReport:
        """Every feed, then every page its new articles point to."""
        self._semaphore = asyncio.Semaphore(self.jobs)
        async with make_client(replace(self.limits, jobs=self.jobs)) as client:
            self._client = client
            await asyncio.gather(*(self._feed(feed) for feed in self.feeds))
            while self._page_tasks:
                tasks, self._page_tasks = self._page_tasks, []
                await asyncio.gather(*tasks)
        return self.report

    def _tell(self, result: FeedResult | None = None) -> None:
        if self.progress is not None:
            self.progress(Progress(
                len(self.report.feeds), len(self.feeds), self._pages_done,
                self._pages_total, result,
            ))

    async def _feed(self, feed: Feed) -> None:
        result = await self._feed_result(feed)
        self.report.feeds.append(result)
        self._tell(result)

    async def _feed_result(self, feed: Feed) -> FeedResult:
        waiting = feed_store.retry_after(self.db.conn, feed.id)
        if waiting and waiting > now_iso():
            return FeedResult(feed.url, error=f"server asked us to wait until {waiting}")
        try:
            async with self._semaphore:
                response = await fetch(
                    self._client, feed.url, max_bytes=self.limits.max_feed_bytes,
                    total_timeout=self.limits.total_timeout, etag=feed.etag,
                    last_modified=feed.last_modified, accept=FEED_ACCEPT,
                )
        except RetryLater as error:
            return self._fail(feed, str(error), error.until)
        except FetchError as error:
            return self._fail(feed, str(error))
        if response.not_modified:
            with self.db.transaction() as conn:
                feed_store.record_not_modified(conn, feed.id)
            self._queue_pages(feed, [])
            return FeedResult(feed.url, not_modified=True)
        loop = asyncio.get_running_loop()
        parsed = await loop.run_in_executor(
            self.pool, parse_feed_job, response.body, response.url, response.content_type
        )
        if isinstance(parsed, str):
            return self._fail(feed, parsed)
        try:
            new_ids = self._store(feed, parsed, response.etag, response.last_modified,
                                  response.permanent_url)
        except StorageError as error:
            return FeedResult(feed.url, error=str(error))
        self._queue_pages(feed, new_ids)
        return FeedResult(feed.url, new_articles=len(new_ids))

    def _fail(self, feed: Feed, reason: str, until: str | None = None) -> FeedResult:
        try:
            with self.db.transaction() as conn:
                feed_store.record_failure(conn, feed.id, reason, until)
        except StorageError:
            pass
        return FeedResult(feed.url, error=reason)

    def _store(
        self, feed: Feed, parsed: ParsedFeed, etag: str | None, last_modified: str | None,
        permanent_url: str | None,
    ) -> list[int]:
        cutoff = None
        if self.config.keep_days:
            cutoff = (datetime.now(UTC) - timedelta(days=self.config.keep_days)).isoformat()
        with self.db.transaction() as conn:
            new_ids = article_store.insert_entries(
                conn, feed.id, feed.title or parsed.title, parsed.entries,
                self.fetch_pages and feed.fetch_pages,
            )
            for article_id in new_ids:
                related.index_article(conn, article_id)
            feed_store.record_success(
                conn, feed.id, title=parsed.title, site=parsed.site, etag=etag,
                last_modified=last_modified, url=permanent_url,
            )
            article_store.prune(
                conn, feed.id, cutoff, self.config.keep_per_feed,
                (entry.guid for entry in parsed.entries),
            )
        return new_ids

    def _queue_pages(self, feed: Feed, new_ids: list[int]) -> None:
        """New articles' pages, plus any left pending by an interrupted run."""
        if not (self.fetch_pages and feed.fetch_pages):
            return
        pending = article_store.pending_for_feed(self.db.conn, feed.id)
        self._pages_total += len(pending)
        for article_id, url in pending:
            self._page_tasks.append(asyncio.create_task(self._page(article_id, url)))

    async def _page(self, article_id: int, url: str) -> None:
        outcome = await fetch_and_clean(
            self._client, self._semaphore, self.limits, self.pool, url
        )
        try:
            with self.db.transaction() as conn:
                if isinstance(outcome, CleanedPage):
                    article_store.store_page(conn, article_id, outcome)
                    related.index_article(conn, article_id)
                else:
                    article_store.store_page_failure(conn, article_id, outcome)
        except StorageError:
            pass
        if isinstance(outcome, CleanedPage):
            self.report.pages_cleaned += 1
        else:
            self.report.pages_failed += 1
        self._pages_done += 1
        self._tell()


async def fetch_and_clean(
    client: httpx.AsyncClient, semaphore: asyncio.Semaphore, limits: Limits,
    pool: Executor, url: str,
) -> CleanedPage | str:
    """Download one article page and clean it in the pool; the reason on failure."""
    try:
        async with semaphore:
            response = await fetch(
                client, url, max_bytes=limits.max_page_bytes,
                total_timeout=limits.total_timeout, accept=PAGE_ACCEPT,
            )
    except FetchError as error:
        return str(error)
    kind = response.content_type.split(";")[0].strip().lower()
    if kind and "html" not in kind and "xml" not in kind:
        return f"not an HTML page ({kind})"
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, clean_page_job, response.body, response.url)


async def fetch_one_page(limits: Limits, pool: Executor, url: str) -> CleanedPage | str:
    """Fetch and clean a single page (read-it-later); the reason on failure."""
    async with make_client(limits) as client:
        return await fetch_and_clean(client, asyncio.Semaphore(1), limits, pool, url)
