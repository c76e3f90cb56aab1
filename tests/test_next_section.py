"""n and space go on past a section's last unread article to the next section with unread
ones, and say so."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures import library, settle, showing
from tui_news.core.models import View
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp


async def test_n_goes_on_to_the_next_section_with_unread_articles(
    reader: Reader, news: Path
) -> None:
    library(reader, news)  # Middle East 2, Science 1, World 2 (sidebar order)
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.go_to(View("Middle East", section="Middle East"))
        await settle(app, pilot)
        await pilot.press("n", "n")
        await settle(app, pilot)
        assert showing(app).section == "Middle East"
        assert reader.count(View(section="Middle East", unread=True)) == 0
        await pilot.press("n")
        await settle(app, pilot)
        assert (app.view.section, showing(app).title) == ("Science", "Comet Spotted")
        notices = [n.message for n in app._notifications]
        assert "No unread articles left in Middle East: on to Science." in notices
        await pilot.press("n")  # Science is done; World is next
        await settle(app, pilot)
        assert app.view.section == "World" and showing(app).section == "World"
        await pilot.press("p")  # back the other way: World still has one unread
        await settle(app, pilot)
        assert app.view.section == "World"


async def test_space_at_the_end_of_the_last_unread_goes_on_too(reader: Reader, news: Path) -> None:
    library(reader, news)
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.go_to(View("Science", section="Science"))
        await settle(app, pilot)
        await pilot.press("enter")  # the one Science article: short, so space is at its end
        await settle(app, pilot)
        await pilot.press("space")
        await settle(app, pilot)
        assert app.view.section == "World" and showing(app).section == "World"


async def test_with_nothing_unread_anywhere_n_stays_and_says_so(reader: Reader, news: Path) -> None:
    library(reader, news)
    reader.mark_view_read(View())
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.go_to(View("World", section="World"))
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.view.section == "World" and app.article_view.article is None
        assert "No unread articles left in World." in [n.message for n in app._notifications]


async def test_p_on_to_a_section_does_not_also_say_it_went_round_that_list(
    reader: Reader, news: Path
) -> None:
    library(reader, news)  # Middle East 2, Science 1, World 2 (sidebar order)
    east = reader.view_ids(View(section="Middle East"))
    reader.set_read([east[0]])  # its newest read: its other one is at the list's end
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.go_to(View("Science", section="Science"))
        await settle(app, pilot)
        await pilot.press("enter", "p")  # Science's one article, then back the other way
        await settle(app, pilot)
        assert app.view.section == "Middle East" and showing(app).id == east[1]
        told = [n.message for n in app._notifications]
        assert "No unread articles left in Science: on to Middle East." in told
        assert not any(n.startswith("No unread articles above") for n in told)


async def test_p_on_to_the_previous_section_opens_its_last_unread_article(
    reader: Reader, news: Path
) -> None:
    """Back the other way: the previous section's unread articles from its end, as p goes."""
    library(reader, news)  # Middle East 2, Science 1, World 2 (sidebar order)
    east = reader.view_ids(View(section="Middle East"))  # newest first, both unread
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.go_to(View("Science", section="Science"))
        await settle(app, pilot)
        await pilot.press("enter", "p")
        await settle(app, pilot)
        assert app.view.section == "Middle East" and showing(app).id == east[-1]
        await pilot.press("p")  # on up the list
        await settle(app, pilot)
        assert showing(app).id == east[0]


async def test_past_starred_n_goes_on_to_the_first_section_with_unread_articles(
    reader: Reader, news: Path
) -> None:
    """Starred and Top stories are a few of the articles: n stopped there, with whole
    sections unread."""
    library(reader, news)  # Middle East 2, Science 1, World 2 (sidebar order)
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.go_to(View("Starred", starred=True))  # none starred: nothing unread here
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.view.section == "Middle East" and showing(app).section == "Middle East"
        notices = [n.message for n in app._notifications]
        assert "No unread articles left in Starred: on to Middle East." in notices
