"""Article extraction: a page or a feed's HTML in, the story as safe HTML and text out.

The names load on first use (module `__getattr__`), so importing a submodule
such as `tuireader.extract.parse` does not import readability and the
cleaning code: the app's start has no need of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuireader.extract.clean import clean_fragment, clean_page
    from tuireader.extract.plain import html_to_text

__all__ = ["clean_fragment", "clean_page", "html_to_text"]

_HOMES = {
    "clean_fragment": "tuireader.extract.clean",
    "clean_page": "tuireader.extract.clean",
    "html_to_text": "tuireader.extract.plain",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
