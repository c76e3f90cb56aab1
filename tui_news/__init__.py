"""tui-news: a fast, keyboard-driven terminal newsreader."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tui-news")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"
