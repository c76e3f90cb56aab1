"""Full articles: fetch the page an article links to and keep its main text.

For feeds that ship only a summary. The page is fetched like a feed (same limits and errors),
its main content is extracted with trafilatura (as HTML, so headings, lists, tables, links and
images survive) and stored as the article's content, readable offline from then on.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

from tui_news.core.errors import UserError
from tui_news.core.feed_refresh import FetchSettings, is_url
from tui_news.core.html_text import html_to_text, parse_html
from tui_news.core.library import Store
from tui_news.core.sources.fetch import Fetcher, FetchError
from tui_news.core.text import safe_link


class FullTextError(UserError):
    """The full article could not be had; the message is one line for the user."""


def extract(page: bytes, url: str, title: str = "") -> str:
    """The main content of a web page as HTML; raise :class:`FullTextError` if it has none.
    A heading that opens it with the article's ``title`` is left out: the header shows it."""
    import trafilatura  # imported on first use: it takes a few hundred ms

    if parse_html(page) is None:
        raise FullTextError("the page is empty")
    try:
        html = trafilatura.extract(
            page,
            url=url,
            output_format="html",
            include_links=True,
            include_images=True,
            include_tables=True,
            include_comments=False,
            favor_recall=True,
        )
    except Exception as error:  # a parser failure on a hostile page is that page's problem
        raise FullTextError(f"the page could not be read ({type(error).__name__})") from None
    if not html or not html_to_text(html).strip():
        raise FullTextError("no article text was found on the page")
    return without_title(html, title)


def without_title(html: str, title: str) -> str:
    """``html`` without its first element when that is a heading saying ``title`` (case,
    spaces and punctuation aside); unchanged otherwise, or if nothing else would be left."""
    from lxml import etree

    root = parse_html(html)
    body = root.find("body") if root is not None else None
    if root is None or body is None or not len(body) or (body.text or "").strip():
        return html
    first = body[0]
    if first.tag not in ("h1", "h2", "h3") or not _words(title):
        return html
    if _words(first.text_content()) != _words(title):
        return html
    body.text = (body.text or "") + (first.tail or "")
    body.remove(first)
    rest = etree.tostring(root, encoding="unicode", method="html")
    return rest if html_to_text(rest).strip() else html


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


async def _fetch_one(fetcher: Fetcher, link: str, title: str, settings: FetchSettings) -> str:
    response = await fetcher.fetch(link, max_bytes=settings.max_bytes)
    return extract(response.body, response.url, title)


async def fetch_full_texts(
    store: Store, targets: Sequence[tuple[int, str]], settings: FetchSettings
) -> dict[int, str]:
    """Fetch and store the full text of ``(article id, link)`` pairs, many at once.

    Returns the reason for each article that failed; the others are stored as they arrive.
    """
    failed: dict[int, str] = {}
    gate = asyncio.Semaphore(settings.connections)

    async def one(fetcher: Fetcher, article_id: int, link: str) -> None:
        url = safe_link(link)
        if url is None or not is_url(url):
            failed[article_id] = "the article has no web link"
            return
        article = store.article(article_id)
        title = article.title if article else ""
        try:
            async with gate:
                html = await _fetch_one(fetcher, url, title, settings)
        except (FetchError, FullTextError) as error:
            failed[article_id] = str(error)
            return
        store.set_full_text(article_id, html)

    async with settings.fetcher() as fetcher:
        await asyncio.gather(*(one(fetcher, i, link) for i, link in targets))
    return failed
