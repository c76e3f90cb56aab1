"""The processes that parse a big refresh end with the process that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.feedserver import FeedServer
from tui_news.core.reader import Reader

STARTER = """
import asyncio
from tui_news.core.feed_refresh import FetchSettings, _Parsers

FEED = b'<rss version="2.0"><channel><title>F</title><item><title>T</title></item></channel></rss>'

async def main() -> None:
    parsers = _Parsers(100, FetchSettings(parallel_from=1, parse_workers=1))
    await parsers.parse(FEED, "https://news.example/feed")
    assert parsers.pool is not None
    print(*[process.pid for process in parsers.pool._processes.values()], flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie nobody has reaped yet counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@contextmanager
def started() -> Iterator[tuple[int, list[int]]]:
    """A process that has started its parsing processes: its pid and theirs; killed at the
    end (no chance to shut its workers down)."""
    root = Path(__file__).resolve().parent.parent
    parent = subprocess.Popen(
        [sys.executable, "-c", STARTER], stdout=subprocess.PIPE, text=True, cwd=root
    )
    try:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert workers
        yield parent.pid, workers
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()


def test_parsing_processes_end_when_their_parent_is_killed() -> None:
    with started() as (_, workers):
        assert all(alive(pid) for pid in workers)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


SCRIPT = """
import asyncio, os
from tui_news import cli
from tui_news.core.feed_refresh import FetchSettings, _Parsers

if __name__ == "__mp_main__":  # run again in a process multiprocessing started
    with open(os.environ["AGAIN"], "a") as again:
        again.write("again")

FEED = b'<rss version="2.0"><channel><title>F</title><item><title>T</title></item></channel></rss>'

async def parse() -> None:
    parsers = _Parsers(100, FetchSettings(parallel_from=1, parse_workers=1))
    assert (await parsers.parse(FEED, "https://news.example/feed")).items
    assert parsers.pool is not None
    parsers.pool.shutdown()

if __name__ == "__main__":
    if os.environ["AS_MODULE"]:
        cli._main_as_module()  # as the tui-news script's entry() does first
    asyncio.run(parse())
"""


@pytest.mark.parametrize("as_module", [True, False])
def test_the_tui_news_script_is_not_run_again_by_each_parsing_process(
    tmp_path: Path, as_module: bool
) -> None:
    # the tui-news command is a script that imports tui_news.cli: unless its __main__ says
    # it is tui_news's, each parsing process runs the script again (~0.07 s of CPU)
    script, again = tmp_path / "tui-news", tmp_path / "again"
    script.write_text(SCRIPT)
    env = {**os.environ, "AGAIN": str(again), "AS_MODULE": "1" if as_module else ""}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert again.exists() is not as_module


def test_a_refresh_imports_no_parser_until_a_document_comes() -> None:
    # a refresh where every feed answers 304 parses nothing: lxml and the feed parsers
    # (tens of milliseconds to import) are left out of it
    code = (
        "import sys, tui_news.cli, tui_news.core.feed_refresh\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('lxml', 'feedparser')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_documents_parsed_in_chunks_fail_one_by_one(reader: Reader, server: FeedServer) -> None:
    # Bodies go to the parsing processes several at a time: a document that is not a feed
    # fails alone, and every other feed of its chunk is stored.
    import asyncio

    from tests.feedserver import Route, rss
    from tui_news.core.feed_refresh import FetchSettings, refresh_feeds

    for n in range(45):
        items = [{"title": f"Story {n}.{i}", "guid": f"{n}-{i}"} for i in range(3)]
        server.routes[f"/f{n}"] = Route(rss(f"Feed {n}", items))
        reader.store.add_source("feed", server.url(f"/f{n}"), f"Feed {n}", None)
    page = b"<html><body>No feed here</body></html>"
    server.routes["/f7"] = Route(page, content_type="text/html")
    sources = reader.store.sources(counted=False)
    settings = FetchSettings(parallel_from=1, parse_workers=2)
    report = asyncio.run(refresh_feeds(reader.store, sources, settings))
    assert report.added == 44 * 3
    assert list(report.failed) == ["Feed 7"]
    assert "feed" in report.failed["Feed 7"]
    stored = reader.store.conn.execute("SELECT count(DISTINCT source_id) FROM articles")
    assert stored.fetchone()[0] == 44


def test_parsing_processes_start_beside_the_event_loop(
    reader: Reader, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Starting the processes waits for the fork server's imports (~0.1 s). A refresh of feeds
    # fetched before starts them with its first document to parse: from the event loop's
    # thread, that held every fetch meanwhile. They start in a thread of their own, as they
    # do at once for feeds never fetched.
    import asyncio
    import threading
    from multiprocessing.process import BaseProcess

    from tests.feedserver import Route, rss
    from tui_news.core.feed_refresh import FetchSettings, refresh_feeds

    def serve(items: int) -> None:
        for n in range(6):
            found = [{"title": f"Story {n}.{i}", "guid": f"{n}-{i}"} for i in range(items)]
            server.routes[f"/f{n}"] = Route(rss(f"Feed {n}", found))

    serve(2)
    for n in range(6):
        reader.store.add_source("feed", server.url(f"/f{n}"), f"Feed {n}", None)
    settings = FetchSettings(parallel_from=1, parse_workers=2)
    asyncio.run(refresh_feeds(reader.store, reader.store.sources(counted=False), settings))
    serve(3)  # one new item each
    started: list[threading.Thread] = []
    start = BaseProcess.start

    def starting(process: BaseProcess) -> None:
        started.append(threading.current_thread())
        start(process)

    monkeypatch.setattr(BaseProcess, "start", starting)
    sources = reader.store.sources(counted=False)
    assert all(s.last_ok for s in sources)  # fetched before: started with the first document
    report = asyncio.run(refresh_feeds(reader.store, sources, settings))
    assert report.added == 6 and not report.failed
    assert len(started) == 2 and threading.main_thread() not in started


def nice(pid: int) -> int:
    """A process's nice value (``/proc/PID/stat``)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[16])


def test_parsing_processes_yield_to_the_process_that_started_them() -> None:
    # the main process (the writer, the app's keys) goes first on a busy machine
    from tui_news.core.sources.parse_workers import PARSE_NICE

    with started() as (parent, workers):
        for pid in workers:
            assert nice(pid) == min(nice(parent) + PARSE_NICE, 19)


RICH = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Harbour Gazette</title>
<link>https://gazette.example/</link>
<item><title>Ferry returns</title><link>/ferry</link><guid>f-1</guid>
<dc:creator>Ann Reporter</dc:creator><pubDate>Thu, 28 May 2026 20:26:40 +0000</pubDate>
<description>&lt;p&gt;The &lt;b&gt;ferry&lt;/b&gt; is back.&lt;/p&gt;</description>
<enclosure url="https://gazette.example/a.mp3" type="audio/mpeg" length="1234"/>
<media:content url="https://gazette.example/p.jpg" medium="image"/></item>
<item><title>Plain one</title><description>Just text.</description></item>
</channel></rss>"""


def test_a_feed_parsed_in_a_process_arrives_as_parsed_here() -> None:
    # feeds travel back from the parsing processes packed as tuples: every field of every
    # item, enclosures and pictures too, comes out as parse_feed gives it in this process
    import asyncio

    from tui_news.core.feed_refresh import FetchSettings, _Parsers
    from tui_news.core.sources.feeds import parse_feed

    async def parsed() -> object:
        parsers = _Parsers(100, FetchSettings(parallel_from=1, parse_workers=1))
        try:
            found = await parsers.parse(RICH, "https://gazette.example/feed")
            assert parsers.pool is not None  # it went to a process
            return found
        finally:
            parsers.close()

    here = parse_feed(RICH, "https://gazette.example/feed")
    there = asyncio.run(parsed())
    assert there == here
    assert here.items[0].enclosures and here.items[0].pictures  # the rich fields were there


def test_a_parsing_process_is_told_what_the_feed_holds_already() -> None:
    # the fingerprints of the stored articles go with the document: the item stored as it
    # is comes back unchanged, without its text, the other whole
    import asyncio

    from tui_news.core.feed_refresh import FetchSettings, _Parsers
    from tui_news.core.sources.feeds import Feed, parse_feed

    url = "https://gazette.example/feed"
    whole = parse_feed(RICH, url)
    known = {whole.items[0].key: whole.items[0].fingerprint or ""}

    async def parsed() -> Feed:
        parsers = _Parsers(100, FetchSettings(parallel_from=1, parse_workers=1))
        try:
            return await parsers.parse(RICH, url, known)
        finally:
            parsers.close()

    there = asyncio.run(parsed())
    assert there == parse_feed(RICH, url, known=known)
    first, second = there.items
    assert first.unchanged and (first.body, first.enclosures) == ("", ())
    assert second == whole.items[1] and not second.unchanged


def test_a_parsing_process_works_out_the_story_terms_of_new_recent_items() -> None:
    import asyncio

    from tui_news.core.feed_refresh import FetchSettings, _Parsers
    from tui_news.core.sources.feeds import Feed, parse_feed
    from tui_news.core.story_text import decode, features

    url = "https://gazette.example/feed"
    whole = parse_feed(RICH, url)
    dated = whole.items[0].published or 0.0

    async def parsed(since: float | None) -> Feed:
        settings = FetchSettings(parallel_from=1, parse_workers=1, terms_since=since)
        parsers = _Parsers(100, settings)
        try:
            return await parsers.parse(RICH, url)
        finally:
            parsers.close()

    def read(feed: Feed) -> list[object]:  # a line's terms are in no particular order
        return [None if i.terms is None else decode(i.terms) for i in feed.items]

    terms = [features(item.title, item.body) for item in whole.items]
    assert read(asyncio.run(parsed(dated))) == terms
    assert read(asyncio.run(parsed(dated + 1))) == [None, terms[1]]  # and the undated one
    assert read(asyncio.run(parsed(None))) == [None, None]  # stories kept apart


def test_a_parsing_process_imports_the_parser_not_the_refresh() -> None:
    # what a parsing process imports it pays for before its first parse: the fork server
    # imports the worker's module once, and that module needs none of the refresh's
    code = (
        "import sys, tui_news.core.sources.parse_workers\n"
        "print(sorted(m for m in sys.modules if m.startswith('tui_news.core.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout
    assert "tui_news.core.sources.feeds" in loaded
    for heavy in ("feed_refresh", "library", "sources.fetch", "reader"):
        assert f"tui_news.core.{heavy}'" not in loaded
