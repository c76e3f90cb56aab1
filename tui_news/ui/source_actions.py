"""The app's source commands: add, edit (rename or move) and remove a source (or a saved
search), and the offer to remove the sample library once the user has a source of their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui_news.core.errors import UserError
from tui_news.core.models import RefreshReport, Source, View
from tui_news.core.text import counted
from tui_news.ui.app_parts import AppParts
from tui_news.ui.messages import SourceAdded, SourceEdited, failed, unless_late
from tui_news.ui.screens import AddSourceScreen, ConfirmScreen, EditSourceScreen
from tui_news.ui.sidebar import ALL

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from tui_news.ui.headline_pane import HeadlinePane
    from tui_news.ui.sidebar import Sidebar


class SourceActions(AppParts):
    """Add, edit and remove sources; mixed into :class:`~tui_news.ui.app.NewsApp`."""

    if TYPE_CHECKING:  # what the app provides beside AppParts
        load_counts: Callable[[], object]

        @property
        def sidebar(self) -> Sidebar: ...
        @property
        def headline_pane(self) -> HeadlinePane: ...
        @property
        def view(self) -> View: ...
        def show_view(self, view: View, keep: int | None = None) -> None: ...
        def saving(self) -> AbstractContextManager[None]: ...

    def chosen_source(self) -> Source | None:
        """The source an action is about: the one shown, else the current article's (not from
        the sidebar, where the entry chosen is all there is to act on)."""
        ids = list(dict.fromkeys(self.headline_pane.source_ids()))  # a source in 3 sections: 1
        if len(ids) != 1:
            article = self._target() if self.focused is not self.sidebar else None
            ids = [article.source_id] if article and article.source_id in ids else []
        return self.reader.source(ids[0]) if ids else None

    # --- add ------------------------------------------------------------------------------

    def action_add_source(self) -> None:
        def chosen(answer: tuple[str, str | None] | None) -> None:
            if answer:
                self.sidebar.border_subtitle = "adding…"
                self.add_source(*answer)

        self.push_screen(AddSourceScreen(), chosen)

    @work(thread=True, group="add", exit_on_error=False)  # each one added is reported
    def add_source(self, location: str, section: str | None) -> None:
        """Subscribe in a thread (a site's address may need two fetches)."""
        try:
            source, report = self.reader.add(location, section)
        except UserError as error:
            self.post_message(SourceAdded(None, RefreshReport(), str(error)))
            return
        self.post_message(SourceAdded(source, report, None))

    @unless_late
    def on_source_added(self, message: SourceAdded) -> None:
        self.sidebar.border_subtitle = ""
        if message.source is None:
            failed(self, message.error or "could not add that.", timeout=8)
            return
        added = counted(message.report.added, "article")
        self.notify(f"Added {message.source.name}: {added}.", markup=False)
        self.headline_pane.list_again()
        self.load_counts()
        sample = self.reader.sample_removal_offer()
        if sample is not None:
            self._offer_sample_removal(sample)

    def _offer_sample_removal(self, sample: Source) -> None:
        """Once, when the user has a source of their own: the sample library can go."""

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(sample)
            else:
                self.notify(
                    f"Keeping {sample.name}: d on it in the sidebar removes it later.",
                    markup=False,
                    timeout=6,
                )

        question = (
            f"You have a source of your own now. Remove {sample.name} "
            f"({counted(sample.articles, 'article')}) that came with tui-news?"
        )
        self.push_screen(ConfirmScreen(question), answered)

    def _ours(self, source: Source) -> bool:
        """Whether ``source`` may be renamed or removed here; a sync account's feed may not
        (the server holds it), which is said before any dialog asks."""
        try:
            self.reader.accounts.refuse_change(source.id)
        except UserError as error:
            failed(self, str(error), timeout=8)
            return False
        return True

    # --- edit -----------------------------------------------------------------------------

    def action_edit_source(self) -> None:
        """Rename the source shown (or the current article's), or move it to a section."""
        source = self.chosen_source()
        if source is None:
            self.notify("Choose a source (or one of its articles) to edit.", severity="warning")
            self.field_not_opened()
            return
        if not self._ours(source):
            self.field_not_opened()
            return

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer and answer != (source.name, source.section or ""):
                self.sidebar.border_subtitle = "saving…"
                self.edit_source(source.id, *answer)

        self.push_screen(EditSourceScreen(source.name, source.section), chosen)

    @work(thread=True, group="edit", exit_on_error=False)
    def edit_source(self, source_id: int, name: str, section: str) -> None:
        """Rename or move in a thread (a folder is read again under its new section)."""
        try:
            source = self.reader.edit_source(source_id, name, section)
        except UserError as error:
            self.post_message(SourceEdited(None, str(error)))
            return
        self.post_message(SourceEdited(source, None))

    @unless_late
    def on_source_edited(self, message: SourceEdited) -> None:
        self.sidebar.border_subtitle = ""
        if message.source is None:
            failed(self, message.error or "could not change that.", timeout=8)
            return
        source = message.source
        where = f"in {source.section}" if source.section else "in its own sections"
        self.notify(f"{source.name} is {where}; every mark kept.", markup=False, timeout=5)
        self._back_to_all()

    # --- remove ---------------------------------------------------------------------------

    def action_remove_source(self) -> None:
        if self.view.search_id is not None and not self.headline_pane.searching:
            self._remove_saved_search(self.view)
            return
        source = self.chosen_source()
        if source is None:
            self.notify("Choose a source (or one of its articles) to remove.", severity="warning")
            return
        if not self._ours(source):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(source)

        its = counted(source.articles, "article")
        starred = self.reader.count(View(source_id=source.id, starred=True))
        if starred:
            its += f", {starred:,} of them starred"
        question = f"Remove {source.name} ({source.address}) and its {its}?"
        self.push_screen(ConfirmScreen(question), answered)

    def _remove(self, source: Source) -> None:
        with self.saving():
            self.reader.remove_source(source.id)
            self.notify(f"Removed {source.name}.", markup=False)
            self.article_view.show(None)
            self._back_to_all()

    def _remove_saved_search(self, view: View) -> None:
        def answered(yes: bool | None) -> None:
            if yes and view.search_id is not None:
                with self.saving():
                    self.reader.remove_search(view.search_id)
                    self.notify(f"Removed the saved search {view.label!r}.", markup=False)
                    self._back_to_all()

        self.push_screen(ConfirmScreen(f"Remove the saved search {view.label!r}?"), answered)

    def _back_to_all(self) -> None:
        """After a source moved or a sidebar entry went: All, and fresh counts."""
        self.sidebar.select_view(ALL, quiet=True)
        self.show_view(ALL)
        self.load_counts()
