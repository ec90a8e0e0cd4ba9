"""One line at the bottom: what the app is doing, and what went wrong."""

from rich.text import Text
from textual.widgets import Static

from tuireader.text import clean_line

# Longer lines are cut: the bar shows one line of the terminal's width anyway.
MAX_CHARS = 400


class StatusBar(Static):
    """Refresh progress, offline notes and per-feed errors; always plain text."""

    def say(self, message: str, style: str = "") -> None:
        """Show one line; feed titles, URLs and server errors in it are made safe here."""
        line = clean_line(message, MAX_CHARS)
        self.update(Text(line, style=style, no_wrap=True, overflow="ellipsis"))
