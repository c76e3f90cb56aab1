"""Time a first and a repeat sync from a real Tiny Tiny RSS: tui-news against newsboat's ttrss
backend, side by side on the same server.

    python bench/sync.py [--articles 5000] [--feeds 50] [--runs 3] [--threads 10] [--no-newsboat]
                         [--against DIR] [--recent]

Starts the real tt-rss of the tests (``tests/servers/ttrss.py``: Debian's tt-rss, a private
PostgreSQL, ``php -S`` with 4 workers on 127.0.0.1; needs the packages ``.ci/run`` installs) and
seeds ``--articles`` articles over ``--feeds`` feeds in 5 categories (about 1.5 KB of HTML each,
a third read, one in twenty starred). Then per run, on fresh data dirs:

- tui-news first sync: ``tui-news --data-dir D account add ttrss URL --user admin
  --password-file F`` (log in, save the account, first sync), timed;
- tui-news repeat sync: ``tui-news --data-dir D sync``, nothing new on the server;
- newsboat: ``newsboat -u URLS -c CACHE -C CONFIG -x reload`` with ``urls-source "ttrss"``,
  ``ttrss-url``, ``ttrss-login``, ``ttrss-password`` and ``reload-threads --threads`` on a fresh
  cache, then again (nothing new).

The articles are a minute apart, from October 2025 on: older than the week story grouping looks
at, so a sync groups none of them. ``--recent`` dates them up to now instead (5,000 articles:
the last 3.5 days), and the first sync then groups them into stories after storing them, as a
sync of recent articles does (newsboat has no such step).

With ``--against DIR`` (another checkout, e.g. ``git archive main | tar -x -C DIR``), that
tui-news is timed too, the same way, taking turns with the others: an A/B in the same minutes.

Before timing, every article is read once through the API (untimed; see :func:`warm`), and the
two readers take turns going first. Times are wall times of the whole command (spawn to exit, as
a user waits for it); the table shows medians (min-max) of ``--runs`` and the ratios against
newsboat, and the median CPU seconds each command took in the reader's process and in the
server's (PHP and PostgreSQL): on a busy machine the walls swing with the load, the CPU much less.
Targets (issue 14): first sync at most 0.5x newsboat's, repeat under 0.2x. Every process this
script starts is stopped, also on error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from run import Run, installed_env, spawn  # noqa: E402

from tests.servers import Missing  # noqa: E402
from tests.servers.ttrss import Article, Feed, TtRss  # noqa: E402

TARGET_FIRST = 0.5  # tui-news first sync against newsboat's first reload (issue 14)
TARGET_REPEAT = 0.2  # repeat sync against newsboat's repeat reload
CATEGORIES = ["World", "Business", "Science", "Technology", "Culture"]
PARAGRAPH = (
    "<p>The council met on {day} to discuss the harbour plan; members asked for figures on "
    "traffic, costs and the <a href='https://example.org/{n}'>public comments</a> received "
    "since spring. A vote is expected next month, after the <b>final</b> survey.</p>"
)


def seed(server: TtRss, articles: int, feeds: int, recent: bool = False) -> None:
    """``articles`` articles spread evenly over ``feeds`` feeds, oldest first, a minute apart
    from October 2025 on (``recent``: up to now)."""
    start = int(time.time()) - articles * 60 if recent else 1_760_000_000
    titles = [f"Bench feed {n:03}" for n in range(feeds)]
    server.seed(
        feeds=[
            Feed(t, category=CATEGORIES[n % len(CATEGORIES)], site=f"https://site{n}.example/")
            for n, t in enumerate(titles)
        ],
        articles=[
            Article(
                titles[n % feeds],
                f"Story {n}: the harbour plan, part {n % 97}",
                content="".join(PARAGRAPH.format(day=n % 28 + 1, n=n + k) for k in range(5)),
                link=f"https://site{n % feeds}.example/story/{n}",
                author=f"Reporter {n % 13}",
                published=start + n * 60,
                read=n % 3 == 0,
                starred=n % 20 == 0,
            )
            for n in range(articles)
        ],
    )


def warm(server: TtRss) -> None:
    """Read every article once through the API, untimed, as any first reader would.

    tt-rss fills each article's label cache on its first read through getHeadlines (one UPDATE
    per article), which makes the first read of freshly seeded articles about 2.5x slower than
    any later one: without this the client timed first would pay for the other.
    """
    with httpx.Client(timeout=300) as client:
        login = {"op": "login", "user": server.user, "password": server.password}
        sid = client.post(server.api_url, json=login).json()["content"]["session_id"]
        skip = 0
        while True:
            page = {"op": "getHeadlines", "sid": sid, "feed_id": -4, "limit": 200, "skip": skip}
            rows = client.post(server.api_url, json={**page, "show_content": True}).json()
            skip += len(rows["content"])
            if len(rows["content"]) < 200:
                return


def server_cpu(server: TtRss) -> float:
    """User + system seconds so far of the server's processes (PHP's and PostgreSQL's, with
    their children, counted also once they end: PostgreSQL starts one per connection), read
    from ``/proc``."""
    parents: dict[int, int] = {}
    spent: dict[int, int] = {}
    tree = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            spent[pid] = sum(int(n) for n in fields[11:15])  # utime, stime, cutime, cstime
            if str(server.root).encode() in command:
                tree.add(pid)
    while grown := {pid for pid, parent in parents.items() if parent in tree} - tree:
        tree |= grown
    return sum(spent[pid] for pid in tree) / os.sysconf("SC_CLK_TCK")


def tui(*args: str) -> list[str]:
    # -P: the tui-news of PYTHONPATH (--against) over the working folder's
    return [sys.executable, "-P", "-m", "tui_news", *args]


def checked(run: Run, what: str) -> Run:
    if run.status != 0:
        raise SystemExit(f"{what} failed ({run.status}): {run.stderr.strip()[-800:]}")
    return run


def tui_articles(data: Path) -> int:
    """How many articles a tui-news library holds (read straight from its SQLite file)."""
    found = list(data.glob("*.db")) + list(data.glob("*.sqlite*"))
    with sqlite3.connect(found[0]) as db:
        return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])


def newsboat_articles(cache: Path) -> int:
    with sqlite3.connect(cache) as db:
        return int(db.execute("SELECT count(*) FROM rss_item").fetchone()[0])


def newsboat(binary: str, folder: Path, server: TtRss, threads: int) -> Run:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config").write_text(
        f'urls-source "ttrss"\nttrss-url "{server.url}"\nttrss-login "{server.user}"\n'
        f'ttrss-password "{server.password}"\nreload-threads {threads}\n',
        encoding="utf-8",
    )
    (folder / "urls").write_text("", encoding="utf-8")
    env = {
        **installed_env(),
        "HOME": str(folder),
        "XDG_CONFIG_HOME": str(folder / "xdg-config"),
        "XDG_DATA_HOME": str(folder / "xdg-data"),
    }
    command = [
        binary, "-u", str(folder / "urls"), "-c", str(folder / "cache.db"),
        "-C", str(folder / "config"), "-x", "reload",
    ]  # fmt: skip
    return spawn(command, env)


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=10, help="newsboat reload-threads")
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument("--against", type=Path, help="another checkout's tui-news, timed too")
    parser.add_argument("--recent", action="store_true", help="articles dated up to now")
    args = parser.parse_args()
    binary = None if args.no_newsboat else shutil.which("newsboat")
    if not args.no_newsboat and not binary:
        print("newsboat is not installed (apt-get install newsboat): skipping it")
    try:
        server = TtRss.launch()
    except Missing as missing:
        raise SystemExit(str(missing)) from None
    work = Path(tempfile.mkdtemp(prefix="tui-news-bench-sync-"))
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[tuple[float, float]]] = {}  # (the reader's, the server's) seconds
    counts: dict[str, int] = {}

    def note(key: str, what: str, start: Callable[[], Run]) -> Run:
        before = server_cpu(server)
        run = checked(start(), what)
        times.setdefault(key, []).append(run.wall)
        cpu.setdefault(key, []).append((run.cpu, server_cpu(server) - before))
        return run

    secret = work / "password"
    secret.write_text(server.password + "\n", encoding="utf-8")
    env = {**installed_env(), "PYTHONPATH": str(ROOT)}
    other = {**env, "PYTHONPATH": str(args.against.resolve())} if args.against else env

    def measure(key: str, env: dict[str, str], number: int) -> None:
        data = work / f"{key}{number}"
        add = tui(
            "--data-dir", str(data), "account", "add", "ttrss", server.url,
            "--user", server.user, "--password-file", str(secret), "--name", "bench",
        )  # fmt: skip
        note(f"{key}_first", "tui-news account add", lambda: spawn(add, env))
        counts["tui-news" if key == "tui" else "--against"] = tui_articles(data)
        sync = tui("--data-dir", str(data), "sync")
        note(f"{key}_repeat", "sync", lambda: spawn(sync, env))

    def measure_tui(number: int) -> None:
        measure("tui", env, number)

    def measure_against(number: int) -> None:
        measure("against", other, number)

    def measure_newsboat(number: int) -> None:
        assert binary
        folder = work / f"newsboat{number}"
        note("nb_first", "newsboat", lambda: newsboat(binary, folder, server, args.threads))
        counts["newsboat"] = newsboat_articles(folder / "cache.db")
        note("nb_repeat", "newsboat", lambda: newsboat(binary, folder, server, args.threads))

    try:
        seed(server, args.articles, args.feeds, args.recent)
        # An untimed warm-up compiles tui-news's bytecode, as an installed copy has it.
        for environ in (env, other):
            checked(spawn(tui("--data-dir", str(work / "warm"), "accounts"), environ), "warm-up")
        warm(server)
        for number in range(args.runs):
            sides = [measure_tui, measure_newsboat] if binary else [measure_tui]
            sides += [measure_against] if args.against else []
            for side in sides if number % 2 == 0 else sides[::-1]:  # alternate who goes first
                side(number)
            print(f"run {number + 1}/{args.runs} done", flush=True)
    finally:
        server.close()
        shutil.rmtree(work, ignore_errors=True)

    def ratio(mine: str, theirs: str, target: float) -> str:
        if not times.get(theirs):
            return "-"
        value = statistics.median(times[mine]) / statistics.median(times[theirs])
        return f"{value:.2f}x (target <= {target}x: {'ok' if value <= target else 'MISSED'})"

    print(
        f"\nFirst and repeat sync of {args.articles} articles in {args.feeds} feeds from Tiny "
        f"Tiny RSS (median of {args.runs}; newsboat reload-threads {args.threads})"
    )
    print(f"articles stored: {', '.join(f'{k} {v}' for k, v in counts.items())}")
    rows = [
        ("tui-news first sync (account add)", "tui_first"),
        ("tui-news repeat sync", "tui_repeat"),
        ("newsboat first reload", "nb_first"),
        ("newsboat repeat reload", "nb_repeat"),
        ("--against first sync", "against_first"),
        ("--against repeat sync", "against_repeat"),
    ]
    for label, key in rows:
        if times.get(key):
            mine, theirs = (statistics.median(c[n] for c in cpu[key]) for n in (0, 1))
            print(
                f"  {label:36} {spread(times[key])}   CPU: reader {mine:.2f} s + server "
                f"{theirs:.2f} s = {mine + theirs:.2f} s"
            )
    print(f"  first sync ratio:  {ratio('tui_first', 'nb_first', TARGET_FIRST)}")
    print(f"  repeat sync ratio: {ratio('tui_repeat', 'nb_repeat', TARGET_REPEAT)}")
    if times.get("against_first") and times.get("nb_first"):
        print(f"  --against first sync ratio: {ratio('against_first', 'nb_first', TARGET_FIRST)}")
    if cpu.get("nb_first"):
        used = {k: statistics.median(sum(c) for c in v) for k, v in cpu.items()}
        share = used["tui_first"] / used["nb_first"]
        print(f"  first sync CPU ratio (reader + server): {share:.2f}x")


if __name__ == "__main__":
    main()
