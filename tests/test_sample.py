"""The bundled sample library: offered on a first run, its removal offered once later."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CliRun, seed_article
from tui_news.core.reader import Reader
from tui_news.core.sample import is_sample


def test_adding_a_first_own_source_offers_removing_the_sample_once(
    cli: CliRun, reader: Reader, tmp_path: Path
) -> None:
    assert reader.offer_sample()
    reader.refresh()
    assert reader.sample_removal_offer() is None  # nothing of the user's own yet
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.txt").write_text(seed_article("World", f"Story {name}"))
    first = cli("add", str(tmp_path / "one"), check_exit=0).stdout.splitlines()
    assert (
        first[-1]
        == 'The sample library is still here; to remove it: tui-news remove "Sample library"'
    )
    second = cli("add", str(tmp_path / "two"), check_exit=0).stdout
    assert "sample" not in second
    assert reader.sample_removal_offer() is None
    removed = cli("remove", "Sample library", check_exit=0).stdout
    assert removed.startswith("Removed Sample library")
    titles = [line.split("  ")[-1].strip() for line in cli("list").stdout.splitlines()]
    assert sorted(titles) == ["Story one", "Story two"]


def test_a_sample_from_an_earlier_install_is_known_by_its_place() -> None:
    old = "/home/u/.venv/lib/python3.11/site-packages/tui_news/sample"
    assert is_sample(old)
    assert not is_sample("/home/u/news/sample")
