"""A loopback feed farm: N feeds of M items and their article pages on 127.0.0.1.

Every request waits a set latency (an asyncio sleep, so hundreds of slow
requests are held at once) before the answer. Feeds carry an ETag and a
Last-Modified and answer 304 to a matching conditional GET; pages are
5-20 KB of HTML with navigation, scripts, related links and comments around
the story. HTTP/1.1 keep-alive, GET only, Content-Length bodies.

The farm runs in its own process (`FeedFarm` starts and stops it) so that
serving does not take the GIL from the client being measured. Run by hand:
`python tests/benchmarks/feed_farm.py --feeds 20 --items 5 --latency 0.1`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from types import TracebackType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from cache_builder import Corpus, article_page, make_items, rss_document

LAST_MODIFIED = format_datetime(datetime(2026, 11, 20, 12, tzinfo=UTC), usegmt=True)
MAX_REQUESTS = 10_000_000  # a bound on the serving loop of one connection


@dataclass(frozen=True)
class Doc:
    body: bytes
    content_type: str
    etag: str


def _doc(text: str, content_type: str) -> Doc:
    body = text.encode("utf-8")
    return Doc(body, content_type, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')


class FarmServer:
    """The serving side (runs inside the farm process)."""

    def __init__(
        self,
        feeds: int,
        items: int,
        latency: float,
        page_size: tuple[int, int],
        seed: int,
        pages: bool,
        pages_from: str = "",
    ) -> None:
        self.latency = latency
        self.base = ""
        self.feeds = feeds
        self.items = items
        self.page_size = page_size
        self.seed = seed
        self.want_pages = pages
        self.pages_from = pages_from
        self.docs: dict[str, Doc] = {}
        self.requests = 0
        self.not_modified = 0
        self.active = 0
        self.peak = 0

    def render(self, base: str) -> None:
        """Every document, rendered once up front so serving costs no CPU."""
        self.base = base
        corpus = Corpus(self.seed)
        feeds = make_items(corpus, self.feeds, self.items, base, (600, 1500))
        real = []
        if self.pages_from:  # real pages, gzipped, served in turn instead of generated ones
            import gzip

            files = sorted(Path(self.pages_from).glob("*.gz"))
            real = [gzip.decompress(path.read_bytes()) for path in files]
        served = 0
        for index, items in enumerate(feeds):
            self.docs[f"/feed/{index}.xml"] = _doc(
                rss_document(index, items, base), "application/rss+xml; charset=utf-8"
            )
            if self.want_pages:
                for item in items:
                    path = item.url[len(base) :]
                    if real:
                        served += 1
                        body = real[served % len(real)]
                        self.docs[path] = Doc(body, "text/html; charset=utf-8", f'"{served}"')
                        continue
                    self.docs[path] = _doc(
                        article_page(corpus, index, item, self.page_size),
                        "text/html; charset=utf-8",
                    )

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            for _ in range(MAX_REQUESTS):
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                self.requests += 1
                self.active += 1
                self.peak = max(self.peak, self.active)
                try:
                    if self.latency:
                        await asyncio.sleep(self.latency)
                    writer.write(self.answer(parts[1] if len(parts) > 1 else "/", headers))
                    await writer.drain()
                finally:
                    self.active -= 1
                if headers.get("connection", "").lower() == "close":
                    return
        except ConnectionError:
            pass
        finally:
            writer.close()

    def answer(self, path: str, headers: dict[str, str]) -> bytes:
        if path == "/stats":
            text = f"{self.requests} {self.not_modified} {self.peak}\n"
            return _response(200, "OK", text.encode(), "text/plain", None)
        doc = self.docs.get(path.split("?")[0])
        if doc is None:
            return _response(404, "Not Found", b"not here\n", "text/plain", None)
        if headers.get("if-none-match") == doc.etag or (
            "if-none-match" not in headers and headers.get("if-modified-since") == LAST_MODIFIED
        ):
            self.not_modified += 1
            return _response(304, "Not Modified", b"", None, doc.etag)
        return _response(200, "OK", doc.body, doc.content_type, doc.etag)


def _response(
    status: int, reason: str, body: bytes, content_type: str | None, etag: str | None
) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", "Server: feed-farm", f"Content-Length: {len(body)}"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if etag:
        lines += [f"ETag: {etag}", f"Last-Modified: {LAST_MODIFIED}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _serve(args: argparse.Namespace) -> None:
    farm = FarmServer(
        args.feeds,
        args.items,
        args.latency,
        (args.page_min, args.page_max),
        args.seed,
        args.pages, args.pages_from,
    )
    server = await asyncio.start_server(farm.handle, "127.0.0.1", args.port, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    farm.render(f"http://127.0.0.1:{port}")
    print(f"READY {port} {len(farm.docs)}", flush=True)
    async with server:
        # Serve until stdin closes (the parent went away) or a bounded lifetime ends.
        loop = asyncio.get_running_loop()
        await asyncio.wait_for(loop.run_in_executor(None, sys.stdin.read), args.lifetime)


class FeedFarm:
    """Start a farm process; use as a context manager. `base` is its URL."""

    def __init__(
        self,
        feeds: int,
        items: int,
        latency: float,
        *,
        pages: bool = False,
        page_size: tuple[int, int] = (5000, 20000),
        seed: int = 7,
        lifetime: float = 3600,
        pages_from: str = "",
    ) -> None:
        self.feeds = feeds
        self.items = items
        self.args = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--feeds",
            str(feeds),
            "--items",
            str(items),
            "--latency",
            str(latency),
            "--seed",
            str(seed),
            "--page-min",
            str(page_size[0]),
            "--page-max",
            str(page_size[1]),
            "--lifetime",
            str(lifetime),
            *(["--pages"] if pages else []),
            *(["--pages-from", pages_from] if pages_from else []),
        ]
        self.process: subprocess.Popen[str] | None = None
        self.base = ""
        self.pid = 0

    def __enter__(self) -> FeedFarm:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.pid = self.process.pid
        assert self.process.stdout is not None
        line = self.process.stdout.readline().split()
        if not line or line[0] != "READY":
            self.__exit__(None, None, None)
            raise RuntimeError("the feed farm did not start")
        self.base = f"http://127.0.0.1:{line[1]}"
        self.ready_seconds = time.perf_counter() - started
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        if self.process is not None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
            self.process = None

    def feed_urls(self) -> list[str]:
        return [f"{self.base}/feed/{i}.xml" for i in range(self.feeds)]

    def stats(self) -> tuple[int, int, int]:
        """(requests, 304s, peak concurrent requests) so far."""
        import urllib.request

        with urllib.request.urlopen(self.base + "/stats", timeout=10) as response:
            requests, not_modified, peak = response.read().split()
        return int(requests), int(not_modified), int(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--pages", action="store_true", help="also serve article pages")
    parser.add_argument("--pages-from", default="", help="serve these *.html.gz pages instead")
    parser.add_argument("--page-min", type=int, default=5000)
    parser.add_argument("--page-max", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=3600, help="seconds, then stop")
    args = parser.parse_args()
    with contextlib.suppress(TimeoutError, KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
