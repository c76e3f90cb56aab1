"""The project's errors that carry one sentence for the user."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can act on; its message is one plain sentence (no traceback)."""


class LibraryError(UserError):
    """The library file cannot be opened or used, or a request of it cannot be met."""


class QueryInterrupted(Exception):
    """A read of the library stopped early: by a newer query, or for taking too long.

    Not an error for the user: whoever asked has stopped wanting the answer.
    """
