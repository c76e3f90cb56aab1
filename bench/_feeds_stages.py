"""Child process of ``bench/feeds.py --breakdown``: where a first refresh spends its time.

    python bench/_feeds_stages.py WORK_DIR URL [URL ...]

Runs the stages of tui-news's feed refresh one at a time, in this process, over the feeds at
the ``URL``s: fetching every body (the app's fetcher and limits), checking that each is
well-formed XML (lxml), parsing (``parse_feed`` as a whole, then ``strip_tags`` alone, the
body text kept for search), and storing (``store_feed`` in batches of ``store_batch``
articles per transaction, as a refresh does) into a fresh library in
``WORK_DIR``. Each stage's wall time and this process's CPU time for it. Then it runs the
real ``refresh_feeds`` on another fresh library with a 5 ms ticker on the event loop to
measure how long the loop is blocked. Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path

from tui_news.core.feed_refresh import FetchSettings, refresh_feeds, store_feed
from tui_news.core.html_text import strip_tags
from tui_news.core.library import Store
from tui_news.core.reader import make_reader
from tui_news.core.sources.feeds import parse_feed
from tui_news.core.sources.fetch import Response

perf = time.perf_counter
cpu = time.process_time


class Stage:
    """Times one stage: ``out[name + "_s"]`` wall, ``out[name + "_cpu"]`` this process's CPU."""

    def __init__(self, out: dict[str, object], name: str) -> None:
        self.out, self.name = out, name

    def __enter__(self) -> None:
        self.wall, self.cpu = perf(), cpu()

    def __exit__(self, *exc: object) -> None:
        self.out[f"{self.name}_s"] = perf() - self.wall
        self.out[f"{self.name}_cpu"] = cpu() - self.cpu


async def fetch_all(urls: list[str], settings: FetchSettings) -> list[bytes]:
    gate = asyncio.Semaphore(settings.connections)
    async with settings.fetcher() as fetcher:

        async def one(url: str) -> bytes:
            async with gate:
                return (await fetcher.fetch(url, max_bytes=settings.max_bytes)).body

        return await asyncio.gather(*(one(url) for url in urls))


async def with_ticker(coroutine: object, every: float = 0.005) -> tuple[object, list[float]]:
    """Run ``coroutine`` while a ticker records how late each of its wake-ups was."""
    late: list[float] = []

    async def tick() -> None:
        while True:
            start = perf()
            await asyncio.sleep(every)
            late.append(perf() - start - every)

    ticker = asyncio.create_task(tick())
    try:
        result = await coroutine  # type: ignore[misc]
    finally:
        ticker.cancel()
    return result, late


def main(work: Path, urls: list[str]) -> dict[str, object]:
    from lxml import etree

    out: dict[str, object] = {}
    settings = FetchSettings()
    out["connections"] = settings.connections

    with Stage(out, "fetch"):
        bodies = asyncio.run(fetch_all(urls, settings))
    out["bytes"] = sum(map(len, bodies))

    strict = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with Stage(out, "xml_check"):
        for body in bodies:
            etree.fromstring(body, strict)

    with Stage(out, "parse_feed"):
        feeds = [parse_feed(body, url) for body, url in zip(bodies, urls, strict=True)]
    out["parsers"] = dict(Counter(feed.parser for feed in feeds))
    out["items"] = sum(len(feed.items) for feed in feeds)

    html = [item.content for feed in feeds for item in feed.items if item.content]
    with Stage(out, "strip_tags"):
        for markup in html:
            strip_tags(markup)
    out["html_items"] = len(html)

    (work / "stages").mkdir(parents=True)
    store = Store(work / "stages" / "library.sqlite")
    sources = [store.add_source("feed", url, "", None) for url in urls]
    batches: list[list[int]] = [[]]
    held = 0  # articles in the last batch
    for number, feed in enumerate(feeds):
        if held >= settings.store_batch:
            batches.append([])
            held = 0
        batches[-1].append(number)
        held += len(feed.items)
    out["store_batches"] = len(batches)
    store.hold_batches()  # as the refresh's writer connection
    with Stage(out, "store"):
        for batch in batches:
            with store.transaction():
                for number in batch:
                    response = Response(urls[number], 200, b"", '"etag"', None)
                    store_feed(store, sources[number], response, feeds[number])
        store.checkpoint()
    store.close()

    reader = make_reader(work / "loop")
    urls_file = "\n".join(urls).encode()
    added, _ = reader.import_list(urls_file)
    with Stage(out, "refresh_feeds"):
        report, late = asyncio.run(with_ticker(refresh_feeds(reader.store, added, settings)))
    out["refresh_added"] = report.added  # type: ignore[attr-defined]
    late.sort()
    out["loop_ticks"] = len(late)
    out["loop_stall_max_s"] = late[-1] if late else 0.0
    out["loop_stall_p50_s"] = late[len(late) // 2] if late else 0.0
    out["loop_stall_p99_s"] = late[int(len(late) * 0.99)] if late else 0.0
    out["loop_stalled_over_50ms_s"] = sum(x for x in late if x > 0.05)
    reader.close()
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2:])))
