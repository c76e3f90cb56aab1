"""Fetching feeds over HTTP with httpcore: conditional GET, redirects, a body cap, clear errors."""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
import zlib
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

import httpcore
import httpx

from tui_news import __version__
from tui_news.core.config import DEFAULTS
from tui_news.core.errors import UserError
from tui_news.core.models import human_size
from tui_news.core.sources.network import AsyncioBackend
from tui_news.core.text import one_line, without_password

USER_AGENT = f"tui-news/{__version__} (terminal newsreader; +https://pypi.org/project/tui-news/)"
DEFAULT_MAX_BYTES = DEFAULTS.max_feed_bytes
TIMEOUT = httpx.Timeout(DEFAULTS.timeout_seconds, connect=10.0)
MAX_REDIRECTS = 8
CUT_OFF = "the connection was cut off before the answer was complete"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"
)


class FetchError(UserError):
    """The address could not be fetched; the message is the one-line reason."""


@dataclass(slots=True)
class Response:
    """What a fetch brought: a body (status 200) or nothing new (status 304)."""

    url: str
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None


class Fetcher:
    """GETs feeds through httpcore's connection pools, following redirects itself.

    A 304 costs less this way than through ``httpx.AsyncClient`` or even httpx's transport,
    whose per-request work (cookies, auth, hooks, building ``httpx.Request`` and
    ``httpx.Response``) outweighs the request itself when hundreds of feeds answer 304. The
    pools talk to sockets through :class:`AsyncioBackend`, plain asyncio, not anyio.
    """

    def __init__(
        self, max_connections: int = DEFAULTS.max_connections, timeout: httpx.Timeout = TIMEOUT
    ) -> None:
        self.timeout = timeout
        self.limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self.pools: dict[tuple[bytes, bytes, int | None], httpcore.AsyncConnectionPool] = {}
        self.contexts: dict[str, ssl.SSLContext] = {}
        self.backend = AsyncioBackend()

    def context(self, scheme: bytes | str) -> ssl.SSLContext:
        """The TLS context for ``http`` or ``https`` addresses, made when first needed.

        Loading the certificate authorities takes ~40 ms, so it waits for the first ``https``
        address. The ``http`` pools never speak TLS; their context trusts no authority, so it
        would refuse any certificate rather than accept one unchecked.
        """
        key = "https" if scheme in (b"https", "https") else "http"
        context = self.contexts.get(key)
        if context is None:
            context = (
                httpx.create_ssl_context(verify=True)  # certifi, as httpx's transport has it
                if key == "https"
                else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            )
            self.contexts[key] = context
        return context

    def pool(
        self, scheme: bytes | str, host: bytes = b"", port: int | None = None
    ) -> httpcore.AsyncConnectionPool:
        """The connection pool for one server, made when first needed.

        One pool per server keeps each server's connections open between its feeds: one
        pool for all would close them to make room for other servers' (a new connection per
        feed), and httpcore scans a pool's every connection at each request.
        """
        raw = scheme.encode() if isinstance(scheme, str) else scheme
        key = (raw.lower(), host.lower(), port)
        pool = self.pools.get(key)
        if pool is None:
            pool = httpcore.AsyncConnectionPool(
                ssl_context=self.context(raw),
                max_connections=self.limits.max_connections,
                max_keepalive_connections=self.limits.max_keepalive_connections,
                keepalive_expiry=self.limits.keepalive_expiry,
                network_backend=self.backend,
            )
            self.pools[key] = pool
        return pool

    async def release(self, url: str) -> None:
        """Close the connections to ``url``'s server (nothing more will be fetched from it)."""
        try:
            parsed = httpx.URL(url)
        except (ValueError, UnicodeError, httpx.InvalidURL):
            return
        key = (parsed.raw_scheme.lower(), parsed.raw_host.lower(), parsed.port)
        pool = self.pools.pop(key, None)
        if pool is not None:
            await pool.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for pool in self.pools.values():
            await pool.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> Response:
        """GET ``url``; raise :class:`FetchError` with a reason on any failure."""
        headers = [(b"User-Agent", _AGENT), (b"Accept", _ACCEPT), (b"Accept-Encoding", _ENCODINGS)]
        if etag and etag.isascii():  # a validator that cannot be sent costs a full answer
            headers.append((b"If-None-Match", etag.encode("ascii")))
        if last_modified and last_modified.isascii():
            headers.append((b"If-Modified-Since", last_modified.encode("ascii")))
        deadline = self.timeout.read or DEFAULTS.timeout_seconds
        try:
            async with asyncio.timeout(deadline):  # a whole fetch, not only each read
                return await self._follow(url, headers, max_bytes, etag, last_modified)
        except TimeoutError:
            raise FetchError(f"timed out (no complete answer within {deadline:g} s)") from None
        except (httpcore.TimeoutException, httpx.TimeoutException):
            waited = self.timeout.read or 0
            raise FetchError(f"timed out (no complete answer within {waited:g} s)") from None
        except (
            httpcore.UnsupportedProtocol,
            httpx.UnsupportedProtocol,
            httpx.InvalidURL,
            UnicodeError,  # a host name IDNA cannot encode (news..example), met at connect
        ):
            raise FetchError(f"not a web address: {without_password(one_line(url))}") from None
        except httpcore.ConnectError as error:
            raise FetchError(_connect_reason(error)) from None
        except (httpcore.ReadError, httpcore.WriteError):
            raise FetchError(CUT_OFF) from None
        except httpcore.RemoteProtocolError as error:
            raise FetchError(_protocol_reason(error)) from None
        except (
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.ProxyError,
            httpx.HTTPError,
        ) as error:
            reason = f"network error ({type(error).__name__}: {error})".replace(" ()", "")
            raise FetchError(reason) from None

    async def _follow(
        self,
        url: str,
        headers: list[tuple[bytes, bytes]],
        max_bytes: int,
        etag: str | None,
        last_modified: str | None,
    ) -> Response:
        extensions = {"timeout": self.timeout.as_dict()}
        current, permanent = url, True
        origin, auth = _credentials(url)
        for _hop in range(MAX_REDIRECTS + 1):
            parsed = parse_address(current)
            target = httpcore.URL(
                scheme=parsed.raw_scheme,
                host=parsed.raw_host,
                port=parsed.port,
                target=parsed.raw_path,
            )
            sent = [(b"Host", parsed.netloc), *headers]
            if auth and (parsed.raw_scheme, parsed.raw_host, parsed.port) == origin:
                sent.append((b"Authorization", auth))  # never to another server
            request = httpcore.Request(b"GET", target, headers=sent, extensions=extensions)
            pool = self.pool(parsed.raw_scheme, parsed.raw_host, parsed.port)
            response = await _send(pool, request)
            try:
                status = response.status
                location = httpx.Headers(response.headers).get("location")
                if status in (301, 302, 303, 307, 308) and location:
                    await response.aread()
                    permanent = permanent and status in (301, 308)
                    current = redirect_target(current, location)
                    continue
                moved = current if permanent and current != url else None
                return await _read(current, response, max_bytes, moved, etag, last_modified)
            finally:
                await response.aclose()
        raise FetchError("too many redirects")


async def _send(pool: httpcore.AsyncConnectionPool, request: httpcore.Request) -> httpcore.Response:
    """Send ``request``; once more on a new connection when the server closed a kept-alive one
    unanswered as it went (a GET may be sent again: RFC 9110, 9.2.2)."""
    try:
        return await pool.handle_async_request(request)
    except httpcore.RemoteProtocolError as error:
        if "without sending a response" not in str(error):
            raise
    return await pool.handle_async_request(request)


def parse_address(url: str) -> httpx.URL:
    """httpx's reading of an address (IDNA, percent-encoding, checks); FetchError if none."""
    try:
        parsed = httpx.URL(url)
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise ValueError("port out of range")
        parsed.raw_host.decode("ascii")
    except (ValueError, UnicodeError, httpx.InvalidURL):  # news..example, http://[::1, ...
        raise FetchError(f"not a web address: {without_password(one_line(url))}") from None
    if not parsed.raw_host:
        raise FetchError(f"not a web address: {without_password(one_line(url))}")
    return parsed


def redirect_target(current: str, location: str) -> str:
    """Where a redirect leads: ``Location`` cleaned like any string from outside, joined."""
    cleaned = one_line(location).replace(" ", "%20")
    try:
        joined = urljoin(current, cleaned)
        scheme = urlsplit(joined).scheme
    except ValueError:
        raise FetchError(f"redirected to a broken address: {without_password(cleaned)}") from None
    if scheme not in ("http", "https"):
        shown = without_password(joined)
        raise FetchError(f"redirected to something other than a web address: {shown}")
    return joined


def _credentials(url: str) -> tuple[tuple[bytes, bytes, int | None] | None, bytes | None]:
    """The server a ``user:password@`` address names, and the Basic auth header for it."""
    if "@" not in url:
        return None, None
    try:
        parsed = httpx.URL(url)
    except (ValueError, UnicodeError, httpx.InvalidURL):
        return None, None
    if not parsed.userinfo:
        return None, None
    user, _, password = parsed.userinfo.partition(b":")
    token = base64.b64encode(unquote_to_bytes(user) + b":" + unquote_to_bytes(password))
    return (parsed.raw_scheme, parsed.raw_host, parsed.port), b"Basic " + token


_AGENT = USER_AGENT.encode()
_ACCEPT = ACCEPT.encode()
_ENCODINGS = b"gzip, deflate"


async def _read(
    url: str,
    response: httpcore.Response,
    max_bytes: int,
    moved: str | None,
    etag: str | None,
    last_modified: str | None,
) -> Response:
    """The answer to a GET: nothing new (304), an error status, or a body within the cap."""
    status = response.status
    if status == 304:
        await response.aread()  # empty: read it so the connection is reused
        return Response(url, 304, etag=etag, last_modified=last_modified, moved_to=moved)
    if status >= 400:
        await response.aread()
        phrase = httpx.codes.get_reason_phrase(status)
        raise FetchError(f"the server answered HTTP {status} {phrase}".rstrip())
    headers = httpx.Headers(response.headers)  # as httpx reads them: decoded, repeats joined
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(_too_big(int(declared), max_bytes))
    chunks: list[bytes] = []
    size = 0
    encoding = headers.get("content-encoding", "")
    decoder = _decoder(encoding)
    first = True
    async for raw in response.aiter_stream():
        if not raw:
            continue
        try:
            chunk = decoder.decompress(raw, max_bytes + 1 - size) if decoder else raw
        except zlib.error:
            if not (first and encoding.strip().lower() == "deflate"):
                raise FetchError("the server sent a broken compressed body") from None
            decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # deflate without its zlib wrapper
            try:
                chunk = decoder.decompress(raw, max_bytes + 1 - size)
            except zlib.error:
                raise FetchError("the server sent a broken compressed body") from None
        first = False
        size += len(chunk)
        if size > max_bytes or (decoder and decoder.unconsumed_tail):
            raise FetchError(_too_big(size, max_bytes, at_least=True))
        chunks.append(chunk)
    if decoder is not None and not decoder.eof:
        raise FetchError("the server sent a broken compressed body (it ends too soon)")
    return Response(
        url,
        status,
        b"".join(chunks),
        headers.get("etag"),
        headers.get("last-modified"),
        moved,
    )


def _decoder(encoding: str) -> zlib._Decompress | None:
    """A decompressor for a gzip or deflate body (``None``: the body is as sent).

    Decoding here, not in httpx, lets a body cut short be told from a whole one and keeps the
    size cap on what the body becomes, however well it compresses.
    """
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return zlib.decompressobj()
    if encoding in ("", "identity"):
        return None
    raise FetchError(f"the server sent an unknown compression ({encoding[:40]})")


def _too_big(size: int, limit: int, at_least: bool = False) -> str:
    more = "over " if at_least else ""
    return f"the response is too large ({more}{human_size(size)}, the limit is {human_size(limit)})"


def _protocol_reason(error: httpcore.RemoteProtocolError) -> str:
    """Name what the server got wrong in HTTP itself."""
    text = str(error)
    if "without sending a response" in text:
        return "the server closed the connection without answering"
    if "peer closed" in text or "incomplete" in text:
        return CUT_OFF
    if "buffer too long" in text:  # h11 stops reading headers past its limit
        return "the server sent headers too large to read"
    return f"the server broke the HTTP protocol ({one_line(text)[:120]})"


def _connect_reason(error: httpcore.ConnectError) -> str:
    """Name the cause of a failed connection from the exceptions that led to it."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host not found (DNS lookup failed)"
        if isinstance(cause, ssl.SSLError):
            return f"secure connection failed ({cause.reason or cause})"
        cause = cause.__cause__ or cause.__context__
    text = str(error).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "getaddrinfo" in text:
        return "host not found (DNS lookup failed)"
    return f"cannot connect ({error})" if str(error) else "cannot connect"
