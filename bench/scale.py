"""Scale benchmark (issue 6): a library of 1,000 feeds and 1,000,000 articles.

    python bench/scale.py [--feeds 1000] [--n 1000000] [--runs 5] [--cold-runs 5]

Builds (once; cached under ``bench/data/``, gitignored) a library of feed sources holding N
articles between them, through the store's own write path, then measures it with
``bench/run.py``'s machinery (``bench/_child.py`` processes): cold start, scrolling, the
sidebar, filtering as you type, full-text search, ``tui-news search``, opening an article and
peak memory. The table shows DESIGN.md's budget beside each figure; that budget is stated for
100,000 articles.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import math
import multiprocessing
import os
import random
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import generate
import run

from tui_news.core.html_text import strip_tags
from tui_news.core.models import Fetched, Parsed
from tui_news.core.reader import make_reader

perf = time.perf_counter
VERSION = 2  # of the generated library: a cached one of another version is built again
BATCH = 200  # (feed, round) jobs generated ahead of the store at a time
HOST = "http://127.0.0.1:9"  # the discard port: nothing is fetched (refresh_on_start is off)
# Feeds are named "<place> <kind>" (numbered when a name repeats).
PLACES = generate._words(
    "Harbour|Northern|Capital|Valley|Coastal|Metro|Island|Lakeside|Frontier|Central|Global|"
    "Evening|Morning|Weekly|Daily|Independent|Union|Pacific|Atlantic|Highland"
)
KINDS = generate._words(
    "Times|Herald|Post|Wire|Review|Gazette|Journal|Dispatch|Observer|Notes|Digest|Bulletin|"
    "Report|Letter|Blog"
)
AUTHORS = generate._words(
    "Ana Souza|Tomás Díaz|Mei Chen|Olu Adeyemi|Sara Lind|Jonas Berg|Priya Nair|Kofi Mensah|"
    "Lena Novak|Omar Haddad"
)


@dataclass(frozen=True)
class Feed:
    """One generated feed: where it lives, what it is called, and how many items it holds."""

    index: int
    location: str
    name: str
    section: str
    count: int
    html: bool  # items carry HTML (converted when opened), else plain text


def plan(feeds: int, articles: int, sections: int, seed: int) -> list[Feed]:
    """Feeds with uneven sizes (log-normal, a few hold thousands) that add up to ``articles``."""
    rng = random.Random(seed)
    chosen = generate.section_names(sections)
    names, weights = [n for n, _ in chosen], [w for _, w in chosen]
    shares = [rng.lognormvariate(0, 1.2) for _ in range(feeds)]
    exact = [articles * s / sum(shares) for s in shares]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(feeds), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: articles - sum(counts)]:
        counts[i] += 1
    seen: dict[str, int] = {}
    result = []
    for index, count in enumerate(counts):
        name = f"{rng.choice(PLACES)} {rng.choice(KINDS)}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} {seen[name]}"
        section = rng.choices(names, weights)[0]
        location = f"{HOST}/feeds/{index:04d}.xml"
        result.append(Feed(index, location, name, section, count, rng.random() < 2 / 3))
    return result


def feed_dates(feed: Feed, seed: int) -> list[float]:
    """The feed's publication times, oldest first, spread over the year before generate.END."""
    rng = random.Random(f"{seed}:{feed.index}:dates")
    return sorted(generate.END - rng.random() * generate.SPAN for _ in range(feed.count))


Row = tuple[str, str, str, str | None, str, float, str, str | None]


def _html(rng: random.Random, paragraphs: list[str], link: str) -> str:
    """Paragraphs as a feed's HTML: some bold words and a link or two."""
    parts = []
    for number, text in enumerate(paragraphs):
        words = text.split(" ")
        if len(words) > 6 and rng.random() < 0.5:
            at = rng.randrange(len(words) - 3)
            words[at : at + 2] = [f"<b>{words[at]} {words[at + 1]}</b>"]
        if number == 1 or rng.random() < 0.15:
            words.append(f'(<a href="{link}#p{number}">more</a>)')
        parts.append(f"<p>{' '.join(words)}</p>")
    return "".join(parts)


def round_rows(job: tuple[Feed, int, int, int, int]) -> list[Row]:
    """A feed's items published in round ``number`` (of ``rounds``), as stored fields.

    Each (feed, round) draws from its own seeded generator, so the output depends only on the
    arguments. One item in ``long_every`` is a ~20 KB "Long read".
    """
    feed, number, rounds, seed, long_every = job
    dates = feed_dates(feed, seed)
    start = generate.END - generate.SPAN
    step = generate.SPAN / rounds
    low = start + number * step
    high = math.inf if number == rounds - 1 else low + step
    rng = random.Random(f"{seed}:{feed.index}:{number}")
    pool = _pool(seed)
    rows: list[Row] = []
    for position, published in enumerate(dates):
        if not low <= published < high:
            continue
        global_number = feed.index * 1_000_003 + position
        title, paragraphs = generate.article_parts(
            rng, pool, long=global_number % long_every == long_every - 1
        )
        link = f"{HOST}/articles/{feed.index:04d}/{position}.html"
        content: str | None
        if feed.html:
            html = _html(rng, paragraphs, link)
            content, body = html, strip_tags(html)
        else:
            content, body = None, "\n\n".join(paragraphs)
        author = rng.choice(AUTHORS) if rng.random() < 0.6 else None
        digest = hashlib.sha1(f"{title}\0{body}\0{link}\0{published}".encode()).hexdigest()
        rows.append((f"{link}#guid", title, body, author, link, published, digest, content))
    return rows


@functools.cache
def _pool(seed: int) -> list[str]:
    return generate.sentence_pool(random.Random(seed))


def parsed(rows: list[Row], section: str) -> list[Parsed]:
    """Rows as the feed reader hands them to the store: under the source's section."""
    return [
        Parsed(
            key=key,
            title=title,
            body=body,
            section=section,
            author=author,
            link=link,
            published=published,
            fingerprint=digest,
            content=content,
        )
        for key, title, body, author, link, published, digest, content in rows
    ]


def fts_check(conn: sqlite3.Connection) -> None:
    """FTS5's integrity-check of both indexes against the articles table (raises if bad)."""
    for table in ("articles_fts", "titles_fts"):
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def build(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Build the library through the store (one transaction a feed a round), unless done."""
    wanted = {
        "feeds": args.feeds,
        "n": args.n,
        "sections": args.sections,
        "seed": args.seed,
        "rounds": args.rounds,
        "version": VERSION,
    }
    marker = folder / "built.json"
    library_dir = folder / "library"
    if marker.exists():
        info = json.loads(marker.read_text())
        if {k: info.get(k) for k in wanted} == wanted and run.article_count(
            library_dir / "library.sqlite"
        ) == args.n:
            info["reused"] = True
            return info
    if folder.exists():
        shutil.rmtree(folder)
    library_dir.mkdir(parents=True)
    (library_dir / "config.toml").write_text(run.CONFIG)
    started = perf()
    feeds = plan(args.feeds, args.n, args.sections, args.seed)
    reader = make_reader(library_dir)
    store = reader.store
    ids = [store.add_source("feed", f.location, f.name, f.section).id for f in feeds]
    long_every = max(1, min(2000, args.n // 20))  # one in 2,000; enough in a small library
    jobs = [
        (feed, number, args.rounds, args.seed, long_every)
        for number in range(args.rounds)
        for feed in feeds
    ]
    print(
        f"building {args.n:,} articles in {args.feeds:,} feeds, {args.rounds} rounds "
        f"(one transaction a feed a round, as a refresh stores them) in {library_dir} ...",
        flush=True,
    )
    stored = 0
    store_s = 0.0
    batches = [jobs[i : i + BATCH] for i in range(0, len(jobs), BATCH)]
    with multiprocessing.get_context("fork").Pool(max(1, (os.cpu_count() or 2) - 1)) as workers:
        pending = workers.map_async(round_rows, batches[0])
        for number, batch in enumerate(batches):
            results = pending.get()
            if number + 1 < len(batches):  # the workers write the next batch meanwhile
                pending = workers.map_async(round_rows, batches[number + 1])
            before = perf()
            for (feed, *_), rows in zip(batch, results, strict=True):
                if rows:
                    with store.transaction():  # one commit per feed, as a refresh does
                        store.apply(ids[feed.index], parsed(rows, feed.section), None, [])
                    stored += len(rows)
            store_s += perf() - before
            if (number + 1) % max(1, len(batches) // 10) == 0 or number + 1 == len(batches):
                print(
                    f"  {stored:,} articles stored, {perf() - started:.0f} s "
                    f"({store_s:.0f} s in Store.apply)",
                    flush=True,
                )
    for feed, source_id in zip(feeds, ids, strict=True):
        store.set_fetched([Fetched(source_id, f'"{feed.index}"', None, title=feed.name)])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    build_s = perf() - started
    count = run.article_count(library_dir / "library.sqlite")
    if count != args.n:
        raise SystemExit(f"the library holds {count:,} articles, not {args.n:,}")
    print("checking the search indexes (FTS5 integrity-check) ...", flush=True)
    before = perf()
    fts_check(store.conn)
    check_s = perf() - before
    reader.close()
    sizes = sorted(f.count for f in feeds)
    info = {
        **wanted,
        "build_s": build_s,
        "store_s": store_s,
        "check_s": check_s,
        "library_mb": (library_dir / "library.sqlite").stat().st_size / 1e6,
        "feed_sizes": [sizes[0], sizes[len(sizes) // 2], sizes[-1]],
        "html_feeds": sum(f.html for f in feeds),
        "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    marker.write_text(json.dumps(info, indent=2))
    info["reused"] = False
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000, help="feed sources")
    parser.add_argument("--n", type=int, default=1_000_000, help="articles in all")
    parser.add_argument("--sections", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=20, help="refresh rounds in the build")
    parser.add_argument("--data", type=Path, help="folder for the generated library")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measurement")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold-start processes")
    parser.add_argument("--sessions", type=int, default=1, help="interactive-session processes")
    parser.add_argument("--size", default="200x50", help="terminal size, COLSxROWS")
    parser.add_argument("--explain", action="store_true", help="print SQLite query plans")
    parser.add_argument(
        "--index-build", action="store_true", help="also time building the search index anew"
    )
    parser.add_argument("--build-only", action="store_true", help="build the library and stop")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    size = (int(width), int(height))
    folder = args.data or run.DATA / f"scale-f{args.feeds}-n{args.n}"
    info = build(folder, args)
    library_dir = folder / "library"
    if args.build_only:
        print(describe(info))
        return 0
    before = perf()
    run.prepare(library_dir)
    prepare_s = perf() - before
    if args.explain:
        run.explain(library_dir)
    print("measuring cold starts ...", flush=True)
    samples = run.cold_starts(library_dir, size, args.cold_runs)
    print("measuring an interactive session ...", flush=True)
    samples.update(run.sessions(library_dir, size, args.runs, args.sessions))
    run.prepare(library_dir)
    print("measuring tui-news search ...", flush=True)
    samples.update(run.search_commands(library_dir, args.runs))
    if args.index_build:
        print("timing the search index build on a copy ...", flush=True)
        samples.update(run.index_build(library_dir))
    print()
    print(
        f"tui-news scale bench: {args.n:,} articles in {args.feeds:,} feeds, "
        f"{args.sections} sections, {run.machine(args.size)}"
    )
    print(describe(info))
    print(f"resetting read/starred marks before a run (one UPDATE): {prepare_s:.1f} s")
    lines = run.table(samples, target_header=f"target (budget is for {BUDGET_FOR})")
    print("\n".join([*run.summary(samples), "", *lines, "", *run.FOOTNOTES]))
    print(f"  DESIGN.md states its budget for {BUDGET_FOR} articles; here the library holds")
    print(f"  {args.n:,}. The ok column compares with that budget all the same.")
    return 0


BUDGET_FOR = "100k"


def describe(info: dict[str, Any]) -> str:
    """How the library was built: time, size, feed sizes, the index check."""
    state = "reused from " + info["built_at"] if info["reused"] else "built now"
    low, middle, high = info["feed_sizes"]
    return (
        f"library ({state}): built in {info['build_s'] / 60:.1f} min "
        f"({info['store_s'] / 60:.1f} min in Store.apply, {info['rounds']} rounds of one "
        f"transaction a feed), file {info['library_mb']:,.0f} MB; articles a feed: "
        f"{low:,} to {high:,} (median {middle:,}), {info['html_feeds']:,} feeds with HTML; "
        f"FTS5 integrity-check passed ({info['check_s']:.0f} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
