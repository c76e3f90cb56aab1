"""Sixel encoding (core/images/sixel.py): the output decoded back by a small Sixel decoder here
must give, pixel by pixel, the quantized picture (and leave transparent pixels unset)."""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageDraw

from tui_news.core.images.sixel import NONE, encode_indexed, encode_sixel, quantize

_START = b"\x1bP0;1;0q"
_END = b"\x1b\\"
_TOKEN = re.compile(
    rb'"(\d+);(\d+);(\d+);(\d+)|#(\d+)(?:;(\d+);(\d+);(\d+);(\d+))?|!(\d+)(.)|([?-~])|(\$)|(-)'
)


def decode(data: bytes) -> tuple[tuple[int, int], dict[int, tuple[int, int, int]], dict]:
    """(raster size, registers as 0-100 RGB, {(x, y): register}) of a Sixel sequence; raises
    AssertionError on anything this encoder must not send (a pixel drawn twice, an undefined
    register, a pixel outside the raster)."""
    assert data.startswith(_START) and data.endswith(_END)
    body = data[len(_START) : -len(_END)]
    size = None
    registers: dict[int, tuple[int, int, int]] = {}
    pixels: dict[tuple[int, int], int] = {}
    x = y = 0
    colour = None
    position = 0
    while position < len(body):
        match = _TOKEN.match(body, position)
        assert match, f"unexpected {body[position : position + 20]!r}"
        position = match.end()
        raster, select, run, single, cr, lf = (
            match[1],
            match[5],
            match[10],
            match[12],
            match[13],
            match[14],
        )
        if raster is not None:
            assert size is None and not pixels and match[1] == b"1" and match[2] == b"1"
            size = (int(match[3]), int(match[4]))
        elif select is not None:
            if match[6] is not None:
                assert match[6] == b"2"  # RGB
                rgb = (int(match[7]), int(match[8]), int(match[9]))
                assert all(0 <= part <= 100 for part in rgb)
                registers[int(select)] = rgb
            colour = int(select)
        elif run is not None or single is not None:
            count, char = (int(run), match[11][0]) if run is not None else (1, single[0])
            assert 63 <= char <= 126
            assert colour in registers, "a colour used before it is defined"
            for _ in range(count):
                for bit in range(6):
                    if (char - 63) >> bit & 1:
                        assert (x, y + bit) not in pixels, "a pixel drawn twice"
                        pixels[(x, y + bit)] = colour
                x += 1
        elif cr is not None:
            x = 0
        elif lf is not None:
            x, y = 0, y + 6
    assert size is not None
    assert all(px < size[0] and py < size[1] for px, py in pixels)
    return size, registers, pixels


def photo(size: tuple[int, int]) -> Image.Image:
    """Photo-like: noise over gradients (many colours, no long flat runs) and a flat disc."""
    noise = Image.effect_noise(size, 50)
    ramp = Image.linear_gradient("L").resize(size)
    picture = Image.merge("RGB", (Image.blend(noise, ramp, 0.7), ramp.rotate(90), noise))
    ImageDraw.Draw(picture).ellipse((0, 0, size[0] // 2, size[1] // 2), fill=(250, 200, 20))
    return picture


def expected(indexed: Image.Image) -> dict[tuple[int, int], int]:
    width, height = indexed.size
    data = indexed.tobytes()
    return {
        (x, y): data[y * width + x]
        for y in range(height)
        for x in range(width)
        if data[y * width + x] != NONE
    }


@pytest.mark.parametrize("size", [(97, 53), (64, 48), (1, 1), (40, 7)])
def test_a_photo_decodes_to_its_quantized_pixels(size):
    picture = photo(size)
    indexed = quantize(picture)
    raster, registers, pixels = decode(encode_sixel(picture))
    assert raster == size
    assert pixels == expected(indexed)
    palette = indexed.getpalette()
    assert palette is not None
    for register, rgb in registers.items():
        assert register != NONE
        exact = palette[3 * register : 3 * register + 3]
        pairs = zip(rgb, exact, strict=True)
        assert all(abs(part * 255 / 100 - value) <= 1.3 for part, value in pairs)
    # and the colours are the picture's (quantizing and dithering move them only a little)
    drawn = [registers[pixels[(x, y)]] for y in range(size[1]) for x in range(size[0])]
    original = [pixel for pixel in picture.get_flattened_data() if isinstance(pixel, tuple)]
    error = sum(
        abs(part * 255 / 100 - value)
        for rgb, source in zip(drawn, original, strict=True)
        for part, value in zip(rgb, source, strict=True)
    ) / (3 * len(original))  # zip(strict=True): an RGB picture's every pixel was a tuple
    assert error < 12


def test_at_most_255_colours_for_a_picture_of_thousands():
    picture = Image.new("RGB", (256, 64))
    picture.putdata([(x, y * 4, (x * y) % 256) for y in range(64) for x in range(256)])
    for x in range(0, 256, 16):  # rare black: never the transparent index 255
        picture.putpixel((x, 10), (0, 0, 0))
    colours = picture.getcolors(100_000)
    assert colours is not None and len(colours) > 10_000
    data = encode_sixel(picture)
    _raster, registers, pixels = decode(data)
    assert 2 <= len(registers) <= 255
    assert len(pixels) == 256 * 64  # every pixel drawn
    assert len(re.findall(rb"#\d+;2;", data)) == len(registers)  # each register defined once


def test_runs_are_sent_as_repeats_and_a_colour_stops_at_its_last_pixel():
    picture = Image.new("RGB", (12, 7), (255, 0, 0))
    picture.putpixel((0, 6), (0, 0, 255))
    picture.putpixel((1, 6), (0, 0, 255))
    picture.putpixel((2, 6), (0, 0, 255))
    indexed = picture.quantize(palette=_palette([(255, 0, 0), (0, 0, 255)]))
    assert encode_indexed(indexed) == (
        b'\x1bP0;1;0q"1;1;12;7#0;2;100;0;0#1;2;0;0;100#0!12~-#0???!9@$#1@@@\x1b\\'
    )


def test_transparent_pixels_are_never_drawn():
    picture = Image.new("RGBA", (30, 20), (0, 128, 0, 255))
    ImageDraw.Draw(picture).rectangle((0, 0, 14, 19), fill=(255, 255, 255, 0))
    picture.putpixel((20, 10), (0, 0, 0, 100))  # mostly transparent: not drawn
    _raster, _registers, pixels = decode(encode_sixel(picture))
    assert set(pixels) == {(x, y) for x in range(15, 30) for y in range(20)} - {(20, 10)}


def test_a_grey_or_palette_picture_is_encoded_too():
    grey = Image.linear_gradient("L").resize((20, 13))
    _raster, registers, pixels = decode(encode_sixel(grey))
    assert len(pixels) == 20 * 13
    assert max(registers[pixels[(0, 0)]]) < 8 and min(registers[pixels[(0, 12)]]) > 90
    paletted = grey.convert("P")
    assert decode(encode_sixel(paletted))[2].keys() == pixels.keys()


def _palette(colours: list[tuple[int, int, int]]) -> Image.Image:
    holder = Image.new("P", (1, 1))
    holder.putpalette([part for colour in colours for part in colour])
    return holder
