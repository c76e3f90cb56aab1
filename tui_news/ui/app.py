"""The Textual app: three panes (sections, headlines, article), keys, palette and workers."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from importlib.resources import files

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.markup import escape
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Tree
from textual.worker import Worker

from tui_news.core.errors import LibraryError
from tui_news.core.models import Article, Problem, RefreshReport, View
from tui_news.core.reader import Reader
from tui_news.core.text import counted
from tui_news.ui import story_versions
from tui_news.ui.article import ArticleView
from tui_news.ui.collector import CHECK_SECONDS, Collector
from tui_news.ui.commands import (
    EVERYWHERE,
    GROUPS,
    field_openers,
    palette_commands,
)
from tui_news.ui.config_actions import FEW_COLOURS_THEME, ConfigActions
from tui_news.ui.graphics_draw import HALF_BLOCKS, Graphics, PictureDrawer, drawn_with_protocol
from tui_news.ui.headline_pane import HeadlinePane
from tui_news.ui.headlines import HeadlineList
from tui_news.ui.key_footer import KeyFooter
from tui_news.ui.link_actions import LinkActions
from tui_news.ui.messages import (
    CountsLoaded,
    PictureFailed,
    RefreshDone,
    RefreshProgress,
    failed,
    report_failed_worker,
    unless_late,
)
from tui_news.ui.notices import refresh_notices
from tui_news.ui.screens import (
    ConfirmScreen,
    HelpScreen,
    NameScreen,
    ProblemsScreen,
)
from tui_news.ui.search_bar import SearchBar
from tui_news.ui.sidebar import ALL, Sidebar, next_unread_section
from tui_news.ui.source_actions import SourceActions
from tui_news.ui.typeahead import TypeAhead
from tui_news.ui.workers import WORK_THREADS, Unwaited

ASK_BEFORE_MARKING = 50  # M asks first when the list holds more unread headlines than this
PICTURE_PROBLEMS = 200  # pictures not shown this session, kept for the problems screen


class MainScreen(Screen[None]):
    """The screen of the three panes. Textual's Screen repaints all of itself when the focus
    moves (a whole frame, ~20-40 ms); the widgets the move restyles (the panes' borders, the
    footer's keys) repaint themselves, so this one does not."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class NewsApp(ConfigActions, SourceActions, LinkActions, TypeAhead):
    """The reader. Every change goes through :class:`Reader`; slow work runs in workers."""

    CSS_PATH = str(files("tui_news.styles").joinpath("app.tcss"))
    OPENS_FIELD = field_openers()  # see TypeAhead
    TITLE = "tui-news"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = EVERYWHERE.bindings()
    # The layout by width (styles/app.tcss): three panes side by side from 150 columns; below,
    # the article goes under the headlines and shows only while one is open; below 60, the
    # sections step aside until escape calls them.
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (60, "-narrow"), (150, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]  # dialogs close up when short

    def __init__(self, reader: Reader, graphics: Graphics = HALF_BLOCKS) -> None:
        super().__init__()
        self.reader = reader
        self.graphics = graphics  # the terminal's, found before the app started
        # pictures drawn with kitty's graphics protocol or Sixel, after each frame
        self.picture_drawer = (
            PictureDrawer(graphics, self._write_to_terminal)
            if drawn_with_protocol(graphics)
            else None
        )
        self._saved_theme = reader.config.theme
        self.register_theme(FEW_COLOURS_THEME)
        self.picture_problems: deque[Problem] = deque(maxlen=PICTURE_PROBLEMS)
        self.config_problems: list[Problem] = []  # what the config file holds that is not used
        self._quiet_since = 0.0  # with refresh_on_start off: when the reader opened
        # The list's row the open article is read from: its own, or for another outlet's
        # version (v), its story's row, which the cursor stays on.
        self.reading_row: int | None = None
        self.collector = Collector()

    def _display(self, screen: Screen[object], renderable: object) -> None:
        """Textual writes a frame; then the pictures drawn by a protocol are written over it."""
        super()._display(screen, renderable)  # type: ignore[arg-type]
        self.collector.frame()
        drawer = self.picture_drawer
        if drawer is not None and renderable is not None and not self._batch_count:
            drawer.after_frame(screen, renderable)

    def _write_to_terminal(self, data: str) -> None:
        if self._driver is not None and not self.is_headless:
            self._driver.write(data)

    def on_unmount(self) -> None:
        self.collector.stop()  # what the app left may be collected (another app may start)
        if self.picture_drawer is not None:
            self.picture_drawer.close()  # kitty: the pictures' images freed

    # --- layout ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Sidebar(
                top=self.reader.stories.grouped, moved=self._section_highlighted, id="sidebar"
            )
            with Container(id="reading"):  # side by side, or stacked when narrow
                yield HeadlinePane(self.reader, id="list-pane")
                yield ArticleView(id="article")
        yield KeyFooter()

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def headline_pane(self) -> HeadlinePane:
        return self.query_one(HeadlinePane)

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def view(self) -> View:
        """The view chosen in the sidebar, or the search narrowing it."""
        return self.headline_pane.view

    def on_mount(self) -> None:
        # Thread workers run on the loop's default executor, which asyncio joins when the app
        # ends: a refresh waiting on a slow server held q for as long as the server took.
        asyncio.get_running_loop().set_default_executor(Unwaited(thread_name_prefix=WORK_THREADS))
        self._apply_config()
        self.sidebar.border_title = "Sections"
        self.article_view.border_title = "Article"
        self.show_view(ALL)
        self.headlines.focus()
        self.load_counts()
        # What is alive once the app is up is frozen out of the cyclic collector's reach, and
        # its full collections are made when the screen is still (see ui/collector.py)
        self.call_after_refresh(self.collector.start)
        self.set_interval(CHECK_SECONDS, self.collector.check, name="collector")
        if self.reader.config.refresh_on_start and not self.reader.temporary:
            self.refresh_sources(None)
        else:  # refresh_on_start = false: the first comes an interval after opening
            self._quiet_since = time.time()
        every = self.reader.check_seconds()
        if every is not None and not self.reader.temporary:
            self.set_interval(every, self._refresh_due, name="auto-refresh")

    # --- views and articles ---------------------------------------------------------------

    def show_view(self, view: View, keep: int | None = None) -> None:
        """Fill the headline list with a view's articles (see :class:`HeadlinePane`)."""
        self.headline_pane.show_view(view, keep)

    def go_to(self, view: View) -> None:
        """Show a view, as choosing it in the sidebar does."""
        self.headline_pane.close_search()
        self.sidebar.select_view(view, quiet=True)
        self.show_view(view)
        self.headlines.focus()

    def _section_highlighted(self, view: View) -> None:
        """The sidebar's cursor moved to ``view`` (called in the key's handling)."""
        if view != self.view:
            self.headline_pane.close_search()
            self.headline_pane.load_view(view)

    @on(Tree.NodeSelected, "#sidebar")
    def _section_selected(self, event: Tree.NodeSelected[View]) -> None:
        if event.node.data is not None and event.node.data != self.view:
            self.headline_pane.close_search()
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
            failed(self, str(error))

    def open_article(self, article_id: int, row: int | None = None) -> Article | None:
        """Show an article and mark it read; ``row``: the list's row it is read from (another
        outlet's version of that row's story), else its own."""
        article = self.reader.article(article_id)
        if article is None:
            self.notify("That article is gone; refreshing the list.", severity="warning")
            self.show_view(self.view)
            return None
        if not article.read:
            with self.saving():
                for marked in self.reader.set_read([article.id], True, stories=True):
                    self.headlines.update_row(marked, read=True)
                article.read = True
                self.load_counts()
        self.headlines.move_to(article.id if row is None else row)
        self.reading_row = self.headlines.current_id
        self.headline_pane.opened()
        self.article_view.show(article, story_versions.header(self, article.id))
        return article

    def _target(self) -> Article | None:
        """The article an action applies to: the one being read, else the one under the cursor."""
        shown = self.article_view.article
        if shown is not None and (
            self.focused is self.article_view or self.headlines.current_id == self.reading_row
        ):
            return self.reader.article(shown.id)
        current = self.headlines.current_id
        return self.reader.article(current) if current is not None else None

    # --- actions --------------------------------------------------------------------------

    def action_read_on(self) -> None:
        """Space outside the article: page through the open article, else open this one."""
        shown = self.article_view.article
        current = self.headlines.current_id
        if shown is not None and (current is None or current == self.reading_row):
            self.article_view.action_page_or_next()
        elif current is not None:
            self.open_article(current)

    def action_read_back(self) -> None:
        """b outside the article: page the open article back up, as space pages it down."""
        if self.article_view.article is not None:
            self.article_view.action_page(-1)

    async def action_back(self) -> None:  # async, as the App's that it replaces
        """Back out one step: from the article to the headlines, then close the article (the
        headlines get its room on narrow screens), then to the sections."""
        if self.focused is self.article_view:
            self.headlines.focus()
        elif self.focused is self.headlines and self.article_view.article is not None:
            self.article_view.show(None)
        elif self.focused is self.headlines:
            self.screen.add_class("-sections")  # on a tiny screen they show only while in use
            self.sidebar.focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.screen_stack:  # a focus that comes as the app closes has no screen to mark
            self.screen.set_class(event.widget is self.sidebar, "-sections")

    def action_zoom(self) -> None:
        """Read the article on the whole screen; again (or escape) to go back."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif self.article_view.article is None:
            self.notify("Open an article first (enter), then z reads it on the whole screen.")
        else:
            self.article_view.focus()
            self.screen.maximize(self.article_view, container=False)

    def action_picture(self) -> None:
        """Show the open article's picture nearest the top of its text on the whole screen."""
        self.article_view.action_picture()

    def action_search(self) -> None:
        """Open the search field (or go back to it), filtering the list as one types. Where
        the article stands under the headlines (below 150 columns), it closes: it left the
        results a row or two."""
        narrow = self.screen.has_class("-narrow") or self.screen.has_class("-tiny")
        if narrow and self.article_view.article is not None:
            self.article_view.show(None)
        self.headline_pane.action_search()

    @on(HeadlinePane.SearchEnded)
    def _search_ended(self, event: HeadlinePane.SearchEnded) -> None:
        """An article read from the results whose row the list put back does not hold is
        closed: the cursor is elsewhere, and the keys would act on another article."""
        if event.lost:
            self.article_view.show(None)

    @on(HeadlinePane.SaveSearch)
    def _save_search(self, event: HeadlinePane.SaveSearch) -> None:
        def named(name: str | None) -> None:
            if name:
                with self.saving():
                    self.reader.save_search(name, event.text)
                    self.load_counts()
                    self.notify(f"Saved search {name!r}: it is in the sidebar.", markup=False)

        question = f"Name for {event.text!r}:"
        self.push_screen(NameScreen("Save this search", question, event.name), named)

    def action_next_unread(self, direction: int, *, went_on: bool = False) -> None:
        """Open the next unread article in ``direction``, going round the list's end (and
        saying so), then on to the next section with unread ones. Just gone on to this section
        (``went_on``): its first unread one from the end ``direction`` starts at."""
        shown = self.article_view.article
        before = self.headlines.cursor
        row = self.reading_row if shown else None
        found = self.headline_pane.next_unread(direction, row, from_end=went_on)
        if found is not None:
            if (self.headlines.cursor - before) * direction < 0 and not went_on:  # went round
                where = "below" if direction > 0 else "above"
                back = "back up to the first" if direction > 0 else "down to the last"
                self.notify(
                    f"No unread articles {where} in {self.view.label}: {back} one.",
                    markup=False,
                    timeout=4,
                )
            self.open_article(found)
        elif self._go_on_to_next_section(direction):
            return
        elif not self.headlines.ids:
            self.notify("No articles here.")
        else:
            self.notify(f"No unread articles left in {self.view.label}.", markup=False)

    def _go_on_to_next_section(self, direction: int) -> bool:
        """Past a section's (or one of its sources') last unread article: on to the next
        section, in ``direction``, that has unread ones, as newsboat's ``n`` goes on. Past Top
        stories' or Starred's: on to the first (``p``: the last) section that has."""
        view = self.view
        if view.query is not None or (view.section is None and not (view.top or view.starred)):
            return False
        section = next_unread_section(self.reader.section_counts()[0], view.section, direction)
        if section is None:
            return False
        self.notify(
            f"No unread articles left in {view.label}: on to {section.name}.",
            markup=False,
            timeout=4,
        )
        self.go_to(View(section.name, section=section.name))
        self.action_next_unread(direction, went_on=True)
        return True

    def action_next_version(self, direction: int) -> None:
        """Show another outlet's version of the story being read."""
        story_versions.step(self, direction)

    def action_toggle_read(self) -> None:
        article = self._target()
        if article is None:
            return
        with self.saving():
            for marked in self.reader.set_read([article.id], not article.read, stories=True):
                self.headlines.update_row(marked, read=not article.read)
            self.load_counts()

    def action_star(self) -> None:
        article = self._target()
        if article is None:
            return
        with self.saving():
            self.reader.set_starred(article.id, not article.starred)
            # its row, or its story's (starred while one of its versions is), read again
            rows = {article.id, self.reading_row, self.headlines.current_id}
            for row_id, fresh in self.reader.headlines(i for i in rows if i is not None).items():
                self.headlines.update_row(row_id, starred=fresh.starred)
            said = "Starred" if not article.starred else "Star removed"
            if article.id != self.headlines.current_id:  # another outlet's version of the row
                said += f" ({article.source}'s version)"
            self.notify(f"{said}.", markup=False, timeout=2)
            self.load_counts()

    def action_mark_all_read(self) -> None:
        """Mark every article here read; asks first when that is more than a screenful."""
        listed = self.headline_pane.listed_upto  # what the list holds, not stored since
        unread = self.reader.count(replace(self.view, unread=True, up_to=listed))
        if unread <= ASK_BEFORE_MARKING:
            self._mark_all_read(unread)
            return
        # the rows it lists: a story's row stands for each outlet's article (all marked)
        question = f"Mark all {counted(unread, 'unread headline')} in {self.view.label} read?"

        def answered(yes: bool | None) -> None:
            if yes:  # the dialog goes first: at 100,000 articles marking takes about a second
                self.notify(f"Marking {counted(unread, 'headline')} read…", timeout=2)
                self.call_after_refresh(self._mark_all_read, unread)

        self.push_screen(ConfirmScreen(question), answered)

    def _mark_all_read(self, unread: int) -> None:
        """Mark the view read, saying so in the headlines it listed unread (``unread``), and
        in articles when their stories' other outlets' versions were marked too."""
        with self.saving():
            listed = replace(self.view, up_to=self.headline_pane.listed_upto)
            changed = self.reader.mark_view_read(listed)
            self.headlines.mark_all_rows(True)
            self.load_counts()
            said = f"Marked {counted(unread, 'headline')} read in {self.view.label}"
            if changed > unread:
                said += f" ({changed:,} articles, other outlets' versions included)"
            self.notify(f"{said}.", markup=False)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_groups()))

    def action_problems(self) -> None:
        problems = [*self.config_problems, *self.picture_problems, *self.reader.problems()]
        self.clear_notifications()  # they pointed here, and would stand over the sheet
        self.push_screen(ProblemsScreen(problems))

    def on_picture_failed(self, message: PictureFailed) -> None:
        """Keep a picture that could not be shown for the problems screen (newest first)."""
        self.picture_problems.appendleft(message.problem)

    def action_refresh_here(self) -> None:
        """Refresh the sources of this view; in All/Unread/Starred, the current article's."""
        if self.view.source_id is not None or self.view.section is not None:
            ids = self.headline_pane.source_ids()
        else:
            article = self._target()
            ids = [article.source_id] if article else []
        self.refresh_sources(ids or None, asked=True)

    def action_refresh_all(self) -> None:
        self.refresh_sources(None, asked=True)

    # --- keys and palette -----------------------------------------------------------------

    def key_groups(self) -> list[tuple[str, list[tuple[str, str, str]]]]:
        """Every key with its description and id, grouped by pane, as currently bound."""
        keymap = self.reader.config.keys
        return [(group.title, group.help_rows(keymap, self._help_key)) for group in GROUPS]

    def _help_key(self, binding: Binding) -> str:
        """A key as the keys sheet names it: as ``[keys]`` in the config file takes it
        (``ctrl+l``, ``pageup``, ``escape``; a character as itself: ``?``, ``/``), where the
        footer has its short forms (``^l``, ``pgup``, ``esc``, ``⏎``)."""
        shown = self.get_key_display(binding)
        return shown if len(shown) == 1 and shown.isascii() and shown.isprintable() else binding.key

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for command in palette_commands():
            title = command.title or command.description
            yield SystemCommand(title, command.palette, partial(self.run_action, command.action))
        for node in self.sidebar.root.children:
            if node.data is not None:
                view = node.data
                yield SystemCommand(
                    f"Go to {escape(view.label)}",  # the palette reads its titles as markup
                    "Show this section's headlines",
                    lambda v=view: self.go_to(v),
                )

    # --- background work ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        """Count unread articles per section in a thread; the sidebar updates when done."""
        sections, totals = self.reader.section_counts()
        self.post_message(CountsLoaded(sections, totals, self.reader.saved_searches()))

    @unless_late
    def on_counts_loaded(self, message: CountsLoaded) -> None:
        self.sidebar.update_counts(message.sections, message.totals, message.searches)
        self.headline_pane.show_sections(message.sections)

    @property
    def _refreshing(self) -> bool:
        return any(w.group == "refresh" and not w.is_finished for w in self.workers)

    def _refresh_due(self) -> None:
        """Refresh the sources whose interval has passed (each may have its own)."""
        if self._refreshing:
            return
        due = self.reader.due(since=self._quiet_since)
        if due:
            self.refresh_sources(due)

    def refresh_sources(self, source_ids: list[int] | None, asked: bool = False) -> None:
        """Refresh sources in the background, unless a refresh is already running; one the
        user ``asked`` for says when it brought nothing."""
        if self._refreshing:
            self.notify("Already refreshing.", timeout=2)
            return
        self.sidebar.border_subtitle = "refreshing…"
        self._refresh_in_thread(source_ids, asked)

    @work(thread=True, group="refresh", exit_on_error=False)
    def _refresh_in_thread(self, source_ids: list[int] | None, asked: bool) -> None:
        """Fetch and rescan in a thread, reporting progress; the app keeps working meanwhile."""

        def progress(done: int, total: int, source: object) -> None:
            self.post_message(RefreshProgress(done, total, getattr(source, "name", "")))

        try:
            report = self.reader.refresh(source_ids, progress)
        except LibraryError as error:
            self.post_message(RefreshDone(RefreshReport(), str(error)))
            return
        self.post_message(RefreshDone(report, asked=asked))

    @unless_late
    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self.sidebar.border_subtitle = f"refreshing {message.done}/{message.total}…"

    @unless_late
    def on_refresh_done(self, message: RefreshDone) -> None:
        report = message.report
        self.sidebar.border_subtitle = ""
        self.headline_pane.list_again()
        self.load_counts()
        if message.error:
            failed(self, message.error)
        for notice in refresh_notices(report, message.asked and not message.error):
            self.notify(notice.text, severity=notice.severity, timeout=notice.timeout, markup=False)

    @unless_late
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if report_failed_worker(self, event):
            self.sidebar.border_subtitle = ""
