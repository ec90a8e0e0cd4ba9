"""Property tests for the feed-to-screen path: any bytes, any HTML, any title.

No exception escapes but the one each step promises (ParseError, ExtractError),
and no control character comes out the other end.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from hostile_helpers import assert_safe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tuireader.errors import ExtractError, ParseError
from tuireader.extract import clean_page
from tuireader.fetch.feeds import parse_feed
from tuireader.models import Article, ParsedEntry
from tuireader.render import render_article
from tuireader.storage import Database
from tuireader.storage import articles as article_store
from tuireader.storage import feeds as feed_store
from tuireader.text import clean_line, clean_text
from tuireader.workers import parse_feed_fast

SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

BAD_LINK = re.compile(r"""(href|src)\s*=\s*["']?\s*(javascript|data|file|vbscript):""")
NASTY = ["\x1b", "\x1b[2J", "\x1b]52;c;QUFB\x07", "\x1b]8;;http://e.test/\x1b\\", "\x07",
         "\x9b", "\x9d", "\x00", "\u202e", "\u2066", "\ud800", "\ufffe", "[/]", "[bold]",
         "[@click=app.quit]x[/]", "x[i]", "&lol;", "&#x1b;", "&#27;", "&#x9b;", "&#0;",
         "<![CDATA[", "]]>", "<", "&", "\r\n", "\t", "javascript:", "\u0085", "\u2028"]
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=20)),
                      max_size=12).map("".join)

xml_item = st.builds(
    lambda title, link, body, guid: (
        f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
        f"<description>{body}</description></item>"),
    nasty_text, st.one_of(nasty_text, st.just("http://a.test/x"), st.just("javascript:x")),
    nasty_text, nasty_text,
)
xml_feed = st.builds(
    lambda decl, title, items: (decl + f'<rss version="2.0"><channel><title>{title}</title>'
                                + "".join(items) + "</channel></rss>"),
    st.sampled_from(["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="latin-1"?>',
                     '<?xml version="1.0" encoding="utf-16"?>', '<?xml encoding="bogus"?>']),
    nasty_text, st.lists(xml_item, max_size=4),
)
feed_bytes = st.one_of(
    st.binary(max_size=400),
    xml_feed.map(lambda s: s.encode("utf-8", "surrogatepass")),
    xml_feed.map(lambda s: s.encode("utf-16", "surrogatepass")),
    st.builds(lambda t, u: json.dumps({"title": t, "items": [
        {"id": t, "url": u, "title": t, "content_html": t, "authors": u}]}).encode(),
        nasty_text, st.one_of(nasty_text, st.sampled_from(["http://a.test/", 5, None, []]))),
)


def _check_parsed(parsed) -> None:
    assert_safe(parsed.title + parsed.site, "feed")
    for entry in parsed.entries:
        assert isinstance(entry, ParsedEntry)
        assert_safe("".join([entry.guid, entry.url, entry.title, entry.author,
                             entry.summary, entry.content_text]), "entry")
        assert_safe(entry.content_html.replace("\r", ""), "entry html")
        assert entry.url == "" or entry.url.startswith(("http://", "https://"))
        entry.title.encode("utf-8")
        entry.content_html.encode("utf-8")


@SETTINGS
@given(data=feed_bytes, ctype=st.sampled_from(["", "application/rss+xml", "text/html",
                                               "application/json", "text/xml; charset=utf-16"]))
def test_any_bytes_as_a_feed(data: bytes, ctype: str) -> None:
    try:
        parsed = parse_feed(data, "http://127.0.0.1/feed", ctype)
    except ParseError as error:
        assert_safe(str(error), "parse error")
    else:
        _check_parsed(parsed)
    fast = parse_feed_fast(data, "http://127.0.0.1/feed", ctype)  # None: "ask feedparser"
    if fast is not None:
        _check_parsed(fast)


html_doc = st.builds(
    lambda head, parts: "<html><head><title>" + head + "</title></head><body>"
    + "".join(parts) + "</body></html>",
    nasty_text,
    st.lists(st.one_of(
        nasty_text.map(lambda s: f"<p>{s} {'word ' * 30}</p>"),
        nasty_text.map(lambda s: f"<a href='{s}'>{s}</a>"),
        st.sampled_from(["<a href='javascript:alert(1)'>j</a>", "<img src='data:x'>",
                         "<script>alert(1)</script>", "<style>x{}</style>", "<div>" * 50,
                         "<iframe src='file:///etc/passwd'></iframe>", "<svg onload=x>",
                         "<meta charset='utf-16'>", "<base href='javascript:x'>"]),
    ), max_size=8),
)


@SETTINGS
@given(page=st.one_of(html_doc.map(lambda s: s.encode("utf-8", "surrogatepass")),
                      st.binary(max_size=600)))
def test_any_html_as_a_page(page: bytes) -> None:
    try:
        cleaned = clean_page(page, "http://127.0.0.1/a.html")
    except ExtractError:
        return
    assert_safe(cleaned.text + cleaned.title + cleaned.byline + cleaned.site_name, "page")
    assert_safe(cleaned.html.replace("\r", ""), "page html")
    lowered = cleaned.html.lower()
    assert not BAD_LINK.search(lowered), lowered
    assert "<script" not in lowered


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(title=st.one_of(nasty_text, st.text(max_size=300)), body=nasty_text)
def test_any_title_through_storage_and_screen(tmp_path: Path, title: str, body: str) -> None:
    path = tmp_path / "prop.db"
    db = Database(path)
    try:
        clean_title = clean_line(title, 1000)
        text = clean_text(body)
        with db.transaction() as conn:
            feed, _ = feed_store.add_feed(conn, f"http://f.test/{len(title)}", clean_title)
            ids = article_store.insert_entries(conn, feed.id, clean_title, [ParsedEntry(
                guid=clean_title or "g", url="http://a.test/", title=clean_title,
                author="", published=None, summary=clean_line(body, 600),
                content_html="", content_text=text)], False)
        stored = article_store.get(db.conn, ids[0]) if ids else None
    finally:
        db.close()
    article = stored or Article(
        id=1, feed_id=None, feed_title=clean_title, feed_url="", guid="g", title=clean_title,
        url="", author="", published=None, summary="", content_html="", content_text=text,
        word_count=0, read=False, saved=False, site_name="", lead_image="",
        extract_error=None)
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, color_system=None, markup=False,
                      highlight=False, emoji=False)
    console.print(render_article(article))
    assert_safe(buffer.getvalue(), "rendered")
    if "[/]" in clean_title:
        assert "[/]" in buffer.getvalue().replace("\n", "")
