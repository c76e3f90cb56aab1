"""Dates from outside (ISO 8601, RFC 2822, YAML values) turned into Unix timestamps in UTC."""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, date, datetime
from datetime import time as midnight


def to_timestamp(value: object) -> float | None:
    """Return a UTC Unix timestamp for a date-like value, or ``None`` if it is not one.

    Naive times are taken as UTC; a bare date is midnight UTC.
    """
    moment: datetime | None
    if isinstance(value, str) and (common := _COMMON_RFC822.fullmatch(value.strip())):
        stamp = _common_stamp(common)
        if stamp is not None:
            return plausible(stamp)
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, midnight())
    elif isinstance(value, str) and value.strip().isdigit() and value.isascii():  # not "²"
        digits = value.strip()
        if len(digits) >= 9:  # seconds since 1970 (fewer would be before 1973)
            return plausible(float(digits))
        if len(digits) == 4:  # a year
            moment = datetime(int(digits), 1, 1) if digits > "0000" else None
        else:  # 20240501, say
            moment = _parse_string(digits)
        if moment is None:
            return None
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


# RFC 822's usual form, as most RSS feeds write it ("Thu, 28 May 2026 20:26:40 +0000"): read
# here without the email package, to the same moment. Any other form (other zones, spacing,
# single-digit hours, two-digit years) takes the general path below.
_MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_COMMON_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) "
    rf"({'|'.join(_MONTHS)}) ([1-9][0-9]{{3}}) ([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]) "
    r"(?:([+-])([01][0-9])([0-5][0-9])|GMT|UTC?|Z)"
)
_EPOCH_DAY = date(1970, 1, 1).toordinal()


def _common_stamp(found: re.Match[str]) -> float | None:
    """The timestamp of a date in RFC 822's usual form; ``None`` for a day the month lacks."""
    day, month, year, hours, minutes, seconds, sign, zone_hours, zone_minutes = found.groups()
    try:
        days = date(int(year), _MONTHS[month], int(day)).toordinal() - _EPOCH_DAY
    except ValueError:
        return None
    offset = int(zone_hours) * 3600 + int(zone_minutes) * 60 if sign else 0
    stamp = days * 86400 + int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    return float(stamp + offset if sign == "-" else stamp - offset)


def _parse_string(text: str) -> datetime | None:
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    if candidate[-4:] in (" UTC", " GMT"):  # 2026-11-02 10:00:00 UTC (Ruby's way)
        candidate = candidate[:-4] + "+00:00"
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # RFC 2822 (the email package: ~5 ms to load)

    try:
        moment = parsedate_to_datetime(_numeric_zone(text))
    except (TypeError, ValueError, IndexError):
        return None
    year = _YEAR.search(text)
    if year and int(year[1]) != moment.year:  # 0001, .NET's "no date", is not 2001
        return None
    return moment


# Zones RFC 2822 does not name (the email package reads them as UTC), by their usual offsets;
# IST as India's.
_ZONES = {
    "CET": "+0100", "CEST": "+0200", "MET": "+0100", "MEST": "+0200", "WET": "+0000",
    "WEST": "+0100", "BST": "+0100", "IST": "+0530", "EET": "+0200", "EEST": "+0300",
    "MSK": "+0300", "JST": "+0900", "KST": "+0900", "HKT": "+0800", "SGT": "+0800",
    "AWST": "+0800", "ACST": "+0930", "ACDT": "+1030", "AEST": "+1000", "AEDT": "+1100",
    "NZST": "+1200", "NZDT": "+1300", "HST": "-1000", "AKST": "-0900", "AKDT": "-0800",
    "NST": "-0330", "NDT": "-0230",
}  # fmt: skip
_OFFSET = re.compile(r"(?:GMT|UTC)?([+-]\d\d):?(\d\d)", re.I)
_YEAR = re.compile(r"(?<![+\-\d:])(\d{4})(?![\d:])")


def _numeric_zone(text: str) -> str:
    """An RFC 2822 date with its zone as the email package reads it: a zone name it does not
    know, ``+01:00`` or ``GMT+0100`` as ``+0100``."""
    head, _, zone = text.rpartition(" ")
    if not head:
        return text
    if zone.upper() in _ZONES:
        return f"{head} {_ZONES[zone.upper()]}"
    offset = _OFFSET.fullmatch(zone)
    return f"{head} {offset[1]}{offset[2]}" if offset else text


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
