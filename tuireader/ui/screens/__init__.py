"""The app's screens and dialogs."""

from tuireader.ui.screens.dialogs import AddFeedDialog, ConfirmDialog
from tuireader.ui.screens.help import HelpScreen
from tuireader.ui.screens.main import MainScreen
from tuireader.ui.screens.search import SearchScreen

__all__ = ["AddFeedDialog", "ConfirmDialog", "HelpScreen", "MainScreen", "SearchScreen"]
