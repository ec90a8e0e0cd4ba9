"""The app's screens and dialogs.

Each loads on first use (module `__getattr__`): the first screen needs only
`MainScreen`, and search, help and the dialogs are imported when opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuireader.lazy import lazy_names

if TYPE_CHECKING:
    from tuireader.ui.screens.dialogs import AddFeedDialog, ConfirmDialog
    from tuireader.ui.screens.help import HelpScreen
    from tuireader.ui.screens.main import MainScreen
    from tuireader.ui.screens.search import SearchScreen

__all__ = ["AddFeedDialog", "ConfirmDialog", "HelpScreen", "MainScreen", "SearchScreen"]

__getattr__, __dir__ = lazy_names(__name__, {
    "AddFeedDialog": ".dialogs",
    "ConfirmDialog": ".dialogs",
    "HelpScreen": ".help",
    "MainScreen": ".main",
    "SearchScreen": ".search",
})
