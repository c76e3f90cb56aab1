"""The config file: every setting, bad values reported by key, per-source settings."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from tui_news.core.browser import browser_command
from tui_news.core.config import (
    GLOBAL,
    PER_SOURCE,
    Config,
    SourceSettings,
    sample_config,
    save_theme,
)


def load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return Config.load(path)


def test_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    config = Config.load(tmp_path / "none.toml")
    assert config == Config() and config.problems == []
    assert config.max_feed_bytes == config.max_feed_mb * 1024 * 1024 > 0


def _uncommented(sample: str) -> str:
    return "".join(line.removeprefix("# ") for line in sample.splitlines(keepends=True)[2:])


def test_the_sample_config_shows_every_setting_at_its_default(tmp_path: Path) -> None:
    sample = sample_config()
    assert all(not line or line.startswith("#") for line in sample.splitlines())  # all optional
    data = tomllib.loads(_uncommented(sample))
    assert set(data) == {key for key, *_ in GLOBAL} | {"sources"}
    [(_, table)] = data["sources"].items()
    assert set(table) == {key for key, *_ in PER_SOURCE}
    config = load(tmp_path, _uncommented(sample))
    assert config.problems == []
    # the rest are examples: a theme, a key, one source's own settings
    assert replace(config, theme=None, keys={}, sources={}) == Config()
    assert config.keys and config.theme and set(config.sources.values()) != {SourceSettings()}


def test_the_readme_shows_the_sample_config() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Configuration", 1)[1].split("```toml\n", 1)[1].split("```")[0]
    missing = [
        line
        for line in _uncommented(sample_config()).splitlines()
        if line and line not in block.splitlines()
    ]
    assert missing == []


def test_a_theme_chosen_without_a_config_file_writes_the_sample(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_theme(path, "nord")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(sample_config()) and text.count("# max_feed_mb = ") == 1
    assert load(tmp_path, text) == Config(theme="nord")


def test_every_setting_is_read(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
theme = "nord"
refresh_on_start = false
refresh_minutes = 0
max_connections = 4
timeout_seconds = 2.5
max_feed_mb = 1
max_file_mb = 0.5
keep = 300
browser = "w3m %s"
date_format = "%Y-%m-%d"
[keys]
star = "f"
[sources."https://example.org/feed.xml"]
refresh_minutes = 120
full_article = true
keep = 20
[sources.Comics]
keep = 5
""",
    )
    assert config.problems == []
    assert (config.theme, config.refresh_on_start, config.refresh_minutes) == ("nord", False, 0)
    assert (config.max_connections, config.timeout_seconds) == (4, 2.5)
    assert (config.max_feed_bytes, config.max_file_bytes) == (1024 * 1024, 512 * 1024)
    assert (config.keep, config.browser, config.date_format) == (300, "w3m %s", "%Y-%m-%d")
    assert config.keys == {"star": "f"}
    feed = config.for_source("Anything", "https://example.org/feed.xml")
    assert feed == SourceSettings(refresh_minutes=120, full_article=True, keep=20)
    assert config.for_source("comics", "/x") == SourceSettings(keep=5)  # by name, any case
    assert config.keep_for("Other", "/y") == 300 and config.keep_for("COMICS", "/x") == 5


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('refresh_minutes = "often"', "refresh_minutes must be a number 0 or more"),
        ("refresh_minutes = -1", "refresh_minutes must be a number 0 or more"),
        ("refresh_minutes = nan", "refresh_minutes must be a number 0 or more"),
        ("max_feed_mb = inf", "max_feed_mb must be a number more than 0"),
        ("max_feed_mb = 1e308", "max_feed_mb must be a number more than 0"),
        ("max_connections = 2.5", "max_connections must be a whole number 1 or more"),
        ("max_connections = 0", "max_connections must be a whole number 1 or more"),
        ("timeout_seconds = 0", "timeout_seconds must be a number more than 0"),
        ("max_feed_mb = true", "max_feed_mb must be a number more than 0"),
        ("keep = -5", "keep must be a whole number 0 or more"),
        ("refresh_on_start = 1", "refresh_on_start must be true or false; using true"),
        ("theme = 3", "theme must be a string in quotes; using none"),
        ('date_format = "YYYY-MM-DD"', "date_format has no date codes"),
        ('date_format = "%Q %Y"', "date_format has '%Q', which is no date code"),
        ('date_format = "%Y %"', "date_format has '%', which is no date code"),
        ("keys = 3", "keys maps binding ids to key strings"),
        ("colour = 'red'", "unknown setting 'colour' (ignored)"),
        ("[sources.x]\nkeep = 'all'", "[sources.'x'] keep must be a whole number 0 or more"),
        ("[sources.x]\nshiny = true", "[sources.'x'] unknown setting 'shiny' (ignored)"),
        ("sources = 3", "sources must be tables like [sources."),
        ("theme = [unclosed", "is not valid TOML"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_key(tmp_path: Path, text: str, problem: str) -> None:
    other = "TOML" not in problem and "max_connections" not in text
    config = load(tmp_path, ("max_connections = 3\n" if other else "") + text)
    assert len(config.problems) == 1, config.problems
    assert problem in config.problems[0]
    assert "\n" not in config.problems[0]
    if other:
        assert config.max_connections == 3  # the rest of the file still counts


def test_bad_values_keep_their_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, 'refresh_minutes = "x"\nkeep = -1\ndate_format = "plain"\n')
    defaults = Config()
    assert (config.refresh_minutes, config.keep, config.date_format) == (
        defaults.refresh_minutes,
        defaults.keep,
        defaults.date_format,
    )
    assert len(config.problems) == 3


def test_browser_command_never_uses_a_shell() -> None:
    url = "https://example.org/a?b=1&c=$(touch /tmp/x);d"
    assert browser_command("", url) is None
    assert browser_command("firefox", url) == ["firefox", url]
    assert browser_command("w3m -o x=1 %s", url) == ["w3m", "-o", "x=1", url]
    assert browser_command("'/opt/my browser/run' --new-tab=%s", url) == [
        "/opt/my browser/run",
        f"--new-tab={url}",
    ]
    assert browser_command("broken 'quote %s", url) == ["broken", "'quote", url]


def test_each_source_refreshes_on_its_own_interval(tmp_path: Path) -> None:
    import time

    from tests.conftest import seed_article
    from tui_news.core.reader import make_reader

    reader = make_reader(tmp_path / "data")
    made = []
    for name in ("often", "rarely", "never"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "a.txt").write_text(seed_article("World", f"From {name}"))
        made.append(reader.add(str(folder))[0].id)
    often, rarely, _never = made
    (tmp_path / "data" / "config.toml").write_text(
        "refresh_minutes = 30\n"
        "[sources.often]\nrefresh_minutes = 5\n"
        "[sources.never]\nrefresh_minutes = 0\n"
    )
    reader.config = Config.load(tmp_path / "data" / "config.toml")
    now = time.time()
    assert reader.due(now + 4 * 60) == []
    assert reader.due(now + 6 * 60) == [often]
    assert reader.due(now + 31 * 60) == [often, rarely]
    # opened without refreshing (refresh_on_start = false) an hour later: none is due at once
    assert reader.due(now + 3600, since=now + 3600) == []
    assert reader.due(now + 3600 + 6 * 60, since=now + 3600) == [often]
    assert reader.check_seconds() == 60
    reader.refresh([often])
    assert reader.due(time.time() + 4 * 60) == []  # counted from this refresh
    reader.config.refresh_minutes = 0
    reader.config.sources.clear()
    assert reader.due(now + 10**6) == [] and reader.check_seconds() is None
    reader.close()
