"""What the app remembers between runs: theme and last position, in `state.json`.

A missing or broken file is an empty state, never an error: losing the last
position is better than refusing to start.
"""

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class UiState:
    """The theme, the feed list entry (`all`, `unread`, `saved`, `feed-ID`) and the article."""

    theme: str = ""
    place: str = "all"
    article_id: int | None = None


def load_state(path: Path) -> UiState:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(data, dict):
        return UiState()
    article_id = data.get("article_id")
    return UiState(
        theme=str(data.get("theme") or ""),
        place=str(data.get("place") or "all"),
        article_id=article_id if isinstance(article_id, int) else None,
    )


def save_state(path: Path, state: UiState) -> None:
    """Write atomically (a temp file renamed), so a crash never leaves half a file."""
    data = asdict(state)
    temp = path.with_suffix(".tmp")
    try:
        temp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        pass
