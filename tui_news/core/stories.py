"""One story, many outlets: which articles tell the same story (issue 16).

Two articles are one story when their headlines and leads share enough rare terms (a cosine
over IDF-weighted terms, the headline's counting double), they come from different feeds, were
published within :data:`WINDOW` of each other, do not name different weekdays (a daily report,
a follow-up), and neither is a roundup (a live blog, a briefing: many stories at once).

Grouping is incremental: new articles are compared with the recent articles around them (a
:class:`Window`) and join (or merge) the stories they match. A story never holds two articles
of one feed. A story's id is the smallest article id in it; an article alone has none.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from itertools import chain, islice

from tui_news.core.collector import uncollected
from tui_news.core.story_text import Features, decode, features, kept_names, kept_terms, parts

WINDOW = 36 * 3600.0  # seconds: articles further apart are never one story
THRESHOLD = 0.25  # the similarity from which two articles are one story
NAMES = 0.3  # ... and that of the names and numbers they give
TITLE_WEIGHT = 2.0  # a headline's terms count this much more than the lead's
BACKGROUND = 1000  # IDF counts at least this many articles: in a small library, a term shared
# by two of three articles is not thereby common
RARE = 0.05  # names in more than this share of the articles compared find no candidates


@dataclass(slots=True)
class Item:
    """An article as the grouping sees it; ``story`` is what is stored (None: alone)."""

    id: int
    feed: int
    published: float
    title: str
    text: str
    story: int | None = None
    features: Features | None = field(default=None, repr=False)
    kept: str | None = field(default=None, repr=False)  # its features as kept (encode)

    def described(self) -> Features:
        """Its features: those kept if any, else read from its headline and text."""
        if self.features is None:
            found = decode(self.kept) if self.kept is not None else None
            self.features = found or features(self.title, self.text)
        return self.features


def group(
    items: Iterable[Item],
    new: Collection[int],
    threshold: float = THRESHOLD,
    names: float = NAMES,
    counts: Counts | None = None,
) -> dict[int, int | None]:
    """Group the ``new`` articles among ``items`` (which holds them and the recent ones).

    ``counts``: those of exactly ``items`` (see :class:`Counts`), if counted already.
    Returns the story of every article whose story changed (None: it is alone now).
    """
    window = Window(counts)
    with uncollected():
        window.add(items)
        return window.group(new, threshold, names)


@dataclass(slots=True)
class _Coded:
    """An article's features with each term as a number (see :class:`Window`): lookups and
    intersections of small numbers cost a fraction of those of words."""

    terms: tuple[int, ...]
    title: tuple[int, ...]
    names: tuple[int, ...]  # a name is a term
    words: tuple[str, ...]  # the names as they are written in the window's index
    days: frozenset[str]
    roundup: bool


class _Terms(dict[str, int]):
    """Each term's number, given when it is first seen."""

    def __missing__(self, term: str) -> int:
        found = self[term] = len(self)
        return found


class Counts:
    """What grouping counts of the articles it compares with: how many give each term (its
    rarity) and which give each name or number (the candidates); ``articles`` and ``id_sum``
    say which were counted. Counts of a few hours' articles are kept between groupings
    (core/library/stories.py), so that a refresh counts only what changed in its window."""

    __slots__ = ("articles", "id_sum", "named", "terms")

    def __init__(self) -> None:
        self.terms: Counter[str] = Counter()  # articles giving each term
        self.named: dict[str, list[int]] = {}  # the articles giving each name
        self.articles = 0
        self.id_sum = 0

    def add(self, items: Iterable[Item]) -> None:
        """Count articles (not counted yet), from their kept lines if kept."""
        named, lines = self.named, []
        for item in items:
            self.articles += 1
            self.id_sum += item.id
            if item.features is None and item.kept is not None:
                lines.append(kept_terms(item.kept))
                names: Iterable[str] = kept_names(item.kept)
            else:
                found = item.described()
                self.terms.update(found.terms)
                names = found.names
            for name in names:
                ids = named.get(name)
                if ids is None:
                    named[name] = [item.id]
                else:
                    ids.append(item.id)
        self.terms.update(chain.from_iterable(map(str.split, lines)))  # each term kept once

    def merge(self, other: Counts) -> None:
        """Count other articles (not counted here) as ``other`` counted them."""
        self.terms.update(other.terms)
        named = self.named
        for name, ids in other.named.items():
            mine = named.get(name)
            if mine is None:
                named[name] = list(ids)
            else:
                mine.extend(ids)
        self.articles += other.articles
        self.id_sum += other.id_sum

    def packed(self) -> tuple[str, bytes, str, bytes, bytes]:
        """The counts in a compact form (see :meth:`unpacked`): the terms space-separated
        and their counts, the names and how many articles give each, then those articles."""
        named = self.named
        return (
            " ".join(self.terms),
            array("q", self.terms.values()).tobytes(),
            " ".join(named),
            array("q", map(len, named.values())).tobytes(),
            array("q", chain.from_iterable(named.values())).tobytes(),
        )

    @classmethod
    def unpacked(
        cls, packed: tuple[str, bytes, str, bytes, bytes], articles: int, id_sum: int
    ) -> Counts:
        """The counts :meth:`packed` gave (ValueError if its parts do not fit together)."""
        terms, counts, names, sizes, ids = packed
        found = cls()
        words, labels = terms.split(" ") if terms else [], names.split(" ") if names else []
        dict.update(found.terms, zip(words, array("q", counts), strict=True))
        flat, lengths = array("q", ids).tolist(), array("q", sizes)
        if sum(lengths) != len(flat):
            raise ValueError("kept story counts whose parts do not fit together")
        rest = iter(flat)
        found.named = {
            name: list(islice(rest, size)) for name, size in zip(labels, lengths, strict=True)
        }
        found.articles, found.id_sum = articles, id_sum
        return found


class Window:
    """The recent articles that new ones are compared with, and their :class:`Counts`
    (counted as they are added, unless given).
    An article's terms are numbered (:class:`_Coded`) when it is first compared: the sums and
    intersections of comparing take small numbers, which cost a fraction of words."""

    def __init__(self, counts: Counts | None = None) -> None:
        self.items: dict[int, Item] = {}
        self.counts = Counts() if counts is None else counts
        self._counting = counts is None
        self._coded: dict[int, _Coded] = {}
        self._marked: dict[int, tuple[frozenset[str], bool]] = {}  # see _marks
        self._numbers = _Terms()

    def add(self, items: Iterable[Item]) -> None:
        """Add articles (not in the window yet), as kept if kept; counted unless the
        window's counts were given."""
        items = list(items)
        self.items.update((item.id, item) for item in items)
        if self._counting:
            self.counts.add(items)

    def group(
        self, new: Collection[int], threshold: float = THRESHOLD, names: float = NAMES
    ) -> dict[int, int | None]:
        """Group the ``new`` articles among the window's (see :func:`group`, which keeps the
        collector off meanwhile)."""
        by_id = self.items
        fresh = sorted((by_id[i] for i in new if i in by_id), key=lambda i: (i.published, i.id))
        limit = self._limit()
        found = {item.id: self._candidates(item, self._code(item), limit) for item in fresh}
        for other_id in set().union(*found.values()):  # their terms numbered, as weighed below
            self._code(by_id[other_id])
        weights = _Weights(self.counts.terms, self._numbers, max(len(by_id), BACKGROUND))
        members: dict[int, set[int]] = defaultdict(set)  # story -> its articles
        joined: set[int] = set()  # the stories that new articles joined (or made)
        story_of: dict[int, int] = {}
        for item in by_id.values():
            story_of[item.id] = item.story if item.story is not None else item.id
            members[story_of[item.id]].add(item.id)

        for item in fresh:
            scores: dict[int, float] = {}  # story -> best similarity with one of its articles
            mine = self._coded[item.id]
            for other_id in found[item.id]:
                score = weights.similarity(item.id, mine, other_id, self._coded[other_id], names)
                if score >= threshold:
                    story = story_of[other_id]
                    scores[story] = max(scores.get(story, 0.0), score)
            for story in sorted(scores, key=lambda s: (-scores[s], s)):
                if story_of[item.id] == story or not _fits(
                    members, story, story_of[item.id], by_id
                ):
                    continue
                # a story's id is its first article's, which may be older than the window
                head = min(story, story_of[item.id])
                merged = members.pop(story) | members.pop(story_of[item.id])
                members[head] = merged
                joined.add(head)
                for member in merged:
                    story_of[member] = head
        # A stored story stays as it is unless it joined another: the window may hold only
        # some of its articles (its first teller older than it), which are not alone then.
        changed: dict[int, int | None] = {}
        for article_id, story in story_of.items():
            stored = by_id[article_id].story
            now = story if stored is not None or story in joined else None
            if now != stored:
                changed[article_id] = now
        return changed

    def _limit(self) -> int:
        """How many articles may give a name that finds candidates."""
        return max(50, int(len(self.items) * RARE))

    def _candidates(self, item: Item, mine: _Coded, limit: int) -> set[int]:
        """The articles that may tell the story ``item`` tells: those sharing a rare name
        or number with it (the names gate wants one), from another feed, within the window,
        neither a roundup, not naming other weekdays."""
        found: set[int] = set()
        if mine.roundup:
            return found
        named = self.counts.named
        for name in mine.words:
            ids = named.get(name, ())
            if len(ids) <= limit:
                found.update(ids)
        found.discard(item.id)
        by_id, marks = self.items, self._marks
        for other_id in list(found):
            other = by_id[other_id]
            if other.feed == item.feed or abs(other.published - item.published) > WINDOW:
                found.discard(other_id)
                continue
            days, roundup = marks(other)
            if roundup or (mine.days and days and not mine.days & days):
                found.discard(other_id)
        return found

    def _marks(self, item: Item) -> tuple[frozenset[str], bool]:
        """The weekdays an article names and whether it is a roundup, read without numbering
        its terms: most candidates that fail on them are not compared (at 100,000 articles,
        about half)."""
        coded = self._coded.get(item.id)
        if coded is not None:
            return coded.days, coded.roundup
        found = self._marked.get(item.id)
        if found is None:
            if item.features is None and item.kept is not None:
                days, roundup = item.kept.rsplit("\t", 2)[1:]
                found = frozenset(days.split()) if days else _NONE, roundup == "1"
            else:
                described = item.described()
                found = described.days or _NONE, described.roundup
            self._marked[item.id] = found
        return found

    def _code(self, item: Item) -> _Coded:
        """The article's features, its terms numbered."""
        coded = self._coded.get(item.id)
        if coded is None:
            if item.features is None and item.kept is not None:
                terms, title, names, days, roundup = parts(item.kept)
            else:
                found = item.described()
                terms, title, names = list(found.terms), list(found.title_terms), list(found.names)
                days, roundup = list(found.days), found.roundup
            number = self._numbers.__getitem__
            coded = self._coded[item.id] = _Coded(
                tuple(map(number, terms)),
                tuple(map(number, title)),
                tuple(map(number, names)),
                tuple(names),
                frozenset(days) if days else _NONE,
                roundup,
            )
        return coded


_NONE: frozenset[str] = frozenset()


def _fits(members: dict[int, set[int]], one: int, other: int, by_id: dict[int, Item]) -> bool:
    """Whether two stories can be one: no feed twice, all within the window."""
    a, b = members[one], members[other]
    if {by_id[i].feed for i in a} & {by_id[i].feed for i in b}:
        return False
    times = [by_id[i].published for i in a | b]
    return max(times) - min(times) <= WINDOW


class _Weights:
    """The similarity of two articles: a cosine of their terms weighted by rarity (IDF over
    the window), a headline's counting :data:`TITLE_WEIGHT` times, gated by that of the names
    and numbers they give. Sums run over squared IDFs by term number (a term's depends on its
    count alone); an article's norms are worked out once, when it is first compared."""

    def __init__(self, df: Counter[str], numbers: dict[str, int], n: int) -> None:
        by_count: dict[int, float] = {}
        counts = list(map(df.__getitem__, numbers))  # in the terms' numbers' order
        for count in set(counts):
            by_count[count] = math.log(1 + n / max(count, 1)) ** 2
        self._squared = list(map(by_count.__getitem__, counts))
        self._norms: dict[int, float] = {}
        self._name_norms: dict[int, float] = {}
        self._sets: dict[int, tuple[frozenset[int], frozenset[int]]] = {}

    def similarity(
        self, article_id: int, mine: _Coded, other_id: int, theirs: _Coded, names: float
    ) -> float:
        """Their cosine, or 0.0 when the names they share weigh less than ``names`` of theirs
        (half the pairs, at 100,000 articles: their full norms are then not needed)."""
        terms, named = self._set(article_id, mine)
        shared = named.intersection(theirs.names)
        gate = names * self._name_norm(article_id, mine) * self._name_norm(other_id, theirs)
        if self._dot(shared, mine, theirs) < gate:
            return 0.0
        norms = self._norm(article_id, mine) * self._norm(other_id, theirs)
        return self._dot(terms.intersection(theirs.terms), mine, theirs) / norms

    def _dot(self, shared: frozenset[int], mine: _Coded, theirs: _Coded) -> float:
        """The dot product of two articles' weights over the terms they share: each product
        is a squared IDF times 1, TITLE_WEIGHT (a headline's term in one) or its square."""
        total = self._sum(shared)
        mine_title, their_title = shared.intersection(mine.title), shared.intersection(theirs.title)
        if mine_title or their_title:
            total += (TITLE_WEIGHT - 1) * (self._sum(mine_title) + self._sum(their_title))
            total += (TITLE_WEIGHT - 1) ** 2 * self._sum(mine_title & their_title)
        return total

    def _norm(self, article_id: int, coded: _Coded) -> float:
        """The norm of the article's weights."""
        found = self._norms.get(article_id)
        if found is None:
            total = self._sum(coded.terms) + (TITLE_WEIGHT**2 - 1) * self._sum(coded.title)
            found = self._norms[article_id] = math.sqrt(total) or 1.0
        return found

    def _name_norm(self, article_id: int, coded: _Coded) -> float:
        """The norm of the weights of the article's names alone."""
        found = self._name_norms.get(article_id)
        if found is None:
            titled = frozenset(coded.title).intersection(coded.names)
            total = self._sum(coded.names) + (TITLE_WEIGHT**2 - 1) * self._sum(titled)
            found = self._name_norms[article_id] = math.sqrt(total) or 1.0
        return found

    def _set(self, article_id: int, coded: _Coded) -> tuple[frozenset[int], frozenset[int]]:
        """Its terms and its names as sets (those of the new articles, compared with many)."""
        found = self._sets.get(article_id)
        if found is None:
            found = self._sets[article_id] = (frozenset(coded.terms), frozenset(coded.names))
        return found

    def _sum(self, terms: Iterable[int]) -> float:
        """The sum of the terms' squared IDFs."""
        return sum(map(self._squared.__getitem__, terms))
