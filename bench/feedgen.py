"""Write a deterministic set of static RSS 2.0 and Atom feeds for the refresh benchmark.

    python bench/feedgen.py OUT_DIR [--feeds 500] [--items 50] [--seed 1] [--gzip]

Feed ``i`` is ``OUT_DIR/feed-NNNN.rss`` (two in three) or ``OUT_DIR/feed-NNNN.atom``. Every item
has a title, a link, a globally unique guid/id, a date (RFC 822 in RSS, RFC 3339 in Atom) and
an HTML description of about 500-1,500 bytes with ``<p>``, ``<a>`` and ``<b>`` (some ``<i>``,
``<br>``, a relative link, entities), escaped in half the RSS feeds and in CDATA in the other
half. Some feeds name authors (``dc:creator`` / ``<author>``) and categories. With ``--gzip``
each file gets a ``.gz`` twin for servers that send precompressed files. The output depends
only on the arguments: feed ``i`` is the same whatever ``--feeds`` is.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NEWEST = 1780000000  # 2026-05-28 UTC: the newest possible item
MANIFEST = "manifest.json"


def _words(text: str) -> list[str]:
    return text.split("|")


TOPICS = _words(
    "Rust|Python|Linux|Climate|Football|Markets|Space|Elections|Health|Music|Databases|"
    "Gardening|Cycling|Photography|Security|Open Source|Economics|Chess|Cooking|Astronomy"
)
KINDS = _words("Weekly|Daily|Notes|Digest|Journal|Review|Dispatch|Log|Letters|Radar")
SUBJECTS = _words(
    "The maintainers|A new release|Researchers|The city council|An old bug|The committee|"
    "Volunteers|The central bank|A small startup|The league|Engineers|The regulator|"
    "Our readers|A court in Lyon|The observatory|Two students|The foundation|Critics"
)
VERBS = _words(
    "announced|rejected|questioned|welcomed|delayed|shipped|criticised|reported|proposed|"
    "defended|expanded|reviewed|warned about|backed|postponed|published|benchmarked|funded"
)
OBJECTS = _words(
    "a faster parser|new rules on water use|the budget for next year|a long-delayed rail link|"
    "the results of the trial|a proposal to cut emissions|an inquiry into the outage|"
    "plans for a new stadium|the reform of the pension system|a rewrite of the scheduler|"
    "the price of cocoa|a programme for rural schools|the café licensing scheme|"
    "a survey of coastal forests|the launch of a weather satellite|version 2.0"
)
TAILS = _words(
    "on Tuesday|after weeks of talks|despite strong objections|amid rising costs|"
    "for the first time since 2015|in a statement|ahead of the summit|according to officials|"
    "in a narrow vote|after a review|with little warning|to mixed reactions"
)
FILLER = _words(
    "The details were not made public|Several people familiar with the matter confirmed it|"
    "A spokesperson declined to comment further|Figures will be published next month|"
    "The decision follows a year of consultation|Not everyone is convinced|"
    "Earlier attempts ran into the same problems|It is expected to take effect in spring|"
    "Observers called it a turning point|The change affects around 4,000 users|"
    "Costs rose by 12% over the period|Work on the next phase starts in the autumn"
)
NAMES = _words(
    "Ana Souza|Jonas Berg|Mei Lin|Omar Haddad|Priya Nair|Lukas Novak|Sara Costa|Tom Walsh|"
    "Yuki Tanaka|Ines Moreau|Kofi Mensah|Elena Petrova"
)


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


def title(rng: random.Random) -> str:
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    return text if rng.random() < 0.8 else text + " & what it means"


def description(rng: random.Random, site: str, link: str) -> str:
    """An HTML body of roughly 500-1,500 bytes: paragraphs with links and bold text."""
    target = rng.randint(380, 1300)
    parts: list[str] = []
    size = 0
    while size < target:
        words = [sentence(rng), rng.choice(FILLER) + "."]
        roll = rng.random()
        if roll < 0.35:
            words.insert(1, f'See <a href="{site}/topics/{rng.randint(1, 99)}">the background</a>.')
        elif roll < 0.55:
            words.insert(1, f"<b>{rng.choice(FILLER)}</b>.")
        elif roll < 0.65:
            words.insert(1, f'<a href="/archive/{rng.randint(1000, 9999)}.html">Earlier</a>.')
        elif roll < 0.72:
            words.insert(1, f"<i>{rng.choice(NAMES)}</i> &amp; others agree.<br/>Maybe.")
        part = "<p>" + " ".join(words) + "</p>"
        parts.append(part)
        size += len(part)
    parts.append(f'<p><a href="{link}">Read more</a> &#8230;</p>')
    return "".join(parts)


def _item_values(rng: random.Random, index: int, number: int, site: str) -> dict[str, str | int]:
    when = NEWEST - index * 977 - number * rng.randint(1800, 14400) * 3
    slug = hashlib.blake2s(f"{index}-{number}".encode(), digest_size=5).hexdigest()
    link = f"{site}/{datetime.fromtimestamp(when, UTC):%Y/%m}/{slug}.html"
    return {
        "title": title(rng),
        "link": link,
        "guid": f"tag:bench.tui-news,2026:feed{index}:item{number}:{slug}",
        "when": when,
        "html": description(rng, site, link),
        "author": rng.choice(NAMES),
        "category": rng.choice(TOPICS),
    }


def rss(index: int, items: int, rng: random.Random) -> str:
    site = f"https://site{index}.example.org"
    name = f"{rng.choice(TOPICS)} {rng.choice(KINDS)} #{index}"
    cdata = index % 2 == 0
    authors = index % 3 != 0
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n',
        f"<title>{escape(name)}</title>\n<link>{site}/</link>\n",
        f"<description>News about {escape(name)}</description>\n<language>en</language>\n",
        f"<lastBuildDate>{format_datetime(datetime.fromtimestamp(NEWEST, UTC))}</lastBuildDate>\n",
        f'<atom:link href="{site}/feed.rss" rel="self" type="application/rss+xml"/>\n',
    ]
    for number in range(items):
        v = _item_values(rng, index, number, site)
        html = str(v["html"])
        body = f"<![CDATA[{html}]]>" if cdata else escape(html)
        date = format_datetime(datetime.fromtimestamp(int(v["when"]), UTC))
        out.append(
            f"<item>\n<title>{escape(str(v['title']))}</title>\n<link>{v['link']}</link>\n"
            f'<guid isPermaLink="false">{v["guid"]}</guid>\n<pubDate>{date}</pubDate>\n'
        )
        if authors:
            out.append(f"<dc:creator>{v['author']}</dc:creator>\n")
        out.append(f"<category>{v['category']}</category>\n<description>{body}</description>\n")
        out.append("</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def atom(index: int, items: int, rng: random.Random) -> str:
    site = f"https://site{index}.example.org"
    name = f"{rng.choice(TOPICS)} {rng.choice(KINDS)} #{index}"
    updated = datetime.fromtimestamp(NEWEST, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n',
        f"<title>{escape(name)}</title>\n<id>tag:bench.tui-news,2026:feed{index}</id>\n",
        f'<link rel="alternate" href="{site}/"/>\n<link rel="self" href="{site}/feed.atom"/>\n',
        f"<updated>{updated}</updated>\n",
    ]
    for number in range(items):
        v = _item_values(rng, index, number, site)
        moment = datetime.fromtimestamp(int(v["when"]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(
            f"<entry>\n<title>{escape(str(v['title']))}</title>\n"
            f'<link rel="alternate" type="text/html" href={quoteattr(str(v["link"]))}/>\n'
            f"<id>{v['guid']}</id>\n<published>{moment}</published>\n<updated>{moment}</updated>\n"
            f"<author><name>{v['author']}</name></author>\n"
            f'<category term="{v["category"]}"/>\n'
            f'<content type="html">{escape(str(v["html"]))}</content>\n</entry>\n'
        )
    out.append("</feed>\n")
    return "".join(out)


def feed_name(index: int) -> str:
    """File name of feed ``index``: two in three are RSS 2.0, the rest Atom."""
    return f"feed-{index:04d}.{'atom' if index % 3 == 2 else 'rss'}"


def generate(out: Path, feeds: int, items: int, seed: int = 1, gz: bool = False) -> list[str]:
    """Write the feeds (unless ``out`` already holds exactly these); return their file names."""
    wanted = {"feeds": feeds, "items": items, "seed": seed, "gzip": gz, "version": 1}
    names = [feed_name(i) for i in range(feeds)]
    marker = out / MANIFEST
    try:
        if json.loads(marker.read_text()) == wanted and all((out / n).is_file() for n in names):
            return names
    except (OSError, ValueError):
        pass
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.name.startswith("feed-"):
            old.unlink()
    marker.unlink(missing_ok=True)
    for index, name in enumerate(names):
        rng = random.Random(f"{seed}:{index}")
        text = (atom if name.endswith(".atom") else rss)(index, items, rng)
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        if gz:
            (out / f"{name}.gz").write_bytes(gzip.compress(data, 6, mtime=0))
    marker.write_text(json.dumps(wanted))
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gzip", action="store_true", help="also write .gz twins")
    args = parser.parse_args(argv)
    names = generate(args.out, args.feeds, args.items, args.seed, args.gzip)
    size = sum((args.out / n).stat().st_size for n in names)
    print(f"{len(names)} feeds x {args.items} items in {args.out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
