"""Every command of the app in one table: its keys, its help line, its palette entry.

One table feeds the bindings, the help screen and the command palette, so
they cannot disagree. The `id` of each entry is both the action name and the
binding id, which is what `[keys]` in config.toml names to change its keys
(Textual's keymap).
"""

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    """One thing a person can do, and the keys that do it by default."""

    id: str
    keys: str
    description: str
    footer: str = ""  # the short label when the footer shows it
    palette: bool = True  # False where Textual's own commands already offer it (Quit)


COMMANDS: tuple[Command, ...] = (
    Command("cursor_down", "j", "Move down"),
    Command("cursor_up", "k", "Move up"),
    Command("open", "enter", "Open the article"),
    Command("next_pane", "tab", "Next pane"),
    Command("previous_pane", "shift+tab", "Previous pane"),
    Command("next_unread", "n", "Next unread article"),
    Command("previous_unread", "p", "Previous unread article"),
    Command("page_down", "space", "Page the article down"),
    Command("page_up", "b", "Page the article up"),
    Command("top", "g,home", "Go to the top"),
    Command("bottom", "G,end", "Go to the bottom"),
    Command("search", "slash", "Search cached articles", footer="Search"),
    Command("refresh_feed", "r", "Refresh this feed"),
    Command("refresh_all", "R", "Refresh all feeds", footer="Refresh"),
    Command("toggle_saved", "s", "Save or unsave the article"),
    Command("toggle_read", "m", "Mark the article read or unread"),
    Command("mark_all_read", "A", "Mark every article here read"),
    Command("open_browser", "o", "Open the article in the browser"),
    Command("copy_link", "y", "Copy the article's link"),
    Command("add_feed", "a", "Add a feed"),
    Command("remove_feed", "d", "Remove this feed"),
    Command("toggle_related", "backslash", "Show or hide related stories"),
    Command("toggle_theme", "ctrl+t", "Switch dark and light theme"),
    Command("help", "question_mark", "Help: every key", footer="Help"),
    Command("quit", "q", "Quit", footer="Quit", palette=False),
)

BY_ID = {command.id: command for command in COMMANDS}


def bindings() -> list[Binding]:
    """The screen's bindings; ids let config.toml's [keys] change them."""
    return [
        Binding(command.keys, command.id, command.footer or command.description,
                show=bool(command.footer), tooltip=command.description, id=command.id)
        for command in COMMANDS
    ]


def keymap_problems(keymap: dict[str, str]) -> list[str]:
    """What in config.toml's [keys] will not do what it says: a name that is no
    command (Textual ignores it), and a key that two commands now share (one of
    them loses it)."""
    problems = []
    unknown = sorted(name for name in keymap if name not in BY_ID)
    if unknown:
        problems.append(
            f"[keys] {', '.join(unknown)}: no such command (ignored). The commands are: "
            + ", ".join(BY_ID)
        )
    owners: dict[str, list[str]] = {}
    for command in COMMANDS:
        for key in sorted(keys_of(command.id, keymap)):
            owners.setdefault(key, []).append(command.id)
    problems += [
        f"[keys] {_display(key)} is the key of both {' and '.join(ids)}"
        for key, ids in owners.items() if len(ids) > 1
    ]
    return problems


def keys_for(command: Command, keymap: dict[str, str]) -> str:
    """The keys in force for a command, as a person would type them."""
    keys = _keys(command, keymap)
    return ", ".join(_display(key.strip()) for key in keys.split(",") if key.strip())


def keys_of(command_id: str, keymap: dict[str, str]) -> set[str]:
    """The keys in force for a command, as Textual names them ("j", "down")."""
    return {key.strip() for key in _keys(BY_ID[command_id], keymap).split(",") if key.strip()}


def _keys(command: Command, keymap: dict[str, str]) -> str:
    """A command's keys in force: an empty [keys] entry leaves the defaults, as in Textual."""
    return keymap.get(command.id) or command.keys


_NAMES = {"slash": "/", "question_mark": "?", "backslash": "\\", "space": "space"}


def _display(key: str) -> str:
    return _NAMES.get(key, key)
