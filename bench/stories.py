"""Story grouping (issue 16): its quality on the labelled set, and its cost at 100,000 articles.

    python bench/stories.py [--n 100000] [--new 100,1000,5000] [--runs 5]

Quality: pairwise precision and recall on tests/stories/labelled.json of the method
(core/stories.py) and of a baseline (title-word Jaccard >= 0.5 within 36 h, other feeds,
joined transitively).

Cost: a library of ``--n`` articles from 500 feeds over the last 30 days (built once through
``Store.apply``, cached under bench/data/, gitignored), then for each ``--new`` count: storing
that many new articles of the last hours (``Store.apply``, 50 per feed as a refresh does) and
grouping them (``group_new``), each run on a fresh copy whose recent articles' terms are kept
as earlier refreshes would have kept them. The ratio grouping / storing is an
upper bound of what grouping adds to a refresh, which also fetches and parses.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.stories.scoring import grouped as method  # noqa: E402
from tests.stories.scoring import pair_scores as scores  # noqa: E402
from tui_news.core.library import Store  # noqa: E402
from tui_news.core.library.stories import group_new  # noqa: E402
from tui_news.core.models import Parsed  # noqa: E402
from tui_news.core.stories import WINDOW, Item  # noqa: E402
from tui_news.core.story_text import LEAD_CHARS, encode, features  # noqa: E402

DATA = ROOT / "bench" / "data" / "stories"
FEEDS = 500
DAYS = 30
VERSION = 2


# --- quality ------------------------------------------------------------------------------


def labelled() -> tuple[list[Item], dict[int, int]]:
    data = json.loads((ROOT / "tests" / "stories" / "labelled.json").read_text("utf-8"))
    items = [
        Item(
            a["id"],
            a["feed"],
            datetime.fromisoformat(a["published"]).timestamp(),
            a["title"],
            a["text"],
        )
        for a in data
    ]
    return items, {a["id"]: a["story"] for a in data}


def baseline(items: list[Item], threshold: float = 0.5) -> dict[int, int]:
    """Title-word Jaccard over a time window, other feeds only, joined transitively."""
    parent = {i.id: i.id for i in items}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    words = {i.id: features(i.title, "").title_terms for i in items}
    for a, b in itertools.combinations(items, 2):
        if a.feed == b.feed or abs(a.published - b.published) > WINDOW:
            continue
        wa, wb = words[a.id], words[b.id]
        if wa and wb and len(wa & wb) / len(wa | wb) >= threshold:
            parent[find(a.id)] = find(b.id)
    return {i.id: find(i.id) for i in items}


def quality() -> None:
    items, truth = labelled()
    stories = len(set(truth.values()))
    print(f"labelled set: {len(items)} articles, {stories} stories")
    print(f"{'method':<44} {'precision':>9} {'recall':>7}")
    for threshold in (0.3, 0.5, 0.7):
        p, r = scores(truth, baseline(items, threshold))
        print(f"{f'baseline: title Jaccard >= {threshold}':<44} {p:>9.3f} {r:>7.3f}")
    p, r = scores(truth, method(items))
    print(f"{'core/stories.py (IDF cosine + names gate)':<44} {p:>9.3f} {r:>7.3f}")


# --- cost ---------------------------------------------------------------------------------


def letters(n: int) -> str:
    """A made-up word for ``n`` (letters only: digits would read as numbers)."""
    word = ""
    while True:
        n, rest = divmod(n, 26)
        word += chr(97 + rest)
        if not n:
            return word + "o"


class Words:
    """Headlines and leads from a Zipf-like vocabulary; each event has its own rare words and
    names, told by a few feeds."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.common = [letters(n) for n in range(20_000)]
        self.weights = list(itertools.accumulate(1 / (n + 1) for n in range(20_000)))

    def event(self) -> tuple[list[str], list[str]]:
        rng = self.rng
        rare = ["t" + letters(rng.randrange(200_000)) for _ in range(6)]
        names = ["N" + letters(rng.randrange(50_000)) for _ in range(3)]
        names.append(str(rng.randrange(10_000)))
        return rare, names

    def article(self, event: tuple[list[str], list[str]]) -> tuple[str, str]:
        rng = self.rng
        rare, names = event
        title = rng.sample(rare, 3) + rng.sample(names, 2)
        title += rng.choices(self.common, cum_weights=self.weights, k=4)
        lead = (
            rng.sample(rare, 4) + names + rng.choices(self.common, cum_weights=self.weights, k=40)
        )
        rng.shuffle(title)
        rng.shuffle(lead)
        return " ".join(title), "The " + " ".join(lead) + "."


def items_for(words: Words, count: int, start: float, end: float, tag: str) -> list[list[Parsed]]:
    """``count`` articles between ``start`` and ``end``, in per-feed lists (index = feed)."""
    rng = words.rng
    per_feed: list[list[Parsed]] = [[] for _ in range(FEEDS)]
    made = 0
    while made < count:
        event = words.event()
        when = rng.uniform(start, end)
        for feed in rng.sample(range(FEEDS), min(count - made, rng.choice([1, 1, 1, 2, 3, 5]))):
            title, lead = words.article(event)
            published = min(end, when + rng.uniform(0, 6 * 3600))
            per_feed[feed].append(Parsed(f"{tag}{made}", title, lead, published=published))
            made += 1
    return per_feed


def build(n: int) -> Path:
    path = DATA / f"library-{n}-v{VERSION}.db"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    for leftover in DATA.glob(tmp.name + "*"):
        leftover.unlink()
    store = Store(tmp)
    now = time.time()
    for feed in range(FEEDS):
        store.add_source("feed", f"http://feeds.example/{feed}", f"Feed {feed}", None)
    words = Words(random.Random(16))
    per_feed = items_for(words, n, now - DAYS * 86400, now - 86400, "old")
    with store.transaction():
        for feed, items in enumerate(per_feed):
            store.apply(feed + 1, items, None, None)
    group_new(store, now=now)  # stories of the recent ones stored, as refreshes would have
    store.checkpoint()
    store.close()
    tmp.rename(path)
    print(f"built {n:,} articles in {time.perf_counter() - started:.0f} s: {path}")
    return path


def keep_terms(store: Store, since: float) -> None:
    """Keep what grouping reads of the articles published from ``since`` (untimed)."""
    rows = store.conn.execute(
        f"SELECT id, published, title, substr(body, 1, {LEAD_CHARS}) FROM articles "
        "WHERE published >= ?",
        (since,),
    ).fetchall()
    kept = [(i, p, encode(features(t, b))) for i, p, t, b in rows]
    with store.transaction() as write:
        write.executemany("INSERT OR REPLACE INTO story_terms VALUES (?, ?, ?)", kept)


def cost(n: int, counts: list[int], runs: int) -> None:
    library = build(n)
    print(f"\n{n:,} articles stored; new articles of the last day, from {FEEDS} feeds")
    print(f"{'new':>6} {'store (s)':>10} {'group (s)':>10} {'group/store':>12} {'changed':>8}")
    for count in counts:
        stored, grouped, changed = [], [], 0
        for run in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                copy = Path(folder) / "library.db"
                shutil.copy(library, copy)
                store = Store(copy)
                now = time.time()
                keep_terms(store, now - 86400 - WINDOW)  # as the refreshes before would have
                words = Words(random.Random(run))
                per_feed = items_for(words, count, now - 86400, now, f"new{run}-")
                started = time.perf_counter()
                for feed, items in enumerate(per_feed):
                    for at in range(0, len(items), 50):
                        store.apply(feed + 1, items[at : at + 50], None, None)
                stored.append(time.perf_counter() - started)
                started = time.perf_counter()
                changed = group_new(store, now=now)
                grouped.append(time.perf_counter() - started)
                store.close()
        s, g = statistics.median(stored), statistics.median(grouped)
        print(f"{count:>6} {s:>10.3f} {g:>10.3f} {g / s:>12.2f} {changed:>8}")


def counts(n: int, runs: int) -> None:
    """The sidebar's counts with stories counted once, against counting articles (CPU)."""
    from tui_news.core.library.story_views import count_rows, count_stories
    from tui_news.core.models import View

    store = Store(build(n))
    grouped = store.conn.execute("SELECT count(*) FROM articles WHERE story IS NOT NULL")
    print(f"\nsidebar counts, {n:,} articles ({grouped.fetchone()[0]:,} in stories), CPU ms:")

    def timed(function: Callable[[], object]) -> float:
        samples = []
        for _ in range(runs):
            started = time.process_time()
            function()
            samples.append((time.process_time() - started) * 1000)
        return statistics.median(samples)

    def with_stories() -> None:
        sections, totals = store.section_counts()
        count_stories(store.conn, sections, totals)

    unread = View("Unread", unread=True)
    rows = (
        ("section counts and totals", store.section_counts, with_stories),
        ("Unread's count", lambda: store.count(unread), lambda: count_rows(store, unread)),
    )
    print(f"{'what':<28} {'articles':>9} {'stories once':>13}")
    for label, apart, once in rows:
        print(f"{label:<28} {timed(apart):>9.1f} {timed(once):>13.1f}")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--new", default="100,1000,5000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-cost", action="store_true", help="only the labelled set")
    parser.add_argument("--counts", action="store_true", help="only the sidebar's counts")
    args = parser.parse_args()
    if args.counts:
        counts(args.n, max(args.runs, 7))
        return
    quality()
    if not args.no_cost:
        cost(args.n, [int(c) for c in args.new.split(",")], args.runs)


if __name__ == "__main__":
    main()
