"""The reading pane: an article's renderables in a scrollable container."""

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class ReadingPane(VerticalScroll):
    """Shows what `tuireader.render.render_article` made, or a short note."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Choose an article to read it here.", style="dim"), id="article-body")

    def show(self, article: RenderableType) -> None:
        self.query_one("#article-body", Static).update(article)
        self.scroll_home(animate=False)

    def note(self, text: str) -> None:
        """A one-line message in place of an article (loading, missing, an error)."""
        self.query_one("#article-body", Static).update(Text(text, style="dim"))
        self.scroll_home(animate=False)
