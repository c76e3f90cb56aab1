"""Where pictures stand in an article's readable text (core/html_text.py, core/image_refs.py)."""

from __future__ import annotations

from pathlib import Path

from tui_news.core.html_text import html_to_text, image_line, plain, readable
from tui_news.core.image_refs import IMAGE, IMAGE_ALT, without_images
from tui_news.core.reader import Reader

BASE = "https://news.example/2026/story.html"


def pictures(markup: str, base: str | None = BASE) -> list[tuple[str, str]]:
    """The (address, alt) of each picture line of ``markup``'s readable text, in order."""
    text = html_to_text(markup, base_url=base)
    return [found for line in text.split("\n") if (found := image_line(line))]


def test_a_picture_stands_on_its_own_line_with_its_address_resolved() -> None:
    text = html_to_text('<p>Before <img src="/img/a.png" alt=" A  chart "> after.</p>', BASE)
    assert text.split("\n") == [
        "Before",
        f"{IMAGE}https://news.example/img/a.png{IMAGE_ALT}A chart",
        "after.",
    ]
    assert image_line(text.split("\n")[1]) == ("https://news.example/img/a.png", "A chart")
    assert image_line("Before") is None


def test_where_pictures_are_not_drawn_the_line_reads_image_alt_and_never_the_address() -> None:
    markup = '<p>x</p><img src="a.png" alt="A map"><img src="b.png">'
    for text in (readable("", markup, BASE), plain(html_to_text(markup, BASE))):
        assert text == "x\n\n[image: A map]\n[image]"
        assert "a.png" not in text and IMAGE not in text
    marked = readable("", markup, BASE, images=True)
    assert without_images(marked) == "x\n\n[image: A map]\n[image]"
    assert "https://news.example/2026/a.png" in marked


def test_srcset_gives_the_candidate_fitting_the_article_width() -> None:
    by_width = (
        '<img src="s.jpg" srcset="s.jpg 320w, m.jpg?w_800,h_400 800w, l.jpg 1200w, x.jpg 2400w">'
    )
    assert pictures(by_width) == [("https://news.example/2026/l.jpg", "")]
    small = '<img srcset="s.jpg 320w, m.jpg?w_800,h_400 800w" src="s.jpg">'
    assert pictures(small) == [("https://news.example/2026/m.jpg?w_800,h_400", "")]
    by_density = '<img src="a.jpg" srcset="a2.jpg 2x, a3.jpg 3x, a1.jpg">'
    assert pictures(by_density) == [("https://news.example/2026/a2.jpg", "")]


def test_a_picture_element_takes_its_best_decodable_source_and_its_img_alt() -> None:
    markup = """<picture>
      <source type="image/svg+xml" srcset="logo.svg">
      <source media="(prefers-color-scheme: dark)" srcset="dark.jpg">
      <source type="image/webp" srcset="p.webp 600w, P.webp 1600w">
      <img src="p.jpg" alt="A harbour">
    </picture><p>After.</p>"""
    assert pictures(markup) == [("https://news.example/2026/P.webp", "A harbour")]
    assert readable("", markup, BASE) == "[image: A harbour]\n\nAfter."  # one picture, not four


def test_a_figure_caption_becomes_the_alt_text_with_its_links_numbered() -> None:
    markup = """<p>See <a href="/a">this</a>.</p>
    <figure><img src="q.jpg" alt="quay"><figcaption>The quay at <b>dawn</b>
    (<a href="https://photos.example/9">photo</a>)</figcaption></figure>"""
    text = readable("", markup, BASE)
    assert text == (
        "See this [1].\n\n[image: The quay at dawn (photo [2])]\n\n"
        "Links:\n[1] https://news.example/a\n[2] https://photos.example/9"
    )
    gallery = (
        "<figure><img src=a.jpg alt=A><img src=b.jpg alt=B><figcaption>Both</figcaption></figure>"
    )
    assert readable("", gallery, BASE) == "[image: A]\n[image: B]\n\nBoth"


def test_lazy_loading_addresses_win_over_placeholders() -> None:
    markup = (
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="real.jpg" alt="Real">'
        '<img src="blank.gif" data-lazy-srcset="l1.jpg 500w, l2.jpg 1100w">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="Inline only">'
    )
    assert pictures(markup) == [
        ("https://news.example/2026/real.jpg", "Real"),
        ("https://news.example/2026/l2.jpg", ""),
    ]
    assert readable("", markup, BASE).endswith("[image: Inline only]")  # no address to load


def test_tracking_pixels_vanish_and_emoji_read_as_their_alt_text() -> None:
    markup = (
        '<p>Great <img class="wp-smiley emoji" src="s.png" alt="🙂"> news'
        '<img src="https://t.example/p.gif" width="1" height="1" alt="">'
        '<img src="icon.png" width="16" height="16" alt="(pdf)"></p>'
    )
    assert html_to_text(markup, BASE) == "Great 🙂 news(pdf)"


def test_only_web_addresses_or_a_local_articles_paths_become_pictures() -> None:
    hostile = '<img src="javascript:alert(1)" alt="a"><img src="file:///etc/passwd" alt="b">'
    assert pictures(hostile) == []
    assert readable("", hostile, BASE) == "[image: a]\n[image: b]"
    local = '<img src="pics/a%20b.png" alt="Local"><img src="../up.jpg">'
    assert pictures(local, base=None) == [("pics/a%20b.png", "Local"), ("../up.jpg", "")]


def test_a_page_cannot_fake_a_picture_line() -> None:
    fake = f"<p>{IMAGE}https://evil.example/x.png{IMAGE_ALT}gotcha</p>"
    assert pictures(fake) == []
    assert html_to_text(fake, BASE) == "https://evil.example/x.pnggotcha"
    alt = f'<img src="a.png" alt="x{IMAGE}y&#10;z">'
    assert pictures(alt) == [("https://news.example/2026/a.png", "xy z")]
    src = f'<img src="a{IMAGE_ALT}b\u202e c.png" alt="ok">'
    assert pictures(src) == [("https://news.example/2026/ab%20c.png", "ok")]


def test_picture_lines_keep_their_place_in_quotes_and_lists() -> None:
    markup = '<blockquote><img src="q.png" alt="Q"></blockquote><ul><li><img src="l.png"></li></ul>'
    assert pictures(markup) == [
        ("https://news.example/2026/q.png", "Q"),
        ("https://news.example/2026/l.png", ""),
    ]
    assert readable("", markup, BASE) == "> [image: Q]\n\n• [image]"


def test_a_pictures_address_is_never_searched_nor_in_plain_text(
    reader: Reader, tmp_path: Path
) -> None:
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Harbour</title></head><body><p>The quay.</p>"
        '<img src="https://img.example/zanzibarquux.png" alt="A map"></body></html>'
    )
    reader.add(str(page))
    assert reader.search("quay") and not reader.search("zanzibarquux")
    [article] = reader.search("quay")
    assert "zanzibarquux" not in article.readable() and "[image: A map]" in article.readable()
    assert "zanzibarquux" in article.readable(images=True)


def test_a_linked_picture_carries_its_links_number() -> None:
    markup = (
        '<p><a href="https://x.example/big.jpg">\n<img src="s.jpg" alt="Sea">\n</a></p>'
        '<p><a href="/w">See <img src="q.png"></a> and <a href="/v"><img src="i.png" '
        'width="16" height="16" alt="(icon)"> text</a></p>'
    )
    assert pictures(markup) == [
        ("https://news.example/2026/s.jpg", "Sea [1]"),
        ("https://news.example/2026/q.png", "[2]"),
    ]
    assert readable("", markup, BASE).split("\n\nLinks:")[0] == (
        "[image: Sea] [1]\n\nSee\n[image] [2]\nand (icon) text [3]"
    )
