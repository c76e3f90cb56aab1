"""One story, many outlets: which articles tell the same story (issue 16).

Two articles are one story when their headlines and leads share enough rare terms (a cosine
over IDF-weighted terms, the headline's counting double), they come from different feeds, were
published within :data:`WINDOW` of each other, do not name different weekdays (a daily report,
a follow-up), and neither is a roundup (a live blog, a briefing: many stories at once).

Grouping is incremental: new articles are compared with the recent articles around them and
join (or merge) the stories they match. A story never holds two articles of one feed. A story's
id is the smallest article id in it; an article alone has none.
"""

from __future__ import annotations

import gc
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import mul

from tui_news.core.story_text import Features, decode, features, kept_names, kept_terms

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
    items: Sequence[Item],
    new: Collection[int],
    threshold: float = THRESHOLD,
    names: float = NAMES,
) -> dict[int, int | None]:
    """Group the ``new`` articles among ``items`` (which holds them and the recent ones).

    Returns the story of every article whose story changed (None: it is alone now).
    """
    collecting = gc.isenabled()
    gc.disable()  # it finds no cycles here, and would walk the many objects made, often
    try:
        return _group(items, new, threshold, names)
    finally:
        if collecting:
            gc.enable()


def _group(
    items: Sequence[Item], new: Collection[int], threshold: float, names: float
) -> dict[int, int | None]:
    by_id = {item.id: item for item in items}
    for item in items:
        if item.kept is None:
            item.described()  # the others' are decoded when compared
    fresh = sorted((by_id[i] for i in new if i in by_id), key=lambda i: (i.published, i.id))
    vectors = _Vectors(items)
    postings = _postings(items, fresh)
    members: dict[int, set[int]] = defaultdict(set)  # story -> its articles
    story_of: dict[int, int] = {}
    for item in items:
        story_of[item.id] = item.story if item.story is not None else item.id
        members[story_of[item.id]].add(item.id)

    for item in fresh:
        scores: dict[int, float] = {}  # story -> best similarity with one of its articles
        for other_id, score in _similar(item, by_id, vectors, postings, names):
            if score >= threshold:
                story = story_of[other_id]
                scores[story] = max(scores.get(story, 0.0), score)
        for story in sorted(scores, key=lambda s: (-scores[s], s)):
            if story_of[item.id] == story or not _fits(members, story, story_of[item.id], by_id):
                continue
            merged = members.pop(story) | members.pop(story_of[item.id])
            head = min(merged)
            members[head] = merged
            for member in merged:
                story_of[member] = head
    changed: dict[int, int | None] = {}
    for article_id, story in story_of.items():
        now = story if len(members[story]) > 1 else None
        if now != by_id[article_id].story:
            changed[article_id] = now
    return changed


def _fits(members: dict[int, set[int]], one: int, other: int, by_id: dict[int, Item]) -> bool:
    """Whether two stories can be one: no feed twice, all within the window."""
    a, b = members[one], members[other]
    if {by_id[i].feed for i in a} & {by_id[i].feed for i in b}:
        return False
    times = [by_id[i].published for i in a | b]
    return max(times) - min(times) <= WINDOW


def _similar(
    item: Item,
    by_id: dict[int, Item],
    vectors: _Vectors,
    postings: dict[str, list[int]],
    names: float,
) -> Iterable[tuple[int, float]]:
    """The articles that may tell the same story as ``item`` with the similarity of their
    terms: those with a similarity of the names and numbers they give of at least ``names``."""
    described = item.described()
    if described.roundup:
        return
    mine = vectors.weights(item)
    norm, name_norm = vectors.norms(item)
    seen: set[int] = set()
    for term in described.names:
        for other_id in postings.get(term, ()):
            if other_id in seen or other_id == item.id:
                continue
            seen.add(other_id)
            other = by_id[other_id]
            if other.feed == item.feed or abs(other.published - item.published) > WINDOW:
                continue
            told = other.described()
            if told.roundup or (described.days and told.days and not described.days & told.days):
                continue
            theirs = vectors.weights(other)
            their_norm, their_name_norm = vectors.norms(other)
            shared = described.names & told.names
            named = sum(mine.get(t, 1.0) * theirs.get(t, 1.0) for t in shared)
            if named < names * name_norm * their_name_norm:
                continue
            both = mine.keys() & theirs.keys()
            dot = sum(map(mul, map(mine.__getitem__, both), map(theirs.__getitem__, both)))
            yield other_id, dot / (norm * their_norm)


class _Vectors:
    """Each article's terms weighted by rarity (IDF over the articles grouped), a headline's
    counting more, and their norms: worked out only for the articles compared."""

    def __init__(self, items: Sequence[Item]) -> None:
        kept = " ".join(kept_terms(i.kept) for i in items if i.features is None and i.kept)
        self.df = Counter(kept.split())  # each article's terms are kept once
        self.df.update(chain.from_iterable(i.features.terms for i in items if i.features))
        self.n = max(len(items), BACKGROUND)
        self._idf = _Rarity(self.df, self.n)
        self._weights: dict[int, dict[str, float]] = {}
        self._norms: dict[int, tuple[float, float]] = {}

    def weights(self, item: Item) -> dict[str, float]:
        """The article's terms with their weights."""
        found = self._weights.get(item.id)
        if found is None:
            described = item.described()
            terms = described.terms
            found = self._weights[item.id] = dict(
                zip(terms, map(self._idf.__getitem__, terms), strict=True)
            )
            for term in described.title_terms:
                found[term] *= TITLE_WEIGHT
        return found

    def norms(self, item: Item) -> tuple[float, float]:
        """The norm of the article's weights, and that of its names' alone."""
        found = self._norms.get(item.id)
        if found is None:
            weights = self.weights(item)
            found = self._norms[item.id] = (
                math.sqrt(sum(map(mul, weights.values(), weights.values()))) or 1.0,
                math.sqrt(sum(weights.get(t, 1.0) ** 2 for t in item.described().names)) or 1.0,
            )
        return found


class _Rarity(dict[str, float]):
    """Each term's IDF, worked out when first asked for."""

    def __init__(self, df: Counter[str], n: int) -> None:
        super().__init__()
        self.df, self.n = df, n

    def __missing__(self, term: str) -> float:
        found = self[term] = math.log(1 + self.n / self.df[term])
        return found


def _postings(items: Sequence[Item], new: Sequence[Item]) -> dict[str, list[int]]:
    """The articles giving each rare name or number that a new article gives: the
    candidates of an article are those sharing one with it (the names gate wants one)."""
    wanted = frozenset().union(*(item.described().names for item in new))
    postings: dict[str, list[int]] = defaultdict(list)
    for item in items:
        names = item.features.names if item.features else kept_names(item.kept or "")
        for term in wanted.intersection(names):
            postings[term].append(item.id)
    limit = max(50, int(len(items) * RARE))
    return {t: ids for t, ids in postings.items() if len(ids) <= limit}
