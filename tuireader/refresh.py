"""The refresh pipeline: fetch feeds, store new entries, fetch and clean their pages.

Network waits overlap on one event loop with bounded concurrency; parsing and
cleaning go to a process pool, started in a thread as the refresh begins so
its start-up never stalls the loop. Every database write goes to one writer
thread that groups whatever is waiting into one transaction, each feed or
page in its own savepoint: the loop never waits on SQLite, a failure rolls
back only its own feed, a kill loses at most the last group, and pages still
pending are picked up by the next refresh. The workers also compute each
article's related-stories features, so the writer only stores them.
"""

import asyncio
import contextlib
import importlib.util
import sqlite3
import sys
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, overload

import httpx

from tuireader import related
from tuireader.config import Config
from tuireader.errors import FetchError, StorageError
from tuireader.fetch.http import RetryLater, fetch, make_client
from tuireader.models import (
    CleanedPage,
    Feed,
    FeedResult,
    Limits,
    ParsedFeed,
    Progress,
    RefreshReport,
)
from tuireader.related import ArticleFeatures
from tuireader.storage import Database
from tuireader.storage import articles as article_store
from tuireader.storage import feeds as feed_store
from tuireader.timeutil import now_iso
from tuireader.workers import (
    clean_page_features_job,
    clean_page_job,
    parse_feed_features_job,
    warm_pool,
)

T = TypeVar("T")
# Writes grouped into one transaction at most, and no job starts in one after
# this long: the write lock is held that long plus the last job (a group of 64
# feeds is ~0.3 s), so the app's own writes (read marks, made off the UI thread
# after the article shows) wait at most about half a second behind a refresh.
# Each commit rewrites every index page the group touched (postings and
# frequencies are spread over all terms), so a few big groups cost far less
# than many small ones: an idle writer holding stored feeds or pages waits a
# moment for more before it commits. Small jobs alone (a 304 noted, a failure)
# commit at once: their callers are waiting, and there is nothing to share.
MAX_WRITES_PER_TRANSACTION = 256
MAX_TRANSACTION_SECONDS = 0.25
LINGER_SECONDS = 0.02
# Queued feeds (or pages) stored together by one grouped job at most (see Writer).
# A group's index rows go in as a few sorted statements, so bigger groups touch
# each index page fewer times: on 500 feeds x 20 items, 64 wrote in two thirds
# of the time 16 took. Groups only fill when the writer falls behind.
MAX_GROUP = 64
# Articles left pending that one writer job indexes from their feed text at most.
LEFT_PENDING_PER_JOB = 100

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

# A page to fetch: article id, URL, the article's stored title.
PendingPage = tuple[int, str, str]
# A cleaned page and its article's related-stories features (None: index by summary).
IndexedPage = tuple[CleanedPage, ArticleFeatures | None]


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
        _skip_sniffio_lookups()
        self._semaphore = asyncio.Semaphore(self.jobs)
        self._writer = Writer(self.db)
        self._pool_warming: asyncio.Future[None] | None = None
        self._waiting = await self._writer.run(_retry_times)
        if any(feed.etag is None and feed.last_modified is None for feed in self.feeds):
            self._pool_ready()  # a feed without validators will be parsed: start it now
        try:
            async with make_client(replace(self.limits, jobs=self.jobs)) as client:
                self._client = client
                await asyncio.gather(*(self._feed(feed) for feed in self.feeds))
                while self._page_tasks:
                    tasks, self._page_tasks = self._page_tasks, []
                    await asyncio.gather(*tasks)
            last: int | None = 0
            with contextlib.suppress(StorageError):  # left for the next run
                while last is not None:
                    last = await self._writer.run(_index_left_pending, last)
        finally:
            for task in self._page_tasks:
                task.cancel()
            if self._pool_warming is not None and not self._pool_warming.done():
                self._pool_warming.cancel()
        return self.report

    def _pool_ready(self) -> "asyncio.Future[None]":
        """The pool, started in a thread at first need or when a feed is sure to need it
        (an all-304 refresh never does; starting takes ~0.5 s of imports)."""
        if self._pool_warming is None:
            self._pool_warming = asyncio.ensure_future(_warm(self.pool))
        return self._pool_warming

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
        waiting = self._waiting.get(feed.id)
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
            return await self._fail(feed, str(error), error.until)
        except FetchError as error:
            return await self._fail(feed, str(error))
        if response.not_modified:
            try:
                pending = await self._writer.run(self._not_modified, feed)
            except StorageError as error:
                return FeedResult(feed.url, error=str(error))
            self._queue_pages(pending)
            return FeedResult(feed.url, not_modified=True)
        await self._pool_ready()
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(
            self.pool, parse_feed_features_job, response.body, response.url,
            response.content_type, self._wants_pages(feed),
        )
        if isinstance(outcome, str):
            return await self._fail(feed, outcome)
        try:
            new_ids, pending = await self._writer.run_grouped(
                self._store_feeds,
                feed, *outcome, response.etag, response.last_modified, response.permanent_url,
            )
        except StorageError as error:
            return FeedResult(feed.url, error=str(error))
        self._queue_pages(pending)
        return FeedResult(feed.url, new_articles=len(new_ids))

    async def _fail(self, feed: Feed, reason: str, until: str | None = None) -> FeedResult:
        with contextlib.suppress(StorageError):
            await self._writer.run(feed_store.record_failure, feed.id, reason, until)
        return FeedResult(feed.url, error=reason)

    def _wants_pages(self, feed: Feed) -> bool:
        return self.fetch_pages and feed.fetch_pages

    def _not_modified(self, conn: sqlite3.Connection, feed: Feed) -> list[PendingPage]:
        """(writer thread) Note the 304; pages an interrupted run left pending."""
        feed_store.record_not_modified(conn, feed.id)
        return self._pending(conn, feed)

    def _pending(self, conn: sqlite3.Connection, feed: Feed) -> list[PendingPage]:
        """(writer thread) The feed's pages still to fetch, with their articles' titles."""
        if not self._wants_pages(feed):
            return []
        return article_store.pending_for_feed(conn, feed.id)

    def _store_feeds(
        self, conn: sqlite3.Connection, parsed_feeds: list[tuple[Any, ...]]
    ) -> list[tuple[list[int], list[PendingPage]] | BaseException]:
        """(writer thread) Feeds' new entries, then their full-text and related index
        as one group."""
        stored = _each(conn, parsed_feeds, self._store)
        article_store.add_to_search(conn, [
            article_id for result in stored if not isinstance(result, BaseException)
            for article_id, _ in result[0]
        ])
        related.store_many_features(conn, [
            (article_id, found) for result in stored if not isinstance(result, BaseException)
            for article_id, found in result[0] if found is not None
        ])
        return [
            result if isinstance(result, BaseException)
            else ([article_id for article_id, _ in result[0]], result[1])
            for result in stored
        ]

    def _store(
        self, conn: sqlite3.Connection, feed: Feed, parsed: ParsedFeed,
        features: list[ArticleFeatures | None], etag: str | None, last_modified: str | None,
        permanent_url: str | None,
    ) -> tuple[list[tuple[int, ArticleFeatures | None]], list[PendingPage]]:
        """(writer thread) New entries, validators, pruning: the new articles with their
        features for the related index (None: indexed when its page comes), and the
        pages to fetch."""
        cutoff = None
        if self.config.keep_days:
            cutoff = (datetime.now(UTC) - timedelta(days=self.config.keep_days)).isoformat()
        source = feed.title or parsed.title
        wants_pages = self._wants_pages(feed)
        # Searchable once the group is stored (see _store_feeds); pruning below never
        # touches them: they are entries the feed lists now.
        stored = article_store.store_entries(
            conn, feed.id, source, parsed.entries, wants_pages, search=False
        )
        # An article whose page is on its way has no features here (see
        # parse_feed_features_job): it is indexed once, from the page, or from the
        # feed's text if the page fails.
        new = [
            (article_id, found)
            for article_id, found in zip(stored, features, strict=True)
            if article_id is not None
        ]
        feed_store.record_success(
            conn, feed.id, title=parsed.title, site=parsed.site, etag=etag,
            last_modified=last_modified, url=permanent_url,
        )
        article_store.prune(
            conn, feed.id, cutoff, self.config.keep_per_feed,
            (entry.guid for entry in parsed.entries),
        )
        return new, self._pending(conn, feed)

    def _queue_pages(self, pending: list[PendingPage]) -> None:
        """New articles' pages, plus any left pending by an interrupted run."""
        self._pages_total += len(pending)
        for article_id, url, title in pending:
            self._page_tasks.append(asyncio.create_task(self._page(article_id, url, title)))

    async def _page(self, article_id: int, url: str, title: str) -> None:
        outcome = await fetch_and_clean(
            self._client, self._semaphore, self.limits, self.pool, url, self._pool_ready(),
            title=title,
        )
        with contextlib.suppress(StorageError):
            await self._writer.run_grouped(_store_pages, article_id, outcome)
        if not isinstance(outcome, str):
            self.report.pages_cleaned += 1
        else:
            self.report.pages_failed += 1
        self._pages_done += 1
        self._tell()


def _index_left_pending(conn: sqlite3.Connection, after: int) -> int | None:
    """(writer thread) Articles past id `after` still waiting for their page and not in
    the related index, a few: indexed from the feed's text. The last id, None when done.

    After a run, an article still pending is one whose page this run did not fetch (an
    interrupted run, then pages turned off or the feed failing): it is indexed from the
    feed's text meanwhile, and again from its page when that comes. A few at a time, so
    the write lock is never held long.
    """
    left = [
        article_id for (article_id,) in conn.execute(
            "SELECT id FROM articles INDEXED BY articles_pending WHERE page_status = 'pending'"
            " AND id > ? AND id NOT IN (SELECT article_id FROM related_docs) ORDER BY id LIMIT ?",
            (after, LEFT_PENDING_PER_JOB),
        )
    ]
    related.index_articles(conn, left)
    return left[-1] if left else None


def _retry_times(conn: sqlite3.Connection) -> dict[int, str]:
    """Every feed's Retry-After time, read once instead of once per feed."""
    return dict(conn.execute(
        "SELECT id, retry_after FROM feeds WHERE retry_after IS NOT NULL"
    ).fetchall())


def _store_pages(
    conn: sqlite3.Connection, pages: list[tuple[int, IndexedPage | str]]
) -> list[BaseException | None]:
    """(writer thread) Cleaned pages (or why not), then their related index as one group,
    in page order: an article without page text (its page failed, or had none) by the
    feed's text. (One at a time, each such article cost the writer 2.7 ms.)"""
    indexed: list[tuple[int, ArticleFeatures]] = []

    def store(conn: sqlite3.Connection, article_id: int, outcome: IndexedPage | str) -> None:
        found: ArticleFeatures | None = None
        if isinstance(outcome, str):
            article_store.store_page_failure(conn, article_id, outcome)
        else:
            page, found = outcome
            article_store.store_page(conn, article_id, page)
        if found is None:
            found = related.stored_text_features(conn, article_id)
        if found is not None:
            indexed.append((article_id, found))

    results = _each(conn, pages, store)
    related.store_many_features(conn, indexed)
    return results


def _each(
    conn: sqlite3.Connection, items: list[tuple[Any, ...]], job: Callable[..., T]
) -> list[T | BaseException]:
    """job(conn, *item) for each item, each in its own savepoint: a failure undoes only its own."""
    results: list[T | BaseException] = []
    for item in items:
        conn.execute("SAVEPOINT refresh_item")
        try:
            results.append(job(conn, *item))
        except Exception as error:
            conn.execute("ROLLBACK TO refresh_item")
            results.append(_storage_error(error))
        conn.execute("RELEASE refresh_item")
    return results


_WRITERS: "weakref.WeakKeyDictionary[Database, ThreadPoolExecutor]" = weakref.WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


class Writer:
    """One thread per database that runs every refresh write, grouped into transactions.

    `run(job, *args)` queues `job(conn, *args)` and awaits its result. The
    writer takes what is queued (up to MAX_WRITES_PER_TRANSACTION jobs or
    MAX_TRANSACTION_SECONDS) into one BEGIN IMMEDIATE ... COMMIT, each job in
    its own savepoint, so one job's exception rolls back that job alone and
    reaches only its caller. `run_grouped(job, *item)` is for work that is
    cheaper in bulk (a feed's or a page's related index): items of the same job
    queued one after another go to one call, `job(conn, items)`, which returns
    each item's result or exception. The thread, and with it its SQLite
    connection, lives as long as the Database and is shared by every refresh of it.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        with _WRITERS_LOCK:
            executor = _WRITERS.get(db)
            if executor is None:
                executor = ThreadPoolExecutor(1, thread_name_prefix="tuireader-writer")
                _WRITERS[db] = executor
                weakref.finalize(db, executor.shutdown, wait=False)
        self._executor = executor
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._queue: list[_Queued] = []
        self._draining = False

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        return await self._queued(job, args, grouped=False)

    async def run_grouped(
        self, job: Callable[[sqlite3.Connection, list[tuple[Any, ...]]], list[Any]], *item: Any
    ) -> Any:
        return await self._queued(job, item, grouped=True)

    async def _queued(self, job: Callable[..., Any], args: tuple[Any, ...], grouped: bool) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        with self._lock:
            self._queue.append(_Queued(job, args, future, grouped))
            self._arrived.notify()
            start = not self._draining
            self._draining = True
        if start:
            self._executor.submit(self._drain)
        return await future

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._draining = False
                    return
            try:
                outcomes = self._transaction()
            except BaseException as error:  # never leave a caller waiting forever
                outcomes = [(future, None, error) for future in self._taken]
                _roll_back(self.db)  # nor the write lock held
            for future, value, error in outcomes:
                future.get_loop().call_soon_threadsafe(_settle, future, value, error)

    def _next(self, wait: float = 0.0) -> "list[_Queued] | None":
        """The oldest queued job (with the like ones queued right after it, if grouped),
        waiting up to `wait` seconds for one; None if none came, empty if all were cancelled."""
        with self._arrived:
            if not self._queue and wait > 0:
                self._arrived.wait(wait)
            if not self._queue:
                return None
            taken = self._queue[:1]
            if taken[0].grouped:
                while (
                    len(taken) < MAX_GROUP and len(self._queue) > len(taken)
                    and self._queue[len(taken)].job == taken[0].job
                ):
                    taken.append(self._queue[len(taken)])
            del self._queue[: len(taken)]
        self._taken += [queued.future for queued in taken]
        return [queued for queued in taken if not queued.future.cancelled()]

    def _transaction(self) -> list[tuple[asyncio.Future[Any], Any, BaseException | None]]:
        """Jobs from the queue in one transaction, until it is empty or the group is full."""
        self._taken: list[asyncio.Future[Any]] = []
        try:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
        except (sqlite3.Error, StorageError) as error:
            # Everything queued fails now: each job trying again would wait the whole
            # busy timeout in turn.
            failure = StorageError(f"the cache is busy or not writable: {error}")
            with self._lock:
                taken, self._queue = self._queue, []
            self._taken += [queued.future for queued in taken]
            return [(queued.future, None, failure) for queued in taken]
        outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        deadline = time.monotonic() + MAX_TRANSACTION_SECONDS
        linger = 0.0
        try:
            while len(outcomes) < MAX_WRITES_PER_TRANSACTION and (
                (left := deadline - time.monotonic()) > 0
            ):
                taken = self._next(min(linger, left))
                if taken is None:
                    break
                if taken:
                    outcomes += _run_job(conn, taken)
                    if taken[0].grouped:
                        linger = LINGER_SECONDS
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            failure = StorageError(f"cannot write the cache: {error}")
            return [(future, None, failure) for future in self._taken]
        return outcomes


@dataclass(frozen=True)
class _Queued:
    job: Callable[..., Any]
    args: tuple[Any, ...]
    future: asyncio.Future[Any]
    grouped: bool


def _run_job(
    conn: sqlite3.Connection, taken: list[_Queued]
) -> list[tuple[asyncio.Future[Any], Any, BaseException | None]]:
    """One job (or one group of like ones) in a savepoint: its exception undoes it alone
    (a group that fails is run again an item at a time, so only the bad item fails)."""
    first = taken[0]
    conn.execute("SAVEPOINT refresh_job")
    try:
        if first.grouped:
            values = first.job(conn, [queued.args for queued in taken])
            if len(values) != len(taken):
                raise RuntimeError(f"{first.job!r} gave {len(values)} results for {len(taken)}")
        else:
            values = [first.job(conn, *first.args)]
    except Exception as error:
        conn.execute("ROLLBACK TO refresh_job")
        conn.execute("RELEASE refresh_job")
        if len(taken) > 1:  # one bad item must not cost the others: each again, alone
            return [outcome for queued in taken for outcome in _run_job(conn, [queued])]
        values = [_storage_error(error)]
    else:
        conn.execute("RELEASE refresh_job")
    return [
        (queued.future, None, value) if isinstance(value, BaseException)
        else (queued.future, value, None)
        for queued, value in zip(taken, values, strict=True)
    ]


def _roll_back(db: Database) -> None:
    """End a transaction an unexpected error left open on this thread's connection."""
    with contextlib.suppress(sqlite3.Error, StorageError):
        conn = db.conn
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _storage_error(error: Exception) -> Exception:
    """SQLite's own errors as the one kind callers handle."""
    if isinstance(error, sqlite3.Error):
        return StorageError(f"cannot write the cache: {error}")
    return error


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


async def _warm(pool: Executor) -> None:
    """Start the pool's processes in a thread (see workers.warm_pool)."""
    await asyncio.to_thread(warm_pool, pool)


def _skip_sniffio_lookups() -> None:
    """Keep httpcore from searching sys.path for sniffio on every request.

    httpcore asks `import sniffio` for each lock it creates (several per
    request); without sniffio installed (anyio 4.16 no longer needs it) each
    failing import walks sys.path: 0.6 ms, about 3.5 s over a 500-feed
    refresh. A None entry in sys.modules makes the import fail at once, and
    httpcore then assumes asyncio, which is what we run.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


@overload
async def fetch_and_clean(
    client: httpx.AsyncClient, semaphore: asyncio.Semaphore, limits: Limits,
    pool: Executor, url: str, pool_ready: "Awaitable[None] | None" = None, *, title: None = None,
) -> CleanedPage | str: ...


@overload
async def fetch_and_clean(
    client: httpx.AsyncClient, semaphore: asyncio.Semaphore, limits: Limits,
    pool: Executor, url: str, pool_ready: "Awaitable[None] | None" = None, *, title: str,
) -> IndexedPage | str: ...


async def fetch_and_clean(
    client: httpx.AsyncClient, semaphore: asyncio.Semaphore, limits: Limits,
    pool: Executor, url: str, pool_ready: "Awaitable[None] | None" = None, *,
    title: str | None = None,
) -> CleanedPage | IndexedPage | str:
    """Download one article page and clean it in the pool; the reason on failure.

    Given the article's stored `title`, the worker also computes its related-stories
    features: the result is then (page, features).
    """
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
    if pool_ready is not None:
        await pool_ready
    loop = asyncio.get_running_loop()
    if title is None:
        return await loop.run_in_executor(pool, clean_page_job, response.body, response.url)
    return await loop.run_in_executor(
        pool, clean_page_features_job, response.body, response.url, title
    )


async def fetch_one_page(limits: Limits, pool: Executor, url: str) -> CleanedPage | str:
    """Fetch and clean a single page (read-it-later); the reason on failure."""
    _skip_sniffio_lookups()
    async with make_client(limits) as client:
        return await fetch_and_clean(client, asyncio.Semaphore(1), limits, pool, url)
