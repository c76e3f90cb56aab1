"""Where the library and config live, and the settings read from ``config.toml``."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from tui_news.core.sources.files import DEFAULT_MAX_BYTES

APP_NAME = "tui-news"
LIBRARY_FILE = "library.sqlite"
CONFIG_FILE = "config.toml"
ENV_DATA_DIR = "TUI_NEWS_DATA_DIR"

CONFIG_TEMPLATE = """\
# tui-news settings. Every key is optional; delete a line to get the default back.

# theme = "textual-dark"          # any Textual theme; picking one in the app saves it here
# max_file_mb = 5                 # local files larger than this are skipped
# refresh_on_start = true         # rescan sources when the reader opens

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
    max_file_bytes: int = DEFAULT_MAX_BYTES
    refresh_on_start: bool = True
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
        size = data.get("max_file_mb", DEFAULT_MAX_BYTES / 1024 / 1024)
        if not isinstance(size, int | float) or isinstance(size, bool) or size <= 0:
            raise ConfigError(f"{path}: max_file_mb must be a positive number")
        config.max_file_bytes = int(size * 1024 * 1024)
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
