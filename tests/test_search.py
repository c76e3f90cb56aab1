"""Search: the query language, ranking, saved searches, and the index kept in step."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from tests.conftest import CliRun, seed_article
from tests.feedserver import FeedServer, Route, rss
from tui_news.core.library import Store
from tui_news.core.library.schema import MIGRATIONS
from tui_news.core.models import View
from tui_news.core.reader import Reader, search_view
from tui_news.core.search import QueryError, Term, highlight_spans, parse

DAY = 86400
NOW = time.time()


def write(folder: Path, name: str, text: str, age_days: float = 1.0) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    moment = NOW - age_days * DAY
    os.utime(path, (moment, moment))
    return path


@pytest.fixture
def library(reader: Reader, tmp_path: Path) -> Path:
    """A small library with accents, phrases, sections and dates to search."""
    folder = tmp_path / "lib"
    zurich = seed_article("World", "Zürich Votes on Rail Link", "Voters in Zürich.")
    write(folder, "a.txt", zurich, 2)
    write(folder, "b.txt", seed_article("World", "Rail Strike Ends", "Trains run again."), 3)
    write(
        folder,
        "c.txt",
        seed_article("Middle East", "Water Deal Signed", "A new deal on water for the region."),
        40,
    )
    write(
        folder,
        "d.txt",
        seed_article("Science", "Comet Seen Over Zurich", "Astronomers in zurich saw a comet."),
        400,
    )
    write(
        folder,
        "e.txt",
        seed_article("Sport", "Middle Distance Record", "The East stand cheered the middle race."),
        5,
    )
    reader.add(str(folder))
    return folder


def found(reader: Reader, text: str) -> list[str]:
    return [a.title for a in reader.search(text)]


def test_words_ignore_case_and_accents(reader: Reader, library: Path) -> None:
    assert set(found(reader, "zurich")) == {"Zürich Votes on Rail Link", "Comet Seen Over Zurich"}
    assert set(found(reader, "ZÜRICH")) == set(found(reader, "zurich"))
    assert found(reader, "zurich comet") == ["Comet Seen Over Zurich"]  # every word must match
    assert found(reader, "zurich banana") == []


def test_bodies_are_searched_as_well_as_titles(reader: Reader, library: Path) -> None:
    assert found(reader, "astronomers") == ["Comet Seen Over Zurich"]
    assert found(reader, "trains") == ["Rail Strike Ends"]


def test_phrases_match_words_in_order(reader: Reader, library: Path) -> None:
    # The record has both words ("Middle Distance", "East stand"), never side by side.
    assert found(reader, "middle east") == ["Middle Distance Record"]
    assert found(reader, '"middle east"') == []
    assert found(reader, '"middle race"') == ["Middle Distance Record"]
    assert found(reader, '"race middle"') == []


def test_prefixes_and_whole_words(reader: Reader, library: Path) -> None:
    assert found(reader, "astro") == []  # a bare word is a whole word
    assert found(reader, "astro*") == ["Comet Seen Over Zurich"]
    assert set(found(reader, "zur*")) == {"Zürich Votes on Rail Link", "Comet Seen Over Zurich"}


def test_exclusions(reader: Reader, library: Path) -> None:
    assert found(reader, "zurich -comet") == ["Zürich Votes on Rail Link"]
    assert found(reader, 'rail -"rail link"') == ["Rail Strike Ends"]
    assert set(found(reader, "-zurich -rail")) == {"Water Deal Signed", "Middle Distance Record"}


def test_filters(reader: Reader, library: Path) -> None:
    assert set(found(reader, "section:world")) == {"Zürich Votes on Rail Link", "Rail Strike Ends"}
    assert found(reader, 'section:"middle east"') == ["Water Deal Signed"]
    assert found(reader, "zurich -section:science") == ["Zürich Votes on Rail Link"]
    assert len(found(reader, "source:lib")) == 5
    assert found(reader, "source:nowhere") == []
    assert set(found(reader, "after:7d rail")) == {"Zürich Votes on Rail Link", "Rail Strike Ends"}
    assert found(reader, "after:7d -rail") == ["Middle Distance Record"]
    assert set(found(reader, "before:30d")) == {"Water Deal Signed", "Comet Seen Over Zurich"}
    year_ago = time.strftime("%Y-%m-%d", time.localtime(NOW - 380 * DAY))
    assert found(reader, f"before:{year_ago}") == ["Comet Seen Over Zurich"]
    rail = reader.search("rail")
    reader.store.set_read([rail[0].id])
    reader.store.set_starred(rail[1].id, True)
    assert found(reader, "rail is:unread") == [rail[1].title]
    assert found(reader, "rail is:read") == [rail[0].title]
    assert found(reader, "is:starred") == [rail[1].title]
    assert found(reader, "rail -is:starred") == [rail[0].title]


def test_ranking_prefers_title_matches_then_recent(reader: Reader, tmp_path: Path) -> None:
    folder = tmp_path / "rank"
    write(folder, "old.txt", seed_article("A", "Harbour Plans", "The harbour will grow."), 300)
    write(folder, "body.txt", seed_article("A", "City Budget", "Money for the harbour."), 1)
    write(folder, "new.txt", seed_article("A", "Harbour Opens", "The harbour is open."), 1)
    write(folder, "none.txt", seed_article("A", "Nothing", "Unrelated."), 1)
    reader.add(str(folder))
    # Both title matches beat the body-only match; the newer of the two comes first.
    assert found(reader, "harbour") == ["Harbour Opens", "Harbour Plans", "City Budget"]


def test_queries_that_cannot_be_read_give_a_hint() -> None:
    for text, hint in [
        ("is:sometimes", "is: takes unread, read, starred"),
        ("before:soon", "before: wants a date like 2026-01-31"),
        ("after:2026-13-45", "after: wants a date"),
        ("section:", "section: needs a value"),
        ('source:""', "source: needs a value"),
    ]:
        with pytest.raises(QueryError, match=hint) as caught:
            parse(text)
        assert "\n" not in str(caught.value)


def test_odd_queries_are_read_not_refused(reader: Reader, library: Path) -> None:
    # Search syntax inside the text is only text: nothing reaches FTS5 unquoted.
    for text in ["AND", "OR NOT", "NEAR(a b)", "a:b", "title:x", "^x", "((x", "x*y", "{x}"]:
        reader.search(text)
    assert found(reader, '"unclosed phrase') == []  # taken as closed at the end
    assert found(reader, "covid-19") == []
    assert found(reader, "rail\x00") == found(reader, "rail")  # a NUL once broke FTS5
    assert len(found(reader, "   ")) == 5  # nothing asked: everything matches
    for text in ['"', "-", "*", "'", "🙂", "((", "--"]:
        with pytest.raises(QueryError, match="nothing to search for"):
            reader.search(text)
    assert parse('"', live=True).empty  # while typing, the list just stays whole


def test_words_in_any_script_are_found(reader: Reader, tmp_path: Path) -> None:
    folder = tmp_path / "scripts"
    names = ["Straße closed", "Київ talks", "データ center", "한국어 lessons", "Ｆull width"]
    for number, title in enumerate(names):
        write(folder, f"{number}.txt", seed_article("Économie", title, "Text."), 1)
    reader.add(str(folder))
    expected: list[tuple[str, str | None]] = [
        ("straße", "Straße closed"),
        ("STRASSE", None),  # the index keeps ß: no match, and no error
        ("київ", "Київ talks"),
        ("КИЇВ", "Київ talks"),
        ("データ", "データ center"),
        ("한국어", "한국어 lessons"),
    ]
    for word, match in expected:
        assert found(reader, word) == ([match] if match else []), word
    assert len(found(reader, "section:économie")) == 5  # filters ignore case beyond ASCII
    assert len(found(reader, "section:ECONOMIE")) == 5
    view = View(query=parse("дан", live=True), titles=True)
    assert reader.store.articles(view) == []
    view = View(query=parse("киї", live=True), titles=True)
    assert [a.title for a in reader.store.articles(view)] == ["Київ talks"]


def test_limits_on_query_size_and_repeats(reader: Reader, library: Path) -> None:
    with pytest.raises(QueryError, match="at most 64 words"):
        parse(" ".join(f"w{n}" for n in range(65)))
    assert len(parse(" ".join(["is:read"] * 1000)).filters) == 1  # repeats count once
    assert len(parse("rail " * 5000).include) == 1
    assert found(reader, '"rail li"*') == ["Zürich Votes on Rail Link"]  # a phrase prefix


def test_live_typing_treats_the_last_word_as_a_prefix() -> None:
    assert parse("zur", live=True).include == (Term(("zur",), True, "zur"),)
    assert parse("zur ", live=True).include == (Term(("zur",), False, "zur"),)
    assert parse('"rail li', live=True).include == (Term(("rail", "li"), False, "rail li"),)
    assert parse("zur", live=True).saved_text() == "zur*"
    assert parse("zur rail", live=False).saved_text() == "zur rail"
    assert parse('"middle east', live=True).saved_text() == '"middle east"'


def test_a_saved_search_narrowed_by_typing_keeps_both() -> None:
    saved = parse('"middle east" is:unread')
    typed = parse("rai", live=True)
    both = saved.combined(typed)
    assert both.include == (Term(("middle", "east"), False, "middle east"), typed.include[0])
    assert both.filters == saved.filters
    assert parse(both.saved_text()).include[0] == both.include[0]


def test_highlight_spans_follow_folding_and_prefixes() -> None:
    title = "Zürich votes: ZURICH-born rail plan"
    spans = highlight_spans(title, parse("zurich ra", live=True).include)
    assert [title[a:b] for a, b in spans] == ["Zürich", "ZURICH", "ra"]


def test_titles_only_filter_keeps_newest_first(reader: Reader, library: Path) -> None:
    view = View("World", section="World", query=parse("rail", live=True), titles=True)
    titles = [a.title for a in reader.store.articles(view)]
    assert titles == ["Zürich Votes on Rail Link", "Rail Strike Ends"]
    assert reader.store.articles(replace_query(view, "trains")) == []  # a body word


def replace_query(view: View, text: str) -> View:
    from dataclasses import replace

    return replace(view, query=parse(text, live=True))


def test_index_follows_changes_and_removals(reader: Reader, library: Path) -> None:
    assert found(reader, "water") == ["Water Deal Signed"]
    write(library, "c.txt", seed_article("Middle East", "Desert Solar Farm", "Panels."), 1)
    write(library, "f.txt", seed_article("World", "Glacier Retreat", "Ice melts."), 1)
    (library / "b.txt").unlink()
    reader.refresh()
    assert found(reader, "water") == []
    assert found(reader, "solar") == ["Desert Solar Farm"]
    assert found(reader, "glacier") == ["Glacier Retreat"]
    assert found(reader, "strike") == []
    view = View(query=parse("glac", live=True), titles=True)
    assert [a.title for a in reader.store.articles(view)] == ["Glacier Retreat"]
    reader.remove(str(library))
    assert found(reader, "glacier") == []
    rows = reader.store.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
    assert rows == 0
    reader.store.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_index_follows_feed_refreshes(reader: Reader, server: FeedServer) -> None:
    item = {"title": "Budget Vote Delayed", "guid": "g1", "description": "MPs argue."}
    other = {"title": "Harvest Festival", "guid": "g2", "description": "Apples."}
    server.routes["/feed"] = Route(rss("Planet", [item, other]))
    reader.add(server.url("/feed"))
    assert found(reader, "budget") == ["Budget Vote Delayed"]
    server.routes["/feed"] = Route(rss("Planet", [{**item, "title": "Budget Vote Passed"}]))
    reader.refresh()
    assert found(reader, "budget") == ["Budget Vote Passed"]
    assert found(reader, "delayed") == []
    assert found(reader, "apples") == ["Harvest Festival"]  # items that leave a feed stay
    reader.store.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    reader.store.conn.execute("INSERT INTO titles_fts (titles_fts) VALUES ('integrity-check')")


def test_library_from_before_the_index_is_indexed_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4]):
        conn.executescript(f"{script}; PRAGMA user_version = {number + 1};")
    conn.execute(
        "INSERT INTO sources (id, kind, location, name, added) VALUES (1, 'folder', '/x', 'x', 0)"
    )
    conn.execute(
        "INSERT INTO articles (source_id, key, section, title, published, body, first_seen) "
        "VALUES (1, 'k', 'World', 'Old Zürich Story', 0, 'Kept from before.', 0)"
    )
    conn.close()
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [a.title for a in store.articles(search_view(parse("zurich")))] == ["Old Zürich Story"]
    assert [a.title for a in store.articles(search_view(parse("before")))] == ["Old Zürich Story"]
    store.close()


def test_saved_searches_survive_and_count_unread(reader: Reader, library: Path) -> None:
    view = reader.save_search("Zurich news", "zurich")
    assert view.search_id is not None and view.label == "Zurich news"
    reader.store.set_read([reader.search("zurich comet")[0].id])
    [saved] = reader.saved_searches()
    assert (saved.name, saved.query, saved.unread) == ("Zurich news", "zurich", 1)
    assert reader.save_search("Renamed", "zurich").search_id == view.search_id  # no duplicate
    with pytest.raises(QueryError):
        reader.save_search("Broken", "is:maybe")
    reader.close()
    again = Store(reader.store.path)
    assert again.searches() == [(view.search_id, "Renamed", "zurich")]
    again.remove_search(view.search_id)
    assert again.searches() == []
    again.close()


def test_cli_search_json_best_first(cli: CliRun, tmp_path: Path) -> None:
    folder = tmp_path / "cli"
    write(folder, "1.txt", seed_article("World", "Zürich Floods", "Rivers rise."), 1)
    write(folder, "2.txt", seed_article("World", "Rivers Rise", "Zurich and Basel."), 1)
    write(folder, "3.txt", seed_article("Sport", "Zurich Derby", "Goals."), 9)
    cli("add", str(folder), check_exit=0)
    result = cli("search", "zurich", "-derby", "--json", check_exit=0)
    data = json.loads(result.stdout)
    assert [a["title"] for a in data] == ["Zürich Floods", "Rivers Rise"]
    assert {"id", "title", "section", "source", "link", "published", "read", "starred"} <= set(
        data[0]
    )
    limited = json.loads(cli("search", "section:world", "--limit", "1", "--json").stdout)
    assert len(limited) == 1
    text = cli("search", '"rivers rise"', check_exit=0).stdout
    assert "Rivers Rise" in text and "Zürich Floods" in text  # body and title phrase
    bad = cli("search", "before:whenever")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "before: wants a date" in bad.stderr and "Traceback" not in bad.stderr
    huge = cli("search", "zurich", "--limit", "99999999999999999999", "--json", check_exit=0)
    assert len(json.loads(huge.stdout)) == 3
    none = cli("search", "nothing-here")
    assert none.returncode == 0 and none.stdout == "" and "No articles match" in none.stderr


def test_ranking_a_huge_match_set_scores_the_newest_added(
    reader: Reader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui_news.core.library.sql as library_sql

    folder = tmp_path / "many"
    for number in range(5):
        text = seed_article("A", f"Harbour Story {number}", "harbour " * (number + 1))
        write(folder, f"{number}.txt", text, 1)
        reader.add(str(folder / f"{number}.txt"))  # one source each: added in this order
    monkeypatch.setattr(library_sql, "RANK_CANDIDATES", 3)
    titles = found(reader, "harbour")
    assert sorted(titles) == ["Harbour Story 2", "Harbour Story 3", "Harbour Story 4"]
    assert reader.store.count(search_view(parse("harbour"))) == 5  # counting is exact
    assert len(found(reader, "harbour story")) == 3
    assert reader.ranked_capped(search_view(parse("harbour")))  # and it is told
    assert not reader.ranked_capped(search_view(parse("harbour story 4")))
    assert not reader.ranked_capped(search_view(parse("is:unread")))  # filters: listed whole
    monkeypatch.setattr(library_sql, "RANK_CANDIDATES", 5)  # as many as match: all scored
    assert not reader.ranked_capped(search_view(parse("harbour")))


def test_a_read_asked_for_before_an_interrupt_stops_before_it_begins(
    reader: Reader, library: Path
) -> None:
    from tui_news.core.errors import QueryInterrupted

    view = View(query=parse("section:sci"))
    asked = reader.interruptions  # the search's thread is asked for...
    reader.interrupt_reads()  # ...and escape comes before its read has begun
    with pytest.raises(QueryInterrupted):
        reader.view_ids(view, interruptible=True, asked=asked)
    assert len(reader.view_ids(view, interruptible=True, asked=reader.interruptions)) == 1


def test_a_newer_query_interrupts_a_running_one_with_its_own_error(
    reader: Reader, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import tui_news.core.library.connections as connections_module
    from tui_news.core.errors import QueryInterrupted

    started = threading.Event()
    fold = connections_module._fold

    def slow_fold(text: str | None) -> str:  # each section name takes a while to compare
        started.set()
        time.sleep(0.2)
        return fold(text)

    monkeypatch.setattr(connections_module, "_fold", slow_fold)  # a new thread's connection uses it
    view = View(query=parse("section:sci"))
    outcome: list[object] = []

    def search() -> None:
        try:
            outcome.append(reader.view_ids(view, interruptible=True))
        except QueryInterrupted as error:
            outcome.append(error)
        finally:
            reader.close()  # this thread's connection

    thread = threading.Thread(target=search)
    thread.start()
    assert started.wait(5)
    reader.interrupt_reads()
    thread.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], QueryInterrupted)
    # Reads that were not running are untouched, and the next query runs to the end.
    reader.interrupt_reads()
    titles = [a.title for a in reader.articles(view)]
    assert titles == ["Comet Seen Over Zurich"]


def test_the_cli_says_when_a_search_chose_among_the_newest_matches(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import tui_news.cli as cli_module
    import tui_news.core.library.sql as library_sql
    from tui_news.core.reader import make_reader

    folder = tmp_path / "many"
    for number in range(5):
        write(folder, f"{number}.txt", seed_article("A", f"Harbour Story {number}"), 1)
    make_reader(data_dir).add(str(folder))
    monkeypatch.setattr(library_sql, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(cli_module, "RANK_CANDIDATES", 3)
    assert cli_module.main(["--data-dir", str(data_dir), "search", "harbour"]) == 0
    printed = capsys.readouterr()
    assert len(printed.out.splitlines()) == 3
    assert printed.err == "tui-news: the best of the 3 newest matches\n"
