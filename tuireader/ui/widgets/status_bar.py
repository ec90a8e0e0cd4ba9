"""One line at the bottom: what the app is doing, and what went wrong."""

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    """Refresh progress, offline notes and per-feed errors; always plain text."""

    def say(self, message: str, style: str = "") -> None:
        self.update(Text(message, style=style, no_wrap=True, overflow="ellipsis"))
