"""The pool's jobs and its workers' lifetime, without a refresh around them."""

import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import time

from feedkit import STORY, page, rss

from tuireader.related import article_features
from tuireader.workers import (
    _watch_owner,
    clean_page_features_job,
    clean_page_job,
    parse_feed_features_job,
    parse_feed_job,
)

ITEMS = [
    {"title": "Swing bridge shut", "link": "http://example.test/1", "summary": STORY[0]},
    {"title": "Ferries added", "link": "http://example.test/2", "summary": " ".join(STORY[1:3])},
]


def test_feed_job_gives_each_entry_the_features_of_what_is_stored() -> None:
    data = rss("Harbour News", ITEMS).encode()
    outcome = parse_feed_features_job(data, "http://example.test/feed", "application/rss+xml")
    assert not isinstance(outcome, str)
    parsed, features = pickle.loads(pickle.dumps(outcome))
    assert parsed == parse_feed_job(data, "http://example.test/feed", "application/rss+xml")
    assert features == [
        article_features(entry.title, entry.content_text or entry.summary)
        for entry in parsed.entries
    ]


def test_feed_job_leaves_out_features_of_entries_whose_page_is_coming() -> None:
    items = [*ITEMS, {"title": "No link", "summary": STORY[3]}]
    data = rss("Harbour News", items).encode()
    outcome = parse_feed_features_job(data, "http://example.test/feed", "", pages_coming=True)
    assert not isinstance(outcome, str)
    parsed, features = outcome
    linked = [found for entry, found in zip(parsed.entries, features, strict=True) if entry.url]
    unlinked = [found for entry, found in zip(parsed.entries, features, strict=True)
                if not entry.url]
    assert linked == [None, None]
    assert unlinked == [article_features("No link", STORY[3])]


def test_feed_job_failure_is_a_reason() -> None:
    assert isinstance(parse_feed_features_job(b"not a feed", "http://example.test/", ""), str)


def test_page_job_features_use_the_stored_title_or_the_page_title() -> None:
    data = page("Bridge closed after cracks found", STORY).encode()
    url = "http://example.test/1"
    cleaned = clean_page_job(data, url)
    assert not isinstance(cleaned, str)
    assert clean_page_features_job(data, url, "Swing bridge shut") == (
        cleaned, article_features("Swing bridge shut", cleaned.text)
    )
    assert clean_page_features_job(data, url, "") == (
        cleaned, article_features(cleaned.title, cleaned.text)
    )
    assert isinstance(clean_page_features_job(b"", url, "x"), str)


def _worker(owner: int) -> None:
    _watch_owner(owner)
    time.sleep(60)


def test_worker_exits_when_the_pool_owner_is_killed() -> None:
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = multiprocessing.get_context("spawn").Process(target=_worker, args=(owner.pid,))
    worker.start()
    try:
        time.sleep(0.5)
        assert worker.is_alive()
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait()
        worker.join(timeout=5)
        assert not worker.is_alive()
        assert worker.exitcode == 0
    finally:
        if worker.is_alive():
            worker.kill()
        owner.kill()
