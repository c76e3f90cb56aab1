"""HTTP for sync clients: one ``httpx.Client`` per account, and a request that turns network
failures and "busy" answers into the engine's errors."""

from __future__ import annotations

from typing import Any

import httpx

from tui_news.core.sources.fetch import TIMEOUT, USER_AGENT
from tui_news.core.sync.remote import Busy, ServerUnreachable
from tui_news.core.text import one_line, without_password

BUSY_STATUSES = (429, 503)


def make_client(**options: Any) -> httpx.Client:
    """A client with the project's timeouts and user agent (``options`` go to httpx)."""
    headers = {"User-Agent": USER_AGENT, **options.pop("headers", {})}
    return httpx.Client(timeout=TIMEOUT, headers=headers, follow_redirects=True, **options)


def request(client: httpx.Client, method: str, url: str, **options: Any) -> httpx.Response:
    """Send one request; :class:`ServerUnreachable` when there is no answer, :class:`Busy`
    for 429 and 503 (with the server's ``Retry-After`` in seconds, when it gives one)."""
    shown = without_password(url)
    try:
        response = client.request(method, url, **options)
    except httpx.TimeoutException:
        raise ServerUnreachable(f"{shown} did not answer in time") from None
    except httpx.HTTPError as error:
        why = one_line(str(error)) or type(error).__name__
        raise ServerUnreachable(f"cannot reach {shown} ({why})") from None
    if response.status_code in BUSY_STATUSES:
        raise Busy(
            f"{shown} is busy (HTTP {response.status_code}); try again later",
            retry_after(response.headers.get("Retry-After")),
        )
    return response


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds (a date: ``None``)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
