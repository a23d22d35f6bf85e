"""Find the communes, departments and regions a French text names, and resolve each to its
official code — or leave it unresolved when the evidence is too weak (never a guess).

A name is looked for where French writes one: capitalised words, joined by spaces, hyphens
or apostrophes, with lower-case links (de, la, sur, en, lès…); "St"/"Ste" and missing hyphens
are folded (``names.key``). A name glued to other capitalised words is part of a person's or
an organisation's name: dropped, or kept with a lower weight when an organisation is named
around it ("Mission locale de Poitiers", "CCI Drôme"). Homonyms are resolved, in this order,
by a postcode or department number written beside the name, a department or region the text
names, the departments of the other places of the text, the topic's own territory, and
finally a commune far more populous than its namesakes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from .gazetteer import Commune, Gazetteer, gazetteer
from .names import ABBREVIATIONS, fold, plain
from .wordlists import (
    ARTICLES,
    COMMON_WORDS,
    CONTRACTED,
    FUNCTION_WORDS,
    LINKS,
    ORGANISATION_PAIRS,
    ORGANISATION_WORDS,
    PLACE_CUES,
    RIVER_CUES,
    STREETS,
    TITLES,
    WHERE_WORDS,
)

Kind = Literal["commune", "department", "region"]

TOWN = 5000  # inhabitants: "à X" names the commune rather than the department from this size
_TOKEN = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_GLUE = re.compile(r"^[\s\-'’]*$")


@dataclass(frozen=True)
class Place:
    """A place named in a text: ``code`` is None when the name is ambiguous and the text
    does not say which one it is (``candidates`` lists them)."""

    start: int
    end: int
    text: str
    kind: Kind
    code: str | None
    candidates: tuple[str, ...]
    in_organisation: bool = False
    evidence: str = ""

    @property
    def weight(self) -> float:
        """How much the place says about where the story is (an organisation's name, less)."""
        return 0.5 if self.in_organisation else 1.0


@dataclass
class _Token:
    text: str
    start: int
    end: int
    folded: str  # for names (names.key)
    word: str  # without accents, for the word lists
    capital: bool
    glued: bool  # joined to the previous token by space, hyphen or apostrophe only
    sentence_start: bool


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        between = text[previous_end : match.start()]
        word = match.group()
        folded = fold(word)
        tokens.append(
            _Token(
                text=word,
                start=match.start(),
                end=match.end(),
                folded=ABBREVIATIONS.get(folded, folded),
                word=plain(word),
                capital=word[:1].isupper(),
                glued=bool(tokens) and _GLUE.match(between) is not None and "\n" not in between,
                sentence_start=not tokens or bool(re.search(r"[.!?:;«»\"“”\n]", between)),
            )
        )
        previous_end = match.end()
    return tokens


@dataclass
class _Found:
    first: int  # token indexes
    last: int
    kind: Kind
    candidates: list[str]
    in_organisation: bool = False
    code_hint: str = ""  # postcode or department number written beside it


def find_places(
    text: str, *, territory: Mapping[str, float] | None = None, gaz: Gazetteer | None = None
) -> list[Place]:
    """The places ``text`` names, in order. ``territory``: the topic's resolved places so
    far, as a weight per department code (where most of its stories happen)."""
    gaz = gaz or gazetteer()
    tokens = _tokens(text)
    found = _scan(tokens, gaz)
    return _resolve(text, tokens, found, gaz, territory or {})


def _scan(tokens: list[_Token], gaz: Gazetteer) -> list[_Found]:
    found: list[_Found] = []
    i = 0
    while i < len(tokens):
        match = _longest_name(tokens, i, gaz)
        if match is None:
            i += 1
            continue
        last, kind, candidates = match
        item = _judge(tokens, i, last, kind, candidates, gaz)
        if item is not None:
            found.append(item)
        i = last + 1
    return found


def _longest_name(
    tokens: list[_Token], i: int, gaz: Gazetteer
) -> tuple[int, Kind, list[str]] | None:
    first = tokens[i]
    # "au Mans", "Aux Sables-d'Olonne": the article is in the contraction, the name after it.
    article = CONTRACTED.get(first.word, "")
    if article and (i + 1 >= len(tokens) or not tokens[i + 1].capital):
        article = ""
    if not article and not first.capital:
        return None
    words: list[str] = []
    start = i + 1 if article else i
    best: tuple[int, Kind, list[str]] | None = None
    for j in range(start, min(len(tokens), start + gaz.longest_name + 1)):
        token = tokens[j]
        if j > start and not token.glued:
            break
        if not token.capital and token.word not in LINKS:
            break
        words.append(token.folded)
        if not token.capital:
            continue  # a name does not end on a link word
        # "du Pas-de-Calais" is "Pas-de-Calais", "au Mans" is "Le Mans".
        for name in (" ".join(words), f"{article} {' '.join(words)}" if article else ""):
            found = _named(name, gaz, _cue(tokens, start))
            if found is not None:
                best = (j, *found)
                break
    return best


def _named(name: str, gaz: Gazetteer, cue: str) -> tuple[Kind, list[str]] | None:
    if not name:
        return None
    communes = gaz.commune_names.get(name, [])
    if name in gaz.department_names:
        department = gaz.department_names[name]
        # "Paris" is the commune, the only one of its department; "à Vienne", a town of
        # 30,000, is the commune, but "à La Réunion" (a village of Lot-et-Garonne) the island.
        if communes and gaz.department_sizes.get(department) == 1:
            return "commune", list(communes)
        town = max((gaz.communes[c].population for c in communes), default=0) >= TOWN
        if not (town and cue in ("a", "au")):
            return "department", [department]
    if name in gaz.region_names:
        return "region", [gaz.region_names[name]]
    if communes:
        return "commune", list(communes)
    return None


def _cue(tokens: list[_Token], i: int) -> str:
    """The word before token ``i`` when it is glued to it ('' after punctuation)."""
    if i == 0 or not tokens[i].glued:
        return ""
    return tokens[i - 1].word


def _judge(
    tokens: list[_Token], first: int, last: int, kind: Kind, candidates: list[str], gaz: Gazetteer
) -> _Found | None:
    """Keep a name found, or drop it when it is part of a person's name or a common word."""
    start = first + 1 if tokens[first].word in CONTRACTED else first  # "au Mans"
    cue = _cue(tokens, start)
    previous = tokens[start - 1] if start > 0 else None
    if previous is not None and previous.word in TITLES:
        return None  # "M. Nancy"
    if previous is not None and tokens[start].glued and previous.word in ARTICLES:
        # "rue de Paris", "sur le Rhône": a street, or a river named like its department.
        before = tokens[start - 2].word if start > 1 and previous.glued else ""
        if kind == "department" and before in RIVER_CUES:
            return None
        cue = before
    if cue in STREETS or (
        start > 1 and cue in LINKS and tokens[start - 2].word in STREETS and previous is not None
    ):
        return None
    before_capital = (
        previous is not None
        and tokens[start].glued
        and previous.capital
        and previous.word not in FUNCTION_WORDS
        and previous.word not in ARTICLES
    )
    after_capital = last + 1 < len(tokens) and tokens[last + 1].glued and tokens[last + 1].capital
    organisation = _organisation_before(tokens, start)
    content = [t.word for t in tokens[start : last + 1] if t.word not in ARTICLES]
    if len(content) == 1 and content[0] in COMMON_WORDS:
        # "Orange recrute", "Latitude Nord Gironde": a word, unless a place is announced.
        cues = PLACE_CUES if kind == "commune" else PLACE_CUES | {"du", "de", "le"}
        if cue not in cues or after_capital or before_capital_word(tokens, start):
            return None
    # "Val de Loire", "Jean-Baptiste de Baudre": the name ends a longer proper name.
    compound = (
        previous is not None
        and tokens[start].glued
        and previous.word in ("de", "d", "du", "des")
        and start > 1
        and previous.glued
        and tokens[start - 2].capital
        and tokens[start - 2].word not in FUNCTION_WORDS
    )
    if before_capital or after_capital or compound:
        # Glued to other capitalised words: a person ("Eugénie Duval"), an organisation
        # ("Poitiers Habitat", "CCI Drôme", "Bordeaux Métropole"), or a title. Kept only
        # for an organisation.
        glued_to_organisation = before_capital and tokens[start - 1].word in ORGANISATION_WORDS
        if not (organisation or glued_to_organisation or _organisation_after(tokens, last)):
            return None
        organisation = True
    hint = _hint_after(tokens, last) or _postcode_before(tokens, start)
    return _Found(start, last, kind, candidates, organisation, hint)


def before_capital_word(tokens: list[_Token], start: int) -> bool:
    previous = tokens[start - 1] if start > 0 else None
    return bool(
        previous is not None
        and tokens[start].glued
        and previous.capital
        and previous.word not in FUNCTION_WORDS
        and previous.word not in ARTICLES
    )


def _organisation_before(tokens: list[_Token], start: int) -> bool:
    """An organisation word among the few words before, in the same clause."""
    j = start
    for _ in range(6):
        if j == 0 or not tokens[j].glued:
            return False
        j -= 1
        if tokens[j].word in WHERE_WORDS:
            return False  # "le forum de l'emploi à Tarbes"
        if tokens[j].word in ORGANISATION_WORDS or (
            j > 0 and (tokens[j - 1].word, tokens[j].word) in ORGANISATION_PAIRS
        ):
            return True
        if tokens[j].capital and tokens[j].word not in ARTICLES:
            continue
        if tokens[j].word not in LINKS:
            return False
    return False


def _organisation_after(tokens: list[_Token], last: int) -> bool:
    """An organisation word in the capitalised words glued after: "Dinan Agglomération",
    "Lannion Trégor Communauté"."""
    for token in tokens[last + 1 : last + 5]:
        if not token.glued or not (token.capital or token.word in LINKS):
            return False
        if token.word in ORGANISATION_WORDS:
            return True
    return False


def _hint_after(tokens: list[_Token], last: int) -> str:
    """A department number or postcode right after the name: "Libourne (33)", "(33500)"."""
    if last + 1 < len(tokens) and tokens[last + 1].text.isdigit():
        digits = tokens[last + 1].text
        if len(digits) in (2, 3, 5):
            return digits
    return ""


def _postcode_before(tokens: list[_Token], start: int) -> str:
    if start > 0 and tokens[start - 1].text.isdigit() and len(tokens[start - 1].text) == 5:
        return tokens[start - 1].text
    return ""


def _resolve(
    text: str,
    tokens: list[_Token],
    found: list[_Found],
    gaz: Gazetteer,
    territory: Mapping[str, float],
) -> list[Place]:
    named_departments = {f.candidates[0] for f in found if f.kind == "department"}
    named_regions = {f.candidates[0] for f in found if f.kind == "region"}
    # The departments of the places that need no help: the story's own neighbourhood.
    around = Counter(
        gaz.communes[f.candidates[0]].department
        for f in found
        if f.kind == "commune" and len(f.candidates) == 1 and not f.in_organisation
    )
    places = []
    for f in found:
        code, evidence = _choose(f, gaz, named_departments, named_regions, around, territory)
        start, end = tokens[f.first].start, tokens[f.last].end
        places.append(
            Place(
                start=start,
                end=end,
                text=text[start:end],
                kind=f.kind,
                code=code,
                candidates=tuple(f.candidates),
                in_organisation=f.in_organisation,
                evidence=evidence,
            )
        )
    return places


def _choose(
    f: _Found,
    gaz: Gazetteer,
    named_departments: set[str],
    named_regions: set[str],
    around: Counter[str],
    territory: Mapping[str, float],
) -> tuple[str | None, str]:
    if len(f.candidates) == 1:
        return f.candidates[0], "unique"
    communes = [gaz.communes[c] for c in f.candidates]
    steps: list[tuple[str, list[Commune]]] = []
    if f.code_hint:
        hint = f.code_hint
        steps.append(
            ("written", [c for c in communes if hint in c.postcodes or c.department == hint])
        )
    steps.append(("department", [c for c in communes if c.department in named_departments]))
    steps.append(("nearby", _best_by(communes, lambda c: around.get(c.department, 0))))
    steps.append(("region", [c for c in communes if c.region in named_regions]))
    steps.append(("territory", _best_by(communes, lambda c: territory.get(c.department, 0))))
    for evidence, kept in steps:
        if len(kept) == 1:
            return kept[0].code, evidence
    if named_departments or named_regions:
        return None, ""  # the text is about somewhere none of the namesakes is
    by_size = sorted(communes, key=lambda c: c.population, reverse=True)
    top, second = by_size[0], by_size[1]
    if top.population >= 10_000 and top.population >= 5 * max(second.population, 1):
        return top.code, "population"
    return None, ""


def _best_by(communes: list[Commune], score: Callable[[Commune], float]) -> list[Commune]:
    """The communes with the highest positive score (several when tied)."""
    scored = [(float(score(c)), c) for c in communes]
    best = max((s for s, _c in scored), default=0.0)
    if best <= 0:
        return []
    return [c for s, c in scored if s == best]
