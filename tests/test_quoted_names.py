"""Section and source names with quotes: a search saved within them finds their articles."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import seed_article
from tui_news.core.models import View
from tui_news.core.reader import Reader
from tui_news.core.search import parse, quote
from tui_news.ui.app import NewsApp

NAMES = ['"', 'Editor\'s "Picks"', '""', 'a "b" c""', "[/]", "x:y", 'section:"World"']


@pytest.mark.parametrize("name", NAMES)
def test_a_quoted_value_reads_back_exactly(name: str) -> None:
    query = parse(f"section:{quote(name)} -source:{quote(name)} word")
    assert [(f.key, f.value, f.negated) for f in query.filters] == [
        ("section", name, False),
        ("source", name, True),
    ]
    assert [t.text for t in query.include] == ["word"]


@pytest.mark.parametrize("section", ['"', 'Editor\'s "Picks"'])
async def test_saving_a_search_in_a_quoted_section_finds_its_articles(
    reader: Reader, tmp_path: Path, section: str
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(seed_article("World", "Harbour Reopens", "Ships."))
    (news / "b.txt").write_text(seed_article("World", "Harbour Closes", "Storm."))
    await asyncio.to_thread(reader.add, str(news))
    picked = next(a for a in reader.articles(View()) if a.title == "Harbour Reopens")
    reader.store.conn.execute("UPDATE articles SET section = ? WHERE id = ?", (section, picked.id))
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        app.go_to(View(section, section=section))
        await pilot.pause()
        await pilot.press("slash", *"harb")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
    (saved,) = reader.saved_searches()
    assert saved.query == f"section:{quote(section)} harb*"
    view = reader.articles(View(query=parse(saved.query)))
    assert [a.title for a in view] == ["Harbour Reopens"]


@settings(max_examples=300, deadline=None)
@given(name=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40))
def test_any_name_quoted_reads_back(name: str) -> None:
    if not name.strip():
        return
    query = parse(f"section:{quote(name)} word")
    assert [f.value for f in query.filters] == [name.strip()]
    assert [t.text for t in query.include] == ["word"]
