"""Pictures of articles synced from a real Tiny Tiny RSS: an ``<img>`` in an article's HTML
becomes a picture line when it is read, through the same HTML-to-text conversion as a local
feed's article (core/html_text.py, core/image_refs.py), and so does a picture attached to it (which
tt-rss keeps apart, from a feed's ``<enclosure>`` or Media RSS)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.ttrss import Article, Feed, TtRss
from tui_news.core.html_text import image_line
from tui_news.core.reader import Reader, make_reader


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[Reader]:
    opened = make_reader(tmp_path / "data")
    yield opened
    opened.close()


def pictures(text: str) -> list[tuple[str, str]]:
    """The (address, alt text) of each picture line of a readable text."""
    return [found for line in text.split("\n") if (found := image_line(line))]


HARBOUR = "Boats in the harbour"  # the caption names the picture
HTML = (
    '<p>The harbour at dawn.</p><figure><img src="/photos/harbour.jpg" alt="The harbour">'
    f"<figcaption>{HARBOUR}</figcaption></figure><p>More text.</p>"
)


def test_an_img_of_a_synced_article_is_a_picture_line_as_in_a_feed(
    reader: Reader, ttrss: TtRss, tmp_path: Path
) -> None:
    ttrss.seed(
        feeds=[Feed("Wire")],
        articles=[Article("Wire", "Harbour", HTML, link="https://news.example/harbour")],
    )
    secret = tmp_path / "password"
    secret.write_text(ttrss.password + "\n", encoding="utf-8")
    reader.accounts.add("ttrss", ttrss.url, ttrss.user, str(secret), "home")
    synced = readable_texts(reader)
    assert len(synced) == 1
    assert pictures(synced[0]) == [("https://news.example/photos/harbour.jpg", HARBOUR)]
    assert "The harbour at dawn." in synced[0] and "More text." in synced[0]
    # the same item in a feed file: read the same, picture and all
    reader.accounts.remove("home")
    feed = tmp_path / "wire.rss"
    feed.write_text(RSS.format(html=HTML, more=""), encoding="utf-8")
    reader.add(str(feed))
    assert readable_texts(reader) == synced


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<link>https://news.example/</link><item><title>Harbour</title>
<link>https://news.example/harbour</link><description><![CDATA[{html}]]></description>
{more}</item></channel></rss>"""


def test_an_attached_picture_of_a_synced_article_is_shown_as_in_a_feed(
    reader: Reader, ttrss: TtRss, tmp_path: Path
) -> None:
    photo = "https://cdn.example/boats.jpg"
    ttrss.seed(
        feeds=[Feed("Wire")],
        articles=[
            Article(
                "Wire", "Harbour", "<p>Boats came in.</p>",
                link="https://news.example/harbour", attachments=(photo,),
            )
        ],
    )  # fmt: skip
    secret = tmp_path / "password"
    secret.write_text(ttrss.password + "\n", encoding="utf-8")
    reader.accounts.add("ttrss", ttrss.url, ttrss.user, str(secret), "home")
    synced = readable_texts(reader)
    assert [url for url, _ in pictures(synced[0])] == [photo]
    assert synced[0].endswith(f"[1] {photo}")  # listed with the links, as a feed's file is
    reader.accounts.remove("home")
    feed = tmp_path / "wire.rss"
    enclosure = f'<enclosure url="{photo}" type="image/jpeg"/>'
    feed.write_text(RSS.format(html="<p>Boats came in.</p>", more=enclosure), encoding="utf-8")
    reader.add(str(feed))
    assert readable_texts(reader) == synced


def readable_texts(reader: Reader) -> list[str]:
    """Each article's text as the article view shows it with pictures on."""
    texts = []
    for (article_id,) in reader.store.conn.execute("SELECT id FROM articles").fetchall():
        article = reader.article(article_id)
        assert article is not None
        texts.append(article.readable(images=True))
    return texts
