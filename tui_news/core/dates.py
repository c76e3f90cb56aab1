"""Dates from outside (ISO 8601, RFC 2822, YAML values) turned into Unix timestamps in UTC."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from datetime import time as midnight
from email.utils import parsedate_to_datetime


def to_timestamp(value: object) -> float | None:
    """Return a UTC Unix timestamp for a date-like value, or ``None`` if it is not one.

    Naive times are taken as UTC; a bare date is midnight UTC.
    """
    moment: datetime | None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, midnight())
    elif isinstance(value, str) and value.strip().isdigit() and value.isascii():  # not "²"
        return _plausible(float(value.strip()))  # seconds since 1970
    elif isinstance(value, str) and value.strip():
        moment = _parse_string(value.strip())
        if moment is None:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return _plausible(moment.timestamp())
    except (OverflowError, OSError, ValueError):
        return None


def _plausible(timestamp: float) -> float | None:
    """A timestamp, unless it is more than a day in the future (a broken clock or feed)."""
    return timestamp if timestamp <= time.time() + 86400 else None


def _parse_string(text: str) -> datetime | None:
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
