"""The reading pane: an article's renderables, drawn as lines in a scroll view.

The article is rendered once, at the pane's width, into strips; scrolling
shows a window of them (the line API). A `Static` in a scroll container
would render it twice per open (once to measure its height for the layout,
once to draw) and lay the whole screen out again.

The worker that loads an article renders its strips too (`LineRenderer`), so
the event loop only swaps lists. The pane renders again itself when its width
or colours changed in between (a resize, a theme).
"""

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.events import Resize
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class Lines:
    """Strips of one width, each padded to it in the pane's style."""

    strips: list[Strip]
    width: int
    style: Style


@dataclass(frozen=True)
class LineRenderer:
    """The pane's width and colours, read on the event loop, to render lines in a worker."""

    options: ConsoleOptions
    style: Style

    @property
    def width(self) -> int:
        return self.options.max_width

    def render(self, body: RenderableType) -> Lines:
        # A console of its own: the app's holds a lock while rendering, which frames need too.
        console = Console(markup=False, highlight=False, emoji=False, legacy_windows=False)
        segments = Segment.apply_style(console.render(body, self.options), self.style)
        lines = Segment.split_and_crop_lines(
            segments, self.width, self.style, pad=True, include_new_lines=False
        )
        return Lines([Strip(line, self.width) for line in lines], self.width, self.style)

    def fits(self, lines: Lines) -> bool:
        return lines.width == self.width and lines.style == self.style


class ReadingPane(ScrollView, can_focus=True):
    """Shows what `tuireader.render.render_article` made, or a short note."""

    def __init__(self, **kwargs: str) -> None:
        super().__init__(**kwargs)
        self._body: RenderableType = Text("Choose an article to read it here.", style="dim")
        self._lines = Lines([], 0, Style())
        self._blank = Strip.blank(0)

    def renderer(self) -> LineRenderer | None:
        """How to render lines for the pane as it is now; None before it has a size."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return None
        options = self.app.console_options.update(highlight=False, width=width, height=None)
        return LineRenderer(options, self.rich_style)

    def show(self, article: RenderableType, lines: Lines | None = None) -> None:
        """Show an article: `lines` if a worker rendered them for the pane as it still is."""
        self._body = article
        renderer = self.renderer()
        if renderer is None:
            lines = Lines([], 0, Style())  # rendered on the first resize
        elif lines is None or not renderer.fits(lines):
            lines = renderer.render(article)
        self._use(lines)
        self.scroll_home(animate=False, immediate=True)

    def note(self, text: str) -> None:
        """A one-line message in place of an article (loading, missing, an error)."""
        self.show(Text(text, style="dim"))

    def on_resize(self, _event: Resize) -> None:
        self._render_again()

    def notify_style_update(self) -> None:
        """A theme changed the pane's colours, which the strips carry."""
        super().notify_style_update()
        if self.is_mounted:
            self._render_again()

    def _render_again(self) -> None:
        renderer = self.renderer()
        if renderer is not None and not renderer.fits(self._lines):
            self._use(renderer.render(self._body))

    def _use(self, lines: Lines) -> None:
        """Show `lines` without laying the screen out again.

        Setting `virtual_size` would lay out the whole screen and repaint every
        pane; this pane's size never depends on its content, so only its
        scrollbar is told (one that comes or goes still lays out).
        """
        self._lines = lines
        self._blank = Strip.blank(lines.width, lines.style)
        size = Size(lines.width, len(lines.strips))
        self.set_reactive(ReadingPane.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        strips = self._lines.strips
        return strips[index] if 0 <= index < len(strips) else self._blank
