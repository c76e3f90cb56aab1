"""What went wrong with each source, for ``!`` and the command line: its last error, and what
its last refresh could not read (a file skipped, items beyond a feed's limits, a full article).
Part of :class:`~tui_news.core.library.store.Store`."""

from __future__ import annotations

from tui_news.core.library import sql
from tui_news.core.library.connections import Connections
from tui_news.core.models import Problem
from tui_news.core.text import name_order, one_line, without_password


class Problems(Connections):
    """A library's record of its sources' failures and problems."""

    def set_source_error(self, source_id: int, reason: str) -> None:
        """Record why a source could not be refreshed; its articles stay."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sources SET last_error = ? WHERE id = ?", (one_line(reason), source_id)
            )

    def failures(self) -> dict[int, tuple[str, str]]:
        """Sources whose last refresh failed: id -> (name, reason)."""
        rows = self.conn.execute(
            f"SELECT s.id, {sql.NAME}, s.last_error FROM sources s WHERE s.last_error IS NOT NULL"
        )
        return {sid: (name, error) for sid, name, error in rows}

    def add_problem(self, source_id: int, problem: Problem) -> None:
        """Add to what a source's last refresh could not do (shown under ``!``)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO problems (source_id, location, reason) VALUES (?, ?, ?)",
                (source_id, one_line(problem.location), one_line(problem.reason)),
            )

    def drop_problem(self, source_id: int, location: str) -> None:
        """Forget what was said of a source's ``location`` (it was read since)."""
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM problems WHERE source_id = ? AND location = ?",
                (source_id, one_line(location)),
            )

    def problems(self) -> list[Problem]:
        """Everything the last refresh of each source could not read: the failed sources
        first, in the order of their names (as the sidebar lists them)."""
        rows = self.conn.execute(
            f"SELECT p.location, p.reason, {sql.NAME} FROM problems p "
            "JOIN sources s ON s.id = p.source_id ORDER BY p.id"
        )
        problems = [Problem(without_password(at), why, name) for at, why, name in rows]
        failed = self.conn.execute(
            f"SELECT s.location, s.last_error, {sql.NAME}, a.name, a.url FROM sources s "
            "LEFT JOIN accounts a ON a.id = s.account_id WHERE s.last_error IS NOT NULL"
        )
        found: list[Problem] = []
        by_account: dict[tuple[str, str, str], list[Problem]] = {}  # an account's, alike: one
        for at, why, name, account, url in failed:
            if account is None:
                found.append(Problem(without_password(at), why, name))
            else:
                by_account.setdefault((account, url, why), []).append(Problem(at, why, name))
        for (account, url, why), feeds in by_account.items():
            if len(feeds) == 1:
                found += feeds
            else:
                found.append(Problem(without_password(url), why, f"{account} ({len(feeds)} feeds)"))
        return sorted(found, key=lambda p: name_order(p.source)) + problems
