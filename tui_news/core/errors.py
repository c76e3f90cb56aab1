"""The project's errors that carry one sentence for the user."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can act on; its message is one plain sentence (no traceback), of at
    most :data:`LONGEST` characters: what it quotes (an address a page announces, a server's
    words) is cut in the middle, where the sentence's start and its end still say what went
    wrong."""

    LONGEST = 400

    def __str__(self) -> str:
        message = super().__str__()
        if len(message) <= self.LONGEST:
            return message
        return f"{message[: self.LONGEST - 101]} … {message[-98:]}"


class LibraryError(UserError):
    """The library file cannot be opened or used, or a request of it cannot be met."""


class QueryInterrupted(Exception):
    """A read of the library stopped early: by a newer query, or for taking too long.

    Not an error for the user: whoever asked has stopped wanting the answer.
    """
