"""What the JSON-API sync clients share (greader, miniflux, nextcloud), on top of
``http.py``: requests under one base address with the server's refusals as sync errors
(401/403 refused credentials, other HTTP errors :class:`Refused` with the server's reason), the
login probe that names the address to give, and Basic auth that follows a password set later.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from tui_news.core.sync.http import make_client, request
from tui_news.core.sync.remote import AuthFailed, ServerUnreachable, SyncError
from tui_news.core.text import one_line, without_password

T = TypeVar("T")


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
        self.http = make_client(
            self.base,
            auth=auth,
            headers={"Accept": "application/json"},
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
        )

    def send(self, method: str, path: str, **options: Any) -> httpx.Response:
        """The answer to ``method path`` (path under the base), or the sync error it means:
        http.request's for no answer and 429/503, AuthFailed for 401/403, else Refused."""
        response = request(self.http, method, self.base + path, **options)
        status = response.status_code
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

    def probe_json(self, path: str, key: str, wrong: str) -> dict[str, Any]:
        """A login's first ``GET``, whose answer must be a JSON object holding ``key``;
        :class:`ServerUnreachable` saying ``wrong`` otherwise (the address is not the API's)."""
        try:
            answer = self.probe("GET", path, wrong).json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or key not in answer:
            raise ServerUnreachable(f"{self.where} {wrong}")
        return answer

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
