"""Any date, from a feed or from an older library, is stored and shown without failing."""

from __future__ import annotations

import itertools
import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import seed_article
from tests.conftest import tui_news as run_tui_news
from tui_news.cli import _date
from tui_news.core.dates import EARLIEST, to_timestamp
from tui_news.core.models import View
from tui_news.core.reader import Reader, make_reader
from tui_news.ui.app import NewsApp
from tui_news.ui.headlines import short_date

QUICK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)
numbers = itertools.count()


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    reader = make_reader(tmp_path_factory.mktemp("data"))
    yield reader
    reader.close()


def json_feed(date_text: str) -> bytes:
    item = {"id": "1", "title": "Dated Story", "content_text": "Text.", "date_published": date_text}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [item]}).encode()


def rss_feed(date_text: str) -> bytes:
    return (
        '<rss version="2.0"><channel><title>T</title><item><guid>1</guid>'
        f"<title>Dated Story</title><pubDate>{date_text}</pubDate></item></channel></rss>"
    ).encode()


@QUICK
@given(moment=moments, kind=st.sampled_from(["json", "rss", "markdown"]))
def test_any_date_from_outside_is_stored_within_range_and_shown(
    library: Reader, tmp_path_factory: pytest.TempPathFactory, moment: datetime, kind: str
) -> None:
    folder = tmp_path_factory.mktemp("feed")
    before = time.time()
    if kind == "json":
        path = folder / f"f{next(numbers)}.json"
        path.write_bytes(json_feed(moment.isoformat()))
    elif kind == "rss":
        path = folder / f"f{next(numbers)}.xml"
        rfc = f"{moment:%a, %d %b} {moment.year:04d} {moment:%H:%M:%S} +0000"
        path.write_bytes(rss_feed(rfc))
    else:
        path = folder / f"a{next(numbers)}.md"
        path.write_text(
            f"---\ndate: {moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z\n---\n# Dated Story\n"
        )
    source, _report = library.add(str(path))
    try:
        (article,) = library.articles(View(source_id=source.id))
        assert EARLIEST <= article.published <= time.time() + 86400
        if moment.year >= 1900 and moment.timestamp() <= before:  # a plausible date is kept
            assert article.published == pytest.approx(moment.timestamp(), abs=1)
        for shown in (article.to_json()["published"], _date(article.published)):
            assert shown[:4].isdigit()
        assert short_date(article.published)
        assert library.search("dated story")
    finally:
        library.remove_source(source.id)


ODD = {  # what an older version may have stored: published -> the date `list` shows (UTC)
    -1e18: "0001-01-01",
    -62135596800.0: "0001-01-01",  # year 1, the common placeholder
    0.0: "1970-01-01",
    253402300799.0: "9999-12-31",
    1e18: "9999-12-31",
}


def store_odd_dates(data: Path, news: Path) -> None:
    reader = make_reader(data)
    reader.add(str(news))
    reader.close()
    with sqlite3.connect(data / "library.sqlite") as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY id")]
        conn.executemany(
            "UPDATE articles SET published = ? WHERE id = ?", list(zip(ODD, ids, strict=False))
        )


@pytest.fixture
def odd_library(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    news.mkdir()
    for index in range(len(ODD)):
        (news / f"{index}.txt").write_text(seed_article("World", f"Story {index}", "Text."))
    data = tmp_path / "data"
    store_odd_dates(data, news)
    return data


def tui_news(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_tui_news(data, *args, TZ="UTC")


def test_odd_stored_dates_are_listed_searched_and_shown(odd_library: Path) -> None:
    listed = tui_news(odd_library, "list")
    assert (listed.returncode, listed.stderr) == (0, "")
    dates = sorted(line.split()[1] for line in listed.stdout.splitlines())
    assert dates == sorted(ODD.values())
    assert "never" not in listed.stdout
    for args in (["list", "--json"], ["search", "story", "--json"]):
        result = tui_news(odd_library, *args)
        assert (result.returncode, result.stderr) == (0, "")
        shown = sorted(a["published"][:10] for a in json.loads(result.stdout))
        assert shown == sorted(ODD.values())


async def test_odd_stored_dates_open_in_the_app(odd_library: Path) -> None:
    reader = make_reader(odd_library)
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in ODD:
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("escape", "j")
        await pilot.pause()
        assert app.is_running
    reader.close()


def test_a_date_of_exactly_1970_is_a_date_not_never() -> None:
    assert _date(0.0) == datetime.fromtimestamp(0).strftime("%Y-%m-%d %H:%M")
    assert _date(None) == "never"
    assert short_date(0.0, now=(datetime(2026, 1, 1) - timedelta(0)).timestamp()) == "Jan '70"


def email_reading(text: str) -> float | None:
    """What the email package makes of an RFC 822 date (naive as UTC), before plausibility."""
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def test_rfc822_dates_in_their_usual_form_read_as_the_email_package_reads_them() -> None:
    """The usual form is read without the email package: to the same moment, or to none for
    a day the month lacks; other forms (single-digit hours, named zones) still read."""
    days = ["Thu, ", "Sun, ", ""]
    dates = ["1 Jan 2026", "28 Feb 2026", "29 Feb 2024", "29 Feb 2026", "31 Apr 2025", "7 Dec 1969"]
    times = ["00:00:00", "23:59:59", "12:30:05"]
    zones = ["+0000", "-0000", "GMT", "UT", "UTC", "Z", "+0530", "-1130", "+1959"]
    for day, when, clock, zone in itertools.product(days, dates, times, zones):
        text = f"{day}{when} {clock} {zone}"
        assert to_timestamp(text) == email_reading(text), text
    assert to_timestamp(" Mon, 02 Nov 2026 10:00:00 GMT ") == 1793613600.0
    assert to_timestamp("Mon, 02 Nov 2026 9:00:00 -0100") == 1793613600.0
    assert to_timestamp("Mon, 02 Nov 2026 11:00:00 CET") == 1793613600.0
    assert to_timestamp("Mon, 02 Nov 2026 10:00:00 EST") == 1793613600.0 + 5 * 3600
    assert to_timestamp("Mon, 02 Nov 0001 10:00:00 GMT") is None  # .NET's "no date"
    assert to_timestamp("Mon, 02 Nov 2126 10:00:00 GMT") is None  # a century ahead


@pytest.mark.parametrize("text", ["10000-01-01T00:00:00Z", "-1000-01-01T00:00:00Z", "+12026-01-01"])
def test_a_year_iso_8601_cannot_write_is_no_date_not_another_one(text: str) -> None:
    """feedparser read 10000-01-01 as December 2010 and -1000-01-01 as December 2009: wrong
    dates that look right. Such an item is dated when it is first seen instead."""
    from tui_news.core.sources.feeds import parse_feed

    [item] = parse_feed(rss_feed(text), "https://x.example/feed").items
    assert item.published is None
