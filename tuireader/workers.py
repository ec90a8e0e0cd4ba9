"""CPU work (feed parsing, page cleaning) in a process pool across every core.

feedparser and readability-lxml are pure-Python-heavy and hold the GIL, so
threads would not help. A forkserver pool starts clean processes (forking a
threaded Textual app is unsafe) that import the parsers once.

Feeds are read first with fastfeedparser (lxml underneath) when it is
installed: on the benchmark farm it takes 0.15 ms for a 20-item feed where
feedparser takes 13-15 ms, which is what lets 500 feeds parse within their
network time on two cores. Anything it cannot read, or reads as empty, goes
to feedparser as before. Both follow the same normalisation (`feeds._entry`'s
sanitising, guid, title and date rules), so the stored articles agree.

Importing this module is cheap: the parsers (readability, feedparser,
fastfeedparser, our extract package) are imported by the jobs themselves and
preloaded by the fork server, never in the app's own process at start.

The refresh's jobs also compute each article's related-stories features
(`related.article_features`) beside the parsing, so the app process only
writes them: that work would otherwise hold the app's GIL.

Workers watch the process that made the pool and exit when it is gone, so a
killed refresh (SIGKILL: no clean-up runs) leaves no process behind.
"""

import importlib.util
import multiprocessing
import os
import re
import select
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from lxml import etree

from tuireader.errors import ExtractError, ParseError
from tuireader.models import CleanedPage, ParsedEntry, ParsedFeed
from tuireader.text import clean_line
from tuireader.timeutil import parse_iso

if TYPE_CHECKING:
    from tuireader.related.features import ArticleFeatures

# "__main__" first: the fork server imports the program's main module once, so
# each worker does not import it again on start (multiprocessing's own idiom);
# then the parsers, once, for every worker it forks.
_PRELOAD = [
    "__main__", "tuireader.workers", "tuireader.extract", "tuireader.fetch.feeds",
    "tuireader.related.features",
]
_FAST_PARSER = "fastfeedparser"  # optional; feedparser stays the reference parser


def _fastfeedparser() -> Any:
    """The fastfeedparser module, or None when it is not installed."""
    try:
        import fastfeedparser
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return fastfeedparser


class _StrictParser(threading.local):
    """A well-formedness check: no entities resolved, no network, no DTD loading."""

    def parser(self) -> etree.XMLParser:
        if not hasattr(self, "_parser"):
            self._parser = etree.XMLParser(
                recover=False, resolve_entities=False, no_network=True, load_dtd=False,
                huge_tree=False, collect_ids=False,
            )
        return self._parser


_STRICT = _StrictParser()
_URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_CLOSE_TAG = re.compile(r"</(\w+)>")


def make_pool(workers: int | None = None) -> Executor:
    """A pool sized to the machine's cores."""
    context = multiprocessing.get_context("forkserver")
    preload = list(_PRELOAD)
    if importlib.util.find_spec(_FAST_PARSER) is not None:
        preload.append(_FAST_PARSER)
    context.set_forkserver_preload(preload)
    return ProcessPoolExecutor(
        max_workers=workers or _usable_cores(), mp_context=context,
        initializer=_watch_owner, initargs=(os.getpid(),),
    )


def _usable_cores() -> int:
    """Cores this process may run on (a container or `taskset` can allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 2


def _watch_owner(owner: int) -> None:
    """(worker start) Exit at once when the process that made the pool is gone.

    A worker's parent is the fork server, not the app, and a SIGKILLed app runs
    no clean-up: without this its workers wait on their call queue forever,
    and keep the fork server alive with them.
    """
    threading.Thread(target=_exit_with, args=(owner,), name="tuireader-owner-watch",
                     daemon=True).start()


def _exit_with(owner: int) -> None:
    try:
        handle = os.pidfd_open(owner)  # readable once the owner has exited
    except ProcessLookupError:
        os._exit(0)
    except (AttributeError, OSError):  # no pidfd (older kernel, not Linux): poll
        while _alive(owner):
            time.sleep(0.5)
        os._exit(0)
    select.select([handle], [], [])
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def warm_pool(pool: Executor) -> None:
    """Start every worker now (blocking: call it from a thread, not the event loop).

    A forkserver pool starts its processes inside `submit`, and the first
    start waits for the fork server to import the parsers; done lazily on the
    event loop, that wait stalls every download in flight.
    """
    workers = getattr(pool, "_max_workers", 1)
    for future in [pool.submit(os.getpid) for _ in range(workers)]:
        future.result()


def parse_feed_job(data: bytes, url: str, content_type: str) -> ParsedFeed | str:
    """Parse in a worker; a parse failure comes back as its reason, not an exception."""
    from tuireader.fetch.feeds import parse_feed

    try:
        fast = parse_feed_fast(data, url, content_type)
        return fast if fast is not None else parse_feed(data, url, content_type)
    except ParseError as error:
        return str(error)
    except Exception as error:  # a bug in a parser must not kill the refresh
        return f"cannot parse the feed: {type(error).__name__}: {error}"


def parse_feed_features_job(
    data: bytes, url: str, content_type: str, pages_coming: bool = False
) -> "tuple[ParsedFeed, list[ArticleFeatures | None]] | str":
    """`parse_feed_job`, with each entry's related-stories features (as it will be stored).

    With `pages_coming`, an entry with a link gets none (None): its article is
    indexed from its page instead.
    """
    from tuireader.related.features import article_features

    parsed = parse_feed_job(data, url, content_type)
    if isinstance(parsed, str):
        return parsed
    return parsed, [
        None if pages_coming and entry.url
        else article_features(entry.title, entry.content_text or entry.summary)
        for entry in parsed.entries
    ]


def clean_page_features_job(
    data: bytes, url: str, title: str
) -> "tuple[CleanedPage, ArticleFeatures | None] | str":
    """`clean_page_job`, with the related-stories features of the article it makes.

    `title` is the stored title (`store_page` keeps it, or takes the page's when
    it is empty). No features (None) when the page has no text: the article
    then keeps its summary, which the worker does not have.
    """
    from tuireader.related.features import article_features

    page = clean_page_job(data, url)
    if isinstance(page, str):
        return page
    return page, article_features(title or page.title, page.text) if page.text else None


def clean_page_job(data: bytes, url: str) -> CleanedPage | str:
    """Clean in a worker; a failure comes back as its reason."""
    from tuireader.extract import clean_page

    try:
        return clean_page(data, url)
    except ExtractError as error:
        return str(error)
    except Exception as error:  # keep the article with its feed content instead
        return f"cannot clean the page: {type(error).__name__}: {error}"


def parse_feed_fast(data: bytes, url: str, content_type: str = "") -> ParsedFeed | None:
    """RSS/Atom/RDF through fastfeedparser; None means "ask feedparser".

    JSON Feed is left to `parse_feed` (it is json.loads already), and so is
    any document fastfeedparser refuses or finds no entries in, so feedparser
    keeps the last word on odd feeds and on the reason a feed is not one.
    """
    from tuireader.fetch.feeds import MAX_ENTRIES, _looks_like_json, _unique, _web

    fastfeedparser = _fastfeedparser()
    if fastfeedparser is None or not data.strip() or _looks_like_json(data, content_type):
        return None
    try:
        # Only well-formed XML: fastfeedparser's repair of broken documents can lose
        # text (entities, angle brackets), where feedparser's loose parser keeps it.
        root = etree.fromstring(data, _STRICT.parser())
    except (etree.LxmlError, ValueError):
        return None
    try:
        parsed = fastfeedparser.parse(
            data, include_tags=False, include_media=False, include_enclosures=False
        )
    except Exception:  # fastfeedparser raises ValueError and lxml errors; feedparser decides
        return None
    entries = parsed.get("entries") or []
    if not entries:
        return None
    not_permalink = _ids_not_links(root)
    feed = parsed.get("feed") or {}
    return ParsedFeed(
        title=_plain(_str(feed.get("title")), url, 1000),
        site=_web(_str(feed.get("link")), url),
        entries=_unique(
            [_fast_entry(entry, url, not_permalink) for entry in entries[:MAX_ENTRIES]]
        ),
    )


def _fast_entry(entry: Any, feed_url: str, not_permalink: set[str]) -> ParsedEntry:
    """fastfeedparser's fields, then the rules every parser shares (`feeds.make_entry`)."""
    from tuireader.fetch.feeds import _web, make_entry

    link = _web(_str(entry.get("link")), feed_url)
    summary_html = _str(entry.get("description")) or _str(entry.get("summary"))
    bodies = [
        _str(c.get("value")) for c in entry.get("content") or [] if isinstance(c, dict)
    ]
    body_html = max(bodies, key=len) if bodies else ""
    if body_html == summary_html:  # fastfeedparser repeats the description as content
        body_html = ""
    guid = _str(entry.get("id")).strip()
    if guid and guid not in not_permalink:
        guid = _join(feed_url, guid)
    return make_entry(
        guid, link, _plain(_str(entry.get("title")), feed_url, 1000),
        clean_line(_str(entry.get("author")), 200),
        parse_iso(_str(entry.get("published")) or _str(entry.get("updated"))),
        summary_html, body_html, feed_url,
    )


def _plain(value: str, base: str, limit: int) -> str:
    """A title as text: one with real markup (a closing tag) is reduced to its text.

    fastfeedparser does not say whether a title was declared HTML, so entity-only
    titles stay as written, as feedparser keeps plain-text titles.
    """
    if _CLOSE_TAG.search(value):
        from tuireader.extract import clean_fragment

        value = clean_fragment(value, base).text
    return clean_line(value, limit)


def _ids_not_links(root: etree._Element) -> set[str]:
    """RSS guids marked isPermaLink="false": ids, which feedparser leaves unresolved."""
    return {
        (guid.text or "").strip()
        for guid in root.iter("guid")
        if (guid.get("isPermaLink") or "").strip().lower() == "false"
    }


def _join(base: str, uri: str) -> str:
    """feedparser's resolution of a relative id against the feed's address (urls._urljoin)."""
    try:
        return urljoin(base, _URI_FIXER.sub(r"\1\3", uri))
    except ValueError:
        return ""


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
