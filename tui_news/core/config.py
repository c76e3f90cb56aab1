"""Where the library and config live, and the settings read from ``config.toml``."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "tui-news"
LIBRARY_FILE = "library.sqlite"
CONFIG_FILE = "config.toml"
ENV_DATA_DIR = "TUI_NEWS_DATA_DIR"

CONFIG_TEMPLATE = """\
# tui-news settings. Every key is optional; delete a line to get the default back.

# theme = "textual-dark"          # any Textual theme; picking one in the app saves it here
# max_file_mb = 5                 # local files larger than this are skipped
# refresh_on_start = true         # refresh every source when the reader opens
# refresh_minutes = 30            # refresh feeds this often while the reader is open (0: never)
# max_connections = 16            # feeds fetched at once
# timeout_seconds = 20            # give up on a server after this long
# max_feed_mb = 10                # feeds larger than this are refused

# [keys]                          # rebind keys by binding id (see ? in the app)
# next_unread = "n,ctrl+n"
"""


class ConfigError(Exception):
    """The config file cannot be read; the message is one sentence for the user."""


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


@dataclass(slots=True)
class Config:
    """Settings from ``config.toml``; every one has a default."""

    theme: str | None = None
    max_file_bytes: int = 5 * 1024 * 1024
    refresh_on_start: bool = True
    refresh_minutes: float = 30
    max_connections: int = 16
    timeout_seconds: float = 20
    max_feed_bytes: int = 10 * 1024 * 1024
    keys: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Config:
        """Read ``path``; a missing file gives the defaults."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            return cls()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"cannot read the config file {path} ({error})") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"the config file {path} is not valid TOML: {error}") from None
        config = cls()
        theme = data.get("theme")
        if theme is not None and not isinstance(theme, str):
            raise ConfigError(f"{path}: theme must be a string")
        config.theme = theme
        config.max_file_bytes = int(_number(data, "max_file_mb", 5, path) * 1024 * 1024)
        config.max_feed_bytes = int(_number(data, "max_feed_mb", 10, path) * 1024 * 1024)
        config.timeout_seconds = _number(data, "timeout_seconds", 20, path)
        config.max_connections = int(_number(data, "max_connections", 16, path))
        config.refresh_minutes = _number(data, "refresh_minutes", 30, path, allow_zero=True)
        refresh = data.get("refresh_on_start", True)
        if not isinstance(refresh, bool):
            raise ConfigError(f"{path}: refresh_on_start must be true or false")
        config.refresh_on_start = refresh
        keys = data.get("keys", {})
        if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
            raise ConfigError(
                f'{path}: [keys] maps binding ids to key strings, like n = "n,ctrl+n"'
            )
        config.keys = dict(keys)
        return config


def _number(data: dict, key: str, default: float, path: Path, allow_zero: bool = False) -> float:
    value = data.get(key, default)
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or value < 0
        or (value == 0 and not allow_zero)
    ):
        raise ConfigError(f"{path}: {key} must be a {'' if allow_zero else 'positive '}number")
    return float(value)


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
