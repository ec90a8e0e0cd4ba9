"""Cleaned article HTML as Rich renderables, for the CLI and the Textual UI alike.

Every string from the page goes into `rich.text.Text` objects as data, never
through Rich markup, so a page saying `[bold]` or `[@click=app.quit]x[/]`
shows exactly those characters. Links keep their URL visible after the link
text, and only http(s) links become clickable. Images show as the literal
text `[image: alt]`.

`render_article_body` returns a list of renderables (one per block, with
blank lines between); wrap it in `rich.console.Group` to print it as one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group, NewLine, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from tuireader.models import Article
from tuireader.text import clean_line, clean_text, is_web_url

if TYPE_CHECKING:
    from lxml import html

WORDS_PER_MINUTE = 230
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "h1", "h2",
        "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "li", "blockquote", "pre", "table",
        "figure", "figcaption", "hr", "address", "details", "summary",
    }
)  # fmt: skip
_HEADING_STYLES = {
    "h1": Style(bold=True, underline=True),
    "h2": Style(bold=True, underline=True),
    "h3": Style(bold=True),
    "h4": Style(bold=True),
    "h5": Style(bold=True, italic=True),
    "h6": Style(bold=True, italic=True),
}
_INLINE_STYLES = {
    "b": Style(bold=True),
    "strong": Style(bold=True),
    "i": Style(italic=True),
    "em": Style(italic=True),
    "cite": Style(italic=True),
    "u": Style(underline=True),
    "ins": Style(underline=True),
    "s": Style(strike=True),
    "del": Style(strike=True),
    "code": Style(bold=True),
    "kbd": Style(bold=True),
    "mark": Style(reverse=True),
}
CAPTION_STYLE = Style(italic=True, dim=True)
URL_STYLE = Style(dim=True)
IMAGE_STYLE = Style(dim=True)
QUOTE_STYLE = Style(italic=True)
CODE_STYLE = Style(bold=True)
# Nesting deeper than this is flattened to text: no page may exhaust the stack.
_MAX_DEPTH = 40


def render_article_body(markup: str) -> list[RenderableType]:
    """Cleaned HTML as a list of renderables, blank lines between blocks."""
    from tuireader.extract.parse import parse_fragment  # lxml loads on the first article

    root = parse_fragment(markup)
    if root is None:
        return []
    return _spaced(_blocks(root, 0))


def render_article(article: Article) -> Group:
    """Header (title, source, byline, date, reading time) then the body."""
    parts: list[RenderableType] = []
    title = clean_line(article.title)
    if title:
        parts.append(Text(title, style=Style(bold=True)))
    details = [
        clean_line(article.feed_title or article.site_name),
        clean_line(article.author),
        _show_date(article.published),
        _reading_time(article.word_count),
    ]
    line = Text(" · ".join(detail for detail in details if detail), style=Style(dim=True))
    if line:
        parts.append(line)
    if is_web_url(article.url):
        parts.append(_link_text(clean_line(article.url), article.url.strip()))
    parts.append(Rule(style=Style(dim=True)))
    body = render_article_body(article.content_html) if article.content_html else []
    if not body:
        body = _spaced(_text_blocks(article.content_text or article.summary))
    parts.extend(body)
    return Group(*parts)


def _reading_time(word_count: int) -> str:
    if word_count <= 0:
        return ""
    return f"{max(1, round(word_count / WORDS_PER_MINUTE))} min read"


def _show_date(published: str | None) -> str:
    """An ISO date as `19 Nov 2019 14:03 UTC`; anything else shown cleaned."""
    if not published:
        return ""
    try:
        when = datetime.fromisoformat(published)
    except ValueError:
        return clean_line(published, 60)
    suffix = " UTC" if when.utcoffset() is not None and not when.utcoffset() else ""
    return when.strftime("%d %b %Y %H:%M") + suffix


def _text_blocks(text: str) -> list[RenderableType]:
    """Plain text (blank-line separated) as paragraphs; a fallback for bodies."""
    return [Text(block.strip()) for block in clean_text(text).split("\n\n") if block.strip()]


def _spaced(blocks: Iterable[RenderableType]) -> list[RenderableType]:
    spaced: list[RenderableType] = []
    for block in blocks:
        if spaced:
            spaced.append(NewLine())
        spaced.append(block)
    return spaced


def _tag(el: html.HtmlElement) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _blocks(container: html.HtmlElement, depth: int) -> list[RenderableType]:
    """The block renderables of a container; loose inline runs become paragraphs."""
    if depth > _MAX_DEPTH:
        text = " ".join(container.text_content().split())
        return [Text(clean_text(text))] if text else []
    blocks: list[RenderableType] = []
    run = Text()
    if container.text:
        _append_words(run, container.text, Style())

    def close_run() -> None:
        nonlocal run
        if run.plain.strip():
            blocks.append(_strip(run))
        run = Text()

    for child in container:
        tag = _tag(child)
        if tag in _BLOCK_TAGS:
            close_run()
            blocks.extend(_block(child, tag, depth + 1))
        elif tag:
            _inline(run, child, Style(), depth + 1)
        if child.tail:
            _append_words(run, child.tail, Style())
    close_run()
    return blocks


def _block(el: html.HtmlElement, tag: str, depth: int) -> list[RenderableType]:
    """One block element as zero or more renderables."""
    if tag in _HEADING_STYLES:
        text = _inline_text(el, _HEADING_STYLES[tag], depth)
        return [text] if text.plain else []
    if tag in ("ul", "ol"):
        listing = _list(el, ordered=tag == "ol", depth=depth)
        return [listing] if listing is not None else []
    if tag == "blockquote":
        inner = _spaced(_blocks(el, depth))
        return [Padding(Group(*inner), (0, 0, 0, 4), style=QUOTE_STYLE)] if inner else []
    if tag == "pre":
        code = clean_text(el.text_content()).strip("\n")
        return [Padding(Text(code, style=CODE_STYLE), (0, 0, 0, 2))] if code.strip() else []
    if tag == "table":
        table = _table(el, depth)
        return [table] if table is not None else []
    if tag == "figcaption":
        text = _inline_text(el, CAPTION_STYLE, depth)
        return [text] if text.plain else []
    if tag == "hr":
        return [Rule(style=Style(dim=True))]
    return _blocks(el, depth)


def _strip(text: Text) -> Text:
    """`text` without leading or trailing whitespace and line breaks."""
    plain = text.plain
    start = len(plain) - len(plain.lstrip())
    end = len(plain.rstrip())
    return text[start:end] if (start, end) != (0, len(plain)) else text


def _inline_text(el: html.HtmlElement, style: Style, depth: int) -> Text:
    text = Text()
    _append_contents(text, el, style, depth)
    return _strip(text)


def _append_contents(text: Text, el: html.HtmlElement, style: Style, depth: int) -> None:
    """An element's own text, its inline children and their tails, in order."""
    if el.text:
        _append_words(text, el.text, style)
    for child in el:
        if _tag(child):
            _inline(text, child, style, depth + 1)
        if child.tail:
            _append_words(text, child.tail, style)


def _inline(text: Text, el: html.HtmlElement, style: Style, depth: int) -> None:
    """Append an inline element (and its children) to `text`."""
    tag = _tag(el)
    if tag == "br":
        if text.plain.endswith(" "):
            text.right_crop(1)
        if not text.plain.endswith("\n\n"):
            text.append("\n")
        return
    if tag == "img":
        _append_image(text, el)
        return
    if depth > _MAX_DEPTH:
        _append_words(text, el.text_content(), style)
        return
    inner = style + _INLINE_STYLES.get(tag, Style())
    if tag == "a":
        _append_link(text, el, inner, depth)
        return
    _append_contents(text, el, inner, depth)


def _append_link(text: Text, el: html.HtmlElement, style: Style, depth: int) -> None:
    """Link text, clickable only for http(s), with its URL visible after it."""
    href = (el.get("href") or "").strip()
    web = is_web_url(href)
    label = _inline_text(el, style + Style(link=href, underline=True) if web else style, depth)
    if not label.plain.strip():
        if web:
            label = _link_text(clean_line(href), href)
        text.append_text(label)
        return
    _ensure_space(text)
    text.append_text(label)
    if web and not _same_url(label.plain, href):
        text.append(" (")
        text.append(clean_line(href), style=URL_STYLE + Style(link=href))
        text.append(")")


def _same_url(label: str, href: str) -> bool:
    def bare(url: str) -> str:
        return url.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")

    return bare(label) == bare(href)


def _link_text(label: str, href: str) -> Text:
    return Text(label, style=Style(link=href, underline=True))


def _append_image(text: Text, el: html.HtmlElement) -> None:
    alt = clean_line(el.get("alt") or el.get("title") or "", 300)
    _ensure_space(text)
    text.append(f"[image: {alt}]" if alt else "[image]", style=IMAGE_STYLE)


def _ensure_space(text: Text) -> None:
    if text.plain and not text.plain[-1].isspace():
        text.append(" ")


def _append_words(text: Text, value: str, style: Style) -> None:
    """Append page text with HTML whitespace rules: runs of space become one."""
    cleaned = clean_text(value)
    if not cleaned:
        return
    words = " ".join(cleaned.split())
    leading = cleaned[0].isspace()
    trailing = cleaned[-1].isspace()
    if leading and text.plain and not text.plain[-1].isspace():
        text.append(" ")
    if words:
        text.append(words, style=style)
        if trailing:
            text.append(" ")


def _list(el: html.HtmlElement, ordered: bool, depth: int) -> Table | None:
    """Bullets or numbers in a narrow column, items wrapping beside them."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column()
    number = _start(el) if ordered else 1
    for item in el:
        tag = _tag(item)
        if tag in ("ul", "ol"):
            nested = _list(item, ordered=tag == "ol", depth=depth + 1)
            if nested is not None:
                grid.add_row("", nested)
            continue
        if tag != "li":
            continue
        content = _blocks(item, depth + 1)
        if not content:
            continue
        if _only_lists(item):
            grid.add_row("", Group(*content))
            continue
        marker = f"{number}." if ordered else "•"
        grid.add_row(Text(marker), content[0] if len(content) == 1 else Group(*content))
        number += 1
    return grid if grid.row_count else None


def _only_lists(item: html.HtmlElement) -> bool:
    """An item that only wraps a nested list gets no bullet of its own."""
    children = [_tag(child) for child in item if _tag(child)]
    own_text = (item.text or "").strip() or any((child.tail or "").strip() for child in item)
    return bool(children) and not own_text and all(tag in ("ul", "ol") for tag in children)


def _start(el: html.HtmlElement) -> int:
    try:
        return int(el.get("start") or 1)
    except ValueError:
        return 1


def _table(el: html.HtmlElement, depth: int) -> Table | None:
    """A `rich.table.Table`; the first row is the header when it holds `<th>`s."""
    rows = [row for row in el.iter("tr") if _tag(row) == "tr"]
    cells = [[cell for cell in row if _tag(cell) in ("td", "th")] for row in rows]
    cells = [row for row in cells if row]
    if not cells:
        return None
    header = all(_tag(cell) == "th" for cell in cells[0])
    width = max(len(row) for row in cells)
    table = Table(show_header=header, show_lines=False)
    caption = el.find("caption")
    if caption is not None:
        table.caption = _inline_text(caption, CAPTION_STYLE, depth)
    first = cells[0] if header else []
    for index in range(width):
        title = _inline_text(first[index], Style(bold=True), depth) if index < len(first) else ""
        table.add_column(title)
    for row in cells[1:] if header else cells:
        values = [_inline_text(cell, Style(), depth) for cell in row]
        table.add_row(*values, *([""] * (width - len(values))))
    return table
