"""feedparser's own test corpus (from its source distribution) through tui-news's parser.

For every document in which feedparser finds titled entries, tui-news keeps at least as many
items, and no document makes ``parse_feed`` raise anything but its one-line ``FeedError``.

The corpus (2,245 files, 9 MB unpacked) is not committed: the test takes the sdist of the
installed feedparser version from ``TUI_NEWS_FEEDPARSER_SDIST`` (a path) or from
``~/.cache/tui-news/``, and otherwise downloads it once with
``pip download feedparser==VERSION --no-binary :all: --no-deps`` (PyPI must be reachable).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import feedparser
import pytest

from tui_news.core.sources.feeds import FeedError, parse_feed

SUFFIXES = (".xml", ".rdf", ".json")


def sdist() -> Path:
    """The feedparser sdist matching the installed version, downloaded once if need be."""
    given = os.environ.get("TUI_NEWS_FEEDPARSER_SDIST")
    if given:
        return Path(given)
    version = feedparser.__version__
    cache = Path.home() / ".cache" / "tui-news"
    found = cache / f"feedparser-{version}.tar.gz"
    if not found.exists():
        cache.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", f"feedparser=={version}",
                   "--no-binary", ":all:", "--no-deps", "--quiet", "-d", str(cache)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not found.exists():
            pytest.fail(f"cannot download feedparser's sdist ({' '.join(command)}):\n{done.stderr}")
    return found


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, bytes]]:
    documents = []
    with tarfile.open(sdist()) as archive:
        for member in archive.getmembers():
            if member.isfile() and "/tests/" in member.name and member.name.endswith(SUFFIXES):
                handle = archive.extractfile(member)
                assert handle is not None
                documents.append((member.name.split("/tests/", 1)[1], handle.read()))
    assert len(documents) > 2000  # the whole corpus, not a stub
    return documents


def test_every_titled_entry_feedparser_finds_is_kept(corpus: list[tuple[str, bytes]]) -> None:
    compared, short, crashed = 0, [], []
    for name, data in corpus:
        try:
            kept = len(parse_feed(data, f"http://feedparser.example/{name}").items)
        except FeedError as error:
            assert "\n" not in str(error)
            kept = 0
        except Exception as error:  # every other exception is a failure
            crashed.append(f"{name}: {type(error).__name__}: {error}")
            continue
        titled = sum(1 for entry in feedparser.parse(data).entries if entry.get("title"))
        if titled:
            compared += 1
            if kept < titled:
                short.append(f"{name}: {kept} of {titled}")
    assert crashed == []
    assert short == []
    assert compared >= 200  # feedparser 6.0 finds titled entries in 202 of its documents
