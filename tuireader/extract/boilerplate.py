"""Find what is not the story: general rules, no per-site knowledge.

Three kinds of evidence, all cheap on an lxml tree:

* names: class/id/role/aria words that sites use for widgets (share, social,
  comment, newsletter, related, promo, byline, caption, credit, ad, nav...);
* tags that never hold the story (nav, aside, form, button...);
* the text of short blocks: "Share post:", "Please enter your comment!",
  "Read more: ...", "(Photo: ...)", a repeated byline or dateline.

A name match never removes what holds most of the page's text, so a site
that calls its article wrapper `content-with-sidebar` keeps its story.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import html

# Whole class/id words (split on -, _, spaces and camelCase) that name boilerplate.
_NOISE_WORDS = frozenset(
    {
        "share", "sharing", "sharer", "shares", "social", "socials", "comment", "comments",
        "disqus", "newsletter", "newsletters", "subscribe", "subscription", "signup",
        "related", "recommended", "recommendations", "recirc", "promo", "promos",
        "promoted", "sponsor", "sponsored", "advert", "advertisement", "advertising", "ad",
        "ads", "adsbygoogle", "dfp", "gpt", "taboola", "outbrain", "byline", "bylines",
        "caption", "captions", "credit", "credits", "nav", "navbar", "navigation", "menu",
        "submenu", "breadcrumb", "breadcrumbs", "footer", "header", "masthead", "sidebar",
        "popup", "modal", "cookie", "cookies", "consent", "tags", "taglist", "topics",
        "author", "authors", "bio", "avatar", "widget", "widgets", "trending", "popular",
        "toolbar", "tools", "print", "login", "skip", "paywall", "meta", "dateline",
        "timestamp", "follow", "rating", "reactions", "pagination", "pager", "jump",
        "tooltip", "popover", "rollover", "hovercard",
    }
)  # fmt: skip
# Whole class tokens for text that is not shown to sighted readers.
_HIDDEN_CLASSES = frozenset(
    {
        "hidden", "hide", "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text",
        "screenreader", "offscreen", "element-invisible", "invisible", "d-none",
    }
)  # fmt: skip
# Class tokens that describe the page, not the element (WordPress post classes).
_DESCRIPTIVE_PREFIXES = (
    "tag-",
    "category-",
    "format-",
    "status-",
    "type-",
    "postid-",
    "has-",
    "no-",
)
_NOISE_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "toolbar",
     "dialog", "alertdialog", "tablist"}
)  # fmt: skip
# Tags that never hold the story; `form` is not here because some sites wrap
# the whole page in one.
NOISE_TAGS = frozenset(
    {
        "script", "style", "link", "noscript", "template", "svg", "iframe", "button", "input",
        "select", "textarea", "nav", "aside", "canvas", "video", "audio", "object", "embed",
        "label", "dialog", "figcaption", "footer", "header", "menu",
    }
)  # fmt: skip
# Embedded posts quoted by the story: they and their wrappers are named after
# the network ("twitter-tweet", "social-media-embed"), which reads as a widget.
_EMBED_CLASSES = re.compile(r"tweet|instagram-media|tiktok-embed|bluesky-embed|fb-post", re.I)
_EMBED_WRAPPERS = re.compile(r"embed|tweet|twitter|instagram|social|media", re.I)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Never text a reader sees; removed before anything is measured.
_CODE_TAGS = frozenset({"script", "style", "link", "noscript", "template", "svg", "meta"})
# Below this much paragraph text a page is not written in <p>s; count all text.
_MIN_PARAGRAPH_CHARS = 400
# A wrapper holding this share of the text is the story, whatever its name.
PROTECT_SHARE = 0.4


def class_words(el: html.HtmlElement) -> set[str]:
    """The words of an element's class and id, e.g. `shareBar-top` -> {share, bar, top}."""
    words: set[str] = set()
    for token in f"{el.get('class') or ''} {el.get('id') or ''}".split():
        if token.lower().startswith(_DESCRIPTIVE_PREFIXES):
            continue
        words.update(_SPLIT.split(_CAMEL.sub(r"\1 \2", token).lower()))
    words.discard("")
    return words


def is_hidden(el: html.HtmlElement) -> bool:
    """Not rendered for sighted readers: `hidden`, display:none, sr-only classes."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    if style and _DISPLAY_NONE.search(style):
        return True
    classes = (el.get("class") or "").lower().split()
    return any(token in _HIDDEN_CLASSES for token in classes)


def is_noise(el: html.HtmlElement) -> bool:
    """Does this element's tag or name say it is a widget, not the story?"""
    tag = el.tag
    if tag in NOISE_TAGS:
        return True
    if (el.get("role") or "").lower() in _NOISE_ROLES:
        return True
    return not _NOISE_WORDS.isdisjoint(class_words(el))


def unmark_embeds(root: html.HtmlElement) -> None:
    """Strip the names of quoted posts and their wrappers so no rule drops them.

    A tweet the story quotes is part of the story, but readability and our
    own name rules would both take `twitter-tweet` for a widget.
    """
    for quote in root.iter("blockquote"):
        if not _EMBED_CLASSES.search(quote.get("class") or ""):
            continue
        el = quote
        for _ in range(4):
            if el is quote or _EMBED_WRAPPERS.search(f"{el.get('class')} {el.get('id')}"):
                el.attrib.pop("class", None)
                el.attrib.pop("id", None)
            el = el.getparent()
            if el is None or el.tag in ("body", "article", "main"):
                break


def remove_noise(root: html.HtmlElement, protect_share: float = PROTECT_SHARE) -> None:
    """Drop hidden and boilerplate elements below `root`, keeping the story's wrappers.

    Code and hidden text go first, so they do not count as text. An element
    holding `protect_share` or more of the paragraph text (or an
    `itemprop=articleBody`) is kept whatever its name; only its noisy
    children go.
    """
    for el in _walk(root):
        if el.tag in _CODE_TAGS or is_hidden(el):
            el.drop_tree()
    measure = _paragraph_chars
    total = measure(root)
    if total < _MIN_PARAGRAPH_CHARS:
        measure = _all_chars
        total = measure(root)
    floor = protect_share * total
    for el in _walk(root):
        if is_noise(el) and not _holds_story(el, measure, floor):
            el.drop_tree()


def largest_block(root: html.HtmlElement) -> html.HtmlElement:
    """The element with the most text of its own or in its `<p>` children.

    The rescue when readability finds nothing: it ignores names and hiding,
    so a page that hides its story until a script runs still gives it.
    """
    for el in _walk(root):
        if el.tag in _CODE_TAGS:
            el.drop_tree()
    scores: dict[html.HtmlElement, int] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        own = len((el.text or "").strip()) + sum(len((child.tail or "").strip()) for child in el)
        if own:
            scores[el] = scores.get(el, 0) + own
        parent = el.getparent()
        if el.tag == "p" and parent is not None:
            scores[parent] = scores.get(parent, 0) + len(el.text_content())
    return max(scores, key=scores.__getitem__, default=root)


def _paragraph_chars(el: html.HtmlElement) -> int:
    """Text in the paragraphs below `el`: stories are paragraphs, menus are not."""
    return sum(len(p.text_content()) for p in el.iter("p"))


def _all_chars(el: html.HtmlElement) -> int:
    return len(el.text_content())


def _holds_story(
    el: html.HtmlElement, measure: Callable[[html.HtmlElement], int], floor: float
) -> bool:
    if el.get("itemprop") == "articleBody" or el.find(".//*[@itemprop='articleBody']") is not None:
        return True
    return floor > 0 and measure(el) >= floor


def _walk(root: html.HtmlElement) -> Iterator[html.HtmlElement]:
    """Elements below `root` in document order; a removed element's subtree is skipped."""
    stack = list(reversed(root))
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        yield el
        if el.getparent() is not None:
            stack.extend(reversed(el))
