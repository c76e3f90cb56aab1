"""The other outlets' versions of the story being read (issue 16): the line under the
article's header that names them, and the keys that step through them (``v`` / ``V``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui_news.core.models import Version
from tui_news.ui.headlines import short_date

if TYPE_CHECKING:
    from tui_news.ui.app import NewsApp


def header_lines(versions: Sequence[Version], shown: int, key: str = "v") -> list[str]:
    """The header line naming the other outlets' versions with their times, and where the
    one shown stands (none for an article alone)."""
    others = [v for v in versions if v.id != shown]
    if not others:
        return []
    at = next((n for n, v in enumerate(versions, 1) if v.id == shown), 1)
    names = " · ".join(f"{v.source} {short_date(v.published)}" for v in others)
    return [f"Also told by: {names}  ({key}: next version, {at} of {len(versions)})"]


def header(app: NewsApp, article_id: int) -> list[str]:
    """:func:`header_lines` for an article of the app's library, with the key bound now."""
    key = app.reader.config.keys.get("next_version", "v").split(",")[0].strip()
    return header_lines(app.reader.stories.versions(article_id), article_id, key)


def step(app: NewsApp, direction: int) -> None:
    """Show the story's next (``direction`` 1) or previous (-1) outlet's version in the
    article view, wrapping; the headline list stays on the story's row."""
    shown = app.article_view.article
    if shown is None:
        app.notify("Open a story first (enter); then v shows the other outlets' versions.")
        return
    versions = app.reader.stories.versions(shown.id)
    if not versions:
        if app.reader.stories.grouped:
            app.notify("No other outlet tells this story.", timeout=3)
        else:
            app.notify("Stories are kept apart (group_stories = false).", timeout=3)
        return
    ids = [v.id for v in versions]
    at = ids.index(shown.id) if shown.id in ids else -direction
    app.open_article(ids[(at + direction) % len(ids)])
