"""OPML 2.0 in and out; folders come from outline nesting or `category`."""

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from lxml import etree

from tuireader.errors import UserError
from tuireader.models import Feed
from tuireader.text import clean_line, is_web_url
from tuireader.timeutil import now_iso


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str
    folder: str


def parse_opml(data: bytes) -> tuple[list[OpmlFeed], int]:
    """Every http(s) feed in an OPML document, and how many feed entries were left out
    (no web address: javascript:, file:, a relative path); no entity or network access.
    A feed in nested folders is in their path, "Tech/Linux", so nothing of them is lost."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        recover=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise UserError(f"not an OPML file: {error}") from None
    if root is None or root.find("body") is None:
        raise UserError("not an OPML file: no <body>")
    found: list[OpmlFeed] = []
    skipped = _walk(root.find("body"), "", found)
    return found, skipped


def _walk(node: etree._Element, folder: str, found: list[OpmlFeed]) -> int:
    """Collect the feeds under `node` into `found`; the number left out."""
    skipped = 0
    for outline in node.iterfind("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        title = clean_line(outline.get("title") or outline.get("text") or "", 300)
        if url:
            if is_web_url(url):
                category = (outline.get("category") or "").strip("/").split(",")[0]
                found.append(OpmlFeed(url, title, folder or clean_line(category, 100)))
            else:
                skipped += 1
        else:
            inner = f"{folder}/{title}" if folder and title else title or folder
            skipped += _walk(outline, clean_line(inner, 100), found)
    return skipped


def build_opml(feeds: list[Feed]) -> str:
    """An OPML 2.0 document, feeds grouped in folder outlines."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        "    <title>tuireader subscriptions</title>",
        f"    <dateCreated>{now_iso()}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    folders: dict[str, list[Feed]] = {}
    for feed in feeds:
        folders.setdefault(feed.folder, []).append(feed)
    for folder, members in folders.items():
        indent = "    "
        if folder:
            lines.append(f"    <outline text={_attr(folder)} title={_attr(folder)}>")
            indent = "      "
        for feed in members:
            title = feed.title or feed.url
            site = f" htmlUrl={_attr(feed.site)}" if feed.site else ""
            lines.append(
                f'{indent}<outline type="rss" text={_attr(title)} title={_attr(title)}'
                f" xmlUrl={_attr(feed.url)}{site}/>"
            )
        if folder:
            lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _attr(value: str) -> str:
    return quoteattr(clean_line(value, 2000))
