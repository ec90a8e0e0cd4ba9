"""Moving around the app at 100,000 articles, measured inside the app with Pilot.

    python tests/benchmarks/bench_ui.py [--articles 100000] [--steps 40] [--no-refresh]

The app runs headless (`App.run_test`, 160x48) on a copy of the built
cache. Each figure is the time from a key press (or the highlight moving in
the feed list) to the first screen update that shows its result: Textual's
`App._display` is wrapped to note when each frame is composed.

- opening "All": from the feed list moving onto All (from a feed) to the
  first frame with the 100,000-article list's first page on it;
- a cursor step (down) and a page step (pagedown) in the article list;
- opening an article (enter) to the frame with it in the reading pane;
- input latency during a refresh: cursor steps while the app refreshes
  100 feeds with 2,000 article pages from a loopback farm (20 ms latency).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cache_builder import cached_profile, copy_profile, median, percentile
from feed_farm import FeedFarm

SIZE = (160, 48)
TIMEOUT = 5.0


class Frames:
    """Times of the frames the app composes (wraps App._display).

    While a measurement waits, each frame evaluates its `ready` test: the
    first frame composed with the result on it is the one that counts.
    """

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.ready: Callable[[], bool] | None = None
        self.hit: float | None = None
        original = app._display

        def display(screen, renderable):  # type: ignore[no-untyped-def]
            result = original(screen, renderable)
            if renderable is not None and self.ready is not None and self.hit is None:
                try:
                    if self.ready():
                        self.hit = time.perf_counter()
                except Exception:  # a half-built screen: not ready
                    pass
            return result

        app._display = display

    def arm(self, ready: Callable[[], bool]) -> None:
        """Start watching frames for `ready` (call before the key press)."""
        self.ready, self.hit = ready, None

    async def wait(self, started: float) -> float:
        """Seconds from `started` to the first frame on which `ready()` held."""
        deadline = time.perf_counter() + TIMEOUT
        while self.hit is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.0005)
        hit, self.ready = self.hit, None
        return (hit - started) if hit is not None else float("nan")

    async def after(self, started: float, ready: Callable[[], bool]) -> float:
        self.arm(ready)
        return await self.wait(started)


def prepare(source: Path, work: Path) -> Path:
    target = copy_profile(source, work / "profile")
    (target / "state.json").unlink(missing_ok=True)
    return target


async def measure(
    library, steps: int, farm: FeedFarm | None
) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    from tuireader.models import View
    from tuireader.ui.app import ReaderApp
    from tuireader.ui.widgets.article_list import ArticleList
    from tuireader.ui.widgets.feed_list import FeedList

    results: dict[str, list[float]] = {
        "all": [], "down": [], "pagedown": [], "open": [], "during_refresh": []
    }
    total = library.count(View())
    app = ReaderApp(library, refresh_on_start=False)
    frames = Frames(app)
    async with app.run_test(size=SIZE) as pilot:
        articles = app.screen.query_one(ArticleList)
        feeds = app.screen.query_one(FeedList)

        def list_shows(view: View, count: int) -> Callable[[], bool]:
            def ready() -> bool:
                return (
                    articles.view == view and articles.total == count
                    and articles._rows.row(articles.scroll_offset.y) is not None
                )
            return ready

        await frames.after(time.perf_counter(), list_shows(View(), total))
        feed_index = next(
            i for i in range(feeds.option_count) if (feeds.get_option_at_index(i).id or "")
            .startswith("feed-")
        )
        for _ in range(5):
            feeds.highlighted = feed_index
            feed_id = int(feeds.get_option_at_index(feed_index).id.split("-")[1])
            await frames.after(time.perf_counter(), list_shows(
                View(feed_id=feed_id), library.count(View(feed_id=feed_id))))
            await pilot.pause()
            frames.arm(list_shows(View(), total))
            started = time.perf_counter()
            feeds.highlighted = 0
            results["all"].append(await frames.wait(started))
            await pilot.pause()
        articles.focus()
        await pilot.pause()
        for key in ("down", "pagedown"):
            for _ in range(steps):
                before = articles.cursor
                frames.arm(lambda b=before: articles.cursor != b
                           and articles.cursor_row is not None)
                started = time.perf_counter()
                await pilot.press(key)
                results[key].append(await frames.wait(started))
        screen = app.screen
        for _ in range(10):
            await pilot.press("down")
            await pilot.pause()
            row = articles.cursor_row
            frames.arm(lambda r=row: screen.opened is not None and screen.opened.id == r.id)
            started = time.perf_counter()
            await pilot.press("enter")
            results["open"].append(await frames.wait(started))
            articles.focus()
            await pilot.pause()
        if farm is not None:
            said: list[str] = []
            status = screen.query_one("#status")
            original_say = status.say

            def say(message: str, style: str = "") -> None:
                said.append(message)
                original_say(message, style)

            status.say = say
            refresh_started = time.perf_counter()
            screen.start_refresh(None)
            await asyncio.sleep(0.5)
            for _ in range(steps * 3):
                if not screen._refreshing:
                    break
                before = articles.cursor
                frames.arm(lambda b=before: articles.cursor != b)
                started = time.perf_counter()
                # As the terminal driver hands a key over: pilot.press would also wait
                # for the screen to settle, which a refresh keeps busy for seconds.
                pilot.app.simulate_key("down" if before % 200 < 150 else "up")
                results["during_refresh"].append(await frames.wait(started))
                await asyncio.sleep(0.1)
            deadline = time.perf_counter() + 300
            while screen._refreshing and time.perf_counter() < deadline:
                await asyncio.sleep(0.2)
            print(f"  refresh in the app: {time.perf_counter() - refresh_started:.1f} s;"
                  f" last status: {said[-1] if said else '(none)'}; {screen._failures[:1]}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--no-refresh", action="store_true")
    args = parser.parse_args()
    source = cached_profile(args.articles, args.feeds)
    from tuireader.library import Library

    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f},"
          f" {time.strftime('%Y-%m-%d %H:%M %Z')}")
    with tempfile.TemporaryDirectory(prefix="tuireader-bench-ui-") as tmp:
        profile = prepare(source, Path(tmp))
        farm = None if args.no_refresh else FeedFarm(100, 20, 0.02, pages=True)
        try:
            if farm is not None:
                farm.__enter__()
                with closing(sqlite3.connect(profile / "tuireader.db")) as conn, conn:
                    conn.execute(  # the other feeds fail at once: a closed loopback port
                        "UPDATE feeds SET url = 'http://127.0.0.1:9/feed/' || id || '.xml'"
                        " WHERE id > 100")
                    for index, url in enumerate(farm.feed_urls(), start=1):
                        conn.execute(
                            "UPDATE feeds SET url = ?, etag = NULL, last_modified = NULL,"
                            " fetch_pages = 1 WHERE id = ?", (url, index))
            library = Library.open(profile)
            try:
                results = asyncio.run(measure(library, args.steps, farm))
            finally:
                library.close()
        finally:
            if farm is not None:
                farm.__exit__(None, None, None)

    def figure(values: list[float]) -> str:
        ms = [v * 1000 for v in values if v == v]
        missed = len(values) - len(ms)
        if not ms:
            return "no frames"
        late = f", {missed} timed out" if missed else ""
        return (f"median {median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms,"
                f" max {max(ms):.1f} ms ({len(ms)} presses{late})")

    rows = [
        ("open All at the cache's size, to first frame", "<= 100 ms", figure(results["all"])),
        ("cursor step (down) in the article list", "<= 16 ms", figure(results["down"])),
        ("page step (pagedown) in the article list", "<= 16 ms", figure(results["pagedown"])),
        ("open an article (enter) to the frame showing it", "<= 50 ms", figure(results["open"])),
    ]
    if results["during_refresh"]:
        rows.append(("cursor step during a refresh (2,000 pages @ 20 ms)", "responsive",
                     figure(results["during_refresh"])))
    print()
    print("| figure | target | measured | newsboat |")
    print("|---|---|---|---|")
    for name, target, measured in rows:
        print(f"| {name} | {target} | {measured} | |")


if __name__ == "__main__":
    main()
