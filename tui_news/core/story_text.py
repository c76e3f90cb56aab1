"""What the story grouping reads of an article's text: its terms, the days it names, and
whether it is a roundup (a live blog or a briefing) rather than one story."""

from __future__ import annotations

import re
from dataclasses import dataclass

LEAD_CHARS = 400  # the headline and the start of the text: where a story says what happened

# A word or number, and the end of a sentence right after it
_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*)([.:?!;](?!\d))?")
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
    heading, lead = _TOKEN.findall(title), _TOKEN.findall(text[:LEAD_CHARS])
    title_terms, days = _words(heading)
    terms, lead_days = _words(lead)
    return Features(
        title_terms=frozenset(title_terms),
        terms=frozenset(title_terms + terms),
        names=frozenset(_names([lead] if _title_case(heading) else [heading, lead])),
        days=frozenset(days + lead_days),
        roundup=bool(_ROUNDUP.search(title)),
    )


def encode(found: Features) -> str:
    """Features as one line of text, to be kept (see :func:`decode`): its terms first."""
    return "\t".join(
        (
            " ".join(found.terms),
            " ".join(found.title_terms),
            " ".join(found.names),
            " ".join(found.days),
            "1" if found.roundup else "",
        )
    )


def described(title: str, text: str) -> str:
    """The features of a headline and its text as one line to be kept (see :func:`encode`)."""
    return encode(features(title, text))


def decode(line: str) -> Features:
    """The features :func:`encode` wrote (its terms never hold a space or a tab)."""
    terms, title, names, days, roundup = parts(line)
    return Features(
        title_terms=frozenset(title),
        terms=frozenset(terms),
        names=frozenset(names),
        days=frozenset(days),
        roundup=roundup,
    )


def kept_terms(line: str) -> str:
    """The terms of a line :func:`encode` wrote, space-separated, each once."""
    return line[: line.index("\t")]


def kept_names(line: str) -> list[str]:
    """The names of a line :func:`encode` wrote."""
    return line.split("\t", 3)[2].split()


def parts(line: str) -> tuple[list[str], list[str], list[str], list[str], bool]:
    """What a line :func:`encode` wrote holds: its terms, its headline's terms, its names,
    the weekdays it names, and whether it is a roundup's."""
    terms, title, names, days, roundup = line.split("\t")
    return terms.split(), title.split(), names.split(), days.split(), roundup == "1"


Tokens = list[tuple[str, str]]  # (word, the sentence end after it or "")


Kinds = tuple[str | None, str | None, str | None]
_KINDS: dict[str, Kinds] = {}  # a cache of _kinds: a dict's get is cheaper than lru_cache's


def _kinds(word: str) -> Kinds:
    """A word as a term, as a name (capitalised, or a number) and as a weekday (or None)."""
    found = _KINDS.get(word)
    if found is None:
        if len(_KINDS) >= 100_000:  # as many words as the lru_cache it replaced held
            _KINDS.clear()
        found = _KINDS[word] = _kind(word)
    return found


def _kind(word: str) -> Kinds:
    if word[0].isdigit():
        number = word.replace(",", "")  # 2,300 and 2300 are one number
        return number, number, None
    folded = word.casefold()
    if folded in WEEKDAYS:
        return None, None, folded
    if folded in _STOP:
        return None, None, None
    term = stem(folded) if len(folded) > 1 else None
    name = term if word[0].isupper() and folded not in MONTHS else None
    return term, name, None


def _words(tokens: Tokens) -> tuple[list[str], list[str]]:
    """The terms of the tokens, and the weekdays they name."""
    get = _KINDS.get
    kinds = [get(word) or _kinds(word) for word, _ in tokens]
    return [k[0] for k in kinds if k[0]], [k[2] for k in kinds if k[2]]


def _names(texts: list[Tokens]) -> list[str]:
    """The terms of the texts that are numbers or names: capitalised words, except where a
    sentence starts (there, only if the next word is a name too, as in "Jerome Powell", or
    the word is capitalised elsewhere)."""
    names: list[str] = []
    starts: list[str] = []
    for tokens in texts:
        start = True
        for at, (word, end) in enumerate(tokens):
            if word[0].islower():  # the commonest case, never a name
                start = bool(end)
                continue
            name = _kinds(word)[1]
            if name:
                after = tokens[at + 1][0] if at + 1 < len(tokens) and not end else "0"
                opens = start and not word[0].isdigit()  # a capital that may say nothing
                if opens and not (after[0].isupper() and _kinds(after)[1]):
                    starts.append(name)
                else:
                    names.append(name)
            start = bool(end)
    return names + [w for w in starts if w in names]


def _title_case(tokens: Tokens) -> bool:
    """Whether a headline capitalises most of its words (then capitals tell no names)."""
    words = [w for w, _ in tokens if w[0].isalpha() and w.casefold() not in _STOP]
    capitals = [w for w, _ in tokens if w[0].isupper()]
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
