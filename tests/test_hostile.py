"""Hostile content, through the real paths: a feed from a server on 127.0.0.1 and local files,
read in the app (Pilot) and by the CLI. What reaches the screen must be inert text that keeps
the layout; huge items open at once; only http(s) and mailto links ever open."""

from __future__ import annotations

import asyncio
import html
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len
from textual import events
from textual.strip import Strip

from tests.conftest import CliRun, seed_article
from tests.feedserver import Route
from tests.fixtures import notices, settle, showing, stored
from tui_news.core.config import MB
from tui_news.core.models import View
from tui_news.core.reader import Reader
from tui_news.core.text import MAX_MARKS, clean, one_line, safe_link
from tui_news.ui.app import NewsApp

# One of each kind of trouble. Each value is wrapped in words, so a test can find where it
# landed: "<kind>" before, "end" after.
HOSTILE = {
    "markup": "[bold red]M[/] [link=https://evil.example/]L[/link] [/] [@click=app.quit]Q[/]",
    "escape": (
        "\x1b[2J\x1b[31mE\x1b[0m \x1b]0;pwned\x07 \x1b]8;;https://evil.example/\x1b\\H"
        "\x1b]8;;\x1b\\ \x1b]52;c;cHduZWQ=\x07 \x07\x07\x7f"
    ),
    "c1": "\x9b2J\x9d0;t\x9c C\x85x\x9b31m\x90q\x9c",
    "bidi": "\u202egnp.exe\u202c \u2066a\u2069 \u2067b\u2069 \u2068c\u2069 "
    "\u202a\u202b\u200e\u200f\u061c",
    "zero": "Z" + "\u200b" * 3000 + "\u200d" * 3000 + "\ufeff" * 3000 + "W",
    "zalgo": "Z" + "".join(chr(0x300 + n % 0x70) for n in range(5000)) + "A",
}
# What may never reach the terminal: C0 and C1 controls, DEL, bidi embeddings, overrides and
# isolates, the byte order mark.
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
SGR = re.compile(r"\x1b\[[0-9;:]*m")  # the colours Textual itself writes


def invisible_run(text: str) -> int:
    """The longest run of zero-width characters (combining marks, joiners) in ``text``."""
    longest = run = 0
    for char in text:
        run = run + 1 if unicodedata.category(char) in ("Mn", "Me", "Cf") else 0
        longest = max(longest, run)
    return longest


def assert_inert(text: str, where: object = "") -> None:
    """``text`` (as shown or printed) carries no controls and no piles of invisible marks;
    ``where`` names what printed it in the failure."""
    found = FORBIDDEN.search(text)
    assert found is None, f"{found.group()!r} reached the output {where}"
    assert invisible_run(text) <= MAX_MARKS, where


def screen_lines(app: NewsApp) -> list[str]:
    """The whole screen as the compositor draws it, one string per row, checked as it goes:
    every row fills the terminal exactly, nothing links, nothing but colours is an escape."""
    strips: list[Strip] = app.screen._compositor.render_strips()
    width = app.size.width
    lines = []
    for strip in strips:
        assert strip.cell_length == width
        text = "".join(segment.text for segment in strip)
        assert cell_len(text) == width  # what the terminal will count, too
        for segment in strip:
            style = segment.style
            assert style is None or not style.link, f"a link reached the screen: {style.link}"
        written = SGR.sub("", strip.render(app.console))
        assert "\x1b" not in written and "\x07" not in written
        assert_inert(text)
        lines.append(text)
    return lines


def press_now(app: NewsApp, key: str) -> None:
    """Send a key as the terminal would, without Pilot's wait for an idle CPU: while a huge
    article is wrapped between frames the CPU is busy, and the key must get through anyway."""
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> float:
    """Wait until ``condition`` holds; how long that took (fails after ``seconds``)."""
    start = time.perf_counter()
    while not condition():
        assert time.perf_counter() - start < seconds, "the app did not answer in time"
        await asyncio.sleep(0.002)
    return time.perf_counter() - start


def hostile_feed(base: str) -> bytes:
    """An RSS document whose every field carries one kind of trouble (raw bytes: a hostile
    server does not care that XML forbids them)."""
    everything = " ".join(HOSTILE.values())
    items = []
    for kind, value in HOSTILE.items():
        body = (
            f"<p>{kind} body {value} end</p>"
            f'<p><a href="https://ok.example/{kind}">{kind} link {value} end</a></p>'
        )
        items.append(
            f"<item><title>{html.escape(f'{kind} title {value} end')}</title>"
            f"<guid>{kind}</guid><link>https://news.example/{kind}</link>"
            f"<author>x@example.org ({html.escape(value)})</author>"
            f"<description>{html.escape(body)}</description>"
            f'<enclosure url="{base}/{kind}.mp3" length="1000" '
            f'type="audio/{html.escape(value, quote=True)}"/></item>'
        )
    channel = f"<title>Feed {html.escape(everything)} end</title><link>https://site.example/</link>"
    document = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{channel}'
    return (document + "".join(items) + "</channel></rss>").encode()


def hostile_folder(root: Path) -> Path:
    """Local articles: a folder named with trouble, breadcrumb sections and titles too."""
    folder = root / "local" / ("Folder " + HOSTILE["markup"].replace("/", "|") + " \x1b[31mend")
    folder.mkdir(parents=True)
    for kind, value in HOSTILE.items():
        text = seed_article(f"Sec {value} end", f"{kind} file {value} end", f"{kind} text {value}")
        (folder / f"{kind}.txt").write_text(text, encoding="utf-8")
    (folder / "plain.txt").write_text(f"{HOSTILE['markup']} first line\n\nbody\n", "utf-8")
    return folder.parent


# --- the sanitiser itself ----------------------------------------------------------------


def test_clean_leaves_inert_text_of_every_kind_of_trouble() -> None:
    for kind, value in HOSTILE.items():
        cleaned = clean(f"{kind} {value} end")
        assert_inert(cleaned)
        assert cleaned.startswith(kind) and cleaned.endswith(" end")
    assert clean(HOSTILE["markup"]) == HOSTILE["markup"]  # markup is text: kept, shown as is
    assert clean(HOSTILE["zalgo"]) == "Z" + "".join(chr(0x300 + n) for n in range(4)) + "A"
    assert clean(HOSTILE["zero"]) == "Z" + "\u200b" * 4 + "W"
    assert one_line(HOSTILE["escape"]) == "E H"


def test_a_c1_character_takes_only_itself() -> None:
    """A C1 string introducer (\\x9d) is taken alone, not with what follows up to a terminator
    (\\x9c): UTF-8's ” read as Latin-1 ends in \\x9d and its “ in \\x9c, and the words between
    two quotations went, and were stored. A run of them once took time that grew with the
    square of the text (a hostile feed froze the app for minutes)."""
    import time as clock

    assert one_line("Price \x9d and all the rest") == "Price and all the rest"
    misread = "“Hello” said he, then “bye” and left.".encode().decode("latin-1")
    assert one_line(misread) == "âHelloâ said he, then âbyeâ and left."
    assert one_line("a \x9d0;title\x9c b") == "a 0;title b"  # inert: shown as text
    assert one_line("a \x1b]0;title") == "a"  # an ESC-led one still goes, to the end
    started = clock.perf_counter()
    assert clean("\x9d" * 200_000 + "end") == "end"
    assert clock.perf_counter() - started < 5  # a hang guard: quadratic took minutes here


def test_clean_keeps_real_scripts_and_emoji_whole() -> None:
    words = [
        "Ti\u00ea\u0301ng Vi\u00ea\u0323t",  # Vietnamese, decomposed: two marks on a letter
        "\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd",  # Hebrew with points
        "\u0928\u092e\u0938\u094d\u0924\u0947",  # Devanagari with a virama
        "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # a family emoji (ZWJ)
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # a flag: variation selector and joiner
        "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",  # Wales
        "e\u0301\u0302\u0303\u0304",  # four marks: the most that is kept
    ]
    for word in words:
        assert clean(word) == word


def test_western_text_and_text_with_marks_are_cleaned_and_collapsed_alike() -> None:
    """Text of Windows-1252's characters only takes a quicker way (nothing in it to remove):
    the same text as any other way gives, the trouble next to it still removed."""
    assert one_line("  Caf\u00e9 \u2014 \u201cquoted\u201d\u2026  \u20ac5   now ") == (
        "Caf\u00e9 \u2014 \u201cquoted\u201d\u2026 \u20ac5 now"
    )
    assert one_line("a\u00a0\u00a0b\u2003c\n\td\x85e") == "a b c de"  # NEL: a control
    assert one_line("\u2026 \x1b[31mred\x1b[0m \u00ad") == "\u2026 red \u00ad"  # a soft hyphen
    assert (
        one_line("caf\u00e9 Z" + "\u0301" * 9 + " \u2026")
        == "caf\u00e9 Z" + "\u0301" * 4 + " \u2026"
    )
    assert clean("\u2019 \u0152 \u00ff") == "\u2019 \u0152 \u00ff"
    assert clean("\u2019\x81\u202e") == "\u2019"  # cp1252's undefined byte, an override


def test_obfuscated_scripts_and_files_are_not_links() -> None:
    bad = [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x00javascript:alert(1)",
        "\x1b[0mjavascript:alert(1)",
        "\u202ejavascript:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript%3Aalert(1)",
        "%6Aavascript:alert(1)",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "about:blank",
        "ftp://example.org/x",
        "//evil.example/x",
    ]
    for url in bad:
        assert safe_link(url) is None, url
    assert safe_link("HTTPS://example.org/") == "HTTPS://example.org/"
    assert safe_link("mailto:ed@example.org") == "mailto:ed@example.org"


# --- the app, on a hostile feed and hostile files ----------------------------------------


async def test_hostile_feed_and_files_reach_the_screen_inert(
    reader: Reader, server, tmp_path: Path
) -> None:
    server.routes["/feed"] = Route(hostile_feed(server.url("/media")))
    await asyncio.to_thread(reader.add, server.url("/feed"))
    await asyncio.to_thread(reader.add, str(hostile_folder(tmp_path)))
    reader.config.refresh_on_start = False
    articles = reader.store.articles(View())
    assert len(articles) == 2 * len(HOSTILE) + 1  # nothing was dropped on the way in
    app = NewsApp(reader)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(app, pilot)
        lines = screen_lines(app)
        shown = "\n".join(lines)
        assert "markup title [bold red]M[/]" in shown  # as written
        # Every section is open in the sidebar, every source with it.
        for node in app.sidebar.root.children:
            node.expand()
        await settle(app, pilot)
        screen_lines(app)
        # Read every article, from its first line to its last.
        for row in range(len(app.headlines.ids)):
            app.headlines.cursor = row
            await pilot.press("enter")
            await pilot.pause()
            article = showing(app)
            shown = "\n".join(screen_lines(app))
            kind = article.title.split(" ")[0]
            assert article.title[:20] in shown
            assert f"─ {article.section[:20]}" in shown  # the section, as the box's title
            if kind == "markup":
                assert "[@click=app.quit]Q[/] end" in shown
            app.article_view.action_end()  # as G does in the article
            await pilot.pause()
            last = article.readable().rstrip().split("\n")[-1]
            assert last[:12] in "".join(screen_lines(app))  # the very end is there too
        # The palette lists the sections by name, markup and all, and still searches them.
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"Go to")
        await settle(app, pilot)
        screen_lines(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.is_running


async def test_a_hostile_error_and_source_name_in_titles_stay_literal(
    reader: Reader, server
) -> None:
    name = "[@click=app.quit]Q[/] [/] \x1b]0;pwned\x07 ok"
    server.routes["/feed"] = Route(hostile_feed(server.url("/media")).replace(b"Feed ", b""))
    await asyncio.to_thread(reader.add, server.url("/feed"), name)
    server.routes["/feed"] = Route(b"gone", status=500)
    await asyncio.to_thread(reader.refresh)  # fails: the error is shown under the list
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(app, pilot)
        app.sidebar.move_cursor_to_line(4)  # the section, after All, Unread, Starred, Top
        await settle(app, pilot)
        assert app.view.section == one_line(name)
        shown = "\n".join(screen_lines(app))
        assert "[@click=app.quit]Q[/] [/]" in shown
        assert "⚠" in (app.headline_pane.border_subtitle or "")
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("M")  # "No unread articles left in <section>" would be markup
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert any("No unread articles left in [@click" in n for n in notices(app))
        screen_lines(app)
        assert app.is_running


# --- sizes ----------------------------------------------------------------------------------


async def test_a_ten_thousand_character_title_section_and_source(reader: Reader, server) -> None:
    long = " ".join(f"w{n:04d}" for n in range(1700))[:10_000]
    items = [
        f"<item><title>{long}</title><guid>long</guid><description>short body</description></item>",
        "<item><title>Next</title><guid>next</guid><description>next body</description></item>",
    ]
    document = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{long}</title>'
        f"<link>https://site.example/</link>{''.join(items)}</channel></rss>"
    )
    server.routes["/feed"] = Route(document.encode())
    await asyncio.to_thread(reader.add, server.url("/feed"))
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(app, pilot)
        titles = [stored(reader, i).title for i in app.headlines.ids]
        app.headlines.cursor = titles.index(long)
        await pilot.press("enter")
        await settle(app, pilot)
        lines = screen_lines(app)
        assert any("w0000 w0001" in line for line in lines)  # the title's start, cut short
        assert any("short body" in line for line in lines)  # and the text on the first screen
        assert any(line.startswith("│ w0000 w0001") for line in lines)  # the sidebar
        start = app.headlines.cursor
        await pilot.press("j" if start == 0 else "k")  # still answering keys
        await settle(app, pilot)
        assert app.headlines.cursor != start


def big_html(size: int) -> str:
    """About ``size`` characters of HTML paragraphs with a link in each."""
    paragraph = "<p>" + "Some words of a very long article that goes on. " * 40
    paragraph += "<a href='https://e.example/x'>link</a></p>\n"
    return paragraph * (size // len(paragraph))


async def test_a_ten_megabyte_feed_item_opens_at_once(reader: Reader, server) -> None:
    body = "<p>The first words.</p>" + big_html(10_000_000) + "<p>The very last words.</p>"
    document = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
        "<link>https://site.example/</link><item><title>Huge</title><guid>huge</guid>"
        f"<description>{html.escape(body)}</description></item>"
        "<item><title>Small</title><guid>small</guid><description>hi</description></item>"
        "</channel></rss>"
    ).encode()
    assert 10_000_000 < len(document) < reader.config.max_feed_mb * MB
    server.routes["/feed"] = Route(document)
    await asyncio.to_thread(reader.add, server.url("/feed"))
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(app, pilot)
        huge = next(i for i in app.headlines.ids if stored(reader, i).title == "Huge")
        app.headlines.move_to(huge)
        start = app.headlines.cursor
        press_now(app, "enter")
        await until(lambda: any("The first words." in line for line in screen_lines(app)))
        press_now(app, "j" if start == 0 else "k")
        await until(lambda: app.headlines.cursor != start)  # the next key is handled
        assert showing(app).title == "Huge"
        converting = [w for w in app.workers if w.group == "article-text"]
        await until(lambda: all(w.is_finished for w in converting), 30)
        await until(lambda: "The very last words." in app.article_view.readable_text)
        assert "[1] https://e.example/x" in app.article_view.readable_text
        assert "The very last words." in app.article_view.readable_text
        assert app.article_view.links == {1: "https://e.example/x"}


async def test_an_oversized_feed_fails_in_one_line_and_keeps_what_it_had(
    reader: Reader, server
) -> None:
    small = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
        "<item><title>Kept</title><guid>kept</guid><description>x</description></item>"
        "</channel></rss>"
    )
    server.routes["/feed"] = Route(small.encode())
    await asyncio.to_thread(reader.add, server.url("/feed"))
    server.routes["/feed"] = Route(small.replace("<item>", big_html(11 * MB) + "<item>").encode())
    report = await asyncio.to_thread(reader.refresh)
    (reason,) = report.failed.values()
    assert "too large" in reason and "\n" not in reason
    assert [a.title for a in reader.store.articles(View())] == ["Kept"]


def test_an_oversized_file_is_skipped_in_one_line_and_loses_nothing(
    reader: Reader, tmp_path: Path
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "kept.txt").write_text(seed_article("World", "Kept", "Was small once."))
    reader.add(str(folder))
    (folder / "kept.txt").write_text(seed_article("World", "Kept", "x" * (10 * MB)))
    (folder / "huge.txt").write_text(seed_article("World", "Huge", "x" * (10 * MB)))
    report = reader.refresh()
    reasons = {Path(p.location).name: p.reason for p in report.problems}
    assert set(reasons) == {"kept.txt", "huge.txt"}
    assert all("too large" in r and "\n" not in r for r in reasons.values())
    article = reader.store.articles(View())[0]
    assert [a.title for a in reader.store.articles(View())] == ["Kept"]
    assert "Was small once." in stored(reader, article.id).body


async def test_a_ten_megabyte_file_within_the_limit_opens_at_once(
    reader: Reader, tmp_path: Path
) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    words = ("Some words of a very long article that goes on. " * 40 + "\n\n") * 5000
    (folder / "big.txt").write_text(seed_article("World", "Big", "The first words.", words))
    reader.config.max_file_mb = 12
    reader.add(str(folder))
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(app, pilot)
        press_now(app, "enter")
        await until(lambda: any("The first words." in line for line in screen_lines(app)))
        assert app.article_view.building  # the rest is wrapped between frames
        press_now(app, "tab")
        press_now(app, "j")
        await until(lambda: app.article_view.scroll_offset.y == 1)  # the next keys are handled


# --- links ----------------------------------------------------------------------------------

BAD_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java&#9;script:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&#x3A;alert(1)",
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
]


def recording_browser(tmp_path: Path) -> tuple[str, Path]:
    """A browser command that writes its arguments, one call a line, to a log file."""
    log = tmp_path / "browser.log"
    script = tmp_path / "browser.py"
    script.write_text(
        "import json, sys\n"
        f"with open({str(log)!r}, 'a') as out:\n"
        "    out.write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    return f"{sys.executable} {script} %s", log


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


async def test_only_web_and_mail_links_ever_reach_the_browser(
    reader: Reader, server, tmp_path: Path
) -> None:
    anchors = "".join(
        f'<a href="{html.escape(url)}">bad {n}</a> ' for n, url in enumerate(BAD_LINKS)
    )
    bad_body = html.escape(f"<p>{anchors}</p>")
    items = [
        f"<item><title>Bad {n}</title><guid>bad{n}</guid><link>{url}</link>"
        f"<description>{bad_body}</description>"
        f'<enclosure url="{url}" type="audio/mpeg"/></item>'
        for n, url in enumerate(BAD_LINKS)
    ]
    good_body = html.escape(
        '<p><a href="https://one.example/">one</a> <a href="mailto:ed@example.org">mail</a></p>'
    )
    items.append(
        "<item><title>Good</title><guid>good</guid><link>https://news.example/good</link>"
        f"<description>{good_body}</description></item>"
    )
    document = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Links</title>'
        f"{''.join(items)}</channel></rss>"
    )
    server.routes["/feed"] = Route(document.encode())
    await asyncio.to_thread(reader.add, server.url("/feed"))
    command, log = recording_browser(tmp_path)
    reader.config.browser = command
    reader.config.refresh_on_start = False
    app = NewsApp(reader)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(app, pilot)
        titles = [stored(reader, i).title for i in app.headlines.ids]
        for title in titles:
            if title == "Good":
                continue
            app.headlines.cursor = titles.index(title)
            await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("o", "1", "2", "9", "y")
            await settle(app, pilot)
            shown = notices(app)
            assert "This article has no web link." in shown
            assert "This article has no link [1]." in shown
            assert all("\n" not in n for n in shown)
            app.clear_notifications()
        assert calls(log) == []
        app.headlines.cursor = titles.index("Good")
        await pilot.press("enter", "o", "1", "2")
        await settle(app, pilot)
    assert calls(log) == [
        ["https://news.example/good"],
        ["https://one.example/"],
        ["mailto:ed@example.org"],
    ]


async def test_a_stored_bad_link_is_refused_when_opened(
    reader: Reader, tmp_path: Path, news: Path
) -> None:
    """A library written by an older version (or by hand) may hold any link: o still refuses."""
    reader.add(str(news))
    command, log = recording_browser(tmp_path)
    reader.config.browser = command
    with reader.store.conn:
        reader.store.conn.execute("UPDATE articles SET link = 'javascript:alert(1)'")
    app = NewsApp(reader)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter", "o", "y")
        await settle(app, pilot)
        assert "This article has no web link." in notices(app)
    assert calls(log) == []


# --- the command line ---------------------------------------------------------------------


def test_the_cli_prints_hostile_content_inert(cli: CliRun, server, tmp_path: Path) -> None:
    server.routes["/feed"] = Route(hostile_feed(server.url("/media")))
    cli("add", server.url("/feed"), check_exit=0)
    cli("add", str(hostile_folder(tmp_path)), check_exit=0)
    outputs = [
        cli("list", check_exit=0),
        cli("list", "--json", check_exit=0),
        cli("sources", check_exit=0),
        cli("sources", "--json", check_exit=0),
        cli("search", "body", check_exit=0),
        cli("export", check_exit=0),
    ]
    for result in outputs:
        assert_inert(result.stdout.replace("\t", " "), result.args)
        assert_inert(result.stderr, result.args)
    listed = outputs[0].stdout
    assert "[bold red]M[/]" in listed and "zalgo title Z\u0300\u0301\u0302\u0303A end" in listed
    titles = {a["title"] for a in json.loads(outputs[1].stdout)}
    assert "escape title E H end" in titles


def test_an_error_quoting_a_huge_address_stays_a_short_line(cli: CliRun, server) -> None:
    """A page may announce a feed address of 100,000 characters: the error quoting it is cut
    in its middle, its start and its end kept."""
    huge = "/" + "a" * 100_000
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{huge}">'
    server.routes["/page"] = Route(page.encode(), content_type="text/html")
    result = cli("add", server.url("/page"), check_exit=2)
    [line] = result.stderr.splitlines()
    assert len(line) <= 420 and " … " in line
    assert line.startswith("tui-news: cannot subscribe to") and "the server answered HTTP" in line


def test_an_address_refused_for_its_control_characters_shows_them_escaped(cli: CliRun) -> None:
    """Removed, the escape sequence left 'not a web address: http://…/good?', which looks
    like a good one."""
    result = cli("add", "http://127.0.0.1:9/good?\x1b]0;x\x07", check_exit=2)
    assert_inert(result.stderr)
    assert result.stderr.rstrip().endswith(
        r"not a web address: http://127.0.0.1:9/good?\x1b]0;x\x07"
    )
