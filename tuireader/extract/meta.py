"""Article metadata from what a page declares about itself.

Open Graph, `<meta>` tags and JSON-LD are what publishers fill in for search
engines and social cards, so they are far more reliable than guessing from
the visible text. Every value is cleaned of control characters here, once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import html

from tuireader.text import clean_line, is_web_url

_TITLE_KEYS = ("og:title", "twitter:title", "title", "dc.title", "headline")
_AUTHOR_KEYS = (
    "author",
    "article:author",
    "dc.creator",
    "byl",
    "parsely-author",
    "sailthru.author",
)
_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dc.date",
    "parsely-pub-date",
    "sailthru.date",
    "dcterms.created",
)
_SITE_KEYS = ("og:site_name", "application-name", "twitter:site")
_IMAGE_KEYS = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "image")
_ARTICLE_TYPES = frozenset({"article", "newsarticle", "blogposting", "reportagenewsarticle"})


@dataclass(frozen=True)
class PageMeta:
    """What a page says about its article; "" (or None for a date) when silent."""

    title: str = ""
    byline: str = ""
    published: str | None = None
    site_name: str = ""
    lead_image: str = ""


def read_meta(root: html.HtmlElement, url: str) -> PageMeta:
    """Collect metadata from meta tags, Open Graph and JSON-LD of a parsed page."""
    tags = _meta_tags(root)
    ld = _json_ld_article(root)
    title = _first(tags, _TITLE_KEYS) or _ld_text(ld.get("headline")) or _page_title(root)
    byline = _ld_names(ld.get("author")) or _first_person(tags)
    published = _first_date([*(tags.get(key, "") for key in _DATE_KEYS), ld.get("datePublished")])
    if published is None:
        published = _first_date(el.get("datetime") for el in root.iterfind(".//time[@datetime]"))
    site = _first(tags, _SITE_KEYS) or _ld_names(ld.get("publisher"))
    image = _first_url(
        [*(tags.get(key, "") for key in _IMAGE_KEYS), *_ld_urls(ld.get("image"))], url
    )
    return PageMeta(
        title=clean_line(title, 500),
        byline=clean_line(byline, 300),
        published=published,
        site_name=clean_line(site.lstrip("@"), 200),
        lead_image=image,
    )


def _meta_tags(root: html.HtmlElement) -> dict[str, str]:
    """Lower-cased `name`/`property`/`itemprop` -> first non-empty content."""
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or ""
        value = (el.get("content") or "").strip()
        key = key.strip().lower()
        if key and value and key not in found:
            found[key] = value
    return found


def _first(tags: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((tags[key] for key in keys if tags.get(key)), "")


def _first_person(tags: dict[str, str]) -> str:
    """An author meta value that names a person, not a profile URL."""
    for key in _AUTHOR_KEYS:
        value = tags.get(key, "")
        if value and not value.lower().startswith(("http://", "https://", "www.")):
            return value
    return ""


def _page_title(root: html.HtmlElement) -> str:
    for path in (".//title", ".//h1"):
        el = root.find(path)
        if el is not None:
            text = el.text_content().strip()
            if text:
                return text
    return ""


def _json_ld_objects(root: html.HtmlElement) -> Iterator[dict]:
    """Every JSON object in the page's JSON-LD scripts, `@graph`s flattened."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))


def _json_ld_article(root: html.HtmlElement) -> dict:
    """The JSON-LD object describing the article, or {}."""
    fallback: dict = {}
    for item in _json_ld_objects(root):
        kinds = item.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        names = {kind.lower() for kind in kinds if isinstance(kind, str)}
        if names & _ARTICLE_TYPES or any(name.endswith("article") for name in names):
            return item
        if not fallback and "webpage" in names:
            fallback = item
    return fallback


def _ld_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _ld_names(value: object) -> str:
    """A name, a `{"name": ...}` object or a list of them, as "A, B"."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip() and not is_web_url(name):
            names.append(name.strip())
    return ", ".join(dict.fromkeys(names))


def _ld_urls(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    urls = []
    for item in items:
        found = item.get("url") if isinstance(item, dict) else item
        if isinstance(found, str):
            urls.append(found)
    return urls


def _first_url(candidates: list[str], base: str) -> str:
    for candidate in candidates:
        resolved = resolve_url(candidate, base)
        if resolved:
            return resolved
    return ""


def resolve_url(value: str | None, base: str) -> str:
    """An absolute http(s) URL for `value` relative to `base`, or ""."""
    value = (value or "").strip()
    if not value or value.startswith("#"):
        return ""
    try:
        absolute = urljoin(base, value) if base else value
    except ValueError:
        return ""
    return absolute if is_web_url(absolute) else ""


def _first_date(values: Iterable[object]) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            parsed = to_utc_iso(value)
            if parsed:
                return parsed
    return None


def to_utc_iso(value: str) -> str | None:
    """A date as `YYYY-MM-DDTHH:MM:SS+00:00` in UTC; naive times count as UTC."""
    value = value.strip()
    when: datetime | None = None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = _compact_date(value)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC).replace(microsecond=0).isoformat()
    except (OverflowError, ValueError):
        return None


def _compact_date(value: str) -> datetime | None:
    """`20191119` or `2019-11-19 10:00:00 -0500`-like dates fromisoformat misses."""
    for layout in ("%Y%m%d", "%Y%m%d%H%M%S", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S.%f%z"):
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    return None
