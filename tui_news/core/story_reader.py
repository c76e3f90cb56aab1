"""The reader's door to stories (issue 16): the outlets' versions of the story an article
tells. Reached as ``reader.stories``; everything here honours the ``group_stories`` setting."""

from __future__ import annotations

from typing import Protocol

from tui_news.core.config import Config
from tui_news.core.library import Store
from tui_news.core.library.stories import group_new, versions
from tui_news.core.models import Version


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
