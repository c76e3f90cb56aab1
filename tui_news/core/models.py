"""Plain data the core hands to the CLI and the UI (articles, headlines, sources, views), and how
its times and sizes are written for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui_news.core.dates import utc_time
from tui_news.core.search import Query
from tui_news.core.text import without_password


def iso_utc(timestamp: float | None) -> str | None:
    """Format a Unix timestamp as ISO 8601 UTC (``2026-01-02T03:04:05Z``)."""
    if timestamp is None:
        return None
    return utc_time(timestamp).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def human_size(size: float) -> str:
    """Format a byte count for people: ``5 MB``, ``12.5 KB``."""
    if size < 1024:
        return f"{size:.0f} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}".replace(".0 ", " ")


@dataclass(slots=True)
class Parsed:
    """An article as read from a file or feed, before it is stored."""

    key: str
    title: str
    body: str
    section: str | None = None
    author: str | None = None
    link: str | None = None
    published: float | None = None
    fingerprint: str | None = None
    content: str | None = None  # the HTML the body came from, converted when read
    enclosures: tuple[Enclosure, ...] = ()
    pictures: tuple[str, ...] = ()  # the feed's pictures of it (Media RSS, JSON Feed image)
    # Stored already as it is (its key's fingerprint is the stored one's): only its key,
    # title, link, date and fingerprint were read, and nothing of it is written (see
    # parse_feed's ``known``).
    unchanged: bool = False
    # What story grouping reads of it (core/story_text.py's encode), worked out by the parser
    # when stories are grouped, and kept as the article is stored.
    terms: str | None = None

    def stored_title(self) -> str:
        """Its title as the library keeps it, for a title that is one line already (a feed
        parser's): a title cut from the body may end in a space."""
        return self.title.rstrip() or "(untitled)"


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A file attached to a feed item (a podcast episode, an image): address, type, size."""

    url: str
    type: str = ""
    size: int | None = None  # bytes, when the feed says

    def is_image(self) -> bool:
        """True for a picture (by its type, or lacking one, its file name)."""
        if self.type:
            return self.type.lower().startswith("image/")
        path = self.url.partition("?")[0].lower()
        return path.endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))

    def describe(self) -> str:
        """``audio/mpeg, 23.4 MB`` (as much as is known)."""
        return ", ".join([self.type or "file", *([human_size(self.size)] if self.size else [])])


@dataclass(slots=True)
class Headline:
    """One row of the headline list."""

    id: int
    title: str
    section: str
    source: str
    published: float
    read: bool
    starred: bool
    others: int = 0  # how many other outlets tell its story (see core/stories.py)


@dataclass(frozen=True, slots=True)
class Version:
    """One outlet's article of a story, as listed under the article's header."""

    id: int
    source: str
    published: float
    title: str


@dataclass(slots=True)
class Article:
    """A stored article with everything the article view shows."""

    id: int
    title: str
    section: str
    source: str
    source_id: int
    author: str | None
    link: str | None
    published: float
    body: str
    read: bool
    starred: bool
    path: str | None = None
    content: str | None = None
    full_text_at: float | None = None  # when the full article was fetched from its page
    enclosures: tuple[Enclosure, ...] = ()
    story: int | None = None  # shared by the articles telling one story (None: alone)
    pictures: tuple[str, ...] = ()  # the feed's pictures of it (Media RSS, JSON Feed image)
    origin: str | None = None  # the address subscribed to: its feed's, or its account's server

    def readable(self, images: bool = False) -> str:
        """The article's text for reading: its HTML converted, links numbered at the end
        (attached files among them, after the links of the text); pictures marked on lines of
        their own with ``images`` (see text.image_line; the feed's pictures and attached
        images first, unless the text shows them), else read ``[image: alt]``."""
        from tui_news.core.html_text import readable

        links = [e.url for e in self.enclosures]
        shown = [*self.pictures, *(e.url for e in self.enclosures if e.is_image())]
        return readable(
            self.body,
            self.content,
            self.link,
            links,
            images=images,
            pictures=shown,
            local=self.path is not None,  # its pictures beside its file, whatever it links to
        )

    def to_json(self, with_body: bool = False) -> dict[str, Any]:
        """The article as the CLI's ``--json`` object."""
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "source": self.source,
            "author": self.author,
            "link": self.link,
            "published": iso_utc(self.published),
            "read": self.read,
            "starred": self.starred,
            "story": self.story if self.story is not None else self.id,
        }
        if self.path:
            data["path"] = self.path
        if self.enclosures:
            data["enclosures"] = [
                {"url": e.url, "type": e.type or None, "size": e.size} for e in self.enclosures
            ]
        if with_body:
            data["body"] = self.body
        return data


@dataclass(slots=True)
class Source:
    """A subscription: a local folder or file (later: a feed)."""

    id: int
    kind: str
    location: str
    name: str
    section: str | None
    added: float
    last_ok: float | None = None
    last_error: str | None = None
    articles: int = 0
    unread: int = 0
    etag: str | None = None
    last_modified: str | None = None
    site: str | None = None

    @property
    def address(self) -> str:
        """The location as it is shown: an address keeps its user but never its password."""
        return without_password(self.location)

    def to_json(self) -> dict[str, Any]:
        """The source as the CLI's ``sources --json`` object."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "section": self.section,
            "location": self.address,
            "site": self.site,
            "articles": self.articles,
            "unread": self.unread,
            "last_ok": iso_utc(self.last_ok),
            "last_error": self.last_error,
        }


@dataclass(slots=True)
class Problem:
    """A file or item that could not be read, with a one-line reason."""

    location: str
    reason: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class View:
    """Which articles a list shows: all of them, narrowed by section, source, state, search."""

    label: str = "All"
    section: str | None = None
    source_id: int | None = None
    unread: bool = False
    starred: bool = False
    query: Query | None = None  # a search within the view
    titles: bool = False  # the query looks at titles only (filtering as you type)
    ranked: bool = False  # best matches first instead of newest first
    search_id: int | None = None  # the saved search this view shows
    top: bool = False  # the last day's stories, best ranked first (see library/top_stories.py)
    up_to: int | None = None  # only articles stored by then (the newest id when a list was read)


@dataclass(slots=True)
class SourceCount:
    """One source's articles within a section, and its last error."""

    id: int
    name: str
    total: int
    unread: int
    error: str | None = None


@dataclass(slots=True)
class SectionCount:
    """Article and unread counts of one section, with its sources."""

    name: str
    total: int = 0
    unread: int = 0
    sources: list[SourceCount] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """The last errors of this section's failing sources."""
        return [f"{s.name}: {s.error}" for s in self.sources if s.error]


@dataclass(frozen=True, slots=True)
class Fetched:
    """A feed fetched whole or answered "unchanged": what :meth:`Store.set_fetched` keeps."""

    source_id: int
    etag: str | None  # validators for the next conditional GET
    last_modified: str | None
    site: str | None = None  # the feed's link to its site
    location: str | None = None  # where the feed has moved for good
    title: str | None = None  # the feed's title: names a source the user did not name


@dataclass(slots=True)
class RefreshReport:
    """What a refresh did: counts of articles added, updated and removed, and what failed."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    repeated: set[str] = field(default_factory=set)  # failed as they did the time before

    def merge(self, other: RefreshReport) -> None:
        """Add ``other``'s figures to this report."""
        self.added += other.added
        self.updated += other.updated
        self.removed += other.removed
        self.failed.update(other.failed)
        self.problems.extend(other.problems)
        self.repeated.update(other.repeated)

    @property
    def new_failures(self) -> dict[str, str]:
        """Sources that failed, except those failing the same way as the time before."""
        return {n: r for n, r in self.failed.items() if n not in self.repeated}


@dataclass(slots=True)
class SavedSearch:
    """A query kept as a sidebar entry, with its unread count."""

    id: int
    name: str
    query: str
    unread: int = 0
