"""The analyser: a post's texts in, its actors and its quotes with their speakers out.

Pure Python over spaCy (no database): the enrich services store what it finds, the tests
and the bench call it directly.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import lexicon
from . import nlp as pipeline
from .attribution import Attributor
from .people import (
    TITLE_NAME,
    Mention,
    Person,
    organisation_of,
    person_runs,
    role_after,
    role_before,
)
from .spans import Span, find_spans
from .text import name_key
from .verbs import is_speech_verb

if TYPE_CHECKING:
    from spacy.tokens import Doc

VERSION = 3  # raise it when the analyser changes: posts are analysed again in the background

# Words before a passage in marks that make it a name, not speech: « le programme « X » ».
NAMING = re.compile(
    r"(?:programme|dispositif|opération|intitulée?s?|baptisée?s?|appelée?s?|nommée?s?|label|"
    r"film|livre|ouvrage|exposition|spectacle|campagne|slogan|thème|prix|concours|projet|"
    r"festival|charte|plan|rallye|forum|salon|journée|semaine|devise|formule|mot d['’]ordre|"
    r"expression|dits?|dites?|mention|marque|collectif|appel|réseau|titre|site)\s*$",
    re.IGNORECASE,
)


@dataclass
class FoundQuote:
    field: str
    start: int  # offsets in the field's text, the quotation marks included
    end: int
    text: str
    speaker: str | None  # the key of an actor of ``Result.actors``
    how: str  # after, before, incise, selon, colon, intro, follow (or "" unattributed)


@dataclass
class Result:
    actors: list[Person] = field(default_factory=list)
    quotes: list[FoundQuote] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)  # nouns, proper nouns, adjectives
    version: int = VERSION

    def actor(self, key: str | None) -> Person | None:
        return next((a for a in self.actors if a.key == key), None)


def _context_offsets(text: str) -> set[int]:
    """Where a person's name can be expected: after "selon", "pour", "d'après", and after a
    speech verb (``explique Eric Buffo``)."""
    offsets = set()
    for match in re.finditer(r"\b(?:[Ss]elon|[Pp]our|[Dd]['’]après)\s+", text):
        offsets.add(match.end())
    for match in re.finditer(r"([\w’'-]+)(\s+)", text):
        word = re.sub(r"-t-(?:il|elle|on)$|-(?:il|elle|on)$", "", match.group(1))
        if is_speech_verb(word):
            offsets.add(match.end())
    return offsets


class _Post:
    """What is known of the post's people while its fields are read."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}
        self.surnames: dict[str, str] = {}

    def add(self, mention: Mention, role: str = "") -> None:
        person = self.people.get(mention.key)
        if person is None:
            person = self.people[mention.key] = Person(mention.key, mention.name, mention.kind)
        person.mentions += 1
        if role and not person.role:
            person.role = role
            person.organisation = organisation_of(role)
        if mention.kind == "PER":
            self.surnames.setdefault(mention.key.split(" ")[-1], mention.key)


def analyse(fields: Sequence[tuple[str, str]]) -> Result:
    """Actors and quotes of a post's texts (``(field name, text)``, in reading order)."""
    nlp = pipeline.load()
    texts = [(name, text) for name, text in fields if text.strip()]
    docs = list(nlp.pipe([text for _name, text in texts]))
    post = _Post()
    per_field: list[Field] = []
    for (name, text), doc in zip(texts, docs, strict=True):
        spans = find_spans(text)
        per = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"]
        tokens = _tokens(doc, text)
        nouns = frozenset(
            start for start, word, previous in tokens if lexicon.is_common_noun(word, previous)
        )
        mentions = person_runs(text, per, _context_offsets(text), nouns)
        for mention in mentions:
            role = role_after(text, mention.end, nouns) or role_before(text, mention.start, nouns)
            post.add(mention, role)
        for ent in doc.ents:
            if ent.label_ == "ORG" and len(ent.text) > 1:
                org = _org_mention(ent.start_char, ent.end_char, ent.text)
                if org is not None and not any(_overlaps(org, m) for m in mentions):
                    mentions.append(org)
                    post.add(org)
        per_field.append((name, text, tokens, spans, mentions))
    result = Result()
    for name, text, tokens, spans, mentions in per_field:
        mentions.extend(_surname_mentions(text, post, mentions))
        mentions.sort(key=lambda m: m.start)
        attributor = Attributor(text, mentions, spans, post.people)
        for span in spans:
            words, finite = _shape(tokens, span)
            found = attributor.attribute(span)
            if not _is_speech(text, span, words, finite, explicit=found.how in EXPLICIT):
                continue
            speaker = found.key if found.how else None
            attributor.spoke(span, speaker)
            result.quotes.append(
                FoundQuote(name, span.start, span.end, span.content(text), speaker, found.how)
            )
    result.actors = sorted(post.people.values(), key=lambda p: -p.mentions)
    result.keywords = _keywords(per_field)
    return result


MAX_KEYWORDS = 400
Word = tuple[int, str, str]  # where it starts, the word, the token before it


def _tokens(doc: Doc, text: str) -> list[Word]:
    """Each word with the token before it, read at once: iterating a Doc makes a Python
    object per token."""
    from spacy.attrs import IDX, IS_ALPHA, LENGTH

    words: list[Word] = []
    previous = ""
    for idx, length, alpha in doc.to_array([IDX, LENGTH, IS_ALPHA]).tolist():
        token = text[idx : idx + length]
        if alpha or token.replace("-", "").isalpha():
            words.append((idx, token, previous))
        previous = token
    return words


Field = tuple[str, str, list[Word], list[Span], list[Mention]]  # name, text, words, spans, names


def _keywords(fields: Sequence[Field]) -> list[str]:
    """The nouns, proper nouns and adjectives (``lexicon.is_keyword``): what a tag may be made
    of (the edit page's tag suggestions leave out verbs and adverbs with them)."""
    found: set[str] = set()
    for _name, _text, tokens, _spans, _mentions in fields:
        found.update(
            word.lower()
            for _start, word, previous in tokens
            if len(word) > 2 and lexicon.is_keyword(word, previous)
        )
    return sorted(found)[:MAX_KEYWORDS]


EXPLICIT = {"after", "before", "incise", "selon", "colon"}


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def _org_mention(start: int, end: int, text: str) -> Mention | None:
    name = re.sub(r"^(?:[Ll]a|[Ll]e|[Ll]es)\s+|^[Ll]['’]", "", text.strip())
    if not name or not any(c.isupper() for c in name):
        return None
    return Mention(start + len(text) - len(name), end, name, "ORG", "org:" + name_key(name))


def _surname_mentions(text: str, post: _Post, mentions: list[Mention]) -> list[Mention]:
    """A surname alone (``Buffo``, ``Mme Martin``) is the person of the post who bears it."""
    found = []
    taken = [(m.start, m.end) for m in mentions]
    for match in re.finditer(r"\b[A-ZÀ-ÖØ-Þ][\w’'-]+", text):
        key = post.surnames.get(name_key(match.group()))
        if key is None or any(s <= match.start() < e for s, e in taken):
            continue
        found.append(Mention(match.start(), match.end(), post.people[key].name, "PER", key))
        post.people[key].mentions += 1
    for match in TITLE_NAME.finditer(text):
        key = post.surnames.get(name_key(match.group(1)))
        if key is None and not any(s <= match.start(1) < e for s, e in taken):
            mention = Mention(
                match.start(), match.end(), match.group(), "PER", name_key(match.group())
            )
            found.append(mention)
            post.add(mention)
    return found


def _shape(tokens: list[Word], span: Span) -> tuple[int, bool]:
    """How many words the passage has, and whether it has a conjugated verb (terms and
    names in marks have none: « droit commun », « Rallye découverte des métiers »)."""
    words, finite = 0, False
    first = bisect_left(tokens, span.start, key=lambda token: token[0])
    for start, word, previous in tokens[first:]:
        if start >= span.end:
            break
        if any(s <= start < e for s, e in span.inner):
            continue
        words += 1
        finite = finite or lexicon.is_finite_verb(word, previous)
    return words, finite


def _is_speech(text: str, span: Span, words: int, finite: bool, *, explicit: bool) -> bool:
    before = text[max(0, span.start - 40) : span.start]
    content = span.content(text)
    ends_sentence = bool(re.search(r"[.!?…]\s*$", content))
    if NAMING.search(before) and not ends_sentence and not explicit:
        return False
    if explicit:
        # The model misses some verbs ("renoncent" taken for a noun): a speech verb
        # beside five words or more is evidence enough.
        return (words >= 3 and (finite or ends_sentence)) or words >= 5
    # A long fragment quoted within a sentence ("se prépare « au moins trois à cinq ans
    # à l'avance »") is speech; a title starts with a capital.
    return (words >= 5 and finite) or (words >= 7 and content[:1].islower())
