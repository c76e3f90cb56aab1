"""The kinds of sync account, each with the client class that speaks its server's API.

Each client module adds one line to :data:`KINDS`; ``tui-news account add KIND`` offers these.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from tui_news.core.sync.remote import Remote

# kind -> "module:Class" under tui_news.core.sync, imported only when an account of it syncs.
KINDS: dict[str, str] = {
    "ttrss": "ttrss:TtRss",
    "fever": "fever:Fever",
    "greader": "greader:GReader",
    "miniflux": "miniflux:Miniflux",
    "nextcloud": "nextcloud:Nextcloud",
}

# kind -> how the error sentences name its servers.
NAMES: dict[str, str] = {
    "ttrss": "Tiny Tiny RSS",
    "fever": "a Fever server",
    "greader": "a Google Reader API",
    "miniflux": "Miniflux",
    "nextcloud": "Nextcloud News",
}

ClientFactory = Callable[[str, str, str, "str | None"], Remote]


def client_class(kind: str) -> ClientFactory:
    """The client for ``kind`` (a key of :data:`KINDS`); KeyError for an unknown kind."""
    module, _, name = KINDS[kind].partition(":")
    factory: ClientFactory = getattr(import_module(f"tui_news.core.sync.{module}"), name)
    return factory
