"""httpx's connection pool with a cheaper "did the server close this?" check.

Before each request it assigns (several times per request, over every
connection of the pool), httpcore asks each idle connection whether its socket
has become readable, through anyio's socket attributes: a dict of lookups and a
getpeername() call every time. In a 2,000-page refresh that was ~97,000 checks
and the largest share of the app's own CPU. Here the check is one poll() of
the socket kept from when the connection opened; everything else is anyio's.

The pool no longer measures itself once per idle connection (see _Pool).

That poll() is made without letting go of the GIL (it cannot block: its
timeout is 0). Python's own select.poll lets go around the call, and while the
refresh's writer thread was busy the event loop then waited up to a switch
interval to get it back, ~40 times per request: 1.6 s of a first refresh.
"""

import asyncio
import ctypes
import functools
import ipaddress
import select
import socket
import ssl
import sys
import time
import typing
from dataclasses import dataclass

import httpcore
import httpx

from tuireader.errors import causes


class _Stream(httpcore.AsyncNetworkStream):
    """anyio's stream, with the readable check answered from the raw socket."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            # Readable while idle means the server closed it (or sent junk): not reusable.
            if self._socket is None or self._socket.fileno() < 0:
                return True
            return _readable(self._socket.fileno())
        return self._inner.get_extra_info(info)


class _PollFd(ctypes.Structure):
    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short)]


def _libc_poll() -> typing.Any:
    """Linux libc's poll() called with the GIL held (a PyDLL function); None elsewhere
    (`nfds_t` differs between systems, and there is no libc by that name on Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        poll = ctypes.PyDLL(None).poll
    except (AttributeError, OSError, TypeError):
        return None
    poll.argtypes = [ctypes.POINTER(_PollFd), ctypes.c_ulong, ctypes.c_int]
    poll.restype = ctypes.c_int
    return poll


_POLL = _libc_poll()


def _readable(fd: int) -> bool:
    """Whether `fd` has data (or end of file) waiting, now; poll(), not select(),
    which fails on descriptors past 1023."""
    if _POLL is None:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    entry = _PollFd(fd, select.POLLIN, 0)
    return _POLL(ctypes.byref(entry), 1, 0) != 0


# A host whose first connection did not resolve or timed out fails at once for this
# long, then one connection tries again: a DNS blip costs at most this much.
REPEAT_FAILURE_SECONDS = 30.0


@dataclass
class _Gate:
    """A host's first connection: what its failure was (None: it connected, or failed
    some other way), and when it ended."""

    outcome: "asyncio.Future[BaseException | None]"
    ended: float = 0.0


class _Backend(httpcore.AsyncNetworkBackend):
    """anyio's backend, where a dead host costs one lookup, not one per feed.

    A failed request keeps no connection, so each feed of a host that does not
    resolve (the network is down, a host is gone) looked its name up again:
    500 feeds of one such host took 86 s here. Now, while a host's first
    connection is being made, the others to that host wait for it (no longer
    than their own connect timeout); if its name did not resolve or it timed
    out, they and the ones after fail at once with the same error for
    REPEAT_FAILURE_SECONDS. The cost: at a refresh's start, the other
    connections to a host wait for its first one's connect. Addresses need no
    lookup and are never held back.
    """

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._gates: dict[str, _Gate] = {}

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        def connect() -> typing.Awaitable[httpcore.AsyncNetworkStream]:
            return self._inner.connect_tcp(host, port, timeout, local_address, socket_options)

        if _is_address(host):
            return _Stream(await connect())
        gate = self._gates.get(host)
        if gate is not None:
            try:  # a waiter's cancel or timeout is its own, not the first connection's
                failure = await asyncio.wait_for(asyncio.shield(gate.outcome), timeout)
            except TimeoutError:
                raise httpcore.ConnectTimeout(f"timed out connecting to {host}") from None
            if failure is None:
                return _Stream(await connect())
            if time.monotonic() - gate.ended < REPEAT_FAILURE_SECONDS:
                _repeat(failure)
        gate = self._gates[host] = _Gate(asyncio.get_running_loop().create_future())
        failure = None
        try:
            return _Stream(await connect())
        except httpcore.ConnectTimeout as error:
            failure = error
            raise
        except httpcore.ConnectError as error:
            failure = _lookup_error(error)
            raise
        finally:
            gate.ended = time.monotonic()
            gate.outcome.set_result(failure)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _repeat(failure: BaseException) -> typing.NoReturn:
    """A first connection's failure raised again, as httpcore raises anyio's: inside
    the handler (its pool clears the cause; fetch reads the reason from the context)."""
    if isinstance(failure, socket.gaierror):
        try:
            raise socket.gaierror(failure.errno, failure.strerror)
        except socket.gaierror as again:
            raise httpcore.ConnectError(str(again)) from again
    raise httpcore.ConnectTimeout(str(failure))


def _lookup_error(error: BaseException) -> OSError | None:
    """The name-lookup failure under a connect error (anyio's, wrapped by httpcore)."""
    return next((cause for cause in causes(error) if isinstance(cause, socket.gaierror)), None)


class _Pool(httpcore.AsyncConnectionPool):
    """httpcore 1.0's pool, its request assignment without the repeated work.

    Run whenever a request starts or ends, httpcore's version measures the whole
    pool once per idle connection, and lists every available and every idle
    connection for each queued request: ~900 connection-state calls per request
    in a 2,000-page refresh. Here the size is read once per connection and a
    queued request stops at the first connection that serves. The decisions are
    httpcore's own, in its order.
    """

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        closing: list[httpcore.AsyncConnectionInterface] = []
        for connection in list(self._connections):
            if connection.is_closed():
                self._connections.remove(connection)
            # httpcore counts every connection here, idle or not (a list of is_idle() results).
            elif connection.has_expired() or (
                connection.is_idle() and len(self._connections) > self._max_keepalive_connections
            ):
                self._connections.remove(connection)
                closing.append(connection)
        for pool_request in [request for request in self._requests if request.is_queued()]:
            origin = pool_request.request.url.origin
            available = next((
                connection for connection in self._connections
                if connection.can_handle_request(origin) and connection.is_available()
            ), None)
            if available is not None:
                pool_request.assign_to_connection(available)
                continue
            if len(self._connections) < self._max_connections:
                connection = self.create_connection(origin)
                self._connections.append(connection)
                pool_request.assign_to_connection(connection)
                continue
            idle = next((c for c in self._connections if c.is_idle()), None)
            if idle is not None:
                self._connections.remove(idle)
                closing.append(idle)
                connection = self.create_connection(origin)
                self._connections.append(connection)
                pool_request.assign_to_connection(connection)
        return closing


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's verifying context, made once per process: reading the CA bundle took
    20-30 ms of every refresh's start. (A context is safe to share between clients.)"""
    return httpx.create_ssl_context(trust_env=False)


class PoolTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (request mapping, error mapping) over that pool."""

    def __init__(self, limits: httpx.Limits) -> None:  # the parent sets only this pool
        self._pool = _Pool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(),
        )
