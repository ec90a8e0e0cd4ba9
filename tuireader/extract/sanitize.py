"""Make an lxml subtree safe to store and show: an allowlist, not a denylist.

Only tags a reader needs survive; anything that runs code, loads another
page or asks for input is dropped with its content; unknown wrappers are
unwrapped so their text stays. Links and images keep only absolute http(s)
URLs, resolved against the page address.
"""

from __future__ import annotations

from lxml import etree, html

from tuireader.extract.meta import resolve_url
from tuireader.text import clean_text

# Dropped with everything inside them.
DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
        "embed", "applet", "form", "input", "button", "select", "option", "textarea",
        "svg", "math", "canvas", "audio", "video", "source", "track", "map", "link",
        "meta", "head", "title", "base", "dialog", "portal", "param", "label",
    }
)  # fmt: skip
# Kept as they are (minus attributes); every other tag is unwrapped.
KEEP_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt",
        "dd", "blockquote", "pre", "code", "kbd", "samp", "var", "em", "i", "strong", "b",
        "u", "s", "del", "ins", "mark", "small", "sub", "sup", "q", "cite", "abbr", "time",
        "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "th",
        "td", "caption", "div",
    }
)  # fmt: skip
_KEEP_ATTRS = {
    "td": ("colspan", "rowspan"),
    "th": ("colspan", "rowspan"),
    "ol": ("start",),
    "abbr": ("title",),
    "time": ("datetime",),
}
_LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-url")


def sanitize(root: html.HtmlElement, base_url: str) -> html.HtmlElement:
    """Rewrite `root` in place to the safe subset (as a `<div>`) and return it."""
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity)):
        _remove_keep_tail(el)
    unwrap = []
    stack = [root]
    while stack:
        el = stack.pop()
        _clean_strings(el)
        tag = el.tag.lower()
        _clean_attributes(el, tag, base_url)
        if el is not root and tag not in KEEP_TAGS:
            unwrap.append(el)
        for child in list(el):
            child_tag = child.tag.lower() if isinstance(child.tag, str) else ""
            unsafe = not child_tag or child_tag in DROP_TAGS
            if unsafe or (child_tag == "img" and not _fix_image(child, base_url)):
                _remove_keep_tail(child)
            else:
                stack.append(child)
    for el in unwrap:
        el.drop_tag()
    root.tag = "div"
    root.attrib.clear()
    return root


def _clean_attributes(el: html.HtmlElement, tag: str, base_url: str) -> None:
    """Keep the few attributes a reader needs; links become absolute http(s)."""
    if tag == "img":
        return
    if tag == "a":
        href = resolve_url(el.get("href"), base_url)
        el.attrib.clear()
        if href:
            el.set("href", href)
        return
    kept = _KEEP_ATTRS.get(tag, ())
    for name in list(el.attrib):
        if name in kept:
            el.set(name, clean_text(el.get(name)))
        else:
            del el.attrib[name]


def _clean_strings(el: html.HtmlElement) -> None:
    if el.text:
        el.text = clean_text(el.text)
    if el.tail:
        el.tail = clean_text(el.tail)


def _fix_image(img: html.HtmlElement, base_url: str) -> bool:
    """Keep an image only with an http(s) source; lazy-loading sources count."""
    src = ""
    for name in ("src", *_LAZY_SRC):
        candidate = img.get(name) or ""
        if candidate and not candidate.startswith("data:"):
            src = resolve_url(candidate, base_url)
            if src:
                break
    alt = clean_text(img.get("alt") or "").strip()
    img.attrib.clear()
    if not src:
        return False
    img.set("src", src)
    if alt:
        img.set("alt", alt)
    return True


def _remove_keep_tail(el: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
