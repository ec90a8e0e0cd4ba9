"""The start-up yardstick: a bare three-pane Textual app showing the same text.

    python tests/benchmarks/bare_app.py LINES.json

`bench_start.py` times it beside tuireader, run for run, so the figure for
our own start-up work (tuireader's time less this one's) is read on the
same machine at the same moment. It draws three bordered option lists
(feeds, article titles, an empty reading pane) from a JSON file of
{"feeds": [...], "titles": [...]}: the screen bench_start calls full, with
nothing of tuireader imported: no database, no queries.
"""

import json
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Header, OptionList, Static


class BareApp(App[None]):
    CSS_PATH = "bare_app.tcss"

    def __init__(self, feeds: list[str], titles: list[str]) -> None:
        super().__init__()
        self.feeds = feeds
        self.titles = titles

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(*self.feeds, classes="pane")
            yield OptionList(*self.titles, classes="pane")
            yield Static("Choose an article to read it here.", classes="pane")
        yield Footer()


def main() -> None:
    lines = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    BareApp(lines["feeds"], lines["titles"]).run()


if __name__ == "__main__":
    main()
