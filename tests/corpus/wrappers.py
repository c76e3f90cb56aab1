"""The documents around the corpus's items: one wrapper per feed format, as publishers write them.

Each wrapper takes the items' markup (or, for JSON Feed, item objects) and returns the bytes
of a whole document with a channel titled ``Corpus``.
"""

from __future__ import annotations

import json
from typing import Any

NAMESPACES = (
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:media="http://search.yahoo.com/mrss/" '
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
)


def rss20(items: str, extra: str = "", version: str = "2.0", encoding: str = "utf-8") -> bytes:
    """RSS 0.91/0.92/2.0 (Userland's family): items inside ``<channel>``."""
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="{version}" {NAMESPACES}>'
        "<channel><title>Corpus</title><link>https://site.example/</link>"
        f"<description>A corpus feed</description>{extra}\n{items}\n</channel></rss>\n"
    )
    return text.encode(encoding)


def rss091(items: str) -> bytes:
    """RSS 0.91 as Netscape published it, with its DTD named (no internal subset)."""
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91">'
        "<channel><title>Corpus</title><link>https://site.example/</link>"
        f"<description>d</description><language>en</language>\n{items}\n</channel></rss>\n"
    ).encode("iso-8859-1")


def rss10(items: str, extra: str = "") -> bytes:
    """RSS 1.0 (RDF): items beside the channel, listed in its ``items`` sequence."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns="http://purl.org/rss/1.0/" {NAMESPACES}>'
        '<channel rdf:about="https://site.example/rss"><title>Corpus</title>'
        f"<link>https://site.example/</link><description>d</description>{extra}"
        '<items><rdf:Seq><rdf:li rdf:resource="https://site.example/1"/></rdf:Seq></items>'
        f"</channel>\n{items}\n</rdf:RDF>\n"
    ).encode()


def rss090(items: str) -> bytes:
    """RSS 0.90: RDF with the Netscape namespace, items beside the channel."""
    return (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Corpus</title>'
        f"<link>https://site.example/</link><description>d</description></channel>\n{items}\n"
        "</rdf:RDF>\n"
    ).encode()


def atom10(entries: str, extra: str = "", attributes: str = "") -> bytes:
    """Atom 1.0 (RFC 4287)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" {NAMESPACES} {attributes}>'
        '<title>Corpus</title><link href="https://site.example/"/><id>urn:corpus</id>'
        f"<updated>2024-01-01T00:00:00Z</updated>{extra}\n{entries}\n</feed>\n"
    ).encode()


def atom03(entries: str, extra: str = "") -> bytes:
    """Atom 0.3 (the pre-RFC draft Blogger and others published for years)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="en">'
        '<title mode="escaped">Corpus</title>'
        '<link rel="alternate" type="text/html" href="https://site.example/"/>'
        f"<modified>2024-01-01T00:00:00Z</modified>{extra}\n{entries}\n</feed>\n"
    ).encode()


def jsonfeed(items: list[Any], version: str = "1.1", **top: Any) -> bytes:
    """JSON Feed 1.0 or 1.1."""
    document = {
        "version": f"https://jsonfeed.org/version/{version}",
        "title": "Corpus",
        "home_page_url": "https://site.example/",
        **top,
        "items": items,
    }
    return json.dumps(document).encode()
