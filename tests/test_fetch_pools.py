"""The fetcher's connection pools: TLS (and its certificate authorities) only when needed."""

from __future__ import annotations

import asyncio
import socket
import ssl

import httpx
import pytest

from tests.test_faults import FEED, headers, raw_server  # noqa: F401 (a fixture)
from tui_news.core.sources.fetch import Fetcher, FetchError


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
        async with Fetcher(4, httpx.Timeout(2.0)) as fetcher:
            assert (await fetcher.fetch(url)).body == FEED
            plain = set(fetcher.pools)
            raw_server(redirect_to_https)
            with pytest.raises(FetchError) as caught:
                await fetcher.fetch(url)  # on to https; the server speaks no TLS
            assert "https" in fetcher.pools, caught.value
            context = fetcher.pools["https"]._ssl_context
            return plain, str(caught.value), context

    plain, reason, context = asyncio.run(go())
    assert plain == {"http"}  # no certificate authorities loaded for plain http
    assert reason.startswith("secure connection failed")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0


def test_the_http_pool_would_trust_no_certificate() -> None:
    context = Fetcher().pool("http")._ssl_context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0
