# ruff: noqa: E501  (a table of documents: long lines read better than broken ones)
"""The corpus: feed shapes seen in the wild and in the specs, each with what a reader must show.

Every case is a whole document and, for each item in order, its expected title, link, author
and date (ISO 8601 UTC, or None); the item count is the length of that list. A case with
``error`` must be refused with a one-line reason containing it. Cases are written from the
specs (RSS 0.90-2.0, RSS 1.0 modules, Atom 0.3 and RFC 4287, JSON Feed 1.0/1.1) and from what
real sites publish; their names say what each one checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.corpus.wrappers import atom03, atom10, jsonfeed, rss090, rss091, rss10, rss20

Expected = tuple[str, str | None, str | None, str | None]  # title, link, author, date


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    items: list[Expected] = field(default_factory=list)
    error: str | None = None
    feed_title: str = "Corpus"


CASES: list[Case] = []
L = "https://site.example/a"  # the link most items have
D = "Tue, 10 Jun 2003 04:00:00 +0200"  # and their date
DI = "2003-06-10T02:00:00Z"


def case(name: str, data: bytes, *items: Expected, error: str | None = None, **kw: str) -> None:
    CASES.append(Case(name, data, list(items), error, **kw))


def rss_item(title: str | None = "T", link: str = L, extra: str = "", date: str = D) -> str:
    parts = f"<title>{title}</title>" if title is not None else ""
    parts += f"<link>{link}</link>" if link else ""
    parts += f"<pubDate>{date}</pubDate>" if date else ""
    return f"<item>{parts}{extra}</item>"


def rdf_item(title: str = "T", link: str = L, extra: str = "") -> str:
    return f'<item rdf:about="{link}"><title>{title}</title><link>{link}</link>{extra}</item>'


def entry(title: str = "<title>T</title>", link: str = L, extra: str = "", n: int = 1) -> str:
    href = f'<link rel="alternate" href="{link}"/>' if link else ""
    return (
        f"<entry>{title}{href}<id>urn:e:{n}</id><updated>2003-06-10T02:00:00Z</updated>"
        f"{extra}</entry>"
    )


# --- titles: RSS's rule (HTML only when it looks like HTML), in every RSS flavour ----------
RSS_TITLES = [
    ("plain", "Plain words", "Plain words"),
    ("amp-escaped", "Fish &amp; Chips", "Fish & Chips"),
    ("double-escaped-reference", "That&amp;#8217;s Not What Dolphins Do",
     "That\u2019s Not What Dolphins Do"),
    ("numeric-reference", "Caf&#233; au lait", "Caf\u00e9 au lait"),
    ("literal-i-in-text", "Use &lt;i&gt; and &lt;b&gt; for emphasis",
     "Use <i> and <b> for emphasis"),
    ("escaped-unknown-tag", "&lt;/example&gt;", "</example>"),
    ("escaped-html-markup", "&lt;b&gt;Bold&lt;/b&gt; move", "Bold move"),
    ("cdata-plain", "<![CDATA[Tom & Jerry]]>", "Tom & Jerry"),
    ("cdata-html", "<![CDATA[<em>Breaking</em>: news]]>", "Breaking: news"),
    ("cdata-reference", "<![CDATA[It&#8217;s here]]>", "It\u2019s here"),
    ("inline-element-no-space", "&#x20B9;<b>4,000</b> price", "\u20b94,000 price"),
    ("whitespace-collapsed", "\n   Spread\n   over   lines  \n", "Spread over lines"),
    ("double-escaped-nbsp", "Hello&amp;nbsp;world", "Hello world"),  # one line: one space
    ("less-than-math", "1 &lt; 2 and 3 &gt; 2", "1 < 2 and 3 > 2"),
    ("emoji-and-rtl", "\U0001f680 Launch \u05e9\u05dc\u05d5\u05dd", "\U0001f680 Launch \u05e9\u05dc\u05d5\u05dd"),
]  # fmt: skip
for key, raw, shown in RSS_TITLES:
    case(f"rss20-title-{key}", rss20(rss_item(raw)), (shown, L, None, DI))
    case(f"rss10-title-{key}", rss10(rdf_item(raw)), (shown, L, None, None))
    case(f"rss092-title-{key}", rss20(rss_item(raw), version="0.92"), (shown, L, None, DI))

# --- titles: Atom's declared types ----------------------------------------------------------
XHTML = 'xmlns="http://www.w3.org/1999/xhtml"'
ATOM_TITLES = [
    ("text", '<title type="text">Plain &amp; simple</title>', "Plain & simple"),
    ("text-literal-tag", '<title type="text">a &lt;i&gt; b</title>', "a <i> b"),
    ("default-type", "<title>AT&amp;T &lt;news&gt;</title>", "AT&T <news>"),
    ("html", '<title type="html">&lt;i&gt;Hi&lt;/i&gt; &amp;amp; you</title>', "Hi & you"),
    ("html-reference", '<title type="html">That&amp;#8217;s it</title>', "That\u2019s it"),
    ("html-escaped-markup", '<title type="html">&amp;lt;/example&amp;gt;</title>', "</example>"),
    ("html-cdata", '<title type="html"><![CDATA[<b>Big</b> day]]></title>', "Big day"),
    ("xhtml", f'<title type="xhtml"><div {XHTML}>Test: <b>bold</b></div></title>', "Test: bold"),
    ("xhtml-inline", f'<title type="xhtml"><div {XHTML}>&#x20B9;<b>4,000</b></div></title>',
     "\u20b94,000"),
    ("xhtml-entity-text", f'<title type="xhtml"><div {XHTML}>A &amp;lt; B</div></title>',
     "A &lt; B"),
]  # fmt: skip
for key, raw, shown in ATOM_TITLES:
    case(f"atom10-title-{key}", atom10(entry(raw)), (shown, L, None, DI))

ATOM03_TITLES = [
    ("escaped-html", '<title type="text/html" mode="escaped">&lt;b&gt;Bold&lt;/b&gt; news</title>',
     "Bold news"),
    ("mode-xml", f'<title mode="xml"><div {XHTML}>X <i>y</i></div></title>', "X y"),
    ("plain", "<title>Plain 0.3</title>", "Plain 0.3"),
]  # fmt: skip


def entry03(title: str, extra: str = "", link: str = L, n: int = 1) -> str:
    href = f'<link rel="alternate" type="text/html" href="{link}"/>' if link else ""
    return (
        f"<entry>{title}{href}<id>tag:site.example,2003:{n}</id>"
        f"<issued>2003-06-10T02:00:00Z</issued><modified>2003-06-10T02:00:00Z</modified>"
        f"{extra}</entry>"
    )


for key, raw, shown in ATOM03_TITLES:
    case(f"atom03-title-{key}", atom03(entry03(raw)), (shown, L, None, DI))

# --- items that must not be lost -------------------------------------------------------------
case(
    "rss090-netscape-namespace",
    rss090("<item><title>One</title><link>https://site.example/1</link></item>"
           "<item><title>Two</title><link>https://site.example/2</link></item>"),
    ("One", "https://site.example/1", None, None), ("Two", "https://site.example/2", None, None),
)  # fmt: skip
case(
    "rss10-items-inside-channel",
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/"><channel><title>Corpus</title><link>https://site.example/'
    b"</link><item><title>Inside</title><link>https://site.example/i</link></item></channel>"
    b"</rdf:RDF>",
    ("Inside", "https://site.example/i", None, None),
)
case(
    "rss091-userland-namespace",
    b'<rss version="2.0" xmlns="http://backend.userland.com/rss2"><channel><title>Corpus</title>'
    b"<item><title>Namespaced</title><link>https://site.example/n</link></item></channel></rss>",
    ("Namespaced", "https://site.example/n", None, None),
)
same_guid = '<guid isPermaLink="false">shared-1</guid>'
case(
    "rss20-shared-guid-different-stories",
    rss20(rss_item("First story", "https://site.example/1", same_guid)
          + rss_item("Second story", "https://site.example/2", same_guid)),
    ("First story", "https://site.example/1", None, DI),
    ("Second story", "https://site.example/2", None, DI),
)  # fmt: skip
case(
    "rss20-true-duplicate-items",
    rss20(rss_item("Same", L, same_guid) + rss_item("Same", L, same_guid)),
    ("Same", L, None, DI),
)
case(
    "atom10-shared-id-different-entries",
    atom10(entry(link="https://site.example/1", n=7)
           + entry("<title>U</title>", link="https://site.example/2", n=7)),
    ("T", "https://site.example/1", None, DI), ("U", "https://site.example/2", None, DI),
)  # fmt: skip
case(
    "json-shared-id-different-items",
    jsonfeed([{"id": "1", "title": "A", "url": "https://site.example/a"},
              {"id": "1", "title": "B", "url": "https://site.example/b"}]),
    ("A", "https://site.example/a", None, None), ("B", "https://site.example/b", None, None),
)  # fmt: skip
case("rss20-sixty-items", rss20("".join(rss_item(f"Item {n}", f"{L}/{n}") for n in range(60))),
     *[(f"Item {n}", f"{L}/{n}", None, DI) for n in range(60)])  # fmt: skip
case("rss20-no-items", rss20(""))
case("atom10-no-entries", atom10(""))
case("rss20-item-without-title", rss20(rss_item(None, extra="<description>Only a body"
     "</description>")), ("Only a body", L, None, DI))  # fmt: skip

# --- links -------------------------------------------------------------------------------------
case(
    "rss20-relative-link",
    rss20(rss_item(link="/stories/1")),
    ("T", "https://corpus.example/stories/1", None, DI),
)
case("rss20-atom-link-in-item",
     rss20(rss_item(link="", extra='<atom:link href="https://site.example/al"/>')),
     ("T", "https://site.example/al", None, DI))  # fmt: skip
case("rss20-atom-link-alternate-in-item",
     rss20(rss_item(link="", extra='<atom:link rel="self" href="https://site.example/self"/>'
                    '<atom:link rel="alternate" href="https://site.example/alt"/>')),
     ("T", "https://site.example/alt", None, DI))  # fmt: skip
case(
    "rss20-guid-permalink",
    rss20(rss_item(link="", extra="<guid>https://site.example/g</guid>")),
    ("T", "https://site.example/g", None, DI),
)
case("rss20-guid-not-permalink",
     rss20(rss_item(link="", extra='<guid isPermaLink="false">https://site.example/g</guid>')),
     ("T", None, None, DI))  # fmt: skip
case(
    "rss20-guid-tag-uri",
    rss20(rss_item(link="", extra="<guid>tag:site.example,2003:1</guid>")),
    ("T", None, None, DI),
)
case(
    "rss20-link-with-spaces",
    rss20(rss_item(link="\n   https://site.example/s  \n")),
    ("T", "https://site.example/s", None, DI),
)
case("rss20-javascript-link", rss20(rss_item(link="javascript:alert(1)")), ("T", None, None, DI))
case("atom10-gemini-first", atom10(entry(link="", extra='<link href="gemini://x.example/1"/>'
     '<link rel="alternate" href="https://x.example/1"/>')),
     ("T", "https://x.example/1", None, DI))  # fmt: skip
case("atom10-self-and-alternate", atom10(entry(link="", extra='<link rel="self" '
     'href="https://x.example/self"/><link rel="alternate" type="text/html" '
     'href="https://x.example/page"/>')), ("T", "https://x.example/page", None, DI))  # fmt: skip
case(
    "atom10-link-without-rel",
    atom10(entry(link="", extra='<link href="https://x.example/n"/>')),
    ("T", "https://x.example/n", None, DI),
)
case(
    "atom10-relative-link",
    atom10(entry(link="posts/1")),
    ("T", "https://corpus.example/posts/1", None, DI),
)
case("atom10-xml-base-link", atom10(entry(link="probe/"), attributes='xml:base="https://b.example/posts/"'),
     ("T", "https://b.example/posts/probe/", None, DI))  # fmt: skip
case("atom10-entry-xml-base", atom10(entry(link="x").replace("<entry>",
     '<entry xml:base="https://b.example/deep/">')), ("T", "https://b.example/deep/x", None, DI))  # fmt: skip
case("atom10-only-enclosure-link", atom10(entry(link="", extra='<link rel="enclosure" '
     'type="audio/mpeg" href="https://x.example/a.mp3"/>')), ("T", None, None, DI))  # fmt: skip
case(
    "atom03-alternate",
    atom03(entry03("<title>A</title>", link="https://x.example/03")),
    ("A", "https://x.example/03", None, DI),
)
case("rss10-relative", rss10(rdf_item(link="/r1")), ("T", "https://corpus.example/r1", None, None))
case("json-external-url", jsonfeed([{"id": "1", "title": "E",
     "external_url": "https://x.example/ext"}]), ("E", "https://x.example/ext", None, None))  # fmt: skip
case(
    "json-relative-url",
    jsonfeed([{"id": "1", "title": "R", "url": "/rel"}]),
    ("R", "https://corpus.example/rel", None, None),
)

# --- authors -------------------------------------------------------------------------------------
case(
    "rss20-author-email-name",
    rss20(rss_item(extra="<author>ed@site.example (Ed Ward)</author>")),
    ("T", L, "Ed Ward", DI),
)
case(
    "rss20-author-bare-email",
    rss20(rss_item(extra="<author>ed@site.example</author>")),
    ("T", L, "ed@site.example", DI),
)
case(
    "rss20-dc-creator",
    rss20(rss_item(extra="<dc:creator>Jane Roe</dc:creator>")),
    ("T", L, "Jane Roe", DI),
)
case("rss20-dc-creator-html",
     rss20(rss_item(extra='<dc:creator>&lt;a href="/u/jane"&gt;Jane&lt;/a&gt;</dc:creator>')),
     ("T", L, "Jane", DI))  # fmt: skip
case("rss20-dc-creator-cdata",
     rss20(rss_item(extra="<dc:creator><![CDATA[<b>Ana</b> Lima]]></dc:creator>")),
     ("T", L, "Ana Lima", DI))  # fmt: skip
case(
    "rss20-dc-creator-entity",
    rss20(rss_item(extra="<dc:creator>Beyonc&#233;</dc:creator>")),
    ("T", L, "Beyonc\u00e9", DI),
)
case(
    "rss20-itunes-author",
    rss20(rss_item(extra="<itunes:author>Pod Host</itunes:author>")),
    ("T", L, "Pod Host", DI),
)
case("rss20-no-author", rss20(rss_item()), ("T", L, None, DI))
case(
    "rss10-dc-creator",
    rss10(rdf_item(extra="<dc:creator>RDF Writer</dc:creator>")),
    ("T", L, "RDF Writer", None),
)
AUTHOR = "<author><name>Entry Writer</name><email>w@x.example</email></author>"
FEED_AUTHOR = "<author><name>Feed Writer</name></author>"
case("atom10-entry-author", atom10(entry(extra=AUTHOR)), ("T", L, "Entry Writer", DI))
case("atom10-feed-author-inherited", atom10(entry() + entry("<title>U</title>", extra=AUTHOR,
     n=2), extra=FEED_AUTHOR), ("T", L, "Feed Writer", DI), ("U", L, "Entry Writer", DI))  # fmt: skip
case(
    "atom10-author-name-entity",
    atom10(entry(extra="<author><name>Fran&#231;ois</name></author>")),
    ("T", L, "Fran\u00e7ois", DI),
)
case(
    "atom03-feed-author-inherited",
    atom03(entry03("<title>A</title>"), extra=FEED_AUTHOR),
    ("A", L, "Feed Writer", DI),
)
case(
    "atom03-entry-author",
    atom03(entry03("<title>A</title>", extra=AUTHOR)),
    ("A", L, "Entry Writer", DI),
)
case("json11-authors", jsonfeed([{"id": "1", "title": "J", "url": L,
     "authors": [{"name": "Ann"}, {"name": "Bob"}]}]), ("J", L, "Ann", None))  # fmt: skip
case("json10-author", jsonfeed([{"id": "1", "title": "J", "url": L, "author": {"name": "Old"}}],
     version="1"), ("J", L, "Old", None))  # fmt: skip
case("json11-feed-authors-inherited", jsonfeed([{"id": "1", "title": "J", "url": L},
     {"id": "2", "title": "K", "url": L, "authors": [{"name": "Own"}]}],
     authors=[{"name": "Feed Person"}]), ("J", L, "Feed Person", None), ("K", L, "Own", None))  # fmt: skip
case("json10-feed-author-inherited", jsonfeed([{"id": "1", "title": "J", "url": L}], version="1",
     author={"name": "Feed 1.0"}), ("J", L, "Feed 1.0", None))  # fmt: skip
case("json-author-without-name", jsonfeed([{"id": "1", "title": "J", "url": L,
     "authors": [{"url": "https://x.example/"}, {"name": "Second"}]}]), ("J", L, "Second", None))  # fmt: skip

# --- wrong JSON types: each field dropped on its own, the rest kept -------------------------------
WRONG_TYPES: list[tuple[str, dict[str, object]]] = [
    ("authors-number", {"authors": 5}), ("authors-object", {"authors": {"name": "X"}}),
    ("authors-true", {"authors": True}), ("author-string", {"author": "Plain"}),
    ("attachments-number", {"attachments": 5}), ("attachments-object", {"attachments": {}}),
    ("title-number", {"title": 7}), ("title-list", {"title": ["a"]}),
    ("url-object", {"url": {"x": 1}}), ("date-number", {"date_published": 5}),
    ("tags-string", {"tags": "x"}), ("content-html-list", {"content_html": [1]}),
    ("id-object", {"id": {"a": 1}}),
]  # fmt: skip
for key, bad in WRONG_TYPES:
    item: dict[str, object] = {"id": "1", "title": "Kept", "url": L, **bad}
    title = "7" if key == "title-number" else ("(untitled)" if key == "title-list" else "Kept")
    link = None if key == "url-object" else L
    case(f"json-wrong-{key}", jsonfeed([item, {"id": "2", "title": "Next", "url": L + "2"}]),
         (title, link, None, None), ("Next", L + "2", None, None))  # fmt: skip
case("json-lone-surrogate", b'{"version": "https://jsonfeed.org/version/1.1", "title": "S", '
     b'"items": [{"id": "1", "title": "Bad \\ud800 here", "url": "https://site.example/a", '
     b'"content_html": "<p>x\\udfff</p>"}]}', ("Bad \ufffd here", L, None, None), feed_title="S")  # fmt: skip
case(
    "json-items-not-objects",
    jsonfeed([5, "x", None, {"id": "1", "title": "Real", "url": L}]),
    ("Real", L, None, None),
)
case("json-version-1", jsonfeed([{"id": "1", "title": "V1", "url": L,
     "date_published": "2003-06-10T04:00:00+02:00"}], version="1"), ("V1", L, None, DI))  # fmt: skip
case(
    "json-content-text-only",
    jsonfeed([{"id": "1", "url": L, "content_text": "Body as title"}]),
    ("Body as title", L, None, None),
)

# --- dates -----------------------------------------------------------------------------------------
RSS_DATES = [
    ("rfc822", "Tue, 10 Jun 2003 04:00:00 +0200", DI),
    ("gmt", "Tue, 10 Jun 2003 02:00:00 GMT", DI),
    ("no-weekday", "10 Jun 2003 02:00:00 GMT", DI),
    ("est", "Mon, 09 Jun 2003 21:00:00 EST", DI),
    ("two-digit-year", "Tue, 10 Jun 03 02:00:00 GMT", DI),
    ("iso8601-in-pubdate", "2003-06-10T02:00:00Z", DI),
    ("single-digit-day", "Sun, 1 Jun 2003 02:00:00 +0000", "2003-06-01T02:00:00Z"),
    ("z-zone", "Tue, 10 Jun 2003 02:00:00 Z", DI),
]
for key, raw, iso in RSS_DATES:
    case(f"rss20-date-{key}", rss20(rss_item(date=raw)), ("T", L, None, iso))
case(
    "rss20-dc-date",
    rss20(rss_item(date="", extra="<dc:date>2003-06-10T04:00:00+02:00</dc:date>")),
    ("T", L, None, DI),
)
case(
    "rss10-dc-date",
    rss10(rdf_item(extra="<dc:date>2003-06-10T02:00:00Z</dc:date>")),
    ("T", L, None, DI),
)
case("rss20-undated", rss20(rss_item(date="")), ("T", L, None, None))
case("rss20-undated-numeric-guids", rss20("".join(rss_item(f"N{n}", f"{L}/{n}",
     f'<guid isPermaLink="false">{n}</guid>', date="") for n in (1, 2, 3))),
     *[(f"N{n}", f"{L}/{n}", None, None) for n in (1, 2, 3)])  # fmt: skip
case("atom10-published-and-updated", atom10(entry(extra="<published>2003-06-09T02:00:00Z"
     "</published>")), ("T", L, None, "2003-06-09T02:00:00Z"))  # fmt: skip
case(
    "atom10-offset",
    atom10(entry().replace("2003-06-10T02:00:00Z", "2003-06-10T04:00:00+02:00")),
    ("T", L, None, DI),
)
case(
    "atom10-fractional-seconds",
    atom10(entry().replace("02:00:00Z", "02:00:00.123Z")),
    ("T", L, None, DI),
)
case("json-date-modified", jsonfeed([{"id": "1", "title": "M", "url": L,
     "date_modified": "2003-06-10T02:00:00Z"}]), ("M", L, None, DI))  # fmt: skip

# --- encodings ----------------------------------------------------------------------------------------
case(
    "rss20-iso-8859-1",
    rss20(rss_item("Caf\u00e9 cr\u00e8me"), encoding="iso-8859-1"),
    ("Caf\u00e9 cr\u00e8me", L, None, DI),
)
case(
    "rss20-windows-1252",
    rss20(rss_item("\u201cQuoted\u201d \u2014 dash"), encoding="windows-1252"),
    ("\u201cQuoted\u201d \u2014 dash", L, None, DI),
)
case("rss20-koi8-r", rss20(rss_item("\u041d\u043e\u0432\u043e\u0441\u0442\u0438"),
     encoding="koi8-r"), ("\u041d\u043e\u0432\u043e\u0441\u0442\u0438", L, None, DI))  # fmt: skip
case(
    "rss20-shift-jis",
    rss20(rss_item("\u65e5\u672c\u8a9e"), encoding="shift_jis"),
    ("\u65e5\u672c\u8a9e", L, None, DI),
)
case(
    "rss20-utf-16",
    rss20(rss_item("Sixteen \u00fc"), encoding="utf-16"),
    ("Sixteen \u00fc", L, None, DI),
)
case("rss20-utf-8-bom", b"\xef\xbb\xbf" + rss20(rss_item("With BOM")), ("With BOM", L, None, DI))
case(
    "rss20-gb2312",
    rss20(rss_item("\u4e2d\u6587"), encoding="gb2312"),
    ("\u4e2d\u6587", L, None, DI),
)
case("rss091-latin1-dtd", rss091("<item><title>Gr\u00fc\u00dfe</title><link>https://site.example/a"
     "</link></item>"), ("Gr\u00fc\u00dfe", L, None, None))  # fmt: skip
case("rss20-undeclared-latin1", rss20(rss_item("Na\u00efve")).replace(
     "Na\u00efve".encode(), "Na\u00efve".encode("latin-1")), ("Na\u00efve", L, None, DI))  # fmt: skip

# --- enclosures, Media RSS, podcasts, content modules ---------------------------------------------
case("rss20-enclosure", rss20(rss_item(extra='<enclosure url="https://x.example/e.mp3" '
     'length="1234" type="audio/mpeg"/>')), ("T", L, None, DI))  # fmt: skip
case("rss20-media-content", rss20(rss_item(extra='<media:content url="https://x.example/p.jpg" '
     'medium="image"><media:title>Photo</media:title></media:content>')), ("T", L, None, DI))  # fmt: skip
case("rss20-media-group", rss20(rss_item(extra='<media:group><media:content url="https://x.example/'
     'v.mp4" type="video/mp4"/><media:thumbnail url="https://x.example/t.jpg"/></media:group>')),
     ("T", L, None, DI))  # fmt: skip
case("rss20-itunes-episode", rss20(rss_item(extra="<itunes:duration>12:34</itunes:duration>"
     "<itunes:episode>3</itunes:episode><itunes:explicit>no</itunes:explicit>"),
     extra="<itunes:author>Show</itunes:author>"), ("T", L, None, DI))  # fmt: skip
case("rss20-content-encoded", rss20(rss_item(extra="<description>Short</description>"
     "<content:encoded><![CDATA[<p>Long <b>body</b></p>]]></content:encoded>")),
     ("T", L, None, DI))  # fmt: skip
case("atom10-content-xhtml", atom10(entry(extra=f'<content type="xhtml"><div {XHTML}><p>Hi '
     "<b>there</b></p></div></content>")), ("T", L, None, DI))  # fmt: skip
case("atom03-content-mode-xml", atom03(entry03("<title>A</title>", extra='<content type='
     f'"application/xhtml+xml" mode="xml"><div {XHTML}>Body <b>kept</b></div></content>')),
     ("A", L, None, DI))  # fmt: skip
case("json-attachments", jsonfeed([{"id": "1", "title": "P", "url": L, "attachments": [
     {"url": "https://x.example/e.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 10}]}]),
     ("P", L, None, None))  # fmt: skip

# --- broken markup: the forgiving parser keeps what can be kept ------------------------------------
case("rss20-bare-ampersand", rss20(rss_item("Salt & Pepper")), ("Salt & Pepper", L, None, DI))
case(
    "rss20-html-entity-undeclared",
    rss20(rss_item("Caf&eacute;&nbsp;Bar")),
    ("Caf\u00e9 Bar", L, None, DI),
)
case(
    "rss20-unclosed-description",
    rss20(rss_item(extra="<description><p>Open</description>")),
    ("T", L, None, DI),
)
case(
    "rss20-junk-before-declaration",
    b"\n\n  " + rss20(rss_item("After junk")),
    ("After junk", L, None, DI),
)
TRUNCATED = rss20(rss_item("Whole") + rss_item("Cut"))
case(
    "rss20-truncated",
    TRUNCATED[: TRUNCATED.rindex(b"</item>") + 7],
    ("Whole", L, None, DI),
    ("Cut", L, None, DI),
)
# Cut inside an item (a server that stopped sending): the item is left out, not stored cut
# short over a whole copy; cut inside the first, the document is refused.
CUT_INSIDE = rss20(
    rss_item("Whole") + rss_item("Cut", extra="<description>all of it</description>")
)
case("rss20-cut-inside-an-item", CUT_INSIDE[: CUT_INSIDE.index(b"all of")], ("Whole", L, None, DI))
case(
    "atom10-cut-inside-an-entry",
    atom10(entry("<title>Whole</title>") + entry("<title>Cut</title>", n=2))[:-40],
    ("Whole", L, None, DI),
)
case("rss20-cut-inside-its-first-item", b'<rss version="2.0"><channel><item><title>x</ti',
     error="cut off before its first item ends")  # fmt: skip
case(
    "rss20-control-characters",
    rss20(rss_item("Bell\x07 and escape")),
    ("Bell and escape", L, None, DI),
)
case(
    "rss20-html-in-link",
    rss20(rss_item(link="https://site.example/a?x=1&y=2")),
    ("T", "https://site.example/a?x=1&y=2", None, DI),
)
case("atom10-unescaped-html-in-text", atom10(entry("<title>A <b>bold</b> claim</title>"))
     .replace(b'xmlns="http://www.w3.org/2005/Atom"', b'xmlns="http://www.w3.org/2005/Atom"'),
     ("A bold claim", L, None, DI))  # fmt: skip

# --- not feeds -------------------------------------------------------------------------------------
case("xml-not-a-feed", b"<foo><bar>x</bar></foo>", error="an XML document, but no RSS, Atom")
case("rss-without-channel", b'<?xml version="1.0"?><rss version="2.0"><item><title>x</title>'
     b"</item></rss>", error="without a <channel>")  # fmt: skip
case(
    "rss-without-channel-malformed",
    b'<rss version="2.0"><item><title>x & y</title></item></rss>',
    error="without a <channel>",
)
case("entity-declaration-late", b"<?xml version='1.0'?>\n" + b"<!-- pad -->" * 500
     + b'<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
     + rss20(rss_item("&b;")).split(b"?>", 1)[1], error="entities")  # fmt: skip
case("entity-declaration-malformed", b'<!DOCTYPE rss [<!ENTITY a "x">]><rss><channel><title>&a; &'
     b"</title></channel></rss>", error="entities")  # fmt: skip
case("html-page", b"<!doctype html><html><head><title>Site</title></head></html>", error="HTML")
case("json-not-feed", b'{"hello": "world"}', error="not a JSON Feed")
case("empty", b"   ", error="empty")
case("atom10-twins-without-id-or-link", b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Corpus'
     b"</title><entry><title>Twin</title></entry><entry><title>Twin</title></entry></feed>",
     ("Twin", None, None, None), ("Twin", None, None, None))  # fmt: skip
case("atom10-rss-items-in-atom-feed", b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Corpus'
     b"</title><item><title>Odd</title></item></feed>", ("Odd", None, None, None))  # fmt: skip
