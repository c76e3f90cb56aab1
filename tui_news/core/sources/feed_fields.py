"""Reading a feed's fields as the specs say: from the lxml tree of a well-formed document (the
fast path reads every field here), and titles and authors of feedparser's result alike.

A text construct is read by its declared type (Atom's ``text``/``html``/``xhtml``, Atom 0.3's
MIME types and ``mode``, and RSS's unspoken rule that a title is HTML only when it looks like
HTML); links prefer http(s); authors lose their markup; an item's id, body, dates and attached
files follow feedparser's choices, so that either path gives an item the same key and text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.entities import name2codepoint
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

if TYPE_CHECKING:  # lxml is imported with the first document to parse, not for a 304
    from lxml import etree

from tui_news.core.text import one_line

ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
DC = "http://purl.org/dc/elements/1.1/"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
MEDIA = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")  # Media RSS

# HTML elements a title may carry (feedparser's rule: any other tag means it is plain text).
_HTML_ELEMENTS = frozenset(
    re.findall(
        r"\w+",
        "a abbr acronym address area article aside audio b bdi bdo big blockquote br button "
        "caption center cite code col colgroup dd del details dfn dir div dl dt em fieldset "
        "figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hr i img input ins kbd "
        "label legend li main map mark menu meter nav ol optgroup option output p pre progress "
        "q s samp section select small span strike strong sub summary sup table tbody td "
        "textarea tfoot th thead time tr tt u ul var video wbr",
    )
)
_CLOSE_TAG = re.compile(r"</(\w+)>")
_REFERENCE = re.compile(r"&#?\w+;")
_TAG_NAMES = re.compile(r"</?(\w+)")
_NAMED = re.compile(r"&(\w+);")
_BREAK = re.compile(r"<(?:br|/?p|/?div|/?li|/?h\d)\b[^>]*>", re.I)
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_ANY_TAG = re.compile(r"<[^>]*>")


def looks_like_html(text: str) -> bool:
    """RSS's unspoken rule for a text element, as feedparser reads it.

    HTML only with a closing tag or a character reference, every tag a known HTML element
    and every named reference a known one; anything else (``a <i> b``, ``</example>``) is
    plain text, shown as written.
    """
    if not (_CLOSE_TAG.search(text) or _REFERENCE.search(text)):
        return False
    if any(tag.lower() not in _HTML_ELEMENTS for tag in _TAG_NAMES.findall(text)):
        return False
    return all(name in name2codepoint for name in _NAMED.findall(text))


def html_line(markup: str) -> str:
    """One line of text from a bit of HTML: tags dropped in place (no spaces added at inline
    tags, so ``₹<b>4,000</b>`` stays ``₹4,000``), references decoded."""
    if "<" in markup:
        markup = _ANY_TAG.sub("", _BREAK.sub(" ", _HIDDEN.sub(" ", markup)))
    return one_line(html.unescape(markup)) if "&" in markup else one_line(markup)


def read_text(value: str | None, kind: str) -> str:
    """A text construct as one line, by its type: ``text``, ``html`` or ``xhtml`` (markup), or
    ``rss`` (HTML only if it looks like HTML)."""
    if not value:
        return ""
    if kind == "rss":
        kind = "html" if looks_like_html(value) else "text"
    return one_line(value) if kind == "text" else html_line(value)


def detail_kind(detail: Any) -> str:
    """The ``read_text`` kind of a feedparser ``*_detail`` (its type after its RSS rule)."""
    kind = (detail or {}).get("type") or "text/plain"
    return "text" if kind == "text/plain" else "html"


def person(author: str | None) -> str | None:
    """An author as people write it: markup removed, ``ed@example.org (Ed)`` becomes ``Ed``."""
    if not author:
        return None
    name = html_line(author) if ("<" in author or "&" in author) else one_line(author)
    if name.endswith(")") and "@" in name:  # "ed@x (Ed)" (RSS) or "Ed (ed@x)" (feedparser)
        before, _, inside = name[:-1].partition(" (")
        if inside and "@" in before and " " not in before:
            name = inside.strip()
        elif inside and "@" in inside and " " not in inside:
            name = before.strip()
    return name or None


@dataclass(slots=True)
class Children:
    """An element's child elements by local name (document order kept within a name), read
    in one pass: each field of an item is then a lookup, not another scan of the item."""

    element: etree._Element
    named: dict[str, list[etree._Element]]

    def all(self, name: str, namespaces: tuple[str, ...]) -> list[etree._Element]:
        """The children called ``name`` in one of ``namespaces``, in document order."""
        return [e for e in self.named.get(name, ()) if _namespace(e) in namespaces]

    def first(self, name: str) -> etree._Element | None:
        """The first child called ``name`` in any namespace, or ``None``."""
        found = self.named.get(name)
        return found[0] if found else None


def children(element: etree._Element) -> Children:
    """An element's children, read once (see :class:`Children`)."""
    named: dict[str, list[etree._Element]] = {}
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = tag.rpartition("}")[2]
        found = named.get(name)
        if found is None:
            named[name] = [child]
        else:
            found.append(child)
    return Children(element, named)


def is_web(link: str | None) -> bool:
    return bool(link) and link.lower().startswith(("http://", "https://"))  # type: ignore[union-attr]


def local_name(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _namespace(element: Any) -> str:
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def tree_items(root: etree._Element) -> tuple[str, etree._Element | None, list[etree._Element]]:
    """The kind (``rss``, ``atom``, ``""`` unknown), the channel and the items of a feed tree.

    RSS 0.9x/2.0 (items in ``<channel>``), RSS 0.90/1.0 (items beside it under ``rdf:RDF``)
    and Atom 0.3/1.0; any namespace the publisher chose for RSS's own elements.
    """
    name = local_name(root)
    if name == "feed" and _namespace(root) in (ATOM, ATOM03):
        return "atom", root, [e for e in root if local_name(e) in ("entry", "item")]
    if name == "rss":
        channel = next((e for e in root if local_name(e) == "channel"), None)
        items = [] if channel is None else [e for e in channel if local_name(e) == "item"]
        return "rss", channel, items
    if name == "RDF":
        channel = next((e for e in root if local_name(e) == "channel"), None)
        items = [e for e in root if local_name(e) == "item"]
        if channel is not None and not items:  # some put them inside the channel
            items = [e for e in channel if local_name(e) == "item"]
        return "rss", channel, items
    return "", None, []


_RSS_NS = ("", "http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/",
           "http://backend.userland.com/rss2", "http://backend.userland.com/rss")  # fmt: skip
_ATOM_NS = (ATOM, ATOM03)


def construct(element: etree._Element, kind: str) -> str:
    """A title-like element as one line of text, read by its declared type."""
    if len(element):  # child elements: xhtml, Atom 0.3 mode="xml", or inline markup in RSS
        return one_line(element.xpath("string()"))
    text = element.text or ""
    if kind == "atom":
        declared = (element.get("type") or "text").lower()
        mode = (element.get("mode") or "").lower()
        html_type = declared in ("html", "text/html") or declared.endswith("xhtml+xml")
        if html_type and (declared == "html" or mode == "escaped"):
            return read_text(text, "html")
        return read_text(text, "html" if declared == "xhtml" else "text")
    return read_text(text, "rss")


def markup(element: etree._Element, html_text: bool = False) -> str:
    """An element's content as a string of markup: inline XHTML serialised, comments and
    processing instructions left out. Its text is text (escaped), or with ``html_text`` already
    HTML (RSS's escaped markup beside stray elements, kept as it is)."""
    if not len(element):
        return element.text or ""
    inner: Any = element
    if len(element) == 1 and local_name(element[0]) == "div" and not (element.text or "").strip():
        inner = element[0]  # Atom's xhtml wrapper
    from lxml import etree

    def text(value: str | None) -> str:
        return (value or "") if html_text else html.escape(value or "", quote=False)

    parts = [text(inner.text)]
    for child in inner:
        if isinstance(child.tag, str):
            parts.append(etree.tostring(child, encoding=str, with_tail=False))
        parts.append(text(child.tail))
    return "".join(parts)


def atom_author(element: Children | None) -> str | None:
    """The name of an Atom element's first author (``<author><name>``)."""
    if element is None:
        return None
    for author in element.all("author", _ATOM_NS):
        for name in children(author).all("name", _ATOM_NS):
            if name.text and name.text.strip():
                return name.text
        if author.text and author.text.strip():
            return author.text
    return None


def rss_author(item: Children) -> str | None:
    """An RSS item's author: ``<author>``, ``dc:creator`` or ``itunes:author``."""
    for name, namespaces in (("author", _RSS_NS), ("creator", (DC,)), ("author", (ITUNES,))):
        for element in item.all(name, namespaces):
            text = element.xpath("string()") if len(element) else element.text
            if text and text.strip():
                return text
    return None


def atom_link(entry: Children, base: str) -> str | None:
    """An Atom entry's page: its alternate links, an http(s) one first, made absolute."""
    found = []
    for link in entry.all("link", _ATOM_NS):
        rel = (link.get("rel") or "alternate").strip().lower()
        href = (link.get("href") or "").strip()
        if rel == "alternate" and href:
            found.append(_join(link.base or base, href))
    return next((link for link in found if is_web(link)), found[0] if found else None)


def rss_link(item: Children, base: str) -> str | None:
    """An RSS item's page: ``<link>``, else an ``atom:link``, else a permalink ``<guid>``."""
    for link in item.all("link", _RSS_NS):
        if link.text and link.text.strip():
            return _join(base, link.text.strip())
    found = atom_link(item, base)
    if found:
        return found
    for guid in item.all("guid", _RSS_NS):
        text = (guid.text or "").strip()
        if (guid.get("isPermaLink") or "true").lower() != "false" and is_web(text):
            return text
    return None


def _join(base: str, link: str) -> str | None:
    if link.startswith(("https://", "http://")) and link.isascii() and link.isprintable():
        return link  # already absolute (as feeds.py's _absolute has it)
    try:
        return urljoin(base, link)
    except ValueError:
        return None


_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp)$", re.I)
Media = list[dict[str, Any]]  # Media RSS elements' attributes, as feedparser gives them


def tree_media(element: etree._Element) -> tuple[Media, Media]:
    """An item's ``media:content`` and ``media:thumbnail`` attributes, at any depth (in a
    ``media:group``, a thumbnail in a content), as feedparser collects them."""
    found: tuple[Media, Media] = ([], [])
    for name, into in (("content", found[0]), ("thumbnail", found[1])):
        tags = [f"{{{namespace}}}{name}" for namespace in MEDIA]
        into.extend(dict(e.attrib) for e in element.iter(*tags))
    return found


def media_picture(contents: Media, thumbnails: Media) -> str | None:
    """An item's Media RSS picture, as written: the best-sized image ``media:content`` (by
    ``medium``, ``type`` or, lacking both, its file name), else the best thumbnail."""
    if not (contents or thumbnails):
        return None  # most items
    from tui_news.core.image_refs import WANTED_WIDTH

    images = [c for c in contents if _media_image(c)] or thumbnails
    sized = [(_width(m), str(m.get("url") or "").strip()) for m in images]
    sized = [(width, url) for width, url in sized if url]
    if not sized:
        return None
    wide = [pair for pair in sized if pair[0] >= WANTED_WIDTH]
    return min(wide, key=lambda p: p[0])[1] if wide else max(sized, key=lambda p: p[0])[1]


def _media_image(media: dict[str, Any]) -> bool:
    medium, kind = str(media.get("medium") or "").lower(), str(media.get("type") or "").lower()
    if medium or kind:
        return medium == "image" or kind.startswith("image/")
    return bool(_IMAGE_PATH.search(str(media.get("url") or "").partition("?")[0]))


def _width(media: dict[str, Any]) -> int:
    try:
        return max(0, int(str(media.get("width") or 0)))
    except ValueError:
        return 0


# --- an item's other fields, for the fast path (feeds.py reads every field from the tree) ---

DCTERMS = "http://purl.org/dc/terms/"
# An item's dates, best first: when it was published (dc:date too: Dublin Core's date of an
# item is its publication), then when it was updated; at most a few of each are tried.
# Read by their names in any namespace, but for ``date`` (Dublin Core's alone).
_PUBLISHED = ("pubDate", "published", "issued", "date")
_UPDATED = ("updated", "modified", "lastBuildDate")
_TRIED = 3
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
CONTENT = "http://purl.org/rss/1.0/modules/content/"


def item_id(item: Children, atom: bool) -> str | None:
    """An item's id: Atom's ``<id>``; an RSS item's ``atom:id``, ``<guid>`` or ``rdf:about``."""
    for element in item.all("id", _ATOM_NS):
        if element.text and element.text.strip():
            return element.text.strip()
    if atom:
        return None
    for element in item.all("guid", _RSS_NS):
        if element.text and element.text.strip():
            return element.text.strip()
    about = item.element.get(_RDF_ABOUT)
    return about.strip() if about and about.strip() else None


def date_texts(item: Children) -> list[str]:
    """The texts that may date an item, best first: its published dates, then its updated
    ones (feedparser's ``published_parsed``, else ``updated_parsed``)."""
    found = []
    for names in (_PUBLISHED, _UPDATED):
        for name in names:
            found_named = item.named.get(name, ())
            if name == "date":
                found_named = [e for e in found_named if _namespace(e) in (DC, DCTERMS)]
            for element in found_named[:_TRIED]:
                text = element.text
                if text and text.strip():
                    found.append(text.strip())
    return found


def item_body(item: Children, atom: bool) -> tuple[str, bool] | None:
    """An item's body and whether it is plain text (else HTML): Atom's ``<content>`` else its
    ``<summary>``, each by its type; RSS's ``content:encoded``, else ``<description>``, else an
    Atom element among its children. ``None`` where feedparser reads it otherwise (content in
    base64 or in several parts)."""
    if not atom:
        for name, namespaces in (("encoded", (CONTENT,)), ("description", _RSS_NS)):
            for element in item.all(name, namespaces):
                body = markup(element, html_text=True)
                if body.strip():
                    return body, False
    for name in ("content", "summary"):
        for element in item.all(name, _ATOM_NS):
            found = _atom_text(element)
            if found is None or found[0].strip():
                return found
    return "", False


def _atom_text(element: etree._Element) -> tuple[str, bool] | None:
    """An Atom text or content construct by its type (RFC 4287 3.1, 4.1.3; Atom 0.3's MIME
    types and ``mode``): its markup and whether it is plain text; content elsewhere (``src``)
    or of no text type gives nothing, base64 and multipart content ``None``."""
    declared = (element.get("type") or "text").split(";")[0].strip().lower()
    if (element.get("mode") or "").lower() == "base64" or declared.startswith("multipart/"):
        return None
    if element.get("src") is not None:
        return "", False
    if any(isinstance(child.tag, str) for child in element):  # xhtml, XML, or stray tags
        return markup(element, html_text=declared in ("html", "text/html")), False
    plain = declared in ("text", "text/plain")
    if not (plain or declared in ("html", "xhtml", "text/html") or declared.endswith("xml")):
        plain = declared.startswith("text/")  # other text types are text; the rest unknown
        if not plain:
            return "", False
    return "".join([element.text or "", *(c.tail or "" for c in element)]), plain  # no comments


def item_enclosures(item: Children) -> list[tuple[Any, Any, Any]]:
    """An item's attached files as (address, type, length): RSS ``<enclosure>`` elements, then
    Atom ``rel="enclosure"`` links (made absolute later)."""
    found: list[tuple[Any, Any, Any]] = [
        (e.get("url"), e.get("type"), e.get("length")) for e in item.all("enclosure", _RSS_NS)
    ]
    for link in item.all("link", _ATOM_NS):
        if (link.get("rel") or "").strip().lower() == "enclosure":
            href = (link.get("href") or "").strip()
            found.append((_join(link.base or "", href) if href else None,
                          link.get("type"), link.get("length")))  # fmt: skip
    return found


def site_link(channel: Children, base: str, atom: bool) -> str | None:
    """A feed's web site: Atom's alternate link; RSS's ``<link>`` (or an ``atom:link``)."""
    return atom_link(channel, base) if atom else rss_link(channel, base)


# What the fast path leaves to feedparser: shapes it does not read as feedparser does.
_READ = frozenset(
    ("title", "link", "description", "guid", "pubDate", "author", "enclosure", "encoded",
     "creator", "date", "summary", "content", "id", "updated", "published", "issued",
     "modified", "lastBuildDate")
)  # fmt: skip
_FOLDED = frozenset(name.lower() for name in _READ)
_BODIES = frozenset(("description", "summary", "content", "encoded", "group"))  # any namespace


def tree_readable(kind: str, elements: list[etree._Element]) -> bool:
    """Whether the fast path may read a document: RSS elements in a namespace it knows (not
    a default namespace of a publisher's choosing, or RSS 1.0's without its slash)."""
    return kind != "rss" or all(_namespace(e) in _RSS_NS for e in elements)


def read_alike(item: Children, body: str) -> bool:
    """Whether the fast path read an item as feedparser would: no element it reads written
    in another case (``<PubDate>``, ``<GUID>``), and a body unless the item holds none where
    feedparser finds one (``itunes:summary``, ``dc:description``, ``media:group``)."""
    for name, elements in item.named.items():
        if name not in _READ and name.lower() in _FOLDED:
            return False
        # a picture's media:content is no body; a media:group may hold its description
        if (
            not body
            and name.lower() in _BODIES
            and (name != "content" or any(_namespace(e) not in MEDIA for e in elements))
        ):
            return False
    return True
