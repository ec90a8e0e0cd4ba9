"""The Textual app: a Library, the main screen, the theme and what is remembered.

The app takes a ready `Library`, so tests build it on a tmp_path profile and
the launcher on the user's. Keys from config.toml's `[keys]` become
Textual's keymap; the same command table feeds the command palette.
"""

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.theme import Theme

from tuireader import collector
from tuireader.library import Library
from tuireader.text import clean_line
from tuireader.ui.keys import COMMANDS, keymap_problems, keys_for
from tuireader.ui.screens import MainScreen
from tuireader.ui.state import load_state, save_state

# Ended by the system (kill, a closed terminal), the app quits as with q: the terminal is
# given back, the state saved, a demo's throw-away profile removed. Python's default
# for these is to die on the spot.
QUIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP) if hasattr(signal, "SIGHUP") else ()

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReaderApp(App[None]):
    """tuireader's terminal UI."""

    CSS_PATH = "app.tcss"
    TITLE = "tuireader"

    def __init__(
        self, library: Library, *, refresh_on_start: bool = False,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__()
        self.library = library
        self.clock = clock
        self.refresh_on_start = refresh_on_start
        self.state = load_state(library.paths.state_file)
        self._collector_was: collector.Thresholds | None = None

    def on_mount(self) -> None:
        self._collector_was = collector.collect_less_often()  # while it runs
        loop = asyncio.get_running_loop()
        for quit_signal in QUIT_SIGNALS:
            # Not on Windows' loop, nor off the main thread: there the default stays.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(quit_signal, self.exit)
        self.set_keymap(self.library.config.keys)
        problems = keymap_problems(self.library.config.keys)
        theme = self.library.config.theme or self.state.theme
        if theme in self.available_themes:
            self.theme = theme
        elif self.library.config.theme:
            problems.append(f"[ui] theme {theme!r} is not a theme (ignored). The themes are: "
                            + ", ".join(sorted(self.available_themes)))
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.push_screen(MainScreen(
            self.library, self.state, self.clock, refresh_on_start=self.refresh_on_start,
        ))
        for problem in problems:  # names as written in config.toml: plain, no control codes
            self.notify(clean_line(problem, 1000), title="config.toml", severity="warning",
                        timeout=15, markup=False)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for quit_signal in QUIT_SIGNALS:
            loop.remove_signal_handler(quit_signal)
        if self._collector_was is not None:
            collector.restore(self._collector_was)
        self.save_state()

    def save_state(self) -> None:
        save_state(self.library.paths.state_file, self.state)

    def _remember_theme(self, theme: Theme) -> None:
        self.state.theme = theme.name
        self.save_state()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, then every command of the key table by name."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for command in COMMANDS:
            if command.palette:
                yield SystemCommand(
                    command.description,
                    f"keys: {keys_for(command, self.library.config.keys)}",
                    partial(screen.run_action, command.id),
                )
