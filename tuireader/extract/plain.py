"""Block-aware plain text from cleaned HTML.

`text_content()` glues `<p>a</p><p>b</p>` into "ab"; readers and search need
"a", a blank line, "b". One walk over the tree (no recursion, so a deeply
nested page cannot overflow the stack) collects text per block.
"""

from __future__ import annotations

import re

from lxml import etree, html

from tuireader.extract.parse import parse_fragment
from tuireader.text import clean_text

BLOCK_TAGS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "pre", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr",
        "caption", "hr", "section", "article", "header", "footer", "aside", "main", "nav",
        "address", "details", "summary", "body", "html",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_SPACES = re.compile(r"[^\S\n]+")


def html_to_text(markup: str) -> str:
    """Plain text of cleaned HTML, one blank line between blocks."""
    root = parse_fragment(markup)
    return tree_to_text(root) if root is not None else ""


def tree_to_text(root: html.HtmlElement) -> str:
    """Plain text of a parsed tree, one blank line between blocks."""
    blocks: list[str] = []
    parts: list[str] = []
    in_pre = 0

    def flush() -> None:
        text = "".join(parts)
        parts.clear()
        block = _tidy_pre(text) if in_pre else _tidy(text)
        if block:
            blocks.append(block)

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                flush()
            if tag == "pre":
                in_pre += 1
            if tag == "br":
                parts.append("\n")
            elif tag in _CELL_TAGS and any(part.strip() for part in parts):
                parts.append(" | ")
            if tag and el.text:
                parts.append(el.text if in_pre else _flat(el.text))
        else:
            if tag in BLOCK_TAGS:
                flush()
            if tag == "pre":
                in_pre -= 1
            if el.tail and el is not root:
                parts.append(el.tail if in_pre else _flat(el.tail))
    flush()
    return "\n\n".join(blocks)


def _flat(text: str) -> str:
    """Source newlines outside `<pre>` are spaces; only `<br>` breaks a line."""
    return text.replace("\n", " ")


def _tidy(text: str) -> str:
    """Collapse spaces; `<br><br>` (an empty line) starts a new paragraph."""
    lines = [_SPACES.sub(" ", line).strip() for line in clean_text(text).split("\n")]
    paragraphs = "\n".join(lines).split("\n\n")
    return "\n\n".join(
        "\n".join(line for line in paragraph.split("\n") if line)
        for paragraph in paragraphs
        if paragraph.strip()
    )


def _tidy_pre(text: str) -> str:
    lines = [line.rstrip() for line in clean_text(text).split("\n")]
    return "\n".join(lines).strip("\n")
