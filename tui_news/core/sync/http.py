"""HTTP for sync clients: one ``httpx.Client`` per account, and a request that turns network
failures and "busy" answers into the engine's errors.

Redirects are followed only within the address's own origin (scheme, host and port): a login
request carries the password in its body, which a 307 or 308 would send on to any host. An
answer is read up to :data:`MAX_ANSWER_BYTES`."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from tui_news.core.sources.fetch import MAX_REDIRECTS, TIMEOUT, USER_AGENT
from tui_news.core.sync.remote import Busy, ServerUnreachable
from tui_news.core.text import one_line, without_password

BUSY_STATUSES = (429, 503)
MAX_ANSWER_BYTES = 64 * 2**20
ANSWER_SECONDS = 120  # for a whole answer, at most


def make_client(url: str, **options: Any) -> httpx.Client:
    """A client for the server at ``url`` with the project's timeouts and user agent
    (``options`` go to httpx); it follows no redirect itself (:func:`request` does, within
    the origin). For a plain ``http`` address no certificate store is loaded (about 30 ms of
    CPU before the login): the client never leaves that origin, so it never speaks TLS."""
    headers = {"User-Agent": USER_AGENT, **options.pop("headers", {})}
    timeout = httpx.Timeout(TIMEOUT.read, connect=TIMEOUT.connect)
    if urlsplit(url).scheme.lower() == "http":
        options.setdefault("verify", False)  # no TLS within an http origin
    return httpx.Client(timeout=timeout, headers=headers, follow_redirects=False, **options)


def request(client: httpx.Client, method: str, url: str, **options: Any) -> httpx.Response:
    """Send one request; :class:`ServerUnreachable` when there is no answer, when it would
    redirect to another origin or is too big, :class:`Busy` for 429 and 503 (with the
    server's ``Retry-After`` in seconds, when it gives one)."""
    shown = without_password(url)
    try:
        response = _send(client, client.build_request(method, url, **options), shown)
        for _hop in range(MAX_REDIRECTS):
            following = response.next_request
            if following is None:
                break
            if _origin(following.url) != _origin(response.request.url):
                raise ServerUnreachable(
                    f"{shown} redirects to another server "
                    f"({without_password(str(following.url.copy_with(query=None)))}); "
                    "give that address if it is the right one"
                )
            response = _send(client, following, shown)
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


def _send(client: httpx.Client, outgoing: httpx.Request, shown: str) -> httpx.Response:
    """The answer to ``outgoing``, its body read up to :data:`MAX_ANSWER_BYTES` and within
    :data:`ANSWER_SECONDS` (httpx's timeouts are for each read: a server that sends a byte
    now and then would keep a sync going for ever)."""
    deadline = time.monotonic() + ANSWER_SECONDS
    response = client.send(outgoing, stream=True)
    try:
        body, size = [], 0
        for chunk in response.iter_bytes():
            if time.monotonic() > deadline:
                raise ServerUnreachable(
                    f"{shown} did not finish its answer within {ANSWER_SECONDS} s"
                )
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise ServerUnreachable(
                    f"{shown} sent an answer over {MAX_ANSWER_BYTES // 2**20} MB; not read"
                )
            body.append(chunk)
    finally:
        response.close()
    response._content = b"".join(body)  # what .read() would have kept
    return response


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds (a date: ``None``)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
