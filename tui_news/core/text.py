"""Untrusted text made safe and readable: control-character stripping, decoding, HTML to text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from tui_news.core import image_refs
from tui_news.core.image_refs import IMAGE, IMAGE_ALT, without_images
from tui_news.core.image_refs import image_line as image_line  # re-exported: the contract

if TYPE_CHECKING:  # lxml is imported when HTML is first converted, not at start-up
    from lxml import html as lxml_html

# Characters that must never reach the terminal: C0/C1 controls (ESC, BEL, ...), DEL, and
# the bidirectional overrides that can disguise text. Newline is kept; tab becomes a space.
_UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\ufeff\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff]"  # lone surrogates (from JSON's "\ud800"): no UTF-8 can hold them
)
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Whole terminal escape sequences (CSI "ESC [ ... m", OSC "ESC ] ... BEL", DCS, C1 CSI), so
# no "[31m" or "]0;title" is left behind once the escape character itself is gone.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-_78=>]"
)
_ESCAPE_START = re.compile("[\x1b\x90\x98\x9b\x9d\x9e\x9f]")
_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u3000]+")
_TEXT_CONTROLS = bytes(range(0x20)).translate(None, b"\t\n\x0c\r\x1b")

SAFE_LINK_SCHEMES = ("http", "https", "mailto")
MAX_MARKS = 4  # zero-width characters (combining marks, joiners) kept in a row
MAX_TAGS = 8  # emoji tag characters kept in a row (a subdivision flag needs up to 7)


def clean(text: str | None) -> str:
    """Return ``text`` with line endings normalised and every control character removed.

    Runs of zero-width characters (a "zalgo" pile of combining marks, a flood of zero-width
    spaces or joiners) are cut to :data:`MAX_MARKS`: enough for any script, too few to draw
    over the lines around them.
    """
    if not text:
        return ""
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to remove
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not _suspects().search(text):
        return text  # no control, zero-width or astral character: one pass instead of three
    if _ESCAPE_START.search(text):
        text = _ESCAPES.sub("", text)
    text = _UNSAFE.sub("", text)
    return text if text.isascii() else _mark_runs().sub(_cap_marks, text)


@cache
def _mark_runs() -> re.Pattern[str]:
    """Runs of five or more zero-width (or astral) characters, the candidates for capping.

    Astral characters go in as one range, so the pattern stays a fast table lookup;
    ``_cap_marks`` looks closer.
    """
    return re.compile(f"(?:[{_marks()}]|[\U00010000-\U0010ffff]){{{MAX_MARKS + 1},}}")


@cache
def _suspects() -> re.Pattern[str]:
    """Any one character that :func:`clean` removes or may cap (see _UNSAFE, _mark_runs)."""
    return re.compile(f"[{_UNSAFE.pattern[1:-1]}{_marks()}\U00010000-\U0010ffff]")


@cache
def _marks() -> str:
    """The zero-width characters of the BMP as the inside of a regex character class.

    Built from the Unicode database on first use (about 40 ms).
    """
    ranges: list[list[int]] = []
    for point in range(0x300, 0x10000):
        if _zero_width(chr(point)):
            if ranges and ranges[-1][1] == point - 1:
                ranges[-1][1] = point
            else:
                ranges.append([point, point])
    return "".join(
        re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges
    )


def _zero_width(char: str) -> bool:
    """A combining mark or an invisible format character (takes no cell of its own)."""
    return unicodedata.category(char) in ("Mn", "Me", "Cf")


def _cap_marks(match: re.Match[str]) -> str:
    """The run with each stretch of zero-width characters cut to MAX_MARKS (tag characters,
    which spell out a flag like Wales's, to MAX_TAGS)."""
    kept: list[str] = []
    row = tags = 0
    for char in match.group():
        if "\U000e0020" <= char <= "\U000e007f":
            tags += 1
            if tags <= MAX_TAGS:
                kept.append(char)
            continue
        row = row + 1 if _zero_width(char) else 0
        tags = 0 if row == 0 else tags
        if row <= MAX_MARKS:
            kept.append(char)
    return "".join(kept)


def no_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which SQLite and UTF-8 refuse) replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` with its noun, the way every screen and command says it: "1 article",
    "12,345 articles"."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def one_line(text: str | None) -> str:
    """Return ``text`` cleaned and collapsed to a single line of single spaces."""
    return " ".join(clean(text).split())


def safe_link(url: str | None) -> str | None:
    """Return ``url`` if it is an http(s) or mailto link without controls, else ``None``."""
    if url and url.startswith(("https://", "http://")) and url.isascii() and url.isprintable():
        return url.replace(" ", "%20")  # the common case, without parsing
    url = one_line(url).replace(" ", "%20")
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_LINK_SCHEMES else None


def without_password(url: str) -> str:
    """An address as it may be shown: a ``user:password@`` in it keeps the user only."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{parts.username}@{host}"))
    except ValueError:  # not an address urlsplit can read: hide everything before the host
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else url


def without_userinfo(url: str) -> str:
    """An address without any ``user:password@`` (to resolve links against, say)."""
    try:
        parts = urlsplit(url)
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    except ValueError:
        return url


def decode(data: bytes) -> str:
    """Decode file bytes: a BOM wins, then UTF-8, then cp1252 (Latin-1 for its gaps)."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def looks_binary(data: bytes) -> bool:
    """Return True when ``data`` (the start of a file) is not text: NUL bytes or many controls."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _TEXT_CONTROLS))
    return bool(sample) and controls / len(sample) > 0.05


def paragraphs(lines: list[str]) -> str:
    """Join plain-text lines into readable paragraphs separated by one blank line.

    Hard-wrapped lines are joined; list items keep their own lines.
    """
    blocks: list[list[str]] = [[]]
    for raw in lines:
        line = one_line(raw)
        if not line:
            if blocks[-1]:
                blocks.append([])
        elif _LIST_ITEM.match(line) or not blocks[-1]:
            blocks[-1].append(line)
        else:
            blocks[-1][-1] += " " + line
    return "\n\n".join("\n".join(block) for block in blocks if block)


_LIST_ITEM = re.compile(r"^([-*•]|\d{1,3}[.)])\s")

# --- HTML to readable text ---------------------------------------------------------------

_DROP = {
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "canvas", "form", "button", "select", "input", "textarea", "nav", "footer", "aside",
    "head", "title", "meta", "link", "dialog",
}  # fmt: skip
_BLOCK = {
    "p", "div", "section", "article", "main", "header", "figure", "figcaption", "table",
    "tr", "dl", "dt", "dd", "address", "details", "summary", "center", "body", "html",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

# Inline styles travel in the readable text as private-use characters, opened and closed
# around the styled words; the article view turns them into bold, italic and code. Any such
# character in the page itself is dropped first, so a page cannot fake them.
BOLD, ITALIC, CODE = "\ue001", "\ue002", "\ue003"
END = {BOLD: "\ue011", ITALIC: "\ue012", CODE: "\ue013"}
_INLINE = {"b": BOLD, "strong": BOLD, "i": ITALIC, "em": ITALIC, "cite": ITALIC, "code": CODE}
_MARKERS = re.compile("[\ue000-\ue0ff]")
TABLE_ROW = "| "  # the start of each line of a table block


def plain(text: str) -> str:
    """Readable text without its inline style marks (pictures as ``[image: alt]``)."""
    return _MARKERS.sub("", without_images(text))


class _TextBuilder:
    """Walks an lxml tree and collects blocks of readable text plus numbered links."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.links: list[str] = []
        self.prefix = ""
        self.after_item = False
        self.in_code = False
        self.in_table = False  # inside a table cell: a nested table is plain text
        self.captions: dict[lxml_html.HtmlElement, str] = {}  # a figure's picture: its caption
        self.picture_at = -1  # where in ``current`` the last picture's line is

    def flush(self, item: bool = False) -> None:
        """End the current block; consecutive list items share one block, a line each."""
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
        if text:
            text = self.prefix + text
            if item and self.after_item:
                self.blocks[-1] += "\n" + text
            else:
                self.blocks.append(text)
            self.after_item = item
        self.current = []
        self.picture_at = -1

    def link_number(self, href: str | None) -> int | None:
        if not href:
            return None
        href = href.strip()
        if self.base_url:
            try:
                href = urljoin(self.base_url, href)
            except ValueError:
                return None
        url = safe_link(href)
        if url is None:
            return None
        if url not in self.links:
            self.links.append(url)
        return self.links.index(url) + 1

    def text(self, value: str | None) -> None:
        if value:
            self.current.append(_MARKERS.sub("", clean(value)).replace("\n", " "))

    def walk(self, el: lxml_html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower().rpartition("}")[2]
        if not tag or tag in _DROP or el.get("hidden") is not None:
            self.text(el.tail)
            return
        if tag == "br":
            self.current.append("\n")
        elif tag == "hr":
            self.flush()
        elif tag == "pre":
            self.flush()
            code = clean(el.text_content()).rstrip()
            if code.strip():
                self.blocks.append("\n".join("    " + line for line in code.split("\n")))
            self.text(el.tail)
            return
        elif tag in ("img", "picture"):
            self.image(el)
            self.text(el.tail)
            return
        elif tag == "table" and not self.in_table:
            self.table(el)
            self.text(el.tail)
            return
        elif tag in _INLINE and not self.in_code:
            marker = _INLINE[tag]
            self.current.append(marker)
            self.in_code = marker == CODE
            self._children(el)
            self.in_code = False
            self.current.append(END[marker])
            self.text(el.tail)
            return
        if tag in _HEADINGS:
            self.flush()
            saved, self.prefix = self.prefix, "# "
            self._children(el)
            self.flush()
            self.prefix = saved
        elif tag == "blockquote":
            self.flush()
            saved, self.prefix = self.prefix, self.prefix + "> "
            self._children(el)
            self.flush()
            self.prefix = saved
        elif tag == "li":
            self.flush()
            parent = el.getparent()
            if parent is not None and str(parent.tag).lower() == "ol":
                items = [c for c in parent if str(c.tag).lower() == "li"]
                marker = f"{items.index(el) + 1}. "
            else:
                marker = "• "
            self.current.append(marker)
            self._children(el)
            self.flush(item=True)
        elif tag in ("ul", "ol") or tag in _BLOCK:
            if tag == "figure":
                self.figure(el)
            elif tag == "figcaption" and el in self.captions:
                self.text(el.tail)  # the caption is its picture's alt text
                return
            self.flush()
            self.after_item = False
            self._children(el)
            self.flush()
            self.after_item = False
        elif tag in ("td", "th"):
            self._children(el)
            self.current.append("  ")
        elif tag == "a":
            self._children(el)
            number = self.link_number(el.get("href"))
            at = self.picture_at
            if (
                number is not None
                and at < len(self.current)
                and not "".join(self.current[at + 1 :]).strip()
            ):
                line = self.current[at][:-1]  # a linked picture: the number on its line
                self.current[at] = f"{line}{'' if line.endswith(IMAGE_ALT) else ' '}[{number}]\n"
            elif number is not None:
                self.current.append(f" [{number}]")
        else:
            self._children(el)
        self.text(el.tail)

    def image(self, el: lxml_html.HtmlElement) -> None:
        """An ``<img>`` or ``<picture>`` on a line of its own (see :func:`image_line`); a tiny
        one (an emoji, an icon) as its alt text, a tracking pixel not at all."""
        written, alt, kind = image_refs.picked(el)
        alt = self.captions.get(el) or _MARKERS.sub("", one_line(alt))
        url = image_refs.address(written, self.base_url)
        if kind == "icon":
            self.current.append(alt)
        elif kind == "picture":
            line = (
                f"{IMAGE}{url}{IMAGE_ALT}{alt}" if url else f"[image: {alt}]" if alt else "[image]"
            )
            started = "".join(self.current).strip()  # nothing, or a list item's marker only
            self.current.append(
                ("" if image_refs.IMAGE_PREFIX.fullmatch(started + " ") else "\n") + line + "\n"
            )
            self.picture_at = len(self.current) - 1

    def figure(self, el: lxml_html.HtmlElement) -> None:
        """A figure of one picture and one caption: the caption (its links numbered in place)
        becomes the picture's alt text, and is not repeated below it."""
        pictures = [e for e in el.iter("img", "picture") if not _in_picture(e)]
        captions = list(el.iter("figcaption"))
        if len(pictures) != 1 or len(captions) != 1:
            return
        inner = _TextBuilder(self.base_url)
        inner.links = self.links  # one numbering for the whole article
        inner._children(captions[0])
        caption = " ".join(plain(inner.result(links=False)).split())
        if caption:
            self.captions[pictures[0]] = caption
            self.captions[captions[0]] = caption

    def table(self, el: lxml_html.HtmlElement) -> None:
        """A table as aligned rows (header rows bold); nested tables become plain text."""
        self.flush()
        rows: list[tuple[bool, list[str]]] = []
        for row in _rows(el):
            cells = [c for c in row if str(c.tag).lower() in ("td", "th")]
            texts = []
            for cell in cells:
                inner = _TextBuilder(self.base_url)
                inner.links = self.links  # one numbering for the whole article
                inner.in_table = True
                inner._children(cell)
                texts.append(" ".join(plain(inner.result(links=False)).split()))
            if any(texts):
                header = bool(cells) and all(str(c.tag).lower() == "th" for c in cells)
                rows.append((header, texts))
        if not rows:
            return
        columns = max(len(row_texts) for _, row_texts in rows)
        widths = [0] * columns
        for _, row_texts in rows:
            for index, text in enumerate(row_texts):
                widths[index] = max(widths[index], min(cell_width(text), 40))
        lines = []
        for header, row_texts in rows:
            padded = row_texts + [""] * (columns - len(row_texts))
            line = " │ ".join(pad_cells(text, widths[i]) for i, text in enumerate(padded)).rstrip()
            lines.append(TABLE_ROW + (BOLD + line + END[BOLD] if header else line))
        self.blocks.append("\n".join(lines))
        self.after_item = False

    def _children(self, el: lxml_html.HtmlElement) -> None:
        self.text(el.text)
        for child in el:
            self.walk(child)

    def result(self, links: bool = True) -> str:
        self.flush()
        body = "\n\n".join(self.blocks)
        if self.links and links:
            body = with_links(body, [f"[{i}] {url}" for i, url in enumerate(self.links, 1)])
        return body


def _in_picture(el: lxml_html.HtmlElement) -> bool:
    return next(el.iterancestors("picture"), None) is not None


def _rows(table: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """A table's own rows (directly, or in its thead/tbody/tfoot), not a nested table's."""
    rows = []
    for child in table:
        tag = str(child.tag).lower()
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if str(c.tag).lower() == "tr")
    return rows


def _char_width(char: str) -> int:
    if _zero_width(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes (wide East Asian characters take two)."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


def pad_cells(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to ``width`` terminal cells."""
    size = cell_width(text)
    if size <= width:
        return text + " " * (width - size)
    kept, used = [], 0
    for char in text:
        if used + _char_width(char) > width - 1:
            break
        kept.append(char)
        used += _char_width(char)
    return "".join(kept) + "…" + " " * (width - 1 - used)


_SCRIPTS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)
# Tags that part words where they stand (blocks, breaks, cells, list items, pictures); any
# other tag (a link, emphasis, a span) sits inside a word as often as between two
_PARTING = frozenset(
    _BLOCK | _HEADINGS | _DROP | {"br", "hr", "li", "ul", "ol", "td", "th", "img", "blockquote",
    "pre", "caption", "thead", "tbody", "tfoot", "picture", "video"}
)  # fmt: skip
_TAG = re.compile(r"<(?:/?([A-Za-z][A-Za-z0-9]*))?[^>]*>")  # split: text, tag name, text, ...


def strip_tags(markup: str) -> str:
    """A quick one-paragraph text of some HTML, for lists and search (not for reading):
    ``See the <a>background</a>.`` is "See the background.", ``<p>One</p><p>Two</p>`` "One
    Two"."""
    import html

    pieces = _TAG.split(_SCRIPTS.sub(" ", markup))
    pieces[1::2] = [
        " " if name and (name in _PARTING or name.lower() in _PARTING) else ""
        for name in pieces[1::2]
    ]
    return " ".join(clean(html.unescape("".join(pieces))).split())


def readable(
    body: str,
    content: str | None,
    base_url: str | None = None,
    extra_links: Sequence[str] = (),
    *,
    images: bool = False,
    pictures: Sequence[str] = (),
) -> str:
    """The text to read: ``content`` (HTML) converted if there is any, else ``body``.

    ``extra_links`` (attached files) join the numbered links at the end. Pictures stand on
    lines of their own: marked (see :func:`image_line`) with ``images``, else ``[image: alt]``;
    with ``images``, ``pictures`` (the feed's) not in the text come first.
    """
    text = (html_to_text(content, base_url=base_url) or body) if content else body
    if not images:
        text = without_images(text)
    elif pictures:
        text = image_refs.with_pictures(text, pictures)
    extra = [url for url in map(safe_link, extra_links) if url]
    if not extra:
        return text
    head, links = split_links(text)
    known = {line.partition("] ")[2] for line in links}
    for url in extra:
        if url not in known:
            links.append(f"[{len(links) + 1}] {url}")
    return with_links(head, links)


LINKS = "Links:\n"  # heads the numbered links at the end of an article's readable text


def with_links(body: str, lines: Sequence[str]) -> str:
    """``body`` followed by its ``[n] url`` link lines under ``Links:``."""
    listing = LINKS + "\n".join(lines)
    return f"{body}\n\n{listing}" if body else listing


def split_links(text: str) -> tuple[str, list[str]]:
    """The text before its ``Links:`` list, and that list's ``[n] url`` lines (see with_links)."""
    if text.startswith(LINKS):
        return "", text[len(LINKS) :].split("\n")
    head, found, listed = text.rpartition("\n\n" + LINKS)
    return (head, listed.split("\n")) if found else (text, [])


def parse_html(markup: str | bytes) -> lxml_html.HtmlElement | None:
    """Parse an HTML document or fragment leniently; ``None`` when nothing can be made of it."""
    from lxml import etree
    from lxml import html as lxml_html

    if isinstance(markup, str):
        markup = markup.encode("utf-8")
        parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)
    else:
        parser = lxml_html.HTMLParser(remove_comments=True)
    if not markup.strip():
        return None
    try:
        return lxml_html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def html_to_text(markup: str | bytes | lxml_html.HtmlElement, base_url: str | None = None) -> str:
    """Convert HTML to readable paragraphs, links numbered ``[n]`` and listed at the end."""
    root = parse_html(markup) if isinstance(markup, str | bytes) else markup
    if root is None:
        return ""
    builder = _TextBuilder(base_url)
    builder.walk(root)
    return builder.result()
