"""What the app's command mixins (:mod:`link_actions`, :mod:`source_actions`) may use of the
app they are mixed into: declared once, for the type checker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from tui_news.core.models import Article
    from tui_news.core.reader import Reader
    from tui_news.ui.article import ArticleView


class AppParts(App[None]):
    """The part of :class:`~tui_news.ui.app.NewsApp` its mixins reach."""

    if TYPE_CHECKING:  # what the app provides
        reader: Reader

        @property
        def article_view(self) -> ArticleView: ...
        def _target(self) -> Article | None: ...
        def field_not_opened(self) -> None: ...
