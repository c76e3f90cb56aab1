"""The measured side of the benchmarks: run by ``bench/run.py`` in a fresh process.

    python bench/_child.py cold DATA_DIR WIDTH HEIGHT
    python bench/_child.py session DATA_DIR WIDTH HEIGHT REPS

Prints one JSON object on its last line of stdout. Times are ``time.perf_counter()`` values;
on Linux that is CLOCK_MONOTONIC, shared by every process, so the parent can subtract the
moment it spawned this process from the moment this process painted.

The app runs headless at a fixed size. A headless Textual app skips turning each frame into
terminal escape codes, so :class:`BenchMixin` does that step itself (and throws the text
away): every measured frame costs what it would cost in a terminal, minus the write.
"""

# ruff: noqa: E402  (the clock starts before anything is imported)
import time

T0 = time.perf_counter()

import asyncio
import json
import resource
import statistics
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

perf = time.perf_counter


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(result: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def bench_app_class() -> type:
    """NewsApp with frame hooks: first paint with rows, and waiting for a condition's frame."""
    from textual._compositor import CompositorUpdate

    from tui_news.ui.app import NewsApp
    from tui_news.ui.headlines import HeadlineList

    drawn = {"rows": False}
    original = HeadlineList.render_line

    def render_line(self: HeadlineList, y: int) -> Any:
        strip = original(self, y)
        if self.ids and y + self.scroll_offset.y < len(self.ids):
            drawn["rows"] = True
        return strip

    HeadlineList.render_line = render_line  # type: ignore[method-assign]

    class BenchApp(NewsApp):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.frames = 0
            self.first_rows: float | None = None
            self.rows_at_first_paint = 0
            self.counts_shown: float | None = None
            self.on_first_rows: Callable[[], None] | None = None
            self.waiter: tuple[Callable[[], bool], asyncio.Future[float]] | None = None

        @property
        def shown(self) -> Any:
            """The view whose ids the headline list holds."""
            return self.headline_pane.listed

        def _display(self, screen: Any, renderable: Any) -> None:
            if (
                renderable is not None
                and self.is_headless
                and not self._batch_count
                and isinstance(renderable, CompositorUpdate)
            ):
                renderable.render_segments(self.console)
            super()._display(screen, renderable)
            if renderable is None:
                return
            now = perf()
            self.frames += 1
            if self.first_rows is None and drawn["rows"]:
                self.first_rows = now
                self.rows_at_first_paint = len(self.headlines.ids)
                if self.on_first_rows is not None:
                    self.on_first_rows()
            if self.counts_shown is None and len(self.sidebar.root.children) > 3:
                self.counts_shown = now
            if self.waiter is not None and self.waiter[0]():
                future = self.waiter[1]
                self.waiter = None
                if not future.done():
                    future.set_result(now)

    return BenchApp


# --- cold start ---------------------------------------------------------------------------


def cold(data_dir: str, size: tuple[int, int]) -> None:
    from tui_news.core.reader import make_reader

    t_core = perf()
    reader = make_reader(data_dir)
    t_reader = perf()
    reader.offer_sample()  # as ``tui-news`` does before it opens the app
    t_sample = perf()
    app_class = bench_app_class()  # imports textual and the UI
    t_ui = perf()
    app = app_class(reader)
    app.on_first_rows = app.exit
    app.run(headless=True, size=size)
    t_exit = perf()
    reader.close()
    emit(
        {
            "t0": T0,
            "core_imported": t_core,
            "reader_open": t_reader,
            "sample_checked": t_sample,
            "ui_imported": t_ui,
            "first_paint": app.first_rows,
            "app_exited": t_exit,
            "rows": app.rows_at_first_paint,
            "maxrss_mb": maxrss_mb(),
        }
    )


# --- interactive session ------------------------------------------------------------------


def key_event(key: str) -> Any:
    """The Key event a terminal would send for ``key`` (as Pilot builds it)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


class Session:
    def __init__(self, app: Any, pilot: Any) -> None:
        self.app = app
        self.pilot = pilot
        self.samples: dict[str, list[float]] = {}

    def record(self, name: str, seconds: float) -> None:
        self.samples.setdefault(name, []).append(seconds)

    async def settle(self) -> None:
        """Wait until the app is idle: messages handled, workers done, a frame drawn."""
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def press(self, key: str, done: Callable[[], bool], timeout: float = 30.0) -> float:
        """Seconds from sending ``key`` to the first frame drawn once ``done()`` holds."""
        await self.settle()
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.app.waiter = (done, future)
        event = key_event(key)
        start = perf()
        self.app.post_message(event)
        try:
            end = await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise RuntimeError(
                f"pressing {key!r} never drew the expected screen (waited {timeout:g} s): "
                "a key binding or widget the benchmark relies on may have changed"
            ) from None
        finally:
            self.app.waiter = None
        return end - start

    async def timed(self, name: str, key: str, done: Callable[[], bool]) -> float:
        seconds = await self.press(key, done)
        self.record(name, seconds)
        return seconds


# (name, query) for full-text search: from a phrase to words in nearly every article.
FULL_TEXT = [
    ("phrase", '"sao paulo"'),
    ("rare_pair", "cocoa satellite"),
    ("common_word", "officials"),
    ("very_common_word", "the"),
    ("prefix", "regul*"),
    ("filtered", "budget section:world is:unread"),
]


def _big_html(size: int) -> str:
    """An HTML article of about ``size`` characters with every element the reader renders."""
    parts = ["<article><h1>A very long read</h1>"]
    number = 0
    while sum(map(len, parts)) < size:
        number += 1
        parts.append(
            f"<h2>Part {number}</h2><p>Paragraph {number} has <b>bold</b>, <em>italic</em>, "
            f"<code>code()</code> and a <a href='https://example.org/{number}'>link</a>. "
            + "Enough words follow to wrap over several lines of the terminal. "
            * 3
            + "</p><ul><li>one point</li><li>another</li></ul><blockquote>Quoted.</blockquote>"
            "<pre>x = 1\ny = 2</pre><table><tr><th>Year</th><th>Value</th></tr>"
            "<tr><td>2025</td><td>10</td></tr></table>"
        )
    return "".join(parts) + "</article>"


def direct(function: Callable[[], object], reps: int) -> list[float]:
    times = []
    for _ in range(reps):
        start = perf()
        function()
        times.append(perf() - start)
    return times


def long_unread(reader: Any, count: int) -> list[int]:
    """The first ``count`` unread articles (by id) of over 15,000 characters: the ~20 KB
    ones that generate.py writes among the short ones."""
    from tui_news.core.models import View

    found = []
    for article_id in sorted(reader.view_ids(View(unread=True))):
        article = reader.article(article_id)
        if article is not None and len(article.body) > 15000:
            found.append(article_id)
            if len(found) == count:
                break
    return found


async def run_session(data_dir: str, size: tuple[int, int], reps: int) -> dict[str, Any]:
    from tui_news.core.reader import make_reader
    from tui_news.ui.sidebar import UNREAD

    reader = make_reader(data_dir)
    app_class = bench_app_class()
    app = app_class(reader)
    started = perf()
    async with app.run_test(size=size) as pilot:
        s = Session(app, pilot)
        while app.first_rows is None or app.counts_shown is None:
            await pilot.pause()
        s.record("startup_first_rows", app.first_rows - started)
        s.record("startup_counts", app.counts_shown - started)
        await s.settle()
        headlines, article_view = app.headlines, app.article_view
        last = len(headlines.ids) - 1

        # Jump to the end and back.
        for _ in range(reps):
            await s.timed(
                "jump_end",
                "G",
                lambda: (
                    headlines.cursor == last
                    and headlines.scroll_offset.y >= headlines.max_scroll_y > 0
                ),
            )
            await s.timed(
                "jump_top", "g", lambda: headlines.cursor == 0 and headlines.scroll_offset.y == 0
            )

        # j / k: the first screenful moves the cursor, the rest scroll the list.
        def at(row: int) -> Callable[[], bool]:
            return lambda: headlines.cursor == row

        height = headlines.scrollable_content_region.height
        for _ in range(max(reps * 4, height + 10)):
            target = headlines.cursor + 1
            await s.timed(
                "key_j" if target < height else "key_j_scroll",
                "j",
                at(target),
            )
        for _ in range(reps * 4):
            target = headlines.cursor - 1
            await s.timed("key_k", "k", at(target))
        page = max(1, height - 1)
        for _ in range(reps):
            target = min(headlines.cursor + page, last)
            await s.timed("key_pagedown", "pagedown", at(target))

        # Open ~20 KB articles (unread, so opening also marks them read) and a short one.
        long_ids = long_unread(reader, reps)
        short_id = headlines.ids[len(headlines.ids) // 2]
        opened: list[int] = []
        sizes: list[int] = []
        for name, article_id in [("open_long", i) for i in long_ids] + [("open_short", short_id)]:
            headlines.focus()
            headlines.cursor = headlines.ids.index(article_id)
            await s.settle()

            def shown(article_id: int = article_id) -> bool:
                return (
                    article_view.article is not None
                    and article_view.article.id == article_id
                    and bool(getattr(article_view, "_lines", True))
                )

            await s.timed(name, "enter", shown)
            opened.append(article_id)
            if name == "open_long":
                sizes.append(len(article_view.article.body.encode()))
                # The parts: reading the row, and building the view's lines.
                s.record(
                    "open_long_store_article", direct(partial(reader.article, article_id), 1)[0]
                )
                article = reader.article(article_id)
                s.record("open_long_build_lines", direct(partial(article_view.show, article), 1)[0])
        reader.set_read(opened, False)  # leave the library as we found it

        # A 200 KB HTML article (headings, emphasis, lists, quotes, code, tables, links):
        # converting and wrapping it is what opening it costs beyond the 20 KB case.
        from dataclasses import replace as dc_replace

        first_long = reader.article(long_ids[0])
        assert first_long is not None
        big = dc_replace(first_long, content=_big_html(200_000))
        for seconds in direct(lambda: article_view.show(big), reps):
            s.record("open_200kb_html", seconds)
        await s.settle()

        # Switch views from the sidebar: j moves the highlight, which loads the view's ids in
        # a thread; each time runs to the frame that shows them (app.shown).
        app.sidebar.focus()
        app.sidebar.select_view(app.view, quiet=True)
        await s.settle()
        from tui_news.core.models import View

        views = [node.data for node in app.sidebar.root.children if node.data is not None]

        def showing(view: View) -> Callable[[], bool]:
            return lambda: app.shown == view

        for _ in range(max(1, reps // 2)):
            app.sidebar.action_first()
            await s.settle()
            if app.view != views[0]:
                app.show_view(views[0])
            for view in views[1:]:
                name = "view_" + ("section" if view.section else view.label.lower())
                await s.timed(name, "j", showing(view))
                if view == UNREAD:
                    s.record("rows_unread", len(headlines.ids))
            await s.timed("view_all", "g", showing(views[0]))

        # A section's sources (a library of feeds): expand the section, j onto its first two.
        parent = next((n for n in app.sidebar.root.children if len(n.children) > 1), None)
        for _ in range(max(1, reps // 2) if parent is not None else 0):
            assert parent is not None and parent.data is not None
            app.go_to(parent.data)
            app.sidebar.focus()
            parent.expand()
            await s.settle()
            for child in parent.children[:2]:
                await s.timed("view_source", "j", showing(child.data))
                s.record("rows_source", len(headlines.ids))
            parent.collapse()

        # Filtering as you type: "/" in the headline list, then a query key by key. Each key
        # is timed until the frame that shows that text's results.
        from tui_news.core.reader import search_view
        from tui_news.core.search import parse

        def filtered(text: str) -> Callable[[], bool]:
            return lambda: app.view.query is not None and app.view.query.text == text

        def filtering_off(view: View) -> Callable[[], bool]:
            return lambda: app.view == view

        typing = [  # (scope, view, text typed key by key): words from generate.py
            ("all", View("All"), "water officials"),
            ("section", View("World", section="World"), "cocoa"),
        ]
        for scope, view, text in typing:
            app.go_to(view)
            await s.settle()
            await s.timed("filter_open", "/", lambda: app.search_bar.input.has_focus)
            typed = ""
            for char in text:
                typed += char
                name = f"filter_key_{scope}" if char != " " else "filter_key_space"
                await s.timed(name, char, filtered(typed))
                s.record(f"filter_rows_{scope}", len(headlines.ids))
            await s.timed("search_widen", "ctrl+l", lambda: app.view.ranked)
            await s.timed("filter_escape", "escape", filtering_off(view))

        # Full-text queries, as `tui-news search` and the widened field run them.
        for name, text in FULL_TEXT:
            view = search_view(parse(text))
            for seconds in direct(partial(reader.view_ids, view, 50), reps):
                s.record(f"fts_{name}", seconds)
            s.record(f"fts_matches_{name}", reader.count(view))
        for seconds in direct(lambda: reader.search("officials", 20), reps):
            s.record("reader_search", seconds)

        # SQL alone: the ids of each view, the sidebar counts.
        for view in views:
            kind = "section" if view.section else view.label.lower()
            for seconds in direct(partial(reader.view_ids, view), reps):
                s.record(f"sql_view_ids_{kind}", seconds)
        if parent is not None:
            source_view = parent.children[0].data
            for seconds in direct(lambda: reader.view_ids(source_view), reps):
                s.record("sql_view_ids_source", seconds)
        for seconds in direct(reader.section_counts, reps):
            s.record("sql_section_counts", seconds)
        for seconds in direct(reader.sources, max(1, reps // 2)):
            s.record("sql_sources", seconds)
        page = headlines.ids[:100]
        for seconds in direct(lambda: reader.headlines(page), reps):
            s.record("sql_headline_page", seconds)
        s.record("long_article_bytes", statistics.median(sizes) if sizes else 0)
        s.record("views", len(views))
    reader.close()
    return {"samples": s.samples, "maxrss_mb": maxrss_mb()}


def main() -> None:
    mode, data_dir, width, height = sys.argv[1:5]
    size = (int(width), int(height))
    if mode == "cold":
        cold(data_dir, size)
    elif mode == "session":
        emit(asyncio.run(run_session(data_dir, size, int(sys.argv[5]))))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
