"""The reading pane: an article's renderables, drawn as lines in a scroll view.

The article is rendered once, at the pane's width, into strips; scrolling
shows a window of them (the line API). A `Static` in a scroll container
would render it twice per open (once to measure its height for the layout,
once to draw) and lay the whole screen out again.
"""

from rich.console import RenderableType
from rich.segment import Segment
from rich.text import Text
from textual.events import Resize
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class ReadingPane(ScrollView, can_focus=True):
    """Shows what `tuireader.render.render_article` made, or a short note."""

    def __init__(self, **kwargs: str) -> None:
        super().__init__(**kwargs)
        self._body: RenderableType = Text("Choose an article to read it here.", style="dim")
        self._lines: list[Strip] = []
        self._width = 0

    def show(self, article: RenderableType) -> None:
        self._set_body(article)

    def note(self, text: str) -> None:
        """A one-line message in place of an article (loading, missing, an error)."""
        self._set_body(Text(text, style="dim"))

    def _set_body(self, body: RenderableType) -> None:
        self._body = body
        self._width = 0
        self._lay_out()
        self.scroll_home(animate=False, immediate=True)
        self.refresh()

    def on_mount(self) -> None:
        self._lay_out()

    def on_resize(self, _event: Resize) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        """Render the body into strips for the current width (if it changed)."""
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        console = self.app.console
        options = self.app.console_options.update(highlight=False, width=width, height=None)
        body = self.post_render(self._body, self.rich_style)  # the pane's colours, as Static
        segments = console.render(body, options)
        self._lines = [
            Strip(line)
            for line in Segment.split_and_crop_lines(
                segments, width, include_new_lines=False, pad=False
            )
        ]
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if width != self._width:  # a scrollbar came or went: wrap again for the new width
            self.call_later(self._lay_out)
        if 0 <= index < len(self._lines):
            return self._lines[index].crop_extend(0, width, self.rich_style)
        return Strip.blank(width, self.rich_style)
