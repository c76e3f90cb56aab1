"""OPML and newsboat lists: reading, writing, and round trips that lose nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import CliRun
from tests.feedserver import FeedServer, Route, rss
from tui_news.core.reader import Reader, make_reader
from tui_news.core.sources.opml import ListError, read_list

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="News" title="News">
    <outline type="rss" text="Planet" title="Daily Planet (title: only a fallback)" xmlUrl="https://planet.example/rss"/>
    <outline text="Europe">
      <outline type="rss" text="Le Monde" xmlUrl="https://lemonde.example/rss" htmlUrl="https://lemonde.example/"/>
    </outline>
  </outline>
  <outline type="rss" text="Loose &amp; Free" xmlUrl="https://loose.example/feed"/>
  <outline type="rss" text="Again" xmlUrl="https://planet.example/rss"/>
  <outline type="rss" text="Script" xmlUrl="javascript:alert(1)"/>
  <outline text="Empty folder"/>
</body></opml>"""


def test_read_opml_nested_folders_and_duplicates() -> None:
    found = read_list(OPML)
    assert [(e.url, e.section, e.name) for e in found.entries] == [
        ("https://planet.example/rss", "News", "Planet"),
        ("https://lemonde.example/rss", "Europe", "Le Monde"),
        ("https://loose.example/feed", None, "Loose & Free"),
    ]
    assert found.skipped == [
        ("Again", "listed twice"),
        ("Script", "not an http(s) feed address"),
    ]


def test_read_opml_1_0() -> None:
    old = b"""<?xml version="1.0"?><opml version="1.0"><body>
    <outline title="Tech"><outline type="rss" title="Old Style" url="http://old.example/rss.xml"/></outline>
    </body></opml>"""
    assert [(e.url, e.section, e.name) for e in read_list(old).entries] == [
        ("http://old.example/rss.xml", "Tech", "Old Style")
    ]


def test_a_control_character_in_an_opml_title_is_left_out_not_the_file() -> None:
    """XML forbids C0 controls, as bytes or references; another reader may still write one."""
    listed = (
        b'<?xml version="1.0"?><opml version="2.0"><body>'
        b'<outline text="Bell \x07 and \x1b" xmlUrl="https://a.example/rss"/>'
        b'<outline text="Ref &#27;&#x1B; kept" xmlUrl="https://b.example/rss"/>'
        b'<outline text="Line&#10;break" xmlUrl="https://c.example/rss"/></body></opml>'
    )
    assert [(e.url, e.name) for e in read_list(listed).entries] == [
        ("https://a.example/rss", "Bell and"),
        ("https://b.example/rss", "Ref kept"),
        ("https://c.example/rss", "Line break"),
    ]
    with pytest.raises(ListError, match="not valid OPML"):
        read_list(b"<opml><body><outline text='x\x07'></body>")  # still broken without it


def test_read_newsboat_urls() -> None:
    urls = b"""# my feeds
https://a.example/rss tech "in depth" "~A Blog"
https://b.example/atom   # no tags
"query:Unread:unread = \\"yes\\"" ignored
exec:~/bin/make-feed
filter:~/bin/f.sh:https://c.example/rss
https://d.example/rss "!hidden" news
https://a.example/rss again
"https://broken.example/rss
"""
    found = read_list(urls)
    assert [(e.url, e.section, e.name) for e in found.entries] == [
        ("https://a.example/rss", "tech", "A Blog"),
        ("https://b.example/atom", None, None),
        ("https://d.example/rss", "news", None),
    ]
    assert found.skipped == [
        ("line 4", "a query feed (a saved search in newsboat)"),
        ("line 5", "an exec: feed runs a command; not imported"),
        ("line 6", "a filter: feed runs a command; not imported"),
        ("line 8", "listed twice"),
        ("line 9", "unbalanced quotes"),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body/></html>", "not an OPML file"),
        (b"<opml><body><outline", "not valid OPML"),
        (b'<!DOCTYPE opml [<!ENTITY a "b">]><opml/>', "refused: the file declares XML entities"),
    ],
)
def test_bad_lists(data: bytes, reason: str) -> None:
    with pytest.raises(ListError, match=reason):
        read_list(data)


@pytest.mark.parametrize("kind", ["opml", "urls"])
def test_round_trip_loses_no_feed_and_no_section(kind: str, tmp_path: Path) -> None:
    first = make_reader(tmp_path / "one")
    added, _ = first.import_list(OPML)
    assert len(added) == 3
    exported, _ = first.export_list(kind)
    second = make_reader(tmp_path / "two")
    again, skipped = second.import_list(exported.encode())
    assert (len(again), skipped) == (3, [])

    def shape(reader: Reader) -> set[tuple[str, str | None, str]]:
        return {(s.location, s.section, s.name) for s in reader.sources()}

    assert (
        shape(second)
        == shape(first)
        == {
            ("https://planet.example/rss", "News", "Planet"),
            ("https://lemonde.example/rss", "Europe", "Le Monde"),
            ("https://loose.example/feed", None, "Loose & Free"),
        }
    )
    skipped_twice = second.import_list(exported.encode())[1]
    assert [reason for _, reason in skipped_twice] == ["already in the library"] * 3


def test_export_says_what_it_leaves_out(tmp_path: Path) -> None:
    """A urls file cannot hold a section beginning with ~ (a name) or ! (hidden): it is left
    out, and said, so that importing the file keeps each feed's name. Feed files on this
    computer are no web feeds to export: they are counted."""
    first = make_reader(tmp_path / "one")
    first.import_list(
        b'<opml version="2.0"><body><outline text="~tilde"><outline text="Tilde" '
        b'xmlUrl="https://t.example/rss"/></outline><outline text="!bang"><outline '
        b'text="Bang" xmlUrl="https://b.example/rss"/></outline></body></opml>'
    )
    (tmp_path / "local.xml").write_bytes(LOCAL_FEED)
    first.add(str(tmp_path / "local.xml"))
    urls, left_out = first.export_list("urls")
    assert left_out == [
        "left out 1 feed file on this computer",
        "Tilde: section '~tilde' left out (a urls file reads a tag beginning with ~ as a name, "
        "! as hidden; OPML keeps it)",
        "Bang: section '!bang' left out (a urls file reads a tag beginning with ~ as a name, "
        "! as hidden; OPML keeps it)",
    ]
    second = make_reader(tmp_path / "two")
    second.import_list(urls.encode())
    assert sorted((s.name, s.section) for s in second.sources()) == [
        ("Bang", None),
        ("Tilde", None),
    ]
    opml, left_out = first.export_list("opml")
    assert left_out == ["left out 1 feed file on this computer"]
    third = make_reader(tmp_path / "three")
    third.import_list(opml.encode())
    assert sorted((s.name, s.section) for s in third.sources()) == [
        ("Bang", "!bang"),
        ("Tilde", "~tilde"),
    ]


LOCAL_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>'
    b"<item><title>One</title><guid>1</guid></item></channel></rss>"
)


def test_urls_export_keeps_quotes_in_names(tmp_path: Path) -> None:
    first = make_reader(tmp_path / "one")
    first.import_list(b'https://q.example/rss "say \\"hi\\"" "~The \\"Best\\" Feed"\n')
    assert [(s.section, s.name) for s in first.sources()] == [('say "hi"', 'The "Best" Feed')]
    second = make_reader(tmp_path / "two")
    second.import_list(first.export_list("urls")[0].encode())
    assert [(s.section, s.name) for s in second.sources()] == [('say "hi"', 'The "Best" Feed')]


def test_cli_import_fetches_and_export_prints(
    cli: CliRun, server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/a"] = Route(rss("A", [{"title": "A1", "guid": "1"}]))
    server.routes["/b"] = Route(b"nope", status=500, content_type="text/plain")
    urls = tmp_path / "urls"
    urls.write_text(f'{server.url("/a")} world\n{server.url("/b")} "~Bee"\nexec:foo\n')
    result = cli("import", str(urls))
    assert result.returncode == 1, result.stderr  # as refresh: a feed could not be read
    assert result.stdout.strip() == "Imported 2 feeds (1 skipped): 1 new, 0 changed, 0 removed"
    assert result.stderr.splitlines() == [
        "skipped line 3: an exec: feed runs a command; not imported",
        "failed Bee: the server answered HTTP 500 Internal Server Error",
    ]
    opml = cli("export", check_exit=0).stdout
    assert opml.startswith("<?xml") and f'xmlUrl="{server.url("/a")}"' in opml
    assert cli("export", "--format", "urls", check_exit=0).stdout == (
        f'{server.url("/a")} "world" "~A"\n{server.url("/b")} "~Bee"\n'
    )
    sources = json.loads(cli("sources", "--json", check_exit=0).stdout)
    assert [(s["name"], s["section"], s["articles"], s["last_error"]) for s in sources] == [
        ("A", "world", 1, None),
        ("Bee", None, 0, "the server answered HTTP 500 Internal Server Error"),
    ]
    missing = cli("import", str(tmp_path / "nothing.opml"))
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        f"tui-news: no such file: {tmp_path / 'nothing.opml'}",
    )
    not_a_list = tmp_path / "notes.txt"
    not_a_list.write_text("just some words\nand more\n")
    refused = cli("import", str(not_a_list))
    assert (refused.returncode, refused.stderr.strip()) == (
        2,
        f"tui-news: {not_a_list}: not an OPML file or a newsboat urls file (no feed address in it)",
    )
    fifo = tmp_path / "pipe.opml"
    os.mkfifo(fifo)
    assert cli("import", str(fifo)).stderr.strip() == f"tui-news: {fifo} is not a regular file"


def test_cli_add_url_and_refresh_failures(cli: CliRun, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", [{"title": "One", "guid": "1"}]))
    added = cli("add", server.url("/feed"), "--section", "Space", check_exit=0)
    assert (
        added.stdout.strip() == f"Added Planet ({server.url('/feed')}): 1 new, 0 changed, 0 removed"
    )
    assert cli("refresh", check_exit=0).stdout.strip() == (
        "Refreshed 1 source: 0 new, 0 changed, 0 removed"
    )
    server.routes["/feed"] = Route(b"<rss><channel><title>x", content_type="text/xml", etag=False)
    server.routes["/feed"] = Route(b"", status=503, content_type="text/plain")
    failed = cli("refresh")
    assert failed.returncode == 1
    assert (
        failed.stderr.strip() == "failed Planet: the server answered HTTP 503 Service Unavailable"
    )
    listed = json.loads(cli("list", "--json").stdout)
    assert [(a["title"], a["section"]) for a in listed] == [("One", "Space")]
    bad = cli("add", "ftp://example.org/feed")
    assert (bad.returncode, bad.stderr.strip()) == (
        2,
        "tui-news: ftp://example.org/feed: only http and https addresses can be subscribed to",
    )


def test_import_says_why_a_feed_was_read_only_in_part(
    cli: CliRun, server: FeedServer, tmp_path: Path
) -> None:
    items = [{"title": f"Item {n}", "guid": str(n)} for n in range(1_001)]
    server.routes["/big"] = Route(rss("Big", items))
    urls = tmp_path / "urls"
    urls.write_text(server.url("/big") + "\n")
    result = cli("import", str(urls), check_exit=0)
    assert result.stdout.strip().endswith("1,000 new, 0 changed, 0 removed, 1 skipped")
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"skipped {server.url('/big')}: it holds 1,001 items")


def test_importing_a_huge_file_is_refused_without_reading_it(cli: CliRun, tmp_path: Path) -> None:
    huge = tmp_path / "huge.opml"
    with huge.open("wb") as handle:
        handle.truncate(100 * 2**20)  # sparse: 100 MB that a whole read would hold in memory
    result = cli("import", str(huge))
    assert (result.returncode, result.stderr) == (
        2,
        f"tui-news: {huge} is too large (100 MB, the limit is 64 MB): not a list\n",
    )
