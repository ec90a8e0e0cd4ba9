"""Helpers for UI tests: a fixed clock, the app on a library, and waiting without sleeps."""

from datetime import UTC, datetime
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from tuireader.library import Library
from tuireader.paths import Paths
from tuireader.ui.app import ReaderApp

# After every demo story, so ages are days (never minutes that change between runs).
FIXED_NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


def profile(root: Path) -> Paths:
    return Paths(data_dir=root, config_dir=root, cache_dir=root / "cache", chosen=True)


def make_app(library: Library, **options: bool) -> ReaderApp:
    return ReaderApp(library, clock=fixed_clock, **options)


async def settle(pilot: Pilot, rounds: int = 4) -> None:
    """Let workers finish and their messages land (a worker's result may start another)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: App) -> str:
    """What the terminal shows now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)
