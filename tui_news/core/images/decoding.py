"""Decoding a picture safely with Pillow: the bytes sniffed (never the server's word), the
size read from the header and capped before any pixel is decoded, JPEGs decoded scaled down,
one frame of an animation, and the memory of every decode at once bounded.

SVG is refused: rasterising it safely needs a library that is not a dependency (cairosvg is
not wanted), and no script in it may ever run.
"""

from __future__ import annotations

import io
import math
import re
import threading
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from tui_news.core.errors import UserError
from tui_news.core.images.memory import return_large_blocks

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 50_000_000  # a picture larger (by its header) is refused undecoded
DECODE_BYTES = 64 * 1024 * 1024  # the pixels one decode may hold
BUDGET_BYTES = 96 * 1024 * 1024  # the pixels all decodes at once may hold (threads wait)
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)


class ImageFailed(UserError):
    """A picture that cannot be shown; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Picture:
    """A decoded picture, scaled down to fit the box asked for (RGB or RGBA): ``width`` and
    ``height`` are its own size, before scaling (turned as its EXIF orientation says)."""

    image: Image.Image
    width: int
    height: int


def sniff(data: bytes) -> str:
    """The picture format of ``data`` by its first bytes; ImageFailed saying what it is if not
    one that is shown."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head or (head.startswith(b"<?xml") and b"<svg" in data[:8192].lower()):
        raise ImageFailed("SVG not shown (only PNG, JPEG, GIF, WebP and BMP pictures are)")
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        raise ImageFailed("not an image (the address gives a web page)")
    if data[4:8] == b"ftyp":
        raise ImageFailed("not shown: an AVIF or HEIF picture (PNG, JPEG, GIF and WebP are)")
    raise ImageFailed("not an image" if data else "not an image (it is empty)")


def decode(data: bytes, box: tuple[int, int]) -> Picture:
    """``data`` decoded and scaled down to fit ``box`` (width, height in pixels); raises
    :class:`ImageFailed` with the reason."""
    kind = sniff(data)
    pillow = _pillow()
    try:
        image = pillow.open(io.BytesIO(data), formats=[kind])
    except pillow.DecompressionBombError as error:
        pixels = re.search(r"\((\d+) pixels\)", str(error))
        size = f"{int(pixels.group(1)):,} pixels" if pixels else "an absurd size"
        raise ImageFailed(f"too large ({size}: a decompression bomb?)") from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageFailed(f"a broken {kind} picture ({_reason(error)})") from None
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS or not (width and height):
            raise ImageFailed(f"too large ({width}x{height})" if width and height else "no pixels")
        turned = _orientation(image) in (5, 6, 7, 8)
        fit = (max(1, box[0]), max(1, box[1]))
        if kind == "JPEG":  # decoded at 1/2, 1/4 or 1/8 of its size if still as large as
            image.draft("RGB", _fitted(image.size, fit))  # it is shown: less work and memory
        with _BUDGET.hold(_cost(image)):
            try:
                image.load()  # the first frame only, however many an animation has
                picture = _scaled(image, fit)
            except (OSError, ValueError, SyntaxError, EOFError) as error:
                raise ImageFailed(f"a broken {kind} picture ({_reason(error)})") from None
    return Picture(picture, *((height, width) if turned else (width, height)))


def _cost(image: Image.Image) -> int:
    """The bytes of pixels decoding ``image`` holds at its peak (Pillow keeps 1 or 4 a pixel;
    a mode other than RGB(A) is converted, a second copy); ImageFailed over DECODE_BYTES."""
    mode = image.mode
    per_pixel = (1 if mode in ("1", "L", "P") else 4) + (0 if mode in ("RGB", "RGBA") else 4)
    cost = image.size[0] * image.size[1] * per_pixel
    if cost > DECODE_BYTES:
        raise ImageFailed(f"too large to decode ({image.size[0]}x{image.size[1]})")
    return cost


def _fitted(size: tuple[int, int], fit: tuple[int, int]) -> tuple[int, int]:
    """The size a picture of ``size`` is scaled down to, to fit in ``fit`` (as ``thumbnail``
    does): the smallest a JPEG may be decoded at. (``draft`` with the box itself keeps a
    picture whole whenever the box is wider or taller than the picture's proportions.)"""
    scale = min(1.0, fit[0] / size[0], fit[1] / size[1])
    return max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale))


def _scaled(image: Image.Image, fit: tuple[int, int]) -> Image.Image:
    """The loaded ``image`` as RGB or RGBA, fitted into ``fit`` and turned upright."""
    from PIL import ImageOps

    if image.mode in ("RGB", "RGBA"):
        scaled = image.copy() if image.size[0] <= fit[0] and image.size[1] <= fit[1] else None
        if scaled is None:
            image.thumbnail(fit)  # in place: no full-size copy
            scaled = image.copy()
    else:
        alpha = image.mode in ("LA", "PA", "La") or "transparency" in image.info
        scaled = image.convert("RGBA" if alpha else "RGB")
        scaled.thumbnail(fit)
    upright = ImageOps.exif_transpose(scaled) if _orientation(image) not in (None, 1) else scaled
    return upright


def _orientation(image: Image.Image) -> int | None:
    try:
        value = image.getexif().get(0x0112)
    except Exception:  # an EXIF block Pillow cannot read: taken as upright
        return None
    return value if isinstance(value, int) else None


def header_size(data: bytes) -> tuple[int, int] | None:
    """A picture's size from its header alone (as :class:`Picture` gives it), or None."""
    try:
        kind = sniff(data)
        with _pillow().open(io.BytesIO(data), formats=[kind]) as image:
            width, height = image.size
            turned = _orientation(image) in (5, 6, 7, 8)
    except Exception:  # anything unreadable: the size is unknown
        return None
    return (height, width) if turned else (width, height)


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())[:120]
    if "truncated" in text or isinstance(error, EOFError):
        return "the file is cut short"
    return text or type(error).__name__


class _Budget:
    """Bytes of pixels held by decodes at once: a decode waits while others hold too many."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self.ready = threading.Condition()

    def hold(self, size: int) -> _Held:
        return _Held(self, min(size, self.limit))


class _Held:
    def __init__(self, budget: _Budget, size: int) -> None:
        self.budget, self.size = budget, size

    def __enter__(self) -> None:
        with self.budget.ready:
            self.budget.ready.wait_for(lambda: self.budget.held + self.size <= self.budget.limit)
            self.budget.held += self.size

    def __exit__(self, *exc: object) -> None:
        with self.budget.ready:
            self.budget.held -= self.size
            self.budget.ready.notify_all()


_BUDGET = _Budget(BUDGET_BYTES)
_SET_UP = threading.Lock()


def prepare() -> None:
    """Import what decoding needs (Pillow and its common formats' plugins: 20-50 ms of CPU,
    holding the interpreter lock), so that the first picture to arrive, often while the
    reader's keys come, does not pay for it. Blocking: call it from a thread."""
    from PIL import ImageOps

    assert ImageOps
    _pillow().preinit()


def _pillow() -> ModuleType:
    """Pillow's Image module, its own bomb check set to our cap (first use only); large
    blocks given back to the system when freed (see :mod:`.memory`)."""
    from PIL import Image

    return_large_blocks()
    with _SET_UP:
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # beyond twice this, open() refuses
        # Between one and two times it would warn on stderr, over the screen: the size check
        # right after open() refuses those pictures with a reason instead. (Set each time:
        # a test runner resets the filters.)
        warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
    return Image
