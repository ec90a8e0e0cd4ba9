"""Small feed and page documents for tests, written here so each test shows its data."""

from xml.sax.saxutils import escape

RFC822 = "Tue, 10 Nov 2026 09:00:00 GMT"


def rss(title: str, items: list[dict[str, str]], link: str = "http://example.test/") -> str:
    body = "".join(
        "<item>"
        f"<title>{escape(item['title'])}</title>"
        f"<link>{escape(item.get('link', ''))}</link>"
        + (f"<guid>{escape(item['guid'])}</guid>" if "guid" in item else "")
        + f"<pubDate>{item.get('date', RFC822)}</pubDate>"
        f"<description>{escape(item.get('summary', ''))}</description>"
        "</item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>{body}</channel></rss>"
    )


def atom(title: str, items: list[dict[str, str]]) -> str:
    body = "".join(
        "<entry>"
        f"<title>{escape(item['title'])}</title>"
        f'<link href="{escape(item["link"])}"/>'
        f"<id>{escape(item.get('guid', item['link']))}</id>"
        "<updated>2026-11-10T09:00:00Z</updated>"
        f"<summary>{escape(item.get('summary', ''))}</summary>"
        "</entry>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test</id>"
        "<updated>2026-11-10T09:00:00Z</updated>"
        f"{body}</feed>"
    )


def rdf(title: str, items: list[dict[str, str]]) -> str:
    body = "".join(
        f'<item rdf:about="{escape(item["link"])}">'
        f"<title>{escape(item['title'])}</title><link>{escape(item['link'])}</link>"
        f"<description>{escape(item.get('summary', ''))}</description>"
        "<dc:date>2026-11-10T09:00:00Z</dc:date></item>"
        for item in items
    )
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="http://example.test/"><title>{escape(title)}</title>'
        "<link>http://example.test/</link><description>d</description></channel>"
        f"{body}</rdf:RDF>"
    )


def page(title: str, paragraphs: list[str]) -> str:
    """An article page with some site chrome around the story."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title>"
        f'<meta property="og:site_name" content="Example Daily"></head><body>'
        '<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>'
        f"<main><article><h1>{escape(title)}</h1>{body}</article></main>"
        "<footer>Copyright Example Daily. All rights reserved.</footer></body></html>"
    )


STORY = [
    "The harbour authority closed the old swing bridge on Monday after inspectors found"
    " cracks in two of its steel girders, diverting some 14,000 daily crossings.",
    "Engineers said the cracks were discovered during a routine ultrasound survey and that"
    " the bridge would stay shut for at least six weeks while repairs are designed.",
    "Ferry operators added extra sailings between the north and south quays, and the city"
    " asked commuters to allow an extra half hour for journeys across the river.",
    "The bridge, which opened in 1931, was last refurbished in 2004 at a cost of nine million.",
]
