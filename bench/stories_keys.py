"""The headline list's keys at 100,000 articles with stories grouped (one row per story) and
kept apart: each key timed from the key event to the frame that shows its result.

    python bench/stories_keys.py [--n 100000] [--reps 5]

The library is ``bench/stories.py``'s (100,000 articles, 16,494 of them in 4,982 stories).
For each setting a fresh process opens a copy of it in the app, headless at 160x50 (frames
are turned into terminal text as a terminal would need, by ``bench/_child.py``'s app class),
and times: G and g (end and top), j and k (moving, then scrolling), page down, enter (open the
row's article; a story's marks its other outlets read), v (the next outlet's version, on a
story's row), / and three letters of a filter, escape, and moving the sidebar onto Unread.
Printed: median and worst of each, and the load average before each process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

TARGET_MS = 50.0  # DESIGN.md: every keystroke under 50 ms
SIZE = (160, 50)


async def session(data_dir: str, reps: int) -> dict[str, list[float]]:
    from _child import Session, bench_app_class

    from tui_news.core.reader import make_reader
    from tui_news.ui.sidebar import UNREAD

    reader = make_reader(data_dir)
    app = bench_app_class()(reader)
    async with app.run_test(size=SIZE) as pilot:
        s = Session(app, pilot)
        while app.first_rows is None:
            await pilot.pause()
        await s.settle()
        headlines = app.headlines
        last = len(headlines.ids) - 1

        def at(row: int) -> Callable[[], bool]:
            return lambda: headlines.cursor == row

        s.record("rows", float(len(headlines.ids)))
        for _ in range(reps):
            await s.timed("G (end)", "G", lambda: headlines.cursor == last)
            await s.timed("g (top)", "g", lambda: headlines.cursor == 0)
        height = headlines.scrollable_content_region.height
        for _ in range(height + reps * 4):
            target = headlines.cursor + 1
            name = "j" if target < height else "j (scrolling)"
            await s.timed(name, "j", at(target))
        for _ in range(reps * 4):
            target = headlines.cursor - 1
            await s.timed("k", "k", at(target))
        for _ in range(reps):
            target = min(headlines.cursor + height - 1, last)
            await s.timed("page down", "pagedown", at(target))
        told = [i for i, row in reader.headlines(headlines.ids[:400]).items() if row.others]
        for article_id in told[:reps]:
            headlines.focus()
            headlines.cursor = headlines.ids.index(article_id)
            await s.settle()

            def shown(i: int = article_id) -> bool:
                article = app.article_view.article
                return article is not None and article.id == i

            await s.timed("enter (open a story)", "enter", shown)
            await s.timed("v (next version)", "v", lambda: not shown())
            headlines.focus()
        for word in ("tao", "nba", "fgk")[:reps]:
            headlines.focus()
            await s.settle()
            await s.timed("/ (filter)", "/", lambda: app.search_bar.input.has_focus)
            typed = ""
            for char in word:
                typed += char

                def filtered(text: str = typed) -> bool:
                    return app.view.query is not None and app.view.query.text == text

                await s.timed("filter key", char, filtered)
            await s.timed("escape", "escape", lambda: app.view.query is None)
        app.sidebar.focus()
        app.sidebar.select_view(app.view, quiet=True)
        await s.settle()
        first = app.sidebar.root.children[0].data
        for _ in range(reps):
            app.sidebar.action_first()
            await s.settle()
            if app.view != first:
                app.show_view(first)
                await s.settle()
            await s.timed("sidebar j (Unread)", "j", lambda: app.headline_pane.listed == UNREAD)
    reader.close()
    return s.samples


def measure(library: Path, grouped: bool, reps: int, work: Path) -> tuple[dict[str, Any], float]:
    folder = work / ("on" if grouped else "off")
    folder.mkdir()
    shutil.copy(library, folder / "library.sqlite")
    config = f"refresh_on_start = false\ngroup_stories = {str(grouped).lower()}\n"
    (folder / "config.toml").write_text(config)
    from run import installed_env

    load = os.getloadavg()[0]
    run = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), "--reps", str(reps)],
        capture_output=True,
        text=True,
        env=installed_env(),
    )
    if run.returncode != 0:
        raise SystemExit(f"the measuring process failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1]), load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(session(args.child, args.reps))))
        return
    from stories import build

    library = build(args.n)
    work = Path(tempfile.mkdtemp(prefix="bench-stories-keys-"))
    try:
        found = {grouped: measure(library, grouped, args.reps, work) for grouped in (True, False)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (on, on_load), (off, off_load) = found[True], found[False]
    print(
        f"{args.n:,} articles, {SIZE[0]}x{SIZE[1]}, median / worst ms of each key; load "
        f"average {on_load:.1f} (grouped), {off_load:.1f} (apart); target {TARGET_MS:g} ms"
    )
    print(f"rows listed: {on['rows'][0]:,.0f} grouped, {off['rows'][0]:,.0f} apart")
    print(f"{'key':<24} {'grouped':>15} {'apart':>15}")
    for key in on:
        if key == "rows":
            continue

        def shown(samples: list[float]) -> str:
            return f"{statistics.median(samples) * 1000:.1f} / {max(samples) * 1000:.1f}"

        print(f"{key:<24} {shown(on[key]):>15} {shown(off[key]) if key in off else '-':>15}")


if __name__ == "__main__":
    main()
