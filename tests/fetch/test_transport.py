"""The refresh's HTTP client against a real server on 127.0.0.1 that hangs up.

Keep-alive is HTTP/1.1's default, and a server may still close a connection
after any response without saying so. The pool must notice (its socket has
become readable) and open a new connection, not send the next request into
the closed one.
"""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tuireader.fetch.http import RetryLater, fetch, make_client
from tuireader.fetch.lookups import LookupThreads
from tuireader.fetch.transport import _readable
from tuireader.models import Limits

BODY = b"<rss version='2.0'><channel><title>T</title></channel></rss>"


@pytest.fixture
def hanging_up_server() -> Iterator[tuple[str, list[int], threading.Event]]:
    """Answers one request per connection, then closes it with no `Connection: close`
    (and says so through `closed`)."""
    listener = socket.create_server(("127.0.0.1", 0))
    connections: list[int] = []
    closed = threading.Event()

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                connections.append(1)
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
                )
            closed.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    host, port = listener.getsockname()
    yield f"http://{host}:{port}/feed.xml", connections, closed
    listener.close()


def test_a_connection_the_server_closed_is_not_reused(
    hanging_up_server: tuple[str, list[int], threading.Event],
) -> None:
    url, connections, closed = hanging_up_server

    async def fetch_five() -> list[bytes]:
        bodies = []
        async with make_client(Limits(jobs=1)) as client:
            for _ in range(5):
                response = await fetch(client, url, max_bytes=10_000, total_timeout=10)
                bodies.append(response.body)
                assert await asyncio.to_thread(closed.wait, 10)  # the server has hung up
                closed.clear()
                await asyncio.sleep(0.01)  # for its FIN to be read as the socket's end
        return bodies

    assert asyncio.run(fetch_five()) == [BODY] * 5
    assert len(connections) == 5


@pytest.fixture
def keep_alive_server() -> Iterator[tuple[str, dict[str, int]]]:
    """Keeps connections open, answers each request 20 ms later (a path under /refused/
    a small 403 page); counts connections and the most requests it held at once."""
    seen = {"connections": 0, "active": 0, "peak": 0}
    started = threading.Event()
    address: list[str] = []
    loop = asyncio.new_event_loop()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen["connections"] += 1
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                seen["active"] += 1
                seen["peak"] = max(seen["peak"], seen["active"])
                await asyncio.sleep(0.02)
                seen["active"] -= 1
                status, body = (
                    (b"403 Forbidden", b"Subscribe to read.") if b" /refused/" in head
                    else (b"200 OK", BODY)
                )
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Length: " + str(len(body)).encode()
                    + b"\r\n\r\n" + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    def serve() -> None:
        server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", 0))
        host, port = server.sockets[0].getsockname()[:2]
        address.append(f"http://{host}:{port}")
        started.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(cancel_handlers())  # of the client's kept-alive connections
        loop.close()

    async def cancel_handlers() -> None:
        handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(5)
    yield address[0], seen
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def fetch_many(
    base: str, count: int, jobs: int, connect_timeout: float = 10.0, folder: str = "feed"
) -> list[str | bytes]:
    """`count` feeds of `base` fetched at once by one client of `jobs` connections, on a
    loop whose lookups run as a refresh's do: each body, or the reason it failed."""

    async def run() -> list[str | bytes]:
        asyncio.get_running_loop().set_default_executor(LookupThreads())
        async with make_client(Limits(jobs=jobs, connect_timeout=connect_timeout)) as client:
            outcomes = await asyncio.gather(
                *(fetch(client, f"{base}/{folder}/{n}.xml", max_bytes=10_000, total_timeout=10)
                  for n in range(count)),
                return_exceptions=True,
            )
        return [
            str(outcome) if isinstance(outcome, BaseException) else outcome.body
            for outcome in outcomes
        ]

    return asyncio.run(run())


def test_the_pool_keeps_to_its_size_and_reuses_connections(
    keep_alive_server: tuple[str, dict[str, int]],
) -> None:
    base, seen = keep_alive_server
    assert fetch_many(base, 40, jobs=4) == [BODY] * 40
    assert seen["peak"] == 4  # all four used, never more
    assert seen["connections"] == 4  # then kept and reused


def test_refused_pages_keep_their_connections(
    keep_alive_server: tuple[str, dict[str, int]],
) -> None:
    """A site that refuses every page (a paywall's 403s) is not reconnected to per page."""
    base, seen = keep_alive_server
    assert fetch_many(base, 40, jobs=4, folder="refused") == ["HTTP 403 Forbidden"] * 40
    assert seen["connections"] == 4


def test_an_error_page_that_never_comes_does_not_hold_the_error_back() -> None:
    """A 429 whose promised body never arrives: the back-off is reported at once, not
    after the read timeout, and not as a time-out."""
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 120\r\n"
                         b"Content-Length: 100\r\n\r\n")
            done.wait(30)

    threading.Thread(target=serve, daemon=True).start()
    host, port = listener.getsockname()

    async def run() -> float:
        async with make_client(Limits(jobs=1, read_timeout=20)) as client:
            started = time.monotonic()
            with pytest.raises(RetryLater) as raised:
                await fetch(client, f"http://{host}:{port}/feed.xml", max_bytes=10_000,
                            total_timeout=30)
            assert raised.value.until is not None
            assert "429" in str(raised.value)
            return time.monotonic() - started

    try:
        assert asyncio.run(run()) < 5
    finally:
        done.set()
        listener.close()


def test_readable_means_data_or_a_hang_up_waiting() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        assert not _readable(ours.fileno())
        theirs.send(b"x")
        assert _readable(ours.fileno())
        ours.recv(1)
        assert not _readable(ours.fileno())
        theirs.close()
        assert _readable(ours.fileno())


def test_a_name_that_does_not_resolve_is_looked_up_once(
    lookups: tuple[list[str], threading.Event],
) -> None:
    asked, _release = lookups
    assert fetch_many("http://gone.invalid", 30, jobs=8) == ["host not found (offline?)"] * 30
    assert asked.count("gone.invalid") == 1


def test_a_named_host_that_resolves_is_served_as_before(
    keep_alive_server: tuple[str, dict[str, int]], lookups: tuple[list[str], threading.Event],
) -> None:
    base, seen = keep_alive_server
    named = base.replace("127.0.0.1", "farm.test")
    asked, _release = lookups
    assert fetch_many(named, 20, jobs=4) == [BODY] * 20
    assert seen["connections"] == 4
    assert asked.count("farm.test") == 4  # one per connection made, none per request


def test_a_host_whose_connect_timed_out_fails_at_once_after(
    lookups: tuple[list[str], threading.Event],
) -> None:
    """A lookup that hangs (the network gone): the first connection times out, and the
    host's other feeds fail with it instead of each waiting out its own lookup."""
    asked, _release = lookups
    reasons = fetch_many("http://stuck.invalid", 12, jobs=4, connect_timeout=0.3)
    assert reasons == ["timed out (ConnectTimeout)"] * 12
    assert asked.count("stuck.invalid") == 1
