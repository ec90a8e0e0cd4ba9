"""The app's refresh, run in a child process on the same SQLite file, against real servers."""

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from feedkit import rss
from netkit import accept_each, in_thread
from pytest_httpserver import HTTPServer

from tuireader.errors import RefreshStopped
from tuireader.library import Library
from tuireader.models import Progress, View


def story_items(server: HTTPServer, count: int) -> list[dict[str, str]]:
    return [
        {"title": f"Child story {i}", "link": server.url_for(f"/c{i}.html"), "guid": f"c{i}",
         "summary": f"Summary of child story {i}."}
        for i in range(count)
    ]


def test_a_refresh_in_a_child_stores_for_the_app_and_reports_each_step(
    library: Library, httpserver: HTTPServer,
) -> None:
    for name in ("one", "two"):
        httpserver.expect_request(f"/{name}.xml").respond_with_data(
            rss(f"Feed {name}", story_items(httpserver, 3)), content_type="application/rss+xml"
        )
        library.add_feed(httpserver.url_for(f"/{name}.xml"))
    library.config = replace(library.config, fetch_pages=False)  # feeds only: the child's config
    steps: list[Progress] = []

    report = library.refresh_in_child(progress=steps.append)

    assert report.new_articles == 6 and report.failures == []
    assert [step.feeds_done for step in steps] == [1, 2]
    assert {step.result.feed_url for step in steps if step.result} == {
        httpserver.url_for("/one.xml"), httpserver.url_for("/two.xml"),
    }
    titles = {row.title for row in library.page(View())}  # the app's own connection sees them
    assert titles == {f"Child story {i}" for i in range(3)}


@pytest.fixture
def silent_server() -> Iterator[tuple[str, threading.Event]]:
    """Accepts connections and never answers (says so through `connected`)."""
    listener = socket.create_server(("127.0.0.1", 0))
    connected = threading.Event()
    held: list[socket.socket] = []

    def hold(conn: socket.socket) -> None:
        held.append(conn)
        connected.set()

    accept_each(listener, hold)
    host, port = listener.getsockname()
    yield f"http://{host}:{port}/feed.xml", connected
    listener.close()
    for conn in held:
        conn.close()


def test_a_stopped_child_refresh_ends_at_once(
    library: Library, silent_server: tuple[str, threading.Event],
) -> None:
    """A feed whose server never answers would hold a refresh for the read timeout (20 s):
    stopped, the child ends within a second or two, and the caller hears RefreshStopped."""
    url, connected = silent_server
    library.add_feed(url)
    asked_to_stop = threading.Event()
    thread, outcome = in_thread(lambda: library.refresh_in_child(stop=asked_to_stop.is_set))
    assert connected.wait(30)  # the child's request is waiting on the silent server
    stopped_at = time.monotonic()
    asked_to_stop.set()
    thread.join(15)
    assert not thread.is_alive()
    assert time.monotonic() - stopped_at < 10
    assert len(outcome) == 1 and isinstance(outcome[0], RefreshStopped)
