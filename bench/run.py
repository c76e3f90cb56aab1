"""Measure tui-news against the performance budget in DESIGN.md and print a table.

    python bench/run.py [--n 100000] [--data DIR] [--runs 5] [--cold-runs 5] [--explain]

Builds (or reuses) a library of N generated articles under ``bench/data/`` (gitignored), then
spawns fresh processes (``bench/_child.py``) that open it in the app, headless, and time:
cold start to first paint, jumping to the end of the list, j/k, opening a ~20 KB article,
switching views from the sidebar, and peak memory. Every figure is a median.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
CHILD = BENCH / "_child.py"
GENERATE = BENCH / "generate.py"
CONFIG = "refresh_on_start = false\n"
perf = time.perf_counter


@dataclass
class Run:
    """One finished child process."""

    status: int
    stdout: str
    stderr: str
    started: float
    ended: float
    maxrss_mb: float
    cpu: float = 0.0  # user + system seconds of the process and its children

    @property
    def wall(self) -> float:
        return self.ended - self.started

    def result(self) -> dict[str, Any]:
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        if self.status != 0 or not lines:
            raise SystemExit(
                f"a benchmark process failed (status {self.status}):\n{self.stderr[-3000:]}"
            )
        return json.loads(lines[-1])


def installed_env() -> dict[str, str]:
    """The environment for a measured tui-news process: like an installed copy, whose modules
    are compiled once (pip does it), not at every start. Bytecode goes to ``bench/data/``;
    the untimed warm-up runs write it."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(DATA / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("TUI_NEWS_DATA_DIR", None)
    return env


def spawn(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``command`` to the end; its wall time and peak RSS come from the kernel (wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = perf()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        ended = perf()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            process.returncode,
            out.read(),
            err.read(),
            started,
            ended,
            usage.ru_maxrss / 1024,
            usage.ru_utime + usage.ru_stime,
        )


# --- the library --------------------------------------------------------------------------


def article_count(library: Path) -> int:
    try:
        with sqlite3.connect(library) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return -1


def build(folder: Path, n: int, sections: int, seed: int) -> dict[str, Any]:
    """Generate N articles and import them with ``tui-news add``, unless already done."""
    marker = folder / "built.json"
    wanted = {"n": n, "sections": sections, "seed": seed}
    library_dir = folder / "library"
    if marker.exists():
        info = json.loads(marker.read_text())
        if {k: info.get(k) for k in wanted} == wanted and article_count(
            library_dir / "library.sqlite"
        ) == n:
            info["reused"] = True
            return info
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    articles = folder / "articles"
    print(f"generating {n} articles in {articles} ...", flush=True)
    command = [sys.executable, str(GENERATE), str(n), str(articles)]
    generated = spawn([*command, "--sections", str(sections), "--seed", str(seed)])
    if generated.status != 0:
        raise SystemExit(f"the generator failed:\n{generated.stderr}")
    print(generated.stdout.strip(), flush=True)
    library_dir.mkdir()
    (library_dir / "config.toml").write_text(CONFIG)
    print(f"importing with tui-news add (data dir {library_dir}) ...", flush=True)
    imported = spawn(
        [sys.executable, "-m", "tui_news", "--data-dir", str(library_dir), "add", str(articles)]
    )
    if imported.status != 0:
        raise SystemExit(f"tui-news add failed (status {imported.status}):\n{imported.stderr}")
    print(imported.stdout.strip(), flush=True)
    count = article_count(library_dir / "library.sqlite")
    if count != n:
        raise SystemExit(f"the library holds {count} articles, not {n}")
    info = {
        **wanted,
        "generate_s": generated.wall,
        "import_s": imported.wall,
        "import_maxrss_mb": imported.maxrss_mb,
        "library_mb": (library_dir / "library.sqlite").stat().st_size / 1e6,
        "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    marker.write_text(json.dumps(info, indent=2))
    info["reused"] = False
    return info


def prepare(library_dir: Path) -> None:
    """Same starting state every run: config without startup refresh, nothing read/starred."""
    (library_dir / "config.toml").write_text(CONFIG)
    with sqlite3.connect(library_dir / "library.sqlite") as conn:
        conn.execute("UPDATE articles SET read = 0, starred = 0 WHERE read = 1 OR starred = 1")


def explain(library_dir: Path) -> None:
    """Print SQLite's plan for the queries the app runs while you read."""
    from tui_news.core.library import sql as library_sql
    from tui_news.core.models import View

    queries = {}
    for label, view in [
        ("view ids: All", View("All")),
        ("view ids: Unread", View("Unread", unread=True)),
        ("view ids: Starred", View("Starred", starred=True)),
        ("view ids: section", View("World", section="World")),
        ("view ids: source", View("World", section="World", source_id=1)),
    ]:
        where, params = library_sql.view_where(view)
        sql = f"SELECT a.id FROM articles a WHERE {where} {library_sql.ORDER}"
        queries[label] = (sql, params)
    queries["section counts"] = (
        "SELECT section, source_id, count(*), sum(read = 0) FROM articles "
        "GROUP BY section, source_id",
        (),
    )
    queries["starred count"] = ("SELECT count(*) FROM articles WHERE starred = 1", ())
    queries["sources"] = (f"{library_sql.SOURCE} GROUP BY s.id ORDER BY s.id", ())
    queries["headline page"] = (f"{library_sql.HEADLINE} WHERE a.id IN (?, ?)", (1, 2))
    queries["unread among"] = ("SELECT id FROM articles WHERE read = 0 AND id IN (?, ?)", (1, 2))
    with sqlite3.connect(library_dir / "library.sqlite") as conn:
        for label, (sql, params) in queries.items():
            plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            print(f"\n{label}:\n  {sql}")
            for row in plan:
                print(f"    {row[-1]}")


# --- measuring ----------------------------------------------------------------------------


def child(mode: str, library_dir: Path, size: tuple[int, int], *extra: str) -> Run:
    command = [sys.executable, str(CHILD), mode, str(library_dir), *map(str, size), *extra]
    return spawn(command, installed_env())


def cold_starts(library_dir: Path, size: tuple[int, int], runs: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        samples.setdefault(name, []).append(value)

    child("cold", library_dir, size).result()  # warm the page cache and the bytecode cache
    for number in range(runs):
        run = child("cold", library_dir, size)
        result = run.result()
        if result["first_paint"] is None or not result["rows"]:
            raise SystemExit("the app exited without painting any headlines")
        add("cold_paint", result["first_paint"] - run.started)
        add("cold_interpreter", result["t0"] - run.started)
        add("cold_imports", result["ui_imported"] - result["t0"])
        add("cold_reader", result["reader_open"] - result["core_imported"])
        add("cold_sample", result["sample_checked"] - result["reader_open"])
        add("cold_app", result["first_paint"] - result["ui_imported"])
        add("cold_script_paint", result["first_paint"] - result["t0"])
        add("cold_wall", run.wall)
        add("cold_rss", run.maxrss_mb)
        print(f"  cold start {number + 1}/{runs}: {samples['cold_paint'][-1]:.3f} s", flush=True)
    return samples


def sessions(
    library_dir: Path, size: tuple[int, int], runs: int, count: int
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    for number in range(count):
        prepare(library_dir)
        run = child("session", library_dir, size, str(runs))
        result = run.result()
        for name, values in result["samples"].items():
            samples.setdefault(name, []).extend(values)
        samples.setdefault("session_rss", []).append(run.maxrss_mb)
        print(f"  session {number + 1}/{count} done in {run.wall:.1f} s", flush=True)
    return samples


def index_build(library_dir: Path) -> dict[str, list[float]]:
    """Build both search indexes again from a copy of the library's articles, as the
    migration that introduced them does for a library written before them."""
    with tempfile.TemporaryDirectory(dir=library_dir.parent) as folder:
        copy = Path(folder) / "library.sqlite"
        with sqlite3.connect(library_dir / "library.sqlite") as source:
            target = sqlite3.connect(copy, isolation_level=None)
            source.backup(target)
        for table in ("articles_fts", "titles_fts"):
            target.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
        target.execute("VACUUM")
        before = copy.stat().st_size / 1e6
        started = perf()
        with target:
            target.execute("BEGIN IMMEDIATE")
            for table in ("articles_fts", "titles_fts"):
                target.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
        elapsed = perf() - started
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        target.close()
        after = copy.stat().st_size / 1e6
    return {"index_build": [elapsed], "library_mb_before": [before], "library_mb_after": [after]}


def search_commands(library_dir: Path, runs: int) -> dict[str, list[float]]:
    """Time ``tui-news search`` as a whole process, the way a script would run it."""
    command = [sys.executable, "-m", "tui_news", "--data-dir", str(library_dir)]
    times = []
    for _ in range(runs + 1):
        run = spawn([*command, "search", "officials", "--limit", "20"], installed_env())
        if run.status != 0 or len(run.stdout.splitlines()) != 20:
            raise SystemExit(f"tui-news search failed (status {run.status}):\n{run.stderr}")
        times.append(run.wall)
    return {"search_cli": times[1:]}  # the first run warms the page and bytecode caches


# --- the table ----------------------------------------------------------------------------

MS, S, MB, N = "ms", "s", "MB", ""

# (key, label, unit, target in that unit or None, note)
ROWS: list[tuple[str, str, str, float | None, str]] = [
    ("cold_paint", "cold start to first paint (spawn -> rows drawn)", S, 1.0, ""),
    ("cold_interpreter", "  python interpreter start", S, None, ""),
    ("cold_imports", "  imports (core, textual, ui) + opening the library", S, None, ""),
    ("cold_reader", "    of which make_reader()", S, None, ""),
    ("cold_sample", "    of which reader.offer_sample()", S, None, ""),
    ("cold_app", "  NewsApp start -> first paint", S, None, ""),
    ("cold_wall", "cold start, whole process (spawn -> exit)", S, None, ""),
    ("startup_first_rows", "warm start: app start -> first rows", S, None, ""),
    ("startup_counts", "warm start: app start -> sidebar counts", S, None, ""),
    ("jump_end", "jump to end of list (G) -> repaint", MS, 50, "*"),
    ("jump_top", "jump to top of list (g) -> repaint", MS, 50, "*"),
    ("key_j", "j in the list (cursor moves) -> repaint", MS, 50, "*"),
    ("key_j_scroll", "j in the list (list scrolls) -> repaint", MS, 50, "*"),
    ("key_k", "k in the list -> repaint", MS, 50, "*"),
    ("key_pagedown", "page down in the list -> repaint", MS, 50, "*"),
    ("open_long", "open a 20 KB article (enter -> lines built, drawn)", MS, 100, ""),
    ("open_long_store_article", "  store.article(id)", MS, None, ""),
    ("open_long_build_lines", "  ArticleView.show() (wrap into lines)", MS, None, ""),
    ("open_short", "open a 1.5 KB article (enter -> drawn)", MS, 100, ""),
    ("open_200kb_html", "200 KB HTML article: ArticleView.show() (convert, wrap)", MS, None, ""),
    ("view_unread", "sidebar j -> Unread view drawn", MS, 50, "*"),
    ("view_starred", "sidebar j -> Starred view drawn (0 rows)", MS, 50, "*"),
    ("view_section", "sidebar j -> a section view drawn", MS, 50, "*"),
    ("view_source", "sidebar j -> a source's view drawn (in a section)", MS, 50, "*"),
    ("view_all", "sidebar g -> All view drawn", MS, 50, "*"),
    ("sql_view_ids_all", "  store.view_ids(All)", MS, None, ""),
    ("sql_view_ids_unread", "  store.view_ids(Unread)", MS, None, ""),
    ("sql_view_ids_starred", "  store.view_ids(Starred)", MS, None, ""),
    ("sql_view_ids_section", "  store.view_ids(section)", MS, None, ""),
    ("sql_view_ids_source", "  store.view_ids(source)", MS, None, ""),
    ("sql_section_counts", "  store.section_counts() (sidebar, in a thread)", MS, None, ""),
    ("sql_sources", "  store.sources()", MS, None, ""),
    ("sql_headline_page", "  store.headlines(100 ids) (one page)", MS, None, ""),
    ("filter_open", "/ opens the search field", MS, 50, "*"),
    ("filter_key_all", "keystroke -> filtered list drawn (All, 100%)", MS, 50, ""),
    ("filter_key_space", "  space between words -> drawn", MS, 50, ""),
    ("filter_key_section", "keystroke -> filtered list drawn (a section)", MS, 50, ""),
    ("search_widen", "ctrl+l: whole library, full text -> drawn", MS, 100, ""),
    ("filter_escape", "escape: the list put back -> drawn", MS, 50, "*"),
    ("fts_phrase", 'full-text search, top 50: "sao paulo"', MS, 100, ""),
    ("fts_rare_pair", "full-text search, top 50: cocoa satellite", MS, 100, ""),
    ("fts_common_word", "full-text search, top 50: officials", MS, 100, ""),
    ("fts_very_common_word", "full-text search, top 50: the", MS, 100, ""),
    ("fts_prefix", "full-text search, top 50: regul*", MS, 100, ""),
    ("fts_filtered", "full-text search, top 50: budget section:world is:unread", MS, 100, ""),
    ("reader_search", "  reader.search('officials', 20) (what the CLI runs)", MS, 100, ""),
    ("search_cli", "tui-news search officials --limit 20 (whole process)", S, None, ""),
    ("index_build", "search index build for an existing library (migration)", S, None, ""),
    ("library_mb_before", "library on disk without the search index", MB, None, ""),
    ("library_mb_after", "library on disk with the search index", MB, None, ""),
    ("cold_rss", "peak RSS, cold start", MB, 300, ""),
    ("session_rss", "peak RSS, session (all of the above)", MB, 300, ""),
]


def figure(values: list[float], unit: str) -> tuple[str, str, str, float]:
    scale = 1000 if unit == MS else 1
    median = statistics.median(values) * scale
    digits = 0 if unit == MB else (1 if unit == MS else 3)
    show = f"{{:.{digits}f}}".format
    return show(median), show(min(values) * scale), show(max(values) * scale), median


def table(
    samples: dict[str, list[float]],
    rows: list[tuple[str, str, str, float | None, str]] = ROWS,
    target_header: str = "target",
) -> list[str]:
    header = ("what", "median", "min", "max", "n", target_header, "ok")
    lines: list[tuple[str, ...]] = [header]
    for key, label, unit, target, note in rows:
        goal = f"< {target:g} {unit}" if target is not None else ""
        if note == "*":
            goal += " *"
        values = samples.get(key)
        if note == "n/a" or not values:
            why = "not in the app yet" if note == "n/a" else "not measured"
            lines.append((label, "-", "-", "-", "0", goal, why))
            continue
        median, low, high, value = figure(values, unit)
        ok = "" if target is None else ("yes" if value < target else "NO")
        lines.append((label, f"{median} {unit}", f"{low}", f"{high}", str(len(values)), goal, ok))
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    out = []
    for number, row in enumerate(lines):
        cells = [
            cell.ljust(widths[i]) if i in (0, 5, 6) else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        out.append("  ".join(cells).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the library")
    parser.add_argument("--data", type=Path, help="folder for the generated library")
    parser.add_argument("--sections", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measurement")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold-start processes")
    parser.add_argument("--sessions", type=int, default=1, help="interactive-session processes")
    parser.add_argument("--size", default="200x50", help="terminal size, COLSxROWS")
    parser.add_argument("--explain", action="store_true", help="print SQLite query plans")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    size = (int(width), int(height))
    folder = args.data or DATA / f"n{args.n}"

    info = build(folder, args.n, args.sections, args.seed)
    library_dir = folder / "library"
    prepare(library_dir)
    if args.explain:
        explain(library_dir)
    print("measuring cold starts ...", flush=True)
    samples = cold_starts(library_dir, size, args.cold_runs)
    print("measuring an interactive session ...", flush=True)
    samples.update(sessions(library_dir, size, args.runs, args.sessions))
    prepare(library_dir)
    print("measuring tui-news search and the search index build ...", flush=True)
    samples.update(search_commands(library_dir, args.runs))
    samples.update(index_build(library_dir))

    print()
    print(f"tui-news bench: {args.n} articles, {args.sections} sections, {machine(args.size)}")
    state = "reused from " + info.get("built_at", "?") if info["reused"] else "built now"
    print(
        f"library ({state}): generate {info['generate_s']:.1f} s, "
        f"import (tui-news add) {info['import_s']:.1f} s, "
        f"import peak RSS {info['import_maxrss_mb']:.0f} MB, "
        f"library file {info['library_mb']:.0f} MB"
    )
    print("\n".join([*summary(samples), "", *table(samples), "", *FOOTNOTES]))
    return 0


def machine(size: str) -> str:
    """The terminal size and the versions that matter, for a report's first line."""
    import textual

    return (
        f"terminal {size}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"textual {textual.__version__}, SQLite {sqlite3.sqlite_version}"
    )


def summary(samples: dict[str, list[float]]) -> list[str]:
    """Lines about what was measured: article size, match counts, rows left by filters."""
    lines = []
    if "long_article_bytes" in samples:
        lines.append(f"long article: {statistics.median(samples['long_article_bytes']):.0f} bytes")
    matches = {
        key[len("fts_matches_") :]: int(values[0])
        for key, values in samples.items()
        if key.startswith("fts_matches_")
    }
    if matches:
        lines.append("full-text matches: " + ", ".join(f"{k} {v:,}" for k, v in matches.items()))
    rows = {k: int(min(v)) for k, v in samples.items() if k.startswith("filter_rows_")}
    if rows:
        shown = ", ".join(f"{k[12:]} {v:,}" for k, v in rows.items())
        lines.append(f"rows left once the whole query is typed: {shown}")
    listed = {k[5:]: int(max(v)) for k, v in samples.items() if k.startswith("rows_")}
    if listed:
        lines.append("rows in views: " + ", ".join(f"{k} {v:,}" for k, v in listed.items()))
    return lines


FOOTNOTES = [
    "* DESIGN.md budgets 50 ms for a keystroke while filtering; the same bound is used",
    "  here for other keystrokes. Times run from sending the key event to the end of",
    "  the first frame that shows its effect (headless, frames rendered to escape codes).",
    "  Cold starts run on a warm page cache; the first run is a discarded warm-up.",
]


if __name__ == "__main__":
    sys.exit(main())
