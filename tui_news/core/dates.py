"""Dates from outside (ISO 8601, RFC 2822, YAML values) turned into Unix timestamps in UTC."""

from __future__ import annotations

import math
import time
from datetime import UTC, date, datetime
from datetime import time as midnight


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
        return plausible(float(value.strip()))  # seconds since 1970
    elif isinstance(value, str) and value.strip():
        moment = _parse_string(value.strip())
        if moment is None:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return plausible(moment.timestamp())
    except (OverflowError, OSError, ValueError):
        return None


def plausible(timestamp: float) -> float | None:
    """A timestamp, unless it is more than a day in the future (a broken clock or feed)."""
    return timestamp if timestamp <= time.time() + 86400 else None


def _parse_string(text: str) -> datetime | None:
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # RFC 2822 (the email package: ~5 ms to load)

    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


EARLIEST = -2208988800.0  # 1900-01-01 UTC: older dates are placeholders ("0001-01-01")
FUTURE_SLACK = 86400.0  # a clock a day fast is tolerated, a date further ahead is not


def storable(timestamp: float | None, now: float | None = None) -> float | None:
    """``timestamp`` if it is a date worth storing, else ``None`` (then the time it was first
    seen stands in): a finite number from 1900 to a day from ``now``."""
    if timestamp is None or not math.isfinite(timestamp) or timestamp < EARLIEST:
        return None
    limit = (time.time() if now is None else now) + FUTURE_SLACK
    return float(timestamp) if timestamp <= limit else None


def local_time(timestamp: float) -> datetime:
    """The local date and time of a stored timestamp; whatever the number (a library written
    by an older version may hold any), a datetime within the range Python can show."""
    try:
        return datetime.fromtimestamp(timestamp)
    except (OverflowError, OSError, ValueError):
        return datetime.min if timestamp < 0 else datetime.max


def utc_time(timestamp: float) -> datetime:
    """:func:`local_time` in UTC."""
    try:
        return datetime.fromtimestamp(timestamp, UTC)
    except (OverflowError, OSError, ValueError):
        return (datetime.min if timestamp < 0 else datetime.max).replace(tzinfo=UTC)
