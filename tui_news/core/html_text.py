"""HTML to readable text: paragraphs, headings, lists, tables and quotes as lines, inline
styles as marks, links numbered ``[n]`` and listed at the end; and a quick one-line text of
HTML for lists and search."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from tui_news.core import image_refs
from tui_news.core.image_refs import IMAGE, IMAGE_ALT, without_images
from tui_news.core.image_refs import image_line as image_line  # re-exported: the contract
from tui_news.core.text import cell_width, clean, one_line, pad_cells, safe_link

if TYPE_CHECKING:  # lxml is imported when HTML is first converted, not at start-up
    from lxml import html as lxml_html

_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u3000]+")
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


_ITEM_MARKER = re.compile(r"•|\d+\.")  # what a list item's text begins with (see "li")


class _TextBuilder:
    """Walks an lxml tree and collects blocks of readable text plus numbered links."""

    def __init__(self, base_url: str | None, picture_base: str | None = None) -> None:
        self.base_url = base_url
        self.picture_base = picture_base  # the pictures' (see html_to_text)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.links: list[str] = []
        self.prefix = ""
        self.after_item = False
        self.lists = 0  # how many lists the walk is in: a nested list's items are indented
        self.in_code = False
        self.in_table = False  # inside a table cell: a nested table is plain text
        self.captions: dict[lxml_html.HtmlElement, str] = {}  # a figure's picture: its caption
        self.picture_at = -1  # where in ``current`` the last picture's line is

    def flush(self, item: bool = False) -> None:
        """End the current block; consecutive list items share one block, a line each."""
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
        if text:
            text = self.prefix + "  " * max(0, self.lists - 1) + text  # a nested list's
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
        elif tag in ("ul", "ol"):
            nested = self.lists > 0  # in an item: its list goes on in the same block
            self.flush(item=nested)
            self.lists += 1
            if not nested:
                self.after_item = False
            self._children(el)
            self.lists -= 1
            if not nested:
                self.after_item = False
        elif tag in _BLOCK:
            if tag == "figure":
                self.figure(el)
            elif tag == "figcaption" and el in self.captions:
                self.text(el.tail)  # the caption is its picture's alt text
                return
            if not _ITEM_MARKER.fullmatch("".join(self.current).strip()):  # else: "• " leads it
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
        url = image_refs.address(written, self.picture_base)
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
        inner = _TextBuilder(self.base_url, self.picture_base)
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
                inner = _TextBuilder(self.base_url, self.picture_base)
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


_SCRIPTS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)
# Tags that part words where they stand (blocks, breaks, cells, list items, pictures); any
# other tag (a link, emphasis, a span) sits inside a word as often as between two
_PARTING = frozenset(
    _BLOCK | _HEADINGS | _DROP | {"br", "hr", "li", "ul", "ol", "td", "th", "img", "blockquote",
    "pre", "caption", "thead", "tbody", "tfoot", "picture", "video"}
)  # fmt: skip
_TAG = re.compile(r"<(?:/?([A-Za-z][A-Za-z0-9]*))?[^>]*>")  # split: text, tag name, text, ...


class _Separators(dict[str | None, str]):
    """What a tag of each name leaves in :func:`strip_tags`' text: a space if it parts words,
    else nothing (names in any case; ``None``, a tag without a name, nothing)."""

    def __missing__(self, name: str | None) -> str:
        return " " if name and name.lower() in _PARTING else ""


_SEPARATORS = _Separators({None: ""})
for _name in [*_PARTING, "a", "b", "i", "em", "strong", "span", "font", "u", "s", "sub", "sup"]:
    _SEPARATORS[_name] = _SEPARATORS[_name.upper()] = _SEPARATORS.__missing__(_name)


def strip_tags(markup: str) -> str:
    """A quick one-paragraph text of some HTML, for lists and search (not for reading):
    ``See the <a>background</a>.`` is "See the background.", ``<p>One</p><p>Two</p>`` "One
    Two"."""
    import html

    pieces = _TAG.split(_SCRIPTS.sub(" ", markup))
    pieces[1::2] = map(_SEPARATORS.__getitem__, pieces[1::2])  # common names: no Python call
    return one_line(html.unescape("".join(pieces)))


def readable(
    body: str,
    content: str | None,
    base_url: str | None = None,
    extra_links: Sequence[str] = (),
    *,
    images: bool = False,
    pictures: Sequence[str] = (),
    local: bool = False,
) -> str:
    """The text to read: ``content`` (HTML) converted if there is any, else ``body``
    (``local``: a file's, see :func:`html_to_text`).

    ``extra_links`` (attached files) join the numbered links at the end. Pictures stand on
    lines of their own: marked (see :func:`image_line`) with ``images``, else ``[image: alt]``;
    with ``images``, ``pictures`` (the feed's) not in the text come first.
    """
    text = (html_to_text(content, base_url=base_url, local=local) or body) if content else body
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


def html_to_text(
    markup: str | bytes | lxml_html.HtmlElement, base_url: str | None = None, *, local: bool = False
) -> str:
    """Convert HTML to readable paragraphs, links numbered ``[n]`` and listed at the end.
    ``local``: the HTML of a file on this computer, whose pictures are beside it whatever
    page ``base_url`` (its canonical link) names."""
    root = parse_html(markup) if isinstance(markup, str | bytes) else markup
    if root is None:
        return ""
    builder = _TextBuilder(base_url, None if local else base_url)
    builder.walk(root)
    return builder.result()
