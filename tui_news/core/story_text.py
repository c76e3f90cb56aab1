"""What the story grouping reads of an article's text: its terms, the days it names, and
whether it is a roundup (a live blog or a briefing) rather than one story."""

from __future__ import annotations

import re
from dataclasses import dataclass

LEAD_CHARS = 400  # the headline and the start of the text: where a story says what happened

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*")
_ROUNDUP = re.compile(
    r"\blive(?: updates?| blog|:)|:\s*live\b|\bbriefing\b|what you need to know|\bnewsletter\b"
    r"|\bthe week in\b|\bweek in review\b|\bmorning report\b|\bevening report\b",
    re.IGNORECASE,
)
MONTHS = frozenset(
    "january february march april may june july august september october november december".split()  # noqa: SIM905
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_STOP = frozenset(
    """a about after again against all also am an and any are as at be because been before
    being between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just may me
    more most my new no nor not now of off on once only or other our out over own said same say
    says she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why will
    with would you your per cent according told amid over week day today yesterday tomorrow
    morning evening night early late""".split()  # noqa: SIM905
)


@dataclass(slots=True)
class Features:
    """An article as the grouping compares it."""

    title_terms: frozenset[str]
    terms: frozenset[str]  # the title's and the lead's
    names: frozenset[str]  # the terms that are names (capitalised mid-sentence) or numbers
    days: frozenset[str]  # weekdays it names
    roundup: bool


def features(title: str, text: str) -> Features:
    """The terms of a headline and of the start of its text, the weekdays they name, and
    whether the headline is a roundup's."""
    title_terms = frozenset(_terms(title))
    lead = text[:LEAD_CHARS]
    words = _words(title) + _words(lead)
    return Features(
        title_terms=title_terms,
        terms=title_terms | frozenset(_terms(lead)),
        names=frozenset(_names(lead if _title_case(title) else f"{title}. {lead}")),
        days=frozenset(w for w in words if w in WEEKDAYS),
        roundup=bool(_ROUNDUP.search(title)),
    )


def _words(text: str) -> list[str]:
    return [m.group().casefold() for m in _TOKEN.finditer(text)]


def _terms(text: str) -> list[str]:
    terms = []
    for word in _words(text):
        if word[0].isdigit():
            terms.append(word.replace(",", ""))  # 2,300 and 2300 are one number
        elif word not in _STOP and word not in WEEKDAYS and len(word) > 1:
            terms.append(stem(word))
    return terms


def _names(text: str) -> list[str]:
    """The terms of ``text`` that are numbers or names: capitalised words, except where a
    sentence starts (there, only if the word is capitalised elsewhere too)."""
    names: list[str] = []
    starts: list[str] = []
    start = True
    for match in _TOKEN.finditer(text):
        word = match.group()
        if word[0].isdigit():
            names.append(word.replace(",", ""))
        elif word[0].isupper():
            folded = word.casefold()
            if folded not in _STOP and folded not in WEEKDAYS and folded not in MONTHS:
                (starts if start else names).append(stem(folded))
        end = text[match.end() : match.end() + 2]
        start = end[:1] in (".", ":", "?", "!", ";") and not end[1:].isdigit()
    return names + [w for w in starts if w in names]


def _title_case(title: str) -> bool:
    """Whether a headline capitalises most of its words (then capitals tell no names)."""
    words = [w for w in _words(title) if w[0].isalpha() and w not in _STOP]
    capitals = [m.group() for m in _TOKEN.finditer(title) if m.group()[0].isupper()]
    return len(words) >= 3 and len(capitals) >= 0.8 * len(words)


def stem(word: str) -> str:
    """A word without its commonest English endings (quakes, quake; killing, kill)."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
