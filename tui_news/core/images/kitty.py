"""kitty's terminal graphics protocol (https://sw.kovidgoyal.net/kitty/graphics-protocol/):
the escape codes that send a picture once, show it (or a part of it) at the cursor, and take
it away again.

Every code is ``ESC _ G <key=value,...> ; <payload> ESC \\`` and carries ``q=2``, so the
terminal never answers (an answer would arrive on stdin, where the app reads keys).
"""

from __future__ import annotations

import base64

CHUNK = 4096  # base64 bytes per escape code, at most (the spec's limit; a multiple of 4)
_MAX_ID = 4_294_967_295


def transmit(image_id: int, png: bytes) -> str:
    """Send ``png`` (a PNG file's bytes) to the terminal as image ``image_id``, not shown yet.

    The base64 data goes in chunks of at most 4096 bytes: ``m=1`` on all but the last, ``m=0``
    on the last; only the first chunk has the image's keys (a=t, f=100, t=d, i), the others
    only ``m`` (and ``q``, which the spec allows there).
    """
    _check_id(image_id, "image id")
    data = base64.standard_b64encode(png).decode("ascii")
    chunks = [data[start : start + CHUNK] for start in range(0, len(data), CHUNK)] or [""]
    codes = []
    for number, chunk in enumerate(chunks):
        more = int(number < len(chunks) - 1)
        keys = f"a=t,f=100,t=d,i={image_id},q=2,m={more}" if number == 0 else f"m={more},q=2"
        codes.append(f"\x1b_G{keys};{chunk}\x1b\\")
    return "".join(codes)


def place(
    image_id: int,
    placement_id: int,
    cols: int,
    rows: int,
    crop: tuple[int, int, int, int] | None = None,
) -> str:
    """Show image ``image_id`` at the cursor, scaled into ``cols`` x ``rows`` cells, as
    placement ``placement_id`` (placing the same pair again moves or resizes it, without
    flicker). ``crop`` is the part of the picture shown, ``(x, y, width, height)`` in its
    pixels. The cursor does not move (C=1).
    """
    _check_id(image_id, "image id")
    _check_id(placement_id, "placement id")
    if cols < 1 or rows < 1:
        raise ValueError(f"a placement needs at least one cell, not {cols}x{rows}")
    keys = f"a=p,i={image_id},p={placement_id},c={cols},r={rows},C=1,q=2"
    if crop is not None:
        x, y, width, height = crop
        if x < 0 or y < 0 or width < 1 or height < 1:
            raise ValueError(f"not a part of a picture: {crop}")
        keys += f",x={x},y={y},w={width},h={height}"
    return f"\x1b_G{keys}\x1b\\"


def delete(image_id: int, placement_id: int | None = None) -> str:
    """Take image ``image_id`` off the screen.

    With ``placement_id``: only that placement, the image kept in the terminal to be placed
    again (``d=i``). Without: every placement of it, and the terminal frees its data (``d=I``).
    """
    _check_id(image_id, "image id")
    if placement_id is None:
        return f"\x1b_Ga=d,d=I,i={image_id},q=2\x1b\\"
    _check_id(placement_id, "placement id")
    return f"\x1b_Ga=d,d=i,i={image_id},p={placement_id},q=2\x1b\\"


def _check_id(value: int, what: str) -> None:
    if not 1 <= value <= _MAX_ID:
        raise ValueError(f"a kitty {what} is 1 to {_MAX_ID}, not {value}")
