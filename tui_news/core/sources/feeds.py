"""Parsing feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into articles.

Well-formed XML is read from its lxml tree (fast: core/sources/feed_fields.py); anything else
goes to feedparser's forgiving parser. Documents that declare XML entities are refused outright.
"""

from __future__ import annotations

import calendar
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from tui_news.core.dates import plausible, to_timestamp
from tui_news.core.errors import UserError
from tui_news.core.html_text import strip_tags
from tui_news.core.models import Enclosure, Parsed
from tui_news.core.sources.feed_fields import (
    atom_author,
    atom_link,
    children,
    construct,
    date_texts,
    detail_kind,
    is_web,
    item_body,
    item_enclosures,
    item_id,
    local_name,
    media_picture,
    person,
    read_alike,
    read_text,
    rss_author,
    rss_link,
    site_link,
    tree_items,
    tree_media,
    tree_readable,
)
from tui_news.core.text import (
    clean,
    no_surrogates,
    one_line,
    paragraphs,
    safe_link,
    without_userinfo,
)


class FeedError(UserError):
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
_CHANNEL = re.compile(rb"<(?:[\w.-]+:)?channel\b", re.I)
ENTITY_BOMB = "refused: the document declares XML entities (a possible entity bomb)"
NO_CHANNEL = "not a feed: an <rss> document without a <channel>"
CUT_OFF = "the feed is cut off before its first item ends (what it brought before is kept)"
_ITEM_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")  # the first element's start tag, past <? and <!


def parse_feed(
    data: bytes, url: str, careful: bool = False, known: Mapping[str, str] | None = None
) -> Feed:
    """Parse a feed document fetched from ``url`` (used to resolve relative links).

    Well-formed XML of a known kind takes the fast path (:func:`_parse_fast`), unless it uses
    ``xml:base``; entity declarations are refused wherever they stand.
    ``careful`` sends every XML document through feedparser (the tests compare the paths).
    ``known``: the fingerprints of the feed's stored articles by key. An item whose key and
    fingerprint are among them comes ``unchanged`` (see :class:`Parsed`): its text is not
    worked out, most of a refresh's parsing when a feed adds a few items to many.
    """
    feed = _parse(data, url, careful, known)
    if known and any(i.unchanged and known.get(i.key) != i.fingerprint for i in feed.items):
        feed = _parse(data, url, careful)  # a key that distinct() told apart: read all whole
    return feed


def _parse(data: bytes, url: str, careful: bool, known: Mapping[str, str] | None = None) -> Feed:
    if "@" in url:  # items link to pages, never with the feed's user:password@ in them
        url = without_userinfo(url)
    head = data[:4096]
    local = url.startswith("file:")  # a feed file on this computer (read_feed_file)
    given = "the file holds" if local else "the address gives"
    if not data.strip():
        raise FeedError("not a feed: the file is empty" if local else "empty response, not a feed")
    if data.lstrip()[:1] in (b"{", b"["):
        return _parse_json_feed(data, url, known)
    if is_html(head):
        raise FeedError(f"not a feed: {given} an HTML page")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        raise FeedError(f"not a feed: {given} binary data, not text")
    from lxml import etree

    strict = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, strict, base_url=url)
    except etree.XMLSyntaxError:
        if _ENTITY_DECL.search(data):  # never let a forgiving parser expand them
            raise FeedError(ENTITY_BOMB) from None
        if _cut_off(data):  # read up to its last whole item: the next one's text is cut short
            data = _whole_items(data)
        return _parse_loose(data, url, known, malformed=True)
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        raise FeedError(ENTITY_BOMB)
    if (docinfo.system_url or docinfo.public_id) and _NAMED_REFERENCE.search(data):
        # an external DTD (RSS 0.91's) stands for HTML's entities, which are never loaded:
        # written as numbers, they are read, not left as nodes that cut the text
        root = etree.fromstring(_NAMED_REFERENCE.sub(_numbered, data), strict, base_url=url)
    kind, channel, elements = tree_items(root)
    if kind == "rss" and channel is None:
        raise FeedError(NO_CHANNEL)
    if careful or not kind or b"xml:base" in data:  # feedparser resolves links in content by it
        return _parse_loose(data, url, known)
    if not tree_readable(kind, elements):
        return _parse_loose(data, url, known)
    fast = _parse_fast(data, url, kind, channel, elements, known)
    return fast or _parse_loose(data, url, known)


def _whole_items(data: bytes) -> bytes:
    """A cut-off document up to the end of its last whole item (feedparser reads what is
    open as if closed); :data:`CUT_OFF` when it holds no whole item."""
    ends = list(_ITEM_END.finditer(data))
    if not ends:
        raise FeedError(CUT_OFF)
    return data[: ends[-1].end()]


def is_html(data: bytes) -> bool:
    """Whether a document (its first few KB) is an HTML page."""
    return _HTML_START.match(data[:4096]) is not None


def _cut_off(data: bytes) -> bool:
    """Whether a document that is not well-formed ends before its first element closes: a
    download cut short (what it holds of its last item is cut too). A document in an
    encoding these bytes do not spell (UTF-16) is not judged."""
    root = _ROOT.search(data)
    return root is not None and b"</" + root.group(1) not in data[-4096:]


_NAMED_REFERENCE = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_NAMED = frozenset((b"amp", b"lt", b"gt", b"quot", b"apos"))


def _numbered(reference: re.Match[bytes]) -> bytes:
    """An HTML named character reference as a numeric one (XML's own five, and unknown
    names, as they are)."""
    from html.entities import name2codepoint

    name = reference[1]
    point = None if name in _XML_NAMED else name2codepoint.get(name.decode("ascii"))
    return reference[0] if point is None else b"&#%d;" % point


def _parse_fast(
    data: bytes,
    url: str,
    kind: str,
    channel: Any,
    elements: list[Any],
    known: Mapping[str, str] | None = None,
) -> Feed | None:
    """Every field of every item read from the lxml tree, by the specs' rules (feed_fields.py);
    ``None`` for an item this path would not read as feedparser does (see ``read_alike``).

    Dates that :func:`to_timestamp` cannot read are read by feedparser's date parser.
    """
    atom = kind == "atom"
    head = children(channel)
    inherited = atom_author(head) if atom else None
    media = _may_hold(data, b"search.yahoo.com/mrss")  # most feeds hold no Media RSS
    title = next((e for e in channel if local_name(e) == "title"), None)
    site = _absolute(url, site_link(head, url, atom))
    feed = Feed(
        one_line("" if title is None else construct(title, kind)), safe_link(site), parser="lxml"
    )
    for element in elements:
        kids = children(element)
        title = kids.first("title")
        found = item_body(kids, atom)
        if found is None or not read_alike(kids, found[0]):
            return None
        body, plain = found
        picture = media_picture(*tree_media(element)) if media else None
        feed.items.append(
            _item(
                url,
                entry_id=item_id(kids, atom),
                title=None if title is None else construct(title, kind),
                link=(atom_link if atom else rss_link)(kids, url),
                body=body,
                plain=plain,
                published=_tree_date(date_texts(kids)),
                author=(atom_author(kids) or inherited) if atom else rss_author(kids),
                enclosures=checked_enclosures(url, item_enclosures(kids)),
                picture=picture,
                known=known,
            )
        )
    feed.items = distinct(feed.items)
    return feed


def _may_hold(data: bytes, namespace: bytes) -> bool:
    """Whether a document may use an XML namespace (given as ASCII): its address is in the
    bytes, or the bytes are not ASCII-compatible (UTF-16, say), so that cannot be told."""
    return namespace in data or b"\x00" in data[:4] or data.lstrip()[:1] != b"<"


_BEYOND = re.compile(r"\s*(?:-\d|\+?\d{5,}-)")  # a year before 1 or after 9999 (ISO 8601)


def _tree_date(texts: list[str]) -> float | None:
    """The first of an item's date texts that reads as a date (ISO 8601 and RFC 822 quickly,
    anything else as feedparser reads it)."""
    for text in texts:
        moment = to_timestamp(text)
        if moment is None and _BEYOND.match(text):
            continue  # feedparser read 10000-01-01 as December 2010, -1000-01-01 as 2009
        if moment is None and (parsed := _feedparser_date(text)):
            stamp = _timegm(parsed)
            moment = None if stamp is None else plausible(stamp)
        if moment is not None:
            return moment
    return None


def _timegm(moment: Any) -> float | None:
    """A parsed date's timestamp; ``None`` for a year out of range (``0000-00-00``)."""
    try:
        return float(calendar.timegm(moment))
    except (ValueError, OverflowError, TypeError):
        return None


def _feedparser_date(text: str) -> Any:
    from feedparser.datetimes import _parse_date

    try:
        return _parse_date(text)
    except (ValueError, OverflowError, TypeError, IndexError):
        return None


def _parse_loose(
    data: bytes, url: str, known: Mapping[str, str] | None = None, malformed: bool = False
) -> Feed:
    """feedparser's reading; ``malformed``: no XML tree has vouched for the document's shape."""
    import feedparser

    based = b"xml:base" in data  # relative links in content: against xml:base, as feedparser
    result = feedparser.parse(
        data,
        sanitize_html=False,
        resolve_relative_uris=based,
        response_headers={"content-location": url} if based else None,
    )
    version = str(result.get("version") or "")
    if not version and not result.entries:
        if not malformed:
            raise FeedError("not a feed: an XML document, but no RSS, Atom or RDF feed")
        problem = result.get("bozo_exception")
        detail = f": {one_line(str(problem))}" if problem else ""
        raise FeedError(f"not a feed (malformed XML{detail})")
    info = result.get("feed", {})
    if malformed and version.startswith("rss") and not _CHANNEL.search(data):
        raise FeedError(NO_CHANNEL)
    for entry in result.entries:
        if version.startswith("atom") and info.get("author"):
            entry.setdefault("author", info["author"])  # Atom: the feed's author is theirs
        if entry.get("guidislink") and not is_web(entry.get("link")):
            entry["link"] = None  # an id that is no web address is not a page to open
    return _from_entries(info, result.entries, url, known)


def _from_entries(
    info: dict[str, Any],
    entries: list[dict[str, Any]],
    url: str,
    known: Mapping[str, str] | None = None,
) -> Feed:
    """Articles from feedparser's entries, each title read by its ``title_detail``."""
    site = _absolute(url, info.get("link"))
    feed_title = read_text(info.get("title"), detail_kind(info.get("title_detail")))
    feed = Feed(one_line(feed_title), safe_link(site), parser="feedparser")
    for entry in entries:
        content = entry.get("content") or []
        body, kind = "", "text/html"
        if content:
            body, kind = content[0].get("value") or "", content[0].get("type") or kind
        if not body:
            body = entry.get("description") or entry.get("summary") or ""
            kind = (entry.get("summary_detail") or {}).get("type") or kind
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        published = _timegm(moment) if moment else None
        title = read_text(entry.get("title"), detail_kind(entry.get("title_detail")))
        feed.items.append(
            _item(
                url,
                entry_id=entry.get("id"),
                title=title,
                link=entry.get("link"),
                body=body,
                plain=kind == "text/plain",
                published=published or to_timestamp(entry.get("published") or entry.get("updated")),
                author=entry.get("author"),
                enclosures=_entry_enclosures(url, entry),
                picture=media_picture(
                    entry.get("media_content") or [], entry.get("media_thumbnail") or []
                ),
                known=known,
            )
        )
    feed.items = distinct(feed.items)
    return feed


def distinct(items: list[Parsed]) -> list[Parsed]:
    """Items with one key each, none lost.

    Items that share an id (a guid) but differ in link or title are different stories: each
    key gets a digest of both. Repeats of an id with the same link and title are one item
    listed twice. Items with neither id nor link (keyed by their content) are told apart by
    their place among their twins.
    """
    by_key: dict[str, list[Parsed]] = {}
    for item in items:
        by_key.setdefault(item.key, []).append(item)
    if len(by_key) == len(items):
        return items  # the common case: every key once
    kept: list[Parsed] = []
    seen: set[str] = set()
    for item in items:
        group = by_key[item.key]
        if len(group) > 1:
            if item.key.startswith("sha1:"):
                place = next(n for n, other in enumerate(group) if other is item)
                item.key = f"{item.key}#{place + 1}" if place else item.key
            elif len({(other.link, other.title) for other in group}) > 1:
                mark = hashlib.sha1(f"{item.link}\0{item.title}".encode()).hexdigest()[:12]
                item.key = f"{item.key}#{mark}"
        if item.key not in seen:
            seen.add(item.key)
            kept.append(item)
    return kept


def _entry_enclosures(base: str, entry: Any) -> tuple[Enclosure, ...]:
    """An entry's attached files: RSS <enclosure>, Atom rel="enclosure" links."""
    found = list(entry.get("enclosures") or [])
    found += [link for link in entry.get("links") or [] if link.get("rel") == "enclosure"]
    return checked_enclosures(
        base, ((e.get("url") or e.get("href"), e.get("type"), e.get("length")) for e in found)
    )


def checked_enclosures(base: str, found: Iterable[tuple[Any, Any, Any]]) -> tuple[Enclosure, ...]:
    """Checked enclosures: http(s) addresses only, each once, the first 20 of at most 1,000
    listed; sizes as whole bytes."""
    result: list[Enclosure] = []
    seen: set[str] = set()
    for url, kind, size in itertools.islice(found, 1000):
        link = safe_link(_absolute(base, _text(url)))
        if link is None or link in seen:
            continue
        seen.add(link)
        try:
            length = int(size) if size not in (None, "") else None
        except (TypeError, ValueError, OverflowError):
            length = None
        if length is not None and not 0 < length < 2**50:  # unknown rather than absurd
            length = None
        result.append(Enclosure(link, one_line(_text(kind))[:100], length))
        if len(result) == 20:
            break
    return tuple(result)


def _parse_json_feed(data: bytes, url: str, known: Mapping[str, str] | None = None) -> Feed:
    try:  # NaN and Infinity are no JSON (Python reads them): such a field counts as absent
        document = json.loads(data, parse_constant=lambda _: None)
    except RecursionError:
        raise FeedError("not a feed (broken JSON: nested too deeply)") from None
    except ValueError as error:
        raise FeedError(f"not a feed (broken JSON: {one_line(str(error))[:80]})") from None
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise FeedError("not a feed: JSON, but not a JSON Feed")
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedError("not a feed: the JSON Feed has no items list")
    site = _absolute(url, _text(document.get("home_page_url")))
    feed = Feed(one_line(_text(document.get("title"))), safe_link(site), parser="json")
    inherited = _json_author(document)
    for entry in items:
        if not isinstance(entry, dict):
            continue
        html, text = _text(entry.get("content_html")), _text(entry.get("content_text"))
        attachments = entry.get("attachments")
        feed.items.append(
            _item(
                url,
                entry_id=_text(entry.get("id")),
                title=_text(entry.get("title")),
                link=_text(entry.get("url")) or _text(entry.get("external_url")),
                body=html or text or _text(entry.get("summary")),
                plain=not html,
                published=to_timestamp(
                    _string(entry.get("date_published")) or _string(entry.get("date_modified"))
                ),
                author=_json_author(entry) or inherited,
                picture=_text(entry.get("image")) or _text(entry.get("banner_image")),
                enclosures=checked_enclosures(
                    url,
                    (
                        (a.get("url"), a.get("mime_type"), a.get("size_in_bytes"))
                        for a in (attachments if isinstance(attachments, list) else ())
                        if isinstance(a, dict)
                    ),
                ),
                known=known,
            )
        )
    feed.items = distinct(feed.items)
    return feed


def _json_author(holder: dict[str, Any]) -> str | None:
    """The first named author of a JSON Feed item or feed: ``authors`` (1.1), ``author`` (1.0).

    A field of the wrong type counts as absent.
    """
    authors = holder.get("authors")
    for author in [*(authors if isinstance(authors, list) else ()), holder.get("author")]:
        name = _text(author.get("name")) if isinstance(author, dict) else ""
        if name.strip():
            return name
    return None


def _string(value: Any) -> str:
    """A JSON string field (a date, say): anything else counts as absent."""
    return _text(value) if isinstance(value, str) else ""


def _text(value: Any) -> str:
    """A JSON value as a string: strings (lone surrogates replaced) and numbers; else ``""``."""
    if isinstance(value, str):
        return value if value.isascii() else no_surrogates(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _absolute(base: str, link: str | None) -> str | None:
    if not link:
        return None
    if link.startswith(("https://", "http://")):
        return link.strip()  # already absolute: no need to join
    try:
        return urljoin(base, link.strip())
    except ValueError:
        return None


def _item(
    base: str,
    *,
    entry_id: str | None,
    title: str | None,  # already plain text
    link: str | None,
    body: str,
    plain: bool,
    published: float | None,
    author: str | None,
    enclosures: tuple[Enclosure, ...] = (),
    picture: str | None = None,
    known: Mapping[str, str] | None = None,
) -> Parsed:
    """One feed item as an article; its key is its id, else its link, else a content hash.

    The item's link is resolved against the feed's address. HTML is kept as the article's
    content (converted for reading when opened, links resolved against the item's link); its
    body is a quick plain text of it, for lists and search. Its ``picture`` (Media RSS, JSON
    Feed) counts for nothing in its fingerprint: adding pictures changes no stored article.
    A titled item whose key ``known`` gives its fingerprint comes ``unchanged``, without its
    text (its body, content, author and attachments are not read).
    """
    absolute = _absolute(base, link)
    if not body.isascii():
        body = no_surrogates(body)
    key = one_line(entry_id) or (absolute or "")
    attached = "".join(f"\0{e.url}" for e in enclosures)  # empty for most: digests stay
    name = one_line(title)
    digest = None  # told by the title: worked out before the text when the key is known
    if name and known and key in known:
        digest = _fingerprint(name, body, absolute, published, attached)
        if known[key] == digest:
            link = safe_link(absolute)
            return Parsed(key, name, "", link=link, published=published, fingerprint=digest,
                          unchanged=True)  # fmt: skip
    html = None if plain or "<" not in body else body
    text = strip_tags(html) if html else paragraphs(clean(body).split("\n"))
    if digest is None:
        name = name or text[:80] or "(untitled)"
        digest = _fingerprint(name, body, absolute, published, attached)
    shown = safe_link(_absolute(base, picture))
    return Parsed(
        key=key or f"sha1:{digest}",
        title=name,
        body=text,
        author=person(author),
        link=safe_link(absolute),
        published=published,
        fingerprint=digest,
        content=html,
        enclosures=enclosures,
        pictures=(shown,) if shown and is_web(shown) else (),
    )


def _fingerprint(
    name: str, body: str, link: str | None, published: float | None, attached: str
) -> str:
    """What tells whether a stored article changed: its title, body, link, date and files."""
    identity = f"{name}\0{body}\0{link}\0{published}{attached}"
    return hashlib.sha1(identity.encode()).hexdigest()


def discover(html: bytes, url: str) -> list[str]:
    """Feed addresses a web page announces with ``<link rel="alternate">``, in page order."""
    from tui_news.core.html_text import parse_html

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
