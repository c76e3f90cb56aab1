"""The article view: header and readable body, wrapped once per width and drawn line by line."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import work
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.worker import Worker

from tui_news.core.dates import local_time
from tui_news.core.errors import LibraryError
from tui_news.core.html_text import (
    BOLD,
    CODE,
    END,
    ITALIC,
    LINKS,
    TABLE_ROW,
    plain,
    readable,
    split_links,
)
from tui_news.core.image_refs import IMAGE
from tui_news.core.models import Article
from tui_news.core.reader import Reader
from tui_news.core.text import one_line, safe_link
from tui_news.ui.commands import ARTICLE
from tui_news.ui.lineview import wrapped
from tui_news.ui.messages import (
    FullTextDone,
    WorkResult,
    failed,
    report_failed_worker,
    unless_late,
)
from tui_news.ui.pictures import PICTURE_ROW, PictureBox, PictureView
from tui_news.ui.story_versions import ToldBy

MAX_TEXT_WIDTH = 96
FIRST_LINES = 200  # wrapped when an article opens; the rest follows between frames
SLICE_SECONDS = 0.010  # wrapping work per slice between frames
RESIZE_SECONDS = 0.5  # while wrapping between frames, the scroll height grows this often
HEADER_LINES = 4  # a longer title (or fact line) is cut: the text starts on the first screen
# A view shorter than this (a terminal split in two) gets a short header: no blank line above
# the title, no address line (o opens it, y copies it), the title cut to two lines and the
# outlets telling its story to one: at 80x15 the text began below the view.
SHORT_VIEW = 12
QUICK_HTML = 100_000  # characters of HTML converted when an article opens; more: in a thread
_MARK = re.compile("([\ue001-\ue003\ue011-\ue013])")  # inline style marks
DRAWN_KEPT = 400  # lines kept drawn (as strips) for scrolling back and forth


class ArticleView(PictureView, can_focus=True):
    """Shows one article; ``space`` pages down and asks for the next unread one at the end."""

    BINDINGS = ARTICLE.bindings()

    COMPONENT_CLASSES = {
        "article--title",
        "article--meta",
        "article--heading",
        "article--quote",
        "article--code",
        "article--rule",
        "article--empty",
    }

    DEFAULT_CSS = """
    ArticleView > .article--title {
        text-style: bold;
        color: $accent;
    }
    ArticleView > .article--meta {
        color: $text-muted;
    }
    ArticleView > .article--heading {
        text-style: bold;
    }
    ArticleView > .article--quote {
        text-style: italic;
        color: $text-muted;
    }
    ArticleView > .article--code {
        color: $text-muted;
    }
    ArticleView > .article--rule {
        color: $panel-lighten-2;
    }
    ArticleView > .article--empty {
        color: $text-muted;
    }
    """

    @dataclass
    class AtEnd(Message):
        """Space was pressed on the last page: the reader wants the next unread article."""

    @dataclass
    class Converted(WorkResult):
        """A long article's whole readable text, converted in a thread."""

        article_id: int
        text: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._text = ""
        self.links: dict[int, str] = {}
        # blocks not yet wrapped into lines
        self._pending: Iterator[Text | PictureBox] | None = None
        self._built_width = -1
        self._built_short = False  # whether the lines were built for a short view
        self._sized_at = 0.0  # when the scroll height last grew
        self._styles: tuple[Style, ...] = ()
        self.date_format = "%a %d %b %Y %H:%M"  # the config's date_format
        self.told_by: ToldBy | None = None  # the header's line naming the story's other outlets

    @property
    def readable_text(self) -> str:
        """The article's text as shown (its HTML converted, links numbered)."""
        return self._text

    @property
    def building(self) -> bool:
        """True while the rest of a long article is still being wrapped between frames."""
        return self._pending is not None

    @property
    def lines_built(self) -> int:
        """How many lines of the article are wrapped so far."""
        return len(self._lines)

    def show(self, article: Article | None, told_by: ToldBy | None = None) -> None:
        """Show ``article`` (or the empty state) from its top, with ``told_by``, the header
        line naming the other outlets telling its story.

        Long HTML (a 10 MB feed item) is converted in a thread; meanwhile its start is shown,
        converted at once, with the links numbered so far (they keep their numbers).
        """
        self.article, self.told_by = article, told_by
        # The pane is titled by what it shows: a section's name is shown, never read as markup.
        self.border_title = Content(article.section) if article is not None else "Article"
        self.set_class(article is not None, "-open")  # on narrow screens it shows only then
        text, links = "", {}
        if article is not None and article.content and len(article.content) > QUICK_HTML:
            quick = article.content[:QUICK_HTML]
            local = article.path is not None
            start = readable(
                article.body, quick, article.link, images=self.pictures_on, local=local
            )
            text = split_links(start)[0] + "\n\n(The rest of this long article follows.)"
            links = _numbered_links(start)
            self.run_worker(
                lambda: self.post_message(
                    self.Converted(article.id, article.readable(images=self.pictures_on))
                ),
                thread=True,
                exclusive=True,
                group="article-text",
                exit_on_error=False,
            )
        elif article is not None:
            text = article.readable(images=self.pictures_on)
            links = _numbered_links(text)
        self._text, self.links = text, links
        self.find_pictures(text)
        self._built_width = -1
        self.scroll_to(y=0, animate=False)
        self._build()
        self.refresh()

    @unless_late
    def on_article_view_converted(self, message: Converted) -> None:
        """The whole text of the long article being read: shown where the reader is."""
        if self.article is None or self.article.id != message.article_id:
            return
        self._text = message.text
        self.links = _numbered_links(message.text)
        self.find_pictures(message.text)
        self._built_width = -1
        self._build()
        self.refresh()

    def fetch_full_text(self, reader: Reader, article_id: int) -> None:
        """Fetch the page an article links to and keep its full text (in a thread)."""
        self.border_subtitle = "fetching the full article…"
        self._fetch_full_text(reader, article_id)

    @work(thread=True, exclusive=True, group="full-text", exit_on_error=False)
    def _fetch_full_text(self, reader: Reader, article_id: int) -> None:
        try:
            article = reader.full_text(article_id)
        except LibraryError as error:
            self.post_message(FullTextDone(article_id, None, str(error)))
            return
        self.post_message(FullTextDone(article_id, article, None))

    @unless_late
    def on_full_text_done(self, message: FullTextDone) -> None:
        self.border_subtitle = ""
        if message.article is None:
            failed(self, message.error or "", timeout=8)
            return
        if self.article is not None and self.article.id == message.article_id:
            self.show(message.article, self.told_by)
        self.notify("Full article kept: it reads offline from now on.", timeout=4)

    @unless_late
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)

    def update_article(self, article: Article) -> None:
        """Refresh the shown article's state (read, starred) without moving."""
        self.article = article

    def on_resize(self) -> None:
        self._build()

    def notify_style_update(self) -> None:
        """Rebuild the lines when the theme changes their styles (not on every focus change)."""
        super().notify_style_update()
        if not self.is_mounted:
            return
        styles = tuple(self.component_style(name) for name in sorted(self.COMPONENT_CLASSES))
        if styles != self._styles:
            self._styles = styles
            self._built_width = -1
            self._build()

    def _build(self) -> None:
        """Wrap the article into lines: the first screens now, the rest between frames."""
        region = self.scrollable_content_region
        width, short = region.width, 0 < region.height < SHORT_VIEW
        if width <= 0 or (width, short) == (self._built_width, self._built_short):
            return
        self._built_width, self._built_short = width, short
        self._pending = iter(self._texts(self._text_width, short))
        self._lines = []
        self._drawn = {}
        self.begin_layout(self._text_width)
        self._build_more(lines=FIRST_LINES)
        self.refresh()  # every line is new
        if self._pending is not None:
            self.set_timer(0.001, self._build_later)

    def _build_more(self, lines: int | None = None, seconds: float | None = None) -> None:
        """Wrap more blocks: until there are ``lines`` lines, ``seconds`` passed, or all done."""
        pending = self._pending
        if pending is None:
            return
        console = self.app.console
        width = self._text_width
        deadline = None if seconds is None else time.perf_counter() + seconds
        built = self._lines
        for block in pending:
            if isinstance(block, PictureBox):
                built += self.box_lines(block, len(built), width)
            else:
                built += wrapped(block, console, width)
            if (lines is not None and len(built) >= lines) or (
                deadline is not None and time.perf_counter() > deadline
            ):
                break
        else:
            self._pending = None
        # Growing the scroll height redraws the scrollbar: between frames, now and then.
        now = time.perf_counter()
        if self._pending is None or lines is not None or now - self._sized_at > RESIZE_SECONDS:
            self._sized_at = now
            self.virtual_size = Size(self._built_width, len(built))

    @property
    def _text_width(self) -> int:
        """The width the text is wrapped to: the view's, less a margin, within bounds."""
        return max(10, min(self._built_width - 2, MAX_TEXT_WIDTH))

    def _build_later(self) -> None:
        if self._pending is not None:
            self._build_more(seconds=SLICE_SECONDS)
            if self._pending is not None:
                self.set_timer(0.001, self._build_later)

    def _texts(self, width: int, short: bool = False) -> Iterator[Text | PictureBox]:
        """The article as styled blocks, each a Text to wrap (a blank Text is a blank line);
        ``short``: with the short header of a view under :data:`SHORT_VIEW` lines."""
        article = self.article
        if article is None:
            yield Text("")
            yield Text(
                "Choose a headline and press enter to read it.",
                self.component_style("article--empty"),
            )
            return
        meta = self.component_style("article--meta")
        # one_line: a file's path is shown as the file system has it, control characters and
        # all; the rest was cleaned when read, unless an older version stored it.
        blocks = [] if short else [Text("")]
        blocks.append(Text(one_line(article.title), self.component_style("article--title")))
        if short and blocks[-1].cell_len > 2 * width:
            blocks[-1].truncate(2 * width - width // 2, overflow="ellipsis")
        when = local_time(article.published).strftime(self.date_format)
        facts = [
            article.section,
            article.source,
            *([article.author] if article.author else []),
            when,
            *(["full article"] if article.full_text_at else []),
        ]
        # A feed that is its own section, or an author who is the source, is named once.
        once: dict[str, str] = {}
        for fact in facts:
            once.setdefault(fact.casefold(), fact)
        blocks.append(Text(one_line(" · ".join(once.values())), meta))
        if (article.link or article.path) and not short:
            address = article.link or _home_relative(article.path or "")
            blocks.append(Text(address_line(one_line(address), width), meta))
        if self.told_by is not None:
            told = self.told_by.lines(width, 1 if short else HEADER_LINES)
            blocks.extend(Text(line, meta) for line in told)
        numbers = {url: number for number, url in self.links.items()}
        for enclosure in article.enclosures:
            number = numbers.get(enclosure.url)
            key = f" [{number}]" if number else ""
            blocks.append(Text(f"Attached: {one_line(enclosure.describe())}{key}", meta))
        for block in blocks:
            if block.cell_len > HEADER_LINES * width:
                block.truncate(HEADER_LINES * width - width // 2, overflow="ellipsis")
        blocks.append(Text("─" * width, self.component_style("article--rule"), no_wrap=True))
        yield from blocks
        text = self._text
        for paragraph in text.split("\n\n") if text else ["(This article has no text.)"]:
            yield Text("")
            yield from self._block(paragraph)
        yield Text("")

    def _block(self, block: str) -> list[Text | PictureBox]:
        if IMAGE in block:  # pictures stand on lines of their own
            return self.picture_blocks(block, self._text_block)
        return list(self._text_block(block))

    def _text_block(self, block: str) -> list[Text]:
        lines = block.split("\n")
        if block.startswith("# "):
            return [self._styled(block[2:], "article--heading")]
        if block.startswith(">"):
            return [self._styled("│ " + line.lstrip("> "), "article--quote") for line in lines]
        if block.startswith("    "):
            style = self.component_style("article--code")
            return [Text(plain(line), style, no_wrap=True) for line in lines]
        if block.startswith(TABLE_ROW):
            return [self._styled(line[len(TABLE_ROW) :], None, no_wrap=True) for line in lines]
        if block.startswith(LINKS):
            return [Text(line, self.component_style("article--meta")) for line in lines]
        return [self._styled(line, None) for line in lines]

    def _styled(self, line: str, component: str | None, no_wrap: bool = False) -> Text:
        """A line of readable text with its inline marks turned into bold, italic and code."""
        base = self.component_style(component) if component else ""
        text = Text(style=base, no_wrap=no_wrap, end="")
        if not _MARK.search(line):
            text.append(line)
            return text
        styles = {
            BOLD: Style(bold=True),
            ITALIC: Style(italic=True),
            CODE: self.component_style("article--code"),
        }
        opened_by = {end: start for start, end in END.items()}
        active: list[str] = []
        for piece in _MARK.split(line):
            if piece in styles:
                active.append(piece)
            elif piece in opened_by:
                if opened_by[piece] in active:
                    active.remove(opened_by[piece])
            elif piece:
                text.append(piece, Style.combine(styles[m] for m in active) if active else None)
        return text

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if index >= len(self._lines) and self._pending is not None:
            self._build_more(lines=index + 1)  # scrolled past what is built so far
        if index < len(self._lines):
            base = self._base
            return self._drawn_line(index).apply_style(base).adjust_cell_length(width, base)
        return Strip.blank(width, self._base)

    def _drawn_line(self, index: int) -> Strip:
        """A line as a strip: drawn when first needed, kept while it is near the screen."""
        strip = self._drawn.get(index)
        if strip is None:
            if len(self._drawn) >= DRAWN_KEPT:
                self._drawn.clear()
            text, spans, style = self._lines[index]
            if style is PICTURE_ROW:
                strip = self._drawn[index] = self.picture_row(text, self._text_width)
                return strip
            line = Text(text, style, spans=list(spans), end="")
            strip = self._drawn[index] = Strip(line.render(self.app.console), line.cell_len)
        return strip

    # --- actions --------------------------------------------------------------------------

    def action_scroll_by(self, lines: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + lines, animate=False)

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_end(self) -> None:
        self._build_more()  # the end must exist before we can go there
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 2)
        self.scroll_to(y=self.scroll_offset.y + direction * step, animate=False)

    def action_page_or_next(self) -> None:
        if self._pending is not None:  # the end is not built yet: it is further on
            self._build_more(lines=len(self._lines) + 2 * self.scrollable_content_region.height)
        if self.scroll_offset.y >= self.max_scroll_y:
            self.post_message(self.AtEnd())
        else:
            self.action_page(1)


def address_line(address: str, width: int) -> str:
    """An address (a link, a file's path) on one line of ``width`` cells: one that does not
    fit is cut in its middle, so that its start (the site, the top folders) and its end (the
    page, the file's name) both show. A link's full form is what ``o`` opens and ``y`` copies."""
    if cell_len(address) <= width:
        return address
    if width < 2:
        return "…"[:width]
    start = (width - 1) * 2 // 5  # the end tells more: the page's or the file's name
    end = width - 1 - start
    tail = address[-end:]
    while cell_len(tail) > end:  # wide characters take two cells
        tail = tail[1:]
    return set_cell_size(address, start) + "…" + tail


def _home_relative(path: str) -> str:
    """A file's path with the home folder as ``~``."""
    home = os.path.expanduser("~").rstrip("/")
    return "~" + path[len(home) :] if home and path.startswith(home + "/") else path


def _numbered_links(text: str) -> dict[int, str]:
    """The ``[n] url`` lines listed under ``Links:`` at the end of an article's text."""
    links: dict[int, str] = {}
    for line in split_links(text)[1]:
        number, _, url = line.partition("] ")
        if number.startswith("[") and number[1:].isdigit() and safe_link(url):
            links[int(number[1:])] = url
    return links
