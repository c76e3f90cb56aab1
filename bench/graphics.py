"""Encoding a picture for the terminal graphics protocols (issue 15): Sixel and kitty.

    python bench/graphics.py [--runs 7] [--size 800x600]

For a photo-like picture (made here with Pillow: noise over gradients, as bench/images_core.py
makes them) it prints the medians over runs, in CPU time of this process and wall time, of
quantizing (Pillow), encoding the quantized picture as Sixel, both together (``encode_sixel``,
what the app calls in a worker thread), and of kitty's PNG + ``transmit``, with the sizes of
what would be written to the terminal. CPU time is given because on a shared machine the wall
time also counts the other processes' turns.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from PIL import Image

Result = TypeVar("Result")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def photo(size: tuple[int, int]) -> Image.Image:
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((size[0] // 4, size[1] // 4), 60).resize(size)
    sky = Image.linear_gradient("L").resize(size)
    channels = (Image.blend(noise, sky, 0.6), sky.filter(ImageFilter.GaussianBlur(3)), noise)
    return Image.merge("RGB", channels)


def measure(label: str, runs: int, work: Callable[[], Result]) -> Result:
    cpu, wall = [], []
    for _ in range(runs):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        result = work()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    size = f"{len(result) / 1024:8.0f} KiB" if isinstance(result, (bytes, str)) else ""
    print(
        f"{label:34} cpu {statistics.median(cpu) * 1000:7.1f} ms"
        f"   wall {statistics.median(wall) * 1000:7.1f} ms  {size}"
    )
    return result


def main() -> None:
    from tui_news.core.images import kitty, sixel

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", default="800x600")
    parser.add_argument("--picture", help="a picture file to use instead of the made one")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    if args.picture:
        from PIL import Image

        picture = Image.open(args.picture).convert("RGB").resize((width, height))
    else:
        picture = photo((width, height))
    print(f"{width}x{height} picture, median of {args.runs} runs")
    indexed = measure("Sixel: quantize (Pillow)", args.runs, lambda: sixel.quantize(picture))
    measure("Sixel: encode the quantized", args.runs, lambda: sixel.encode_indexed(indexed))
    measure("Sixel: encode_sixel (both)", args.runs, lambda: sixel.encode_sixel(picture))

    def png() -> bytes:
        out = io.BytesIO()
        picture.save(out, "PNG", compress_level=1)
        return out.getvalue()

    data = measure("kitty: PNG (compress_level=1)", args.runs, png)
    assert isinstance(data, bytes)
    measure("kitty: transmit (base64, chunks)", args.runs, lambda: kitty.transmit(1, data))


if __name__ == "__main__":
    main()
