"""Article extraction: a page or a feed's HTML in, the story as safe HTML and text out."""

from tuireader.extract.clean import clean_fragment, clean_page
from tuireader.extract.plain import html_to_text

__all__ = ["clean_fragment", "clean_page", "html_to_text"]
