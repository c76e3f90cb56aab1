"""Subscription lists in and out of the library: subscribing to the feeds of an OPML or
newsboat ``urls`` file, and writing the subscribed feeds as one (file formats: opml.py)."""

from __future__ import annotations

from dataclasses import replace

from tui_news.core.feed_refresh import is_url, same_feed_address
from tui_news.core.library import Store
from tui_news.core.models import Source
from tui_news.core.sources.opml import read_list, unwritable_section, write_opml, write_urls
from tui_news.core.subscribe import subscribed_addresses
from tui_news.core.text import counted, without_password


def import_list(store: Store, data: bytes) -> tuple[list[Source], list[tuple[str, str]]]:
    """Subscribe to the feeds of an OPML or newsboat ``urls`` file (not yet fetched).

    Returns the new sources and what was skipped, with reasons.
    """
    found = read_list(data)
    added, skipped = [], list(found.skipped)
    with store.transaction():  # one commit for the list (500 feeds: ~0.1 s less)
        known = subscribed_addresses(store)
        for entry in found.entries:
            url = same_feed_address(entry.url)
            if url in known:
                shown = entry.name or without_password(url)
                skipped.append((shown, "already in the library"))
                continue
            name, section = entry.name or "", entry.section
            added.append(store.add_source("feed", url, name, section))
            known.add(url)
    return added, skipped


def export_list(store: Store, kind: str) -> tuple[str, list[str]]:
    """The subscribed web feeds as OPML (``opml``) or a newsboat ``urls`` file (``urls``),
    and what it leaves out, a line each: feed files on this computer, and in a ``urls``
    file the sections that cannot be its tags."""
    sources = [s for s in store.sources(counted=False) if s.kind == "feed"]
    feeds = [
        replace(s, location=s.address)  # a password never leaves the library
        for s in sources
        if is_url(s.location)
    ]
    left_out = []
    if files := len(sources) - len(feeds):
        left_out.append(f"left out {counted(files, 'feed file')} on this computer")
    if kind == "opml":
        return write_opml(feeds), left_out
    for feed in feeds:
        if unwritable_section(feed.section):
            left_out.append(
                f"{feed.name}: section {feed.section!r} left out (a urls file reads a tag "
                "beginning with ~ as a name, ! as hidden; OPML keeps it)"
            )
    return write_urls(feeds), left_out
