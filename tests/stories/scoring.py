"""Scoring a grouping against the labelled set: pairwise precision and recall."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from tui_news.core.stories import Item, group


def grouped(items: list[Item]) -> dict[int, int]:
    """Each item's story after grouping them all as new (alone: its own id)."""
    changes = group(items, [i.id for i in items])
    return {i.id: changes.get(i.id) or i.id for i in items}


def pair_scores(truth: Mapping[int, object], found: Mapping[int, int]) -> tuple[float, float]:
    """Precision and recall over every pair of articles: is the pair one story?"""
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(truth), 2):
        same, told = found[a] == found[b], truth[a] == truth[b]
        tp += same and told
        fp += same and not told
        fn += told and not same
    return tp / max(1, tp + fp), tp / max(1, tp + fn)
