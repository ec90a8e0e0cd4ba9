"""The related-stories sidebar: "Same story" (other outlets' copies) first, then "Related"."""

from datetime import datetime

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuireader.models import RelatedHit
from tuireader.ui.format import row_meta
from tuireader.ui.messages import OpenArticle

OUTLETS_SHOWN = 2


def outlets_line(outlets: list[str]) -> str:
    """'Wire Service, Valley Daily +3': a few names and how many more."""
    shown = ", ".join(outlets[:OUTLETS_SHOWN])
    more = len(outlets) - OUTLETS_SHOWN
    return f"{shown} +{more}" if more > 0 else shown


class RelatedPanel(OptionList):
    """Enter (or a click) on a story opens it."""

    def looking(self) -> None:
        """Another article opened: say so in the border, and keep the list until the new one.

        Replacing the list with a note, then with the hits, would lay the
        screen out twice for each article opened.
        """
        if self.option_count and self.get_option_at_index(0).disabled and self.option_count == 1:
            self.note("Looking for related stories…")
        else:
            self.border_subtitle = "looking…"

    def show(self, hits: list[RelatedHit], outlets: list[str], now: datetime) -> None:
        self.border_subtitle = ""
        options: list[Option | None] = []
        same = [hit for hit in hits if hit.same_story]
        others = [hit for hit in hits if not hit.same_story]
        if same:
            header = Text("Same story", style="bold")
            if outlets:
                header.append("\n" + outlets_line(outlets), style="italic")
            options.append(Option(header, disabled=True))
            options.extend(_option(hit, now) for hit in same)
        if others:
            if options:
                options.append(None)
            options.append(Option(Text("Related", style="bold"), disabled=True))
            options.extend(_option(hit, now) for hit in others)
        if not options:
            options.append(Option(Text("No related stories.", style="dim"), disabled=True))
        self.set_options(options)

    def note(self, text: str) -> None:
        self.border_subtitle = ""
        self.set_options([Option(Text(text, style="dim"), disabled=True)])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(OpenArticle(int(event.option.id)))


def _option(hit: RelatedHit, now: datetime) -> Option:
    row = hit.article
    prompt = Text(row.title or "(untitled)")
    meta = row_meta(row, now)
    prompt.append("\n" + meta, style="dim")
    return Option(prompt, id=str(row.id))
