"""Reading one local article file: the seed format, plain text, Markdown and HTML."""

from __future__ import annotations

import os
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tui_news.core.config import DEFAULTS
from tui_news.core.dates import to_timestamp
from tui_news.core.disk import Skip, read_regular
from tui_news.core.models import Parsed, human_size

if TYPE_CHECKING:
    from lxml import html as lxml_html
    from markdown_it import MarkdownIt

from tui_news.core.html_text import parse_html, strip_tags
from tui_news.core.text import clean, decode, looks_binary, one_line, paragraphs, safe_link

TEXT_SUFFIXES = {"", ".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".json"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES
# An article's pictures, kept beside it: a folder's scan passes them by without a word
PICTURE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".bmp"}
DEFAULT_MAX_BYTES = DEFAULTS.max_file_bytes


def fingerprint(stat: os.stat_result) -> str:
    """What tells a changed file from an unchanged one: modification time and size."""
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def read_article(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, notes: list[str] | None = None
) -> Parsed:
    """Read one article file; raise :class:`Skip` with a reason if it cannot be one.

    The section is only set when the file names one itself (breadcrumb, front matter, meta).
    What was left out of an article that is still read is added to ``notes``.
    """
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        raise Skip("a feed file, not an article: add it as a feed")
    if suffix not in ARTICLE_SUFFIXES:
        raise Skip(f"not an article file ({suffix or 'no extension'})")
    try:
        data, stat = read_regular(path, max_bytes)
    except OSError as error:
        raise Skip(f"cannot be read ({error.strerror or error})") from None
    if not data.strip():
        raise Skip("empty file")
    if looks_binary(data):
        raise Skip("binary file, not text")
    text = decode(data)
    if suffix in MARKDOWN_SUFFIXES:
        parsed = parse_markdown(text, notes)
    elif suffix in HTML_SUFFIXES:
        parsed = parse_html_article(text)
    else:
        parsed = parse_text(text)
    if not parsed.title:
        parsed.title = one_line(path.stem.replace("_", " ")) or path.name
    if parsed.published is None:
        parsed.published = stat.st_mtime
    parsed.fingerprint = fingerprint(stat)
    return parsed


def _first_nonblank(lines: list[str], start: int) -> int:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return len(lines)


def parse_text(text: str) -> Parsed:
    """Parse the seed format (breadcrumb, title, paragraphs) or plain text (title first)."""
    lines = clean(text).split("\n")
    first = _first_nonblank(lines, 0)
    if first == len(lines):
        raise Skip("empty file")
    head = one_line(lines[first])
    section, title_at = _breadcrumb(head, lines, first)
    if title_at is None:
        title_at = first
    title = one_line(lines[title_at])
    return Parsed(key="", title=title, body=paragraphs(lines[title_at + 1 :]), section=section)


def _breadcrumb(head: str, lines: list[str], first: int) -> tuple[str | None, int | None]:
    """Return (section, title line index) if ``head`` is a ``Home <section> <title>`` line."""
    if not head.startswith("Home "):
        return None, None
    title_at = _first_nonblank(lines, first + 1)
    if title_at == len(lines):
        return None, None
    title = one_line(lines[title_at])
    rest = head[len("Home ") :]
    at = rest.lower().rfind(title.lower())
    if at < 0:
        return None, None
    section = rest[:at].strip() or None
    return section, title_at


_FRONT_MATTER = re.compile(
    r"\A(---|\+\+\+)[ \t]*\n(.*?)\n(?:---|\.\.\.|\+\+\+)[ \t]*(?:\n|\Z)", re.S
)


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])  # as GitHub's, too


def parse_markdown(text: str, notes: list[str] | None = None) -> Parsed:
    """Parse Markdown with optional YAML (``---``) or TOML (``+++``) front matter.

    Front matter that is refused (larger than :data:`MAX_FRONT_MATTER`, or YAML with aliases)
    is left out and the reason added to ``notes``; the article is still read.
    """
    text = clean(text)
    meta: dict[str, object] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            meta = _front_matter(match.group(1), match.group(2))
        except Skip as refused:
            if notes is not None:
                notes.append(f"front matter ignored: {refused}")
        text = text[match.end() :]
    root = parse_html(_markdown().render(text))
    title = one_line(str(meta.get("title") or ""))
    if root is not None:
        title = title or _pop_heading(root, "h1") or _pop_heading(root, "h2")
        if title:
            _pop_heading(root, "h1", only_if=title)
    section = _first_str(meta, "section", "category", "categories")
    content = _serialise(root) if root is not None else None
    return Parsed(
        key="",
        title=title,
        body=strip_tags(content) if content else "",
        content=content,
        section=section,
        author=_first_str(meta, "author", "authors"),
        link=safe_link(_first_str(meta, "link", "url", "canonical")),
        published=to_timestamp(meta.get("date") or meta.get("published")),
    )


MAX_FRONT_MATTER = 64 * 1024  # characters of front matter read; more is refused


@cache
def _yaml_loader() -> type:
    """PyYAML's safe loader, refusing aliases: ``*name`` repeats a node without copying it,
    so a few hundred bytes of nested aliases (a "billion laughs") expand to gigabytes."""
    import yaml

    class NoAliases(yaml.SafeLoader):
        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            if self.check_event(yaml.AliasEvent):
                raise Skip("it uses YAML aliases (*name), which are refused")
            return super().compose_node(parent, index)

    return NoAliases


def _front_matter(fence: str, block: str) -> dict[str, object]:
    """The front matter's fields (none if it cannot be read); raise :class:`Skip` to refuse it."""
    import yaml

    if len(block) > MAX_FRONT_MATTER:
        raise Skip(f"over {human_size(MAX_FRONT_MATTER)}")
    try:
        data = tomllib.loads(block) if fence == "+++" else yaml.load(block, _yaml_loader())
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return {}
    return {str(k).lower(): v for k, v in data.items()} if isinstance(data, dict) else {}


def _first_str(meta: dict[str, object], *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str | int | float) and one_line(str(value)):
            return one_line(str(value))
    return None


def _pop_heading(root: lxml_html.HtmlElement, tag: str, only_if: str | None = None) -> str:
    """Remove the first ``tag`` heading from ``root`` and return its text.

    With ``only_if``, the heading is removed only when its text equals that title.
    """
    heading = next(root.iter(tag), None)
    if heading is None:
        return ""
    text = one_line(heading.text_content())
    if only_if is not None and text.casefold() != only_if.casefold():
        return ""
    heading.drop_tree()
    return text


def _serialise(element: lxml_html.HtmlElement) -> str:
    from lxml import html as lxml_html

    return lxml_html.tostring(element, encoding="unicode")


def _meta(root: lxml_html.HtmlElement, *names: str) -> str | None:
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or "").lower()
        if key in names and one_line(element.get("content")):
            return one_line(element.get("content"))
    return None


def parse_html_article(text: str) -> Parsed:
    """Parse an HTML page: title, metadata and the readable body of its main content."""
    root = parse_html(clean(text))
    if root is None:
        raise Skip("HTML with no content")
    title = _meta(root, "og:title", "twitter:title") or ""
    heading = next(root.iter("h1"), None)
    if not title and heading is not None:
        title = one_line(heading.text_content())
    if not title:
        title_el = next(root.iter("title"), None)
        title = one_line(title_el.text_content()) if title_el is not None else ""
    if title:
        _pop_heading(root, "h1", only_if=title)
    canonical = next(
        (e.get("href") for e in root.iter("link") if e.get("rel") == "canonical"), None
    )
    time_el = next(root.iter("time"), None)
    published = _meta(root, "article:published_time", "date", "dc.date") or (
        time_el.get("datetime") if time_el is not None else None
    )
    body_root = next(
        (e for e in root.iter("article", "main") if e is not None),
        next((e for e in root.iter() if e.get("role") == "main"), None),
    )
    if body_root is None:
        body_root = next(root.iter("body"), root)
    content = _serialise(body_root)
    return Parsed(
        key="",
        title=title,
        body=strip_tags(content),
        content=content,
        section=_meta(root, "article:section"),
        author=_meta(root, "author", "article:author", "dc.creator"),
        link=safe_link(canonical or _meta(root, "og:url")),
        published=to_timestamp(published),
    )
