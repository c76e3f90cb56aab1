"""The core stands alone (no Textual or Rich), the UI and CLI reach the library only through
the Reader, and the package ships its data."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import tui_news
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


def _imports_and_attributes(path: Path) -> tuple[set[str], set[str]]:
    """The modules a file imports (lazily too) and the attribute names it reads."""
    tree = ast.parse(path.read_text(), str(path))
    imported: set[str] = set()
    attributes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Attribute):
            attributes.add(node.attr)
    return imported, attributes


def test_ui_and_cli_reach_the_library_only_through_the_reader() -> None:
    package = Path(tui_news.__file__).parent
    modules = [*sorted((package / "ui").glob("*.py")), package / "cli.py"]
    assert len(modules) >= 5
    for path in modules:
        imported, attributes = _imports_and_attributes(path)
        library = ("tui_news.core.library", "tui_news.core.store")
        forbidden = sorted(n for n in imported if n == "sqlite3" or n.startswith(library))
        assert forbidden == [], f"{path.name} imports {forbidden}"
        assert "store" not in attributes, f"{path.name} reaches past the reader to its store"


def test_the_import_check_sees_lazy_imports_and_store_access(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(reader):\n    import sqlite3\n    from tui_news.core import library\n"
        "    return reader.store\n"
    )
    imported, attributes = _imports_and_attributes(sample)
    assert {"sqlite3", "tui_news.core.library"} <= imported and "store" in attributes


def test_styles_and_sample_library_ship_inside_the_package() -> None:
    assert "#list-pane" in files("tui_news.styles").joinpath("app.tcss").read_text()
    sample = files("tui_news").joinpath("sample")
    names = [p.name for p in sample.iterdir()]
    assert "000_82045d8439cd361a.txt" in names and len(names) >= 12


def test_every_package_of_the_source_is_listed_for_the_wheel() -> None:
    """``pip install .`` (not editable) ships only the packages pyproject.toml lists."""
    import tomllib

    root = Path(tui_news.__file__).parent
    listed = set(
        tomllib.loads((root.parent / "pyproject.toml").read_text())["tool"]["setuptools"][
            "packages"
        ]
    )
    found = {
        ".".join(("tui_news", *init.parent.relative_to(root).parts))
        for init in root.rglob("__init__.py")
    }
    assert "tui_news.core.library" in found
    assert found - listed == set()


def test_every_error_for_the_user_shares_one_base() -> None:
    import importlib
    import inspect

    from tui_news.core.errors import UserError

    names = [m.name for m in pkgutil.walk_packages(tui_news.core.__path__, "tui_news.core.")]
    errors = {
        cls
        for name in [*names, "tui_news.cli"]
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass)
        if issubclass(cls, Exception) and cls.__module__.startswith("tui_news")
    }
    assert len(errors) >= 9
    # Not for the user: a file skipped within a scan (too large, among other reasons), a moot
    # read stopped.
    internal = {"Skip", "TooLarge", "QueryInterrupted"}
    outside = sorted(c.__name__ for c in errors if not issubclass(c, UserError))
    assert outside == sorted(internal)


def _import_circles(modules: dict[str, Path]) -> list[list[str]]:
    """Circles of imports (lazy ones too) among ``modules`` (name: file).

    Importing a module loads the packages above it, so an edge to an ancestor package is no
    circle; each circle is found once, from its smallest name.
    """
    graph = {
        name: {
            other
            for other in _imports_and_attributes(path)[0]
            if other in modules and other != name and not name.startswith(other + ".")
        }
        for name, path in modules.items()
    }
    circles = []
    for start in sorted(graph):
        paths = [[start]]
        while paths:
            path = paths.pop()
            for other in graph[path[-1]]:
                if other == start:
                    circles.append(path)
                elif other > start and other not in path:
                    paths.append([*path, other])
    return circles


def test_no_module_of_the_core_imports_itself_round_about(tmp_path: Path) -> None:
    package = Path(tui_news.core.__file__).parent
    modules = {
        ".".join(
            ("tui_news", *path.relative_to(package.parent).with_suffix("").parts)
        ).removesuffix(".__init__"): path
        for path in package.rglob("*.py")
    }
    assert "tui_news.core.sources.files" in modules and len(modules) >= 20
    assert _import_circles(modules) == []
    # the check sees a circle closed by a lazy import, and leaves parent packages out
    (tmp_path / "a.py").write_text("import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from a import x\n")
    (tmp_path / "c.py").write_text("from a import y\n")
    (tmp_path / "p.py").write_text("from p.q import z\n")  # a package's __init__
    (tmp_path / "q.py").write_text("from p import w\n")  # p.q, importing its parent's name
    sample = {name: tmp_path / f"{name[-1]}.py" for name in ("a", "b", "c", "p", "p.q")}
    assert _import_circles(sample) == [["a", "b"]]


def test_a_command_never_imports_the_ui_even_as_it_exits(tmp_path: Path) -> None:
    """The exit's check for the app's work left running imported the app (and Textual) after
    every command: a third of a second on 'tui-news refresh' of unchanged feeds."""
    code = (
        "import sys\n"
        "from tui_news.cli import entry\n"
        f"sys.argv = ['tui-news', '--data-dir', {str(tmp_path)!r}, 'sources']\n"
        "try:\n    entry()\nexcept SystemExit:\n    pass\n"
        "print('UI:' + ','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich') or m.startswith('tui_news.ui'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "UI:"
