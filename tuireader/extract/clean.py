"""Clean a whole web page into its story, and a feed's HTML into safe HTML."""

from __future__ import annotations

import copy

from lxml import etree, html
from readability import Document
from readability.readability import Unparseable

from tuireader.errors import ExtractError
from tuireader.extract.boilerplate import largest_block, remove_noise, unmark_embeds
from tuireader.extract.meta import PageMeta, read_meta
from tuireader.extract.parse import parse_document, parse_fragment
from tuireader.extract.plain import tree_to_text
from tuireader.extract.sanitize import sanitize
from tuireader.extract.tidy import tidy_article
from tuireader.models import CleanedPage

# Less text than this means readability missed the story (a page that hides
# its text until a script runs, or no paragraph structure at all).
_MIN_TEXT = 100
# Errors lxml and readability raise on hostile input; all become ExtractError.
_PARSE_ERRORS = (etree.LxmlError, Unparseable, ValueError, TypeError, RecursionError)


def clean_page(page: str | bytes, url: str) -> CleanedPage:
    """The story of a full article page and nothing else, as safe HTML and text."""
    try:
        return _clean_page(page, url)
    except ExtractError:
        raise
    except _PARSE_ERRORS as exc:
        raise ExtractError(f"unreadable page ({exc.__class__.__name__})") from exc


class _Readability(Document):
    """readability-lxml on a tree we already parsed and stripped.

    Its own `_parse` deep-copies the tree through lxml's Cleaner and rewrites
    every link of the page, which costs as much as the rest of the work; we
    removed scripts and styles already and resolve the few kept links later.
    """

    def _parse(self, tree: html.HtmlElement) -> html.HtmlElement:
        self.encoding = "utf-8"
        return copy.deepcopy(tree)


def _clean_page(page: str | bytes, url: str) -> CleanedPage:
    root = parse_document(page)
    meta = read_meta(root, url)
    unmark_embeds(root.body)
    remove_noise(root.body)
    article = _readable(root)
    remove_noise(article)
    tidy_article(article, meta)
    body = sanitize(article, url)
    text = tree_to_text(body)
    if len(text) < _MIN_TEXT:
        rescue = sanitize(largest_block(parse_document(page)), url)
        rescued = tree_to_text(rescue)
        if len(rescued) > len(text):
            body, text = rescue, rescued
    if not text:
        raise ExtractError("no article text found")
    return _page(body, text, meta)


def _readable(root: html.HtmlElement) -> html.HtmlElement:
    """readability's pick as a tree; an empty `<div>` when it found nothing."""
    article = parse_fragment(_Readability(root).summary(html_partial=True))
    return article if article is not None else html.Element("div")


def _page(body: html.HtmlElement, text: str, meta: PageMeta) -> CleanedPage:
    return CleanedPage(
        html=html.tostring(body, encoding="unicode"),
        text=text,
        title=meta.title,
        byline=meta.byline,
        published=meta.published,
        site_name=meta.site_name,
        lead_image=meta.lead_image,
    )


def clean_fragment(markup: str, base_url: str) -> CleanedPage:
    """A feed's own HTML made safe, with its text; never raises."""
    try:
        root = parse_fragment(markup)
        if root is None:
            return CleanedPage(html="", text="")
        body = sanitize(root, base_url)
        return CleanedPage(html=html.tostring(body, encoding="unicode"), text=tree_to_text(body))
    except _PARSE_ERRORS:
        return CleanedPage(html="", text="")
