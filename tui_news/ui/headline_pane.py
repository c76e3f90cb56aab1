"""The headline pane: the search field over the headline list, and the state of both (which
view is listed, whether all of it yet, and the search in progress)."""

from __future__ import annotations

from array import array
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker

from tui_news.core.errors import QueryInterrupted
from tui_news.core.models import SectionCount, View
from tui_news.core.reader import RANK_CANDIDATES, Reader, search_view
from tui_news.core.search import Query, QueryError, parse, quote
from tui_news.ui.commands import SEARCH_FIELD
from tui_news.ui.headlines import HeadlineList
from tui_news.ui.messages import SearchDone, ViewLoaded, report_failed_worker, unless_late
from tui_news.ui.search_bar import SearchBar
from tui_news.ui.sidebar import ALL
from tui_news.ui.typeahead import TypeAhead

FIRST_ROWS = 1000  # a larger view shows its first rows at once and the rest from a thread
QUICK_SEARCH_SECONDS = 0.035  # a filter's first rows read by then are drawn in the key's frame
QUICK_RANKED_SECONDS = 0.06  # the same for the best results of a whole-library search
UNREAD_CHUNK = 200  # ids asked about at once when looking for the next unread article
SEARCH_ACTIONS = frozenset(c.action for c in SEARCH_FIELD.commands)  # only while searching


@dataclass
class Searching:
    """A search in progress: the view it narrows, where the list was, and its reach."""

    base: View
    keep: int | None
    wide: bool = False
    ids: array[int] | None = None  # the base view's list, to put back at once
    upto: int | None = None  # ... and the newest article id when it was read (see M)
    reading: int | None = None  # the row an article was last opened from (or a version of)

    def view(self, query: Query) -> View:
        """The view that shows ``query``'s results."""
        if self.wide:
            return search_view(query, "Whole library")
        if self.base.query is not None:  # within a saved search: its words and these, anywhere
            return replace(self.base, query=self.base.query.combined(query))
        return replace(self.base, query=query, titles=True)

    def scope(self, found: int | None = None, capped: bool = False) -> tuple[str, ...]:
        """How many match (-1: still counting; ``capped``: the best among the newest
        :data:`RANK_CANDIDATES` of more), what the field searches, and the key to widen or
        narrow it: the note beside the field, most important first."""
        if found is None:
            parts: tuple[str, ...] = ()
        elif found < 0:
            parts = ("searching…",)
        elif capped:  # ranked searches score that many
            parts = (f"best {found:,} of the {RANK_CANDIDATES:,} newest matches",)
        else:
            parts = (f"{found:,} match{'es' if found != 1 else ''}",)
        if self.wide:
            return (*parts, "whole library, best first", f"ctrl+l: {self.base.label} only")
        what = "titles" if self.base.query is None else "titles and text"
        return (*parts, f"{what} in {self.base.label}", "ctrl+l: whole library")

    def filters(self, source_name: str | None) -> str:
        """The filters that keep a saved search within the view it was typed in."""
        base = self.base
        if self.wide:
            return ""
        if base.query is not None:  # within a saved search: its own query
            return base.query.text
        parts = []
        if base.section is not None:
            parts.append("section:" + quote(base.section))
        if source_name is not None:
            parts.append("source:" + quote(source_name))
        if base.unread:
            parts.append("is:unread")
        if base.starred:
            parts.append("is:starred")
        return " ".join(parts)


class HeadlinePane(Vertical):
    """Lists a view's articles (its first rows at once, the rest from a thread) and filters
    them as one types in the search field; says what it shows in its border."""

    BINDINGS = SEARCH_FIELD.bindings()

    @dataclass
    class Listed(Message):
        """The headline list now holds ``count`` articles of ``view``: all of them
        (``whole``), or its first rows with the rest to come."""

        view: View
        count: int
        whole: bool

    @dataclass
    class SearchEnded(Message):
        """The search closed and the list is put back; ``lost``: without the row the article
        being read was opened from (its cursor is elsewhere)."""

        lost: bool

    @dataclass
    class SaveSearch(Message):
        """The reader asked to keep ``text`` (the query with its scope) as a saved search;
        ``name`` is the name to offer."""

        text: str
        name: str

    def __init__(self, reader: Reader, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.reader = reader
        self.view: View = ALL  # the view chosen (its listing may still be on its way)
        self._listed: View | None = None  # the view whose articles the list holds
        self._whole = True  # False while a large view shows only its first rows
        self.listed_upto: int | None = None  # the newest article id when the list was read
        self._search: Searching | None = None
        self._searched: View | None = None  # the view of the last query typed
        self._sections: list[SectionCount] = []
        self._reads: ThreadPoolExecutor | None = None  # a query's first rows (see _start_search)

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        yield HeadlineList(self.reader, id="headlines")

    def on_mount(self) -> None:
        self.watch(self.search_bar.input, "value", self._query_changed, init=False)

    def on_unmount(self) -> None:
        if self._reads is not None:
            self.reader.interrupt_reads()
            self._reads.shutdown(wait=False, cancel_futures=True)

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def listed(self) -> View | None:
        """The view whose articles the headline list holds."""
        return self._listed

    @property
    def searching(self) -> bool:
        """True while the search field is open."""
        return self._search is not None

    # --- listing --------------------------------------------------------------------------

    def show_view(self, view: View, keep: int | None = None) -> None:
        """Fill the headline list with a view's articles: its first rows at once, and the
        rest of a large view (a million articles take a second to list) from a thread."""
        self.workers.cancel_group(self, "view")  # the list is filled here
        ids, whole = self._first_rows(view)
        self._list(view, ids, keep, whole)
        if not whole:
            self._list_rest(view, keep)

    def load_view(self, view: View, keep: int | None = None) -> None:
        """Choose ``view`` as the sidebar's cursor moves to it. A plain view's first rows are
        listed at once (1-2 ms at 100,000 articles), to be drawn in the same frame as the
        cursor; Top stories and saved searches, which may take longer, have all their ids
        read in a thread (the first rows, then all), so that moving never waits on them. What
        an earlier listing reads is dropped (the worker is exclusive: a new one cancels the
        last)."""
        if view.query is None and not view.top:
            self.show_view(view, keep)
            return
        self.view = view
        self._list_in_thread(view, keep, first=True)

    def list_again(self) -> None:
        """The library changed: list the view again, the cursor where it was."""
        if self._search is not None:
            self._search.ids = None  # the list to go back to has changed
        self.show_view(self.view, keep=self.headlines.current_id)

    def list_whole(self) -> None:
        """List all of a view that is still listing, at once (``n`` must see every row)."""
        if not self._whole:
            self.workers.cancel_group(self, "view")  # the thread's list is not needed
            ids = self.reader.view_ids(self.view)
            self._list(self.view, ids, self.headlines.current_id, True)

    def next_unread(self, direction: int, shown: int | None, from_end: bool = False) -> int | None:
        """Put the cursor on the next unread article in ``direction`` (wrapping once) and
        return its id. ``shown`` is the article being read: it is passed over, and when it is
        not under the cursor, the cursor's article counts as the next. ``from_end``: from the
        list's end that ``direction`` starts at (its last row, going back), not the cursor.

        Asks the library in growing chunks, so a long run of read articles stays quick.
        """
        self.list_whole()
        headlines = self.headlines
        ids, count = headlines.ids, len(headlines.ids)
        start = headlines.cursor
        if from_end:
            start = -1 if direction > 0 else count
        elif shown is None or headlines.current_id != shown:
            start -= direction  # nothing open at the cursor: the cursor's article counts
        step, chunk = 1, UNREAD_CHUNK
        while step <= count:
            positions = [
                (start + direction * s) % count for s in range(step, min(step + chunk, count + 1))
            ]
            unread = self.reader.unread_among([ids[p] for p in positions])
            for position in positions:
                if ids[position] in unread and ids[position] != shown:
                    headlines.cursor = position
                    return ids[position]
            step += chunk
            chunk = min(chunk * 2, 20_000)
        return None

    def _first_rows(self, view: View) -> tuple[array[int], bool]:
        """A view's first FIRST_ROWS ids, and whether they are all of it."""
        ids = self.reader.view_ids(view, limit=FIRST_ROWS)
        return ids, len(ids) < FIRST_ROWS

    def _list_rest(self, view: View, keep: int | None) -> None:
        """Read all of a view listed from its first rows, in a thread, once they are drawn
        (the thread would slow their frame), unless another view or listing came since."""

        def rest() -> None:
            if self.view == view and self._still_listing(view):
                self._list_in_thread(view, keep, first=False)

        self.call_after_refresh(rest)

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def _list_in_thread(self, view: View, keep: int | None, first: bool) -> None:
        if first:
            ids, whole = self._first_rows(view)
            self.post_message(ViewLoaded(view, ids, keep, whole=whole))
        else:
            self.post_message(ViewLoaded(view, self.reader.view_ids(view), keep))

    @unless_late  # also when the view was listed again since
    def on_view_loaded(self, message: ViewLoaded) -> None:
        if message.view != self.view:
            return  # the sidebar moved on
        keep = message.keep
        if self._still_listing(message.view) and (keep is None or keep in self.headlines.ids):
            keep = self.headlines.current_id  # where the reader is in the first rows
        self._list(message.view, message.ids, keep, message.whole)
        if not message.whole:
            self._list_rest(message.view, message.keep)

    def _still_listing(self, view: View) -> bool:
        """True if the headline list shows the first rows of ``view``, the rest to come."""
        return not self._whole and self._listed == view

    def _list(
        self,
        view: View,
        ids: array[int],
        keep: int | None,
        whole: bool,
        capped: bool = False,
        upto: int | None = None,
    ) -> None:
        """Show ``ids`` as ``view``'s list; ``upto``: the newest article id when they were read
        (a list put back keeps its own), else now."""
        self.view = self._listed = view
        self._whole = whole
        # M marks what the list holds, not what another process (a sync from cron, say) has
        # stored since: those articles come later (within the moment it took to read these)
        self.listed_upto = self.reader.newest_id() if upto is None else upto
        headlines = self.headlines
        if view.query is not None:
            headlines.empty_text = "Nothing matches."
        elif view == ALL and not ids and not self.reader.has_sources():
            headlines.empty_text = "No sources yet: press a to add a feed or a folder"
        else:
            headlines.empty_text = "No articles here."
        headlines.highlight = view.query.include if view.query is not None else ()
        headlines.show_ids(ids, keep=keep)
        if self._search is not None:  # a count while there is a query; none once cleared
            found = None if view.query is None else len(ids) if whole else -1
            self.search_bar.show_scope(self._search.scope(found, capped))
        self._retitle()
        self.post_message(self.Listed(view, len(ids), whole))

    @unless_late
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)

    # --- the border -----------------------------------------------------------------------

    def show_sections(self, sections: list[SectionCount]) -> None:
        """Fresh sections and their sources: the border names the failing ones here."""
        self._sections = sections
        self._retitle()

    def source_ids(self) -> list[int]:
        """The sources the current view draws from (all of them for All, Unread, Starred)."""
        if self.view.source_id is not None:
            return [self.view.source_id]
        sections = self._sections
        if self.view.section is not None:
            sections = [s for s in sections if s.name == self.view.section]
        return [src.id for s in sections for src in s.sources]

    def _retitle(self) -> None:
        ids = set(self.source_ids())
        single = len(ids) == 1  # one source: its name on every row says nothing
        if self.headlines.show_source == single:
            self.headlines.show_source = not single
            self.headlines.refresh()
        if self._search is not None:  # the count is beside the field, which costs less to draw
            label = "Whole library" if self._search.wide else self._search.base.label
            title = f"{label} · search"
        else:
            more = "" if self._whole else "+"
            title = f"{self.view.label} · {len(self.headlines.ids):,}{more}"
        if (shown := Content(title)).markup != self.border_title:
            self.border_title = shown  # Content: names are shown, never read as markup
        failing = {  # the sections carry each source's last error: no query per listing
            src.id: (src.name, src.error)
            for section in self._sections
            for src in section.sources
            if src.error and src.id in ids
        }
        reasons = {error for _, error in failing.values()}
        if len(failing) > 1 and len(reasons) == 1:  # one cause (a sync account's server down)
            subtitle = f"⚠ {len(failing)} sources failed: {reasons.pop()}"
        elif len(failing) > 1:
            subtitle = f"⚠ {len(failing)} sources failed (! shows why)"
        else:
            subtitle = "".join(f"⚠ {name}: {error}" for name, error in failing.values())
        if (shown := Content(subtitle)).markup != self.border_subtitle:
            self.border_subtitle = shown

    # --- search ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The search keys work (and show) only while searching: else they pass on."""
        return self._search is not None or action not in SEARCH_ACTIONS

    def action_search(self) -> None:
        """Open the search field (or go back to it), filtering the list as one types."""
        if self._search is None:
            ids = self.headlines.ids if self._whole else None  # else listed again
            self._search = Searching(
                self.view, self.headlines.current_id, ids=ids, upto=self.listed_upto
            )
            self.search_bar.input.value = ""
            self.search_bar.add_class("-active")
            self.search_bar.show_scope(self._search.scope())
            self._retitle()
            self.refresh_bindings()
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
            self._searched = None
            self.on_search_done(SearchDone(text, None, array("q"), str(error)))
            return
        view = self._searched = search.base if query.empty else search.view(query)
        # Its first rows in the same frame as the typed key, the rest from a thread once they
        # are drawn. A filter's first rows are read in the list's order, each article checked
        # against the matches: a few ms whether it matches most of the view (a word's first
        # letter: listing all its matches first took 80-90 ms at 100,000) or few of it. A
        # ranked search scores all its candidates whatever it lists. They are read in a thread
        # of their own and waited for a moment: read by then, they are drawn at once, else
        # when they come. (Given up on and read again from scratch in another thread, a first
        # letter that took 40 ms on a busy machine cost its key 75-95 ms.)
        seconds = QUICK_RANKED_SECONDS if view.ranked else QUICK_SEARCH_SECONDS
        if self._reads is None:
            self._reads = ThreadPoolExecutor(1, thread_name_prefix="tui-news-search")
        reading = self._reads.submit(self._first_found, view, self.reader.interruptions)
        try:
            ids = reading.result(timeout=seconds)
        except QueryInterrupted:
            return
        except Exception:  # not read yet (or failed: the worker waiting for it says why)
            self.search_bar.show_scope(search.scope(-1))
            self._await_first(text, view, reading)
            return
        self.on_search_done(SearchDone(text, view, ids, whole=len(ids) < FIRST_ROWS))

    def _first_found(self, view: View, asked: int) -> array[int]:
        """A query's first rows (in the search thread): read in the list's order unless the
        search is ranked; a newer keystroke or escape interrupts it (``asked``)."""
        return self.reader.view_ids(
            view, FIRST_ROWS, interruptible=True, asked=asked, in_order=not view.ranked
        )

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _await_first(self, text: str, view: View, reading: Future[array[int]]) -> None:
        """Wait for first rows that came too late for their key's frame, and send them to be
        drawn (a newer keystroke or escape interrupts their reading, and this waiting is
        dropped by the next search's)."""
        try:
            ids = reading.result()
        except QueryInterrupted:
            return
        self.post_message(SearchDone(text, view, ids, whole=len(ids) < FIRST_ROWS))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run_search(self, text: str, view: View, asked: int) -> None:
        """Read all of a query's results in a thread, once its first rows are drawn; a newer
        keystroke or escape interrupts it, even before it begins (``asked``)."""
        try:
            ids = self.reader.view_ids(view, interruptible=True, asked=asked)
            # asked here, of results too many to come whole at once: a story once, its rows
            # may be far fewer than the matches that were scored
            capped = view.ranked and self.reader.ranked_capped(view, interruptible=True)
        except QueryInterrupted:
            return
        self.post_message(SearchDone(text, view, ids, capped=capped))

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
        self._list(message.view, message.ids, keep, message.whole, message.capped)
        if not message.whole:  # the rest once these are drawn (the thread would slow the frame)
            self.call_after_refresh(self._search_rest, message.text, message.view)

    def _search_rest(self, text: str, view: View) -> None:
        """Read all the results of a search listed from its first rows, unless another
        search began since (its own thread is under way then)."""
        if self._search is not None and self._searched == view:
            self._run_search(text, view, self.reader.interruptions)

    @on(Input.Submitted, "#query")
    def _go_to_results(self) -> None:
        """Enter: go to the results, keeping the search."""
        self.headlines.focus()

    def key_description(self, action: str) -> str | None:
        """What the footer says of a key whose effect changes: ``ctrl+l`` goes back to the
        view searched once it has widened the search (see KeyFooter)."""
        if action == "widen_search" and self._search is not None and self._search.wide:
            return f"{self._search.base.label} only"
        return None

    def action_widen_search(self) -> None:
        """Switch between this view's titles and the whole library's full text."""
        if self._search is None:
            return
        self._search.wide = not self._search.wide
        self.search_bar.show_scope(self._search.scope())
        self._retitle()
        self._start_search(self.search_bar.input.value)
        self.refresh_bindings()  # the footer says where ctrl+l goes now

    def opened(self) -> None:
        """An article was opened (from the cursor's row, or a version of its story): while
        searching, the list put back keeps that row in sight."""
        if self._search is not None:
            self._search.reading = self.headlines.current_id

    def action_end_search(self) -> None:
        """Escape: close the search and put the list back where it was, or on the article
        opened from the results if the list holds its row (what is read stays what ``s`` and
        ``m`` act on)."""
        search = self.close_search()
        if search is None:
            return
        keep, lost = search.keep, False
        if search.reading is not None:
            if search.ids is None or search.reading in search.ids:
                keep = search.reading
            else:
                lost = True
        if search.ids is None:
            self.show_view(search.base, keep=keep)
        else:
            self._list(search.base, search.ids, keep, True, upto=search.upto)
        self.headlines.focus()
        self.post_message(self.SearchEnded(lost))

    def close_search(self) -> Searching | None:
        """Close the search field, leaving the list as it is; the search it ended. A query
        still being read is stopped (its results are moot)."""
        search, self._search = self._search, None
        if search is not None:
            self.workers.cancel_group(self, "search")
            self.reader.interrupt_reads()
            self.search_bar.remove_class("-active")
            self.search_bar.input.value = ""
            self.refresh_bindings()
        return search

    def _no_name_asked(self) -> None:
        """Keys held for the name field that ctrl+s did not open go on (see TypeAhead)."""
        if isinstance(self.app, TypeAhead):
            self.app.field_not_opened()

    def action_save_search(self) -> None:
        """Ask to keep the current query, within this view, as a sidebar entry."""
        if self._search is None:
            return
        try:
            query = parse(self.search_bar.input.value, live=True)
        except QueryError as error:
            self.notify(str(error), severity="warning", markup=False)
            self._no_name_asked()
            return
        if query.empty:
            self.notify("Type a query first, then save it.", severity="warning")
            self._no_name_asked()
            return
        source_id = self._search.base.source_id
        source = self.reader.source(source_id) if source_id is not None else None
        scope = self._search.filters(source.name if source else None)
        text = " ".join(filter(None, [scope, query.saved_text()]))
        offered = " ".join(word.rstrip("*") for word in query.saved_text().split())
        self.post_message(self.SaveSearch(text, offered))  # a name without the typed prefix's *
