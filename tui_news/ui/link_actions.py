"""The app's link commands on the article being read: open its link (``o``) or one of its
numbered links (``1`` … ``9``, and a dialog for the rest of a longer number) in the
browser, copy it (``y``), fetch its page's full
article (``f``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_news.core.text import safe_link
from tui_news.ui.app_parts import AppParts
from tui_news.ui.browser import open_in_browser
from tui_news.ui.screens import LinkNumberScreen

if TYPE_CHECKING:
    from tui_news.core.models import Article


class LinkActions(AppParts):
    """Open, copy and fetch the article's links; mixed into :class:`~tui_news.ui.app.NewsApp`.
    Only http(s) and mailto links open."""

    def _linked(self) -> tuple[Article, str] | None:
        """The article the link commands act on and its web link, or ``None`` (said why)."""
        article = self._target()
        link = safe_link(article.link) if article else None
        if article is None:
            self.notify("No article here.", severity="warning")
        elif link is None:
            self.notify("This article has no web link.", severity="warning")
        return (article, link) if article and link else None

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
        if linked := self._linked():
            self._open_in_browser(linked[1])

    def action_open_numbered(self, number: int) -> None:
        """Open link [number] of the article being read; when a longer number begins with it
        ([1] and [12]), ask for the rest."""
        last = max(self.article_view.links, default=0)
        if number * 10 <= last:
            self.push_screen(LinkNumberScreen(number, last), self._open_number)
            return
        self.field_not_opened()
        self._open_number(number)

    def _open_number(self, number: int | None) -> None:
        if number is None:
            return
        url = self.article_view.links.get(number)
        if url is None:
            self.notify(f"This article has no link [{number}].", severity="warning", timeout=2)
            return
        self._open_in_browser(url)

    def action_copy_link(self) -> None:
        if linked := self._linked():
            link = linked[1]
            self.copy_to_clipboard(link)
            self.notify(f"Copied {link}", markup=False, timeout=3)

    def action_full_article(self) -> None:
        """Fetch the page the article links to and keep its full text."""
        if linked := self._linked():
            self.article_view.fetch_full_text(self.reader, linked[0].id)
