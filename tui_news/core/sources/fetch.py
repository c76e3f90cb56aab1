"""Fetching feeds over HTTP/1.1: conditional GET, redirects, a body cap, clear errors."""

from __future__ import annotations

import asyncio
import base64
import re
import ssl
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

from tui_news import __version__
from tui_news.core.config import DEFAULTS
from tui_news.core.errors import UserError
from tui_news.core.models import human_size
from tui_news.core.sources.network import (
    Connection,
    CutOff,
    Headers,
    NetworkError,
    NoAnswer,
    Pool,
    PrivateAddress,
    declared_length,
)
from tui_news.core.text import one_line, without_password

if TYPE_CHECKING:  # httpx is imported for what only it reads: https, odd addresses
    import httpx

USER_AGENT = f"tui-news/{__version__} (terminal newsreader; +https://pypi.org/project/tui-news/)"
DEFAULT_MAX_BYTES = DEFAULTS.max_feed_bytes


@dataclass(frozen=True, slots=True)
class Timeout:
    """Seconds a whole fetch may take (``read``) and its connecting (``connect``)."""

    read: float | None
    connect: float | None = None


TIMEOUT = Timeout(DEFAULTS.timeout_seconds, connect=10.0)
MAX_REDIRECTS = 8
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
    """GETs feeds through one connection pool per server (:mod:`.network`), following
    redirects itself.

    A 304 costs a few dozen microseconds of CPU this way; through ``httpx.AsyncClient`` or
    httpcore, their per-request work (request and event objects, validation, cookies, hooks)
    outweighed the request itself when hundreds of feeds answer 304.
    """

    def __init__(
        self,
        max_connections: int = DEFAULTS.max_connections,
        timeout: Timeout = TIMEOUT,
        public_only: bool = False,
    ) -> None:
        self.timeout = timeout
        self.max_connections = max_connections
        self.public_only = public_only
        self.pools: dict[tuple[bytes, bytes, int | None], Pool] = {}
        self.contexts: dict[str, ssl.SSLContext] = {}

    def context(self, scheme: bytes | str) -> ssl.SSLContext:
        """The TLS context for ``http`` or ``https`` addresses, made when first needed.

        Loading the certificate authorities takes ~40 ms, so it waits for the first ``https``
        address. The ``http`` pools never speak TLS; their context trusts no authority, so it
        would refuse any certificate rather than accept one unchecked.
        """
        key = "https" if scheme in (b"https", "https") else "http"
        context = self.contexts.get(key)
        if context is None:
            import httpx

            context = (
                httpx.create_ssl_context(verify=True)  # certifi, as httpx's transport has it
                if key == "https"
                else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            )
            self.contexts[key] = context
        return context

    def pool(self, scheme: bytes | str, host: bytes = b"", port: int | None = None) -> Pool:
        """The connection pool for one server, made when first needed.

        One pool per server keeps each server's connections open between its feeds: one
        pool for all would close them to make room for other servers' (a new connection per
        feed).
        """
        raw = scheme.encode() if isinstance(scheme, str) else scheme
        raw = raw.lower()
        key = (raw, host.lower(), port)
        pool = self.pools.get(key)
        if pool is None:
            if raw not in (b"http", b"https"):
                raise ValueError(f"no pool for {raw!r} addresses")
            secure = raw == b"https"
            pool = Pool(
                host.decode("ascii"),
                port or (443 if secure else 80),
                self.context(raw) if secure else None,
                self.max_connections,
                public_only=self.public_only,
            )
            self.pools[key] = pool
        return pool

    async def release(self, url: str) -> None:
        """Close the connections to ``url``'s server (nothing more will be fetched from it)."""
        try:
            parsed = parse_address(url)
        except FetchError:
            return
        key = (parsed.raw_scheme.lower(), parsed.raw_host.lower(), parsed.port)
        pool = self.pools.pop(key, None)
        if pool is not None:
            pool.close()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for pool in self.pools.values():
            pool.close()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> Response:
        """GET ``url``; raise :class:`FetchError` with a reason on any failure."""
        headers = _HEADERS
        if etag and _sendable(etag):  # a validator that cannot be sent costs a full answer
            headers += b"If-None-Match: " + etag.encode("ascii") + b"\r\n"
        if last_modified and _sendable(last_modified):
            headers += b"If-Modified-Since: " + last_modified.encode("ascii") + b"\r\n"
        deadline = self.timeout.read or DEFAULTS.timeout_seconds
        try:
            async with asyncio.timeout(deadline):  # a whole fetch, not only each read
                return await self._follow(url, headers, max_bytes, etag, last_modified)
        except TimeoutError:
            raise FetchError(f"timed out (no complete answer within {deadline:g} s)") from None
        except UnicodeError:  # a host IDNA cannot encode (news..example), met at connect
            raise _not_an_address(url) from None
        except PrivateAddress:
            raise  # as it is: the caller may ask again where such servers are allowed
        except NetworkError as error:  # its message is the reason
            raise FetchError(str(error)) from None
        except OSError as error:
            reason = f"network error ({type(error).__name__}: {error})".replace(" ()", "")
            raise FetchError(reason) from None

    async def _follow(
        self,
        url: str,
        headers: bytes,
        max_bytes: int,
        etag: str | None,
        last_modified: str | None,
    ) -> Response:
        current, permanent = url, True
        origin, auth = _credentials(url)
        connect = self.timeout.connect
        for _hop in range(MAX_REDIRECTS + 1):
            parsed = parse_address(current)
            if parsed.raw_scheme.lower() not in (b"http", b"https"):
                raise _not_an_address(current)
            head = b"GET " + (parsed.raw_path or b"/") + b" HTTP/1.1\r\nHost: " + parsed.netloc
            head += b"\r\n" + headers
            if auth and (parsed.raw_scheme, parsed.raw_host, parsed.port) == origin:
                head += b"Authorization: " + auth + b"\r\n"  # never to another server
            head += b"\r\n"
            pool = self.pool(parsed.raw_scheme, parsed.raw_host, parsed.port)
            async with pool.gate:
                connection = pool.take_idle()
                try:
                    connection, status, answer = await _send(pool, connection, head, connect)
                    body = connection.body(status, answer)
                    location = answer.get("location")
                    if status in (301, 302, 303, 307, 308) and location:
                        await _drain(body)
                        permanent = permanent and status in (301, 308)
                        current = redirect_target(current, location)
                        continue
                    moved = current if permanent and current != url else None
                    return await _read(
                        current, status, answer, body, max_bytes, moved, etag, last_modified
                    )
                finally:
                    if connection is not None:
                        pool.give_back(connection)
        raise FetchError("too many redirects")


async def _send(
    pool: Pool, kept: Connection | None, head: bytes, connect: float | None
) -> tuple[Connection, int, Headers]:
    """Send a request's ``head`` on a ``kept`` connection, or a new one; once more on a new
    one when the server closed the kept one unanswered as it went (its keep-alive timeout; a
    GET may be sent again: RFC 9110, 9.2.2). The connection used, the status, the headers."""
    if kept is not None:
        try:
            return kept, *await kept.request(head)
        except (NoAnswer, CutOff):
            pool.drop(kept)
    connection = await pool.connect(connect)
    try:
        return connection, *await connection.request(head)
    except BaseException:  # a failure or a timeout: the connection is of no more use
        pool.drop(connection)
        raise


@dataclass(frozen=True, slots=True)
class Address:
    """An http(s) address as the fetcher sends it: ``httpx.URL``'s attributes of it."""

    raw_scheme: bytes
    raw_host: bytes
    port: int | None  # None: the scheme's own
    raw_path: bytes  # path and query
    netloc: bytes


_BYTE = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_BYTE}(?:\.{_BYTE}){{3}}")
# Addresses that need no IDNA, percent-encoding or path normalising: ASCII host names and
# IPv4 addresses, paths and queries of characters sent as they are.
_PLAIN = re.compile(
    r"(https?)://([a-z0-9-]+(?:\.[a-z0-9-]+)*\.?)(?::([1-9][0-9]{0,4}))?"
    r"(/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*)?(\?[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*)?"
)
_PORTS = {"http": 80, "https": 443}


def plain_address(url: str) -> Address | None:
    """A plain address read the way httpx reads it, in a few microseconds; ``None`` for any
    other (for httpx to read)."""
    match = _PLAIN.fullmatch(url)
    if match is None:
        return None
    scheme, host, port_text, path, query = match.groups()
    if path and "/." in path:
        return None  # dot segments, which httpx removes
    if host.rstrip(".").rpartition(".")[2].isdigit() and not _IPV4.fullmatch(host):
        return None  # numbers that are no IPv4 address: httpx says why
    port = int(port_text) if port_text else None
    if port is not None and port > 65535:
        return None
    if port == _PORTS[scheme]:
        port = None
    netloc = host if port is None else f"{host}:{port}"
    target = (path or "/") + (query or "")
    return Address(scheme.encode(), host.encode(), port, target.encode(), netloc.encode())


def parse_address(url: str) -> Address | httpx.URL:
    """httpx's reading of an address (IDNA, percent-encoding, checks); FetchError if none.

    Plain addresses (most feeds') are read by :func:`plain_address` instead, alike.
    """
    plain = plain_address(url)
    if plain is not None:
        return plain
    import httpx

    try:
        parsed = httpx.URL(url)
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise ValueError("port out of range")
        parsed.raw_host.decode("ascii")
    except (ValueError, UnicodeError, httpx.InvalidURL):  # news..example, http://[::1, ...
        raise _not_an_address(url) from None
    if not parsed.raw_host:
        raise _not_an_address(url)
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
    import httpx

    try:
        parsed = httpx.URL(url)
    except (ValueError, UnicodeError, httpx.InvalidURL):
        return None, None
    if not parsed.userinfo:
        return None, None
    user, _, password = parsed.userinfo.partition(b":")
    token = base64.b64encode(unquote_to_bytes(user) + b":" + unquote_to_bytes(password))
    return (parsed.raw_scheme, parsed.raw_host, parsed.port), b"Basic " + token


_HEADERS = (
    f"User-Agent: {USER_AGENT}\r\nAccept: {ACCEPT}\r\nAccept-Encoding: gzip, deflate\r\n"
).encode()


def _sendable(value: str) -> bool:
    """A validator that can go in a header as it is: ASCII, no line breaks or controls."""
    return value.isascii() and value.isprintable()


async def _drain(body: AsyncIterator[bytes], limit: int = 64 * 1024) -> None:
    """Read a body that is not wanted (a redirect's, an error's), so that its connection can
    serve the next request; one longer than ``limit`` is left, and its connection closed."""
    size = 0
    async for piece in body:
        size += len(piece)
        if size > limit:
            return


async def _read(
    url: str,
    status: int,
    headers: Headers,
    body: AsyncIterator[bytes],
    max_bytes: int,
    moved: str | None,
    etag: str | None,
    last_modified: str | None,
) -> Response:
    """The answer to a GET: nothing new (304), an error status, or a body within the cap."""
    if status == 304:
        await _drain(body)  # empty: read it so the connection is reused
        return Response(url, 304, etag=etag, last_modified=last_modified, moved_to=moved)
    if status >= 400:
        await _drain(body)
        import httpx

        phrase = httpx.codes.get_reason_phrase(status)
        raise FetchError(f"the server answered HTTP {status} {phrase}".rstrip())
    # the length as the body will be read (a chunked body's or a 204's says nothing of it);
    # BrokenProtocol when it is no length
    framed = headers.get("transfer-encoding") or status == 204
    declared = None if framed else declared_length(headers)
    if declared is not None and declared > max_bytes:
        raise FetchError(_too_big(declared, max_bytes))
    chunks: list[bytes] = []
    size = 0
    encoding = headers.get("content-encoding", "")
    decoder = _decoder(encoding)
    first = True
    async for raw in body:
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
        while (
            decoder and decoder.eof and decoder.unused_data[:2] == b"\x1f\x8b" and _gzip(encoding)
        ):
            rest = decoder.unused_data  # gzip members one after another are one body
            decoder = _decoder(encoding)
            assert decoder is not None
            try:
                chunk += decoder.decompress(rest, max(max_bytes + 1 - size - len(chunk), 1))
            except zlib.error:
                raise FetchError("the server sent a broken compressed body") from None
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
    if _gzip(encoding):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    encoding = encoding.strip().lower()
    if encoding == "deflate":
        return zlib.decompressobj()
    if encoding in ("", "identity"):
        return None
    raise FetchError(f"the server sent an unknown compression ({encoding[:40]!r})")


def _not_an_address(url: str) -> FetchError:
    """The error for ``url``, shown so that what makes it no address can be seen: its control
    characters escaped (removed, an escape sequence left a good-looking address)."""
    shown = one_line(url)
    if shown != url.strip():
        shown = repr(url.strip())[1:-1]
    return FetchError(f"not a web address: {without_password(shown)}")


def _gzip(encoding: str) -> bool:
    return encoding.strip().lower() in ("gzip", "x-gzip")


def _too_big(size: int, limit: int, at_least: bool = False) -> str:
    more = "over " if at_least else ""
    return f"the response is too large ({more}{human_size(size)}, the limit is {human_size(limit)})"
