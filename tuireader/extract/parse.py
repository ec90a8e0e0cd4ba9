"""Turn untrusted bytes or text into one lxml tree, or say why not.

Everything downstream works on the tree this module returns, so a page is
parsed once. lxml wants bytes with a known encoding (a `str` carrying an XML
encoding declaration is refused), so text is re-encoded as UTF-8 first.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree, html

from tuireader.errors import ExtractError

# Pages larger than this are cut: nothing readable needs more, and libxml2's
# time and memory grow with it.
MAX_CHARS = 8_000_000

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9._:-]+)""", re.I)
_PARSER = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def decode(data: bytes) -> str:
    """Bytes to text: a BOM wins, then a `<meta charset>`, else UTF-8.

    Undecodable bytes become U+FFFD instead of failing the page.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    match = _META_CHARSET.search(data[:4096])
    encoding = "utf-8"
    if match:
        try:
            encoding = codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            encoding = "utf-8"
    if encoding.startswith("utf-16") or encoding.startswith("utf-32"):
        # A page that says UTF-16 in ASCII bytes is not UTF-16.
        encoding = "utf-8"
    return data.decode(encoding, "replace")


def _encode(text: str) -> bytes:
    return text[:MAX_CHARS].encode("utf-8", "replace")


def parse_document(page: str | bytes) -> html.HtmlElement:
    """A whole page as an `<html>` tree; `ExtractError` when it is not HTML."""
    text = decode(page) if isinstance(page, bytes) else page
    if not isinstance(text, str) or not text.strip():
        raise ExtractError("empty page")
    if "<" not in text[:MAX_CHARS]:
        raise ExtractError("not HTML")
    try:
        root = html.document_fromstring(_encode(text), parser=_PARSER)
    except (etree.LxmlError, ValueError) as exc:
        raise ExtractError(f"unparseable HTML ({exc.__class__.__name__})") from exc
    if not isinstance(root, html.HtmlElement) or root.find("body") is None:
        raise ExtractError("no body in page")
    return root


def parse_fragment(markup: str) -> html.HtmlElement | None:
    """A snippet of HTML (a feed's content) inside one `<div>`; None if unusable."""
    if not markup or not markup.strip():
        return None
    try:
        return html.fragment_fromstring(_encode(markup), create_parent="div", parser=_PARSER)
    except (etree.LxmlError, ValueError):
        return None
