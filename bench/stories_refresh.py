"""What story grouping adds to a refresh of 500 feeds into a library of 100,000 articles.

    python bench/stories_refresh.py [--n 100000] [--items 50] [--new 5] [--hours 72]
                                    [--runs 3] [--no-newsboat] [--against TREE]

The library is ``bench/stories.py``'s (``--n`` articles from 500 feeds over 30 days, their
stories grouped; built once, cached under bench/data/stories/). Its 500 feeds are pointed at
loopback servers (``bench/feeds.py``'s nginx on 25 addresses) serving ``--items`` items each,
dated over the last ``--hours``: events of a made-up vocabulary told by one to five feeds each,
in their own words (``bench/stories.py``'s ``Words``), so that articles of one refresh form
stories with each other and with earlier ones. A template data dir holds the library, dated so
that it ends where the feeds begin, after an untimed refresh (stories grouped) of the feeds
without their newest ``--new`` items each; then the feeds get those, and per run, on copies of
the template:

- ``tui-news refresh`` with ``group_stories = false`` and, on another copy, with it true (the
  order alternates between runs): wall and CPU time of the whole command (spawn to exit). It
  fetches and parses every item and stores the new ones;
- the grouping stage alone: ``group_new`` on the library the grouping-off refresh left, which
  holds exactly that refresh's new articles ungrouped (wall and CPU, in this process); and
  the part of it left for the refresh's end once their terms are kept (``keep_terms``, which
  a refresh's thread does while it fetches: core/story_grouping.py), on a copy;
- newsboat's first reload of the same feeds on an empty cache (``-x reload``, 10 threads), the
  feeds bench's yardstick (``--no-newsboat`` skips it).

``--against TREE`` also runs another tui-news source tree's refresh, grouping off and on, in
each run, before or after this checkout's in turn (a change against main on one busy machine),
on copies of a template of its own made the same way (its schema may be older); the grouping
stage alone is timed for this checkout only.

Printed: each run with the load average before it, then medians (min-max) and the ratios that
issue 16 sets: grouping / refresh without it (at most 0.2) and refresh with grouping /
newsboat (the feeds bench's target, at most 0.15).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from feeds import feed_server, feed_urls, python  # noqa: E402
from run import installed_env  # noqa: E402
from stories import FEEDS, Words, build, items_for  # noqa: E402

from tui_news.core.library import Store  # noqa: E402
from tui_news.core.library.stories import group_new, keep_terms  # noqa: E402
from tui_news.core.models import Parsed  # noqa: E402

SERVED = BENCH / "data" / "stories_feeds"
TARGET_SHARE = 0.2  # grouping at most this share of the refresh's time (issue 16)
TARGET_RATIO = 0.15  # the feeds bench's ratio against newsboat's first reload (issue 11)


@dataclass
class Timed:
    """A measured step: wall and CPU seconds, the load average (1 min) before it."""

    wall: float
    cpu: float
    load: float


def spawn(command: list[str], env: dict[str, str], cwd: Path | None = None) -> Timed:
    """Run ``command`` to the end: wall time from spawn to exit, its CPU from wait4."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            print(f"  warning: {command[-1]} exited with {status}: {err.read()[-1500:]}")
    return Timed(wall, usage.ru_utime + usage.ru_stime, load)


def make_items(items: int, hours: float, seed: int) -> list[list[Parsed]]:
    """About ``items`` items a feed over the last ``hours``, newest first in each feed."""
    now = time.time()
    words = Words(random.Random(seed))
    per_feed = items_for(words, FEEDS * items, now - hours * 3600, now, f"s{seed}-")
    return [sorted(found, key=lambda i: -(i.published or 0)) for found in per_feed]


def write_feeds(folder: Path, per_feed: list[list[Parsed]], skip: int) -> int:
    """RSS 2.0 files ``feed-NNNN.rss`` of each feed's items but its ``skip`` newest; how
    many items in all."""
    folder.mkdir(parents=True, exist_ok=True)
    filler = " ".join(random.Random(0).choices(Words(random.Random(0)).common[:3000], k=120))
    for number, found in enumerate(per_feed):
        (folder / f"feed-{number:04d}.rss").write_text(rss(number, found[skip:], filler), "utf-8")
    return sum(len(found[skip:]) for found in per_feed)


def rss(number: int, items: list[Parsed], filler: str) -> str:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>Feed {number}</title><link>http://outlet{number}.example/</link>",
        "<description>News</description>",
    ]
    for item in items:
        body = f"<p>{escape(item.body)}</p><p>{filler}</p>"
        parts.append(
            f"<item><title>{escape(item.title)}</title>"
            f"<link>http://outlet{number}.example/{item.key}</link>"
            f'<guid isPermaLink="false">{item.key}</guid>'
            f"<pubDate>{formatdate(item.published, usegmt=True)}</pubDate>"
            f"<description>{escape(body)}</description></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts)


def template(
    folder: Path, library: Path, urls: list[str], hours: float, tree: Path | None = None
) -> Path:
    """A data dir holding a copy of the library, dated to end ``hours`` ago, its feeds at
    ``urls``, grouping stories; migrated by this checkout or by ``tree``."""
    folder.mkdir(parents=True)
    path = folder / "library.sqlite"
    shutil.copy(library, path)
    spawn([*python(tree), "--data-dir", str(folder), "sources"], installed_env())  # migrated
    with sqlite3.connect(path) as conn:
        newest = conn.execute("SELECT max(published) FROM articles").fetchone()[0]
        shift = time.time() - hours * 3600 - newest
        conn.execute("UPDATE articles SET published = published + ?", (shift,))
        conn.execute("UPDATE story_terms SET published = published + ?", (shift,))
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        if "story_counts" in tables:  # counted by time slices: not as they were any more
            conn.execute("DELETE FROM story_counts")
        conn.executemany(
            "UPDATE sources SET location = ? WHERE location = ?",
            [(url, f"http://feeds.example/{n}") for n, url in enumerate(urls)],
        )
    return folder


def copy(template: Path, folder: Path, grouped: bool) -> Path:
    shutil.copytree(template, folder)
    (folder / "config.toml").write_text(f"group_stories = {str(grouped).lower()}\n")
    return folder


def alone(folder: Path, ahead: bool = False) -> tuple[Timed, int]:
    """``group_new`` on (a copy of) the library a grouping-off refresh left: the grouping stage
    alone; ``ahead``: with the terms kept first (untimed), as a refresh's thread keeps them
    while it fetches: what is left for the refresh's end."""
    if ahead:
        shutil.copytree(folder, folder.with_name(folder.name + "-ahead"))
        folder = folder.with_name(folder.name + "-ahead")
    store = Store(folder / "library.sqlite")
    if ahead:
        keep_terms(store)
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    changed = group_new(store)
    timed = Timed(time.perf_counter() - wall, time.process_time() - cpu, load)
    store.close()
    if ahead:
        shutil.rmtree(folder)
    return timed, changed


def newsboat(binary: str, folder: Path, urls: list[str]) -> Timed:
    folder.mkdir()
    (folder / "urls").write_text("".join(f"{url}\n" for url in urls))
    (folder / "config").write_text("reload-threads 10\n")
    env = {**os.environ, "HOME": str(folder), "XDG_CONFIG_HOME": str(folder / "x"),
           "XDG_DATA_HOME": str(folder / "x")}  # fmt: skip
    command = [binary, "-u", "urls", "-c", "cache.db", "-C", "config", "-x", "reload"]
    return spawn(command, env, cwd=folder)


def shown(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=50, help="items per feed (about)")
    parser.add_argument("--new", type=int, default=5, help="of them new to the library")
    parser.add_argument("--hours", type=float, default=72.0, help="the items' time span")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument("--against", type=Path, help="another tui-news source tree, timed too")
    args = parser.parse_args()
    library = build(args.n)
    per_feed = make_items(args.items, args.hours, 1)
    SERVED.mkdir(parents=True, exist_ok=True)
    for stale in SERVED.iterdir():
        stale.unlink()
    known = write_feeds(SERVED, per_feed, args.new)
    binary = None if args.no_newsboat else shutil.which("newsboat")
    tui = [*python(None), "--data-dir"]  # this checkout's
    env = installed_env()
    keys = ("off", "on", "alone", "left", "newsboat", "against off", "against on")
    found: dict[str, list[Timed]] = {k: [] for k in keys}
    work = Path(tempfile.mkdtemp(prefix="bench-stories-"))
    try:
        # nginx reads the files at each request: the feeds can change under it
        with feed_server("nginx", SERVED, False, 25) as server:
            names = sorted(p.name for p in SERVED.iterdir())
            urls = feed_urls(server.bases, names)
            base = template(work / "template", library, urls, args.hours)
            spawn([*tui, str(base), "refresh"], env)  # the known items, grouped; untimed
            other = None  # --against's own template: its schema may be older than this one's
            if args.against:
                other = template(work / "against", library, urls, args.hours, args.against)
                spawn([*python(args.against), "--data-dir", str(other), "refresh"], env)
            count = write_feeds(SERVED, per_feed, 0)
            print(
                f"{count:,} items in {FEEDS} feeds over {args.hours:g} h, {count - known:,} "
                f"of them new; library {library.name} + {known:,} known items; {server.name}"
            )
            for run in range(args.runs):
                line = []
                trees: list[Path | None] = [None]
                if args.against:
                    trees = [None, args.against] if run % 2 == 0 else [args.against, None]
                for tree in trees:
                    for grouped in (False, True) if run % 2 == 0 else (True, False):
                        key = ("on" if grouped else "off") if tree is None else (
                            "against on" if grouped else "against off"
                        )  # fmt: skip
                        source = base if tree is None else (other or base)
                        folder = copy(source, work / f"{key}{run}".replace(" ", "-"), grouped)
                        command = [*python(tree), "--data-dir", str(folder), "refresh"]
                        timed = spawn(command, env)
                        found[key].append(timed)
                        line.append(f"{key} {timed.wall:.2f} s (CPU {timed.cpu:.2f}, load "
                                    f"{timed.load:.1f})")  # fmt: skip
                        if not grouped and tree is None:
                            timed, _ = alone(folder, ahead=True)
                            found["left"].append(timed)
                            line.append(f"left at the end {timed.wall:.2f} s (CPU "
                                        f"{timed.cpu:.2f})")  # fmt: skip
                            timed, changed = alone(folder)
                            found["alone"].append(timed)
                            line.append(f"grouping alone {timed.wall:.2f} s (CPU "
                                        f"{timed.cpu:.2f}, {changed} stories changed, load "
                                        f"{timed.load:.1f})")  # fmt: skip
                        shutil.rmtree(folder)
                if binary:
                    timed = newsboat(binary, work / f"newsboat{run}", urls)
                    found["newsboat"].append(timed)
                    line.append(f"newsboat {timed.wall:.2f} s (load {timed.load:.1f})")
                print(f"run {run + 1}/{args.runs}: " + ", ".join(line), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(found, args)


def report(found: dict[str, list[Timed]], args: argparse.Namespace) -> None:
    loads = [t.load for timed in found.values() for t in timed]
    print(
        f"\n{args.n:,} articles, {FEEDS} feeds x ~{args.items} items, ~{args.new} new; "
        f"medians (min-max) of {args.runs} runs, {os.cpu_count()} CPUs, load average "
        f"{min(loads):.1f}-{max(loads):.1f}"
    )
    print(f"{'what':<40} {'wall (s)':>22} {'CPU (s)':>22}")
    rows = (
        ("refresh, group_stories = false", "off"),
        ("refresh, group_stories = true", "on"),
        ("grouping alone (group_new)", "alone"),
        ("of it left once terms are kept ahead", "left"),
        ("newsboat first reload", "newsboat"),
        ("--against: refresh, grouping off", "against off"),
        ("--against: refresh, grouping on", "against on"),
    )
    for label, key in rows:
        if found[key]:
            print(
                f"{label:<40} {shown([t.wall for t in found[key]]):>22} "
                f"{shown([t.cpu for t in found[key]]):>22}"
            )

    def med(key: str, cpu: bool = False) -> float:
        return statistics.median(t.cpu if cpu else t.wall for t in found[key])

    for cpu in (False, True):
        kind = "CPU" if cpu else "wall"
        share = med("alone", cpu) / med("off", cpu)
        added = med("on", cpu) / med("off", cpu) - 1
        print(
            f"grouping / refresh without it ({kind}): {share:.2f} (target <= {TARGET_SHARE}); "
            f"refresh with / without, {kind}: {added:+.0%}"
        )
    if found["against on"]:
        for cpu in (False, True):
            kind = "CPU" if cpu else "wall"
            added = med("against on", cpu) / med("against off", cpu) - 1
            print(f"--against: refresh with / without, {kind}: {added:+.0%}")
    if found["newsboat"]:
        ratio = med("on") / med("newsboat")
        print(f"refresh with grouping / newsboat: {ratio:.2f} (target <= {TARGET_RATIO}), "
              f"without: {med('off') / med('newsboat'):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
