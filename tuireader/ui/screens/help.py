"""Help: every binding in force (after config.toml's [keys]), and what it does."""

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuireader.ui.keys import COMMANDS, keys_for

EXTRA_KEYS = (
    ("up, down", "Move in a list, or scroll the article"),
    ("pageup, pagedown", "Page through a list"),
    ("ctrl+p", "Command palette: every command by name"),
    ("escape", "Close a dialog, search or this help"),
    ("mouse", "Click to choose, wheel to scroll"),
)


class HelpScreen(ModalScreen[None]):
    """A table of keys; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim")
        for command in COMMANDS:  # the id is the name [keys] in config.toml takes
            table.add_row(
                Text(keys_for(command, self.keymap)), Text(command.description), command.id
            )
        for keys, description in EXTRA_KEYS:
            table.add_row(Text(keys), Text(description))
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            yield Static(table)
            yield Static(Text("Change keys in config.toml under [keys] by the names on the"
                              ' right, e.g. refresh_all = "R,f5". Press escape to close.',
                              style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
