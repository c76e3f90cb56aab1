"""Write a deterministic library of seed-format article files for the benchmarks.

    python bench/generate.py N OUT_DIR [--sections K] [--seed S]

Each file looks like the seed (``Home <Section> <Title>``, blank, title, blank, paragraphs).
Sections have uneven sizes (a few multi-word ones, like "Middle East"); files are spread over
``OUT_DIR/<section>/<batch>/`` and get modification times spread over the year before a fixed
date, so the reader shows varied dates. Most articles are 1-2 KB; one in ``--long-every``
(at least a handful) is a ~20 KB "Long read" for the open-an-article benchmark.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

END = 1793491200  # 2026-11-01 00:00 UTC: the newest possible article
SPAN = 365 * 86400
LONG_PREFIX = "Long read: "
LONG_BYTES = 20_000


def _words(text: str) -> list[str]:
    return text.split("|")


# (name, weight): uneven sizes, like a real library; three multi-word sections.
SECTIONS = [
    ("World", 18),
    ("Business", 12),
    ("Technology", 11),
    ("Sport", 10),
    ("Politics", 9),
    ("Science", 8),
    ("Middle East", 7),
    ("Health", 7),
    ("Culture", 6),
    ("Climate", 5),
    ("Asia Pacific", 4),
    ("Opinion", 3),
    ("Latin America", 3),
    ("Education", 3),
    ("Travel", 2),
    ("Food", 2),
]

SUBJECTS = _words(
    "The government|Regional leaders|A coalition of farmers|The central bank|City officials|"
    "Researchers in Oslo|The opposition|Investors|A new study|The committee|Local residents|"
    "Health workers|The ministry|Engineers|Shipping companies|The union|Teachers|Startups|"
    "A court in São Paulo|The prime minister|Scientists|Climate negotiators|The club|Voters|"
    "The regulator|Hospitals|Exporters|Museum curators"
)
VERBS = _words(
    "announced|rejected|questioned|welcomed|delayed|approved|criticised|reported|proposed|"
    "defended|expanded|reviewed|warned about|backed|postponed|published|celebrated|funded|"
    "investigated|challenged"
)
OBJECTS = _words(
    "a plan to modernise the ports|new rules on water use|the budget for next year|"
    "a long-delayed rail link|tighter controls on imports|the results of the trial|"
    "a proposal to cut emissions|the merger of two lenders|an inquiry into the outage|"
    "plans for a new stadium|the reform of the pension system|a ceasefire agreement|"
    "the price of cocoa|a programme for rural schools|stricter sanctions|"
    "the café licensing scheme|a bid to host the games|the sale of the utility|"
    "a survey of coastal forests|the launch of a weather satellite"
)
TAILS = _words(
    "on Tuesday|after weeks of talks|despite strong objections|amid rising costs|"
    "for the first time since 2015|in a statement|ahead of the summit|according to officials|"
    "in the capital|as prices climbed|behind closed doors|in a narrow vote|after a review|"
    "with little warning|to mixed reactions"
)
ASIDES = _words(
    "“This is only the beginning,” one official said.|"
    "Critics called the move “rushed and unclear”.|"
    "The details are expected to be published next month.|"
    "Analysts said the effect on prices would be modest.|"
    "Similar measures were tried in 2019 with mixed results.|"
    "The figures could not be independently verified.|"
    "Supporters say the change is long overdue.|"
    "A spokesperson declined to comment further.|"
    "Officials promised a second review before the end of the year.|"
    "Several groups have already said they will appeal."
)
TITLE_NOUNS = _words(
    "Ports|Water|Rail|Rates|Cocoa|Comet|Bees|Batteries|Forests|Sleep|Pensions|Budget|Elections|"
    "Satellites|Schools|Wages|Drought|Markets|Vaccines|Stadium|Museum|Fisheries|Housing|"
    "Tariffs|Grid|Refugees|Chips|Harvest|Airports|Libraries|Rivers|Bridges"
)
TITLE_VERBS = _words(
    "Face|Raise Concerns about|Promise|Reject|Win Backing for|Delay|Rethink|Push for|"
    "Warn over|Celebrate|Split over|Bet on|Return to"
)
TITLE_WHO = _words(
    "Officials|Leaders|Investors|Scientists|Voters|Residents|Ministers|Farmers|Engineers|"
    "Unions|Regulators|Doctors|Fans|Teachers"
)
TITLE_WHAT = _words(
    "New Plan|Prospective Collaboration|Record Year|Slow Recovery|Fresh Talks|Cheaper Power|"
    "Longer Hours|Open Data|Bigger Budgets|Quiet Reform|Rising Costs|Shared Rules|"
    "Faster Trains|Cleaner Air|Old Promises"
)


def section_names(count: int) -> list[tuple[str, int]]:
    """``count`` sections with weights; beyond the named ones, numbered extras."""
    chosen = SECTIONS[:count]
    for extra in range(len(chosen), count):
        chosen.append((f"Section {extra + 1}", 2))
    return chosen


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def sentence_pool(rng: random.Random, size: int = 4000) -> list[str]:
    """Sentences built once; paragraphs are drawn from them (fast and varied enough)."""
    pool = []
    for _ in range(size):
        pool.append(
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."
        )
    pool.extend(ASIDES * (size // 40))
    return pool


def make_title(rng: random.Random) -> str:
    return (
        f"{rng.choice(TITLE_WHO)} {rng.choice(TITLE_VERBS)} {rng.choice(TITLE_NOUNS)} and "
        f"{rng.choice(TITLE_WHAT)}"
    )


def paragraph(rng: random.Random, pool: list[str], low: int, high: int) -> str:
    return " ".join(rng.choices(pool, k=rng.randint(low, high)))


def article_parts(rng: random.Random, pool: list[str], long: bool) -> tuple[str, list[str]]:
    """A title and its paragraphs: 3-6 of them (1-2 KB), or ~20 KB for a "Long read"."""
    title = make_title(rng)
    if long:
        title = LONG_PREFIX + title
        paragraphs: list[str] = []
        size = 0
        while size < LONG_BYTES:
            paragraphs.append(paragraph(rng, pool, 5, 8))
            size += len(paragraphs[-1]) + 2
    else:
        paragraphs = [paragraph(rng, pool, 2, 6) for _ in range(rng.randint(3, 6))]
    return title, paragraphs


def article_text(rng: random.Random, pool: list[str], section: str, long: bool) -> str:
    title, paragraphs = article_parts(rng, pool, long)
    return f"Home {section} {title}\n\n{title}\n\n" + "\n\n".join(paragraphs) + "\n"


def _write_range(job: tuple[int, int, Path, int, int, int]) -> int:
    """Write articles ``first`` .. ``last - 1``; each has its own seeded generator."""
    first, last, out_dir, sections, seed, every = job
    pool = sentence_pool(random.Random(seed))
    chosen = section_names(sections)
    names = [name for name, _ in chosen]
    cumulative = list(itertools.accumulate(weight for _, weight in chosen))
    made: set[str] = set()
    total = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    for index in range(first, last):
        rng = random.Random(seed * 1_000_003 + index)
        name = names[rng.choices(range(len(names)), cum_weights=cumulative)[0]]
        folder = os.path.join(out_dir, slug(name), f"{index // 1000:03d}")
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        data = article_text(rng, pool, name, long=index % every == every - 1).encode("utf-8")
        path = os.path.join(folder, f"{index:07d}.txt")
        handle = os.open(path, flags, 0o644)
        try:
            os.write(handle, data)
        finally:
            os.close(handle)
        stamp = int((END - rng.random() * SPAN) * 1e9)
        os.utime(path, ns=(stamp, stamp))
        total += len(data)
    return total


def generate(
    count: int,
    out_dir: Path,
    sections: int = 12,
    seed: int = 1,
    long_every: int = 2000,
    jobs: int | None = None,
) -> tuple[int, int]:
    """Write ``count`` articles under ``out_dir``; return (files, bytes).

    The output depends only on the arguments (not on ``jobs``): article ``i`` is drawn from a
    generator seeded with ``seed`` and ``i``.
    """
    # Long articles: every ``long_every``-th, and at least five of them when count allows.
    every = max(1, min(long_every, count // 5 or 1))
    jobs = max(1, min(jobs or os.cpu_count() or 1, 8))
    step = -(-count // (jobs * 4))
    ranges = [
        (first, min(first + step, count), out_dir, sections, seed, every)
        for first in range(0, count, step)
    ]
    if jobs == 1 or count < 2000:
        return count, sum(map(_write_range, ranges))
    with multiprocessing.get_context("fork").Pool(jobs) as workers:
        return count, sum(workers.imap_unordered(_write_range, ranges))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, metavar="N", help="how many articles to write")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--sections", type=int, default=12, metavar="K")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--long-every", type=int, default=2000, metavar="M", help="one ~20 KB article in M"
    )
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPUs)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.sections < 1:
        parser.error("N and --sections must be positive")
    start = time.perf_counter()
    files, size = generate(
        args.count, args.out_dir, args.sections, args.seed, args.long_every, args.jobs
    )
    took = time.perf_counter() - start
    print(f"wrote {files} articles ({size / 1e6:.1f} MB) to {args.out_dir} in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
