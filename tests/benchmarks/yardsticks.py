"""Yardsticks for the all-304 refresh: the same conditional GETs without tuireader.

    python tests/benchmarks/yardsticks.py [--feeds 500] [--latency 0.1]

`bench_refresh.py` runs both beside each second refresh, so the target is
read against what the farm and httpx allow on this machine at that moment:

- raw sockets: 16 keep-alive connections on asyncio streams, a request
  written by hand, the answer read by its Content-Length. The farm's own
  floor: its latency, its serving, loopback.
- bare httpx: one `httpx.AsyncClient` with 16 connections, 16 requests at
  a time, If-None-Match from the pass before. What the chosen HTTP client
  costs before any of our work (the refresh adds parsing, storing, progress).

Each times a pass over every feed after a first pass has learned the ETags.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feed_farm import FeedFarm

CONNECTIONS = 16


async def _raw_pass(urls: list[str], etags: dict[str, str]) -> None:
    queue = list(reversed(urls))
    origin = urlsplit(urls[0])

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(origin.hostname, origin.port)
        while queue:
            url = queue.pop()
            etag = etags.get(url)
            request = f"GET {urlsplit(url).path} HTTP/1.1\r\nHost: {origin.netloc}\r\n"
            if etag:
                request += f"If-None-Match: {etag}\r\n"
            writer.write((request + "\r\n").encode("latin-1"))
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            fields = dict(
                line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line
            )
            length = int(fields.get("Content-Length", "0"))
            if length:
                await reader.readexactly(length)
            etags[url] = fields.get("ETag", "")
        writer.close()

    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))


async def _httpx_pass(urls: list[str], etags: dict[str, str]) -> None:
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    gate = asyncio.Semaphore(CONNECTIONS)
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

        async def one(url: str) -> None:
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            async with gate:
                response = await client.get(url, headers=headers)
            etags[url] = response.headers.get("ETag", "")

        await asyncio.gather(*(one(url) for url in urls))


def all_304(urls: list[str], kind: str) -> tuple[float, float]:
    """(wall, CPU) seconds of a pass that gets a 304 for every feed, by `kind`:
    "raw" or "httpx"."""
    one_pass = _raw_pass if kind == "raw" else _httpx_pass
    etags: dict[str, str] = {}
    asyncio.run(one_pass(urls, etags))  # learns the ETags
    started, cpu = time.perf_counter(), time.process_time()
    asyncio.run(one_pass(urls, etags))
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with FeedFarm(args.feeds, 20, args.latency) as farm:
        for run in range(args.runs):
            for kind in ("raw", "httpx"):
                wall, cpu = all_304(farm.feed_urls(), kind)
                print(f"  run {run}: {kind} {wall:.3f} s (cpu {cpu:.2f} s)", flush=True)


if __name__ == "__main__":
    main()
