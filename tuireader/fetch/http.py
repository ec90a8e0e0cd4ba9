"""One shared httpx client with limits: timeouts, size caps, redirects, validators.

Bodies are streamed raw and decompressed here with a cap on the output, so a
compression bomb stops at the limit instead of filling memory; a total-time
cap ends slow-drip servers that would pass every per-read timeout.
"""

import asyncio
import contextlib
import socket
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from tuireader import __version__
from tuireader.errors import FetchError, causes
from tuireader.fetch.transport import PoolTransport
from tuireader.models import Limits
from tuireader.text import clean_line

USER_AGENT = f"tuireader/{__version__} (terminal newsreader; +https://github.com/tuireader/tuireader)"
MAX_REDIRECTS = 5
_PERMANENT = {301, 308}


@dataclass(frozen=True)
class Response:
    """A finished download."""

    url: str
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    permanent_url: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class RetryLater(FetchError):
    """The server said 429/503 with Retry-After; `until` is when to try again."""

    def __init__(self, message: str, until: str | None) -> None:
        super().__init__(message)
        self.until = until


def make_client(limits: Limits) -> httpx.AsyncClient:
    """The one client a refresh shares; `jobs` bounds connections, also per host."""
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(
            connect=limits.connect_timeout, read=limits.read_timeout,
            write=limits.read_timeout, pool=None,
        ),
        transport=PoolTransport(httpx.Limits(
            max_connections=limits.jobs, max_keepalive_connections=limits.jobs
        )),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        trust_env=False,
    )


# Error pages up to this size are read, for this long at most, before the error is
# raised (see _release).
ERROR_BODY_CAP = 64 * 1024
ERROR_BODY_SECONDS = 0.5


async def fetch(
    client: httpx.AsyncClient, url: str, *, max_bytes: int, total_timeout: float,
    etag: str | None = None, last_modified: str | None = None, accept: str = "*/*",
) -> Response:
    """GET with conditional headers; raises FetchError with a reason a person can read."""
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(total_timeout):
            return await _get(client, url, headers, max_bytes)
    except RetryLater as error:
        raise RetryLater(_reason(str(error)), error.until) from None
    except FetchError as error:
        raise FetchError(_reason(str(error))) from None
    except TimeoutError:
        raise FetchError(f"timed out after {total_timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})") from None
    except httpx.InvalidURL as error:
        raise FetchError(_reason(f"invalid URL: {error}")) from None
    except httpx.UnsupportedProtocol:
        raise FetchError("only http and https URLs can be fetched") from None
    except httpx.TimeoutException as error:
        raise FetchError(f"timed out ({type(error).__name__})") from None
    except httpx.HTTPError as error:
        raise FetchError(_reason(_describe(error))) from None
    except (OSError, ValueError, zlib.error) as error:
        raise FetchError(_reason(f"network error: {error}")) from None


async def _get(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], max_bytes: int
) -> Response:
    async with client.stream("GET", url, headers=headers) as response:
        status = response.status_code
        if status >= 400:
            await _release(response)
        if status in (429, 503):
            until = retry_until(response.headers.get("Retry-After"))
            when = f"; retry after {until}" if until else ""
            raise RetryLater(f"HTTP {status} {response.reason_phrase}{when}", until)
        if status >= 400:
            raise FetchError(f"HTTP {status} {response.reason_phrase}".strip())
        # A 304's (empty) body is read too: an unread response closes the
        # connection, and a refresh of all-304 feeds would reconnect every time.
        body = await _read_capped(response, max_bytes)
        if status == 304:
            body = b""
        permanent = None
        if response.history and all(r.status_code in _PERMANENT for r in response.history):
            permanent = str(response.url)
        return Response(
            url=str(response.url), status=status, body=body,
            content_type=clean_line(response.headers.get("Content-Type", ""), 200),
            etag=_validator(response.headers.get("ETag")),
            last_modified=_validator(response.headers.get("Last-Modified")),
            permanent_url=permanent,
        )


async def _release(response: httpx.Response) -> None:
    """Read a small error page, so its connection goes back to the pool.

    An unread response closes its connection: a site that refuses every page
    (a paywall's 403s) then cost a new connection per page, and on https a new
    handshake. Only a body the server declares small is read, for a moment at most;
    any other closes, and the error is the same either way.
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) <= ERROR_BODY_CAP:
        with contextlib.suppress(httpx.HTTPError, OSError, TimeoutError):
            async with asyncio.timeout(ERROR_BODY_SECONDS):  # a body that stalls: close
                async for _raw in response.aiter_raw():
                    pass


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """Read and decode the body, stopping at `max_bytes` on the wire and decoded."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"too large: {int(declared)} bytes (limit {max_bytes})")
    decoder = _decoder(encoding)
    chunks: list[bytes] = []
    raw_total = 0
    size = 0
    async for raw in response.aiter_raw():
        raw_total += len(raw)
        if raw_total > max_bytes:
            raise FetchError(f"too large: over {max_bytes} bytes")
        data = raw
        if decoder is not None:
            data = decoder.decompress(raw, max_bytes - size + 1)
            if decoder.unconsumed_tail:
                raise FetchError(f"too large once decompressed: over {max_bytes} bytes")
        size += len(data)
        if size > max_bytes:
            raise FetchError(f"too large once decompressed: over {max_bytes} bytes")
        chunks.append(data)
    return b"".join(chunks)


def _decoder(encoding: str) -> "zlib._Decompress | None":
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    if encoding in ("", "identity"):
        return None
    raise FetchError(f"unsupported content encoding {encoding!r}")


def retry_until(value: str | None) -> str | None:
    """Retry-After (seconds or an HTTP date) as an ISO time, capped at a day."""
    if not value:
        return None
    now = datetime.now(UTC)
    value = value.strip()
    if value.isdigit():
        moment = now + timedelta(seconds=min(int(value), 86400))
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = min(moment, now + timedelta(days=1))
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _validator(value: str | None) -> str | None:
    """An ETag or Last-Modified we can send back: printable ASCII only, else none.

    Stored and re-sent on every refresh, a value with other bytes would make
    every later request fail to encode.
    """
    if value and len(value) <= 1000 and all(" " <= ch <= "~" for ch in value):
        return value
    return None


def _reason(text: str) -> str:
    """A reason is shown and stored: one line, no control characters from the server."""
    return clean_line(text, 300)


def _root_cause(error: BaseException) -> BaseException | None:
    """The OSError under httpx's and anyio's wrappers, if any: the first that has an
    errno, or the last of the chain."""
    chain = list(causes(error))
    return next((
        cause for cause in chain
        if isinstance(cause, OSError) and (cause.errno or cause is chain[-1])
    ), None)


def _describe(error: httpx.HTTPError) -> str:
    """Short reasons: 'connection refused', not a stack of wrapped exceptions."""
    text = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        cause = _root_cause(error)
        if isinstance(cause, ConnectionRefusedError) or "refused" in text.lower():
            return "connection refused"
        if isinstance(cause, socket.gaierror) or "resolution" in text.lower():
            return "host not found (offline?)"
        return f"cannot connect: {cause or text}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"server broke the connection: {text}"
    return f"network error: {text}"
