"""The HTTP side the JSON-API sync clients share (greader, miniflux, nextcloud): one
``httpx.Client`` per account with the project's timeout and user agent, and answers mapped to
the sync errors (401/403 refused, 429/503 busy, the rest one sentence naming the server).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from tui_news.core.sources.fetch import TIMEOUT, USER_AGENT
from tui_news.core.sync.remote import AuthFailed, Busy, ServerUnreachable, SyncError
from tui_news.core.text import one_line, without_password

T = TypeVar("T")


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(email.utils.parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None


def rfc3339(value: object) -> float | None:
    """Seconds since the epoch from an RFC 3339 time (Go's JSON times), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo is not None else None


class Refused(SyncError):
    """The server answered the request with an HTTP error other than 401/403/429/503."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Web:
    """Requests to one server; ``name`` (e.g. "Miniflux") starts the error sentences."""

    def __init__(self, name: str, base: str, *, auth: httpx.Auth | None = None) -> None:
        self.name = name
        self.base = base.rstrip("/")
        self.where = without_password(self.base)
        self.http = httpx.Client(
            auth=auth,
            timeout=TIMEOUT,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
            follow_redirects=True,
        )

    def send(self, method: str, path: str, **options: Any) -> httpx.Response:
        """The answer to ``method path`` (path under the base), or the sync error it means."""
        try:
            response = self.http.request(method, self.base + path, **options)
        except httpx.TimeoutException:
            message = f"{self.name} at {self.where} did not answer in time."
            raise ServerUnreachable(message) from None
        except (httpx.TransportError, httpx.InvalidURL) as problem:
            reason = one_line(str(problem)) or type(problem).__name__
            raise ServerUnreachable(
                f"{self.name} at {self.where} cannot be reached: {reason}."
            ) from None
        status = response.status_code
        if status in (429, 503):
            raise Busy(
                f"{self.name} at {self.where} is busy (HTTP {status}).",
                retry_after(response.headers.get("Retry-After")),
            )
        if status in (401, 403):
            raise AuthFailed(f"{self.name} at {self.where} refused the user name or password.")
        if status >= 400:
            detail = self.detail(response)
            raise Refused(
                f"{self.name} at {self.where} refused {method} {urlsplit(path).path}: "
                f"HTTP {status}{detail}.",
                status,
            )
        return response

    def probe(self, method: str, path: str, wrong: str, **options: Any) -> httpx.Response:
        """The first request of a login: ``wrong`` (a sentence saying which address to give)
        when the server has no such path, as when the address is not the API's."""
        try:
            return self.send(method, path, **options)
        except Refused as refused:
            if refused.status in (404, 405):
                raise ServerUnreachable(f"{self.where} {wrong}") from None
            raise

    def detail(self, response: httpx.Response) -> str:
        """The server's own short reason for an error, if it gave one."""
        text = ""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            text = str(body.get("error_message") or body.get("message") or "")
        elif response.headers.get("content-type", "").startswith("text/plain"):
            text = response.text
        text = one_line(text)[:200]
        return f" ({text})" if text else ""

    def json(self, method: str, path: str, **options: Any) -> Any:
        """The JSON of the answer; ServerUnreachable when it is not JSON (not the API)."""
        response = self.send(method, path, **options)
        try:
            return response.json()
        except ValueError:
            raise ServerUnreachable(
                f"{self.name} at {self.where} answered {urlsplit(path).path} with something "
                "other than its API's JSON; check the address."
            ) from None

    def close(self) -> None:
        self.http.close()


class BasicAuthClient:
    """What the clients whose APIs take the user name and password on every request (HTTP
    Basic auth, no session) share: ``web`` follows a password the engine sets later."""

    NAME = "The server"

    def __init__(self, url: str, user: str, password: str, token: str | None = None) -> None:
        self.url, self.user, self.password = url, user, password
        self.token: str | None = None  # nothing to keep on disk
        self._web: Web | None = None
        self._web_password = password

    def api_base(self) -> str:
        """Where the API's paths start, from the address the user gave."""
        return self.url

    @property
    def web(self) -> Web:
        if self._web is None or self._web_password != self.password:
            self.close()
            auth = httpx.BasicAuth(self.user, self.password)
            self._web = Web(self.NAME, self.api_base(), auth=auth)
            self._web_password = self.password
        return self._web

    def close(self) -> None:
        if self._web is not None:
            self._web.close()
            self._web = None
