"""One story, many outlets (issue 16): the grouping on the labelled set, its hard negatives, and
the story stored per article through a real refresh."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRun
from tests.stories.scoring import grouped, pair_scores
from tui_news.core.library import Store
from tui_news.core.library.stories import TermsAhead, group_new
from tui_news.core.models import Parsed
from tui_news.core.reader import Reader
from tui_news.core.stories import Item, group
from tui_news.core.story_text import decode, features

LABELLED = Path(__file__).parent / "stories" / "labelled.json"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC).timestamp()
HOUR = 3600.0


def labelled() -> list[dict[str, Any]]:  # JSON
    return json.loads(LABELLED.read_text(encoding="utf-8"))


def test_the_labelled_set_is_grouped_with_high_precision_and_recall() -> None:
    data = labelled()
    assert len(data) >= 300 and len({a["story"] for a in data}) >= 60
    items = [
        Item(
            int(a["id"]),
            int(a["feed"]),
            datetime.fromisoformat(str(a["published"])).timestamp(),
            str(a["title"]),
            str(a["text"]),
        )
        for a in data
    ]
    found = grouped(items)
    precision, recall = pair_scores({int(a["id"]): a["story"] for a in data}, found)
    assert precision >= 0.95
    assert recall >= 0.85
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for a in data:
        members[found[int(a["id"])]].append(a)
    for story in members.values():
        feeds = [a["feed"] for a in story]
        assert len(feeds) == len(set(feeds)), "one feed twice in a story"
        if len(story) > 1:
            assert all(a["kind"] != "roundup" for a in story)
            assert len({a["story"] for a in story}) == 1, [a["title"] for a in story]


def item(id: int, feed: int, hours: float, title: str, text: str = "") -> Item:
    return Item(id, feed, T0 + hours * HOUR, title, text)


QUAKE = (
    "A magnitude 7.1 earthquake struck eastern Turkey on Monday, killing at least 58 people "
    "and toppling buildings in Malatya, officials said."
)


def test_one_event_told_by_several_outlets_is_one_story() -> None:
    items = [
        item(1, 1, 0, "Magnitude 7.1 earthquake strikes Turkey, killing at least 58", QUAKE),
        item(2, 2, 2, "Turkey quake: at least 58 dead after 7.1 tremor",
             "At least 58 people died when a powerful quake hit near Malatya early Monday."),
        item(3, 3, 5, "Rescuers search rubble in Malatya after deadly Turkey earthquake",
             "Rescue teams in Turkey dug through collapsed homes after Monday's 7.1 earthquake, "
             "which left 58 people dead around Malatya."),
    ]  # fmt: skip
    assert set(grouped(items).values()) == {1}


def test_two_earthquakes_in_other_places_and_days_stay_apart() -> None:
    items = [
        item(1, 1, 0, "Magnitude 7.1 earthquake strikes Turkey, killing at least 58", QUAKE),
        item(2, 2, 24, "Magnitude 6.2 earthquake strikes Japan, killing at least 12",
             "A magnitude 6.2 earthquake struck northern Japan on Tuesday, killing at least 12 "
             "people and toppling buildings in Sendai, officials said."),
    ]  # fmt: skip
    assert grouped(items) == {1: 1, 2: 2}


def test_two_central_banks_holding_rates_on_one_day_stay_apart() -> None:
    items = [
        item(1, 1, 0, "Federal Reserve holds interest rates at 4.25% as inflation cools",
             "The Federal Reserve left its benchmark rate unchanged at 4.25% on Wednesday, with "
             "Jerome Powell saying policymakers want more evidence."),
        item(2, 2, 1, "European Central Bank holds interest rates at 2.5% as inflation cools",
             "The European Central Bank left its benchmark rate unchanged at 2.5% on Wednesday, "
             "with Christine Lagarde saying policymakers want more evidence."),
    ]  # fmt: skip
    assert grouped(items) == {1: 1, 2: 2}


def test_a_follow_up_two_days_later_is_another_story() -> None:
    items = [
        item(1, 1, 0, "Magnitude 7.1 earthquake strikes Turkey, killing at least 58", QUAKE),
        item(2, 2, 40, "Turkey earthquake death toll climbs to 191",
             "Turkey raised the death toll from Monday's 7.1 earthquake in Malatya to 191 on "
             "Wednesday, as a strong aftershock shook the city."),
        item(3, 3, 30, "Aftershock rattles Malatya as Turkey quake toll rises to 191",
             "Authorities on Wednesday raised the death toll from the Turkey earthquake to 191; "
             "rescuers in Malatya say the chances of finding survivors are slim."),
    ]  # fmt: skip
    found = grouped(items)
    assert found[1] == 1  # 40 hours is past the window, and Wednesday is not Monday
    assert found[2] == found[3] == 2


def test_daily_reports_and_roundups_of_different_days_stay_apart() -> None:
    items = [
        item(1, 1, 0, "Wall Street ends Monday higher as oil prices jumped",
             "US stocks closed higher on Monday as oil prices jumped."),
        item(2, 2, 24, "Wall Street ends Tuesday higher as oil prices jumped",
             "US stocks closed higher on Tuesday as oil prices jumped."),
        item(3, 3, 1, "Live updates: the Turkey earthquake",
             "Follow the latest on the Turkey earthquake as it happens this Monday."),
        item(4, 4, 20, "Live updates: the Turkey earthquake",
             "Follow the latest on the Turkey earthquake as it happens this Tuesday."),
        item(5, 5, 2, "Morning briefing: the Turkey earthquake and more",
             "Good morning. Here is what you need to know: the Turkey earthquake, and more."),
    ]  # fmt: skip
    assert grouped(items) == {i: i for i in range(1, 6)}
    assert features("Turkey earthquake: live", "").roundup


def test_one_feed_never_has_two_articles_in_a_story() -> None:
    items = [
        item(1, 1, 0, "Magnitude 7.1 earthquake strikes Turkey, killing at least 58", QUAKE),
        item(2, 1, 3, "Update: Magnitude 7.1 earthquake strikes Turkey, killing at least 58",
             QUAKE),
        item(3, 2, 4, "Magnitude 7.1 earthquake strikes Turkey, killing at least 58", QUAKE),
    ]  # fmt: skip
    found = grouped(items)
    assert found[1] != found[2]
    assert found[3] in (found[1], found[2])


def test_a_later_article_joins_and_bridges_stored_stories() -> None:
    fed = "Federal Reserve holds interest rates at 4.25%"
    stored = [
        Item(1, 1, T0, fed, "Jerome Powell said the Federal Reserve would hold at 4.25%."),
        Item(
            2,
            2,
            T0 + HOUR,
            "Jerome Powell's Fed stands pat",
            "Fed chair Jerome Powell kept borrowing costs.",
        ),
    ]
    assert group(stored, [1, 2]) == {}  # too little in common: each alone
    later = Item(
        3, 3, T0 + 2 * HOUR, "Jerome Powell's Federal Reserve stands pat at 4.25%",
        "Jerome Powell said the Federal Reserve kept borrowing costs at 4.25%.",
    )  # fmt: skip
    assert group([*stored, later], [3]) == {1: 1, 2: 1, 3: 1}
    # a story once stored keeps its id when another outlet joins it
    joined = [Item(i.id, i.feed, i.published, i.title, i.text, 1) for i in [*stored, later]]
    fourth = Item(4, 4, T0 + 3 * HOUR, fed, "Jerome Powell said the Federal Reserve held 4.25%.")
    assert group([*joined, fourth], [4]) == {4: 1}


def test_a_story_whose_first_teller_is_older_than_the_window_stays_whole() -> None:
    """The window around new articles may hold only some of a stored story: its first teller
    (whose id it has) published more than 36 hours before them. The rest stay in it, and an
    outlet joining it joins that story."""
    daily = Item(2, 2, T0 + 30 * HOUR, "Turkey quake: at least 58 dead after 7.1 tremor",
                 "At least 58 people died when a powerful quake hit near Malatya early Monday.",
                 story=1)  # fmt: skip
    floods = item(3, 3, 40, "Floods in Valencia", "Rain flooded streets in Valencia, Spain.")
    assert group([daily, floods], [3]) == {}  # the daily is not alone: the wire (1) told it
    rescue = item(4, 4, 31, "Rescuers search rubble in Malatya after deadly Turkey earthquake",
                  "Rescue teams in Turkey dug through collapsed homes after Monday's 7.1 "
                  "earthquake, which left 58 people dead around Malatya.")  # fmt: skip
    assert group([daily, rescue], [4]) == {4: 1}


def write(folder: Path, name: str, title: str, text: str, hours_ago: float) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    when = (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()
    body = f"---\ntitle: {json.dumps(title)}\ndate: {when}\n---\n\n{text}\n"
    (folder / f"{name}.md").write_text(body, encoding="utf-8")


def by_title(cli: CliRun) -> dict[str, dict[str, Any]]:  # JSON
    listed = json.loads(cli("list", "--json", check_exit=0).stdout)
    return {str(a["title"]): a for a in listed}


def test_refresh_stores_each_articles_story(reader: Reader, tmp_path: Path, cli: CliRun) -> None:
    write(tmp_path / "wire", "quake", "Magnitude 7.1 earthquake strikes Turkey", QUAKE, 5)
    write(
        tmp_path / "wire",
        "fed",
        "Federal Reserve holds rates at 4.25%",
        "The Federal Reserve held its rate at 4.25% on Wednesday, Jerome Powell said.",
        4,
    )
    write(
        tmp_path / "daily",
        "quake",
        "Turkey quake: at least 58 dead after 7.1 tremor",
        "At least 58 people died when a powerful quake hit near Malatya in Turkey.",
        3,
    )
    for name in ("wire", "daily"):
        reader.store.add_source("folder", str(tmp_path / name), name, None)
    reader.refresh()
    found = by_title(cli)
    wire, daily = (
        found["Magnitude 7.1 earthquake strikes Turkey"],
        found["Turkey quake: at least 58 dead after 7.1 tremor"],
    )
    assert wire["story"] == daily["story"] == min(wire["id"], daily["id"])
    fed = found["Federal Reserve holds rates at 4.25%"]
    assert fed["story"] == fed["id"]  # alone: its own

    # a later refresh brings a third outlet: it joins the stored story, which keeps its id
    write(
        tmp_path / "times",
        "quake",
        "Rescuers search rubble after Turkey earthquake kills 58",
        "Rescue teams in Turkey dug through homes in Malatya after the 7.1 earthquake.",
        1,
    )
    reader.store.add_source("folder", str(tmp_path / "times"), "times", None)
    reader.refresh()
    again = by_title(cli)
    assert (
        again["Rescuers search rubble after Turkey earthquake kills 58"]["story"] == wire["story"]
    )
    assert again["Federal Reserve holds rates at 4.25%"]["story"] == fed["id"]

    lines = cli("list", "--stories", check_exit=0).stdout.splitlines()
    assert len(lines) == 2  # the Fed alone; the quake from three outlets, its first headline
    quake = next(line for line in lines if "Turkey" in line)
    assert "Magnitude 7.1 earthquake strikes Turkey" in quake
    assert "[wire, daily, times]" in quake
    told = json.loads(cli("list", "--stories", "--json", "--limit", "1", check_exit=0).stdout)
    assert [(s["outlets"], s["unread"]) for s in told] == [(["wire", "daily", "times"], 3)]


def two_outlets(folder: Path) -> str:
    """One earthquake told in the folders ``wire`` and ``daily`` of ``folder``; the daily's
    headline."""
    write(folder / "wire", "quake", "Magnitude 7.1 earthquake strikes Turkey", QUAKE, 5)
    daily = "Turkey quake: at least 58 dead after 7.1 tremor"
    text = "At least 58 people died when a powerful quake hit near Malatya in Turkey."
    write(folder / "daily", "quake", daily, text, 3)
    return daily


def test_a_source_added_joins_the_stories_it_tells_at_once(
    reader: Reader, tmp_path: Path, cli: CliRun
) -> None:
    # as `tui-news add` (and the app's add) store a new source's articles, not at a refresh
    daily = two_outlets(tmp_path)
    reader.add(str(tmp_path / "wire"))
    reader.add(str(tmp_path / "daily"))
    found = by_title(cli)
    wire, told = found["Magnitude 7.1 earthquake strikes Turkey"], found[daily]
    assert wire["story"] == told["story"] == min(wire["id"], told["id"])


def test_refresh_groups_nothing_while_stories_are_kept_apart(
    reader: Reader, tmp_path: Path, cli: CliRun
) -> None:
    daily = two_outlets(tmp_path)
    for name in ("wire", "daily"):
        reader.store.add_source("folder", str(tmp_path / name), name, None)
    reader.config.group_stories = False
    reader.refresh()
    stored = reader.store.conn.execute("SELECT story FROM articles").fetchall()
    assert stored == [(None,), (None,)]  # the grouping's work was not done
    found = by_title(cli)
    assert [a["story"] for a in found.values()] == [a["id"] for a in found.values()]  # apart
    reader.config.group_stories = True  # on again: the next refresh groups what came meanwhile
    reader.refresh()
    found = by_title(cli)
    wire, told = found["Magnitude 7.1 earthquake strikes Turkey"], found[daily]
    assert wire["story"] == told["story"] == min(wire["id"], told["id"])


def test_grouping_keeps_terms_and_drops_them_when_stale_or_too_old(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.sqlite")
    then = datetime.now(UTC).timestamp() - 10 * 86400  # as if grouped ten days ago
    wire, daily = (store.add_source("folder", str(tmp_path / n), n, None) for n in "ab")
    title = "Magnitude 7.1 earthquake strikes Turkey"
    store.apply(wire.id, [Parsed("q", title, QUAKE, published=then - 5 * HOUR)], None, None)
    group_new(store, now=then)
    kept = store.conn.execute("SELECT terms FROM story_terms").fetchall()
    assert [decode(line) for (line,) in kept] == [features(title, QUAKE)]
    daily_title = "Turkey quake: at least 58 dead after 7.1 tremor"
    daily_text = "At least 58 people died when a powerful quake hit near Malatya in Turkey."
    store.apply(daily.id, [Parsed("q", daily_title, daily_text, published=then - HOUR)], None, None)
    assert group_new(store, now=then) == 2  # joined against the wire's kept terms
    assert store.conn.execute("SELECT count(*) FROM story_terms").fetchone() == (2,)
    with store.transaction() as conn:  # a changed headline: its kept terms are stale
        conn.execute("UPDATE articles SET title = 'Quake' WHERE source_id = ?", (wire.id,))
    assert store.conn.execute("SELECT count(*) FROM story_terms").fetchone() == (1,)
    # today's article: no new article can be compared with those of ten days ago any more
    store.apply(wire.id, [Parsed("n", "Floods in Valencia", "Rain.")], None, None)
    group_new(store)
    kept_for = store.conn.execute("SELECT a.key FROM story_terms t JOIN articles a USING (id)")
    assert kept_for.fetchall() == [("n",)]


@pytest.mark.parametrize("title", ["Your Monday briefing: the war", "Ukraine war: live updates"])
def test_roundup_titles_are_recognised(title: str) -> None:
    assert features(title, "").roundup
    assert not features("Live music returns to Glasgow", "").roundup


def test_terms_ahead_look_only_at_what_was_stored_since_their_last_run(tmp_path: Path) -> None:
    # a first sync of many old articles (too old to compare: none kept) read them all again
    # at every stored batch; counted here in SQLite's steps, which do not depend on the clock
    store = Store(tmp_path / "library.sqlite")
    source = store.add_source("folder", str(tmp_path / "old"), "old", None)
    old = datetime.now(UTC).timestamp() - 60 * 86400
    articles = [Parsed(f"k{n}", f"Old story {n}", "Text.", published=old) for n in range(3000)]
    store.apply(source.id, articles, None, None)
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    def run(ahead: TermsAhead) -> tuple[int, int]:
        steps[0] = 0
        store.conn.set_progress_handler(count, 100)
        try:
            return ahead(store), steps[0]
        finally:
            store.conn.set_progress_handler(None, 100)

    ahead = TermsAhead()
    assert run(ahead)[0] == 0  # all too old to keep terms for
    new = Parsed("new", "Floods in Valencia", "Rain fell all night.")
    store.apply(source.id, [new], None, None)
    kept, second = run(ahead)
    assert kept == 1
    assert store.conn.execute("SELECT count(*) FROM story_terms").fetchone() == (1,)
    fresh, again = run(TermsAhead())  # a new refresh's: from the last grouping
    assert fresh == 0 and second * 20 < again  # the 3,000 old ones were not read again
