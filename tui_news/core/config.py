"""Where the library and config live, and the settings read from ``config.toml``.

A setting with a bad value is reported (one line naming the key) and takes its default; the
rest of the file still counts. Per-source settings live in ``[sources."NAME OR ADDRESS"]``.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs

from tui_news.core.errors import UserError

APP_NAME = "tui-news"
LIBRARY_FILE = "library.sqlite"
CONFIG_FILE = "config.toml"
ENV_DATA_DIR = "TUI_NEWS_DATA_DIR"
MB = 1024 * 1024
LARGEST = 1_000_000  # no setting needs more (minutes, MB, connections, articles)

CONFIG_TEMPLATE = """\
# tui-news settings. Every key is optional; delete a line to get the default back.

# theme = "textual-dark"          # any Textual theme; picking one in the app saves it here
# refresh_on_start = true         # refresh every source when the reader opens
# refresh_minutes = 30            # refresh feeds this often while the reader is open (0: never)
# max_connections = 16            # feeds fetched at once
# timeout_seconds = 20            # give up on a server after this long
# max_feed_mb = 10                # feeds larger than this are refused
# max_file_mb = 5                 # local files larger than this are skipped
# keep = 0                        # articles each feed keeps: older read ones go (0: all)
# browser = ""                    # command to open links, "%s" is the address (default: system)
# date_format = "%a %d %b %Y %H:%M"   # the date above an article (strftime)

# [keys]                          # rebind keys by binding id (see ? in the app)
# next_unread = "n,ctrl+n"

# [sources."https://example.org/feed.xml"]   # a source by its address or its name
# refresh_minutes = 120
# full_article = true             # fetch each article's page and keep its text
# keep = 200
"""


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


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError("must be true or false")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError("must be a string in quotes")
    return value


def _date_format(value: Any) -> str:
    text = _text(value)
    try:
        shown = datetime(2026, 1, 31, 12, 0).strftime(text)
    except ValueError as error:
        raise ConfigError(f"is not a date format ({error})") from None
    if shown == text:
        raise ConfigError("has no date codes (like %Y-%m-%d %H:%M)")
    return text


def _keys(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError('maps binding ids to key strings, like next_unread = "n,ctrl+n"')
    return dict(value)


# (key, attribute, check, default as written in the file)
GLOBAL: list[tuple[str, str, Check, Any]] = [
    ("theme", "theme", _text, None),
    ("refresh_on_start", "refresh_on_start", _flag, True),
    ("refresh_minutes", "refresh_minutes", _number(0), 30),
    ("max_connections", "max_connections", _number(1, whole=True), 16),
    ("timeout_seconds", "timeout_seconds", _number(0, above=True), 20),
    ("max_feed_mb", "max_feed_mb", _number(0, above=True), 10),
    ("max_file_mb", "max_file_mb", _number(0, above=True), 5),
    ("keep", "keep", _number(0, whole=True), 0),
    ("browser", "browser", _text, ""),
    ("date_format", "date_format", _date_format, "%a %d %b %Y %H:%M"),
    ("keys", "keys", _keys, {}),
]
PER_SOURCE: list[tuple[str, str, Check, Any]] = [
    ("refresh_minutes", "refresh_minutes", _number(0), None),
    ("full_article", "full_article", _flag, False),
    ("keep", "keep", _number(0, whole=True), None),
]


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """Settings for one source; ``None`` means the global setting."""

    refresh_minutes: float | None = None
    full_article: bool = False
    keep: int | None = None


@dataclass(slots=True)
class Config:
    """Settings from ``config.toml``; every one has a default. ``problems`` says what was
    wrong with the file, one line each (those settings took their defaults)."""

    theme: str | None = None
    refresh_on_start: bool = True
    refresh_minutes: float = 30
    max_connections: int = 16
    timeout_seconds: float = 20
    max_feed_mb: float = 10
    max_file_mb: float = 5
    keep: int = 0
    browser: str = ""
    date_format: str = "%a %d %b %Y %H:%M"
    keys: dict[str, str] = field(default_factory=dict)
    sources: dict[str, SourceSettings] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_feed_bytes(self) -> int:
        return int(self.max_feed_mb * MB)

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
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            return config
        except (OSError, UnicodeDecodeError) as error:
            config.problems.append(f"cannot read {path} ({error}); using the defaults")
            return config
        except tomllib.TOMLDecodeError as error:
            config.problems.append(f"{path} is not valid TOML ({error}); using the defaults")
            return config
        known = {key for key, *_ in GLOBAL} | {"sources"}
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


def _apply(
    data: dict[str, Any],
    settings: list[tuple[str, str, Check, Any]],
    where: str,
    problems: list[str],
) -> dict[str, Any]:
    """The checked values of the settings present in ``data``, by attribute; a bad one is
    reported in ``problems`` and left out (so it keeps its default)."""
    values: dict[str, Any] = {}
    for key, attribute, check, default in settings:
        if key not in data:
            continue
        try:
            values[attribute] = check(data[key])
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
        return f'"{value}"'
    return "{}" if isinstance(value, dict) else str(value)


def save_theme(path: Path, theme: str) -> None:
    """Remember ``theme`` in the config file, keeping the rest of it (comments included)."""
    import tomlkit

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = CONFIG_TEMPLATE
    document = tomlkit.parse(text)
    document["theme"] = theme
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".toml.tmp")
    temporary.write_text(tomlkit.dumps(document), encoding="utf-8")
    temporary.replace(path)
