"""The Textual app: three panes (sections, headlines, article), keys, palette and workers."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib.resources import files

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Footer, Input, Tree
from textual.worker import Worker, WorkerState

from tui_news.core.config import save_theme
from tui_news.core.errors import LibraryError, QueryInterrupted
from tui_news.core.models import Article, RefreshReport, SectionCount, View
from tui_news.core.reader import RANK_CANDIDATES, Reader, search_view
from tui_news.core.search import Query, QueryError, parse
from tui_news.core.text import safe_link
from tui_news.ui.article import ArticleView
from tui_news.ui.browser import open_in_browser
from tui_news.ui.headlines import HeadlineList
from tui_news.ui.keymap import Scope, key_clashes
from tui_news.ui.messages import (
    CountsLoaded,
    FullTextDone,
    RefreshDone,
    RefreshProgress,
    SearchDone,
    SourceAdded,
    ViewLoaded,
    unless_late,
)
from tui_news.ui.screens import (
    AddSourceScreen,
    ConfirmScreen,
    HelpScreen,
    NameScreen,
    ProblemsScreen,
)
from tui_news.ui.search_bar import SearchBar
from tui_news.ui.sidebar import ALL, Sidebar
from tui_news.ui.typeahead import TypeAhead

NARROW = 150  # below this many columns the article goes under the headlines
SEARCH_CHUNK = 200
ASK_BEFORE_MARKING = 50  # M asks first when it would mark more articles than this
QUICK_SEARCH_SECONDS = 0.025  # a search that takes longer goes on in a thread
QUICK_RANKED_SECONDS = 0.06  # the same for the best results of a whole-library search
FIRST_ROWS = 1000  # a larger view shows its first rows at once and the rest from a thread


@dataclass
class Searching:
    """A search in progress: the view it narrows, where the list was, and its reach."""

    base: View
    keep: int | None
    wide: bool = False
    ids: array[int] | None = None  # the base view's list, to put back at once

    def view(self, query: Query) -> View:
        """The view that shows ``query``'s results."""
        if self.wide:
            return search_view(query, "Whole library")
        if self.base.query is not None:  # within a saved search: its words and these, anywhere
            return replace(self.base, query=self.base.query.combined(query))
        return replace(self.base, query=query, titles=True)

    def scope(self, found: int | None = None) -> tuple[str, ...]:
        """How many match (-1: still counting), what the field searches, and the key to
        widen or narrow it: the note beside the field, most important first."""
        if found is None:
            parts: tuple[str, ...] = ()
        elif found < 0:
            parts = ("searching…",)
        elif self.wide and found >= RANK_CANDIDATES:  # ranked searches stop there
            parts = (f"best {found:,} matches",)
        else:
            parts = (f"{found:,} match{'es' if found != 1 else ''}",)
        if self.wide:
            return (*parts, "whole library, best first", f"ctrl+l: {self.base.label} only")
        what = "titles" if self.base.query is None else "titles and text"
        return (*parts, f"{what} in {self.base.label}", "ctrl+l: whole library")


class Reading(Container):
    """Holds the headlines and the article: side by side, or stacked on narrow terminals."""

    def on_resize(self) -> None:
        self.screen.set_class(self.app.size.width < NARROW, "-narrow")


class NewsApp(TypeAhead):
    """The reader. Every change goes through :class:`Reader`; slow work runs in workers."""

    CSS_PATH = str(files("tui_news.styles").joinpath("app.tcss"))
    OPENS_FIELD = frozenset({"search", "add_source", "search_save"})  # keys after them wait
    TITLE = "tui-news"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("tab", "focus_next", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="previous_pane"),
        Binding("escape", "back", "Back", show=False, id="back"),
        Binding("slash", "search", "Search", id="search"),
        Binding("space", "read_on", "Read on", id="read_on"),
        Binding("n", "next_unread(1)", "Next unread", id="next_unread"),
        Binding("p", "next_unread(-1)", "Prev unread", show=False, id="previous_unread"),
        Binding("m", "toggle_read", "Read", id="toggle_read"),
        Binding("M", "mark_all_read", "All read", show=False, id="mark_all_read"),
        Binding("s", "star", "Star", id="star"),
        Binding("o", "open_link", "Open link", show=False, id="open_link"),
        *(
            Binding(str(n), f"open_numbered({n})", "", show=False, id=f"link_{n}")
            for n in range(1, 10)
        ),
        Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
        Binding("f", "full_article", "Full article", show=False, id="full_article"),
        Binding("r", "refresh_here", "Refresh", show=False, id="refresh"),
        Binding("R", "refresh_all", "Refresh all", show=False, id="refresh_all"),
        Binding("a", "add_source", "Add", show=False, id="add_source"),
        Binding("d", "remove_source", "Remove", show=False, id="remove_source"),
        Binding("exclamation_mark", "problems", "Problems", show=False, id="problems"),
    ]

    def __init__(self, reader: Reader) -> None:
        super().__init__()
        self.reader = reader
        self.view: View = ALL
        self._saved_theme = reader.config.theme
        self._sections: list[SectionCount] = []
        self._search: Searching | None = None
        self._view_whole = True  # False while a large view shows only its first rows
        self._listed = ALL  # the view whose articles the headline list holds

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar")
            with Reading(id="reading"):
                with Vertical(id="list-pane"):
                    yield SearchBar(id="search")
                    yield HeadlineList(self.reader, id="headlines")
                yield ArticleView(id="article")
        yield Footer(compact=True)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def list_pane(self) -> Vertical:
        return self.query_one("#list-pane", Vertical)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    def on_mount(self) -> None:
        self._apply_config()
        self.sidebar.border_title = "Sections"
        self.article_view.border_title = "Article"
        self.headlines.empty_text = "No articles here."
        self.show_view(ALL)
        self.headlines.focus()
        self.watch(self.search_bar.input, "value", self._query_changed, init=False)
        self.load_counts()
        if self.reader.config.refresh_on_start and not self.reader.temporary:
            self.refresh_sources(None)
        every = self.reader.check_seconds()
        if every is not None and not self.reader.temporary:
            self.set_interval(every, self._refresh_due, name="auto-refresh")

    def _apply_config(self) -> None:
        config = self.reader.config
        for problem in config.problems:
            self.notify(problem, title="Config", severity="warning", markup=False, timeout=12)
        self.article_view.date_format = config.date_format
        if config.theme:
            if config.theme in self.available_themes:
                self.theme = config.theme
            else:
                self.notify(
                    f"Unknown theme {config.theme!r} in the config file",
                    severity="warning",
                    markup=False,
                )
        known = {b.id for b in self._all_bindings() if b.id}
        unknown = sorted(set(config.keys) - known)
        if unknown:
            self.notify(
                f"Unknown key ids in the config file: {', '.join(unknown)}",
                severity="warning",
                markup=False,
            )
        keymap = {k: v for k, v in config.keys.items() if k in known}
        for clash in key_clashes(self._key_scopes(), keymap):
            self.notify(clash, title="Config", severity="warning", markup=False, timeout=12)
        self.set_keymap(keymap)
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            try:
                save_theme(self.reader.paths.config, theme.name)
            except OSError as error:
                self.notify(f"Could not save the theme: {error}", severity="warning", markup=False)

    # --- views and articles ---------------------------------------------------------------

    def show_view(self, view: View, keep: int | None = None) -> None:
        """Fill the headline list with a view's articles: its first rows at once, and the
        rest of a large view (a million articles take a second to list) from a thread."""
        self._stop_listing()
        ids, whole = self._first_rows(view)
        self._apply_view(view, ids, keep, whole)
        if not whole:
            self.load_view(view, keep, first=False)

    def _first_rows(self, view: View) -> tuple[array[int], bool]:
        """A view's first FIRST_ROWS ids, and whether they are all of it."""
        ids = self.reader.view_ids(view, limit=FIRST_ROWS)
        return ids, len(ids) < FIRST_ROWS

    def load_view(self, view: View, keep: int | None = None, first: bool = True) -> None:
        """Read a view's ids in a thread (the first rows, then all), so that moving through
        the sidebar never waits on them; what an earlier listing reads is dropped (the
        worker is exclusive: a new one cancels the last)."""
        self._list_in_thread(view, keep, first)

    def _stop_listing(self) -> None:
        """Drop what a listing thread still brings: the list is being filled here."""
        self.workers.cancel_group(self, "view")

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def _list_in_thread(self, view: View, keep: int | None, first: bool) -> None:
        if first:
            ids, whole = self._first_rows(view)
            self.post_message(ViewLoaded(view, ids, keep, whole=whole))
            if whole:
                return
        self.post_message(ViewLoaded(view, self.reader.view_ids(view), keep))

    def _list_whole_now(self) -> None:
        """List all of a view that is still listing, at once (``n`` must see every row)."""
        if not self._view_whole:
            self._stop_listing()  # the thread's list, when it comes, is not needed
            ids = self.reader.view_ids(self.view)
            self._apply_view(self.view, ids, self.headlines.current_id, True)

    @unless_late  # also when the view was listed again since
    def on_view_loaded(self, message: ViewLoaded) -> None:
        if message.view != self.view:
            return  # the sidebar moved on
        keep = message.keep
        if self._still_listing(message.view) and (keep is None or keep in self.headlines.ids):
            keep = self.headlines.current_id  # where the reader is in the first rows
        self._apply_view(message.view, message.ids, keep, message.whole)

    def _still_listing(self, view: View) -> bool:
        """True if the headline list shows the first rows of ``view``, the rest to come."""
        return not self._view_whole and self._listed == view

    def _apply_view(self, view: View, ids: array[int], keep: int | None, whole: bool) -> None:
        self.view = self._listed = view
        self._view_whole = whole
        if view.query is not None:
            empty = "Nothing matches."
        elif view == ALL and not ids and not self.reader.has_sources():
            empty = "No sources yet: press a to add a feed or a folder"
        else:
            empty = "No articles here."
        self.headlines.empty_text = empty
        self.headlines.highlight = view.query.include if view.query is not None else ()
        self.headlines.show_ids(ids, keep=keep)
        if self._search is not None and view.query is not None:
            self.search_bar.show_scope(self._search.scope(len(ids) if whole else -1))
        self._title_headlines()

    def _title_headlines(self) -> None:
        if self._search is not None:  # the count is beside the field, which costs less to draw
            label = "Whole library" if self._search.wide else self._search.base.label
            title = f"{label} · search"
        else:
            more = "" if self._view_whole else "+"
            title = f"{self.view.label} · {len(self.headlines.ids):,}{more}"
        if (shown := Content(title)).markup != self.list_pane.border_title:
            self.list_pane.border_title = shown  # Content: names are shown, never read as markup
        ids = set(self._view_source_ids())
        failures = self.reader.failures()
        failing = [f"{name}: {error}" for sid, (name, error) in failures.items() if sid in ids]
        if len(failing) > 1:
            subtitle = f"⚠ {len(failing)} sources failed (! shows why)"
        else:
            subtitle = f"⚠ {failing[0]}" if failing else ""
        if (shown := Content(subtitle)).markup != self.list_pane.border_subtitle:
            self.list_pane.border_subtitle = shown

    def _view_source_ids(self) -> list[int]:
        """The sources the current view draws from (all of them for All, Unread, Starred)."""
        if self.view.source_id is not None:
            return [self.view.source_id]
        sections = self._sections
        if self.view.section is not None:
            sections = [s for s in sections if s.name == self.view.section]
        return [src.id for s in sections for src in s.sources]

    @on(Tree.NodeHighlighted, "#sidebar")
    def _section_highlighted(self, event: Tree.NodeHighlighted[View]) -> None:
        if event.node.data is not None and event.node.data != self.view:
            self._close_search()
            self.view = event.node.data
            self.load_view(event.node.data)

    @on(Tree.NodeSelected, "#sidebar")
    def _section_selected(self, event: Tree.NodeSelected[View]) -> None:
        if event.node.data is not None and event.node.data != self.view:
            self._close_search()
            self.show_view(event.node.data)
        self.headlines.focus()

    @on(HeadlineList.Opened)
    def _headline_opened(self, event: HeadlineList.Opened) -> None:
        self.open_article(event.article_id)

    @on(ArticleView.AtEnd)
    def _article_end(self) -> None:
        self.action_next_unread(1)

    @contextmanager
    def saving(self) -> Iterator[None]:
        """Around a write to the library: if it cannot be saved, say so and go on (the rest of
        the block, which would show the change, is skipped)."""
        try:
            yield
        except LibraryError as error:
            self._failed(str(error))

    def _failed(self, reason: str, timeout: float = 10) -> None:
        """A notice that something failed, with its reason (written to follow "tui-news: ")."""
        sentence = reason[:1].upper() + reason[1:]
        self.notify(sentence, severity="error", markup=False, timeout=timeout)

    def open_article(self, article_id: int) -> Article | None:
        """Show an article and mark it read."""
        article = self.reader.article(article_id)
        if article is None:
            self.notify("That article is gone; refreshing the list.", severity="warning")
            self.show_view(self.view)
            return None
        if not article.read:
            with self.saving():
                self.reader.set_read([article.id], True)
                article.read = True
                self.headlines.update_row(article.id, read=True)
                self.load_counts()
        self.headlines.move_to(article.id)
        self.article_view.show(article)
        self.article_view.border_title = Content(article.section)
        return article

    def _target(self) -> Article | None:
        """The article an action applies to: the one being read, else the one under the cursor."""
        shown = self.article_view.article
        if shown is not None and (
            self.focused is self.article_view or self.headlines.current_id == shown.id
        ):
            return self.reader.article(shown.id)
        current = self.headlines.current_id
        return self.reader.article(current) if current is not None else None

    # --- actions --------------------------------------------------------------------------

    def action_read_on(self) -> None:
        """Space outside the article: page through the open article, else open this one."""
        shown = self.article_view.article
        current = self.headlines.current_id
        if shown is not None and (current is None or current == shown.id):
            self.article_view.action_page_or_next()
        elif current is not None:
            self.open_article(current)

    async def action_back(self) -> None:  # async, as the App's that it replaces
        if self.focused is self.article_view:
            self.headlines.focus()
        elif self.focused is self.headlines and self._search is not None:
            self.action_end_search()
        elif self.focused is self.headlines:
            self.sidebar.focus()

    # --- search ---------------------------------------------------------------------------

    def action_search(self) -> None:
        """Open the search field (or go back to it), filtering the list as one types."""
        if self._search is None:
            ids = self.headlines.ids if self._view_whole else None  # else listed again
            self._search = Searching(self.view, self.headlines.current_id, ids=ids)
            self.search_bar.input.value = ""
            self.search_bar.add_class("-active")
            self.search_bar.show_scope(self._search.scope())
            self._title_headlines()
        self.search_bar.input.focus()

    def _query_changed(self, text: str) -> None:
        """Run as the field's value changes, within the key's handling: a quick result is
        drawn in the same frame as the typed character (Input.Changed comes a frame later)."""
        if self._search is not None:
            self._start_search(text)

    def _start_search(self, text: str) -> None:
        """Show a query's results: at once when they take a few ms, else from a thread."""
        search = self._search
        assert search is not None
        self.reader.interrupt_reads()  # the query for the previous keystroke is moot
        try:
            query = parse(text, live=True)
        except QueryError as error:
            self.on_search_done(SearchDone(text, None, array("q"), str(error)))
            return
        view = search.base if query.empty else search.view(query)
        # A ranked search scores all its candidates whatever it lists: its best rows first,
        # then all of them from the thread.
        first, seconds = (FIRST_ROWS, QUICK_RANKED_SECONDS) if view.ranked else (None, None)
        ids = self.reader.quick_view_ids(view, seconds or QUICK_SEARCH_SECONDS, first)
        if ids is not None:  # drawn in the same frame as the typed key
            whole = first is None or len(ids) < first
            self.on_search_done(SearchDone(text, view, ids, whole=whole))
            if not whole:  # the rest once these are drawn (the thread would slow the frame)
                self.call_after_refresh(self._run_search, text, view)
            return
        self.search_bar.show_scope(search.scope(-1))
        self._run_search(text, view)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run_search(self, text: str, view: View) -> None:
        """Read a slow query's results in a thread; a newer keystroke interrupts it."""
        try:
            ids = self.reader.view_ids(view, interruptible=True)
        except QueryInterrupted:
            return
        self.post_message(SearchDone(text, view, ids))

    @unless_late
    def on_search_done(self, message: SearchDone) -> None:
        if self._search is None or message.text != self.search_bar.input.value:
            return  # the search ended, or the text changed since
        if message.view is None:
            self.search_bar.show_scope((message.hint or "",), hint=True)
            return
        keep = None
        if self._still_listing(message.view) or self.headlines.has_focus:
            keep = self.headlines.current_id  # the rest of these results, or the reader went
            # to the results before they came: the cursor stays on the article they chose
        self._apply_view(message.view, message.ids, keep, message.whole)

    @on(Input.Submitted, "#query")
    def action_search_results(self) -> None:
        """Enter: go to the results, keeping the search."""
        self.headlines.focus()

    def action_widen_search(self) -> None:
        """Switch between this view's titles and the whole library's full text."""
        if self._search is None:
            return
        self._search.wide = not self._search.wide
        self.search_bar.show_scope(self._search.scope())
        self._title_headlines()
        self._start_search(self.search_bar.input.value)

    def action_end_search(self) -> None:
        """Escape: close the search and put the list back where it was."""
        search = self._close_search()
        if search is None:
            return
        if search.ids is None:
            self.show_view(search.base, keep=search.keep)
        else:
            self._apply_view(search.base, search.ids, search.keep, True)
        self.headlines.focus()

    def _close_search(self) -> Searching | None:
        search, self._search = self._search, None
        if search is not None:
            self.search_bar.remove_class("-active")
            self.search_bar.input.value = ""
        return search

    def action_save_search(self) -> None:
        """Keep the current query as a sidebar entry."""
        if self._search is None:
            return
        try:
            query = parse(self.search_bar.input.value, live=True)
        except QueryError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        if query.empty:
            self.notify("Type a query first, then save it.", severity="warning")
            return
        source_id = self._search.base.source_id
        source = self.reader.source(source_id) if source_id is not None else None
        scope = _scope_filters(self._search, source.name if source else None)
        text = " ".join(filter(None, [scope, query.saved_text()]))

        def named(name: str | None) -> None:
            if name:
                with self.saving():
                    self.reader.save_search(name, text)
                    self.load_counts()
                    self.notify(f"Saved search {name!r}: it is in the sidebar.", markup=False)

        self.push_screen(
            NameScreen("Save this search", f"Name for {text!r}:", query.saved_text()), named
        )

    def action_next_unread(self, direction: int) -> None:
        self._list_whole_now()
        ids = self.headlines.ids
        if not ids:
            self.notify("No articles here.")
            return
        shown = self.article_view.article
        start = self.headlines.cursor
        if shown is None or self.headlines.current_id != shown.id:
            start -= direction  # nothing open at the cursor: the cursor's article counts
        found = self._find_unread(start, direction, exclude=shown.id if shown else None)
        if found is None:
            self.notify(f"No unread articles left in {self.view.label}.", markup=False)
            return
        self.headlines.cursor = found
        self.open_article(ids[found])

    def _find_unread(self, start: int, direction: int, exclude: int | None) -> int | None:
        """Position of the next unread article after ``start`` in ``direction``, wrapping once.

        Asks the library in growing chunks, so a long run of read articles stays quick.
        """
        ids = self.headlines.ids
        count = len(ids)
        step, chunk = 1, SEARCH_CHUNK
        while step <= count:
            positions = [
                (start + direction * s) % count for s in range(step, min(step + chunk, count + 1))
            ]
            unread = self.reader.unread_among([ids[p] for p in positions])
            for position in positions:
                if ids[position] in unread and ids[position] != exclude:
                    return position
            step += chunk
            chunk = min(chunk * 2, 20_000)
        return None

    def action_toggle_read(self) -> None:
        article = self._target()
        if article is None:
            return
        with self.saving():
            self.reader.set_read([article.id], not article.read)
            self.headlines.update_row(article.id, read=not article.read)
            self.load_counts()

    def action_star(self) -> None:
        article = self._target()
        if article is None:
            return
        with self.saving():
            self.reader.set_starred(article.id, not article.starred)
            self.headlines.update_row(article.id, starred=not article.starred)
            self.notify("Starred." if not article.starred else "Star removed.", timeout=2)
            self.load_counts()

    def action_mark_all_read(self) -> None:
        """Mark every article here read; asks first when that is more than a screenful."""
        unread = self.reader.count(replace(self.view, unread=True))
        if unread <= ASK_BEFORE_MARKING:
            self._mark_all_read()
            return
        question = f"Mark all {unread:,} unread articles in {self.view.label} read?"
        self.push_screen(
            ConfirmScreen(question), lambda yes: self._mark_all_read() if yes else None
        )

    def _mark_all_read(self) -> None:
        with self.saving():
            changed = self.reader.mark_view_read(self.view)
            self.headlines.mark_all_rows(True)
            self.load_counts()
            self.notify(
                f"Marked {changed} article{'s' if changed != 1 else ''} read in {self.view.label}."
            )

    def _link(self) -> str | None:
        article = self._target()
        link = safe_link(article.link) if article else None
        if link is None:
            self.notify("This article has no web link.", severity="warning")
        return link

    def _open_in_browser(self, address: str) -> None:
        """Open a link with the configured browser command, else the system's; only http(s)
        and mailto links open, whatever the caller found."""
        url = safe_link(address)
        if url is None:
            self.notify(
                f"Not opening {address[:60]!r}: only web and mail links open.",
                severity="warning",
                markup=False,
            )
            return
        open_in_browser(self, self.reader.config.browser, url)

    def action_open_link(self) -> None:
        link = self._link()
        if link:
            self._open_in_browser(link)

    def action_open_numbered(self, number: int) -> None:
        """Open link [number] of the article being read."""
        url = self.article_view.links.get(number)
        if url is None:
            self.notify(f"This article has no link [{number}].", severity="warning", timeout=2)
            return
        self._open_in_browser(url)

    def action_copy_link(self) -> None:
        link = self._link()
        if link:
            self.copy_to_clipboard(link)
            self.notify(f"Copied {link}", markup=False, timeout=3)

    def action_full_article(self) -> None:
        """Fetch the page the article links to and keep its full text."""
        article = self._target()
        if article is None:
            return
        if safe_link(article.link) is None:
            self.notify("This article has no web link.", severity="warning")
            return
        self.article_view.border_subtitle = "fetching the full article…"
        self._fetch_full_text(article.id)

    @work(thread=True, exclusive=True, group="full-text", exit_on_error=False)
    def _fetch_full_text(self, article_id: int) -> None:
        try:
            article = self.reader.full_text(article_id)
        except LibraryError as error:
            self.post_message(FullTextDone(article_id, None, str(error)))
            return
        self.post_message(FullTextDone(article_id, article, None))

    @unless_late
    def on_full_text_done(self, message: FullTextDone) -> None:
        self.article_view.border_subtitle = ""
        if message.article is None:
            self._failed(message.error or "", timeout=8)
            return
        shown = self.article_view.article
        if shown is not None and shown.id == message.article_id:
            self.article_view.show(message.article)
        self.notify("Full article kept: it reads offline from now on.", timeout=4)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_groups()))

    def action_problems(self) -> None:
        self.push_screen(ProblemsScreen(self.reader.problems()))

    def action_refresh_here(self) -> None:
        """Refresh the sources of this view; in All/Unread/Starred, the current article's."""
        if self.view.source_id is not None or self.view.section is not None:
            ids = self._view_source_ids()
        else:
            article = self._target()
            ids = [article.source_id] if article else []
        self.refresh_sources(ids or None)

    def action_add_source(self) -> None:
        def chosen(answer: tuple[str, str | None] | None) -> None:
            if answer:
                self.sidebar.border_subtitle = "adding…"
                self.add_source(*answer)

        self.push_screen(AddSourceScreen(), chosen)

    def action_remove_source(self) -> None:
        if self.view.search_id is not None and self._search is None:
            self._remove_saved_search(self.view)
            return
        ids = self._view_source_ids()
        if len(ids) != 1:
            article = self._target()
            ids = [article.source_id] if article and article.source_id in ids else []
        source = self.reader.source(ids[0]) if ids else None
        if source is None:
            self.notify("Choose a source (or one of its articles) to remove.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                with self.saving():
                    self.reader.remove_source(source.id)
                    self.notify(f"Removed {source.name}.", markup=False)
                    self.sidebar.select_view(ALL, quiet=True)
                    self.show_view(ALL)
                    self.article_view.show(None)
                    self.load_counts()

        question = f"Remove {source.name} ({source.location}) and its {source.articles} articles?"
        self.push_screen(ConfirmScreen(question), answered)

    def _remove_saved_search(self, view: View) -> None:
        def answered(yes: bool | None) -> None:
            if yes and view.search_id is not None:
                with self.saving():
                    self.reader.remove_search(view.search_id)
                    self.notify(f"Removed the saved search {view.label!r}.", markup=False)
                    self.sidebar.select_view(ALL, quiet=True)
                    self.show_view(ALL)
                    self.load_counts()

        self.push_screen(ConfirmScreen(f"Remove the saved search {view.label!r}?"), answered)

    def action_refresh_all(self) -> None:
        self.refresh_sources(None)

    # --- keys and palette -----------------------------------------------------------------

    def _all_bindings(self) -> Iterable[Binding]:
        for _title, bindings in self._key_scopes():
            yield from bindings

    def _key_scopes(self) -> list[Scope]:
        """Each pane's bindings with their title; the app's, in reach everywhere, first."""
        return [
            (title, [b for b in owner.BINDINGS if isinstance(b, Binding)])
            for title, owner in (
                ("Everywhere", NewsApp),
                ("Sections", Sidebar),
                ("Headlines", HeadlineList),
                ("Article", ArticleView),
                ("Search field", SearchBar),
            )
        ]

    def key_groups(self) -> list[tuple[str, list[tuple[str, str, str]]]]:
        """Every key with its description and id, grouped by pane, as currently bound."""
        keymap = self.reader.config.keys
        groups = []
        for title, bindings in self._key_scopes():
            rows = []
            for binding in bindings:
                if not binding.description:
                    continue
                keys = keymap.get(binding.id or "", binding.key)
                shown = " ".join(
                    self.get_key_display(binding.with_key(k.strip())) for k in keys.split(",")
                )
                rows.append((shown, binding.description, binding.id or ""))
            groups.append((title, rows))
        groups[0][1].append(("1 … 9", "Open link [n] of the article", "link_1 … link_9"))
        groups[0][1].append(("ctrl+p", "Command palette (actions, themes)", ""))
        groups[4][1].insert(0, ("enter", "Go to the results", ""))
        return groups

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Next unread", "Open the next unread article", lambda: self.action_next_unread(1)
        )
        yield SystemCommand(
            "Mark all read", "Mark every article in this list read", self.action_mark_all_read
        )
        yield SystemCommand(
            "Toggle read", "Mark the current article read or unread", self.action_toggle_read
        )
        yield SystemCommand("Star", "Star or unstar the current article", self.action_star)
        yield SystemCommand(
            "Open link", "Open the article's link in the browser", self.action_open_link
        )
        yield SystemCommand("Copy link", "Copy the article's link", self.action_copy_link)
        yield SystemCommand(
            "Full article", "Fetch the article's page and keep its text", self.action_full_article
        )
        yield SystemCommand(
            "Refresh all", "Fetch every feed and rescan every folder", self.action_refresh_all
        )
        yield SystemCommand(
            "Add source", "Subscribe to a feed or add a folder", self.action_add_source
        )
        yield SystemCommand(
            "Remove source", "Remove this source and its articles", self.action_remove_source
        )
        yield SystemCommand(
            "Problems", "Files and sources that could not be read", self.action_problems
        )
        yield SystemCommand("Search", "Filter the headlines as you type", self.action_search)
        yield SystemCommand("Help", "Every key", self.action_help)
        for node in self.sidebar.root.children:
            if node.data is not None:
                view = node.data
                yield SystemCommand(
                    f"Go to {escape(view.label)}",  # the palette reads its titles as markup
                    "Show this section's headlines",
                    lambda v=view: self._go_to(v),
                )

    def _go_to(self, view: View) -> None:
        self.sidebar.select_view(view, quiet=True)
        self.show_view(view)
        self.headlines.focus()

    # --- background work ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        """Count unread articles per section in a thread; the sidebar updates when done."""
        sections, totals = self.reader.section_counts()
        self.post_message(CountsLoaded(sections, totals, self.reader.saved_searches()))

    @unless_late
    def on_counts_loaded(self, message: CountsLoaded) -> None:
        self._sections = message.sections
        self.sidebar.update_counts(message.sections, message.totals, message.searches)
        self._title_headlines()

    @property
    def _refreshing(self) -> bool:
        return any(w.group == "refresh" and not w.is_finished for w in self.workers)

    def _refresh_due(self) -> None:
        """Refresh the sources whose interval has passed (each may have its own)."""
        if self._refreshing:
            return
        due = self.reader.due()
        if due:
            self.refresh_sources(due)

    def refresh_sources(self, source_ids: list[int] | None) -> None:
        """Refresh sources in the background, unless a refresh is already running."""
        if self._refreshing:
            self.notify("Already refreshing.", timeout=2)
            return
        self.sidebar.border_subtitle = "refreshing…"
        self._refresh_in_thread(source_ids)

    @work(thread=True, group="refresh", exit_on_error=False)
    def _refresh_in_thread(self, source_ids: list[int] | None) -> None:
        """Fetch and rescan in a thread, reporting progress; the app keeps working meanwhile."""

        def progress(done: int, total: int, source: object) -> None:
            self.post_message(RefreshProgress(done, total, getattr(source, "name", "")))

        try:
            report = self.reader.refresh(source_ids, progress)
        except LibraryError as error:
            self.post_message(RefreshDone(RefreshReport(), str(error)))
            return
        self.post_message(RefreshDone(report))

    @work(thread=True, group="add", exit_on_error=False)  # each one added is reported
    def add_source(self, location: str, section: str | None) -> None:
        """Subscribe in a thread (a site's address may need two fetches)."""
        try:
            source, report = self.reader.add(location, section)
        except LibraryError as error:
            self.post_message(SourceAdded(None, RefreshReport(), str(error)))
            return
        self.post_message(SourceAdded(source, report, None))

    @unless_late
    def on_source_added(self, message: SourceAdded) -> None:
        self.sidebar.border_subtitle = ""
        if self._search is not None:
            self._search.ids = None  # the list to go back to has changed
        if message.source is None:
            self._failed(message.error or "could not add that.", timeout=8)
            return
        count = message.report.added
        self.notify(
            f"Added {message.source.name}: {count} article{'s' if count != 1 else ''}.",
            markup=False,
        )
        self.show_view(self.view, keep=self.headlines.current_id)
        self.load_counts()

    @unless_late
    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self.sidebar.border_subtitle = f"refreshing {message.done}/{message.total}…"

    @unless_late
    def on_refresh_done(self, message: RefreshDone) -> None:
        report = message.report
        if self._search is not None:
            self._search.ids = None  # the list to go back to has changed
        self.sidebar.border_subtitle = ""
        self.show_view(self.view, keep=self.headlines.current_id)
        self.load_counts()
        if message.error:
            self._failed(message.error)
        parts = []
        if report.added:
            parts.append(f"{report.added} new article{'s' if report.added != 1 else ''}")
        if report.updated:
            parts.append(f"{report.updated} changed")
        if report.removed:
            parts.append(f"{report.removed} removed")
        if parts:
            self.notify(", ".join(parts) + ".", timeout=4)
        for name, reason in report.failed.items():
            self.notify(f"{name}: {reason}", severity="error", markup=False, timeout=8)
        if report.problems:
            count = len(report.problems)
            self.notify(
                f"{count} file{'s' if count != 1 else ''} skipped: press ! to see why.",
                severity="warning",
                timeout=6,
            )

    @unless_late
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.sidebar.border_subtitle = ""
            error = event.worker.error
            self.notify(
                f"{type(error).__name__}: {error}", severity="error", markup=False, timeout=8
            )


def _scope_filters(search: Searching, source_name: str | None) -> str:
    """The filters that keep a saved search within the view it was typed in."""
    base = search.base
    if search.wide:
        return ""
    if base.query is not None:  # within a saved search: its own query
        return base.query.text
    parts = []
    if base.section is not None:
        parts.append("section:" + _quoted(base.section))
    if source_name is not None:
        parts.append("source:" + _quoted(source_name))
    if base.unread:
        parts.append("is:unread")
    if base.starred:
        parts.append("is:starred")
    return " ".join(parts)


def _quoted(value: str) -> str:
    """A filter value in quotes (quotes inside it dropped)."""
    return '"' + value.replace('"', "") + '"'
