"""A small real HTTP server on loopback for the feed tests: routes, ETags, redirects, gzip."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml"
    location: str | None = None  # for redirects
    encoding: str | None = None  # "gzip" or "deflate"
    etag: bool = True
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class FeedServer:
    """Serves ``routes`` and records every request (path and headers)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.peers: list[tuple[str, int]] = []  # each request's client address (its connection)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle's algorithm the body's last
            # segment waits for the client's delayed ACK, 40 ms per kept-alive request.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                server.peers.append(self.client_address)
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, b"not found", "text/plain")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.location:
                    self.send_response(route.status)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                tag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                if route.etag and self.headers.get("If-None-Match") == tag:
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = route.body
                extra = dict(route.headers)
                if route.encoding == "gzip":
                    body, extra["Content-Encoding"] = gzip.compress(body), "gzip"
                elif route.encoding == "deflate":
                    body, extra["Content-Encoding"] = zlib.compress(body), "deflate"
                if route.etag:
                    extra["ETag"] = tag
                self._send(route.status, body, route.content_type, extra)

            def _send(self, status: int, body: bytes, kind: str, extra: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.request_queue_size = 256  # many feeds connect at once
        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """The full address of ``path`` on this server."""
        return f"http://{self.host}:{self.port}{path}"

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [path for path, _ in self.requests]

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(title: str, items: list[dict[str, str]], link: str = "https://site.example/") -> bytes:
    """An RSS 2.0 document with ``items`` (keys: title, link, guid, description, pubDate)."""
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
    ]
    parts.append(f"<link>{link}</link>")
    for item in items:
        parts.append("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def serve() -> Iterator[FeedServer]:
    """Start a server for one test."""
    with FeedServer() as server:
        yield server
