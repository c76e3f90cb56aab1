"""Where the library and config live, and the settings read from ``config.toml``.

A setting with a bad value is reported (one line naming the key) and takes its default; the
rest of the file still counts. Per-source settings live in ``[sources."NAME OR ADDRESS"]``.
Each setting is declared once, as a field of :class:`Config` or :class:`SourceSettings` made by
:func:`setting`: its default, its check and its comment, which the loader, the sample config
(:func:`sample_config`) and the rest of the core (:data:`DEFAULTS`) all read.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from tui_news.core.disk import Skip, read_regular
from tui_news.core.errors import UserError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

APP_NAME = "tui-news"
LIBRARY_FILE = "library.sqlite"
CONFIG_FILE = "config.toml"
ENV_DATA_DIR = "TUI_NEWS_DATA_DIR"
MB = 1024 * 1024
LARGEST = 1_000_000  # no setting needs more (minutes, MB, connections, articles)
IMAGE_MODES = ("auto", "kitty", "sixel", "halfblocks", "off")  # the ``images`` setting


class ConfigError(UserError):
    """A value in the config file is not usable; the message names the key."""


@dataclass(frozen=True, slots=True)
class Paths:
    """The library file and the config file."""

    library: Path
    config: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> Paths:
        """``data_dir`` (or ``$TUI_NEWS_DATA_DIR``) holds both; else the platform's folders."""
        chosen = data_dir or os.environ.get(ENV_DATA_DIR)
        if chosen:
            base = Path(chosen).expanduser().absolute()
            return cls(base / LIBRARY_FILE, base / CONFIG_FILE)
        data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        config = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
        return cls(data / LIBRARY_FILE, config / CONFIG_FILE)


# --- checking values ----------------------------------------------------------------------

Check = Callable[[Any], Any]


def _number(minimum: float, *, above: bool = False, whole: bool = False) -> Check:
    """A check for a number of at least (or, with ``above``, more than) ``minimum``."""
    kind = "a whole number" if whole else "a number"
    bound = f"more than {minimum:g}" if above else f"{minimum:g} or more"

    def check(value: Any) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        ok = ok and math.isfinite(value) and abs(value) <= LARGEST
        if ok and whole and not float(value).is_integer():
            ok = False
        if not ok or value < minimum or (above and value == minimum):
            raise ConfigError(f"must be {kind} {bound} (and at most {LARGEST:,})")
        return int(value) if whole else float(value)

    return check


class Adjusted(ConfigError):
    """A value that is usable once changed: ``value`` is used, the message says why."""

    def __init__(self, message: str, value: Any) -> None:
        super().__init__(message)
        self.value = value


def _interval(value: Any) -> float:
    """Minutes between refreshes: 0 (never), else at least 1 (less would hammer servers)."""
    minutes: float = _number(0)(value)
    if 0 < minutes < 1:
        raise Adjusted(f"is {minutes:g}, under a minute; using 1 (0 turns it off)", 1.0)
    return minutes


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError("must be true or false")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError("must be a string in quotes")
    return value


# strftime's codes (C's and glibc's), after an optional flag and width: %-d, %_H, %Ey
_DATE_CODE = re.compile(r"%[-_0^#]?\d*[EO]?(.?)", re.S)
_DATE_LETTERS = frozenset("aAbBcCdDeFfgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%")


def _date_format(value: Any) -> str:
    text = _text(value)
    for code in _DATE_CODE.finditer(text):
        if code.group(1) not in _DATE_LETTERS:  # strftime would print it as written
            unknown = code.group(0) or "%"
            raise ConfigError(f"has {unknown!r}, which is no date code (like %Y-%m-%d %H:%M)")
    try:
        shown = datetime(2026, 1, 31, 12, 0).strftime(text)
    except ValueError as error:
        raise ConfigError(f"is not a date format ({error})") from None
    if shown == text:
        raise ConfigError("has no date codes (like %Y-%m-%d %H:%M)")
    return text


def _choice(*choices: str) -> Check:
    """A check for one of ``choices``."""

    def check(value: Any) -> str:
        if value not in choices:
            raise ConfigError("must be one of " + ", ".join(f'"{c}"' for c in choices))
        return str(value)

    return check


def _keys(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError('maps binding ids to key strings, like next_unread = "n,ctrl+n"')
    return dict(value)


def setting(default: Any, check: Check, comment: str, example: Any = None) -> Any:
    """A setting of the file: its default (the one place it is written), its check, and the
    comment beside it in the sample config; an ``example`` is shown there instead of the
    default (which the comment then names, unless it is none)."""
    meta = {"check": check, "comment": comment, "example": example}
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """Settings for one source, in ``[sources."NAME OR ADDRESS"]``; ``None``: the global one."""

    refresh_minutes: float | None = setting(
        None, _interval, "its own interval (0: only when you press r or R)", 120
    )
    keep: int | None = setting(None, _number(0, whole=True), "its own keep limit", 200)
    full_article: bool = setting(False, _flag, "fetch each new article's web page", True)


@dataclass(slots=True)
class Config:
    """Settings from ``config.toml``; every one has a default. ``problems`` says what was
    wrong with the file, one line each (those settings took their defaults)."""

    theme: str | None = setting(
        None, _text, "any Textual theme; picking one in the palette saves it here", "textual-dark"
    )
    refresh_on_start: bool = setting(True, _flag, "refresh every source when the reader opens")
    refresh_minutes: float = setting(
        30, _interval, "refresh sources this often while the reader is open (0: never)"
    )
    max_connections: int = setting(16, _number(1, whole=True), "feeds fetched at once")
    timeout_seconds: float = setting(
        20, _number(0, above=True), "give up on a server after this long"
    )
    max_feed_mb: float = setting(10, _number(0, above=True), "larger feeds are refused")
    max_file_mb: float = setting(5, _number(0, above=True), "larger local files are skipped")
    image_cache_mb: float = setting(
        200, _number(0), "pictures kept on disk; the oldest go first (0: none kept)"
    )
    keep: int = setting(
        0,
        _number(0, whole=True),
        "articles each feed keeps besides those it still sends (0: 10,000)",
    )
    browser: str = setting("", _text, 'command that opens links; "" uses the system\'s browser')
    date_format: str = setting(
        "%a %d %b %Y %H:%M", _date_format, "the date above an article (Python strftime codes)"
    )
    group_stories: bool = setting(
        True, _flag, "a story told by several outlets is one row (+N); reading it reads all"
    )
    images: str = setting(
        "auto",
        _choice(*IMAGE_MODES),
        "pictures in articles: auto, kitty, sixel, halfblocks, off",
    )
    keys: dict[str, str] = setting(
        {}, _keys, "rebind by id: press ? in the app to see every id", {"next_unread": "n,ctrl+n"}
    )
    sources: dict[str, SourceSettings] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_feed_bytes(self) -> int:
        return int(self.max_feed_mb * MB)

    @property
    def image_cache_bytes(self) -> int:
        return int(self.image_cache_mb * MB)

    def for_source(self, name: str, location: str) -> SourceSettings:
        """The settings of a source, found by its address or (ignoring case) its name."""
        if location in self.sources:
            return self.sources[location]
        wanted = name.casefold()
        for key, settings in self.sources.items():
            if key.casefold() == wanted:
                return settings
        return SourceSettings()

    def keep_for(self, name: str, location: str) -> int:
        """How many read articles a source keeps (0: all of them)."""
        keep = self.for_source(name, location).keep
        return self.keep if keep is None else keep

    @classmethod
    def load(cls, path: Path) -> Config:
        """Read ``path``; a missing file gives the defaults, a broken one its problems."""
        config = cls()
        try:
            _, data = read_config(path)
        except (FileNotFoundError, NotADirectoryError):
            return config
        except ConfigError as error:
            config.problems.append(f"{error}; using the defaults")
            return config
        known = {key for key, *_ in GLOBAL} | {"sources", "accounts"}  # accounts: core/sync
        for key in sorted(set(data) - known):
            config.problems.append(f"{path}: unknown setting {key!r} (ignored)")
        for attribute, value in _apply(data, GLOBAL, f"{path}: ", config.problems).items():
            setattr(config, attribute, value)
        sources = data.get("sources", {})
        if not isinstance(sources, dict):
            config.problems.append(f'{path}: sources must be tables like [sources."NAME"]')
            return config
        for name, table in sources.items():
            where = f"{path}: [sources.{name!r}] "
            if not isinstance(table, dict):
                config.problems.append(f"{where}must be a table of settings")
                continue
            known_here = {key for key, *_ in PER_SOURCE}
            for key in sorted(set(table) - known_here):
                config.problems.append(f"{where}unknown setting {key!r} (ignored)")
            values = _apply(table, PER_SOURCE, where, config.problems)
            config.sources[name] = SourceSettings(**values)
        return config


Setting = tuple[str, Check, Any]  # key, check, default


def _settings(defaults: DataclassInstance) -> list[Setting]:
    """The settings a class of them declares (see :func:`setting`), read from an instance."""
    return [
        (f.name, f.metadata["check"], getattr(defaults, f.name))
        for f in fields(defaults)
        if "check" in f.metadata
    ]


GLOBAL = _settings(Config())
PER_SOURCE = _settings(SourceSettings())
DEFAULTS = Config()  # read, never changed: every setting as it is when the file says nothing


def _apply(
    data: dict[str, Any], settings: list[Setting], where: str, problems: list[str]
) -> dict[str, Any]:
    """The checked values of the settings present in ``data``, by key; a bad one is reported
    in ``problems`` and left out (so it keeps its default)."""
    values: dict[str, Any] = {}
    for key, check, default in settings:
        if key not in data:
            continue
        try:
            values[key] = check(data[key])
        except Adjusted as note:
            values[key] = note.value
            problems.append(f"{where}{key} {note}")
        except ConfigError as error:
            problems.append(f"{where}{key} {error}; using {_toml(default)}")
    return values


def _toml(value: Any) -> str:
    """A default as the config file would spell it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string, escapes and all
    return "{}" if isinstance(value, dict) else str(value)


def _sample_lines(defaults: DataclassInstance) -> list[str]:
    """The lines of the sample config for one class of settings, each at its default (or its
    example, when it has one), tables last."""
    lines, tables = [], []
    for f in fields(defaults):
        if "check" not in f.metadata:
            continue
        default, example = getattr(defaults, f.name), f.metadata["example"]
        comment = f.metadata["comment"]
        if example is not None and default not in (None, {}):
            comment += f" (default {_toml(default)})"
        shown = default if example is None else example
        if isinstance(shown, dict):
            tables.append(_beside(f"[{f.name}]", comment))
            tables += [f"{key} = {_toml(value)}" for key, value in shown.items()]
        else:
            lines.append(_beside(f"{f.name} = {_toml(shown)}", comment))
    return lines + ([""] if lines and tables else []) + tables


def sample_config() -> str:
    """The config file written when there is none: every setting shown, commented out."""
    lines = [
        *_sample_lines(DEFAULTS),
        "",
        _beside(_SOURCE_TABLE, "one source, by its address or its name"),
        *_sample_lines(SourceSettings()),
    ]
    head = "# tui-news settings. Every key is optional; delete a line to get the default back.\n"
    return head + "\n" + "".join(f"# {line}\n" if line else "\n" for line in lines)


_SOURCE_TABLE = '[sources."https://example.org/feed.xml"]'


def _beside(line: str, comment: str) -> str:
    """``line`` with ``comment`` after it, the comments of short lines in one column."""
    return f"{line}{' ' * max(30 - len(line), 3)}# {comment}"


MAX_CONFIG_BYTES = 1024 * 1024  # a config file is a few KB; more is a mistake, not settings


def read_config(path: Path) -> tuple[str, dict[str, Any]]:
    """The text of the config file and its settings, parsed once. Raises
    ``FileNotFoundError`` if there is none, and :class:`ConfigError` if it cannot be one:
    unreadable, not a regular file (a FIFO would block, ``/dev/zero`` never end), over
    :data:`MAX_CONFIG_BYTES`, not UTF-8 or not TOML."""
    try:
        data, _ = read_regular(path, MAX_CONFIG_BYTES)
    except (FileNotFoundError, NotADirectoryError):
        raise
    except Skip as why:
        raise ConfigError(f"{path} is {why}") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path} ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8")
        return text, tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path} is not UTF-8 text ({error.reason})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML ({error})") from None


def save_theme(path: Path, theme: str) -> None:
    """Remember ``theme`` in the config file, keeping the rest of it (comments included).

    A symlinked config file stays a link: the file it points to is replaced. A new config file
    is readable by its owner only. A config file that cannot be read (not valid TOML, say) is
    left alone: :class:`ConfigError` says why.
    """
    import tomlkit

    target = Path(os.path.realpath(path))
    try:
        text, _ = read_config(target)
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        text, mode = sample_config(), 0o600
    document = tomlkit.parse(text)
    document["theme"] = theme
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(tomlkit.dumps(document))
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
