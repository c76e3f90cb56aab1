"""The core half of pictures (issue 15): loading 20 pictures of one article, and hostile ones.

    python bench/images_core.py [--runs 5] [--threads 4]

A server on 127.0.0.1 (tests/feedserver.py) serves 20 photo-like pictures made here with
Pillow (1600x1000: 14 JPEG, 2 PNG, 2 WebP, 2 GIF). Each run is a fresh process that loads all
20 through ``load_picture`` into a 480x400 box (a wide article, kitty pixels), ``--threads``
at once as the article view does: first with an empty cache (over loopback), then again from
the cache the first pass filled (no network). It prints the medians over runs of the time per
picture and for all 20, and the process's peak RSS over its RSS before loading (``ru_maxrss``:
Pillow's pixels are not Python objects, so tracemalloc would not see them).

Then one process per hostile picture (having loaded a plain one first, so imports are not
counted) prints the time to its answer and the peak RSS it added:
a 1,000-frame GIF, a 64-megapixel PNG bomb, a 30000x30000 PNG header, a 6000x4000 JPEG
(decoded scaled down), a truncated JPEG and an SVG.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOX = (480, 400)
PICTURES = 20


def photo(index: int, kind: str, size: tuple[int, int] = (1600, 1000)) -> bytes:
    """A photo-like picture (gradients and noise, so it compresses like a photo)."""
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((size[0] // 4, size[1] // 4), 60).resize(size)
    sky = Image.linear_gradient("L").resize(size).rotate(90 * (index % 4))
    channels = (Image.blend(noise, sky, 0.6), sky.filter(ImageFilter.GaussianBlur(3)), noise)
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, kind, **({"quality": 85} if kind == "JPEG" else {}))
    return out.getvalue()


def hostile() -> dict[str, bytes]:
    from tests.picture_files import SVG, animated_gif, png_header

    truncated = photo(0, "JPEG")
    return {
        "1,000-frame GIF": animated_gif(1000, (320, 240)),
        "64 MP PNG bomb": png_header(8000, 8000, rows=8000),
        "30000x30000 PNG header": png_header(30000, 30000),
        "6000x4000 JPEG": photo(1, "JPEG", (6000, 4000)),
        "truncated JPEG": truncated[: len(truncated) // 2],
        "SVG with a script": SVG,
    }


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(urls: list[str], threads: int, cache: str) -> None:
    """Load ``urls`` twice (cold, then from the cache): print times and peak memory."""
    from tui_news.core import images

    images.configure(Path(cache), 200 * 1024 * 1024)
    images.decoding._pillow()  # Pillow imported before the memory is read
    before = rss_mb()
    result: dict[str, object] = {"before_mb": before}
    for label in ("cold", "warm"):
        images._sizes.clear()
        result[label] = load_all(urls, threads)
    result["peak_mb"] = rss_mb()
    print(json.dumps(result))


def load_all(urls: list[str], threads: int) -> dict[str, object]:
    """Load ``urls``, ``threads`` at once: the median time of each, of all, and failures."""
    from tui_news.core.images import ImageFailed, load_picture

    times: list[float] = []
    failures: list[str] = []

    def one(url: str) -> None:
        started = time.perf_counter()
        try:
            load_picture(url, BOX, origin=url)  # an article from the same (loopback) server
        except ImageFailed as error:
            failures.append(str(error))
        times.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, urls))
    return {"all": time.perf_counter() - started, "each": statistics.median(times),
            "failures": failures}  # fmt: skip


def one_hostile(url: str, warm_up: str) -> None:
    from tui_news.core import images
    from tui_news.core.images import ImageFailed, load_picture

    images.configure(None, 0)
    load_picture(
        warm_up, BOX, origin=url
    )  # imports and first-use costs paid before the clock starts
    before = rss_mb()
    started = time.perf_counter()
    try:
        picture = load_picture(url, BOX, origin=url)
        answer = f"loaded, {picture.width}x{picture.height} -> {picture.image.size}"
    except ImageFailed as error:
        answer = f"refused: {error}"
    took = time.perf_counter() - started
    print(json.dumps({"took": took, "added_mb": rss_mb() - before, "answer": answer}))


def run(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    options = parser.parse_args()
    from tests.feedserver import FeedServer, Route

    kinds = ["JPEG"] * 14 + ["PNG"] * 2 + ["WEBP"] * 2 + ["GIF"] * 2
    with FeedServer() as server, tempfile.TemporaryDirectory() as temporary:
        urls = []
        total = 0
        for n, kind in enumerate(kinds):
            body = photo(n, kind)
            total += len(body)
            server.routes[f"/p{n}"] = Route(body, content_type=f"image/{kind.lower()}")
            urls.append(server.url(f"/p{n}"))
        print(f"{PICTURES} pictures, {total / 1024 / 1024:.1f} MB in all, box {BOX[0]}x{BOX[1]}, "
              f"{options.threads} threads, {options.runs} runs (a fresh process each)")  # fmt: skip
        results = [
            run("child", str(options.threads), str(Path(temporary, f"c{n}")), *urls)
            for n in range(options.runs)
        ]
        for label in ("cold", "warm"):
            parts = [r[label] for r in results]
            each = statistics.median(p["each"] for p in parts) * 1000
            whole = statistics.median(p["all"] for p in parts) * 1000
            failed = sum(len(p["failures"]) for p in parts)
            print(
                f"  {label:5} per picture {each:7.1f} ms   all 20 {whole:7.1f} ms   failed {failed}"
            )
        before = statistics.median(float(r["before_mb"]) for r in results)
        peak = statistics.median(float(r["peak_mb"]) for r in results)
        added = peak - before
        print(f"  peak RSS {peak:.0f} MB ({added:+.0f} MB over {before:.0f} MB before loading)")
        server.routes["/warm"] = Route(photo(0, "PNG", (16, 16)), content_type="image/png")
        print("hostile pictures (median of runs; time to the answer, RSS added):")
        for n, (name, body) in enumerate(hostile().items()):
            server.routes[f"/h{n}"] = Route(body, content_type="image/png")
            hostile_url, warm_up = server.url(f"/h{n}"), server.url("/warm")
            answers = [run("hostile", hostile_url, warm_up) for _ in range(options.runs)]
            took = statistics.median(float(a["took"]) for a in answers) * 1000
            added = statistics.median(float(a["added_mb"]) for a in answers)
            print(f"  {name:24} {took:7.1f} ms  {added:+6.1f} MB  {answers[0]['answer']}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(sys.argv[4:], int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1:2] == ["hostile"]:
        one_hostile(sys.argv[2], sys.argv[3])
    else:
        main()
