"""Make the SVG screenshots of the main views from the demo data.

    python -m tuireader.ui.screenshots [DIR]     (default: screenshots/)

The demo feeds are served on loopback, refreshed into a throw-away profile,
and each view is drawn headless with `App.run_test` at a fixed size and a
fixed clock, so the pictures change only when the UI does.
"""

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from tuireader.demo import DemoServer
from tuireader.library import Library
from tuireader.models import View
from tuireader.ui.app import ReaderApp
from tuireader.ui.widgets import ArticleList

DEMO_NOW = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)
Steps = Callable[[Pilot], Awaitable[None]]


async def _settle(pilot: Pilot) -> None:
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _richest_story(library: Library) -> int:
    """The article with the most same-story copies: the best picture of the sidebar."""
    rows = library.page(View(), limit=200)
    return max(
        rows, key=lambda row: sum(hit.same_story for hit in library.related(row.id))
    ).id


async def _open_story(pilot: Pilot) -> None:
    await _settle(pilot)
    library: Library = pilot.app.library  # type: ignore[attr-defined]
    index = library.position(View(), _richest_story(library)) or 0
    pilot.app.screen.query_one(ArticleList).move_to(index)
    await pilot.press("enter")
    await _settle(pilot)


async def _search(pilot: Pilot) -> None:
    await _open_story(pilot)
    await pilot.press("slash", *"bridge")
    await asyncio.sleep(0.4)
    await _settle(pilot)


async def _help(pilot: Pilot) -> None:
    await _settle(pilot)
    await pilot.press("question_mark")
    await _settle(pilot)


SHOTS: list[tuple[str, tuple[int, int], Steps]] = [
    ("main-160x48", (160, 48), _open_story),
    ("search-160x48", (160, 48), _search),
    ("narrow-80x24", (80, 24), _open_story),
    ("help-160x48", (160, 48), _help),
]


async def make_screenshots(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with DemoServer() as server, tempfile.TemporaryDirectory(prefix="tuireader-shots-") as root:
        library = Library.open(root)
        try:
            for url, title in server.feeds:
                library.add_feed(url, title)
            await library.refresh()
            for name, size, steps in SHOTS:
                app = ReaderApp(library, clock=lambda: DEMO_NOW)
                async with app.run_test(size=size) as pilot:
                    await steps(pilot)
                    written.append(Path(app.save_screenshot(f"{name}.svg", str(out_dir))))
        finally:
            library.close()
    return written


def main() -> int:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    for path in asyncio.run(make_screenshots(out_dir)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
