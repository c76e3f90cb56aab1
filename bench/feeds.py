"""Time tui-news's feed refresh against newsboat's on the same loopback feeds.

    python bench/feeds.py [--feeds 500] [--items 50] [--runs 3] [--server auto|nginx|python]
                          [--hosts 25] [--gzip] [--no-newsboat] [--no-import] [--breakdown]
                          [--profile] [--against TREE]

Generates (or reuses) ``--feeds`` static RSS 2.0/Atom feeds of ``--items`` items each under
``bench/data/feeds/`` (``bench/feedgen.py``), serves them on ``--hosts`` loopback addresses
(127.0.0.1 to 127.0.0.25, one port, the feeds spread evenly over them as a real subscription
list spreads over many servers) with nginx (or, when nginx is not installed, threaded Python
servers that also send ETag and Last-Modified and answer 304), then per run, on fresh data
dirs:

- tui-news first refresh: the feeds are subscribed without fetching (``Reader.import_list``,
  untimed), then ``tui-news --data-dir D refresh`` is timed;
- tui-news repeat refresh: the same command again, nothing changed (every answer a 304);
- tui-news import: ``tui-news --data-dir D2 import URLS`` on another fresh dir (subscribe and
  first fetch in one command), timed;
- newsboat: ``newsboat -u URLS -c CACHE -C CONFIG -x reload`` with ``reload-threads 10`` on a
  fresh cache (first reload), then twice more: newsboat 2.21 stores validators only for feeds
  already cached, so its second reload still downloads everything and the third is all 304.

``--against TREE`` also times another tui-news source tree's first and repeat refresh in each
run, before this checkout's in odd runs and after it in even ones, so that a change is compared
with main on the same busy machine (``git archive main | tar -x -C TREE``).

``--breakdown`` also times each stage of a first refresh on its own, in one process
(``bench/_feeds_stages.py``); ``--profile`` prints cProfile's top functions of a first and a
repeat ``tui-news refresh``. ``--runs 0`` skips the timed runs.

Times are wall times of the whole command (spawn to exit), peak RSS comes from ``wait4``; the
table shows medians of ``--runs``. Every server this script starts is stopped, also on error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from run import installed_env

BENCH = Path(__file__).resolve().parent
FEEDS = BENCH / "data" / "feeds"
STAGES = BENCH / "_feeds_stages.py"
sys.path.insert(0, str(BENCH))

from feedgen import generate  # noqa: E402

perf = time.perf_counter
TAGS = ("Tech", "News", "Hobbies", "Science")  # every other feed gets one in the urls file
TARGET_RATIO = 0.15  # first fetch against newsboat's first reload (DESIGN.md, issue 11)
TARGET_REPEAT_RATIO = 0.03  # repeat refresh against newsboat's all-304 reload


# --- running commands ---------------------------------------------------------------------


@dataclass
class Run:
    """One finished command."""

    command: list[str]
    status: int
    stdout: str
    stderr: str
    wall: float
    maxrss_mb: float

    def check(self, what: str) -> Run:
        if self.status != 0:
            tail = (self.stderr or self.stdout)[-2000:]
            print(f"  warning: {what} exited with status {self.status}:\n{tail}", flush=True)
        return self


def spawn(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run ``command`` to the end; wall time from spawn to exit, peak RSS from wait4."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = perf()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd)
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.kill()
            process.wait()
            raise
        wall = perf() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            command, process.returncode, out.read(), err.read(), wall, usage.ru_maxrss / 1024
        )


def count(database: Path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return -1


# --- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None, seconds: float = 10) -> None:
    deadline = perf() + seconds
    while perf() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited at start (status {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on 127.0.0.1:{port} after {seconds:g} s")


class Server:
    """A running feed server: its base URLs (one per loopback address) and the statuses sent."""

    name = ""
    bases: list[str] = []

    @property
    def base(self) -> str:
        return self.bases[0]

    def statuses(self) -> Counter[int]:
        raise NotImplementedError


NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include {mime};
    types {{ application/rss+xml rss; application/atom+xml atom; }}
    default_type application/octet-stream;
    log_format statusonly '$status';
    access_log {tmp}/access.log statusonly;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    {gzip}
    server {{
        {listen}
        root {root};
        location / {{ }}
    }}
}}
"""


class Nginx(Server):
    name = "nginx"

    def __init__(self, tmp: Path, port: int, hosts: int) -> None:
        self.log = tmp / "access.log"
        self.bases = [f"http://{address}:{port}" for address in loopbacks(hosts)]

    def statuses(self) -> Counter[int]:
        try:
            lines = self.log.read_text().split()
        except FileNotFoundError:
            return Counter()
        return Counter(int(line) for line in lines if line.isdigit())


@contextmanager
def nginx_server(binary: str, root: Path, gz: bool, hosts: int) -> Iterator[Server]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    port = free_port()
    mime = Path("/etc/nginx/mime.types")
    conf = NGINX_CONF.format(
        tmp=tmp,
        listen="\n        ".join(f"listen {a}:{port} backlog=1024;" for a in loopbacks(hosts)),
        root=root,
        mime=mime if mime.exists() else tmp / "mime.types",
        gzip="gzip_static on;" if gz else "",
    )
    if not mime.exists():
        (tmp / "mime.types").write_text("types { text/xml xml; }\n")
    (tmp / "nginx.conf").write_text(conf)
    command = [binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        try:
            wait_for_port(port, process)
        except RuntimeError as error:
            log = (tmp / "error.log").read_text() if (tmp / "error.log").exists() else ""
            done = process.poll() is not None and process.stderr is not None
            stderr = process.stderr.read().decode() if done and process.stderr else ""
            raise RuntimeError(f"nginx did not start: {error}\n{stderr}{log}") from None
        yield Nginx(tmp, port, hosts)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
        shutil.rmtree(tmp, ignore_errors=True)


class _Files:
    """The served files, read once: body, gzipped body, ETag, Last-Modified, type."""

    TYPES = {".rss": "application/rss+xml", ".atom": "application/atom+xml", ".xml": "text/xml"}

    def __init__(self, root: Path) -> None:
        self.files: dict[str, tuple[bytes, bytes | None, str, str, int, str]] = {}
        for path in root.iterdir():
            if not path.is_file() or path.suffix == ".gz":
                continue
            stat = path.stat()
            mtime = int(stat.st_mtime)
            gz = path.with_name(path.name + ".gz")
            self.files["/" + path.name] = (
                path.read_bytes(),
                gz.read_bytes() if gz.exists() else None,
                f'"{mtime:x}-{stat.st_size:x}"',
                formatdate(mtime, usegmt=True),
                mtime,
                self.TYPES.get(path.suffix, "application/octet-stream"),
            )
        self.statuses: Counter[int] = Counter()
        self.lock = threading.Lock()


def _handler(files: _Files) -> type[BaseHTTPRequestHandler]:
    class FeedHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "bench-feeds"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def do_GET(self) -> None:
            found = files.files.get(self.path.split("?", 1)[0])
            if found is None:
                self._send(404, b"not found\n", {"Content-Type": "text/plain"})
                return
            body, gz, etag, modified, mtime, kind = found
            headers = {"ETag": etag, "Last-Modified": modified, "Content-Type": kind}
            if self._not_modified(etag, mtime):
                self._send(304, b"", headers)
                return
            if gz is not None and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gz
                headers["Content-Encoding"] = "gzip"
            self._send(200, body, headers)

        def _not_modified(self, etag: str, mtime: int) -> bool:
            wanted = self.headers.get("If-None-Match")
            if wanted is not None:
                tags = [tag.strip().removeprefix("W/") for tag in wanted.split(",")]
                return etag in tags or "*" in tags
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return mtime <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)
            with files.lock:
                files.statuses[status] += 1

        def log_message(self, format: str, *args: object) -> None:
            pass

    return FeedHandler


class PythonServer(Server):
    def __init__(self, files: _Files, port: int, hosts: int, why: str) -> None:
        self.name = f"Python ThreadingHTTPServer x {hosts} ({why})"
        self.files = files
        self.bases = [f"http://{address}:{port}" for address in loopbacks(hosts)]

    def statuses(self) -> Counter[int]:
        with self.files.lock:
            return Counter(self.files.statuses)


class _Threading(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # listen() backlog: the default 5 drops connections at once


def loopbacks(hosts: int) -> list[str]:
    """The loopback addresses the feeds are served on: 127.0.0.1, 127.0.0.2, ..."""
    return [f"127.0.0.{number}" for number in range(1, hosts + 1)]


@contextmanager
def python_server(root: Path, why: str, hosts: int) -> Iterator[Server]:
    files = _Files(root)
    handler = _handler(files)
    servers = [_Threading(("127.0.0.1", 0), handler)]
    port = int(servers[0].server_address[1])
    threads = []
    try:
        servers += [_Threading((address, port), handler) for address in loopbacks(hosts)[1:]]
        for httpd in servers:
            thread = threading.Thread(target=httpd.serve_forever, name="feed-server", daemon=True)
            thread.start()
            threads.append(thread)
        wait_for_port(port, None)
        yield PythonServer(files, port, hosts, why)
    finally:
        for httpd, thread in zip(servers, threads, strict=False):
            httpd.shutdown()
            thread.join(10)
        for httpd in servers:
            httpd.server_close()


@contextmanager
def feed_server(kind: str, root: Path, gz: bool, hosts: int) -> Iterator[Server]:
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if kind == "nginx" and not nginx:
        raise SystemExit("nginx is not installed (apt-get install nginx), or use --server python")
    if nginx and kind in ("auto", "nginx"):
        with nginx_server(nginx, root, gz, hosts) as server:
            yield server
    else:
        why = "asked for" if kind == "python" else "fallback: nginx is not installed"
        with python_server(root, why, hosts) as server:
            yield server


def check_server(server: Server, name: str) -> str:
    """GET one feed twice (the second time conditionally); describe the validators seen."""
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(f"{server.base}/{name}", timeout=10) as response:
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        response.read()
    request = urllib.request.Request(f"{server.base}/{name}")
    if etag:
        request.add_header("If-None-Match", etag)
    if modified:
        request.add_header("If-Modified-Since", modified)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 304 or not etag or not modified:
        raise SystemExit(f"{server.name} does not answer conditional GETs with 304 ({status})")
    return "ETag + Last-Modified, 304 on a conditional GET"


# --- tui-news -----------------------------------------------------------------------------


# Runs tui-news from another source tree (``--against``): the installed (editable) copy's
# finder is taken off the import path, the tree put first.
# The tree's modules go first here and in the processes started from here (the parsing
# processes' fork server is a new interpreter, where an editable install would go first).
FROM_TREE = """\
import os, sys
sys.meta_path = [f for f in sys.meta_path if "editable" not in str(f)]
sys.path.insert(0, sys.argv.pop(1))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [sys.path[0], os.getenv("PYTHONPATH")]))
"""
RUN_FROM_TREE = FROM_TREE + "import runpy\nrunpy.run_module('tui_news', run_name='__main__')\n"


def python(tree: Path | None) -> list[str]:
    """The start of a command running tui-news: this checkout's, or ``tree``'s."""
    return [sys.executable, "-m", "tui_news"] if tree is None else [
        sys.executable, "-c", RUN_FROM_TREE, str(tree)
    ]  # fmt: skip


def tui(data_dir: Path, *args: str, tree: Path | None = None) -> Run:
    return spawn([*python(tree), "--data-dir", str(data_dir), *args], installed_env())


SUBSCRIBE = """\
import sys
from tui_news.core.reader import make_reader
reader = make_reader(sys.argv[1])
with open(sys.argv[2], "rb") as handle:
    added, skipped = reader.import_list(handle.read())
reader.close()
print(len(added), len(skipped))
"""


def subscribe(data_dir: Path, urls: Path, tree: Path | None = None) -> int:
    """Subscribe a fresh data dir to the feeds without fetching them (untimed set-up)."""
    code = SUBSCRIBE if tree is None else FROM_TREE + SUBSCRIBE
    where = [] if tree is None else [str(tree)]
    run = spawn([sys.executable, "-c", code, *where, str(data_dir), str(urls)], installed_env())
    if run.status != 0:
        raise SystemExit(f"subscribing failed (status {run.status}):\n{run.stderr[-3000:]}")
    return int(run.stdout.split()[0])


# --- newsboat -----------------------------------------------------------------------------


def newsboat_version(binary: str) -> str:
    run = spawn([binary, "--version"])
    return (run.stdout or run.stderr).splitlines()[0] if (run.stdout or run.stderr) else "?"


def newsboat(binary: str, folder: Path, threads: int) -> Run:
    env = {
        **os.environ,
        "HOME": str(folder),
        "XDG_CONFIG_HOME": str(folder / "xdg-config"),
        "XDG_DATA_HOME": str(folder / "xdg-data"),
    }
    (folder / "config").write_text(f"reload-threads {threads}\n")
    command = [binary, "-u", "urls", "-c", "cache.db", "-C", "config", "-x", "reload"]
    return spawn(command, env, cwd=folder)


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Results:
    """Every sample by key (``tui_first``, ``nb_repeat``, ...): times, peak RSS, statuses."""

    wall: dict[str, list[float]] = field(default_factory=dict)
    rss: dict[str, list[float]] = field(default_factory=dict)
    status: dict[str, list[int]] = field(default_factory=dict)
    stored: dict[str, list[int]] = field(default_factory=dict)
    answers: dict[str, Counter[int]] = field(default_factory=dict)

    def add(self, key: str, run: Run, stored: int | None = None) -> None:
        self.wall.setdefault(key, []).append(run.wall)
        self.rss.setdefault(key, []).append(run.maxrss_mb)
        self.status.setdefault(key, []).append(run.status)
        if stored is not None:
            self.stored.setdefault(key, []).append(stored)

    def answered(self, key: str, codes: Counter[int]) -> None:
        self.answers[key] = self.answers.get(key, Counter()) + codes


def measure_tui(
    results: Results,
    server: Server,
    work: Path,
    urls: Path,
    number: int,
    with_import: bool,
    tree: Path | None = None,
) -> str:
    """One run of tui-news: first refresh, repeat refresh, import; a line describing it.

    With ``tree``, that tree's tui-news, first and repeat refresh only (keys ``alt_...``).
    """
    key = "tui" if tree is None else "alt"
    data_dir = work / f"{key}-{number}"
    subscribe(data_dir, urls, tree)
    library = data_dir / "library.sqlite"
    before = server.statuses()
    first = tui(data_dir, "refresh", tree=tree).check("tui-news refresh (first)")
    results.add(f"{key}_first", first, count(library, "articles"))
    results.answered(f"{key}_first", server.statuses() - before)
    before = server.statuses()
    repeat = tui(data_dir, "refresh", tree=tree).check("tui-news refresh (repeat)")
    results.add(f"{key}_repeat", repeat, count(library, "articles"))
    codes = server.statuses() - before
    results.answered(f"{key}_repeat", codes)
    shutil.rmtree(data_dir)
    line = (
        f"tui-news{'' if tree is None else f' of {tree}'} first refresh {first.wall:.2f} s "
        f"({results.stored[f'{key}_first'][-1]} articles), repeat {repeat.wall:.2f} s "
        f"({dict(codes)})"
    )
    if tree is not None:
        return line
    if with_import:
        import_dir = work / f"import-{number}"
        imported = tui(import_dir, "import", str(urls)).check("tui-news import")
        results.add("tui_import", imported, count(import_dir / "library.sqlite", "articles"))
        shutil.rmtree(import_dir)
        line += f", import {imported.wall:.2f} s"
    return line


def measure_newsboat(
    results: Results, server: Server, work: Path, urls: Path, binary: str, threads: int
) -> str:
    """One run of newsboat: three reloads on a fresh cache; a line describing it.

    newsboat 2.21 saves a feed's ETag and Last-Modified only when the feed is already in its
    cache, so the second reload still gets 200s (all items unchanged); the third is all 304.
    """
    folder = work / "newsboat"
    folder.mkdir()
    shutil.copy(urls, folder / "urls")
    parts = []
    for key, label in (("nb_first", "first"), ("nb_second", "second"), ("nb_repeat", "third")):
        before = server.statuses()
        run = newsboat(binary, folder, threads).check(f"newsboat ({label} reload)")
        results.add(key, run, count(folder / "cache.db", "rss_item"))
        codes = server.statuses() - before
        results.answered(key, codes)
        parts.append(f"{label} {run.wall:.2f} s ({dict(codes)})")
    shutil.rmtree(folder)
    return f"newsboat reloads: {', '.join(parts)}, {results.stored['nb_first'][-1]} items"


def feed_urls(bases: list[str], names: list[str]) -> list[str]:
    """Each feed's address: the feeds dealt out over the servers in turn."""
    return [f"{bases[number % len(bases)]}/{name}" for number, name in enumerate(names)]


def write_urls(path: Path, urls: list[str]) -> None:
    """A newsboat urls file; every other feed has a tag (a section in tui-news)."""
    lines = []
    for number, url in enumerate(urls):
        tag = f' "{TAGS[number // 2 % len(TAGS)]}"' if number % 2 else ""
        lines.append(f"{url}{tag}\n")
    path.write_text("".join(lines))


def profile(work: Path, urls: Path, top: int) -> None:
    """cProfile of a first and a repeat refresh: the top functions by cumulative and own time."""
    import pstats

    data_dir = work / "profile"
    subscribe(data_dir, urls)
    for which in ("first", "repeat"):
        out = work / f"refresh-{which}.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "tui_news"]
        run = spawn([*command, "--data-dir", str(data_dir), "refresh"], installed_env())
        print(f"\nprofile of a {which} refresh (cProfile, {run.wall:.2f} s under the profiler):")
        for order in ("cumulative", "tottime"):
            print(f"\n--- {which} refresh: top {top} by {order} ---", flush=True)
            stats = pstats.Stats(str(out), stream=sys.stdout)
            stats.strip_dirs().sort_stats(order).print_stats(top)
    shutil.rmtree(data_dir, ignore_errors=True)


def breakdown(work: Path, urls: list[str]) -> None:
    """Each stage of a first refresh timed on its own (``bench/_feeds_stages.py``)."""
    run = spawn([sys.executable, str(STAGES), str(work / "stages"), *urls], installed_env())
    if run.status != 0:
        print(f"\nthe stage breakdown failed (status {run.status}):\n{run.stderr[-3000:]}")
        return
    r = json.loads(run.stdout.strip().splitlines()[-1])
    items = r["items"] or 1
    print(f"\nstages of a first refresh, one at a time in one process ({items} items):")

    def row(label: str, key: str, per: int | None = items) -> tuple[str, str, str, str]:
        wall, used = r[f"{key}_s"], r[f"{key}_cpu"]
        each = f"{used * 1e6 / per:.0f} us" if per else ""
        return (label, f"{wall:.2f} s", f"{used:.2f} s", each)

    rows = [
        ("stage", "wall", "CPU", "CPU per item"),
        row(f"fetch all bodies ({r['connections']} at once)", "fetch", None),
        row("well-formedness check (lxml)", "xml_check"),
        row("parse_feed (all of parsing)", "parse_feed"),
        row("  strip_tags alone (body text for search)", "strip_tags", r["html_items"] or 1),
        row(f"store_feed ({r['store_batches']} transactions), checkpoint", "store"),
        row("refresh_feeds, all stages together (CPU: this process only)", "refresh_feeds"),
    ]
    for line in table(rows):
        print("  " + line)
    parsers = ", ".join(f"{name}: {n}" for name, n in r["parsers"].items())
    print(f"  parsers used: {parsers}")
    print(
        "  event loop during refresh_feeds (5 ms ticker): "
        f"median lateness {r['loop_stall_p50_s'] * 1000:.0f} ms, "
        f"p99 {r['loop_stall_p99_s'] * 1000:.0f} ms, max {r['loop_stall_max_s'] * 1000:.0f} ms, "
        f"{r['loop_stalled_over_50ms_s']:.1f} s in stalls over 50 ms"
    )


# --- the table ----------------------------------------------------------------------------


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float] | None, unit: str = "s") -> str:
    if not values:
        return "-"
    if unit == "MB":
        return f"{med(values):.0f} MB"
    return f"{med(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def report(r: Results, expected: int) -> list[str]:
    """The figures table: medians (min-max), ratios against newsboat's first reload."""
    nb_first = r.wall.get("nb_first")

    def ratio(key: str) -> float | None:
        return med(r.wall[key]) / med(nb_first) if nb_first and r.wall.get(key) else None

    def ok(good: bool | None) -> str:
        return "" if good is None else ("yes" if good else "NO")

    def shown(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    def one(key: str, what: dict[str, list[int]]) -> str:
        return "/".join(map(str, sorted(set(what.get(key, []))))) or "-"

    rows = [("what", "tui-news", "newsboat", "ratio", "target", "ok")]
    for key, label in (
        ("tui_first", "first refresh (tui-news refresh)"),
        ("alt_first", "  the same, --against's tui-news"),
        ("tui_import", "first fetch via tui-news import"),
    ):
        if key in r.wall:
            value = ratio(key)
            rows.append(
                (
                    label,
                    spread(r.wall[key]),
                    spread(nb_first),
                    shown(value),
                    f"ratio <= {TARGET_RATIO}",
                    ok(None if value is None else value <= TARGET_RATIO),
                )
            )
    repeat = med(r.wall["tui_repeat"])
    nb_repeat = r.wall.get("nb_repeat")
    repeat_ratio = repeat / med(nb_repeat) if nb_repeat else None
    rows += [
        (
            "repeat refresh, nothing changed",
            spread(r.wall["tui_repeat"]),
            spread(nb_repeat),
            shown(repeat_ratio),
            f"ratio <= {TARGET_REPEAT_RATIO}",
            ok(None if repeat_ratio is None else repeat_ratio <= TARGET_REPEAT_RATIO),
        ),
    ]  # fmt: skip
    if r.wall.get("alt_repeat"):
        alt = med(r.wall["alt_repeat"]) / med(nb_repeat) if nb_repeat else None
        rows.append(("  the same, --against's tui-news", spread(r.wall["alt_repeat"]),
                     spread(nb_repeat), shown(alt), f"ratio <= {TARGET_REPEAT_RATIO}",
                     ok(None if alt is None else alt <= TARGET_REPEAT_RATIO)))  # fmt: skip
    rows += [
        ("  server answers, all runs", fmt(r.answers.get("tui_repeat")),
         fmt(r.answers.get("nb_repeat")),
         "", "all 304", ok(set(r.answers.get("tui_repeat", {304: 1})) == {304})),
        ("newsboat 2nd reload (200s, unchanged)", "", spread(r.wall.get("nb_second")),
         "", "", ""),
        ("tui-news refresh with no sources", spread(r.wall.get("tui_empty")), "", "", "", ""),
        ("items stored after first refresh", one("tui_first", r.stored),
         one("nb_first", r.stored), "", str(expected),
         ok(all(set(r.stored.get(k, [expected])) == {expected}
                for k in ("tui_first", "tui_repeat", "tui_import")))),
        ("peak RSS, first refresh", spread(r.rss.get("tui_first"), "MB"),
         spread(r.rss.get("nb_first"), "MB"), "", "", ""),
        ("peak RSS, repeat refresh", spread(r.rss.get("tui_repeat"), "MB"),
         spread(r.rss.get("nb_repeat"), "MB"), "", "", ""),
        ("exit status (1st/repeat/import; nb 1st/2nd/3rd)",
         "/".join(one(k, r.status) for k in ("tui_first", "tui_repeat", "tui_import")
                  if k in r.status),
         "/".join(one(k, r.status) for k in ("nb_first", "nb_second", "nb_repeat")
                  if k in r.status) or "-",
         "", "0", ok(all(set(v) == {0} for v in r.status.values()))),
    ]  # fmt: skip
    return table(rows)


def revision() -> str:
    """The commit of the tui-news being measured, and whether its code has local changes."""
    root = BENCH.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "tui_news"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"{head}{' + local changes' if dirty else ''}"


def fmt(codes: Counter[int] | None) -> str:
    return ", ".join(f"{n} x {code}" for code, n in sorted(codes.items())) if codes else "-"


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=50, help="items per feed")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=FEEDS, help="folder for the feed files")
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto")
    parser.add_argument("--hosts", type=int, default=25, help="loopback addresses (1-254)")
    parser.add_argument("--gzip", action="store_true", help="serve precompressed .gz twins")
    parser.add_argument("--threads", type=int, default=10, help="newsboat reload-threads")
    parser.add_argument("--no-newsboat", action="store_true", help="skip newsboat")
    parser.add_argument("--no-import", action="store_true", help="skip timing tui-news import")
    parser.add_argument("--breakdown", action="store_true", help="time each stage alone")
    parser.add_argument("--profile", action="store_true", help="cProfile a first/repeat refresh")
    parser.add_argument("--top", type=int, default=25, help="profile lines to print")
    parser.add_argument(
        "--against",
        type=Path,
        help="another tui-news source tree (say `git archive main | tar -x -C DIR`): its first "
        "and repeat refresh are timed in each run too, before or after this one's in turn",
    )
    args = parser.parse_args(argv)

    started = perf()
    names = generate(args.data, args.feeds, args.items, args.seed, args.gzip)
    size = sum((args.data / n).stat().st_size for n in names)
    print(
        f"{len(names)} feeds x {args.items} items in {args.data} ({size / 1e6:.1f} MB, "
        f"{'with' if args.gzip else 'no'} .gz twins, {perf() - started:.1f} s)",
        flush=True,
    )
    nb_binary = None if args.no_newsboat else shutil.which("newsboat")
    if not args.no_newsboat and not nb_binary:
        print("newsboat is not installed (apt-get install newsboat): skipping it", flush=True)
    results = Results()
    work = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    try:
        with feed_server(args.server, args.data, args.gzip, args.hosts) as server:
            served_by = server.name
            spread_note = f"{server.base} ... {server.bases[-1]}" if args.hosts > 1 else server.base
            print(f"server: {served_by} at {spread_note} ({check_server(server, names[0])})")
            addresses = feed_urls(server.bases, names)
            urls = work / "urls"
            write_urls(urls, addresses)
            for name in names:  # warm the page cache
                (args.data / name).read_bytes()
            if args.runs:  # untimed: compiles what a refresh imports, as pip would have
                first = urls.read_text().split()[0]
                tui(work / "warm", "add", first).check("tui-news add (warm-up)")
                if args.against:
                    tui(work / "warm-alt", "add", first, tree=args.against).check("warm-up")
                empty = tui(work / "empty", "refresh").check("tui-news refresh (no sources)")
                results.add("tui_empty", empty)
            for number in range(1, args.runs + 1):
                if args.against and number % 2:
                    line = measure_tui(results, server, work, urls, number, False, args.against)
                    print(f"run {number}/{args.runs}: {line}", flush=True)
                line = measure_tui(results, server, work, urls, number, not args.no_import)
                print(f"run {number}/{args.runs}: {line}", flush=True)
                if args.against and not number % 2:
                    line = measure_tui(results, server, work, urls, number, False, args.against)
                    print(f"run {number}/{args.runs}: {line}", flush=True)
                if nb_binary:
                    line = measure_newsboat(results, server, work, urls, nb_binary, args.threads)
                    print(f"           {line}", flush=True)
            if args.breakdown:
                breakdown(work, addresses)
            if args.profile:
                profile(work, urls, args.top)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not args.runs:
        return 0

    import httpx

    newsboat_name = newsboat_version(nb_binary) if nb_binary else "newsboat not run"
    print(
        f"\nfeeds bench, tui-news {revision()}: {len(names)} feeds x {args.items} items "
        f"({size / 1e6:.0f} MB, "
        f"{'gzip' if args.gzip else 'uncompressed'}) from {served_by} "
        f"on {args.hosts} loopback address(es); "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, httpx {httpx.__version__}, "
        f"SQLite {sqlite3.sqlite_version}; {newsboat_name.split(' - ')[0]} with reload-threads "
        f"{args.threads}; median (min-max) of {args.runs} runs, wall time of each command."
    )
    print(
        "first refresh: `tui-news refresh` on a fresh data dir subscribed to every feed, none "
        "fetched yet.\nimport: `tui-news import URLS` on a fresh data dir (subscribe + first "
        "fetch).\nnewsboat: `newsboat -x reload` on a fresh cache, then twice more.\n"
    )
    for line in report(results, len(names) * args.items):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
