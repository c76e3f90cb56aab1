"""Subscribing (``tui-news add``): a feed address, a feed file, a local folder or an article
file becomes a source, read at once. A web page's address is resolved to the feed it announces.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tui_news.core.disk import printable_name
from tui_news.core.errors import LibraryError
from tui_news.core.sources.files import FEED_SUFFIXES
from tui_news.core.text import without_password

if TYPE_CHECKING:
    from tui_news.core.feed_refresh import FetchSettings
    from tui_news.core.library import Store
    from tui_news.core.models import RefreshReport, Source


class Reader(Protocol):
    """What subscribing needs of :class:`tui_news.core.reader.Reader`."""

    store: Store

    @property
    def fetch_settings(self) -> FetchSettings: ...

    def refresh_source(self, source: Source, prune: bool = False) -> RefreshReport: ...


def subscribe(reader: Reader, location: str, section: str | None) -> tuple[Source, RefreshReport]:
    """Add ``location`` to the reader's library and read it; :class:`LibraryError` with one
    line when there is nothing there to subscribe to."""
    from tui_news.core.feed_refresh import read_feed_file, store_feed
    from tui_news.core.sources.feeds import FeedError, parse_feed
    from tui_news.core.sources.fetch import FetchError

    if not location.strip():
        raise LibraryError("give a feed address, a folder or a file to add")
    if "://" in location:
        if printable_name(location) != location:  # bytes that are not UTF-8
            raise LibraryError(f"{printable_name(location)} is not a valid web address")
        from tui_news.core.feed_refresh import same_feed_address

        return _subscribe_feed(reader, same_feed_address(location), section)
    shown = printable_name(location)
    path = Path(location).expanduser()
    try:
        path = path.resolve()
        if not path.exists():
            raise LibraryError(f"no such file or folder: {shown}")
        if not (path.is_dir() or path.is_file()):
            raise LibraryError(f"{shown} is neither a file nor a folder")
    except OSError as error:
        raise LibraryError(f"{shown} cannot be read ({error.strerror or error})") from None
    if not os.access(path, os.R_OK):
        raise LibraryError(f"{shown} cannot be read (permission denied)")
    if printable_name(str(path)) != str(path):
        raise LibraryError(
            f"{printable_name(str(path))}: a path that is not UTF-8 text cannot be added"
        )
    store = reader.store
    if path.is_file() and path.suffix.lower() in FEED_SUFFIXES:
        try:
            response = read_feed_file(str(path), reader.fetch_settings.max_bytes)
            feed = parse_feed(response.body, response.url)
        except (FetchError, FeedError) as error:
            raise LibraryError(f"{location} is not a readable feed: {error}") from None
        source = store.add_source("feed", str(path), feed.title or path.stem, section)
        return source, store_feed(store, source, response, feed)
    kind = "folder" if path.is_dir() else "file"
    name = path.name if kind == "folder" else path.stem
    source = store.add_source(kind, str(path), name or str(path), section)
    return source, reader.refresh_source(source)


def _subscribe_feed(reader: Reader, url: str, section: str | None) -> tuple[Source, RefreshReport]:
    """A web address: fetched (a page resolved to its feed), refused when already there."""
    from tui_news.core.feed_refresh import (
        host_name,
        is_url,
        resolve,
        same_feed_address,
        store_feed,
    )
    from tui_news.core.sources.feeds import FeedError
    from tui_news.core.sources.fetch import FetchError

    shown = without_password(url)
    if not is_url(url):
        scheme = url.partition("://")[0].lower()
        if scheme in ("http", "https"):
            raise LibraryError(f"{shown} is not a valid web address")
        raise LibraryError(f"{shown}: only http and https addresses can be subscribed to")
    store = reader.store
    _refuse_duplicate(store, url)
    try:
        response, feed, address = asyncio.run(resolve(url, reader.fetch_settings))
    except (FetchError, FeedError) as error:
        raise LibraryError(f"cannot subscribe to {shown}: {error}") from None
    found = same_feed_address(address)
    if found != url:
        _refuse_duplicate(store, found)
    name = feed.title or host_name(found)
    source = store.add_source("feed", found, name, section)
    return source, store_feed(store, source, response, feed)


def subscribed_addresses(store: Store) -> set[str]:
    """Every source's location as :func:`same_feed_address` gives it (an older library may
    keep addresses as they were given), to tell a feed already subscribed."""
    from tui_news.core.feed_refresh import same_feed_address

    return {same_feed_address(s.location) for s in store.sources(counted=False)}


def _refuse_duplicate(store: Store, location: str) -> None:
    """Refuse an address (as same_feed_address gives it) already subscribed."""
    if location in subscribed_addresses(store):
        raise LibraryError(f"{without_password(location)} is already in the library")
