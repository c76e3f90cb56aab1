"""Network faults from a real (misbehaving) server on 127.0.0.1: each ends in a clear error."""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import pytest

from tests.feedserver import rss
from tui_news.core.reader import make_reader
from tui_news.core.sources.fetch import Fetcher, FetchError, Timeout

FEED = rss("Faulty", [{"title": f"Item {n}", "guid": str(n)} for n in range(50)])
Behaviour = Callable[[socket.socket], None]


@contextmanager
def tcp_server(choose: Callable[[str], Behaviour]) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that answers each connection with the behaviour ``choose``
    picks for the request's path; yields its base address."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    stop = threading.Event()

    def answer(conn: socket.socket) -> None:
        try:
            request = read_request(conn)
            path = request.split(" ", 2)[1] if request.count(" ") >= 2 else "/"
            choose(path)(conn)
        except OSError:
            pass
        finally:
            close_gently(conn)

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def read_request(conn: socket.socket) -> str:
    """The request's head, however many pieces it comes in (what is not HTTP, a TLS hello
    say, is taken as it first comes)."""
    conn.settimeout(5)
    data = conn.recv(65536)
    while data[:1].isalpha() and b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.decode("latin-1")


def close_gently(conn: socket.socket) -> None:
    """Close after the client has read what was sent: a close with unread data waiting would
    reset the connection and could lose the answer in flight (making every fault look like a
    cut-off). A behaviour that asked for a reset (SO_LINGER 0) gets its reset."""
    with suppress(OSError):
        linger = struct.unpack("ii", conn.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))
        if not linger[0]:
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(2)
            while conn.recv(65536):
                pass
    conn.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Behaviour], str]]:
    """A server answering every request with one behaviour; yields a starter for it."""
    behaviour: list[Behaviour] = []
    with tcp_server(lambda path: behaviour[0]) as base:

        def start(how: Behaviour) -> str:
            behaviour[:] = [how]
            return f"{base}/feed"

        yield start


def fetch(url: str, timeout: float = 2.0) -> tuple[str, float]:
    """Fetch ``url``; the error's message and how long it took."""

    async def go() -> None:
        async with Fetcher(4, Timeout(timeout)) as fetcher:
            await fetcher.fetch(url)

    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        asyncio.run(go())
    return str(caught.value), time.monotonic() - started


def headers(length: int, *extra: str) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: application/rss+xml", f"Content-Length: {length}"]
    return ("\r\n".join([*lines, *extra]) + "\r\n\r\n").encode()


def drip(conn: socket.socket) -> None:
    conn.sendall(headers(len(FEED)))
    for byte in FEED:
        conn.sendall(bytes([byte]))
        time.sleep(0.25)


def reset(conn: socket.socket) -> None:
    conn.sendall(headers(len(FEED)) + FEED[:200])
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_a_kept_alive_connection_closed_as_the_next_request_goes_is_asked_again(
    raw_server,
) -> None:
    """A server may close an idle kept-alive connection just as the next GET is sent on it
    (its keep-alive timeout): the GET goes again on a new connection, not a failed feed."""

    def answer_once_then_close_on_the_next(conn: socket.socket) -> None:
        conn.sendall(headers(len(FEED)) + FEED)  # kept alive: no Connection: close
        read_request(conn)  # the next request on this connection: closed unanswered

    async def go() -> list[bytes]:
        async with Fetcher(4, Timeout(2.0)) as fetcher:
            url = raw_server(answer_once_then_close_on_the_next)
            return [(await fetcher.fetch(url)).body for _ in range(3)]

    assert asyncio.run(go()) == [FEED, FEED, FEED]


def test_connection_reset_in_the_middle_of_the_body(raw_server) -> None:
    reason, _ = fetch(raw_server(reset))
    assert reason == "the connection was cut off before the answer was complete"


def test_truncated_gzip(raw_server) -> None:
    body = gzip.compress(FEED)[:300]

    def truncated(conn: socket.socket) -> None:
        conn.sendall(headers(len(body), "Content-Encoding: gzip") + body)

    reason, _ = fetch(raw_server(truncated))
    assert reason == "the server sent a broken compressed body (it ends too soon)"


def test_a_compressed_body_is_capped_by_what_it_becomes(raw_server) -> None:
    body = gzip.compress(b"<rss>" + b" " * 5_000_000 + b"</rss>")  # ~5 KB on the wire

    def bomb(conn: socket.socket) -> None:
        conn.sendall(headers(len(body), "Content-Encoding: gzip") + body)

    async def go() -> None:
        async with Fetcher(4, Timeout(2.0)) as fetcher:
            await fetcher.fetch(raw_server(bomb), max_bytes=1_000_000)

    with pytest.raises(FetchError, match="the response is too large"):
        asyncio.run(go())


def test_a_server_that_drips_a_byte_a_second_is_given_up(raw_server) -> None:
    reason, took = fetch(raw_server(drip), timeout=1.0)
    assert reason == "timed out (no complete answer within 1 s)"
    assert took < 2.5  # within the timeout, not the length of the drip


def test_huge_headers(raw_server) -> None:
    def huge(conn: socket.socket) -> None:
        conn.sendall(headers(len(FEED), "X-Junk: " + "a" * 200_000) + FEED)

    reason, _ = fetch(raw_server(huge))
    assert reason == "the server sent headers too large to read"


def test_a_redirect_loop(raw_server) -> None:
    def loop(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: /feed\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n"
        )

    reason, _ = fetch(raw_server(loop))
    assert reason == "too many redirects"


def test_silence_after_connecting(raw_server) -> None:
    reason, took = fetch(raw_server(lambda conn: time.sleep(3)), timeout=0.5)
    assert reason.startswith("timed out") and took < 2


@pytest.mark.parametrize("wrapped", [True, False])
def test_deflate_with_or_without_its_zlib_wrapper(raw_server, wrapped: bool) -> None:
    import zlib

    packer = zlib.compressobj(wbits=zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    body = packer.compress(FEED) + packer.flush()

    def deflate(conn: socket.socket) -> None:
        conn.sendall(headers(len(body), "Content-Encoding: deflate") + body)

    async def go() -> bytes:
        async with Fetcher(4, Timeout(2.0)) as fetcher:
            return (await fetcher.fetch(raw_server(deflate))).body

    assert asyncio.run(go()) == FEED


def chunked_head(*extra: str) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: application/rss+xml", "Transfer-Encoding: chunked"]
    return ("\r\n".join([*lines, *extra]) + "\r\n\r\n").encode()


def in_chunks(body: bytes, size: int) -> bytes:
    """``body`` framed in chunks of ``size`` (one with an extension), then a trailer."""
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    framed = b"".join(b"%x;name=value\r\n%s\r\n" % (len(p), p) for p in pieces)
    return framed + b"0\r\nX-Trailer: yes\r\n\r\n"


def test_a_chunked_body_is_read_whole_and_the_connection_kept(raw_server) -> None:
    """Chunks with extensions and a trailer; the next GET goes on the same connection."""
    connections: list[int] = []

    def twice_on_one_connection(conn: socket.socket) -> None:
        connections.append(1)
        conn.sendall(chunked_head() + in_chunks(FEED, 1000))
        if read_request(conn):
            conn.sendall(chunked_head() + in_chunks(FEED, 700))

    async def go() -> list[bytes]:
        async with Fetcher(4, Timeout(2.0)) as fetcher:
            url = raw_server(twice_on_one_connection)
            return [(await fetcher.fetch(url)).body for _ in range(2)]

    assert asyncio.run(go()) == [FEED, FEED]
    assert len(connections) == 1


def test_a_body_without_length_runs_to_the_connections_end(raw_server) -> None:
    def to_the_end(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n" + FEED)

    async def go() -> bytes:
        async with Fetcher(4, Timeout(2.0)) as fetcher:
            return (await fetcher.fetch(raw_server(to_the_end))).body

    assert asyncio.run(go()) == FEED


@pytest.mark.parametrize(
    ("sent", "reason"),
    [
        (in_chunks(FEED, 1000)[:1500], "the connection was cut off before the answer was complete"),
        (b"zz\r\nabc\r\n0\r\n\r\n", "the server broke the HTTP protocol (illegal chunk size 'zz')"),
        # int() reads these; a negative size once spun the event loop so no timeout fired
        (
            b"-5\r\nhello\r\n0\r\n\r\n",
            "the server broke the HTTP protocol (illegal chunk size '-5')",
        ),
        (
            b"0x5\r\nhello\r\n0\r\n\r\n",
            "the server broke the HTTP protocol (illegal chunk size '0x5')",
        ),
    ],
)
def test_a_broken_chunked_body_says_what_broke(raw_server, sent: bytes, reason: str) -> None:
    def broken(conn: socket.socket) -> None:
        conn.sendall(chunked_head() + sent)

    assert fetch(raw_server(broken))[0] == reason


@pytest.mark.parametrize("declared", ["²", "9" * 5000, "-1", "+5", "5, 6"])
def test_a_content_length_that_is_no_length_is_a_broken_protocol(raw_server, declared: str) -> None:
    def odd(conn: socket.socket) -> None:
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
        conn.sendall(f"{head}Content-Length: {declared}\r\n\r\n".encode() + FEED)

    reason, _ = fetch(raw_server(odd))
    assert reason.startswith("the server broke the HTTP protocol (bad Content-Length")
    assert len(reason) < 120


def test_a_chunked_body_ignores_a_content_length_beside_it(raw_server) -> None:
    """Transfer-Encoding overrides Content-Length (RFC 9112 6.3): a bad one beside it is
    not read, as before the check of the header was made strict."""

    def both(conn: socket.socket) -> None:
        conn.sendall(chunked_head("Content-Length: ²") + in_chunks(FEED, 1000))

    async def go() -> bytes:
        async with Fetcher(4, Timeout(2.0)) as fetcher:
            return (await fetcher.fetch(raw_server(both))).body

    assert asyncio.run(go()) == FEED


def test_gzip_members_one_after_another_are_one_body(raw_server) -> None:
    half = len(FEED) // 2
    body = gzip.compress(FEED[:half]) + gzip.compress(FEED[half:])

    def members(conn: socket.socket) -> None:
        conn.sendall(headers(len(body), "Content-Encoding: gzip") + body)

    async def go() -> bytes:
        async with Fetcher(4, Timeout(2.0)) as fetcher:
            return (await fetcher.fetch(raw_server(members))).body

    assert asyncio.run(go()) == FEED


def test_an_unknown_compression_is_named_with_its_escapes_shown(raw_server) -> None:
    def odd(conn: socket.socket) -> None:
        conn.sendall(headers(len(FEED), "Content-Encoding: \x1b]0;pwned\x07\x1b[31mRED") + FEED)

    reason, _ = fetch(raw_server(odd))  # cleaned, it said "unknown compression (red)"
    assert reason == r"the server sent an unknown compression ('\x1b]0;pwned\x07\x1b[31mred')"


def test_garbage_that_claims_to_be_gzip(raw_server) -> None:
    def garbage(conn: socket.socket) -> None:
        conn.sendall(headers(9, "Content-Encoding: gzip") + b"not gzip!")

    reason, _ = fetch(raw_server(garbage))
    assert reason == "the server sent a broken compressed body"


# --- the same faults end to end: `tui-news refresh` over a library holding all of them -------

RSS_HEADERS = "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {length}\r\n\r\n"


def answer(kind: str, body: bytes, *extra: str) -> Behaviour:
    def send(conn: socket.socket) -> None:
        head = RSS_HEADERS.format(kind=kind, length=len(body))
        conn.sendall((head[:-2] + "".join(f"{line}\r\n" for line in extra) + "\r\n").encode())
        conn.sendall(body)

    return send


SITE: dict[str, Behaviour] = {
    "/good": answer("application/rss+xml", FEED),
    "/rss-sent-as-html": answer("text/html; charset=utf-8", FEED),  # common, and still a feed
    "/rss-sent-as-png": answer("image/png", FEED),
    "/html-sent-as-rss": answer("application/rss+xml", b"<!doctype html><p>A page</p>"),
    "/png": answer("image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
    "/reset": reset,
    "/truncated-gzip": answer(
        "application/rss+xml", gzip.compress(FEED)[:300], "Content-Encoding: gzip"
    ),
    "/drip": drip,
    "/huge-headers": answer("application/rss+xml", FEED, "X-Junk: " + "a" * 200_000),
    "/redirect-loop": lambda conn: conn.sendall(
        b"HTTP/1.1 302 Found\r\nLocation: /redirect-loop\r\nContent-Length: 0\r\n"
        b"Connection: close\r\n\r\n"
    ),
    "/silence": lambda conn: time.sleep(4),
    "/hang-up": lambda conn: None,  # closes without a word
}


@pytest.fixture
def faulty_site() -> Iterator[str]:
    """A server answering each path of SITE its own (mis)way; yields its base address."""

    def not_found(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    with tcp_server(lambda path: SITE.get(path, not_found)) as base:
        yield base


def test_every_fault_at_once_through_tui_news_refresh(faulty_site: str, data_dir, cli) -> None:
    """Each faulty feed fails alone, within the timeout, with one line naming its fault; the
    good feeds (and the RSS sent with a wrong Content-Type) are read."""
    data_dir.mkdir()
    (data_dir / "config.toml").write_text("timeout_seconds = 3\n")  # room for a loaded machine
    reader = make_reader(data_dir)
    for path in SITE:
        reader.store.add_source("feed", f"{faulty_site}{path}", path.strip("/"), None)
    reader.close()

    started = time.monotonic()
    result = cli("refresh")
    took = time.monotonic() - started
    assert took < 20  # every fault within the 3 s timeout (plus starting Python)
    assert result.returncode == 1
    failed = {
        line.split(": ", 1)[0].removeprefix("failed "): line.split(": ", 1)[1]
        for line in result.stderr.splitlines()
    }
    assert failed == {
        "html-sent-as-rss": "not a feed: the address gives an HTML page",
        "png": "not a feed: the address gives binary data, not text",
        "reset": "the connection was cut off before the answer was complete",
        "truncated-gzip": "the server sent a broken compressed body (it ends too soon)",
        "drip": "timed out (no complete answer within 3 s)",
        "huge-headers": "the server sent headers too large to read",
        "redirect-loop": "too many redirects",
        "silence": "timed out (no complete answer within 3 s)",
        "hang-up": "the server closed the connection without answering",
    }
    reader = make_reader(data_dir)
    counts = {source.name: source.articles for source in reader.sources()}
    errors = {source.name: source.last_error for source in reader.sources() if source.last_error}
    reader.close()
    assert counts["good"] == counts["rss-sent-as-html"] == counts["rss-sent-as-png"] == 50
    assert errors == failed  # each source marked with its own reason, and only those


def test_a_port_out_of_range_is_not_a_web_address() -> None:
    reason, _ = fetch("http://127.0.0.1:99999/feed")
    assert reason == "not a web address: http://127.0.0.1:99999/feed"


def test_a_stored_validator_that_cannot_be_sent_costs_a_full_answer(raw_server) -> None:
    """An ETag stored with characters HTTP headers cannot carry is left out, not a crash."""

    async def go() -> bytes:
        async with Fetcher(4, Timeout(2.0)) as fetcher:
            url = raw_server(lambda conn: conn.sendall(headers(len(FEED)) + FEED))
            return (await fetcher.fetch(url, etag='"café"', last_modified="lundi")).body

    assert asyncio.run(go()) == FEED
