"""Metadata comes from what the page declares: meta tags, Open Graph, JSON-LD."""

from __future__ import annotations

import json

import pytest

from tuireader.extract import clean_page
from tuireader.extract.meta import to_utc_iso

URL = "https://news.example.com/section/story"
BODY = "".join(
    f"<p>Paragraph {n} of a story long enough for readability to take it as the article.</p>"
    for n in range(5)
)


def with_head(head: str) -> str:
    return f"<html><head>{head}</head><body><article>{BODY}</article></body></html>"


def test_open_graph_and_meta_tags() -> None:
    result = clean_page(
        with_head(
            "<title>Fallback title | Site</title>"
            "<meta property='og:title' content='The real headline'>"
            "<meta property='og:site_name' content='Example News'>"
            "<meta property='og:image' content='/img/lead.jpg'>"
            "<meta name='author' content='Ana Ruiz'>"
            "<meta property='article:published_time' content='2019-11-19T10:00:00-05:00'>"
        ),
        URL,
    )
    assert result.title == "The real headline"
    assert result.site_name == "Example News"
    assert result.lead_image == "https://news.example.com/img/lead.jpg"
    assert result.byline == "Ana Ruiz"
    assert result.published == "2019-11-19T15:00:00+00:00"


def test_json_ld_article_in_a_graph() -> None:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Ignored"},
            {
                "@type": "NewsArticle",
                "headline": "From JSON-LD",
                "author": [{"@type": "Person", "name": "Li Wei"}, {"name": "Sam Cole"}],
                "datePublished": "2020-02-01T08:15:00Z",
                "publisher": {"@type": "Organization", "name": "LD Times"},
                "image": {"url": "https://cdn.example.com/a.jpg"},
            },
        ],
    }
    script = f"<script type='application/ld+json'>{json.dumps(data)}</script>"
    result = clean_page(with_head(script), URL)
    assert result.title == "From JSON-LD"
    assert result.byline == "Li Wei, Sam Cole"
    assert result.published == "2020-02-01T08:15:00+00:00"
    assert result.site_name == "LD Times"
    assert result.lead_image == "https://cdn.example.com/a.jpg"


def test_missing_metadata_is_empty_and_bad_json_ld_is_ignored() -> None:
    result = clean_page(with_head("<script type='application/ld+json'>{not json</script>"), URL)
    assert (result.byline, result.site_name, result.lead_image) == ("", "", "")
    assert result.published is None


def test_metadata_is_cleaned() -> None:
    result = clean_page(
        with_head(
            "<meta property='og:title' content='Bad \x1b]0;pwned\x07 title'>"
            "<meta property='og:image' content='javascript:alert(1)'>"
        ),
        URL,
    )
    assert "\x1b" not in result.title and "\x07" not in result.title
    assert result.lead_image == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-11-19T10:00:00-05:00", "2019-11-19T15:00:00+00:00"),
        ("2019-11-19T10:00:00.123Z", "2019-11-19T10:00:00+00:00"),
        ("2019-11-19", "2019-11-19T00:00:00+00:00"),
        ("2019-11-19 10:00:00", "2019-11-19T10:00:00+00:00"),
        ("Tue, 19 Nov 2019 10:00:00 +0100", "2019-11-19T09:00:00+00:00"),
        ("20191119", "2019-11-19T00:00:00+00:00"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_dates_become_utc_iso(raw: str, expected: str | None) -> None:
    assert to_utc_iso(raw) == expected
