"""Parsing feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into articles.

Well-formed XML goes through fastfeedparser (fast, lxml); anything else falls back to
feedparser's forgiving parser. Documents that declare XML entities are refused outright.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from tui_news.core.dates import to_timestamp
from tui_news.core.models import Enclosure, Parsed
from tui_news.core.text import clean, one_line, paragraphs, safe_link, strip_tags


class FeedError(Exception):
    """The document is not a usable feed; the message is the one-line reason."""


@dataclass(slots=True)
class Feed:
    """A parsed feed: its title, its site's link and its items."""

    title: str
    link: str | None
    items: list[Parsed] = field(default_factory=list)
    parser: str = ""


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html)", re.I | re.S)
# An element that dates an item, in RSS (with Dublin Core) or Atom.
_DATE_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?(?:pubDate|date|published|updated|modified|issued)\b")


def parse_feed(data: bytes, url: str) -> Feed:
    """Parse a feed document fetched from ``url`` (used to resolve relative links)."""
    head = data[:4096]
    if not data.strip():
        raise FeedError("empty response, not a feed")
    if _ENTITY_DECL.search(head):
        raise FeedError("refused: the document declares XML entities (a possible entity bomb)")
    if data.lstrip()[:1] in (b"{", b"["):
        return _parse_json_feed(data, url)
    if _HTML_START.match(head):
        raise FeedError("not a feed: the address gives an HTML page")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        raise FeedError("not a feed: the address gives binary data, not text")
    from lxml import etree

    strict = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        etree.fromstring(data, strict)
    except etree.XMLSyntaxError:
        return _parse_loose(data, url)
    if b"xml:base" in data:  # fastfeedparser ignores xml:base; feedparser resolves with it
        return _parse_loose(data, url)
    return _parse_fast(data, url)


def _parse_fast(data: bytes, url: str) -> Feed:
    import fastfeedparser

    try:
        result = fastfeedparser.parse(data)
    except Exception:  # any failure of the fast path means: try the careful one
        return _parse_loose(data, url)
    entries = result.get("entries", [])
    if not _DATE_ELEMENT.search(data):
        # fastfeedparser dates an undated RSS item by its guid: "3" would become the 3rd of
        # this month. Without a single date element, no item has a date.
        for entry in entries:
            entry.pop("published", None)
            entry.pop("updated", None)
    return _from_entries(result.get("feed", {}), entries, url, "fastfeedparser")


def _parse_loose(data: bytes, url: str) -> Feed:
    import feedparser

    result = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not result.get("version") and not result.entries:
        problem = result.get("bozo_exception")
        detail = f": {one_line(str(problem))}" if problem else ""
        raise FeedError(f"not a feed (malformed XML{detail})")
    return _from_entries(result.get("feed", {}), result.entries, url, "feedparser")


def _from_entries(info: dict, entries: list[dict], url: str, parser: str) -> Feed:
    """Articles from feedparser-shaped entries (both parsers give this shape)."""
    site = _absolute(url, info.get("link"))
    feed = Feed(plain_title(info.get("title")), safe_link(site), parser=parser)
    for entry in entries:
        content = entry.get("content") or []
        body, kind = "", "text/html"
        if content:
            body, kind = content[0].get("value") or "", content[0].get("type") or kind
        if not body:
            body = entry.get("description") or entry.get("summary") or ""
            kind = (entry.get("summary_detail") or {}).get("type") or kind
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        published = float(calendar.timegm(moment)) if moment else None
        feed.items.append(
            _item(
                url,
                entry_id=entry.get("id"),
                title=entry.get("title"),
                link=entry.get("link"),
                body=body,
                plain=kind == "text/plain",
                published=published or to_timestamp(entry.get("published") or entry.get("updated")),
                author=entry.get("author"),
                enclosures=_entry_enclosures(url, entry),
            )
        )
    return feed


def _entry_enclosures(base: str, entry: Any) -> tuple[Enclosure, ...]:
    """An entry's attached files: RSS <enclosure>, Atom rel="enclosure" links."""
    found = list(entry.get("enclosures") or [])
    found += [link for link in entry.get("links") or [] if link.get("rel") == "enclosure"]
    return _enclosures(
        base, ((e.get("url") or e.get("href"), e.get("type"), e.get("length")) for e in found)
    )


def _enclosures(base: str, found: Iterable[tuple[Any, Any, Any]]) -> tuple[Enclosure, ...]:
    """Checked enclosures: http(s) addresses only, each once; sizes as whole bytes."""
    result: list[Enclosure] = []
    for url, kind, size in found:
        link = safe_link(_absolute(base, _text(url)))
        if link is None or any(e.url == link for e in result):
            continue
        try:
            length = int(size) if size not in (None, "") else None
        except (TypeError, ValueError, OverflowError):
            length = None
        if length is not None and not 0 < length < 2**50:  # unknown rather than absurd
            length = None
        result.append(Enclosure(link, one_line(_text(kind))[:100], length))
    return tuple(result[:20])


def _parse_json_feed(data: bytes, url: str) -> Feed:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise FeedError(f"not a feed (broken JSON: {one_line(str(error))[:80]})") from None
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise FeedError("not a feed: JSON, but not a JSON Feed")
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedError("not a feed: the JSON Feed has no items list")
    site = _absolute(url, _text(document.get("home_page_url")))
    feed = Feed(one_line(_text(document.get("title"))), safe_link(site), parser="json")
    for entry in items:
        if not isinstance(entry, dict):
            continue
        html, text = _text(entry.get("content_html")), _text(entry.get("content_text"))
        authors = entry.get("authors") or ([entry["author"]] if entry.get("author") else [])
        author = authors[0].get("name") if authors and isinstance(authors[0], dict) else None
        feed.items.append(
            _item(
                url,
                entry_id=_text(entry.get("id")),
                title=_text(entry.get("title")),
                link=_text(entry.get("url")) or _text(entry.get("external_url")),
                body=html or text or _text(entry.get("summary")),
                plain=not html,
                published=to_timestamp(entry.get("date_published") or entry.get("date_modified")),
                author=_text(author),
                enclosures=_enclosures(
                    url,
                    (
                        (a.get("url"), a.get("mime_type"), a.get("size_in_bytes"))
                        for a in entry.get("attachments") or []
                        if isinstance(a, dict)
                    ),
                ),
            )
        )
    return feed


_TAG = re.compile(r"<[A-Za-z/!][^>]*>")


def plain_title(title: str | None) -> str:
    """A title as one line of text: markup some feeds put in titles is removed."""
    if title and _TAG.search(title):
        return strip_tags(title)
    return one_line(title)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int | float) else ""


def _absolute(base: str, link: str | None) -> str | None:
    if not link:
        return None
    if link.startswith(("https://", "http://")):
        return link.strip()  # already absolute: no need to join
    try:
        return urljoin(base, link.strip())
    except ValueError:
        return None


_EMAIL_NAME = re.compile(r"^\S+@\S+\s+\((.+)\)$")


def _person(author: str | None) -> str | None:
    """An author as people write it: ``ed@example.org (Ed)`` becomes ``Ed``."""
    name = one_line(author)
    match = _EMAIL_NAME.match(name)
    return (match.group(1).strip() if match else name) or None


def _item(
    base: str,
    *,
    entry_id: str | None,
    title: str | None,
    link: str | None,
    body: str,
    plain: bool,
    published: float | None,
    author: str | None,
    enclosures: tuple[Enclosure, ...] = (),
) -> Parsed:
    """One feed item as an article; its key is its id, else its link, else a content hash.

    The item's link is resolved against the feed's address. HTML is kept as the article's
    content (converted for reading when opened, links resolved against the item's link); its
    body is a quick plain text of it, for lists and search.
    """
    absolute = _absolute(base, link)
    html = None if plain or "<" not in body else body
    text = strip_tags(html) if html else paragraphs(clean(body).split("\n"))
    name = plain_title(title) or text[:80] or "(untitled)"
    key = one_line(entry_id) or (absolute or "")
    attached = "".join(f"\0{e.url}" for e in enclosures)  # empty for most: digests stay
    digest = hashlib.sha1(f"{name}\0{body}\0{absolute}\0{published}{attached}".encode())
    digest = digest.hexdigest()
    return Parsed(
        key=key or f"sha1:{digest}",
        title=name,
        body=text,
        author=_person(author),
        link=safe_link(absolute),
        published=published,
        fingerprint=digest,
        content=html,
        enclosures=enclosures,
    )


def discover(html: bytes, url: str) -> list[str]:
    """Feed addresses a web page announces with ``<link rel="alternate">``, in page order."""
    from tui_news.core.text import parse_html

    root = parse_html(html)
    if root is None:
        return []
    kinds = ("application/rss+xml", "application/atom+xml", "application/feed+json",
             "application/json", "application/rdf+xml", "text/xml", "application/xml")  # fmt: skip
    found: list[str] = []
    for element in root.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").lower().split(";")[0].strip()
        href = element.get("href")
        if "alternate" in rel and kind in kinds and href:
            absolute = safe_link(_absolute(url, href))
            if absolute and absolute not in found:
                found.append(absolute)
    return found
