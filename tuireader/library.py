"""The one facade the UI, the CLI, the tests and the benchmarks call.

It owns the database, the settings and the worker pool; everything else in
the core is a function over those. Nothing here imports Textual.
"""

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tuireader import related
from tuireader.config import Config, load_config
from tuireader.errors import RefreshStopped, StorageError, TuireaderError, UserError
from tuireader.models import (
    Article,
    ArticleRow,
    Feed,
    RefreshReport,
    RelatedHit,
    SearchHit,
    View,
)
from tuireader.paths import Paths, resolve_paths
from tuireader.storage import Database
from tuireader.storage import articles as article_store
from tuireader.storage import feeds as feed_store
from tuireader.storage import search as search_store
from tuireader.storage.articles import Cursor
from tuireader.text import clean_line, is_web_url

if TYPE_CHECKING:
    from tuireader.refresh import ProgressCallback

# How often a running refresh_sync asks its caller whether to stop.
STOP_POLL_SECONDS = 0.1

# The refresh machinery (httpx, the pool) and OPML (lxml) are imported where
# they are used, so opening the app on a big cache does not wait for them.


class Library:
    """A profile's feeds and articles."""

    def __init__(self, paths: Paths, config: Config | None = None) -> None:
        self.paths = paths
        try:
            paths.ensure()
        except OSError as error:  # a folder the person chose is theirs to fix
            failure = UserError if paths.chosen else StorageError
            raise failure(f"cannot use {paths.data_dir}: {error.strerror or error}") from None
        self.config = config or load_config(paths)
        is_new = not paths.db_file.exists()
        try:
            self.db = Database(paths.db_file)
        except sqlite3.Error as error:
            raise StorageError(f"cannot open the cache {paths.db_file}: {error}") from None
        self._pool: Executor | None = None
        if is_new:
            self._seed_default_feeds()

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> "Library":
        """The library of `--data-dir`, `TUIREADER_HOME` or the default profile."""
        return cls(resolve_paths(data_dir))

    def close(self) -> None:
        if self._pool is not None:
            # Waiting (for at most the jobs already running) lets the pool's own
            # threads finish; left running, Python 3.11's exit hook can write to
            # their closed wake-up pipe and print a traceback at exit.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.db.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def pool(self) -> Executor:
        """The process pool, started on first need (not at app start)."""
        if self._pool is None:
            from tuireader.workers import make_pool

            self._pool = make_pool()
        return self._pool

    def _seed_default_feeds(self) -> None:
        with self.db.transaction() as conn:
            for url, title in self.config.default_feeds:
                if is_web_url(url):
                    feed_store.add_feed(conn, url, clean_line(title, 300))

    # Feeds

    def feeds(self, with_counts: bool = True) -> list[Feed]:
        return feed_store.list_feeds(self.db.conn, with_counts)

    def feed(self, feed_id: int) -> Feed | None:
        return feed_store.get_feed(self.db.conn, feed_id)

    def feed_by_url(self, url: str) -> Feed | None:
        return feed_store.get_feed_by_url(self.db.conn, url.strip())

    def add_feed(self, url: str, title: str = "", folder: str = "") -> tuple[Feed, bool]:
        """Subscribe (no fetch); returns the feed and whether it is new."""
        url = validate_feed_url(url)
        with self.db.transaction() as conn:
            return feed_store.add_feed(
                conn, url, clean_line(title, 300), clean_line(folder, 100),
                self.config.fetch_pages,
            )

    def remove_feed(self, url: str) -> Feed:
        """Unsubscribe; its articles go, saved ones stay."""
        feed = self.feed_by_url(url)
        if feed is None:
            raise UserError(f"not subscribed to {clean_line(url, 300)}")
        with self.db.transaction() as conn:
            feed_store.remove_feed(conn, feed.id)
        return feed

    def set_fetch_pages(self, feed_id: int, enabled: bool) -> None:
        with self.db.transaction() as conn:
            feed_store.set_fetch_pages(conn, feed_id, enabled)

    def import_opml(self, path: str | Path) -> tuple[int, int, int]:
        """Subscribe to every feed of an OPML file: (added, already there, left out
        for having no web address)."""
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise UserError(f"cannot read {path}: {error.strerror or error}") from None
        added = existing = 0
        from tuireader.opml import parse_opml

        entries, skipped = parse_opml(data)
        with self.db.transaction() as conn:
            for entry in entries:
                _feed, is_new = feed_store.add_feed(
                    conn, entry.url, entry.title, entry.folder, self.config.fetch_pages
                )
                added += is_new
                existing += not is_new
        return added, existing, skipped

    def export_opml(self) -> str:
        from tuireader.opml import build_opml

        return build_opml(self.feeds(with_counts=False))

    # Articles

    def count(self, view: View) -> int:
        return article_store.count(self.db.conn, view)

    def page(
        self, view: View, offset: int = 0, limit: int = 50, after: Cursor | None = None
    ) -> list[ArticleRow]:
        return article_store.page(self.db.conn, view, offset=offset, limit=limit, after=after)

    def position(self, view: View, article_id: int) -> int | None:
        return article_store.position(self.db.conn, view, article_id)

    def article(self, article_id: int) -> Article:
        found = article_store.get(self.db.conn, article_id)
        if found is None:
            raise _no_article(article_id)
        return found

    def mark_read(self, article_ids: list[int], read: bool = True) -> None:
        with self.db.transaction() as conn:
            article_store.set_read(conn, article_ids, read)

    def mark_all_read(self, view: View) -> int:
        with self.db.transaction() as conn:
            return article_store.mark_view_read(conn, view)

    def set_saved(self, article_id: int, saved: bool) -> Article:
        with self.db.transaction() as conn:
            if not article_store.set_saved(conn, article_id, saved):
                raise _no_article(article_id)
        return self.article(article_id)

    async def save_url(self, url: str) -> Article:
        """Read-it-later: fetch, clean and keep a page that belongs to no feed; a page
        already cached (from a feed, or saved before) is that article, now saved, with
        its page fetched and cleaned if it has only the feed's text (kept if that fails)."""
        url = validate_feed_url(url)
        from tuireader.refresh import fetch_one_page

        article_id, has_page = article_store.find_by_url(self.db.conn, url) or (None, False)
        if article_id is not None and has_page:
            return self.set_saved(article_id, True)
        page = await fetch_one_page(self.config.limits, self.pool, url)
        if isinstance(page, str):
            if article_id is None:
                raise UserError(f"cannot save {url}: {page}")
            return self.set_saved(article_id, True)
        with self.db.transaction() as conn:
            if article_id is None:
                article_id = article_store.insert_loose(conn, url, page, url)
            else:
                article_store.store_page(conn, article_id, page)
                article_store.set_saved(conn, article_id, True)
            related.index_article(conn, article_id)
        return self.article(article_id)

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        return search_store.search(self.db.conn, text, limit)

    def related(self, article_id: int, limit: int = 10) -> list[RelatedHit]:
        hits = related.find_related(self.db.conn, article_id, limit)
        if not hits and not article_store.rows_by_ids(self.db.conn, [article_id]):
            raise _no_article(article_id)  # checked only then: the row, not the whole article
        return hits

    def story_outlets(self, article_id: int) -> list[str]:
        return related.story_outlets(self.db.conn, article_id)

    # Refresh

    async def refresh(
        self, feed_ids: list[int] | None = None, *, jobs: int | None = None,
        fetch_pages: bool = True, progress: "ProgressCallback | None" = None,
    ) -> RefreshReport:
        """Fetch feeds (all, or `feed_ids`), store new articles, clean their pages."""
        feeds = self.feeds(with_counts=False)
        if feed_ids is not None:
            wanted = set(feed_ids)
            feeds = [feed for feed in feeds if feed.id in wanted]
        from tuireader.refresh import Refresh

        runner = Refresh(
            self.db, self.config, self.pool, feeds, jobs=jobs, fetch_pages=fetch_pages,
            progress=progress,
        )
        return await runner.run()

    def refresh_sync(
        self, *, stop: "Callable[[], bool] | None" = None, **kwargs: object
    ) -> RefreshReport:
        """`refresh` for callers without an event loop (CLI, worker threads), on a loop
        of its own whose name lookups never hold up its end (see fetch.lookups).

        `stop` is asked every STOP_POLL_SECONDS; once it says yes the refresh is
        cancelled (what is stored stays stored) and RefreshStopped is raised.
        """
        return asyncio.run(self._refresh_until_stopped(stop, kwargs))

    async def _refresh_until_stopped(
        self, stop: "Callable[[], bool] | None", kwargs: dict[str, object]
    ) -> RefreshReport:
        from tuireader.fetch.lookups import LookupThreads

        asyncio.get_running_loop().set_default_executor(LookupThreads())
        refresh = asyncio.ensure_future(self.refresh(**kwargs))  # type: ignore[arg-type]
        while stop is not None and not refresh.done():
            await asyncio.wait([refresh], timeout=STOP_POLL_SECONDS)
            if not refresh.done() and stop():
                refresh.cancel()
                try:
                    await refresh
                except asyncio.CancelledError:
                    if asyncio.current_task().cancelling():  # type: ignore[union-attr]
                        raise  # this loop is being stopped too (Ctrl-C)
                except TuireaderError:  # a write cut short: nothing to tell, it was stopped
                    pass
                raise RefreshStopped("the refresh was stopped")
        return await refresh


def validate_feed_url(url: str) -> str:
    """A feed or page address must be an absolute http(s) URL with a host."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UserError(f"not a web address (http:// or https://): {clean_line(url, 200)!r}")
    if not is_web_url(url) or any(ch.isspace() for ch in url):
        raise UserError(f"not a valid address: {clean_line(url, 200)!r}")
    return url


def _no_article(article_id: int) -> UserError:
    return UserError(f"no article with id {article_id}")
