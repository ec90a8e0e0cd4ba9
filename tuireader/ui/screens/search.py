"""Search: results from the full-text index as you type, with highlighted snippets.

Each keystroke restarts a short timer; when typing pauses, one thread worker
queries the index (an older query still running is cancelled), so typing
never waits for SQLite.
"""

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuireader.cli_output import highlighted
from tuireader.errors import TuireaderError
from tuireader.library import Library
from tuireader.models import SearchHit
from tuireader.ui.format import row_meta
from tuireader.ui.keys import keys_of

DEBOUNCE_SECONDS = 0.2
RESULT_LIMIT = 50


class SearchScreen(ModalScreen[int | None]):
    """Dismissed with the chosen article's id, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("down", "results", "Results", show=False),
    ]

    class _Found(Message):
        def __init__(self, query: str, hits: list[SearchHit], error: str) -> None:
            super().__init__()
            self.query = query
            self.hits = hits
            self.error = error

    def __init__(self, library: Library, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.library = library
        self.clock = clock
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            # Back in the field the query stays as it was: a letter adds to it, not replaces it.
            yield Input(placeholder="Search cached articles: words, \"a phrase\", prefix*",
                        id="search-input", select_on_focus=False)
            yield Static(Text("Type to search.", style="dim"), id="search-status")
            yield OptionList(id="search-results")

    def action_close(self) -> None:
        self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        """In the results, the article list's down and up keys (j and k, or as [keys]
        has them) move, and any other letter goes on with the query, as a person typing
        means it."""
        results = self.query_one("#search-results", OptionList)
        if not results.has_focus or not event.is_printable or not event.character:
            return
        event.stop()
        keymap = self.library.config.keys
        if event.key in keys_of("cursor_down", keymap):
            results.action_cursor_down()
            return
        if event.key in keys_of("cursor_up", keymap):
            results.action_cursor_up()
            return
        field = self.query_one("#search-input", Input)
        field.focus()
        field.insert_text_at_cursor(event.character)

    def action_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            results.focus()
            results.highlighted = results.highlighted or 0

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        query = event.value
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(query))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            option = results.get_option_at_index(results.highlighted or 0)
            if option.id:
                self.dismiss(int(option.id))

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(int(event.option.id))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, query: str) -> None:
        if not query.strip():
            self.post_message(self._Found(query, [], ""))
            return
        try:
            hits = self.library.search(query, limit=RESULT_LIMIT)
        except TuireaderError as error:
            self.post_message(self._Found(query, [], str(error)))
            return
        self.post_message(self._Found(query, hits, ""))

    @on(_Found)
    def _show(self, message: _Found) -> None:
        if message.query != self.query_one("#search-input", Input).value:
            return
        status = self.query_one("#search-status", Static)
        if message.error:
            status.update(Text(message.error, style="dim"))
        elif not message.query.strip():
            status.update(Text("Type to search.", style="dim"))
        else:
            count = len(message.hits)
            status.update(Text(f"{count} result{'s' * (count != 1)}", style="dim"))
        now = self.clock()
        results = self.query_one("#search-results", OptionList)
        results.set_options([_option(hit, now) for hit in message.hits])
        if message.hits:
            results.highlighted = 0


def _option(hit: SearchHit, now: datetime) -> Option:
    row = hit.article
    prompt = Text()
    prompt.append(row.title or "(untitled)", style="bold")
    meta = row_meta(row, now)
    prompt.append("  " + meta, style="dim")
    prompt.append("\n")
    prompt.append_text(highlighted(hit.snippet))
    return Option(prompt, id=str(row.id))
