"""A picture made for a terminal graphics protocol at a size in cells: scaled to fit the cells'
pixels, then a kitty transmission (PNG) or one Sixel sequence per cell row.

Pure pixel work with no state, so it can run in the encoder process
(:mod:`tui_news.core.images.encoder_process`): everything it takes and gives pickles.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

# What :func:`encode_art` gives: a kitty transmission, or the Sixel rows (one per cell row)
Encoded = tuple[str, tuple[str, ...]]


def encode_art(
    protocol: str,
    image: Image,
    cells: tuple[int, int],
    cell: tuple[int, int],
    image_id: int,
) -> Encoded:
    """``image`` scaled to fit ``cells`` (columns, rows) of ``cell`` pixels and encoded for
    ``protocol``: ("kitty") the transmission of image ``image_id`` as a PNG padded with
    transparency to whole cells (so a crop is whole rows and nothing is scaled), or
    ("sixel") a sequence per cell row, from one palette for the whole picture (no bands
    between rows). Slow: scaling, PNG or Sixel encoding."""
    from PIL import Image as Pillow

    cols, rows = cells
    cell_w, cell_h = cell
    width, height = max(1, image.size[0]), max(1, image.size[1])
    scale = min(cols * cell_w / width, rows * cell_h / height)
    size = (
        max(1, min(cols * cell_w, round(width * scale))),
        max(1, min(rows * cell_h, round(height * scale))),
    )
    # (a picture loaded for this box is its size already: no scaling)
    pixels = image if image.size == size else image.resize(size, Pillow.Resampling.LANCZOS)
    if protocol == "kitty":
        from tui_news.core.images import kitty

        whole = (cols * cell_w, rows * cell_h)
        if pixels.size != whole:
            canvas = Pillow.new("RGBA", whole, (0, 0, 0, 0))
            canvas.paste(pixels, (0, 0))
            pixels = canvas
        png = io.BytesIO()
        pixels.save(png, "PNG", compress_level=1)
        return kitty.transmit(image_id, png.getvalue()), ()
    if protocol != "sixel":
        raise ValueError(f"no graphics protocol {protocol!r} (kitty or sixel)")
    from tui_news.core.images.sixel import encode_indexed, quantize

    indexed = quantize(pixels)
    return "", tuple(
        encode_indexed(
            indexed.crop((0, row * cell_h, size[0], min(size[1], (row + 1) * cell_h)))
        ).decode("ascii")
        if row * cell_h < size[1]
        else ""  # below the picture's last pixel (its height was rounded)
        for row in range(rows)
    )
