"""Pictures drawn with kitty's graphics protocol and Sixel: what the app writes to the terminal
after its frames, and at which screen cells (the pictures' blank rows), as the reader scrolls,
opens the picture on the whole screen, and leaves."""

from __future__ import annotations

import asyncio
import html
import io
import os
import re
import signal
from pathlib import Path

import pytest
from PIL import Image

from tests.feedserver import FeedServer, Route, rss
from tests.fixtures import line_text, notices, settle
from tui_news.core.images import kitty
from tui_news.core.images.encoder_process import EncoderFailed, encoder
from tui_news.core.reader import Reader
from tui_news.ui.app import NewsApp
from tui_news.ui.graphics_detect import Graphics, Protocol
from tui_news.ui.graphics_draw import RESTORE, SAVE, SIXEL_PAUSE
from tui_news.ui.picture_screen import PictureScreen

CELL = (10, 20)  # pixels of a cell, as the terminal said
RED = (224, 32, 32)
CUP = re.compile(r"\x1b\[(\d+);(\d+)H")


def red_png(width: int = 100, height: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), RED).save(out, "PNG")
    return out.getvalue()


def article(server: FeedServer, guid: str, body: str) -> dict[str, str]:
    link = server.url(f"/{guid}")
    return {"title": guid.title(), "guid": guid, "link": link, "description": html.escape(body)}


async def picture_app(
    reader: Reader, server: FeedServer, protocol: Protocol, width: int = 100
) -> tuple[NewsApp, list[str]]:
    """An app drawing with ``protocol`` on a feed of two articles, the newest with a ``width``
    by 100 red picture (5 rows of cells), then 40 paragraphs; and what it writes for pictures."""
    server.routes["/red.png"] = Route(red_png(width), content_type="image/png")
    picture = f'<img src="{server.url("/red.png")}" alt="Red">'
    words = "".join(f"<p>Paragraph {n}.</p>" for n in range(40))
    items = [
        article(server, "pictured", f"<p>Before the picture.</p>{picture}{words}"),
        article(server, "plain", "<p>No picture here.</p>"),
    ]
    items[1]["pubDate"] = "Mon, 01 Jan 2024 00:00:00 GMT"
    items[0]["pubDate"] = "Tue, 02 Jan 2024 00:00:00 GMT"
    server.routes["/feed"] = Route(rss("Photos", items))
    await asyncio.to_thread(reader.add, server.url("/feed"))
    reader.config.refresh_on_start = False
    app = NewsApp(reader, graphics=Graphics(protocol, CELL))
    written: list[str] = []
    assert app.picture_drawer is not None
    app.picture_drawer.write = written.append
    return app, written


class Clock:
    """The drawer's clock, moved by the test: whether frames came in a burst or after a
    pause is what the test says, not how fast the machine ran them."""

    def __init__(self, app: NewsApp) -> None:
        self.now = 1000.0
        assert app.picture_drawer is not None
        app.picture_drawer.clock = lambda: self.now

    async def pause(self, pilot) -> None:
        """The frames pause: time passes and a drawing put off is done."""
        self.now += 1
        await pilot.pause(SIXEL_PAUSE * 3)


def writes(written: list[str]) -> list[tuple[int, int, str]]:
    """Each sequence written for pictures after a CUP: its screen cell (x, y, from 0) and
    the sequence; one written before any CUP (a deletion) has the cell (-1, -1)."""
    found = []
    for frame in "".join(written).split(SAVE)[1:]:
        assert frame.endswith(RESTORE)  # the cursor goes back where Textual left it
        pieces = CUP.split(frame[: -len(RESTORE)])
        if pieces[0]:
            found.append((-1, -1, pieces[0]))
        for i in range(1, len(pieces), 3):
            found.append((int(pieces[i + 1]) - 1, int(pieces[i]) - 1, pieces[i + 2]))
    return found


def picture_top(app: NewsApp) -> tuple[int, int]:
    """The screen cell where the picture's first row stands (two lines under the text before
    it: a blank line between), checked blank."""
    view = app.article_view
    lines = [line_text(view, y) for y in range(view.size.height)]
    y = next(i for i, line in enumerate(lines) if "Before the picture." in line) + 2
    assert not lines[y].strip() and not lines[y + 4].strip()  # blank cells under the picture
    region = view.scrollable_content_region
    return region.x + 1, region.y + y


async def open_first(app: NewsApp, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_sixel_writes_each_row_of_the_picture_at_its_cells(
    reader: Reader, server: FeedServer
) -> None:
    app, written = await picture_app(reader, server, "sixel")
    clock = Clock(app)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_first(app, pilot)
        await clock.pause(pilot)
        x, y = picture_top(app)
        drawn = writes(written)
        assert [(dx, dy) for dx, dy, _ in drawn] == [(x, y + row) for row in range(5)]
        for _, _, sixel in drawn:  # each row 100 pixels by one cell's 20, in the red
            assert sixel.startswith("\x1bP") and sixel.endswith("\x1b\\")
            assert '"1;1;100;20' in sixel
            palette = re.findall(r"#\d+;2;(\d+);(\d+);(\d+)", sixel)
            assert palette and all(abs(int(r) - 88) <= 2 for r, _, _ in palette)

        written.clear()  # the headline cursor moves: the frame leaves the picture alone
        app.headlines.focus()
        await pilot.press("j")
        await pilot.pause()
        assert app.headlines.cursor == 1
        assert writes(written) == []

        written.clear()  # scrolled by two lines: the three rows left, at the view's top
        app.article_view.focus()
        for _ in range(y - app.article_view.scrollable_content_region.y + 2):
            await pilot.press("j")
        await clock.pause(pilot)
        drawn = writes(written)
        top = app.article_view.scrollable_content_region.y
        assert [(dx, dy) for dx, dy, _ in drawn[-3:]] == [(x, top), (x, top + 1), (x, top + 2)]
        assert drawn[-3][2] == app.article_view.arts()[0].sixel_rows[2]

        app.headlines.focus()
        await pilot.pause()
        written.clear()  # another article: its text is written over the picture's cells
        await pilot.press("enter")
        await settle(app, pilot)
        assert "No picture here." in "".join(line_text(app.article_view, n) for n in range(10))
        assert writes(written) == []


async def test_sixel_is_written_at_once_after_a_pause_and_once_after_a_burst_of_frames(
    reader: Reader, server: FeedServer
) -> None:
    app, written = await picture_app(reader, server, "sixel")
    clock = Clock(app)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_first(app, pilot)
        await clock.pause(pilot)
        x, y = picture_top(app)
        view = app.article_view
        assert y - 4 >= view.scrollable_content_region.y  # four lines up: still all on screen
        view.focus()
        await clock.pause(pilot)

        written.clear()  # one key after a pause: drawn with its frame
        await pilot.press("j")
        await pilot.pause()
        assert [(dx, dy) for dx, dy, _ in writes(written)] == [(x, y - 1 + r) for r in range(5)]

        await clock.pause(pilot)
        written.clear()  # a key held (50 a second): the first drawn, the others not...
        for _ in range(3):
            await pilot.press("j")
            clock.now += 0.02
        await pilot.pause(SIXEL_PAUSE * 3)  # (the clock says 20 ms since the last: no pause)
        assert picture_top(app) == (x, y - 4)
        assert [(dx, dy) for dx, dy, _ in writes(written)] == [(x, y - 2 + r) for r in range(5)]

        written.clear()  # ...until they pause: then once, where it is now
        clock.now += SIXEL_PAUSE
        await pilot.pause(SIXEL_PAUSE * 3)
        drawn = writes(written)
        assert [(dx, dy) for dx, dy, _ in drawn] == [(x, y - 4 + r) for r in range(5)]
        assert [sixel for _, _, sixel in drawn] == list(view.arts()[0].sixel_rows)

        written.clear()  # nothing more
        await clock.pause(pilot)
        assert writes(written) == []


async def test_kitty_transmits_once_places_cropped_and_deletes_when_it_leaves(
    reader: Reader, server: FeedServer
) -> None:
    app, written = await picture_app(reader, server, "kitty")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_first(app, pilot)
        x, y = picture_top(app)
        (art,) = app.article_view.arts()
        whole = kitty.place(art.image_id, 1, 10, 5, crop=(0, 0, 100, 100))
        drawn = writes(written)
        assert drawn[-1] == (x, y, whole)
        assert "".join(written).count("a=t") == 1  # transmitted with the first placement

        written.clear()
        view = app.article_view
        view.focus()
        for _ in range(y - view.scrollable_content_region.y + 2):  # two rows scrolled off
            await pilot.press("j")
        await pilot.pause()
        top = view.scrollable_content_region.y
        cropped = kitty.place(art.image_id, 1, 10, 3, crop=(0, 40, 100, 60))
        assert writes(written)[-1] == (x, top, cropped)
        assert "a=t" not in "".join(written)  # not transmitted again

        written.clear()
        await pilot.press("G")  # the picture is above the screen: its placement goes
        await pilot.pause()
        assert writes(written) == [(-1, -1, kitty.delete(art.image_id, 1))]

        written.clear()
        await pilot.press("g")
        await pilot.pause()
        assert writes(written)[-1] == (x, y, whole)  # back, from the image kept

        written.clear()  # another article: placement and image deleted
        app.headlines.focus()
        await pilot.press("j", "enter")
        await settle(app, pilot)
        assert "No picture here." in "".join(line_text(view, n) for n in range(10))
        sent = "".join(written)
        assert kitty.delete(art.image_id, 1) in sent and kitty.delete(art.image_id) in sent


async def test_the_whole_screen_picture_is_drawn_by_kitty_and_escape_brings_the_article_back(
    reader: Reader, server: FeedServer
) -> None:
    app, written = await picture_app(reader, server, "kitty")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_first(app, pilot)
        x, y = picture_top(app)
        (art,) = app.article_view.arts()
        written.clear()
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, PictureScreen)
        drawn = writes(written)
        assert drawn[0] == (-1, -1, kitty.delete(art.image_id, 1))  # the article's goes
        # enlarged to the screen less the caption's line: 39 rows of 20 pixels, 780 wide
        full_id = art.image_id + 1
        place = kitty.place(full_id, 1, 78, 39, crop=(0, 0, 780, 780))
        assert drawn[-1] == ((160 - 78) // 2, 0, place)  # centred
        assert "".join(written).count("a=t") == 1  # the full picture's own image

        written.clear()
        await pilot.press("escape")
        await settle(app, pilot)
        sent = "".join(written)
        assert kitty.delete(full_id, 1) in sent and kitty.delete(full_id) in sent
        whole = kitty.place(art.image_id, 1, 10, 5, crop=(0, 0, 100, 100))
        assert writes(written)[-1] == (x, y, whole)


async def test_a_notice_over_a_picture_crops_it_and_a_resize_moves_it(
    reader: Reader, server: FeedServer
) -> None:
    app, written = await picture_app(reader, server, "kitty", width=400)  # 40 cells wide
    async with app.run_test(size=(160, 16), notifications=True) as pilot:
        await open_first(app, pilot)
        x, y = picture_top(app)
        (art,) = app.article_view.arts()
        view_bottom = app.article_view.scrollable_content_region.bottom
        assert writes(written)[-1] == (
            x,
            y,
            kitty.place(
                art.image_id, 1, 40, view_bottom - y, crop=(0, 0, 400, 20 * (view_bottom - y))
            ),
        )

        written.clear()  # a notice at the bottom right, over the picture's last rows
        app.notify("A notice over the picture", timeout=30)
        await pilot.pause()
        toast = app.screen.query_one("Toast").region
        assert toast.x < x + 40 and toast.y < view_bottom
        rows = toast.y - y
        assert writes(written)[-1] == (
            x,
            y,
            kitty.place(art.image_id, 1, 40, rows, crop=(0, 0, 400, 20 * rows)),
        )

        written.clear()
        app.clear_notifications()
        await pilot.resize_terminal(140, 40)  # narrower: the article moves under the headlines
        await settle(app, pilot)
        moved_x, moved_y = picture_top(app)
        assert (moved_x, moved_y) != (x, y)
        whole = kitty.place(art.image_id, 1, 40, 5, crop=(0, 0, 400, 100))
        assert writes(written)[-1] == (moved_x, moved_y, whole)


async def test_a_picture_that_fails_writes_nothing_and_reads_as_its_alt_text(
    reader: Reader, server: FeedServer
) -> None:
    app, written = await picture_app(reader, server, "kitty")
    server.routes["/red.png"] = Route(b"not a picture", content_type="image/png")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_first(app, pilot)
        lines = [line_text(app.article_view, n) for n in range(20)]
        assert any("[image: Red]" in line for line in lines)
        assert written == [] and app.article_view.arts() == []


async def test_only_pictures_near_the_screen_are_made_for_the_terminal(
    reader: Reader, server: FeedServer
) -> None:
    server.routes["/red.png"] = Route(red_png(), content_type="image/png")
    server.routes["/wide.png"] = Route(red_png(200), content_type="image/png")
    words = "".join(f"<p>Paragraph {n}.</p>" for n in range(100))  # 200 lines
    body = (
        f'<p>Before the picture.</p><img src="{server.url("/red.png")}" alt="Red">{words}'
        f'<img src="{server.url("/wide.png")}" alt="Wide"><p>The end.</p>'
    )
    server.routes["/feed"] = Route(rss("Photos", [article(server, "pictured", body)]))
    await asyncio.to_thread(reader.add, server.url("/feed"))
    reader.config.refresh_on_start = False
    app = NewsApp(reader, graphics=Graphics("kitty", CELL))
    written: list[str] = []
    assert app.picture_drawer is not None
    app.picture_drawer.write = written.append
    async with app.run_test(size=(160, 40)) as pilot:
        await open_first(app, pilot)
        view = app.article_view
        (first,) = view.arts()  # the picture far below is loaded, not made for the terminal
        assert first.cols == 10 and len(view.pictures) == 2 and all(p[2] for p in view.pictures)

        view.focus()
        await pilot.press("G")  # at the end: the far one is made, the first one dropped
        await settle(app, pilot)
        await pilot.pause()
        (last,) = view.arts()
        assert last.cols == 20
        placed = kitty.place(last.image_id, 1, 20, 5, crop=(0, 0, 200, 100))
        assert any(sequence == placed for _, _, sequence in writes(written))
        assert kitty.delete(first.image_id) in "".join(written)  # its image freed


async def test_pictures_are_made_in_the_encoder_process_which_stops_when_the_app_exits(
    reader: Reader, server: FeedServer
) -> None:
    app, _ = await picture_app(reader, server, "sixel")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_first(app, pilot)
        (art,) = app.article_view.arts()
        used = encoder()
        pid = used.pid
        assert art.sixel_rows and pid is not None and pid != os.getpid()
        assert Path(f"/proc/{pid}").exists()
    assert used.pid is None  # stopped and reaped: no process outlives the app
    assert not Path(f"/proc/{pid}").exists()
    with pytest.raises(EncoderFailed, match="the app is ending"):  # nor starts after it
        used.encode("sixel", Image.new("RGB", (10, 20)), (1, 1), CELL, 1)
    assert used.pid is None


async def test_a_picture_the_encoder_process_fails_reads_as_its_alt_text_with_the_reason(
    reader: Reader, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, written = await picture_app(reader, server, "sixel")
    encoder().encode("sixel", Image.new("RGB", (10, 20)), (1, 1), CELL, 1)  # the app's
    stuck = encoder().pid
    assert stuck is not None
    os.kill(stuck, signal.SIGSTOP)  # it will never answer
    monkeypatch.setattr(encoder(), "timeout", 0.5)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await open_first(app, pilot)
        lines = [line_text(app.article_view, n) for n in range(20)]
        assert any("[image: Red]" in line for line in lines)
        reason = "the picture encoder took longer than 0.5 s (stopped)"
        assert notices(app, "error") == [f"Picture 'Red' not shown: {reason}"]
        assert written == [] and app.article_view.arts() == []
        assert not Path(f"/proc/{stuck}").exists()  # killed, not left stopped
