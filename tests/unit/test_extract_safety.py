"""clean_page output is safe, and hostile input only ever raises ExtractError."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.errors import ExtractError
from tuireader.extract import clean_page

URL = "https://news.example.com/story"
PARAGRAPH = (
    "The council met on Thursday evening to discuss the new budget for the coming year, "
    "and agreed after a long debate to keep the library open on Sundays."
)


def story(inner: str) -> str:
    paragraphs = "".join(f"<p>{PARAGRAPH} Part {n}.</p>" for n in range(4))
    return f"<html><body><article>{paragraphs}{inner}</article></body></html>"


def test_active_content_is_removed() -> None:
    hostile = (
        "<p onclick='steal()' onmouseover='steal()' style='x'>Click <a href='javascript:steal()'>"
        "here now</a> or <a href='data:text/html,hi'>there</a> for the full council minutes "
        "of the meeting.</p><script>steal()</script><style>p{}</style>"
        "<iframe src='https://evil.example.com'></iframe><form action='/x'><input name='q'></form>"
        "<object data='x.swf'></object><embed src='x.swf'><img src='javascript:steal()' alt='x'>"
        "<svg onload='steal()'></svg>"
    )
    result = clean_page(story(hostile), URL)
    lowered = result.html.lower()
    for bad in ("<script", "<style", "<iframe", "<form", "<input", "<object", "<embed", "<svg",
                "onclick", "onmouseover", "onload", "javascript:", "data:", "style="):  # fmt: skip
        assert bad not in lowered
    assert "steal()" not in result.text
    assert PARAGRAPH in result.text


def test_only_http_images_survive() -> None:
    images = (
        "<p>Figures from the meeting are shown below for readers who want the detail.</p>"
        "<img src='/chart.png' alt='chart'><img src='file:///etc/passwd' alt='local'>"
    )
    result = clean_page(story(images), URL)
    assert 'src="https://news.example.com/chart.png"' in result.html
    assert "file:" not in result.html


def test_terminal_control_characters_are_stripped() -> None:
    nasty = (
        "<p>Budget \x1b[31mred\x1b[0m bell\x07 osc\x1b]52;c;aGk=\x07 c1\x9b done and dusted.</p>"
    )
    result = clean_page(story(nasty), URL)
    for char in ("\x1b", "\x07", "\x9b"):
        assert char not in result.text
        assert char not in result.html


def test_bytes_use_the_declared_charset() -> None:
    page = story("").replace("<body>", "<head><meta charset='iso-8859-1'></head><body>")
    page = page.replace("library", "bibliothèque")
    result = clean_page(page.encode("iso-8859-1"), URL)
    assert "bibliothèque" in result.text


def test_bytes_with_a_bom_and_bad_bytes_decode() -> None:
    data = b"\xef\xbb\xbf" + story("<p>caf\xc3\xa9 and \xff\xfe broken bytes here.</p>").encode(
        "latin-1"
    )
    result = clean_page(data, URL)
    assert "café" in result.text


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        b"",
        b"\x00\x01\x02\xff" * 100,
        "just some text with no markup at all",
        "<html></html>",
        "<html><body></body></html>",
        "<html><body><script>only()</script></body></html>",
        '<?xml version="1.0" encoding="utf-8"?><html><body></body></html>',
        "<div>" * 10_000,
    ],
    ids=range(10),
)
def test_no_article_raises_extract_error(junk: str | bytes) -> None:
    with pytest.raises(ExtractError):
        clean_page(junk, URL)


def test_deeply_nested_page_is_handled() -> None:
    deep = "<div>" * 5_000 + f"<p>{PARAGRAPH}</p>" * 3 + "</div>" * 5_000
    try:
        result = clean_page(f"<html><body>{deep}</body></html>", URL)
    except ExtractError:
        return
    assert PARAGRAPH in result.text


def test_xml_declaration_in_text_is_accepted() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>' + story("")
    assert PARAGRAPH in clean_page(page, URL).text


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=400), st.binary(max_size=400)))
def test_any_input_gives_a_page_or_extract_error(data: str | bytes) -> None:
    with contextlib.suppress(ExtractError):
        clean_page(data, URL)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<a href='x'>", "</a>",
                                 "<table>", "<td>", "<li>", "word ", "&amp;", "<!--", "-->",
                                 "<script>", "\x1b", "<br>"]), max_size=80))  # fmt: skip
def test_tag_soup_gives_a_page_or_extract_error(pieces: list[str]) -> None:
    try:
        result = clean_page("<html><body>" + "".join(pieces), URL)
    except ExtractError:
        return
    assert "\x1b" not in result.text
