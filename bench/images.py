"""Measure an article with 20 pictures against the budget in DESIGN.md and print medians.

    python bench/images.py [--runs 5] [--delay 0.2]

A server on 127.0.0.1 serves 20 photo-like JPEGs (1600x1000, made here with Pillow), each
after ``--delay`` seconds (a slow network), and a feed with one ~20 KB article that shows
them between its paragraphs. Each run is a fresh process (``bench/images.py child``) that
opens the app headless at 160x50, reads a short article first (whatever any first article
costs is paid there), then presses enter on the one with pictures and times:

- **text drawn**: from sending enter to the first frame that shows the article's lines (the
  pictures are still on their way then);
- **focus into the article**: the view focused (as tab would), to its frame; then 0.2 s
  pass (the footer's keys and the screen's styles change then) before the keys;
- **keys while pictures load**: ``j`` and ``k`` in the article, each from sending the key to
  the frame that shows it scrolled, pressed while pictures are still loading (the first key,
  and the worst of the first four, are shown apart); with each, the CPU time of the app's
  main thread and of its other threads meanwhile (the loaders, the drawing: Python work in
  them holds the interpreter lock the keys need; the encoder process is not counted), and
  the longest pause of Python's cyclic garbage collector in the first four (it holds the
  lock, whichever thread it runs in); the same three for the worst key of all;
- **all pictures in**: from enter to the frame after the last picture is drawn;
- **peak memory**: the process's peak RSS (``wait4``), the whole run; with kitty or Sixel,
  the encoder process's apart (its VmHWM in ``/proc`` before the app ends it).

The first run starts with an empty picture cache (a fresh copy of the library); the others
read the pictures from the cache the first one filled. Medians are over the cached runs and,
for keys, over every key pressed.
"""

# ruff: noqa: E402  (the child's clock starts before anything is imported)
from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse
import asyncio
import html
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
PICTURES = 20
SIZE = (160, 50)
CELL = (10, 20)  # pixels of a cell, with --images kitty or sixel
perf = time.perf_counter


# --- what the server holds ------------------------------------------------------------------


def photo(index: int, size: tuple[int, int] = (1600, 1000)) -> bytes:
    """A photo-like JPEG: gradients and noise (so it compresses like a photo), ~200 KB."""
    from PIL import Image, ImageFilter

    width, height = size
    noise = Image.effect_noise((width // 4, height // 4), 60).resize(size)
    sky = Image.linear_gradient("L").resize(size).rotate(90 * (index % 4), expand=False)
    red = Image.blend(noise, sky, 0.6)
    green = sky.filter(ImageFilter.GaussianBlur(3))
    blue = Image.blend(noise, sky.transpose(Image.Transpose.FLIP_TOP_BOTTOM), 0.5)
    out = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(out, "JPEG", quality=85)
    return out.getvalue()


def article_html(base: str) -> str:
    """~20 KB of paragraphs with a picture after every few of them."""
    words = (
        "The harbour authority said the old lighthouse will be rebuilt stone by stone, as "
        "the town council asked, and a museum will open on its ground floor next spring. "
    )
    parts = []
    for n in range(PICTURES):
        parts += [f"<p>{n}. {words * 2}</p>" for _ in range(3)]
        parts.append(f'<img src="{base}/photo{n}.jpg" alt="Photo {n} of the harbour">')
    parts.append("<p>The end.</p>")
    return "".join(parts)


def serve(delay: float) -> tuple[ThreadingHTTPServer, str]:
    photos = {f"/photo{n}.jpg": photo(n) for n in range(PICTURES)}
    routes: dict[str, tuple[bytes, str]] = {p: (b, "image/jpeg") for p, b in photos.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            body, kind = routes.get(self.path, (b"not found", "text/plain"))
            if self.path.startswith("/photo"):
                time.sleep(delay)
            self.send_response(200 if self.path in routes else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    item = (
        f"<item><title>Twenty Pictures</title><guid>pics</guid><link>{base}/page</link>"
        "<pubDate>Wed, 02 Dec 2026 10:00:00 GMT</pubDate>"
        f"<description>{html.escape(article_html(base))}</description></item>"
        "<item><title>Warm-up</title><guid>warm</guid><link>https://news.example/warm</link>"
        "<pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate>"
        f"<description>{html.escape('<p>A <b>first</b> article, read before.</p>')}"
        "</description></item>"
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Photos</title>{item}'
    routes["/feed"] = ((feed + "</channel></rss>").encode(), "application/rss+xml")
    return server, base


# --- the measured process -------------------------------------------------------------------


def child(data_dir: str, images: str) -> None:
    import gc

    from _child import bench_app_class, key_event, maxrss_mb

    from tui_news.core.reader import make_reader
    from tui_news.ui.graphics_detect import Graphics, Protocol
    from tui_news.ui.graphics_draw import PROTOCOLS

    reader = make_reader(data_dir)
    result: dict[str, Any] = {"written": 0}
    if images in PROTOCOLS:  # as a terminal with 10x20-pixel cells that has the protocol
        app = bench_app_class()(reader, graphics=Graphics(cast(Protocol, images), CELL))
        app.picture_drawer.write = lambda data: result.update(written=result["written"] + len(data))
    else:
        app = bench_app_class()(reader)

    collections: list[tuple[float, float]] = []  # the collector's pauses: start, end
    started = [0.0]

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = perf()
        else:
            collections.append((started[0], perf()))

    gc.callbacks.append(collected)

    async def session() -> None:
        async with app.run_test(size=SIZE) as pilot:
            while not app.headlines.ids:
                await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            view = app.article_view
            # A first article warms what any first article warms (the header's text checks)
            await pilot.press("j", "enter")
            await app.workers.wait_for_complete()
            await pilot.press("k")
            await pilot.pause()

            async def press(key: str, done: Any) -> float:
                """Seconds from sending ``key`` to the frame that shows ``done()``; the
                main thread's CPU seconds in that time go to ``cpu``, the other threads'
                (the process's less the main thread's) to ``others``."""
                future = asyncio.get_running_loop().create_future()
                drawn: list[float] = []

                def check() -> bool:
                    if done():
                        drawn.extend((time.thread_time(), time.process_time()))
                        return True
                    return False

                app.waiter = (check, future)
                start, start_cpu, start_all = perf(), time.thread_time(), time.process_time()
                app.post_message(key_event(key))
                end = await asyncio.wait_for(future, 30)
                cpu.setdefault(key, []).append(drawn[0] - start_cpu)
                all_threads = drawn[1] - start_all
                windows.append((start, end))
                main_cpu.append(drawn[0] - start_cpu)
                other_cpu.append(all_threads - (drawn[0] - start_cpu))
                others.setdefault(key, []).append(all_threads - (drawn[0] - start_cpu))
                return end - start

            cpu: dict[str, list[float]] = {}
            others: dict[str, list[float]] = {}
            windows: list[tuple[float, float]] = []  # each key's, from sending it to its frame
            main_cpu: list[float] = []  # each key's main thread's CPU seconds
            other_cpu: list[float] = []  # and the other threads'

            result["text_drawn"] = await press("enter", lambda: view.lines_built > 0)
            opened = perf() - result["text_drawn"]
            # Into the article, as tab would, timed to its frame; then a reader's pause (the
            # footer's keys and the screen's styles change meanwhile), so the keys below are
            # j and k alone
            focused = asyncio.get_running_loop().create_future()
            app.waiter = (lambda: app.focused is view, focused)
            start = perf()
            view.focus()
            result["focus"] = await asyncio.wait_for(focused, 30) - start
            await asyncio.sleep(0.2)
            keys: list[float] = []
            while len(keys) < 40 and (not keys or not all_in(view)):
                y = view.scroll_offset.y
                keys.append(await press("j", lambda y=y: view.scroll_offset.y == y + 1))
                keys.append(await press("k", lambda y=y: view.scroll_offset.y == y))
                await asyncio.sleep(0.02)  # a reader's pace, about 20 keys a second
            result["keys"] = keys
            while not all_in(view):
                await asyncio.sleep(0.005)
            await pilot.pause()
            result["all_in"] = perf() - opened
            after = []
            for _ in range(20):  # scrolling through the pictures once they are in
                y = view.scroll_offset.y
                after.append(await press("j", lambda y=y: view.scroll_offset.y == y + 1))
            result["keys_after"] = after
            result["cpu_enter"] = cpu["enter"][0]
            result["cpu_keys"] = cpu["j"][: len(keys) // 2] + cpu["k"]
            result["others_keys"] = others["j"][: len(keys) // 2] + others["k"]
            result["cpu_after"] = cpu["j"][len(keys) // 2 :]
            first = windows[1 : 1 + min(4, len(keys))]  # (the first window is enter's)
            result["cpu_first4"] = max(main_cpu[1 : 1 + len(first)])
            result["others_first4"] = max(other_cpu[1 : 1 + len(first)])
            result["gc_first4"] = max(
                [min(b, end) - max(a, start) for a, b in collections for start, end in first]
                + [0.0]
            )
            worst = 1 + max(range(len(keys)), key=keys.__getitem__)  # its window's index
            start, end = windows[worst]
            result["cpu_worst"], result["others_worst"] = main_cpu[worst], other_cpu[worst]
            result["gc_worst"] = max([min(b, end) - max(a, start) for a, b in collections] + [0.0])
            result["failed"] = [error for *_, error in view.pictures if error]
            result["encoder_mb"] = encoder_peak_mb()

    asyncio.run(session())
    reader.close()
    result["maxrss_mb"] = maxrss_mb()
    sys.stdout.write(json.dumps(result) + "\n")


def encoder_peak_mb() -> float:
    """The encoder process's peak RSS so far (0 if none runs)."""
    from tui_news.core.images.encoder_process import encoder

    pid = encoder().pid
    if pid is None:
        return 0.0
    status = Path(f"/proc/{pid}/status").read_text()
    return (
        next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
        / 1024
    )


def all_in(view: Any) -> bool:
    """True once every picture is drawn or failed (at once with ``images = "off"``)."""
    pictures = view.pictures
    if view.picture_mode == "off":
        return True
    return len(pictures) == PICTURES and all(image or error for _, _, image, error in pictures)


# --- the parent -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs with the cache filled")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds each picture takes")
    parser.add_argument(
        "--images",
        default="halfblocks",
        help='the images setting ("off": the text alone; "kitty", "sixel": drawn with the '
        "protocol, its sequences counted, not shown)",
    )
    args = parser.parse_args()
    import run

    from tui_news.core.reader import make_reader

    load = os.getloadavg()[0]
    server, base = serve(args.delay)
    with tempfile.TemporaryDirectory(prefix="tui-news-images-") as temporary:
        pristine = Path(temporary) / "pristine"
        reader = make_reader(pristine)
        reader.add(f"{base}/feed")
        reader.close()
        setting = "auto" if args.images in ("kitty", "sixel") else args.images
        (pristine / "config.toml").write_text(run.CONFIG + f'images = "{setting}"\n')
        warm = Path(temporary) / "warm"
        shutil.copytree(pristine, warm)
        results = []
        for number in range(args.runs + 1):
            command = [sys.executable, __file__, "child", str(warm), args.images]
            results.append(run.spawn(command, run.installed_env()))
            if number == 0:
                print(f"first run (empty cache) done in {results[0].wall:.1f} s", flush=True)
    server.shutdown()
    parsed = [(r.result(), r.maxrss_mb) for r in results]
    failed = {e for result, _ in parsed for e in result["failed"]}
    if failed:
        print(f"pictures failed: {sorted(failed)}")
    print(
        f"tui-news images bench: {PICTURES} pictures of 1600x1000, {args.delay:g} s each, "
        f"images = {args.images!r}, {SIZE[0]}x{SIZE[1]}, load average before: {load:.1f} "
        f"on {os.cpu_count()} cores (other work on the machine slows every figure)"
    )
    rows = [("empty cache", parsed[:1]), ("cached", parsed[1:])]
    print(f"{'':38}{'empty cache':>14}{'cached':>10}{'target':>9}")
    figures = [
        ("text drawn (enter -> frame), ms", lambda r: [r["text_drawn"] * 1000], 100),
        ("  main thread's CPU in it, ms", lambda r: [r["cpu_enter"] * 1000], None),
        ("focus into the article, ms", lambda r: [r["focus"] * 1000], None),
        ("keys while pictures load, ms", lambda r: [k * 1000 for k in r["keys"]], 50),
        ("  main thread's CPU a key, ms", lambda r: [k * 1000 for k in r["cpu_keys"]], None),
        ("  other threads' CPU a key, ms", lambda r: [k * 1000 for k in r["others_keys"]], None),
        ("  worst key, ms", lambda r: [max(r["keys"], default=0) * 1000], None),
        ("    main thread's CPU in it, ms", lambda r: [r["cpu_worst"] * 1000], None),
        ("    other threads' CPU in it, ms", lambda r: [r["others_worst"] * 1000], None),
        ("    longest collector pause in it, ms", lambda r: [r["gc_worst"] * 1000], None),
        ("  first key (j), ms", lambda r: [r["keys"][0] * 1000], None),
        ("  worst of the first 4 keys, ms", lambda r: [max(r["keys"][:4]) * 1000], None),
        ("    main thread's CPU, worst of them, ms", lambda r: [r["cpu_first4"] * 1000], None),
        ("    other threads' CPU, worst of them, ms", lambda r: [r["others_first4"] * 1000], None),
        ("    longest collector pause in them, ms", lambda r: [r["gc_first4"] * 1000], None),
        ("  keys pressed", lambda r: [len(r["keys"])], None),
        ("all pictures in (from enter), ms", lambda r: [r["all_in"] * 1000], None),
        ("j through drawn pictures, ms", lambda r: [k * 1000 for k in r["keys_after"]], 50),
        ("  main thread's CPU a key, ms", lambda r: [k * 1000 for k in r["cpu_after"]], None),
    ]
    for name, values, target in figures:
        medians = [statistics.median(v for r, _ in runs for v in values(r)) for _, runs in rows]
        print(f"{name:38}{medians[0]:>14.1f}{medians[1]:>10.1f}{target or '':>9}")
    if args.images in ("kitty", "sixel"):
        written = [statistics.median(r["written"] / 1e6 for r, _ in runs) for _, runs in rows]
        print(f"{'picture sequences written, MB':38}{written[0]:>14.1f}{written[1]:>10.1f}")
    rss = [statistics.median(m for _, m in runs) for _, runs in rows]
    print(f"{'peak memory (RSS), MB':38}{rss[0]:>14.1f}{rss[1]:>10.1f}{150:>9}")
    if args.images in ("kitty", "sixel"):
        encoder = [statistics.median(r["encoder_mb"] for r, _ in runs) for _, runs in rows]
        print(f"{'  the encoder process, MB':38}{encoder[0]:>14.1f}{encoder[1]:>10.1f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
