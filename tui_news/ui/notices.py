"""What a finished refresh tells the user: one line of news, one for failures, one for skips."""

from __future__ import annotations

from typing import Literal, NamedTuple

from tui_news.core.models import RefreshReport
from tui_news.core.text import counted, name_order

NAMED_FAILURES = 3  # sources named in the notice; the rest are under !


class Notice(NamedTuple):
    """One pop-up: its text, how it looks and how long it stays."""

    text: str
    severity: Literal["information", "warning", "error"]
    timeout: float


def refresh_notices(report: RefreshReport, asked: bool = False) -> list[Notice]:
    """The notices for a refresh: what it brought, then what failed that was not failing the
    same way before (all of them in one notice), then what it could not read. A refresh the
    user ``asked`` for (``r``, ``R``) that has none of these says so, where one on a timer
    keeps quiet."""
    notices = []
    parts = [counted(report.added, "new article")] if report.added else []
    if report.updated:
        parts.append(f"{report.updated:,} changed")
    if report.removed:
        parts.append(f"{report.removed:,} removed")
    if parts:
        notices.append(Notice(", ".join(parts) + ".", "information", 4))
    fresh = report.new_failures
    if len(fresh) == 1:
        ((name, reason),) = fresh.items()
        notices.append(Notice(f"{name} failed: {reason}", "error", 8))
    elif fresh:
        names = sorted(fresh, key=name_order)
        shown = ", ".join(names[:NAMED_FAILURES]) + (", …" if len(names) > NAMED_FAILURES else "")
        text = f"{counted(len(names), 'source')} failed ({shown}): press ! for details."
        notices.append(Notice(text, "error", 8))
    if report.problems:
        # files skipped, items beyond a feed's limits, pages a full article was not read from
        text = f"Not all was read ({counted(len(report.problems), 'problem')}): ! shows why."
        notices.append(Notice(text, "warning", 6))
    if asked and not notices:
        still = len(report.failed)  # failing as before: said when they began
        text = f"Nothing new; {counted(still, 'source')} still failing (! shows why)."
        notices.append(Notice(text if still else "Nothing new.", "information", 3))
    return notices
