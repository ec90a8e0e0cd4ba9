"""CPU work (feed parsing, page cleaning) in a process pool across every core.

feedparser and readability-lxml are pure-Python-heavy and hold the GIL, so
threads would not help. A forkserver pool starts clean processes (forking a
threaded Textual app is unsafe) that import the parsers once.
"""

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor

from tuireader.errors import ExtractError, ParseError
from tuireader.extract import clean_page
from tuireader.fetch.feeds import parse_feed
from tuireader.models import CleanedPage, ParsedFeed

_PRELOAD = ["tuireader.workers"]


def make_pool(workers: int | None = None) -> Executor:
    """A pool sized to the machine's cores."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 2, mp_context=context)


def parse_feed_job(data: bytes, url: str, content_type: str) -> ParsedFeed | str:
    """Parse in a worker; a parse failure comes back as its reason, not an exception."""
    try:
        return parse_feed(data, url, content_type)
    except ParseError as error:
        return str(error)
    except Exception as error:  # a bug in a parser must not kill the refresh
        return f"cannot parse the feed: {type(error).__name__}: {error}"


def clean_page_job(data: bytes, url: str) -> CleanedPage | str:
    """Clean in a worker; a failure comes back as its reason."""
    try:
        return clean_page(data, url)
    except ExtractError as error:
        return str(error)
    except Exception as error:  # keep the article with its feed content instead
        return f"cannot clean the page: {type(error).__name__}: {error}"
