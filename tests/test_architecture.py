"""The core stands alone: it never imports Textual or Rich, and the package ships its data."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from importlib.resources import files

import tui_news.core


def test_core_never_imports_the_ui() -> None:
    modules = [m.name for m in pkgutil.walk_packages(tui_news.core.__path__, "tui_news.core.")]
    assert "tui_news.core.library.store" in modules and len(modules) >= 8
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in modules)
        + "import tui_news.cli\n"
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_styles_and_sample_library_ship_inside_the_package() -> None:
    assert "HeadlineList" in files("tui_news.styles").joinpath("app.tcss").read_text()
    sample = files("tui_news").joinpath("sample")
    names = [p.name for p in sample.iterdir()]
    assert "000_82045d8439cd361a.txt" in names and len(names) >= 12
