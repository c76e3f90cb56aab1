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

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

from tui_news.core.story_text import Features, features

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


def group(
    items: Sequence[Item],
    new: Collection[int],
    threshold: float = THRESHOLD,
    names: float = NAMES,
) -> dict[int, int | None]:
    """Group the ``new`` articles among ``items`` (which holds them and the recent ones).

    Returns the story of every article whose story changed (None: it is alone now).
    """
    by_id = {item.id: item for item in items}
    for item in items:
        if item.features is None:
            item.features = features(item.title, item.text)
    vectors = _Vectors(items)
    postings = _postings(items)
    members: dict[int, set[int]] = defaultdict(set)  # story -> its articles
    story_of: dict[int, int] = {}
    for item in items:
        story_of[item.id] = item.story if item.story is not None else item.id
        members[story_of[item.id]].add(item.id)

    for item in sorted((by_id[i] for i in new if i in by_id), key=lambda i: (i.published, i.id)):
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
    assert item.features is not None
    if item.features.roundup:
        return
    mine = vectors.weights(item)
    norm, name_norm = vectors.norms(item)
    seen: set[int] = set()
    for term in item.features.names:
        for other_id in postings.get(term, ()):
            if other_id in seen or other_id == item.id:
                continue
            seen.add(other_id)
            other = by_id[other_id]
            assert other.features is not None
            if (
                other.feed == item.feed
                or abs(other.published - item.published) > WINDOW
                or other.features.roundup
                or (
                    item.features.days
                    and other.features.days
                    and not item.features.days & other.features.days
                )
            ):
                continue
            theirs = vectors.weights(other)
            their_norm, their_name_norm = vectors.norms(other)
            shared = item.features.names & other.features.names
            named = sum(mine.get(t, 1.0) * theirs.get(t, 1.0) for t in shared)
            if named < names * name_norm * their_name_norm:
                continue
            dot = sum(mine[t] * theirs[t] for t in mine.keys() & theirs.keys())
            yield other_id, dot / (norm * their_norm)


class _Vectors:
    """Each article's terms weighted by rarity (IDF over the articles grouped), a headline's
    counting more, and their norms: worked out only for the articles compared."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.df = Counter(chain.from_iterable(i.features.terms for i in items if i.features))
        self.n = max(len(items), BACKGROUND)
        self._idf: dict[str, float] = {}
        self._weights: dict[int, dict[str, float]] = {}
        self._norms: dict[int, tuple[float, float]] = {}

    def weights(self, item: Item) -> dict[str, float]:
        """The article's terms with their weights."""
        found = self._weights.get(item.id)
        if found is None:
            assert item.features is not None
            title, idf = item.features.title_terms, self._idf
            found = self._weights[item.id] = {
                t: (idf.get(t) or self._rarity(t)) * (TITLE_WEIGHT if t in title else 1.0)
                for t in item.features.terms
            }
        return found

    def _rarity(self, term: str) -> float:
        found = self._idf[term] = math.log(1 + self.n / self.df[term])
        return found

    def norms(self, item: Item) -> tuple[float, float]:
        """The norm of the article's weights, and that of its names' alone."""
        found = self._norms.get(item.id)
        if found is None:
            assert item.features is not None
            weights = self.weights(item)
            found = self._norms[item.id] = (
                math.sqrt(sum(w * w for w in weights.values())) or 1.0,
                math.sqrt(sum(weights.get(t, 1.0) ** 2 for t in item.features.names)) or 1.0,
            )
        return found


def _postings(items: Sequence[Item]) -> dict[str, list[int]]:
    """The articles giving each rare name or number: the candidates of an article are those
    sharing one with it (the names gate wants one shared anyway)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for item in items:
        assert item.features is not None
        for term in item.features.names:
            postings[term].append(item.id)
    limit = max(50, int(len(items) * RARE))
    return {t: ids for t, ids in postings.items() if len(ids) <= limit}
