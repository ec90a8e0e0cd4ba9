"""The app's refresh, run in a child process on the same SQLite file, against real servers."""

import multiprocessing
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from feedkit import rss
from netkit import accept_each, in_thread
from pytest_httpserver import HTTPServer

from tuireader.errors import RefreshStopped, TuireaderError
from tuireader.library import Library
from tuireader.models import Progress, View
from tuireader.refresh_child import refresh_in_child


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
    workers_at_each_step: list[list[str]] = []

    def progress(step: Progress) -> None:
        steps.append(step)
        workers_at_each_step.append([child.name for child in multiprocessing.active_children()])

    report = library.refresh_in_child(progress=progress)

    assert all("tuireader-refresh" in names for names in workers_at_each_step)
    assert_child_ends()
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
    assert_child_ends()


def test_a_child_that_cannot_open_the_profile_says_why(library: Library, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    paths = replace(library.paths, data_dir=not_a_folder, config_dir=not_a_folder)
    with pytest.raises(TuireaderError, match="cannot use"):
        refresh_in_child(paths, library.config)
    assert_child_ends()


def assert_child_ends() -> None:
    """The refresh's process is gone (and reaped) within a few seconds."""
    for _ in range(100):
        if not any(c.name == "tuireader-refresh" for c in multiprocessing.active_children()):
            return
        time.sleep(0.05)
    raise AssertionError("the refresh process is still running")


APP = """
import multiprocessing, sys, threading, time
from pathlib import Path
from tuireader.library import Library
from tuireader.paths import Paths

def tell_child_pid():
    while True:
        for child in multiprocessing.active_children():
            if child.name == "tuireader-refresh":
                print(child.pid, flush=True)
                return
        time.sleep(0.01)

if __name__ == "__main__":
    root = Path(sys.argv[1])
    library = Library(Paths(data_dir=root, config_dir=root, cache_dir=root / "cache"))
    threading.Thread(target=tell_child_pid, daemon=True).start()
    library.refresh_in_child()
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states in /proc")
def test_the_child_ends_when_the_app_is_killed(
    library: Library, silent_server: tuple[str, threading.Event], tmp_path: Path,
) -> None:
    """An app killed mid-refresh must not leave its refresh writing to the profile."""
    url, connected = silent_server
    library.add_feed(url)
    script = tmp_path / "app.py"
    script.write_text(APP)
    app = subprocess.Popen(
        [sys.executable, str(script), str(library.paths.data_dir)], stdout=subprocess.PIPE,
        text=True,
    )
    try:
        child_pid = int(app.stdout.readline())  # type: ignore[union-attr]
        assert connected.wait(30)  # the child's request is waiting on the silent server
    finally:
        app.kill()
        app.wait(10)
    for _ in range(200):
        if not running(child_pid):
            return
        time.sleep(0.05)
    raise AssertionError("the refresh process outlived the app")


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's new parent may not reap it at once)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")
