"""Parse downloaded feed bytes: RSS 0.9x/1.0/2.0 and Atom via feedparser, JSON Feed via json.

Parsing never touches the network: feedparser is given bytes, never a URL.
Everything that comes out is plain, cleaned text plus safe HTML, so nothing
downstream has to distrust it again.
"""

import hashlib
import io
import json
from typing import Any
from urllib.parse import urljoin

import feedparser

from tuireader.errors import ParseError
from tuireader.extract import clean_fragment, html_to_text
from tuireader.models import ParsedEntry, ParsedFeed
from tuireader.text import clean_line, is_web_url
from tuireader.timeutil import from_struct, parse_iso

MAX_ENTRIES = 1000
SUMMARY_CHARS = 600
# feedparser costs 15-30 µs of CPU per tag, escaped or not: a document with
# more tags than a real feed (a 1,000-item full-text feed has ~200,000) is
# refused before it can keep a worker busy for minutes.
MAX_TAGS = 250_000

# feedparser resolves relative links and sanitizes HTML itself; these keep it
# from ever reaching out to the network or expanding what it was not given.
feedparser.RESOLVE_RELATIVE_URIS = 1
feedparser.SANITIZE_HTML = 1


def parse_feed(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Bytes of a feed document to a ParsedFeed; raises ParseError with the reason."""
    if not data.strip():
        raise ParseError("empty response: no feed")
    if _looks_like_json(data, content_type):
        return _parse_json_feed(data, url)
    return _parse_xml_feed(data, url, content_type)


def _looks_like_json(data: bytes, content_type: str) -> bool:
    head = data.lstrip()[:1]
    return "json" in content_type.lower() or head in (b"{", b"[")


def _parse_xml_feed(data: bytes, url: str, content_type: str) -> ParsedFeed:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    if data.count(b"<") + data.count(b"&lt;") > MAX_TAGS:
        raise ParseError(f"too complex: more than {MAX_TAGS:,} tags")
    try:
        # A stream, never bare bytes: feedparser opens bytes that name a file
        # (a body of "/etc/passwd" or "/dev/zero") as a local path.
        parsed = feedparser.parse(
            io.BytesIO(data), response_headers=headers, sanitize_html=True
        )
    except Exception as error:  # feedparser wraps many parsers; any failure is a bad feed
        raise ParseError(f"cannot parse the feed: {error}") from None
    if not parsed.entries and not parsed.get("version"):
        if "html" in content_type.lower() or data.lstrip()[:20].lower().startswith(
            (b"<!doctype html", b"<html")
        ):
            raise ParseError("got an HTML page, not a feed")
        reason = parsed.get("bozo_exception")
        raise ParseError(f"not a feed{': ' + str(reason) if reason else ''}")
    feed = parsed.feed
    title = _text_field(feed, "title")
    site = _web(feed.get("link", ""), url)
    entries = [_xml_entry(entry, url) for entry in parsed.entries[:MAX_ENTRIES]]
    return ParsedFeed(title=title, site=site, entries=_unique(entries))


def _xml_entry(entry: Any, feed_url: str) -> ParsedEntry:
    link = _web(entry.get("link", ""), feed_url)
    title = _text_field(entry, "title")
    body = ""
    if entry.get("content"):
        body = max((c.get("value", "") for c in entry.content), key=len)
    summary_html = entry.get("summary", "") or ""
    published = from_struct(entry.get("published_parsed") or entry.get("updated_parsed"))
    author = clean_line(entry.get("author", ""), 200)
    guid = entry.get("id") or ""
    return make_entry(guid, link, title, author, published, summary_html, body, feed_url)


def _parse_json_feed(data: bytes, url: str) -> ParsedFeed:
    try:
        doc = json.loads(data.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as error:
        raise ParseError(f"invalid JSON Feed: {error}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items", []), list):
        raise ParseError("not a JSON Feed: no items list")
    entries = []
    for item in doc.get("items", [])[:MAX_ENTRIES]:
        if isinstance(item, dict):
            entries.append(_json_entry(item, url))
    return ParsedFeed(
        title=clean_line(_str(doc.get("title")), 300),
        site=_web(_str(doc.get("home_page_url")), url),
        entries=_unique(entries),
    )


def _json_entry(item: dict[str, Any], feed_url: str) -> ParsedEntry:
    link = _web(_str(item.get("url")) or _str(item.get("external_url")), feed_url)
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict)
                                      else [])
    if not isinstance(authors, list):
        authors = []
    names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
    body = _str(item.get("content_html"))
    if not body and item.get("content_text"):
        body = "<p>" + _escape(_str(item.get("content_text"))) + "</p>"
    summary = _str(item.get("summary"))
    published = parse_iso(_str(item.get("date_published")) or _str(item.get("date_modified")))
    return make_entry(
        _str(item.get("id")), link, clean_line(_str(item.get("title")), 1000),
        clean_line(", ".join(n for n in names if n), 200), published,
        _escape(summary) if summary else "", body, feed_url,
    )


def make_entry(
    guid: str, link: str, title: str, author: str, published: str | None,
    summary_html: str, body_html: str, base: str,
) -> ParsedEntry:
    """Shared tail of every parser (feedparser's, JSON Feed's, the workers' fast one):
    stable guid, cleaned content, plain summary. With no separate body (most news
    feeds) one cleaning of the summary gives the stored HTML, the text and the summary."""
    content = clean_fragment(body_html or summary_html, link or base)
    if body_html and summary_html:
        summary_text = clean_fragment(summary_html, link or base).text
    else:
        summary_text = content.text
    summary = clean_line(summary_text, SUMMARY_CHARS)
    if not title:
        title = clean_line(summary_text, 120) or link or "(untitled)"
    guid = clean_line(str(guid), 1000) or link or _hash(title, published or "", summary)
    return ParsedEntry(
        guid=guid, url=link, title=title, author=author, published=published,
        summary=summary, content_html=content.html, content_text=content.text,
    )


def _unique(entries: list[ParsedEntry]) -> list[ParsedEntry]:
    """A feed that repeats a guid keeps its first entry, as a reader would."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if entry.guid not in seen:
            seen.add(entry.guid)
            kept.append(entry)
    return kept


def _text_field(source: Any, name: str) -> str:
    value = source.get(name, "") or ""
    detail = source.get(f"{name}_detail") or {}
    if "html" in str(detail.get("type", "")) and "<" in value:
        value = html_to_text(value)
    return clean_line(value, 1000)


def _web(link: str, base: str) -> str:
    """Absolute http(s) link, or '' when the feed gave something else."""
    link = (link or "").strip()
    if not link:
        return ""
    try:
        absolute = urljoin(base, link)
    except ValueError:
        return ""
    return absolute if is_web_url(absolute) else ""


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _hash(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()
