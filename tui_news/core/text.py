"""Untrusted text made safe: control characters stripped, bytes decoded, links checked, widths
in terminal cells. HTML to text is in :mod:`tui_news.core.html_text`."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit, urlunsplit

# Characters that must never reach the terminal: C0/C1 controls (ESC, BEL, ...), DEL, and
# the bidirectional overrides that can disguise text. Newline is kept; tab becomes a space.
_UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\ufeff\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff]"  # lone surrogates (from JSON's "\ud800"): no UTF-8 can hold them
)
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Whole terminal escape sequences (CSI "ESC [ ... m", OSC "ESC ] ... BEL", DCS, C1 CSI), so
# no "[31m" or "]0;title" is left behind once the escape character itself is gone. A string
# begun by a single C1 character (\x9d, ...) is not taken whole: such characters come far more
# often from a decoding slip (UTF-8's ” read as Latin-1 ends in \x9d, its “ in \x9c) than
# from an escape, and taking "from \x9d to \x9c" took the words between two quotations (and
# a run of them, time that grew with the square of the text). _UNSAFE removes each alone.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-_78=>]"
)
_ESCAPE_START = re.compile("[\x1b\x9b]")  # what begins a sequence _ESCAPES takes
_SPACE_RUNS = re.compile("  +")
_NUMBERS = re.compile(r"(\d+)")
_TEXT_CONTROLS = bytes(range(0x20)).translate(None, b"\t\n\x0c\r\x1b")

SAFE_LINK_SCHEMES = ("http", "https", "mailto")
MAX_MARKS = 4  # zero-width characters (combining marks, joiners) kept in a row
MAX_TAGS = 8  # emoji tag characters kept in a row (a subdivision flag needs up to 7)


def clean(text: str | None) -> str:
    """Return ``text`` with line endings normalised and every control character removed.

    Runs of zero-width characters (a "zalgo" pile of combining marks, a flood of zero-width
    spaces or joiners) are cut to :data:`MAX_MARKS`: enough for any script, too few to draw
    over the lines around them.
    """
    if not text:
        return ""
    if _western(text) and text.isprintable():
        return text  # the common case: nothing to remove
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not _suspects().search(text):
        return text  # no control, zero-width or astral character: one pass instead of three
    if _ESCAPE_START.search(text):
        text = _ESCAPES.sub("", text)
    text = _UNSAFE.sub("", text)
    return text if text.isascii() else _mark_runs().sub(_cap_marks, text)


def _western(text: str) -> bool:
    """Whether every character of ``text`` is in Windows-1252 (ASCII, Latin-1 and its
    punctuation such as ``…`` and curly quotes): then none is a combining mark, a format character
    or an astral one, which :func:`clean` would look at. Told without a regex."""
    if text.isascii():
        return True
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@cache
def _mark_runs() -> re.Pattern[str]:
    """Runs of five or more zero-width (or astral) characters, the candidates for capping.

    Astral characters go in as one range, so the pattern stays a fast table lookup;
    ``_cap_marks`` looks closer.
    """
    return re.compile(f"(?:[{_marks()}]|[\U00010000-\U0010ffff]){{{MAX_MARKS + 1},}}")


@cache
def _suspects() -> re.Pattern[str]:
    """Any one character that :func:`clean` removes or may cap (see _UNSAFE, _mark_runs)."""
    return re.compile(f"[{_UNSAFE.pattern[1:-1]}{_marks()}\U00010000-\U0010ffff]")


@cache
def _marks() -> str:
    """The zero-width characters of the BMP as the inside of a regex character class.

    Built from the Unicode database on first use (about 40 ms).
    """
    ranges: list[list[int]] = []
    for point in range(0x300, 0x10000):
        if _zero_width(chr(point)):
            if ranges and ranges[-1][1] == point - 1:
                ranges[-1][1] = point
            else:
                ranges.append([point, point])
    return "".join(
        re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges
    )


def _zero_width(char: str) -> bool:
    """A combining mark or an invisible format character (takes no cell of its own)."""
    return unicodedata.category(char) in ("Mn", "Me", "Cf")


def _cap_marks(match: re.Match[str]) -> str:
    """The run with each stretch of zero-width characters cut to MAX_MARKS (tag characters,
    which spell out a flag like Wales's, to MAX_TAGS)."""
    kept: list[str] = []
    row = tags = 0
    for char in match.group():
        if "\U000e0020" <= char <= "\U000e007f":
            tags += 1
            if tags <= MAX_TAGS:
                kept.append(char)
            continue
        row = row + 1 if _zero_width(char) else 0
        tags = 0 if row == 0 else tags
        if row <= MAX_MARKS:
            kept.append(char)
    return "".join(kept)


def no_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which SQLite and UTF-8 refuse) replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` with its noun, the way every screen and command says it: "1 article",
    "12,345 articles"."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def shown_name(text: str | None) -> str:
    """``text`` as one line (:func:`one_line`), or ``""`` when nothing of it can be seen (a
    zero-width space, joiners, marks): a name, a section, that the user could not tell."""
    line = one_line(text)
    return line if any(unicodedata.category(c)[0] in "LNPS" for c in line) else ""


def one_line(text: str | None) -> str:
    """Return ``text`` cleaned and collapsed to a single line of single spaces."""
    if not text:
        return ""
    if not (_western(text) and text.isprintable()):
        return " ".join(clean(text).split())
    # nothing to clean (see clean), and a printable text's only white space is " ": no need
    # to split it into words to collapse its runs (one pass: replacing "  " again and again
    # cost twice as much on a paragraph that HTML's tags had left runs in)
    if "  " in text:
        text = _SPACE_RUNS.sub(" ", text)
    return text.strip(" ")


def name_order(name: str) -> tuple[list[str | tuple[int, str]], str]:
    """How names are sorted for people: case aside, and a number by its value ("Outlet 2"
    before "Outlet 10"; compared by its digits, so however long it is)."""
    folded = name.casefold()
    parts = _NUMBERS.split(folded)  # texts, with the numbers between them
    return [part if at % 2 == 0 else _number(part) for at, part in enumerate(parts)], folded


def _number(digits: str) -> tuple[int, str]:
    """Digits as they sort by value: the longer number is the larger (leading zeros aside)."""
    digits = digits.lstrip("0") or "0"
    return len(digits), digits


def safe_link(url: str | None) -> str | None:
    """Return ``url`` if it is an http(s) or mailto link without controls, else ``None``."""
    if url and url.startswith(("https://", "http://")) and url.isascii() and url.isprintable():
        return url.replace(" ", "%20")  # the common case, without parsing
    url = one_line(url).replace(" ", "%20")
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_LINK_SCHEMES else None


def without_password(url: str) -> str:
    """An address as it may be shown: a ``user:password@`` in it keeps the user only."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{parts.username}@{host}"))
    except ValueError:  # not an address urlsplit can read: hide everything before the host
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else url


def without_userinfo(url: str) -> str:
    """An address without any ``user:password@`` (to resolve links against, say)."""
    try:
        parts = urlsplit(url)
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    except ValueError:
        return url


def decode(data: bytes) -> str:
    """Decode file bytes: a BOM wins, then UTF-8, then cp1252 (Latin-1 for its gaps)."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def looks_binary(data: bytes) -> bool:
    """Return True when ``data`` (the start of a file) is not text: NUL bytes or many controls."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _TEXT_CONTROLS))
    return bool(sample) and controls / len(sample) > 0.05


def paragraphs(lines: list[str]) -> str:
    """Join plain-text lines into readable paragraphs separated by one blank line.

    Hard-wrapped lines are joined; list items keep their own lines.
    """
    blocks: list[list[str]] = [[]]
    for raw in lines:
        line = one_line(raw)
        if not line:
            if blocks[-1]:
                blocks.append([])
        elif _LIST_ITEM.match(line) or not blocks[-1]:
            blocks[-1].append(line)
        else:
            blocks[-1][-1] += " " + line
    return "\n\n".join("\n".join(block) for block in blocks if block)


_LIST_ITEM = re.compile(r"^([-*•]|\d{1,3}[.)])\s")


def _char_width(char: str) -> int:
    if _zero_width(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes (wide East Asian characters take two)."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


def pad_cells(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to ``width`` terminal cells."""
    size = cell_width(text)
    if size <= width:
        return text + " " * (width - size)
    kept, used = [], 0
    for char in text:
        if used + _char_width(char) > width - 1:
            break
        kept.append(char)
        used += _char_width(char)
    return "".join(kept) + "…" + " " * (width - 1 - used)
