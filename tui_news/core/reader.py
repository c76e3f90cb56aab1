"""The one facade over the core: the CLI and the UI both read and change the library here."""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from tui_news.core import images
from tui_news.core.config import Config, Paths
from tui_news.core.errors import LibraryError
from tui_news.core.library import RANK_CANDIDATES as RANK_CANDIDATES  # for the UI
from tui_news.core.library import Store
from tui_news.core.library.stories import story_ids
from tui_news.core.models import (
    Article,
    Headline,
    Parsed,
    Problem,
    RefreshReport,
    SavedSearch,
    SectionCount,
    Source,
    View,
)
from tui_news.core.search import Query, QueryError, fold, parse
from tui_news.core.sources.local import SourceError, scan
from tui_news.core.story_reader import Stories
from tui_news.core.text import one_line, shown_name

if TYPE_CHECKING:  # the network side, sync and the rest are imported when first used
    import tempfile

    from tui_news.core.feed_refresh import FetchSettings
    from tui_news.core.sync.accounts import Accounts

FULL_TEXT_PER_REFRESH = 50  # full articles fetched per source and refresh, newest first
Progress = Callable[[int, int, Source], None]  # (finished, total, the source just finished)


class Reader:
    """A library (store) with its config: sources, refreshes, articles and their state."""

    def __init__(self, store: Store, config: Config, paths: Paths) -> None:
        self.store = store
        self.config = config
        self.paths = paths
        images.configure(paths.library.parent / "images", config.image_cache_bytes)
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        self._tried: dict[int, float] = {}  # source id -> when its last refresh began
        self.stories = Stories(self)  # one story, many outlets (core/story_reader.py)

    @cached_property
    def accounts(self) -> Accounts:
        """Sync accounts: add, remove, list and sync them (``core/sync/accounts.py``)."""
        from tui_news.core.sync.accounts import Accounts

        data_dir = self.paths.library.parent
        return Accounts(self.store, self.paths.config, data_dir, self.stories.alongside)

    @property
    def temporary(self) -> bool:
        """True for a throwaway library opened on paths (``tui-news PATH ...``)."""
        return self._temporary is not None

    # --- sources --------------------------------------------------------------------------

    def add(self, location: str, section: str | None = None) -> tuple[Source, RefreshReport]:
        """Subscribe to a feed address, a feed file, a local folder or an article file, read at
        once (``core/subscribe.py``), its articles joining the stories they tell as a refresh's
        do; :class:`LibraryError` when there is nothing to subscribe to.
        """
        from tui_news.core.subscribe import subscribe

        added = subscribe(self, location, section)
        if added[1].added:
            self.stories.group_new()
        return added

    def import_list(self, data: bytes) -> tuple[list[Source], list[tuple[str, str]]]:
        """Subscribe to the feeds of an OPML or newsboat ``urls`` file (not yet fetched):
        the new sources and what was skipped, with reasons (see subscription_lists)."""
        from tui_news.core.subscription_lists import import_list

        return import_list(self.store, data)

    def export_list(self, kind: str) -> tuple[str, list[str]]:
        """The subscribed web feeds as OPML or a newsboat ``urls`` file, and a line for each
        thing it leaves out (see subscription_lists)."""
        from tui_news.core.subscription_lists import export_list

        return export_list(self.store, kind)

    def find_source(self, spec: str) -> Source:
        """The source whose location or name is ``spec``."""
        sources = self.store.sources()
        candidates = {spec}
        if "://" not in spec:
            candidates.add(str(Path(spec).expanduser().resolve()))
        for source in sources:
            if source.location in candidates:
                return source
        named = [s for s in sources if s.name.casefold() == spec.casefold()]
        if len(named) == 1:
            return named[0]
        if named:
            places = ", ".join(s.address for s in named)
            raise LibraryError(
                f"{len(named)} sources are named {spec!r}; give a location: {places}"
            )
        raise LibraryError(f"no source matches {spec!r} (see tui-news sources)")

    def remove(self, spec: str) -> Source:
        """Unsubscribe from a source and drop its articles."""
        source = self.find_source(spec)
        self.remove_source(source.id)
        return source

    def edit(self, spec: str, name: str | None = None, section: str | None = None) -> Source:
        """:meth:`edit_source` for the source whose location or name is ``spec``."""
        return self.edit_source(self.find_source(spec).id, name, section)

    def edit_source(
        self, source_id: int, name: str | None = None, section: str | None = None
    ) -> Source:
        """Rename a source or move it to another section (``""``: back to its own), keeping
        every article with its read and starred marks. Its articles move at once: a feed's all
        go to the new section; a folder is read again so articles that name their own section
        keep it."""
        if name is not None and not shown_name(name):
            raise LibraryError("a source's name cannot be empty (or only invisible characters)")
        if section and section.strip() and not shown_name(section):
            raise LibraryError('a section cannot be only invisible characters ("" for its own)')
        self.accounts.refuse_change(source_id)
        self.store.edit_source(source_id, name, section)
        edited = self.store.source(source_id)
        if edited is None:  # removed meanwhile
            raise LibraryError("that source was removed meanwhile")
        if edited.kind == "feed":
            from tui_news.core.feed_refresh import feed_section

            if edited.section or edited.name != edited.location:  # else: the feed's title
                self.store.set_section(edited.id, feed_section(edited))
        elif section is not None:  # every file is read again, under the new default section
            self.store.forget_fingerprints(edited.id)
            self.refresh_source(edited)
        return self.store.source(source_id) or edited

    def sources(self, counted: bool = True) -> list[Source]:
        """Every source with its counts (not ``counted``: without, much faster)."""
        return self.store.sources(counted)

    def offer_sample(self) -> bool:
        """On a library that never had a source, subscribe to the bundled sample library."""
        from tui_news.core import sample

        return sample.offer_sample(self.store)

    def sample_removal_offer(self) -> Source | None:
        """The sample library, once, when the user has a source of their own beside it."""
        from tui_news.core import sample

        return sample.removal_offer(self.store)

    def source(self, source_id: int) -> Source | None:
        """One source by id, with its counts (``None`` once removed)."""
        return self.store.source(source_id)

    def has_sources(self) -> bool:
        """True if the library has at least one source."""
        return self.store.has_sources()

    def remove_source(self, source_id: int) -> None:
        """Unsubscribe from a source by id and drop its articles (not an account's feed)."""
        self.accounts.refuse_change(source_id)
        self.store.remove_source(source_id)

    def failures(self) -> dict[int, tuple[str, str]]:
        """Sources whose last refresh failed: id -> (name, reason)."""
        return self.store.failures()

    def problems(self) -> list[Problem]:
        """Sources that failed and what the last refresh of each could not read."""
        return self.store.problems()

    def unmatched_settings(self) -> list[str]:
        """A line naming the config file for each ``[sources."…"]`` table that names no source:
        a typo in an address or a name would otherwise leave its settings unused unsaid."""
        if not self.config.sources:
            return []
        sources = self.store.sources(counted=False)
        names = {s.name.casefold() for s in sources} | {s.location for s in sources}
        return [
            f"{self.paths.config}: [sources.{key!r}] names no source (see tui-news sources)"
            for key in self.config.sources
            if key not in names and key.casefold() not in names
        ]

    def section_counts(self) -> tuple[list[SectionCount], dict[str, int]]:
        """Sections with their sources' counts, and totals for All, Unread and Starred."""
        return self.stories.section_counts()  # a story once when grouped

    def sections_like(self, name: str) -> list[str]:
        """The sections that ``section:NAME`` picks: case and accents ignored, a prefix matches."""
        wanted = fold(name.strip())
        return [s.name for s in self.section_counts()[0] if fold(s.name).startswith(wanted)]

    # --- articles and their marks ---------------------------------------------------------

    def view_ids(
        self,
        view: View,
        limit: int | None = None,
        *,
        interruptible: bool = False,
        asked: int | None = None,
        in_order: bool = False,
    ) -> array[int]:
        """Ids of a view's articles in its order, a story once (``group_stories``); with
        ``interruptible``, :meth:`interrupt_reads` stops it with ``QueryInterrupted``, also
        before it begins when one came after ``asked`` (:attr:`interruptions` when the read
        was asked for); ``in_order``: see :meth:`Store.view_ids`."""
        return self.store.view_ids(
            view,
            limit,
            interruptible=interruptible,
            asked=asked,
            stories=self.config.group_stories,
            in_order=in_order,
        )

    @property
    def interruptions(self) -> int:
        """How many times :meth:`interrupt_reads` ran (for ``view_ids``'s ``asked``)."""
        return self.store.interruptions

    def interrupt_reads(self) -> None:
        """Stop the interruptible reads running now (a newer query makes them moot)."""
        self.store.interrupt()

    def count(self, view: View) -> int:
        """How many rows a view lists: its articles (a story once when grouped)."""
        return self.stories.count(view)

    def headlines(self, ids: Iterable[int]) -> dict[int, Headline]:
        """Headline rows for ``ids``, by id."""
        return self.store.headlines(ids, stories=self.config.group_stories)

    def article(self, article_id: int) -> Article | None:
        """One article with its body, or ``None`` if it is gone."""
        return self.store.article(article_id)

    def articles(self, view: View, limit: int | None = None) -> list[Article]:
        """A view's articles with their bodies, in the view's order."""
        return self.store.articles(view, limit)

    def unread_among(self, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` are unread."""
        return self.store.unread_among(ids)

    def set_read(
        self, ids: Iterable[int], read: bool = True, *, stories: bool = False
    ) -> list[int]:
        """Mark articles read or unread; return the ids marked. With ``stories`` (and the
        ``group_stories`` setting on), the mark goes to their stories' other outlets too."""
        marked = list(ids)
        if stories and self.config.group_stories:
            marked = sorted({i for article in marked for i in story_ids(self.store, article)})
        self.store.set_read(marked, read)
        return marked

    def set_starred(self, article_id: int, starred: bool) -> None:
        """Star or unstar an article."""
        self.store.set_starred(article_id, starred)

    def mark_view_read(self, view: View) -> int:
        """Mark every article of a view read (whole stories when grouped; with its ``up_to``,
        of those stored by then: :meth:`newest_id` when a list was read); how many changed."""
        return self.stories.mark_view_read(view)

    def newest_id(self) -> int:
        """The highest article id so far: articles stored after have higher ones."""
        return self.store.newest_id()

    # --- searching ------------------------------------------------------------------------

    def ranked_capped(self, view: View, interruptible: bool = False) -> bool:
        """Whether a ranked search chose its best among the newest of more matches than it
        scores (see :meth:`Store.ranked_capped`)."""
        return self.store.ranked_capped(view, interruptible)

    def search(self, text: str, limit: int | None = None) -> list[Article]:
        """Articles matching a query across the whole library, best first.

        Raises :class:`~tui_news.core.search.QueryError` with a hint for a query it cannot read.
        """
        return self.store.articles(search_view(parse(text)), limit)

    def saved_searches(self) -> list[SavedSearch]:
        """Saved searches with their unread counts."""
        found = []
        for search_id, name, text in self.store.searches():
            try:
                view = saved_view(search_id, name, text)
            except QueryError:
                found.append(SavedSearch(search_id, name, text))  # saved by a newer version
                continue
            unread = self.count(replace(view, unread=True))
            found.append(SavedSearch(search_id, name, text, unread))
        return found

    def save_search(self, name: str, text: str) -> View:
        """Keep a query as a saved search; returns the view that shows it."""
        parse(text)  # refuse what cannot be read, with its hint
        return saved_view(self.store.save_search(name, text.strip()), name, text)

    def remove_search(self, search_id: int) -> None:
        """Forget a saved search."""
        self.store.remove_search(search_id)

    # --- full articles --------------------------------------------------------------------

    def full_text(self, article_id: int) -> Article:
        """Fetch an article's web page and keep its main text; raise LibraryError if not."""
        import asyncio

        from tui_news.core.full_text import fetch_full_texts

        article = self.store.article(article_id)
        if article is None:
            raise LibraryError("that article is gone")
        failed = asyncio.run(
            fetch_full_texts(self.store, [(article.id, article.link or "")], self.fetch_settings)
        )
        if article.id in failed:
            raise LibraryError(f"no full article: {failed[article.id]}")
        fetched = self.store.article(article_id)
        assert fetched is not None
        return fetched

    def _fetch_full_texts(self, sources: Sequence[Source], report: RefreshReport) -> None:
        """For sources set to ``full_article``, fetch what their new articles link to."""
        import asyncio

        from tui_news.core.full_text import fetch_full_texts

        wanted = {
            target: source
            for source in sources
            if self.config.for_source(source.name, source.location).full_article
            for target in self.store.wanting_full_text(source.id, FULL_TEXT_PER_REFRESH)
        }
        if wanted:
            targets = list(wanted)
            failed = asyncio.run(fetch_full_texts(self.store, targets, self.fetch_settings))
            for (article_id, link), source in wanted.items():
                self.store.drop_problem(source.id, link)  # what an earlier refresh said of it
                if article_id not in failed:
                    continue
                why = f"full article: {failed[article_id]}"  # under ! with its source's others
                report.problems.append(Problem(link, why, source.name))
                self.store.add_problem(source.id, report.problems[-1])

    # --- refreshing -----------------------------------------------------------------------

    def refresh_minutes(self, source: Source) -> float:
        """How often a source is refreshed while the reader is open (0: never on its own)."""
        minutes = self.config.for_source(source.name, source.location).refresh_minutes
        return self.config.refresh_minutes if minutes is None else minutes

    def due(self, now: float | None = None, since: float = 0.0) -> list[int]:
        """Sources whose refresh interval has passed since their last refresh (or try), or
        since ``since`` (the reader opened without refreshing: none is due at once)."""
        now = time.time() if now is None else now
        found = []
        for source in self.store.sources(counted=False):
            minutes = self.refresh_minutes(source)
            last = max(source.last_ok or source.added, self._tried.get(source.id, 0.0), since)
            if minutes > 0 and now - last >= minutes * 60:
                found.append(source.id)
        return found

    def check_seconds(self) -> float | None:
        """How often to look for sources that are due (``None``: none ever are)."""
        intervals = [
            m for m in map(self.refresh_minutes, self.store.sources(counted=False)) if m > 0
        ]
        if self.config.refresh_minutes > 0:
            intervals.append(self.config.refresh_minutes)
        return min(60.0, min(intervals) * 60) if intervals else None

    def refresh(
        self,
        source_ids: Iterable[int] | None = None,
        progress: Progress | None = None,
        sources: Sequence[Source] | None = None,
        prune: bool = False,
    ) -> RefreshReport:
        """Fetch feeds (many at once) and rescan local sources; failures are reported.

        ``sources`` spares reading them again when the caller just did (from :meth:`sources`).
        ``prune`` accepts that a folder lost most of its articles (see :meth:`refresh_source`).
        """
        sources = self.store.sources(counted=False) if sources is None else list(sources)
        if source_ids is not None:
            wanted = set(source_ids)
            sources = [s for s in sources if s.id in wanted]
        report = RefreshReport()
        finished = 0
        started = time.time()
        self._tried.update((source.id, started) for source in sources)

        grouping = self.stories.alongside()  # core/story_grouping.py

        def done(source: Source) -> None:
            nonlocal finished
            finished += 1
            grouping.stored()  # the thread groups what is stored while the rest comes
            if progress:
                progress(finished, len(sources), source)

        with grouping:
            feeds = [s for s in sources if s.kind == "feed"]
            if feeds:
                import asyncio

                from tui_news.core.feed_refresh import refresh_feeds

                keep = {s.id: self.config.keep_for(s.name, s.location) for s in feeds}
                since = self.stories.terms_since()
                settings = replace(self.fetch_settings, keep=keep, terms_since=since)
                report.merge(asyncio.run(refresh_feeds(self.store, feeds, settings, done)))
                self._fetch_full_texts(feeds, report)
            for source in sources:
                if source.kind not in ("feed", "account"):
                    report.merge(self.refresh_source(source, prune))
                    done(source)
            accounts = [s for s in sources if s.kind == "account"]
            if accounts or (
                source_ids is None and not self.temporary and self.store.has_accounts()
            ):
                synced = self.accounts.sync_sources(
                    accounts, source_ids is None, done, grouping.stored
                )
                report.merge(synced)
            grouping.finish()  # what is left joins the stories it tells
        report.repeated |= {  # nothing new to tell about these
            s.name
            for s in sources
            if s.last_error and one_line(report.failed.get(s.name, "")) == s.last_error
        }
        return report

    @property
    def fetch_settings(self) -> FetchSettings:
        """Fetch limits from the config."""
        from tui_news.core.feed_refresh import FetchSettings

        return FetchSettings(
            self.config.max_connections, self.config.timeout_seconds, self.config.max_feed_bytes
        )

    def refresh_source(self, source: Source, prune: bool = False) -> RefreshReport:
        """Rescan one local source; on failure record the reason and keep its articles.

        Articles are stored in batches as they are read, so a large folder never sits in memory.
        A folder found empty, or with most of its articles gone, is more likely unmounted or
        unreadable for a moment than emptied on purpose: its articles are kept and the source
        fails with the reason, unless ``prune`` accepts the removals.
        """
        report = RefreshReport()

        def store_batch(items: list[Parsed]) -> None:
            report.merge(self.store.apply(source.id, items, None, None))

        known = self.store.fingerprints(source.id)
        try:
            result = scan(
                source.location,
                known,
                default_section=source.section,
                max_bytes=self.config.max_file_bytes,
                batch=store_batch,
                folder=source.kind == "folder",
            )
        except SourceError as error:
            self.store.set_source_error(source.id, str(error))
            report.failed[source.name] = str(error)
            return report
        for problem in result.problems:
            problem.source = source.name
        kept = len(known.keys() & result.present)
        refused = None if prune else _suspicious_removal(len(known), kept, bool(result.present))
        if refused:
            result.present.update(known)
        report.merge(self.store.apply(source.id, result.changed, result.present, result.problems))
        if refused:
            self.store.set_source_error(source.id, refused)
            report.failed[source.name] = refused
        return report

    # --- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        """Close this thread's connection and drop a temporary library."""
        self.store.close()
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None


MASS_REMOVAL = 10  # more articles than this, and most of a folder, gone at once: refused


def _suspicious_removal(known: int, kept: int, found_any: bool) -> str | None:
    """Why a scan that still finds ``kept`` of ``known`` articles (and anything at all if
    ``found_any``) looks like a folder that could not be seen rather than one emptied on
    purpose (``None``: it does not)."""
    gone = known - kept
    if not gone or (found_any and (gone <= MASS_REMOVAL or gone * 2 <= known)):
        return None
    found = (
        f"is empty now (it had {known} articles)"
        if not found_any
        else f"has lost {gone} of its {known} articles"
    )
    return (
        f"the folder {found}: they are kept in case its disk is unmounted or unreadable; "
        "if its files were removed on purpose, run tui-news refresh --prune"
    )


def search_view(query: Query, label: str = "Search") -> View:
    """The view of a full-text search across the library, best first."""
    return View(label, query=query, ranked=True)


def saved_view(search_id: int, name: str, text: str) -> View:
    """The view of a saved search: its matches in the whole library, newest first."""
    return View(name, query=parse(text), search_id=search_id)


def make_reader(
    data_dir: str | os.PathLike[str] | None = None, upgrading: Callable[[], object] | None = None
) -> Reader:
    """Open (creating if needed) the library in ``data_dir`` or the default folders;
    ``upgrading`` is told when a library from an older tui-news is brought up to date."""
    paths = Paths.resolve(data_dir)
    folder = paths.library.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # the owner's alone, if new
    except OSError as error:
        raise LibraryError(f"cannot create the data folder {folder} ({error.strerror})") from None
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise LibraryError(f"the data folder {folder} is not readable and writable")
    config = Config.load(paths.config)
    return Reader(Store(paths.library, upgrading), config, paths)


def make_session_reader(
    locations: Sequence[str], data_dir: str | os.PathLike[str] | None = None
) -> Reader:
    """A throwaway library holding just ``locations`` (for ``tui-news PATH ...``).

    The config still comes from the data dir; nothing is written to the real library.
    """
    import tempfile

    paths = Paths.resolve(data_dir)
    config = Config.load(paths.config)
    temporary = tempfile.TemporaryDirectory(prefix="tui-news-")
    reader = Reader(Store(Path(temporary.name) / "session.sqlite"), config, paths)
    reader._temporary = temporary
    try:
        added: set[str] = set()
        for location in locations:
            if location not in added and str(Path(location).expanduser().resolve()) not in added:
                added.add(reader.add(location)[0].location)
    except LibraryError:
        reader.close()
        raise
    return reader
