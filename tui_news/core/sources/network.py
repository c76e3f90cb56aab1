"""HTTP/1.1 GETs on plain asyncio: connections kept open per server, for the fetcher.

A feed reader asks little of HTTP: GET, a few headers, bodies framed by Content-Length, by
chunks or by the connection's end. Done here in a few lines of Python per answer, 500
conditional GETs answered 304 (25 servers, two connections each) take 0.065-0.08 s of CPU;
through httpcore and h11 (request and event objects, validation, anyio shims) they took
0.30-0.43 s. A failure raises a :class:`NetworkError` whose message is the reason.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
import time
import typing
from collections.abc import AsyncIterator

from tui_news.core.errors import UserError
from tui_news.core.text import one_line

MAX_HEAD = 64 * 1024  # bytes of status line and headers read before giving up
_PAUSE_AT = 256 * 1024  # bytes received and not yet read before the socket is left unread
_HEAD_END = re.compile(rb"\n\r?\n")
_STATUS = re.compile(rb"HTTP/(\d)\.(\d) (\d{3})(?: [^\r\n]*)?\r?")
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class NetworkError(UserError):
    """A GET that failed below HTTP's statuses; the message is the one-line reason."""


class ConnectFailed(NetworkError):
    """No connection: refused, no such host, TLS refused (see :func:`connect_reason`)."""


class CutOff(NetworkError):
    """The connection ended (or was reset) in the middle of an answer."""

    def __init__(self) -> None:
        super().__init__("the connection was cut off before the answer was complete")


class NoAnswer(NetworkError):
    """The server closed the connection before the first byte of an answer."""

    def __init__(self) -> None:
        super().__init__("the server closed the connection without answering")


class HeadersTooLarge(NetworkError):
    """The status line and headers go on past :data:`MAX_HEAD`."""

    def __init__(self) -> None:
        super().__init__("the server sent headers too large to read")


class BrokenProtocol(NetworkError):
    """What the server sent is not HTTP/1.x."""

    def __init__(self, what: str) -> None:
        super().__init__(f"the server broke the HTTP protocol ({one_line(what)[:120]})")


class PrivateAddress(NetworkError):
    """The server is on this machine or a private network, and only public ones may be reached."""

    def __init__(self, host: str) -> None:
        super().__init__(f"not fetched: {one_line(host)[:200]} is on a private network")


def on_private_network(address: str) -> bool:
    """True for an IP address that is not on the public internet: this machine, a private,
    shared (100.64/10), link-local, multicast or reserved network, or an IPv6 address that
    carries such an IPv4 address (mapped, 6to4, Teredo)."""
    ip = ipaddress.ip_address(address.partition("%")[0])
    inner: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        inner += [a for a in (ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())) if a is not None]
    return any(not a.is_global or a.is_multicast for a in inner)


def connect_reason(error: OSError) -> str:
    """Name the cause of a failed connection."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "host not found (DNS lookup failed)"
    if isinstance(error, ssl.SSLError):
        return f"secure connection failed ({error.reason or error})"
    text = str(error).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "getaddrinfo" in text:
        return "host not found (DNS lookup failed)"
    return f"cannot connect ({error})" if str(error) else "cannot connect"


class _Protocol(asyncio.Protocol):
    """What a connection has received, for :class:`Connection` to read."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.paused = False  # reading paused: the buffer is full
        self.waiter: asyncio.Future[None] | None = None  # a read waiting for data

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > _PAUSE_AT and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> None:
        self.eof = True
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        if exc is not None and self.error is None:
            self.error = exc
        self._wake()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class Headers(dict[str, str]):
    """An answer's headers by lower-case name; a repeated header's values joined by ", "."""

    @classmethod
    def read(cls, lines: list[bytes]) -> Headers:
        headers = cls()
        for line in lines:
            name, colon, value = line.partition(b":")
            if not colon or not _TOKEN.fullmatch(name):
                shown = line[:60].decode("latin-1")
                raise BrokenProtocol(f"illegal header line: {shown!r}")
            try:
                text = value.strip().decode()
            except UnicodeDecodeError:
                text = value.strip().decode("latin-1")
            key = name.decode("ascii").lower()
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        return headers


class Connection:
    """One HTTP/1.1 connection: a request, its answer's head, then its body, then again."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self.transport = transport
        self.protocol = protocol
        self.used = 0  # requests sent on it
        self.idle_since = time.monotonic()
        self.reusable = False  # its last answer was read whole and it stays open
        self._keep = False  # the last answer's head lets the connection stay open

    def stale(self, expiry: float) -> bool:
        """Whether an idle connection is no use: closed, sent something unasked, or old."""
        protocol = self.protocol
        return (
            protocol.eof
            or bool(protocol.buffer)
            or self.transport.is_closing()
            or time.monotonic() - self.idle_since > expiry
        )

    def close(self) -> None:
        self.reusable = False
        self.transport.abort()  # no waiting for the peer

    async def _more(self) -> bool:
        """Wait for more bytes: ``False`` when the connection has ended instead."""
        protocol = self.protocol
        if protocol.eof:
            if protocol.error is not None:
                raise CutOff() from protocol.error
            return False
        self._resume_if_drained()  # a paused connection sends nothing to wait for
        protocol.waiter = asyncio.get_running_loop().create_future()
        try:
            await protocol.waiter
        finally:
            protocol.waiter = None
        if not protocol.buffer and protocol.eof and protocol.error is not None:
            raise CutOff() from protocol.error
        return bool(protocol.buffer) or not protocol.eof

    def _take(self, size: int) -> bytes:
        """Up to ``size`` bytes of what has arrived."""
        buffer = self.protocol.buffer
        if len(buffer) <= size:
            data = bytes(buffer)
            buffer.clear()
        else:
            data = bytes(buffer[:size])
            del buffer[:size]
        self._resume_if_drained()
        return data

    def _resume_if_drained(self) -> None:
        """Read from the socket again once what was received has mostly been taken."""
        if self.protocol.paused and len(self.protocol.buffer) <= _PAUSE_AT // 4:
            self.protocol.paused = False
            self.transport.resume_reading()

    async def request(self, head: bytes) -> tuple[int, Headers]:
        """Send a request's head; the answer's status and headers (1xx answers skipped)."""
        self.used += 1
        self.reusable = False
        if self.transport.is_closing():
            raise NoAnswer()
        self.transport.write(head)
        while True:
            status, version, headers = await self._head()
            if not 100 <= status < 200 or status == 101:
                break
        self._keep = version >= (1, 1) and "close" not in headers.get("connection", "").lower()
        return status, headers

    async def _head(self) -> tuple[int, tuple[int, int], Headers]:
        buffer = self.protocol.buffer
        searched = 0
        while True:
            end = _HEAD_END.search(buffer, max(0, searched - 3))
            if end is not None:
                break
            if len(buffer) > MAX_HEAD:
                raise HeadersTooLarge()
            searched = len(buffer)
            if not await self._more():
                if buffer:
                    raise CutOff()
                raise NoAnswer()
        raw = bytes(buffer[: end.end()])
        del buffer[: end.end()]
        lines = raw.rstrip(b"\r\n").split(b"\n")
        match = _STATUS.fullmatch(lines[0])
        if match is None:
            raise BrokenProtocol(f"illegal status line: {lines[0][:60].decode('latin-1')!r}")
        folded: list[bytes] = []
        for line in lines[1:]:
            line = line.rstrip(b"\r")
            if line[:1] in (b" ", b"\t") and folded:  # obsolete line folding
                folded[-1] += b" " + line.strip()
            else:
                folded.append(line)
        version = (int(match[1]), int(match[2]))
        return int(match[3]), version, Headers.read(folded)

    async def body(self, status: int, headers: Headers) -> AsyncIterator[bytes]:
        """The answer's body, piece by piece as it arrives."""
        if status in (204, 304) or 100 <= status < 200:
            self.reusable = self._keep
            return
        coding = headers.get("transfer-encoding", "").lower()
        if coding:
            if coding.rsplit(",", 1)[-1].strip() != "chunked":
                raise BrokenProtocol(f"unsupported transfer encoding {coding[:40]!r}")
            async for piece in self._chunks():
                yield piece
            self.reusable = self._keep
            return
        length = declared_length(headers)
        if length is not None:
            async for piece in self._exactly(length):
                yield piece
            self.reusable = self._keep
            return
        while True:  # to the connection's end
            if self.protocol.buffer:
                yield self._take(len(self.protocol.buffer))
            elif not await self._more():
                return

    async def _line(self) -> bytes:
        buffer = self.protocol.buffer
        while (end := buffer.find(b"\n")) < 0:
            if len(buffer) > MAX_HEAD:
                raise BrokenProtocol("a chunk's size line is too long")
            if not await self._more():
                raise CutOff()
        line = bytes(buffer[: end + 1])
        del buffer[: end + 1]
        return line.strip()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while True:
            size_line = (await self._line()).split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_line):  # int() would take -5, 0x5 and 5_0
                shown = size_line[:20].decode("latin-1")
                raise BrokenProtocol(f"illegal chunk size {shown!r}")
            size = int(size_line, 16)
            if size == 0:
                while await self._line():  # trailers, up to the blank line
                    pass
                return
            async for piece in self._exactly(size):
                yield piece
            await self._line()  # the CRLF after the chunk

    async def _exactly(self, size: int) -> AsyncIterator[bytes]:
        """The next ``size`` bytes, piece by piece as they arrive; :class:`CutOff` if the
        connection ends first."""
        left = size
        while left > 0:
            if not self.protocol.buffer and not await self._more():
                raise CutOff()
            piece = self._take(left)
            left -= len(piece)
            yield piece


_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,15}")
_LENGTH = re.compile(r"[0-9]{1,18}")  # ASCII digits: str.isdigit() takes "²" too


def declared_length(headers: Headers) -> int | None:
    """The body's length as the server declared it (``None``: not declared);
    :class:`BrokenProtocol` if what it declared is no length."""
    declared = headers.get("content-length")
    if declared is None:
        return None
    values = {value.strip() for value in declared.split(",")}
    if len(values) != 1 or not _LENGTH.fullmatch(length := values.pop()):
        raise BrokenProtocol(f"bad Content-Length {declared[:40]!r}")
    return int(length)


class Pool:
    """The connections to one server: at most ``limit`` at once, idle ones kept for reuse.

    ``public_only``: the host's addresses are looked up first and only public ones are
    connected to (:class:`PrivateAddress` when it has none), so a name that points at this
    machine or a private network is never reached, whatever it resolved to before.
    """

    def __init__(
        self,
        host: str,
        port: int,
        context: ssl.SSLContext | None,
        limit: int,
        expiry: float = 5.0,
        public_only: bool = False,
    ) -> None:
        self.host, self.port, self.context = host, port, context
        self.gate = asyncio.Semaphore(limit)
        self.expiry = expiry
        self.public_only = public_only
        self.idle: list[Connection] = []
        self.open: set[Connection] = set()

    async def connect(self, timeout: float | None) -> Connection:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                targets = await self._public_addresses() if self.public_only else [self.host]
                for number, target in enumerate(targets, 1):
                    try:
                        transport, protocol = await loop.create_connection(
                            _Protocol,
                            target,
                            self.port,
                            ssl=self.context,
                            server_hostname=self.host if self.context is not None else None,
                            happy_eyeballs_delay=0.25,
                        )
                        break
                    except OSError:
                        if number == len(targets):
                            raise
        except OSError as error:  # ssl.SSLError too
            raise ConnectFailed(connect_reason(error)) from error
        connection = Connection(transport, protocol)
        self.open.add(connection)
        return connection

    async def _public_addresses(self) -> list[str]:
        """The host's public IP addresses, in the resolver's order."""
        found = await asyncio.get_running_loop().getaddrinfo(
            self.host, self.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
        public = [str(i[4][0]) for i in found if not on_private_network(str(i[4][0]))]
        if not public:
            raise PrivateAddress(self.host)
        return list(dict.fromkeys(public))

    def take_idle(self) -> Connection | None:
        """A kept connection that is still good, if any (the rest are closed)."""
        while self.idle:
            connection = self.idle.pop()
            if not connection.stale(self.expiry):
                return connection
            self.drop(connection)
        return None

    def give_back(self, connection: Connection) -> None:
        """Keep a connection whose answer was read whole; close any other."""
        if connection.reusable and not connection.transport.is_closing():
            connection.idle_since = time.monotonic()
            self.idle.append(connection)
        else:
            self.drop(connection)

    def drop(self, connection: Connection) -> None:
        connection.close()
        self.open.discard(connection)

    def close(self) -> None:
        for connection in list(self.open):
            self.drop(connection)
        self.idle.clear()
