"""Pictures in the article: drawn as half blocks where their image lines stand, loaded in the
background without moving the text, falling back to ``[image: alt]`` with the reason."""

from __future__ import annotations

import html
import io
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.feedserver import FeedServer, Route, rss
from tests.fixtures import feed_app, line_text, notices, settle, showing, stored
from tui_news.core import images
from tui_news.core.images import PictureCache
from tui_news.core.images import decoding as decoded_by
from tui_news.core.reader import Reader
from tui_news.ui import pictures
from tui_news.ui.app import NewsApp
from tui_news.ui.graphics_draw import Graphics
from tui_news.ui.picture_screen import FullPicture, PictureScreen
from tui_news.ui.screens import ProblemsScreen

RED, BLUE = (224, 32, 32), (16, 40, 200)  # 5 bits a channel, as drawn


def striped_png(width: int = 40, height: int = 16) -> bytes:
    """A PNG whose even pixel rows are red and odd rows blue: each half block is red on blue."""
    image = Image.new("RGB", (width, height), BLUE)
    for y in range(0, height, 2):
        image.paste(RED, (0, y, width, y + 1))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def green_jpeg(width: int = 30, height: int = 20) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 160, 0)).save(out, "JPEG", quality=95)
    return out.getvalue()


def item(server: FeedServer, body: str) -> dict[str, str]:
    return {
        "title": "Pictures",
        "guid": "p",
        "link": server.url("/page"),
        "description": html.escape(body),
    }


async def open_article(app: NewsApp, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("enter")


async def pictures_in(app: NewsApp, pilot, seconds: float = 10.0) -> None:
    """Wait until each of the article's pictures is drawn or has failed: ``settle`` alone may
    return before they begin to load (that waits for the text's first frame)."""
    deadline = time.monotonic() + seconds
    while any(image is None and error is None for *_, image, error in app.article_view.pictures):
        assert time.monotonic() < deadline, "the pictures did not come"
        await pilot.pause(0.02)
    await settle(app, pilot)


def screen_lines(app: NewsApp, count: int = 60) -> list[str]:
    view = app.article_view
    return [line_text(view, y) for y in range(min(count, view.size.height))]


Cell = tuple[str, tuple[int, ...] | None, tuple[int, ...] | None]


def picture_cells(app: NewsApp, y: int) -> list[Cell]:
    """The half-block cells of line ``y`` of the article view: character, colour, background."""
    cells: list[Cell] = []
    for segment in app.article_view.render_line(y):
        if segment.style is not None and segment.text.strip() and segment.text[0] in "▀▄":
            color = segment.style.color.triplet if segment.style.color else None
            bg = segment.style.bgcolor.triplet if segment.style.bgcolor else None
            cells += [
                (char, tuple(color) if color else None, tuple(bg) if bg else None)
                for char in segment.text
            ]
    return cells


def find(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line)


async def test_a_picture_is_drawn_where_its_line_stands_and_the_text_stays_put(
    reader: Reader, server: FeedServer
) -> None:
    server.routes["/flag.png"] = Route(striped_png(), content_type="image/png", delay=0.5)
    picture = f'<img src="{server.url("/flag.png")}" alt="A striped flag">'
    body = f"<p>Before the picture.</p>{picture}<p>After it.</p>"
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body)]))
    async with app.run_test(size=(120, 64)) as pilot:
        await open_article(app, pilot)
        await pilot.pause()
        lines = screen_lines(app)
        before, after = find(lines, "Before the picture."), find(lines, "After it.")
        assert "loading picture" in lines[before + 2]  # its box is reserved meanwhile
        assert not any(picture_cells(app, y) for y in range(len(lines)))
        await settle(app, pilot)
        lines = screen_lines(app)
        assert find(lines, "After it.") == after  # the text under it did not move
        rows = [y for y in range(len(lines)) if picture_cells(app, y)]
        assert rows == list(range(before + 2, before + 2 + 8))  # 16 pixels high: 8 rows
        assert set(picture_cells(app, rows[0])) == {("▀", RED, BLUE)}
        assert len(picture_cells(app, rows[0])) == 40  # 40 pixels wide: never enlarged
        assert "A striped flag" in lines[rows[-1] + 1]  # the caption under it


async def test_a_picture_below_the_screen_takes_its_own_height(
    reader: Reader, server: FeedServer
) -> None:
    server.routes["/flag.png"] = Route(striped_png(), content_type="image/png")
    words = "".join(f"<p>Paragraph {n} of the story.</p>" for n in range(40))
    picture = f'<img src="{server.url("/flag.png")}" alt="A striped flag">'
    body = f"{words}{picture}<p>After it.</p>"
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body)]))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_article(app, pilot)
        await settle(app, pilot)
        app.article_view.focus()
        await pilot.press("G")
        await pilot.pause()
        lines = screen_lines(app)
        rows = [y for y in range(len(lines)) if picture_cells(app, y)]
        assert len(rows) == 8 and set(picture_cells(app, rows[0])) == {("▀", RED, BLUE)}
        assert "A striped flag" in lines[rows[-1] + 1]
        assert "After it." in lines[rows[-1] + 3]  # no space left reserved


async def test_a_picture_below_the_screen_changes_the_scroll_height_not_the_screens_layout(
    reader: Reader, server: FeedServer
) -> None:
    """Its box shrinks to the picture: the view's scrollable height and scrollbar follow, and
    the screen is not laid out again for it (a whole screen's layout, ~30 ms, on a key)."""
    server.routes["/flag.png"] = Route(striped_png(), content_type="image/png", delay=0.5)
    words = "".join(f"<p>Paragraph {n} of the story.</p>" for n in range(40))
    picture = f'<img src="{server.url("/flag.png")}" alt="A striped flag">'
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, words + picture)]))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_article(app, pilot)
        await pilot.pause()
        view = app.article_view
        reserved = view.virtual_size.height
        assert reserved == view.lines_built and view.pictures[0][2] is None  # on its way
        layouts: list[bool] = []
        refresh = view.refresh

        def counted(*regions: Any, layout: bool = False, **kwargs: Any) -> Any:
            layouts.append(layout)
            return refresh(*regions, layout=layout, **kwargs)

        view.refresh = counted  # type: ignore[method-assign]
        await pictures_in(app, pilot)
        assert view.virtual_size.height == view.lines_built == reserved - (20 - 8)
        assert view.vertical_scrollbar.window_virtual_size == view.lines_built
        assert view.max_scroll_y == view.lines_built - view.scrollable_content_region.height
        assert layouts == []  # the lines on screen stayed as they were: neither laid out
        # nor repainted (that would also make a terminal's pictures be written again)


def solid(kind: str, colour: tuple[int, int, int], size: tuple[int, int] = (24, 8)) -> bytes:
    """A picture of one colour in the format ``kind`` (a GIF of two frames: the second red)."""
    out = io.BytesIO()
    first = Image.new("RGB", size, colour)
    if kind == "GIF":
        first.save(out, "GIF", save_all=True, append_images=[Image.new("RGB", size, RED)])
    else:
        first.save(out, kind, **({"quality": 95} if kind in ("JPEG", "WEBP") else {}))
    return out.getvalue()


FORMATS = {
    "PNG": ((200, 40, 200), "image/png"),
    "JPEG": ((40, 200, 40), "image/jpeg"),
    "GIF": ((40, 40, 200), "image/gif"),
    "WEBP": ((200, 200, 40), "image/webp"),
}


async def test_png_jpeg_gif_and_webp_pictures_are_drawn_in_their_colours(
    reader: Reader, server: FeedServer
) -> None:
    body = ""
    for kind, (colour, content_type) in FORMATS.items():
        server.routes[f"/p.{kind}"] = Route(solid(kind, colour), content_type=content_type)
        body += f'<p>{kind} below.</p><img src="{server.url(f"/p.{kind}")}" alt="{kind}">'
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body)]))
    async with app.run_test(size=(100, 160)) as pilot:  # each box is kept: 30 rows
        await open_article(app, pilot)
        await settle(app, pilot)
        lines = screen_lines(app, 160)
        for kind, (colour, _) in FORMATS.items():
            top = find(lines, f"{kind} below.") + 2
            cells = [c for y in range(top, top + 4) for c in picture_cells(app, y)]
            assert len(cells) == 4 * 24, kind  # 24x8 pixels: 4 rows of 24 cells
            for _, fg, bg in cells:  # near the colour (JPEG and WebP are lossy; 5 bits)
                assert fg is not None and bg is not None
                assert all(abs(a - b) <= 16 for a, b in zip(fg + bg, colour * 2, strict=True))
            assert lines[top + 4].strip() == kind  # the caption under it


async def test_a_picture_that_fails_reads_as_its_alt_text_and_says_why(
    reader: Reader, server: FeedServer
) -> None:
    server.routes["/broken.png"] = Route(b"<html>not a picture</html>", content_type="text/html")
    picture = f'<img src="{server.url("/broken.png")}" alt="A broken one">'
    body = f"<p>Before the picture.</p>{picture}<p>After it.</p>"
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body)]))
    async with app.run_test(size=(120, 64)) as pilot:
        await open_article(app, pilot)
        await pilot.pause()
        after = find(screen_lines(app), "After it.")
        await settle(app, pilot)
        lines = screen_lines(app)
        before = find(lines, "Before the picture.")
        assert lines[before + 2].strip() == "[image: A broken one]"
        assert find(lines, "After it.") == after
        assert not any(picture_cells(app, y) for y in range(len(lines)))
        (notice,) = [n for n in notices(app, "error") if "A broken one" in n]
        reason = notice.partition("not shown: ")[2]
        assert notice.startswith("Picture 'A broken one' not shown: ") and reason
        await pilot.press("!")  # the problems screen lists it, with its address and reason
        assert isinstance(app.screen, ProblemsScreen)
        assert app.screen.sheet_title == "Problems (1)"
        (problem,) = app.picture_problems
        assert problem.location == server.url("/broken.png")
        assert problem.reason == f"picture not shown: {reason}"
        assert problem.source == showing(app).title


@pytest.mark.parametrize("off_by", ["config", "terminal"])
async def test_images_off_draws_none_and_fetches_none(
    reader: Reader, server: FeedServer, off_by: str
) -> None:
    # off in config.toml, or found by auto (a terminal of 16 colours and no graphics protocol)
    server.routes["/flag.png"] = Route(striped_png(), content_type="image/png")
    picture = f'<img src="{server.url("/flag.png")}" alt="A striped flag">'
    body = f"<p>Before the picture.</p>{picture}<p>After it.</p>"
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body)]))
    if off_by == "config":
        reader.config.images = "off"
    else:
        assert reader.config.images == "auto"
        app.graphics = Graphics("off")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_article(app, pilot)
        await settle(app, pilot)
        lines = screen_lines(app)
        assert "[image: A striped flag]" in "\n".join(lines)
        assert not any(picture_cells(app, y) for y in range(len(lines)))
        assert "/flag.png" not in [path for path, _ in server.requests]
        await pilot.press("i")  # says why, not that the article has none
        await settle(app, pilot)
        why = 'images = "off" in config.toml' if off_by == "config" else "this terminal"
        told = f"Pictures are not drawn here ({why}): [image: ...] stands for each."
        assert told in [n.message for n in app._notifications]


async def test_i_shows_the_picture_on_the_whole_screen_and_escape_goes_back(
    reader: Reader, server: FeedServer
) -> None:
    server.routes["/green.jpg"] = Route(green_jpeg(), content_type="image/jpeg")
    picture = f'<img src="{server.url("/green.jpg")}" alt="A green field">'
    body = f"<p>Before the picture.</p>{picture}<p>After it.</p>"
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body)]))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_article(app, pilot)
        await settle(app, pilot)
        await pilot.press("i")  # from the headlines too
        await settle(app, pilot)
        assert isinstance(app.screen, PictureScreen)
        shown = app.screen.query_one(FullPicture)
        rows = [list(shown.render_line(y)) for y in range(shown.size.height)]
        drawn = [s for row in rows for s in row if s.text.strip() and s.text[0] in "▀▄"]
        assert sum(any(s in drawn for s in row) for row in rows) == shown.size.height  # fills it
        pairs = [(s.style.color, s.style.bgcolor) for s in drawn if s.style]
        triplets = [c.triplet if c else None for pair in pairs for c in pair]
        assert len(pairs) == len(drawn) and triplets and None not in triplets
        assert all(c and abs(c.green - 160) < 12 and c.red < 12 and c.blue < 12 for c in triplets)
        assert "A green field" in str(app.screen.query_one("#picture-caption").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PictureScreen)
        assert app.focused is app.headlines


async def test_i_shows_the_picture_one_sees_not_one_scrolled_mostly_away(
    reader: Reader, server: FeedServer
) -> None:
    """With the last line of one picture at the top and the next one whole below it, ``i``
    shows the one in view."""
    server.routes["/flag.png"] = Route(striped_png(), content_type="image/png")
    server.routes["/green.jpg"] = Route(green_jpeg(), content_type="image/jpeg")
    words = "".join(f"<p>Paragraph {n} between the pictures.</p>" for n in range(3))
    body = (
        f'<p>Before.</p><img src="{server.url("/flag.png")}" alt="A striped flag">{words}'
        f'<img src="{server.url("/green.jpg")}" alt="A green field"><p>After it.</p>'
        + "".join(f"<p>More text, line {n}.</p>" for n in range(40))
    )
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body)]))
    async with app.run_test(size=(160, 50)) as pilot:
        await open_article(app, pilot)
        await settle(app, pilot)
        view = app.article_view
        first, second = sorted(view._slots, key=lambda s: s.start)
        view.scroll_to(y=first.start + first.rows - 1, animate=False)
        await pilot.pause()
        assert view.scroll_offset.y < second.start
        assert second.start + second.rows <= view.scroll_offset.y + view.size.height
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, PictureScreen)
        assert app.screen.url == server.url("/green.jpg")


def sunset_png(width: int = 48, height: int = 24) -> bytes:
    """A small picture with shapes and a transparent corner: sky, sun, sea."""
    image = Image.new("RGBA", (width, height), (250, 160, 60, 255))
    for y in range(height):
        shade = int(120 * y / height)
        image.paste((250 - shade, 120 - shade // 2, 60 + shade, 255), (0, y, width, y + 1))
    for y in range(height // 2, height):
        deep = (y - height // 2) / height
        image.paste((20, 60 + int(180 * deep), 140 + int(200 * deep), 255), (0, y, width, y + 1))
    sun_x, sun_y, radius = width // 2, height * 5 // 12, height // 5
    for y in range(height // 2):
        for x in range(width):
            if (x - sun_x) ** 2 + (y - sun_y) ** 2 <= radius**2:
                image.putpixel((x, y), (255, 230, 120, 255))
    image.paste((0, 0, 0, 0), (0, 0, width // 8, height // 8))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def test_a_local_articles_picture_is_read_from_its_folder(
    reader: Reader, tmp_path: Path
) -> None:
    folder = tmp_path / "saved"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "flag.png").write_bytes(striped_png())
    (folder / "story.html").write_text(
        "<html><head><title>Saved Page</title></head><body><article>"
        "<p>Before the picture.</p>"
        '<img src="img/flag.png" alt="A striped flag"><img src="img/gone.png" alt="Gone">'
        "<p>After it.</p></article></body></html>"
    )
    reader.add(str(folder))
    app = NewsApp(reader)
    async with app.run_test(size=(120, 64)) as pilot:
        await open_article(app, pilot)
        await settle(app, pilot)
        lines = screen_lines(app)
        rows = [y for y in range(len(lines)) if picture_cells(app, y)]
        assert rows[0] == find(lines, "Before the picture.") + 2 and len(rows) == 8
        assert set(picture_cells(app, rows[0])) == {("▀", RED, BLUE)}
        assert "[image: Gone]" in "\n".join(lines)
        assert any("'Gone' not shown" in n for n in notices(app, "error"))


async def test_a_picture_seen_before_gets_its_exact_box_at_once(
    reader: Reader, server: FeedServer
) -> None:
    server.routes["/flag.png"] = Route(striped_png(), content_type="image/png")
    picture = f'<img src="{server.url("/flag.png")}" alt="A striped flag">'
    body = f"<p>Before the picture.</p>{picture}<p>After it.</p>"
    other = {"title": "Other", "guid": "o", "description": "Another story."}
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body), other]))
    async with app.run_test(size=(120, 64)) as pilot:
        await settle(app, pilot)
        ids = {stored(reader, i).title: i for i in app.headlines.ids}
        app.open_article(ids["Pictures"])
        await pictures_in(app, pilot)  # loaded once: its size is known from now on
        app.open_article(ids["Other"])
        await settle(app, pilot)
        app.open_article(ids["Pictures"])
        await pilot.pause()  # the first frame: the picture may still be on its way
        lines = screen_lines(app)
        before, after = find(lines, "Before the picture."), find(lines, "After it.")
        assert after == before + 2 + 8 + 2  # 8 rows of picture, its caption, a blank line
        await settle(app, pilot)
        assert find(screen_lines(app), "After it.") == after
        assert len([y for y in range(len(lines)) if picture_cells(app, y)]) == 8


async def test_the_keys_thread_reads_no_cached_picture_and_its_box_is_exact(
    reader: Reader, server: FeedServer, monkeypatch
) -> None:
    server.routes["/flag.png"] = Route(striped_png(), content_type="image/png")
    picture = f'<img src="{server.url("/flag.png")}" alt="A striped flag">'
    body = f"<p>Before the picture.</p>{picture}<p>After it.</p>"
    other = {"title": "Other", "guid": "o", "description": "Another story."}
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body), other]))
    readers: set[str] = set()
    kept_path = PictureCache.path

    def path(cache: PictureCache, url: str) -> Path:
        readers.add(threading.current_thread().name)
        return kept_path(cache, url)

    monkeypatch.setattr(PictureCache, "path", path)
    load = pictures.load

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # a large picture's decode: its size is read before it comes
        return load(*args, **kwargs)

    monkeypatch.setattr(pictures, "load", slow_load)
    async with app.run_test(size=(120, 64)) as pilot:
        await settle(app, pilot)
        ids = {stored(reader, i).title: i for i in app.headlines.ids}
        app.open_article(ids["Pictures"])
        await pictures_in(app, pilot)  # fetched and kept in the disk cache
        images._sizes.clear()  # as in a new session: only the disk cache knows it
        app.open_article(ids["Other"])
        await settle(app, pilot)
        readers.clear()
        app.open_article(ids["Pictures"])
        await settle(app, pilot)
        lines = screen_lines(app)
        before, after = find(lines, "Before the picture."), find(lines, "After it.")
        assert after == before + 2 + 8 + 2  # its exact box: 8 rows, its caption, a blank
        assert readers and threading.main_thread().name not in readers


async def test_a_feed_cannot_open_the_private_network_to_its_pictures_by_its_links(
    reader: Reader, server: FeedServer, monkeypatch
) -> None:
    from tui_news.core.sources import network

    # 127.0.0.2 stands in for a feed on the internet: its address is taken for a public one.
    private = network.on_private_network
    monkeypatch.setattr(network, "on_private_network", lambda a: a != "127.0.0.2" and private(a))
    server.routes["/lan.png"] = Route(striped_png(), content_type="image/png")
    picture = f'<img src="{server.url("/lan.png")}" alt="A router page">'
    lan_link = {**item(server, f"<p>Read this.</p>{picture}"), "link": server.url("/admin")}
    with FeedServer("127.0.0.2") as public:
        app, _ = await feed_app(reader, public, rss("Public", [lan_link]))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_article(app, pilot)
            await pictures_in(app, pilot)
            [(_, _, image, error)] = app.article_view.pictures
            assert image is None and error is not None and "private network" in error
    assert server.paths() == []  # the article's own link on the LAN opened nothing


async def test_the_decoder_is_imported_while_the_pictures_are_on_their_way(
    reader: Reader, server: FeedServer, monkeypatch
) -> None:
    """Its first import (Pillow: 20-50 ms holding the interpreter lock) is not paid when the
    first picture comes, among the reader's first keys, but while it is fetched."""
    server.routes["/flag.png"] = Route(striped_png(), content_type="image/png", delay=0.3)
    picture = f'<img src="{server.url("/flag.png")}" alt="A striped flag">'
    body = f"<p>Before the picture.</p>{picture}<p>After it.</p>"
    app, _ = await feed_app(reader, server, rss("Photos", [item(server, body)]))
    steps: list[tuple[str, str]] = []
    prepare, decode = pictures.prepare, decoded_by.decode  # as tui_news.core.images calls it

    def preparing() -> None:
        steps.append(("prepared", threading.current_thread().name))
        prepare()

    def decoding(data: bytes, box: tuple[int, int]) -> decoded_by.Picture:
        steps.append(("decoded", threading.current_thread().name))
        return decode(data, box)

    monkeypatch.setattr(pictures, "prepare", preparing)
    monkeypatch.setattr(images, "decode", decoding)
    async with app.run_test(size=(120, 64)) as pilot:
        await open_article(app, pilot)
        await pictures_in(app, pilot)
    assert [step for step, _ in steps] == ["prepared", "decoded"]
    assert threading.main_thread().name not in {thread for _, thread in steps}


def test_a_local_articles_pictures_are_beside_its_file_whatever_page_it_names() -> None:
    """A saved page names its web address (a canonical link, front matter's link:): its links
    go there, but its pictures were saved beside it, and are read from there."""
    from tui_news.core.html_text import html_to_text
    from tui_news.core.image_refs import IMAGE, IMAGE_ALT

    page = '<p>Read <a href="more.html">more</a>.</p><img src="red.png" alt="red">'
    base = "https://site.example/news/page.html"
    local = html_to_text(page, base_url=base, local=True)
    assert f"{IMAGE}red.png{IMAGE_ALT}red" in local
    assert "https://site.example/news/more.html" in local
    fetched = html_to_text(page, base_url=base)  # a feed's article: both on the web
    assert f"{IMAGE}https://site.example/news/red.png{IMAGE_ALT}red" in fetched
