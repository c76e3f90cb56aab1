"""Subscription lists in and out: OPML 1.0/2.0 and newsboat's ``urls`` file."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import formatdate

from lxml import etree

from tui_news.core.errors import UserError
from tui_news.core.models import Source
from tui_news.core.text import decode, one_line, safe_link


class ListError(UserError):
    """The file is not a subscription list; the message is the one-line reason."""


@dataclass(slots=True)
class Entry:
    """One feed to subscribe to."""

    url: str
    section: str | None = None
    name: str | None = None


@dataclass(slots=True)
class SubscriptionList:
    """Feeds read from a list, and what was left out with the reason."""

    entries: list[Entry] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    skipped_commands: int = 0  # newsboat query/exec/filter lines: a urls file after all
    listed: set[str] = field(default_factory=set)  # the entries' addresses

    def add(self, entry: Entry, what: str) -> None:
        """Add ``entry`` unless its address is unusable or already listed."""
        url = safe_link(entry.url)
        if url is None or not url.lower().startswith(("http://", "https://")):
            self.skipped.append((what, "not an http(s) feed address"))
        elif url in self.listed:
            self.skipped.append((what, "listed twice"))
        else:
            entry.url = url
            self.listed.add(url)
            self.entries.append(entry)


def read_list(data: bytes) -> SubscriptionList:
    """Read OPML (anything that starts like XML) or a newsboat ``urls`` file."""
    text = decode(data)
    if text.lstrip().startswith("<"):
        return read_opml(data)
    return read_newsboat(text)


_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


# Control characters XML 1.0 forbids, as bytes or as character references: another reader
# may write them in a title; they cannot mean anything in a subscription list.
_CONTROLS = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#0*(?:[0-8]|1[124-9]|2\d|3[01]);|&#x0*(?:[0-8]|[bcef]|1[0-9a-f]);",
    re.I,
)


def read_opml(data: bytes) -> SubscriptionList:
    """Read an OPML file; nested folders become sections (the innermost folder's name). A
    control character XML forbids (in a title, say) is left out rather than refuse the file."""
    try:
        root = etree.fromstring(data, _SAFE_XML)
    except etree.XMLSyntaxError as error:
        try:
            root = etree.fromstring(_CONTROLS.sub(b"", data), _SAFE_XML)
        except etree.XMLSyntaxError:
            raise ListError(f"not valid OPML ({one_line(str(error))})") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        raise ListError("refused: the file declares XML entities")  # wherever they stand
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise ListError("not an OPML file (its root element is not <opml>)")
    found = SubscriptionList()
    body = next((c for c in root if isinstance(c.tag, str) and c.tag.lower() == "body"), None)
    if body is None:
        return found

    def walk(element: etree._Element, section: str | None) -> None:
        for outline in element:
            if not isinstance(outline.tag, str) or outline.tag.lower() != "outline":
                continue
            attrs = {k.lower(): v for k, v in outline.attrib.items()}
            label = one_line(attrs.get("text") or attrs.get("title")) or None  # text names it
            url = attrs.get("xmlurl")
            if not url and attrs.get("type") in ("rss", "atom"):
                url = attrs.get("url")
            if url:
                found.add(Entry(url.strip(), section, label), label or url)
            else:
                walk(outline, label or section)

    walk(body, None)
    return found


def read_newsboat(text: str) -> SubscriptionList:
    """Read newsboat's ``urls``: ``URL tag "another tag" "~Name"``; the first tag is the section."""
    found = SubscriptionList()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            found.skipped.append((f"line {number}", "unbalanced quotes"))
            continue
        if not words:
            continue
        url, tags = words[0], words[1:]
        if url.startswith("query:"):
            found.skipped.append((f"line {number}", "a query feed (a saved search in newsboat)"))
            found.skipped_commands += 1
            continue
        if url.startswith(("exec:", "filter:")):
            kind = url.split(":", 1)[0]
            found.skipped.append(
                (
                    f"line {number}",
                    f"{'an' if kind == 'exec' else 'a'} {kind}: feed runs a command; not imported",
                )
            )
            found.skipped_commands += 1
            continue
        name = next((t[1:] for t in tags if t.startswith("~") and len(t) > 1), None)
        section = next((t for t in tags if not t.startswith(("~", "!"))), None)
        found.add(Entry(url, one_line(section) or None, one_line(name) or None), f"line {number}")
    if not found.entries and not found.skipped_commands:
        raise ListError("not an OPML file or a newsboat urls file (no feed address in it)")
    return found


def write_opml(sources: Sequence[Source]) -> str:
    """An OPML 2.0 document of the feed sources, one folder per section."""
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = "tui-news subscriptions"
    etree.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = etree.SubElement(opml, "body")
    folders: dict[str, etree._Element] = {}
    for source in sources:
        parent = body
        if source.section:
            if source.section not in folders:
                folders[source.section] = etree.SubElement(
                    body, "outline", text=source.section, title=source.section
                )
            parent = folders[source.section]
        attrs = {
            "type": "rss",
            "text": source.name,
            "title": source.name,
            "xmlUrl": source.location,
        }
        if source.site:
            attrs["htmlUrl"] = source.site
        etree.SubElement(parent, "outline", attrs)
    xml = etree.tostring(opml, pretty_print=True, xml_declaration=True, encoding="UTF-8")
    return xml.decode("utf-8")


def unwritable_section(section: str | None) -> bool:
    """Whether a section cannot be a ``urls`` file's tag: newsboat reads a tag beginning with
    ``~`` as the feed's name and one beginning with ``!`` as a mark that hides it."""
    return section is not None and section.startswith(("~", "!"))


def write_urls(sources: Sequence[Source]) -> str:
    """A newsboat ``urls`` file of the feed sources: section as the first tag (left out when
    it cannot be one, see :func:`unwritable_section`), ``~`` name."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = []
    for source in sources:
        words = [source.location]
        if source.section and not unwritable_section(source.section):
            words.append(quoted(source.section))
        words.append(quoted("~" + source.name))
        lines.append(" ".join(words))
    return "\n".join(lines) + ("\n" if lines else "")
