"""The app's screens and dialogs.

Each loads on first use (module `__getattr__`): the first screen needs only
`MainScreen`, and search, help and the dialogs are imported when opened.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuireader.ui.screens.dialogs import AddFeedDialog, ConfirmDialog
    from tuireader.ui.screens.help import HelpScreen
    from tuireader.ui.screens.main import MainScreen
    from tuireader.ui.screens.search import SearchScreen

__all__ = ["AddFeedDialog", "ConfirmDialog", "HelpScreen", "MainScreen", "SearchScreen"]

_HOMES = {
    "AddFeedDialog": "dialogs",
    "ConfirmDialog": "dialogs",
    "HelpScreen": "help",
    "MainScreen": "main",
    "SearchScreen": "search",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
