"""Sync accounts as the reader offers them (``reader.accounts``): add, remove, list, sync.

The password is never stored. It comes from the account's password file (``--password-file``,
whose path is kept), else ``$TUI_NEWS_PASSWORD``, else a prompt (when the caller can ask), else
the ``password_command`` in the account's ``[accounts."NAME"]`` table of ``config.toml``.
A session token the server hands out is kept in ``sessions/ACCOUNT_ID`` beside the library,
readable by its owner only, so most syncs need no password at all.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from tui_news.core.config import ConfigError, read_config
from tui_news.core.errors import LibraryError
from tui_news.core.library import Store
from tui_news.core.library.accounts import Account, AccountRows
from tui_news.core.models import RefreshReport, Source
from tui_news.core.story_grouping import Alongside
from tui_news.core.sync.engine import Credentials, Engine, answered
from tui_news.core.sync.kinds import KINDS, client_class
from tui_news.core.sync.remote import Remote, SyncError, WrongAnswer
from tui_news.core.text import one_line

ENV_PASSWORD = "TUI_NEWS_PASSWORD"
PASSWORD_COMMAND_SECONDS = 30
ERROR_CHARS = 300  # of a failed sync's reason, kept and shown


class Accounts:
    """The sync accounts of one library (see the module's docstring)."""

    def __init__(
        self,
        store: Store,
        config_path: Path,
        data_dir: Path,
        grouping: Callable[[], Alongside] | None = None,
    ) -> None:
        self.rows = AccountRows(store)
        # Groups the articles a sync stores into stories, as a refresh does: each stored batch's
        # share of the work in a thread while the rest downloads, the grouping at the end (the
        # reader's, which does nothing while the config keeps stories apart; by default none).
        self.grouping = grouping or (lambda: Alongside(store, lambda _: None, None))
        self.config_path = config_path
        self.sessions = data_dir / "sessions"
        # Asks the user for an account's password (given the account's name); None: nobody
        # to ask (the app's background sync). The CLI sets it when it runs on a terminal.
        self.prompt: Callable[[str], str] | None = None

    def list(self) -> list[Account]:
        """Every account, with counts, last sync and last error."""
        return self.rows.accounts()

    def find(self, name: str) -> Account:
        """The account called ``name``; :class:`LibraryError` if there is none."""
        for account in self.rows.accounts():
            if account.name == name:
                return account
        for account in self.rows.accounts():
            if account.name.casefold() == name.casefold():
                return account
        raise LibraryError(f"no account is named {name!r} (see tui-news accounts)")

    def account_names(self) -> dict[int, str]:
        """Source id -> name of the account it comes from (for the CLI's ``--json``)."""
        return self.rows.account_names()

    def refuse_change(self, source_id: int) -> None:
        """:class:`LibraryError` for a feed of an account: the server holds its subscriptions
        (a feed removed or renamed here would come back at the next sync)."""
        names = self.rows.account_names()
        if source_id in names:
            raise LibraryError(
                f"that feed comes from the account {names[source_id]!r}: change it on the "
                "server, or remove the account (tui-news account remove)"
            )

    def add(
        self,
        kind: str,
        url: str,
        user: str,
        password_file: str | None = None,
        name: str | None = None,
    ) -> tuple[Account, RefreshReport]:
        """Log in, save the account and make its first sync. Nothing is saved when the login
        fails (:class:`SyncError` says why), the input is unusable (:class:`LibraryError`) or
        the server's answers are not what its kind sends (:class:`WrongAnswer`). A first sync
        that fails otherwise after the login (the server busy, say) leaves the account saved,
        its error recorded: the report's ``failed`` names it."""
        if kind not in KINDS:
            raise LibraryError(f"unknown account kind {kind!r}: use one of {', '.join(KINDS)}")
        try:
            parts = urlsplit(url)
            ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:
            ok = False
        if not ok:
            raise LibraryError(f"{url} is not an http or https address")
        if "@" in parts.netloc:  # the address is stored and shown: no password in it
            raise LibraryError(
                "give the user name with --user and the password with --password-file (or "
                f"{ENV_PASSWORD}), not inside the address"
            )
        if not user.strip():
            raise LibraryError("give the account's user name with --user")
        name = one_line(name) or parts.hostname or url
        same = [a for a in self.rows.accounts() if a.name.casefold() == name.casefold()]
        if same:  # a first sync that failed after the login left it: try it again
            raise LibraryError(
                f"an account named {same[0].name!r} exists already (tui-news sync "
                f"{same[0].name!r} tries it again); another one needs --name"
            )
        if password_file is not None:
            password_file = str(Path(password_file).expanduser().absolute())
        password = self._password(name, password_file, adding=True, user=user)
        remote = client_class(kind)(url, user, password, None)
        with self.grouping() as grouping:
            try:
                answered(kind, remote.login)
                account_id = self.rows.add(name, kind, url, user, password_file)
                self._save_token(account_id, remote.token)
                account = self.rows.account(account_id)
                assert account is not None
                report = self._sync(account, remote, first=True, stored=grouping.stored)
            finally:
                remote.close()
            grouping.finish()  # as a refresh does: new articles join their stories
        return self.rows.account(account_id) or account, report

    def remove(self, name: str) -> tuple[Account, int]:
        """Remove an account, its feeds and their articles, its queue and its session; with
        how many marks made here were still waiting for the server (dropped with it)."""
        account = self.find(name)
        waiting = len(self.rows.pending(account.id))
        self._forget(account.id)
        return account, waiting

    def _forget(self, account_id: int) -> None:
        """Drop an account's rows (feeds, articles, queue) and its kept session."""
        self.rows.remove(account_id)
        self._token_file(account_id).unlink(missing_ok=True)

    def sync(self, name: str | None = None) -> RefreshReport:
        """Sync one account (by name) or all of them, then group the new articles into the
        stories they tell, as a refresh does; failures are in the report's ``failed``, by
        account name."""
        accounts = [self.find(name)] if name is not None else self.rows.accounts()
        report = RefreshReport()
        with self.grouping() as grouping:
            for account in accounts:
                report.merge(self._sync(account, stored=grouping.stored))
            grouping.finish()
        return report

    def sync_sources(
        self,
        sources: Iterable[Source],
        every: bool,
        done: Callable[[Source], None],
        stored: Callable[[], None] = lambda: None,
    ) -> RefreshReport:
        """For a refresh: sync the accounts that ``sources`` come from (with ``every``, all
        accounts), calling ``stored`` after each batch of articles stored, then call ``done``
        for each of those sources (the refresh groups stories once everything is in)."""
        sources = list(sources)
        wanted = self.rows.source_accounts(s.id for s in sources)
        report = RefreshReport()
        for account in self.rows.accounts():
            if every or account.id in wanted:
                report.merge(self._sync(account, stored=stored))
        for source in sources:
            done(source)
        return report

    # --- one sync -------------------------------------------------------------------------

    def _sync(
        self,
        account: Account,
        remote: Remote | None = None,
        first: bool = False,
        stored: Callable[[], None] = lambda: None,
    ) -> RefreshReport:
        """Sync one account, its failure in the report (``first``: the sync of ``account
        add``, which removes the account again and raises when the answers are wrong;
        ``stored``: called after each batch of articles stored)."""
        report = RefreshReport()
        own = remote is None
        try:
            if remote is None:
                token = self._token(account.id)
                remote = client_class(account.kind)(account.url, account.user, "", token)
            credentials = Credentials(
                password=lambda: self._password(
                    account.name, account.password_file, user=account.user
                ),
                save_token=lambda token: self._save_token(account.id, token),
            )
            report.merge(Engine(self.rows, account, remote, credentials, stored=stored).sync())
        except (SyncError, LibraryError, OSError, ValueError) as error:
            if first and isinstance(error, WrongAnswer):
                self._forget(account.id)
                raise
            reason = one_line(str(error))[:ERROR_CHARS].rstrip() or type(error).__name__
            report.failed[account.name] = reason
            if account.last_error == reason:
                report.repeated.add(account.name)
            self.rows.finished(account.id, reason)
            return report
        finally:
            if own and remote is not None:
                remote.close()
        self.rows.finished(account.id, None)
        return report

    # --- the password and the session -----------------------------------------------------

    def _password(
        self, name: str, password_file: str | None, adding: bool = False, user: str = ""
    ) -> str:
        """The account's password from the first source that has one (never stored); a
        password file that cannot be read gives way to the others. ``adding``: for
        ``account add``, which alone takes ``--password-file`` (said when none is found)."""
        unread = None
        if password_file:
            try:
                with open(password_file, encoding="utf-8") as handle:
                    return handle.readline().rstrip("\r\n")
            except (OSError, UnicodeDecodeError) as error:
                why = getattr(error, "strerror", None) or error
                unread = SyncError(f"cannot read the password file {password_file} ({why})")
        if os.environ.get(ENV_PASSWORD):
            return os.environ[ENV_PASSWORD]
        if self.prompt is not None:  # asked for, as "me at home"
            return self.prompt(f"{user} at {name}" if user else name)
        command = self._password_command(name)
        if command:
            return _run_password_command(name, command)
        if unread is not None:
            raise unread
        give = "give --password-file, " if adding else "run this on a terminal to be asked, "
        raise SyncError(
            f"no password for the account {name!r}: {give}set {ENV_PASSWORD}, or set "
            f'password_command in [accounts."{name}"] in config.toml'
        )

    def _password_command(self, name: str) -> str | None:
        try:
            _, data = read_config(self.config_path)
        except (FileNotFoundError, NotADirectoryError, ConfigError):
            return None
        tables = data.get("accounts")
        table = tables.get(name) if isinstance(tables, dict) else None
        command = table.get("password_command") if isinstance(table, dict) else None
        return command if isinstance(command, str) and command.strip() else None

    def _token_file(self, account_id: int) -> Path:
        return self.sessions / str(account_id)

    def _token(self, account_id: int) -> str | None:
        try:
            return self._token_file(account_id).read_text(encoding="utf-8").strip() or None
        except (OSError, UnicodeDecodeError):
            return None

    def _save_token(self, account_id: int, token: str | None) -> None:
        """Keep the session token in a file only the user can read (none: remove it)."""
        path = self._token_file(account_id)
        if token is None:
            path.unlink(missing_ok=True)
            return
        self.sessions.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(token)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise


def _run_password_command(name: str, command: str) -> str:
    """The first line a ``password_command`` prints (run by the shell, as in the config)."""
    try:
        done = subprocess.run(
            command,
            shell=True,
            capture_output=True,
            text=True,
            timeout=PASSWORD_COMMAND_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SyncError(f"the password_command of {name!r} failed ({error})") from None
    said = one_line(done.stderr)[:200]
    if done.returncode != 0:
        why = f"exit status {done.returncode}" + (f": {said}" if said else "")
        raise SyncError(f"the password_command of {name!r} failed ({why})")
    if not done.stdout.strip():
        raise SyncError(
            f"the password_command of {name!r} gave no password" + (f" ({said})" if said else "")
        )
    return done.stdout.splitlines()[0]
