"""Every failure of SQLite in a call to the library becomes one sentence for the user."""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from tui_news.core.errors import LibraryError

T = TypeVar("T")
UNGUARDED = {"transaction", "close", "conn"}  # a context manager, and what cannot fail


def damaged(path: object, error: sqlite3.DatabaseError) -> LibraryError:
    """The error for a library that SQLite could not read (damaged pages, say)."""
    return LibraryError(
        f"the library {path} cannot be read ({error}); nothing was changed. If it is damaged, "
        "move it aside (tui-news starts a new one) or put back a copy"
    )


def _guard(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            raise damaged(self.path, error) from None

    return guarded


def library_errors(cls: type[T]) -> type[T]:
    """Wrap each public method of ``cls`` (a class with a ``path``) so that an SQLite error it
    lets through (a page found damaged while reading, say) raises :class:`LibraryError`.

    Errors already put in the user's terms (a failed write, a stopped read) pass unchanged.
    """
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and name not in UNGUARDED and inspect.isfunction(member):
            setattr(cls, name, _guard(member))
    return cls
