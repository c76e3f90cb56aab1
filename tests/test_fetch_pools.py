"""The fetcher's connection pools: TLS (and its certificate authorities) only when needed."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.test_faults import FEED, headers, raw_server  # noqa: F401 (a fixture)
from tui_news.core.feed_refresh import FetchSettings, refresh_feeds
from tui_news.core.library import Store
from tui_news.core.sources.fetch import Fetcher, FetchError, Timeout


def test_http_needs_no_tls_and_https_is_verified(raw_server) -> None:  # noqa: F811
    def redirect_to_https(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 301 Moved\r\nLocation: https://127.0.0.1:"
            + str(conn.getsockname()[1]).encode()
            + b"/feed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )

    def feed(conn: socket.socket) -> None:
        conn.sendall(headers(len(FEED), "Connection: close") + FEED)  # no stale keep-alive

    url = raw_server(feed)

    async def go() -> tuple[set[str], str, ssl.SSLContext]:
        async with Fetcher(4, Timeout(2.0)) as fetcher:
            assert (await fetcher.fetch(url)).body == FEED
            plain = set(fetcher.contexts)
            raw_server(redirect_to_https)
            with pytest.raises(FetchError) as caught:
                await fetcher.fetch(url)  # on to https; the server speaks no TLS
            assert "https" in fetcher.contexts, caught.value
            context = fetcher.contexts["https"]
            return plain, str(caught.value), context

    plain, reason, context = asyncio.run(go())
    assert "https" not in plain  # no certificate authorities loaded for plain http
    assert reason.startswith("secure connection failed")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0


def test_the_http_pool_speaks_no_tls_and_its_context_would_trust_no_certificate() -> None:
    assert Fetcher().pool("http", b"example.org", 80).context is None
    assert Fetcher().pool("https", b"example.org", 443).context is not None
    context = Fetcher().context("http")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0


@contextmanager
def servers(count: int) -> Iterator[tuple[list[str], list[set[int]]]]:
    """``count`` feed servers on 127.0.0.1, 127.0.0.2, ...: their bases, and the client
    ports each saw (one port per connection)."""
    seen: list[set[int]] = [set() for _ in range(count)]
    running: list[ThreadingHTTPServer] = []

    def handler(ports: set[int]) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                ports.add(self.client_address[1])
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(FEED)))
                self.end_headers()
                self.wfile.write(FEED)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    try:
        for number in range(count):
            httpd = ThreadingHTTPServer((f"127.0.0.{number + 1}", 0), handler(seen[number]))
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            running.append(httpd)
        yield [f"http://127.0.0.{n + 1}:{h.server_port}" for n, h in enumerate(running)], seen
    finally:
        for httpd in running:
            httpd.shutdown()
            httpd.server_close()


def test_each_server_keeps_its_connections_while_it_has_feeds(tmp_path: Path) -> None:
    """More servers than connections at once, their feeds taken in turn (as a subscription
    list spreads over many servers): each server's connections serve all its feeds."""
    store = Store(tmp_path / "library.sqlite")
    with servers(3) as (bases, seen):
        sources = [
            store.add_source("feed", f"{bases[n % 3]}/feed-{n}", "", None) for n in range(12)
        ]
        settings = FetchSettings(connections=2, per_host=1)
        report = asyncio.run(refresh_feeds(store, sources, settings))
    assert not report.failed and report.added == 12 * len(FEED.split(b"<item>")[1:])
    assert [len(ports) for ports in seen] == [1, 1, 1]  # one connection per server, reused
