"""The demo server serves parseable feeds, their pages, 304s and 404s.

The demo is the app's offline showcase and a fixture for the fetch, extract and
related-stories code, so these tests pin the content's promises too: the
shared stories, the near-duplicate, the boilerplate page, the one dead link.
"""

import re
from collections.abc import Iterator

import feedparser
import httpx
import pytest

from tuireader.demo import DemoServer

FARM_BRIDGE_SLUG = "cf-holloway-bridge-what-drivers-need-to-know"
MISSING_PAGE = "/articles/vd-obituary-delacroix.html"
FARM_BRIDGE = f"/articles/{FARM_BRIDGE_SLUG}.html"
WIRE_BRIDGE = "/articles/wire-holloway-bridge-closure.html"


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=5) as http:
        yield http


def _item_links(client: httpx.Client, server: DemoServer) -> list[str]:
    """Every article link in every feed, in feed order."""
    links: list[str] = []
    for url in server.feed_urls:
        response = client.get(url)
        if url.endswith(".json"):
            links += [item["url"] for item in response.json()["items"]]
        else:
            links += [entry.link for entry in feedparser.parse(response.content).entries]
    return links


def _text(html: str) -> str:
    """Page text with tags dropped and entities for quotes/ampersands resolved."""
    text = re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&").replace("&#x27;", "'")
    return re.sub(r"\s+", " ", text)


def test_lists_four_feeds_on_loopback(server: DemoServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert [title for _url, title in server.feeds] == [
        "Valley Daily",
        "Wire Service",
        "Content Farm News",
        "Tech Ledger",
    ]
    assert server.feed_urls == [url for url, _title in server.feeds]
    assert all(url.startswith(server.base_url + "/feeds/") for url in server.feed_urls)


@pytest.mark.parametrize(
    ("index", "version", "media_type", "count"),
    [
        (0, "rss20", "application/rss+xml", 8),
        (1, "atom10", "application/atom+xml", 8),
        (2, "rss10", "application/rdf+xml", 7),
    ],
)
def test_xml_feeds_parse_with_their_items(
    server: DemoServer,
    client: httpx.Client,
    index: int,
    version: str,
    media_type: str,
    count: int,
) -> None:
    url, title = server.feeds[index]
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    assert parsed.feed.title == title
    assert len(parsed.entries) == count
    for entry in parsed.entries:
        assert entry.title and entry.get("summary") and entry.get("author")
        # RSS 1.0 dates its items with dc:date, which feedparser calls "updated".
        date = entry.get("published_parsed") or entry.get("updated_parsed")
        assert entry.id and date.tm_year == 2026
        assert entry.link.startswith(server.base_url + "/articles/")
    assert len({entry.id for entry in parsed.entries}) == count


def test_json_feed_is_valid_1_1(server: DemoServer, client: httpx.Client) -> None:
    # feedparser 6.0 reads no JSON Feed, so check the document directly.
    url, title = server.feeds[3]
    response = client.get(url)
    assert response.headers["content-type"] == "application/feed+json; charset=utf-8"
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == title
    assert feed["feed_url"] == url
    items = feed["items"]
    assert len(items) == 7
    assert len({item["id"] for item in items}) == 7
    for item in items:
        assert item["title"] and item["summary"] and item["authors"][0]["name"]
        assert item["date_published"].startswith("2026-")
        assert item["url"].startswith(server.base_url + "/articles/")


def test_placeholder_is_replaced_everywhere(server: DemoServer, client: httpx.Client) -> None:
    for url in [*server.feed_urls, server.base_url + FARM_BRIDGE]:
        body = client.get(url).text
        assert "{base}" not in body
        assert server.base_url in body


def test_every_item_link_is_served_but_one(server: DemoServer, client: httpx.Client) -> None:
    links = _item_links(client, server)
    assert len(links) == 30
    assert len(set(links)) == 30
    missing = []
    for link in links:
        response = client.get(link)
        if response.status_code == 404:
            missing.append(link)
            continue
        assert response.status_code == 200, link
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "<article" in response.text
    assert missing == [server.base_url + MISSING_PAGE]


def test_etag_match_gives_304(client: httpx.Client) -> None:
    first = client.get(WIRE_BRIDGE)
    etag = first.headers["etag"]
    again = client.get(WIRE_BRIDGE, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get(WIRE_BRIDGE, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = client.get(WIRE_BRIDGE, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200
    assert stale.content == first.content


def test_if_modified_since_gives_304_only_when_current(client: httpx.Client) -> None:
    last_modified = client.get("/feeds/wire.xml").headers["last-modified"]
    current = client.get("/feeds/wire.xml", headers={"If-Modified-Since": last_modified})
    assert current.status_code == 304
    old = "Sun, 01 Mar 2026 00:00:00 GMT"
    assert client.get("/feeds/wire.xml", headers={"If-Modified-Since": old}).status_code == 200
    garbage = client.get("/feeds/wire.xml", headers={"If-Modified-Since": "yesterday"})
    assert garbage.status_code == 200
    # A failed ETag comparison wins over a matching date.
    both = client.get(
        "/feeds/wire.xml",
        headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified},
    )
    assert both.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/", "/feeds/nope.xml", "/articles/nope.html", "/articles/../server.py", MISSING_PAGE],
)
def test_unknown_paths_are_404(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404


def test_head_sends_headers_without_body(client: httpx.Client) -> None:
    full = client.get("/feeds/techledger.json")
    head = client.head("/feeds/techledger.json")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(full.content))
    assert head.headers["etag"] == full.headers["etag"]


def test_content_farm_page_is_buried_in_boilerplate(client: httpx.Client) -> None:
    page = _text(client.get(FARM_BRIDGE).text)
    for marker in (
        "Share post:",
        "Facebook",
        "Twitter",
        "Photo: Stock image",
        "Jessica is a passionate writer",
        "More like this",
        "Please enter your comment!",
        "Please enter your name here",
        "Advertisement",
        "READ ALSO:",
    ):
        assert marker in page, marker
    assert "41,000 vehicles a day over the Kessel River" in page
    assert "Brennan & Osei Construction" in page


def test_content_farm_bridge_story_is_a_near_duplicate_of_the_wire(client: httpx.Client) -> None:
    def paragraphs(path: str) -> list[str]:
        body = client.get(path).text
        return [_text(p).strip() for p in re.findall(r"<p>(.*?)</p>", body, re.S)]

    wire = [p for p in paragraphs(WIRE_BRIDGE) if len(p) > 80]
    farm = set(paragraphs(FARM_BRIDGE))
    copied = [p for p in wire if p in farm]
    assert 4 <= len(copied) < len(wire)  # mostly verbatim, lightly edited and trimmed


@pytest.mark.parametrize(
    ("pages", "facts"),
    [
        (
            ["vd-holloway-bridge-shuts", "wire-holloway-bridge-closure", FARM_BRIDGE_SLUG],
            [
                "Holloway Bridge",
                "14 weeks",
                "March 16",
                "41,000",
                "$23.6 million",
                "Mill Street Bridge",
                "Dana Whitcombe",
                "Brennan & Osei",
            ],
        ),
        (
            [
                "vd-council-kessel-line",
                "wire-port-alder-transit-vote",
                "cf-kessel-line-five-things",
            ],
            [
                "Kessel Line",
                "6-3",
                "$184 million",
                "9.2 miles",
                "14 stations",
                "Tomas Ekwueme",
                "340 parking spaces",
            ],
        ),
        (
            [
                "wire-halvorsen-chip-plant",
                "tl-halvorsen-mature-nodes",
                "vd-halvorsen-grenville-jobs",
                "cf-chip-factory-jobs",
            ],
            [
                "Halvorsen",
                "Grenville Township",
                "$4.2 billion",
                "1,800",
                "640",
                "2029",
                "Anders Kettering",
            ],
        ),
        (
            [
                "wire-kessel-power-breach",
                "tl-kessel-power-breach-api-key",
                "cf-were-you-hacked-kessel-power",
            ],
            ["Kessel Valley Power", "212,000", "Tallis Billing Systems", "18,500", "24 months"],
        ),
    ],
)
def test_shared_stories_agree_on_the_facts(
    client: httpx.Client, pages: list[str], facts: list[str]
) -> None:
    titles = set()
    for slug in pages:
        html = client.get(f"/articles/{slug}.html").text
        text = _text(html)
        for fact in facts:
            assert fact in text, (slug, fact)
        titles.add(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))
    assert len(titles) == len(pages)  # same story, different headlines


def test_stop_closes_the_socket() -> None:
    server = DemoServer().start()
    url = server.feed_urls[0]
    assert httpx.get(url).status_code == 200
    server.stop()
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)
    with pytest.raises(RuntimeError):
        _ = server.base_url


def test_servers_get_their_own_ports() -> None:
    with DemoServer() as first, DemoServer() as second:
        assert first.base_url != second.base_url
        body = httpx.get(second.feed_urls[1]).text
        assert second.base_url in body and first.base_url not in body
