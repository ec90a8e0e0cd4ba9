"""Article extraction: a page or a feed's HTML in, the story as safe HTML and text out.

The names load on first use (module `__getattr__`), so importing a submodule
such as `tuireader.extract.parse` does not import readability and the
cleaning code: the app's start has no need of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuireader.lazy import lazy_names

if TYPE_CHECKING:
    from tuireader.extract.clean import clean_fragment, clean_page
    from tuireader.extract.plain import html_to_text

__all__ = ["clean_fragment", "clean_page", "html_to_text"]

__getattr__, __dir__ = lazy_names(
    __name__, {"clean_fragment": ".clean", "clean_page": ".clean", "html_to_text": ".plain"}
)
