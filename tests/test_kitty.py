"""kitty graphics protocol codes (core/images/kitty.py), parsed back and checked against the
spec: chunks of at most 4096 base64 bytes, m=1 ... m=0, keys only on the first chunk, q=2."""

from __future__ import annotations

import base64
import os
import re

import pytest

from tui_news.core.images import kitty

_CODE = re.compile(r"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\")


def parse(text: str) -> list[tuple[dict[str, str], str | None]]:
    """The escape codes in ``text`` as (keys, payload); the whole text must be such codes."""
    codes = []
    position = 0
    while position < len(text):
        match = _CODE.match(text, position)
        assert match, f"not a graphics code: {text[position : position + 30]!r}"
        pairs = [pair.split("=", 1) for pair in match[1].split(",")]
        keys = dict(pairs)
        assert len(keys) == len(pairs), "a key given twice"
        codes.append((keys, match[2]))
        position = match.end()
    return codes


@pytest.mark.parametrize(
    ("size", "chunks"),
    [(10, 1), (3072, 1), (3073, 2), (3072 * 2, 2), (3072 * 2 + 100, 3)],
)
def test_transmit_chunks_the_base64_data(size, chunks):
    png = os.urandom(size)
    codes = parse(kitty.transmit(42, png))
    assert len(codes) == chunks
    first, *rest = codes
    assert first[0] == {
        "a": "t",
        "f": "100",
        "t": "d",
        "i": "42",
        "q": "2",
        "m": "1" if chunks > 1 else "0",
    }
    for keys, _payload in rest[:-1]:
        assert keys == {"m": "1", "q": "2"}
    if rest:
        assert rest[-1][0] == {"m": "0", "q": "2"}
    payloads = [payload or "" for _keys, payload in codes]
    assert all(len(payload) == 4096 for payload in payloads[:-1])
    assert 0 < len(payloads[-1]) <= 4096
    assert base64.standard_b64decode("".join(payloads)) == png


def test_place_shows_a_placement_without_moving_the_cursor():
    [(keys, payload)] = parse(kitty.place(7, 3, 40, 12))
    assert keys == {"a": "p", "i": "7", "p": "3", "c": "40", "r": "12", "C": "1", "q": "2"}
    assert payload is None


def test_place_with_a_crop_shows_that_part_of_the_picture():
    [(keys, _payload)] = parse(kitty.place(7, 3, 40, 5, crop=(0, 120, 400, 100)))
    assert keys["a"] == "p" and (keys["c"], keys["r"]) == ("40", "5")
    assert (keys["x"], keys["y"], keys["w"], keys["h"]) == ("0", "120", "400", "100")


def test_delete_one_placement_keeps_the_image_and_delete_all_frees_it():
    [(one, _)] = parse(kitty.delete(7, 3))
    assert one == {"a": "d", "d": "i", "i": "7", "p": "3", "q": "2"}
    [(every, _)] = parse(kitty.delete(7))
    assert every == {"a": "d", "d": "I", "i": "7", "q": "2"}


@pytest.mark.parametrize(
    "call",
    [
        lambda: kitty.transmit(0, b"x"),
        lambda: kitty.transmit(2**32, b"x"),
        lambda: kitty.place(1, 0, 1, 1),
        lambda: kitty.place(1, 1, 0, 1),
        lambda: kitty.place(1, 1, 1, 1, crop=(0, 0, 0, 5)),
        lambda: kitty.delete(-1),
        lambda: kitty.delete(1, 0),
    ],
)
def test_ids_and_sizes_out_of_the_protocols_range_are_refused(call):
    with pytest.raises(ValueError):
        call()
