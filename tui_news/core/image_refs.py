"""Where a picture is in HTML: the best address of an ``<img>`` or ``<picture>`` (its
``srcset`` and ``<source>`` candidates, lazy-loading attributes), its alt text, and whether it
is a picture at all (a tracking pixel, an emoji-sized icon)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from lxml import html as lxml_html

WANTED_WIDTH = 1000  # pixels: an article's width in cells times a terminal cell's pixels, about
ICON_SIZE = 32  # an image this small or smaller both ways is text-sized: an emoji, an icon
# Where lazy-loading scripts keep the real address while ``src`` holds a placeholder.
LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-url", "data-hi-res-src")
LAZY_SRCSET = ("data-srcset", "data-lazy-srcset")
# Types Pillow cannot decode or that are refused (SVG): a <source> of one is passed over.
_SKIPPED_TYPES = ("image/svg", "image/jxl", "image/heic", "image/heif")
_DESCRIPTOR = re.compile(r"^(\d+(?:\.\d+)?)([wx])$")

Kind = Literal["picture", "icon", "pixel"]

# A picture stands on a line of its own: IMAGE, its address, IMAGE_ALT, its alt text or caption.
IMAGE, IMAGE_ALT = "\ue020", "\ue021"
IMAGE_PREFIX = re.compile(r"(?:[>#] )*(?:(?:•|\d{1,3}[.)]) )?")  # a quote's, heading's or item's
_IMAGE_LINE = re.compile(f"{IMAGE}([^{IMAGE_ALT}\n]*){IMAGE_ALT}([^\n]*)")


def image_line(line: str) -> tuple[str, str] | None:
    """The address and alt text of a picture's line (after any quote or list marks), else None."""
    start = line.find(IMAGE)
    if start < 0 or IMAGE_PREFIX.fullmatch(line, 0, start) is None:
        return None
    match = _IMAGE_LINE.match(line, start)
    return (match.group(1), match.group(2)) if match else None


def _image_text(match: re.Match[str]) -> str:
    """``[image: alt]``, a linked picture's number after it: ``[image: alt] [3]``."""
    alt, number = _LINKED.match(match.group(2)).groups()  # type: ignore[union-attr]
    return (f"[image: {alt}]" if alt else "[image]") + (f" {number}" if number else "")


_LINKED = re.compile(r"(.*?) ?(\[\d+\])?$")


def without_images(text: str) -> str:
    """``text`` with each picture's line read as ``[image: alt]`` (where pictures are not drawn)."""
    return _IMAGE_LINE.sub(_image_text, text) if IMAGE in text else text


def with_pictures(text: str, pictures: Sequence[str]) -> str:
    """``text`` with a line for each of ``pictures`` (a feed's, of the item) it does not show
    yet, at its top. The same address over http or https, or with another query, is the same."""
    shown = {_same(url) for url, _ in _IMAGE_LINE.findall(text)} if IMAGE in text else set()
    lines = []
    for url in pictures:
        if _same(url) not in shown:
            shown.add(_same(url))
            lines.append(f"{IMAGE}{url}{IMAGE_ALT}")
    return "\n".join(lines) + (f"\n\n{text}" if text else "") if lines else text


def _same(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return parts.netloc.lower() + parts.path


def picked(el: lxml_html.HtmlElement) -> tuple[str, str, Kind]:
    """The address (as written, maybe relative, maybe empty), the alt text and the kind of an
    ``<img>`` or ``<picture>`` element."""
    img = el if el.tag == "img" else next(el.iter("img"), None)
    url = ""
    if el.tag == "picture":
        for source in el.iter("source"):
            kind = (source.get("type") or "").lower()
            if kind.startswith(_SKIPPED_TYPES) or "prefers-" in (source.get("media") or ""):
                continue
            url = _best_srcset(_first(source, ("srcset", *LAZY_SRCSET)))
            if url:
                break
    if img is None:
        return url, "", "picture"
    if not url:
        url = _best_srcset(_first(img, (*LAZY_SRCSET, "srcset")))
    if not url:
        src = _first(img, LAZY_SRC) or img.get("src") or ""
        url = "" if src.strip().startswith("data:") else src.strip()
    alt = " ".join((img.get("alt") or img.get("title") or "").split())
    return url, alt, _kind(img)


def address(written: str, base_url: str | None) -> str | None:
    """A picture's address resolved against the page's: http(s) only, or a path when there is
    no base (a local article's picture, found next to its file)."""
    written = "".join(c for c in written if c.isprintable() and not "\ue000" <= c <= "\ue0ff")
    written = "%20".join(written.split())
    if not written:
        return None
    try:
        url = urljoin(base_url, written) if base_url else written
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme in ("http", "https") or (not base_url and scheme in ("", "file")):
        return url
    return None


def _first(el: lxml_html.HtmlElement, names: tuple[str, ...]) -> str:
    return next((value for name in names if (value := (el.get(name) or "").strip())), "")


def _kind(img: lxml_html.HtmlElement) -> Kind:
    """A 1x1 (or 0) tracking pixel, a text-sized icon or emoji, or a picture."""
    width, height = _pixels(img.get("width")), _pixels(img.get("height"))
    if (width is not None and width <= 1) or (height is not None and height <= 1):
        return "pixel"
    classes = (img.get("class") or "").lower()
    if "emoji" in classes or "wp-smiley" in classes:
        return "icon"
    if width is not None and height is not None and width <= ICON_SIZE and height <= ICON_SIZE:
        return "icon"
    return "picture"


def _pixels(value: str | None) -> int | None:
    match = re.match(r"\s*(\d+)\s*(px)?\s*$", value or "")
    return int(match.group(1)) if match else None


def _best_srcset(srcset: str) -> str:
    """The candidate of a ``srcset`` closest above :data:`WANTED_WIDTH` (else the widest); with
    density descriptors, the densest up to 2x."""
    candidates: list[tuple[float, str, str]] = []
    for url, descriptor in _candidates(srcset):
        if url.startswith("data:"):
            continue
        match = _DESCRIPTOR.match(descriptor)
        value, unit = (float(match.group(1)), match.group(2)) if match else (1.0, "x")
        candidates.append((value, unit, url))
    if not candidates:
        return ""
    widths = sorted((c for c in candidates if c[1] == "w"), key=lambda c: c[0])
    if widths:
        return next((c[2] for c in widths if c[0] >= WANTED_WIDTH), widths[-1][2])
    densities = sorted(candidates, key=lambda c: c[0])
    return next((c[2] for c in reversed(densities) if c[0] <= 2), densities[0][2])


def _candidates(srcset: str) -> list[tuple[str, str]]:
    """A ``srcset``'s (address, descriptor) pairs, split as HTML does: an address runs to the
    next space (a comma inside it, as in ``w_100,h_80``, is part of it) or a trailing comma."""
    found: list[tuple[str, str]] = []
    rest = " ".join(srcset.split())
    while rest := rest.lstrip(" \t\n\r\f,"):
        url, _, rest = rest.partition(" ") if " " in rest else (rest, "", "")
        if url.endswith(","):
            found.append((url.rstrip(","), ""))
            continue
        descriptor, _, rest = rest.partition(",")
        found.append((url, descriptor.strip().split(" ")[0] if descriptor.strip() else ""))
    return found
