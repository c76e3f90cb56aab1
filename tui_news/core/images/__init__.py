"""Pictures for articles: fetched through the project's fetcher (or read from a local
article's folder), kept in a bounded disk cache readable offline, decoded safely.

:func:`load_picture` is blocking: call it from a thread. :func:`configure` (done when a
library opens) says where the cache lives and how large it may grow.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from tui_news.core.images.decoding import (
    ImageFailed,
    Picture,
    decode,
    header_size,
    prepare,
)
from tui_news.core.images.disk_cache import PictureCache

if TYPE_CHECKING:
    from tui_news.core.sources.fetch import Fetcher

__all__ = [
    "ImageFailed",
    "Picture",
    "PictureCache",
    "cached_size",
    "configure",
    "load_picture",
    "prepare",
    "remembered_size",
]

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # a larger picture is not fetched whole
CONNECTIONS = 4  # to one server at once, as many as the article view fetches pictures
_FAILED_KEPT = 500  # refusals remembered (a bomb is not fetched again in this session)
_state: dict[str, PictureCache | None] = {"cache": None}
_sizes: dict[str, tuple[int, int]] = {}
_refused: dict[str, str] = {}
_lock = threading.Lock()
# One picture decoded at a time, however many are fetched at once: decoding and scaling take a
# core each (Pillow lets go of the interpreter lock), and on two cores four at once left the
# keys' thread waiting for a core when cached pictures all came together.
_decoding = threading.Semaphore(1)


def configure(directory: Path | None, max_bytes: int) -> None:
    """Keep pictures in ``directory`` up to ``max_bytes`` (None or 0: keep none)."""
    _state["cache"] = PictureCache(directory, max_bytes) if directory and max_bytes > 0 else None


def load_picture(
    url: str,
    box: tuple[int, int],
    *,
    local_base: str | None = None,
    settings: Any = None,
    cache: PictureCache | None = None,
    origin: str | None = None,
) -> Picture:
    """The picture at ``url``, decoded and scaled down to fit ``box`` (pixels).

    ``url`` is an http(s) address, fetched (or read from the cache: no network when it is
    there), or, for an article from a local source only (``local_base``, its folder), a path
    or ``file:`` address, relative ones resolved against ``local_base``. ``settings`` (the
    Config) gives the fetch's timeout. A picture on this machine or a private network
    (loopback, 10.x, 192.168.x, link-local 169.254.x, ...), or redirected there, is fetched
    only for a local article, or from the local server that the article's ``origin`` (the
    address the user subscribed to, never one the feed gives) names. Raises
    :class:`ImageFailed` with a one-line reason.
    """
    refused = _refused.get(url)
    if refused:
        raise ImageFailed(refused)
    kept = cache or _state["cache"]
    try:
        data, fetched = _bytes(url, local_base, settings, kept, origin)
        with _decoding:
            picture = decode(data, box)
    except ImageFailed as error:
        with _lock:
            if len(_refused) >= _FAILED_KEPT:
                _refused.clear()
            if url.startswith(("http://", "https://")) and not str(error).startswith(_PASSING):
                _refused[url] = str(error)
        raise
    if fetched and kept is not None:
        kept.write(url, data)  # only pictures that decode are kept
    if url.startswith(("http://", "https://")):  # a relative path means another file elsewhere
        with _lock:
            _sizes[url] = (picture.width, picture.height)
    return picture


_PASSING = (
    "not fetched",
    "timed out",
    "connection",
    "cannot connect",
    "host not found",
    "network",
    "the server",
)


def remembered_size(url: str) -> tuple[int, int] | None:
    """The size of ``url``'s picture if known in memory (loaded, or read by
    :func:`cached_size`), else None; reads no file."""
    return _sizes.get(url)


def cached_size(url: str) -> tuple[int, int] | None:
    """The size of ``url``'s picture when known without the network (loaded before, or in
    the disk cache), else None: for keeping its place while it loads."""
    known = _sizes.get(url)
    if known is not None:
        return known
    kept = _state["cache"]
    if kept is None or not url.startswith(("http://", "https://")):
        return None
    path = kept.path(url)
    try:
        with path.open("rb") as file:
            head = file.read(256 * 1024)  # a header (and JPEG's EXIF) is near the start
    except OSError:
        return None
    size = header_size(head)
    if size is not None:
        with _lock:
            _sizes[url] = size
    return size


def _bytes(
    url: str,
    local_base: str | None,
    settings: Any,
    kept: PictureCache | None,
    origin: str | None,
) -> tuple[bytes, bool]:
    """The picture's bytes, and whether they were fetched now (not cached, not local)."""
    scheme = urlsplit(url).scheme.lower() if "://" in url or url.startswith("file:") else ""
    if scheme in ("http", "https"):
        data = kept.read(url) if kept is not None else None
        if data is not None:
            return data, False
        return _fetch(url, settings, local_base is None, origin), True
    if local_base is None or scheme not in ("", "file"):
        raise ImageFailed(f"not a web address: {_shown(url)}")
    return _local(url, local_base), False


def _shown(text: str) -> str:
    """An address or path as a message may show it: one line, no controls, not too long."""
    from tui_news.core.text import one_line

    return one_line(text)[:200]


_LOCAL_SUFFIXES = (".local", ".lan", ".home.arpa", ".internal", ".localhost")


def _server(address: str | None) -> tuple[str, int] | None:
    """An address's server: host (lower case) and port; None if it has none or is broken."""
    try:
        parts = urlsplit(address or "")
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:  # http://[oops/, a port out of range
        return None
    return (parts.hostname, port) if parts.hostname and port else None


def _on_local_server(url: str, origin: str | None) -> bool:
    """True when a picture on this machine or a private network may be fetched: it is on the
    very server (host and port) the article's subscription is on, and that server is named as
    local: an IP address on such a network, ``localhost``, or a name only a local network
    resolves (no dot, ``.local``, ``.lan``, ``.home.arpa``, ``.internal``). Decided by names, no
    DNS: what a feed's own domain resolves to is the feed's to choose."""
    from tui_news.core.sources.network import on_private_network

    server = _server(origin)
    if server is None or server != _server(url):
        return False
    host = server[0].rstrip(".")
    try:
        return on_private_network(host)
    except ValueError:  # a name
        return host == "localhost" or "." not in host or host.endswith(_LOCAL_SUFFIXES)


def _local(url: str, local_base: str) -> bytes:
    """A local article's picture, from its folder (a ``file:`` address or a path)."""
    from tui_news.core.disk import Skip, read_regular

    written = unquote(urlsplit(url).path) if url.startswith("file:") else unquote(url)
    folder = Path(local_base).resolve()
    path = (folder / written).resolve()
    if not path.is_relative_to(folder):
        raise ImageFailed(f"not shown: {_shown(written)} is outside the article's folder")
    try:
        return read_regular(path, MAX_IMAGE_BYTES)[0]
    except Skip as error:
        raise ImageFailed(f"{_shown(path.name)}: {error}") from None
    except FileNotFoundError:
        raise ImageFailed(f"no such file: {_shown(written)}") from None
    except OSError as error:
        raise ImageFailed(f"{_shown(path.name)}: {error.strerror or error}") from None


def _fetch(url: str, settings: Any, public_only: bool, origin: str | None) -> bytes:
    """GET ``url`` through the project's fetcher: http(s) only, redirects, size cap, timeout.

    With ``public_only``, a server on this machine or a private network is refused, redirects
    included, unless the picture is on the local server the article's subscription
    (``origin``) is on (see :func:`_on_local_server`).
    """
    from tui_news.core.sources.fetch import FetchError
    from tui_news.core.sources.network import PrivateAddress

    seconds = float(getattr(settings, "timeout_seconds", 20))
    try:
        try:
            return _fetching.get(url, seconds, public_only)
        except PrivateAddress as refused:
            if not _on_local_server(url, origin):
                raise ImageFailed(str(refused)) from None
        return _fetching.get(url, seconds, False)
    except FetchError as error:
        raise ImageFailed(str(error)) from None


class _Fetching:
    """The session's picture fetches: one event loop, in a thread of its own, and on it a
    fetcher per kind (timeout, private servers refused or not) whose connections are kept
    between pictures. A loader thread waits there for its picture. (An event loop and a
    fetcher made for each picture cost ~3 ms of CPU, holding the interpreter lock the keys
    need, a new connection each, and cyclic garbage.)"""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._fetchers: dict[tuple[float, bool], Fetcher] = {}
        self._lock = threading.Lock()

    def get(self, url: str, seconds: float, public_only: bool) -> bytes:
        """``url``'s body; raises :class:`FetchError` (or ``PrivateAddress``)."""
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                name = "picture-fetches"
                threading.Thread(target=self._loop.run_forever, name=name, daemon=True).start()
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(self._get(url, seconds, public_only), loop).result()

    async def _get(self, url: str, seconds: float, public_only: bool) -> bytes:
        from tui_news.core.sources.fetch import Fetcher, Timeout

        fetcher = self._fetchers.get((seconds, public_only))
        if fetcher is None:
            timeout = Timeout(seconds, connect=min(10.0, seconds))
            fetcher = self._fetchers[seconds, public_only] = Fetcher(
                CONNECTIONS, timeout, public_only
            )
            fetcher.contexts["https"] = _https_context()  # loaded once
        return (await fetcher.fetch(url, max_bytes=MAX_IMAGE_BYTES)).body


_fetching = _Fetching()


@functools.cache
def _https_context() -> ssl.SSLContext:
    import httpx

    return httpx.create_ssl_context(verify=True)
