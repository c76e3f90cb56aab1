"""[keys]: a key bound to two actions is reported, naming both."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.binding import Binding

from tests.fixtures import library, notices, settle
from tui_news.core.reader import make_reader
from tui_news.ui.app import NewsApp
from tui_news.ui.keymap import Scope, clashes

APP = [Binding("s", "star", "Star", id="star"), Binding("f", "full", "Full", id="full_article")]
PANE = [Binding("j,down", "down", "Down", id="down"), Binding("space", "page", "Page", id="page")]
SCOPES = [("Everywhere", [*APP, Binding("space", "on", "On", id="read_on")]), ("Pane", PANE)]


def lines(scopes: Sequence[Scope], keymap: dict[str, str]) -> list[str]:
    """The lines :func:`clashes` reports."""
    return list(clashes(scopes, keymap))


def test_a_rebound_key_that_another_action_holds_is_named_with_both() -> None:
    assert lines(SCOPES, {"star": "f"}) == ['[keys]: "f" is bound to both star and full_article']


def test_a_pane_key_that_hides_an_app_key_is_a_clash_both_ways() -> None:
    assert lines(SCOPES, {"star": "j"}) == ['[keys]: "j" is bound to both down and star']
    assert lines(SCOPES, {"down": "s,down"}) == ['[keys]: "s" is bound to both down and star']


def test_two_ids_rebound_to_one_key_clash() -> None:
    assert lines(SCOPES, {"star": "x", "full_article": "x"}) == [
        '[keys]: "x" is bound to both star and full_article'
    ]


def test_overlaps_the_program_ships_with_and_moved_keys_are_not_clashes() -> None:
    assert lines(SCOPES, {}) == []  # space: read on, and page in the pane
    assert lines(SCOPES, {"read_on": "space,x"}) == []
    assert lines(SCOPES, {"star": "f", "full_article": "F"}) == []


def app_with_config(data_dir: Path, news: Path, config: str) -> NewsApp:
    """The app on the sample news, with ``config`` as its config file."""
    data_dir.mkdir()
    (data_dir / "config.toml").write_text(config)
    return NewsApp(library(make_reader(data_dir), news))


async def test_the_readme_example_star_on_f_is_reported_when_the_app_starts(
    data_dir: Path, news: Path
) -> None:
    app = app_with_config(data_dir, news, '[keys]\nstar = "f"\nnext_unread = "n,ctrl+n"\n')
    reader = app.reader
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        shown = notices(app)
        await pilot.press("s")  # star keeps its own key; f stays the full article's
        await settle(app, pilot)
        assert app.headlines.current_id is not None
        assert reader.article(app.headlines.current_id).starred  # type: ignore[union-attr]
    assert shown == ['[keys]: "f" is bound to both star and full_article; star keeps its own keys']


async def test_a_key_that_is_no_key_or_none_is_reported_and_the_action_keeps_its_own(
    data_dir: Path, news: Path
) -> None:
    app = app_with_config(data_dir, news, '[keys]\ntoggle_read = "ctrl+zz"\nnext_unread = ""\n')
    reader = app.reader
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert notices(app) == ["2 settings in the config file are not used: ! lists them."]
        assert sorted(p.reason for p in app.config_problems) == [
            "[keys]: next_unread: no key given; it keeps its own keys",
            "[keys]: toggle_read: 'ctrl+zz' is no key; it keeps its own keys",
        ]
        first = app.headlines.current_id
        await pilot.press("m")  # m still toggles read
        await settle(app, pilot)
        assert first is not None and reader.article(first).read  # type: ignore[union-attr]


async def test_an_unknown_key_id_is_named_inert(data_dir: Path, news: Path) -> None:
    app = app_with_config(data_dir, news, '[keys]\n"\\u001b]0;pwned\\u0007" = "q"\nstarr = "x"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert notices(app) == ["[keys]: '\\x1b]0;pwned\\x07', 'starr' are no key ids"]


def test_key_names_are_those_textual_reports() -> None:
    from tui_news.ui.keymap import is_key

    assert all(map(is_key, ["x", "G", "ctrl+l", "shift+tab", "question_mark", "pageup", "f5"]))
    assert not any(map(is_key, ["ctrl+zz", "foo+a", "", "ctrl++", "pgup"]))


async def test_the_keys_sheet_writes_each_key_as_the_config_file_takes_it(
    data_dir: Path, news: Path
) -> None:
    """The README says [keys] takes keys as ? shows them: the footer's ^l and pgup are no
    keys there, ctrl+l and pageup are."""
    from tui_news.ui.keymap import is_key

    app = app_with_config(data_dir, news, "")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        shown = [
            key
            for _group, rows in app.key_groups()
            for keys, _what, _id in rows
            if "…" not in keys
            for key in keys.split()
        ]
    assert {"ctrl+l", "pageup", "escape", "enter", "?", "/"} <= set(shown)
    assert [key for key in shown if not is_key(key)] == []


async def test_several_unused_settings_are_one_notice_and_listed_under_the_problems_key(
    data_dir: Path, news: Path
) -> None:
    """A notice each covered the headline list, and ! said there was nothing to report."""
    from tui_news.ui.screens import ProblemsScreen

    config = (
        'theme = "nope"\ntimeout_seconds = -3\n[sources."nowhere"]\nkeep = 5\n[keys]\nstar = "f"\n'
    )
    app = app_with_config(data_dir, news, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert notices(app) == ["4 settings in the config file are not used: ! lists them."]
        await pilot.press("exclamation_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, ProblemsScreen)
        assert app.screen.sheet_title == "Problems (4)"  # these four, nothing else wrong
    reasons = [p.reason for p in app.config_problems]
    assert len(reasons) == 4 and all(p.source == "config.toml" for p in app.config_problems)
    assert any(r.startswith("timeout_seconds") for r in reasons)
    assert "[sources.'nowhere'] names no source (see tui-news sources)" in reasons
    assert "theme 'nope' is no theme here; using the default" in reasons
