"""The reader's door to stories (issue 16): the outlets' versions of the story an article
tells. Reached as ``reader.stories``; everything here honours the ``group_stories`` setting."""

from __future__ import annotations

import time
from typing import Protocol

from tui_news.core.config import Config
from tui_news.core.library import Store
from tui_news.core.library.stories import MAX_AGE, TermsAhead, group_new, keep_terms, versions
from tui_news.core.library.story_views import count_rows, count_stories, mark_stories_read
from tui_news.core.models import SectionCount, Version, View
from tui_news.core.story_grouping import Alongside


class Library(Protocol):
    """What stories read of the reader: its store and its config as they are now."""

    store: Store
    config: Config


class Stories:
    """Stories of the reader's library, as its config has them (read at each call: a
    config loaded again applies at once)."""

    def __init__(self, reader: Library) -> None:
        self._reader = reader

    @property
    def grouped(self) -> bool:
        """Whether stories are grouped at all (the ``group_stories`` setting)."""
        return self._reader.config.group_stories

    def versions(self, article_id: int) -> list[Version]:
        """Every outlet's article of the story ``article_id`` tells, first teller first
        (none when it is alone, gone, or stories are kept apart)."""
        if not self.grouped:
            return []
        found = versions(self._reader.store, article_id)
        return found if len(found) > 1 else []

    def group_new(self) -> int:
        """Group the articles stored since the last grouping (a refresh's new ones) into
        stories; return how many articles' stories changed. Nothing while stories are kept
        apart: once grouped again, the next refresh groups those of the last week."""
        return group_new(self._reader.store) if self.grouped else 0

    def terms_since(self) -> float | None:
        """From when a refresh's parser works out its new items' story terms (those grouping
        will compare), or None while stories are kept apart."""
        return time.time() - MAX_AGE if self.grouped else None

    def alongside(self) -> Alongside:
        """A thread working on a refresh's articles' stories as its batches are stored (call
        its ``stored`` after each, its ``finish`` to group them at the end; nothing while
        stories are kept apart). Use it in a ``with``: a failing refresh stops it."""
        ahead = TermsAhead(keep_terms)  # each run: what was stored since the last
        return Alongside(self._reader.store, ahead, group_new if self.grouped else None)

    def count(self, view: View) -> int:
        """How many rows a view lists: its articles, a story once when grouped."""
        store = self._reader.store
        return count_rows(store, view) if self.grouped else store.count(view)

    def section_counts(self) -> tuple[list[SectionCount], dict[str, int]]:
        """Sections with their sources' counts, and totals for All, Unread and Starred (and
        the unread stories of Top stories, when grouped: ``top``); they count what the lists
        show (a story once, when grouped)."""
        store = self._reader.store
        sections, totals = store.section_counts()
        if self.grouped:
            count_stories(store.conn, sections, totals)
            totals["top"] = count_rows(store, View("Top stories", top=True, unread=True))
        return sections, totals

    def mark_view_read(self, view: View) -> int:
        """Mark every article of a view read, and when it lists a story once the other
        outlets' articles of the stories it lists (as reading one does); how many changed."""
        store = self._reader.store
        if self.grouped:
            return mark_stories_read(store, view)
        return store.mark_view_read(view)
