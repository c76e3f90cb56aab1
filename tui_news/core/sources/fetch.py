"""Fetching feeds over HTTP with httpx: conditional GET, redirects, a body cap, clear errors."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass

import httpx

from tui_news import __version__
from tui_news.core.sources.files import human_size

USER_AGENT = f"tui-news/{__version__} (terminal newsreader; +https://pypi.org/project/tui-news/)"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"
)


class FetchError(Exception):
    """The address could not be fetched; the message is the one-line reason."""


@dataclass(slots=True)
class Response:
    """What a fetch brought: a body (status 200) or nothing new (status 304)."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None


def make_client(max_connections: int = 16, timeout: httpx.Timeout = TIMEOUT) -> httpx.AsyncClient:
    """An HTTP client for feeds: redirects followed, gzip and deflate accepted."""
    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=8,
        timeout=timeout,
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Response:
    """GET ``url``; raise :class:`FetchError` with a reason on any failure."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with client.stream("GET", url, headers=headers) as response:
            moved = _permanent_move(url, response)
            if response.status_code == 304 or response.status_code >= 400:
                await (
                    response.aread()
                )  # an empty or short body: read it so the connection is reused
            if response.status_code == 304:
                return Response(
                    str(response.url), 304, etag=etag, last_modified=last_modified, moved_to=moved
                )
            if response.status_code >= 400:
                phrase = response.reason_phrase or ""
                raise FetchError(
                    f"the server answered HTTP {response.status_code} {phrase}".rstrip()
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(_too_big(int(declared), max_bytes))
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(_too_big(size, max_bytes, at_least=True))
                chunks.append(chunk)
            return Response(
                str(response.url),
                response.status_code,
                b"".join(chunks),
                response.headers.get("content-type", ""),
                response.headers.get("etag"),
                response.headers.get("last-modified"),
                moved,
            )
    except httpx.TimeoutException:
        waited = client.timeout.read or 0
        raise FetchError(f"timed out (no answer within {waited:g} s)") from None
    except httpx.TooManyRedirects:
        raise FetchError("too many redirects") from None
    except httpx.DecodingError:
        raise FetchError("the server sent a broken compressed body") from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL):
        raise FetchError(f"not a web address: {url}") from None
    except httpx.ConnectError as error:
        raise FetchError(_connect_reason(error)) from None
    except httpx.HTTPError as error:
        raise FetchError(
            f"network error ({type(error).__name__}: {error})".replace(" ()", "")
        ) from None


def _permanent_move(url: str, response: httpx.Response) -> str | None:
    """The new address if every redirect on the way was permanent (301 or 308)."""
    history = response.history
    if history and all(step.status_code in (301, 308) for step in history):
        final = str(response.url)
        return final if final != url else None
    return None


def _too_big(size: int, limit: int, at_least: bool = False) -> str:
    more = "over " if at_least else ""
    return f"the response is too large ({more}{human_size(size)}, the limit is {human_size(limit)})"


def _connect_reason(error: httpx.ConnectError) -> str:
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
