"""Small dialogs: add a feed (validated by the library) and confirm a removal."""

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tuireader.errors import TuireaderError
from tuireader.library import Library
from tuireader.models import Feed


class AddFeedDialog(ModalScreen[tuple[Feed, bool] | None]):
    """Asks for a feed address; the library's message is shown when it is refused.
    Dismissed with the feed and whether it is new (False: already subscribed)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    class _Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class _Added(Message):
        def __init__(self, feed: Feed, is_new: bool) -> None:
            super().__init__()
            self.feed = feed
            self.is_new = is_new

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Add a feed"
            yield Input(placeholder="https://example.com/feed.xml", id="feed-url")
            yield Static(Text("The feed's address (http or https), then enter.", style="dim"),
                         id="add-feed-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="add")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def _submit(self) -> None:
        self._add(self.query_one("#feed-url", Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="add-feed", exit_on_error=False)
    def _add(self, url: str) -> None:
        try:
            feed, is_new = self.library.add_feed(url)
        except TuireaderError as error:
            self.post_message(self._Refused(str(error)))
            return
        self.post_message(self._Added(feed, is_new))

    @on(_Refused)
    def _refused(self, message: _Refused) -> None:
        self.query_one("#add-feed-message", Static).update(Text(message.reason, style="bold"))
        self.query_one("#feed-url", Input).focus()

    @on(_Added)
    def _added(self, message: _Added) -> None:
        self.dismiss((message.feed, message.is_new))


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; y says yes, n or escape no. The focus starts on No, so enter
    (or a stray key) never says yes by accident."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Confirm"
            yield Static(Text(self.question))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
