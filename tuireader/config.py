"""Settings from `config.toml`, read with tomllib, with defaults for everything.

A missing file is written with the defaults and comments on first run, so a
person can see what can be changed. A broken file is a clear error, not a
traceback.
"""

import tomllib
from dataclasses import dataclass, field, replace
from typing import Any

from tuireader.errors import UserError
from tuireader.models import Limits
from tuireader.paths import Paths

DEFAULT_FEEDS: list[tuple[str, str]] = [
    ("https://feeds.bbci.co.uk/news/rss.xml", "BBC News"),
    ("https://feeds.npr.org/1001/rss.xml", "NPR News"),
    ("https://www.theguardian.com/world/rss", "The Guardian: World"),
    ("https://feeds.arstechnica.com/arstechnica/index", "Ars Technica"),
    ("https://hnrss.org/frontpage", "Hacker News"),
]

DEFAULT_CONFIG_TEXT = """\
# tuireader settings. Delete a line to get its default back.

[network]
jobs = 16               # feeds and pages fetched at once (also per host)
connect_timeout = 10    # seconds
read_timeout = 20       # seconds between bytes
total_timeout = 60      # seconds for one whole download
max_feed_mb = 10        # a larger feed is refused (compressed or not)
max_page_mb = 5         # a larger article page is refused

[articles]
fetch_pages = true      # fetch and clean each new article's page
keep_days = 180         # older unsaved articles are pruned (0 = keep forever)
keep_per_feed = 2000    # at most this many unsaved articles per feed (0 = no limit)

[ui]
theme = ""              # a Textual theme name; empty = remember the last one

# Key bindings: command = "keys"; the help screen (?) names every command. E.g.
# [keys]
# refresh_all = "R,f5"

# The feeds a new profile starts with ([[feeds]] tables with url and title).
"""


@dataclass(frozen=True)
class Config:
    """Everything a person can set."""

    limits: Limits = field(default_factory=Limits)
    fetch_pages: bool = True
    keep_days: int = 180
    keep_per_feed: int = 2000
    theme: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    default_feeds: list[tuple[str, str]] = field(default_factory=lambda: list(DEFAULT_FEEDS))


def load_config(paths: Paths) -> Config:
    """Read config.toml (writing the commented defaults if it is missing)."""
    path = paths.config_file
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_default_text(not paths.chosen), encoding="utf-8")
        except OSError:
            return Config(default_feeds=[] if paths.chosen else list(DEFAULT_FEEDS))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UserError(f"cannot read {path}: {error}") from None
    return config_from_dict(data)


def _default_text(with_feeds: bool) -> str:
    """The commented defaults; a chosen data dir starts with no feeds."""
    feeds = "".join(
        f'\n[[feeds]]\nurl = "{url}"\ntitle = "{title}"\n' for url, title in DEFAULT_FEEDS
    )
    return DEFAULT_CONFIG_TEXT + (feeds if with_feeds else "")


def config_from_dict(data: dict[str, Any]) -> Config:
    """Validate and convert; a wrong type names the setting."""
    network = _table(data, "network")
    articles = _table(data, "articles")
    ui = _table(data, "ui")
    mb = 1024 * 1024
    limits = Limits(
        jobs=_number(network, "jobs", 16, 1, 256),
        connect_timeout=_number(network, "connect_timeout", 10.0, 0.1, 600),
        read_timeout=_number(network, "read_timeout", 20.0, 0.1, 600),
        total_timeout=_number(network, "total_timeout", 60.0, 0.5, 3600),
        max_feed_bytes=int(_number(network, "max_feed_mb", 10.0, 0.01, 1024) * mb),
        max_page_bytes=int(_number(network, "max_page_mb", 5.0, 0.01, 1024) * mb),
    )
    keys = _table(data, "keys")
    feeds = data.get("feeds", [])
    if not isinstance(feeds, list):
        raise UserError("config.toml: [[feeds]] must be a list of tables")
    default_feeds = [
        (str(item["url"]), str(item.get("title", "")))
        for item in feeds
        if isinstance(item, dict) and isinstance(item.get("url"), str)
    ]
    return replace(
        Config(),
        limits=limits,
        fetch_pages=bool(articles.get("fetch_pages", True)),
        keep_days=int(_number(articles, "keep_days", 180, 0, 100000)),
        keep_per_feed=int(_number(articles, "keep_per_feed", 2000, 0, 10**9)),
        theme=str(ui.get("theme", "")),
        keys={str(k): str(v) for k, v in keys.items()},
        default_feeds=default_feeds,
    )


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise UserError(f"config.toml: [{name}] must be a table")
    return value


def _number(table: dict[str, Any], key: str, default: Any, low: float, high: float) -> Any:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"config.toml: {key} must be a number")
    if not low <= value <= high:
        raise UserError(f"config.toml: {key} must be between {low:g} and {high:g}")
    return type(default)(value)
