"""Sixel: a picture as one DCS sequence a Sixel terminal (xterm -ti vt340, foot, WezTerm, mlterm)
draws at the cursor.

The picture is quantized with Pillow (fast octree, Floyd-Steinberg dithering) to at most 255
colours; palette index 255 is kept for "no colour", so a transparent pixel (alpha < 128) is
simply never drawn and, as P2=1 asks, leaves what is under it.

Encoding works a 6-pixel band at a time and, in it, a colour at a time, with bytes and int
operations instead of a Python loop over pixels: each of the band's rows is turned by
``bytes.translate`` into that colour's bit for the row (1 << row where the pixel has the colour,
else 0), the rows are added as big integers (their bits never overlap, so no carries) with 63
('?') added to every byte, and the result is one sixel line. Runs of 4 or more equal characters
become ``!n<char>``; blank ('?') columns after a colour's last pixel are not sent.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

NONE = 255  # the palette index of a pixel that is not drawn (transparent)
MAX_COLOURS = 255
_RUN = re.compile(rb"\?{4,}|([@-~])\1{3,}")  # a run worth "!n" ("!4?" is shorter than "????")
_SINGLE = [bytes((index,)) for index in range(256)]
# _BITS[row][index]: the table that turns a row of palette indices into that row's sixel bit
# for colour ``index`` (1 << row where the pixel has it, else 0).
_BITS = [
    [bytes(256)[:index] + bytes((1 << row,)) + bytes(255 - index) for index in range(256)]
    for row in range(6)
]


def quantize(image: Image.Image) -> Image.Image:
    """``image`` as a palette ("P") picture of at most 255 colours in which index 255 marks
    the transparent pixels (alpha below 128); the indices :func:`encode_sixel` sends."""
    from PIL import Image

    rgb = image.convert("RGB")
    palette = rgb.quantize(MAX_COLOURS, method=Image.Quantize.FASTOCTREE)
    indexed = rgb.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        hidden = image.convert("RGBA").getchannel("A").point(lambda a: 255 if a < 128 else 0)
        indexed.paste(NONE, mask=hidden)
    return indexed


def encode_sixel(image: Image.Image) -> bytes:
    """``image`` as a complete Sixel sequence ``ESC P 0;1;0 q "1;1;W;H ... ESC \\``, drawn
    at the cursor at the image's own size (scale or crop it before)."""
    return encode_indexed(quantize(image))


def encode_indexed(indexed: Image.Image) -> bytes:
    """A palette picture from :func:`quantize` (index 255: not drawn) as a Sixel sequence."""
    width, height = indexed.size
    rgb = indexed.getpalette() or []
    used = [index for index, count in enumerate(indexed.histogram()[:NONE]) if count]
    out = [b'\x1bP0;1;0q"1;1;%d;%d' % (width, height)]
    for index in used:
        red, green, blue = rgb[3 * index : 3 * index + 3]
        out.append(b"#%d;2;%d;%d;%d" % (index, _percent(red), _percent(green), _percent(blue)))
    data = indexed.tobytes()
    blank = int.from_bytes(b"?" * width, "big")
    from_bytes = int.from_bytes
    for top in range(0, height, 6):
        rows = min(6, height - top)
        band = data[top * width : (top + rows) * width]
        lines = [band[row * width : (row + 1) * width] for row in range(rows)]
        colours = set(band)
        colours.discard(NONE)
        sixels = []
        for colour in sorted(colours):
            single = _SINGLE[colour]
            total = blank
            for row in range(band.find(single) // width, band.rfind(single) // width + 1):
                total += from_bytes(lines[row].translate(_BITS[row][colour]), "big")
            line = total.to_bytes(width, "big").rstrip(b"?")
            sixels.append(b"#%d%s" % (colour, _RUN.sub(_run, line)))
        out.append(b"$".join(sixels))
        out.append(b"-")
    if height:
        out.pop()  # no graphics new line after the last band
    out.append(b"\x1b\\")
    return b"".join(out)


def _percent(value: int) -> int:
    """A 0-255 colour component as Sixel's 0-100."""
    return (value * 100 + 127) // 255


def _run(match: re.Match[bytes]) -> bytes:
    run = match[0]
    return b"!%d%c" % (len(run), run[0])
