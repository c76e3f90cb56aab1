"""The app's config file at start: what it sets (date format, pictures, theme, keys), what it
holds that is not used (one notice, listed under ``!``), and the theme picked in the palette
saved back to it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.theme import BUILTIN_THEMES, Theme

from tui_news.core.config import ConfigError, save_theme
from tui_news.core.models import Problem
from tui_news.ui.app_parts import AppParts
from tui_news.ui.commands import binding_ids, key_scopes
from tui_news.ui.keymap import usable

if TYPE_CHECKING:
    from tui_news.ui.graphics_draw import Graphics, PictureDrawer

FEW_COLOURS = ("standard", "windows")  # Rich's colour systems of 16 colours or fewer
# The theme there unless the config names one: the terminal's own palette (Textual's ansi-dark),
# with the cursor in cyan and the cursor of an unfocused list in grey, where ansi-dark hides it
_ANSI = BUILTIN_THEMES["ansi-dark"]
FEW_COLOURS_THEME = replace(
    _ANSI,
    name="tui-news-16",
    accent="ansi_cyan",
    variables={**_ANSI.variables, "panel": "ansi_bright_black", "text-muted": "ansi_default"},
)


class ConfigActions(AppParts):
    """The config file's part in the app; mixed into :class:`~tui_news.ui.app.NewsApp`."""

    config_problems: list[Problem]  # what the config file holds that is not used
    _saved_theme: str | None

    if TYPE_CHECKING:  # what the app provides beside AppParts
        graphics: Graphics
        picture_drawer: PictureDrawer | None

    def _apply_config(self) -> None:
        config = self.reader.config
        said = [*config.problems, *self.reader.unmatched_settings()]  # each names the file
        self.article_view.date_format = config.date_format
        self.article_view.picture_mode, self.article_view.picture_settings = config.images, config
        self.article_view.graphics = self.graphics
        if self.picture_drawer is not None:
            self.picture_drawer.add(self.article_view)
        if config.theme:
            if config.theme in self.available_themes:
                self.theme = config.theme
            else:
                said.append(f"theme {config.theme!r} is no theme here; using the default")
        elif self.console.color_system in FEW_COLOURS:
            # Textual's own themes, brought down to 16 colours, draw focus and the cursor in red;
            # the terminal's own palette is what its user chose (and not saved as a choice)
            self.theme = self._saved_theme = FEW_COLOURS_THEME.name
        known = binding_ids()
        unknown = sorted(set(config.keys) - known)
        if unknown:
            ids = ", ".join(map(repr, unknown))
            said.append(
                f"[keys]: {ids} {'is no key id' if len(unknown) == 1 else 'are no key ids'}"
            )
        keymap, refused = usable(key_scopes(), {k: v for k, v in config.keys.items() if k in known})
        self.set_keymap(keymap)
        self._config_said(said + refused)
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _config_said(self, lines: list[str]) -> None:
        """Say what the config file holds that is not used: one line as it is; more in one
        notice, each then listed under ``!`` (a notice each covered the headlines)."""
        path = f"{self.reader.paths.config}: "
        self.config_problems = [
            Problem(str(self.reader.paths.config), line.removeprefix(path), "config.toml")
            for line in lines
        ]
        if len(lines) == 1:
            self.notify(lines[0], title="Config", severity="warning", markup=False, timeout=12)
        elif lines:
            self.notify(
                f"{len(lines)} settings in the config file are not used: ! lists them.",
                title="Config",
                severity="warning",
                markup=False,
                timeout=12,
            )

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            try:
                save_theme(self.reader.paths.config, theme.name)
            except (OSError, ConfigError) as error:
                self.notify(f"Could not save the theme: {error}", severity="warning", markup=False)
