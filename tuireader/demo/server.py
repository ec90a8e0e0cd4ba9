"""A loopback HTTP server for the demo feeds and pages.

The demo must work with no internet and exercise the same code paths as real
feeds: HTTP fetches, content types, conditional GET (ETag / Last-Modified ->
304), a page that is gone (404). So rather than loading the files directly,
the app starts this server on 127.0.0.1 and subscribes to its URLs.

Nothing happens at import time: the content is read and the socket bound only
in `DemoServer.start()`.
"""

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

# (file in content/feeds, feed title, media type), in the order the app lists them.
FEEDS: tuple[tuple[str, str, str], ...] = (
    ("valleydaily.xml", "Valley Daily", "application/rss+xml"),
    ("wire.xml", "Wire Service", "application/atom+xml"),
    ("contentfarm.xml", "Content Farm News", "application/rdf+xml"),
    ("techledger.json", "Tech Ledger", "application/feed+json"),
)
# The content never changes, so one fixed date keeps Last-Modified stable across
# runs and lets a client's stored validator earn a 304 after a restart.
LAST_MODIFIED = datetime(2026, 3, 13, tzinfo=UTC)
_LAST_MODIFIED_HEADER = format_datetime(LAST_MODIFIED, usegmt=True)
# Feeds and pages contain this placeholder wherever an absolute URL is needed.
_BASE_PLACEHOLDER = "{base}"


@dataclass(frozen=True)
class _Resource:
    """One servable document, rendered for this server's base URL."""

    body: bytes
    content_type: str
    etag: str


def _resource(text: str, media_type: str) -> _Resource:
    body = text.encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return _Resource(body, f"{media_type}; charset=utf-8", etag)


def _load(base_url: str) -> dict[str, _Resource]:
    """Map every served path to its document, with `{base}` filled in."""
    content = files("tuireader.demo") / "content"
    resources: dict[str, _Resource] = {}
    for name, _title, media_type in FEEDS:
        text = (content / "feeds" / name).read_text(encoding="utf-8")
        resources[f"/feeds/{name}"] = _resource(
            text.replace(_BASE_PLACEHOLDER, base_url), media_type
        )
    for page in (content / "articles").iterdir():
        if page.name.endswith(".html"):
            text = page.read_text(encoding="utf-8")
            resources[f"/articles/{page.name}"] = _resource(
                text.replace(_BASE_PLACEHOLDER, base_url), "text/html"
            )
    return resources


def _etag_matches(header: str, etag: str) -> bool:
    """RFC 9110 weak comparison, as If-None-Match requires."""
    if header.strip() == "*":
        return True
    candidates = (tag.strip().removeprefix("W/") for tag in header.split(","))
    return etag in candidates


def _not_modified_since(header: str) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False  # an unparseable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since >= LAST_MODIFIED


class _Server(ThreadingHTTPServer):
    """Carries the rendered documents to the request handlers."""

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.resources: dict[str, _Resource] = {}


class _Handler(BaseHTTPRequestHandler):
    """Serves `_Server.resources` read-only; everything else is a 404."""

    server: _Server
    # Keep-alive: the app fetches thirty pages from one host. Headers and body
    # go out in two writes, so without TCP_NODELAY each response would wait
    # ~40 ms on the client's delayed ACK.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: a log line would scribble over the TUI."""

    def _respond(self, send_body: bool) -> None:
        resource = self.server.resources.get(urlsplit(self.path).path)
        if resource is None:
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", send_body)
            return
        if self._is_fresh(resource):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", resource.etag)
            self.send_header("Last-Modified", _LAST_MODIFIED_HEADER)
            self.end_headers()
            return
        self._send(HTTPStatus.OK, resource.body, resource.content_type, send_body, resource)

    def _is_fresh(self, resource: _Resource) -> bool:
        """Whether the client's cached copy is current (If-None-Match wins)."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return _etag_matches(if_none_match, resource.etag)
        if_modified_since = self.headers.get("If-Modified-Since")
        return if_modified_since is not None and _not_modified_since(if_modified_since)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        send_body: bool,
        resource: _Resource | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if resource is not None:
            self.send_header("ETag", resource.etag)
            self.send_header("Last-Modified", _LAST_MODIFIED_HEADER)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class DemoServer:
    """The demo's feeds and pages, served from 127.0.0.1 in a daemon thread.

    `with DemoServer() as server:` binds a free port, so several servers (one
    per test, say) never collide; `server.feeds` lists what to subscribe to.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._address = (host, port)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    def start(self) -> Self:
        """Bind, render the content for the bound port, and serve; idempotent."""
        if self._httpd is not None:
            return self
        httpd = _Server(self._address)
        host, port = httpd.server_address[:2]
        base_url = f"http://{host!s}:{port}"
        try:
            httpd.resources = _load(base_url)
        except BaseException:
            httpd.server_close()
            raise
        # A short poll interval: stop() waits up to one interval, and the app
        # stops the server on its way out.
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="tuireader-demo-server",
            daemon=True,
        )
        thread.start()
        self._httpd, self._thread, self._base_url = httpd, thread, base_url
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket; safe to call twice."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        httpd.shutdown()
        httpd.server_close()
        thread.join()
        self._httpd = self._thread = self._base_url = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`, without a trailing slash."""
        if self._base_url is None:
            raise RuntimeError("DemoServer is not running; call start() first")
        return self._base_url

    @property
    def feeds(self) -> list[tuple[str, str]]:
        """`(url, title)` for each demo feed, in display order."""
        return [(f"{self.base_url}/feeds/{name}", title) for name, title, _type in FEEDS]

    @property
    def feed_urls(self) -> list[str]:
        return [url for url, _title in self.feeds]
