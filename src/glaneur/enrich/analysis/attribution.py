"""Who said it: a passage's speaker from the words around it.

In order: a speech verb in an incise inside the passage (« …, ajoute X, … »), right after it
(« … », explique X / a-t-elle précisé), before it in the same sentence (X explique : « … »;
"Selon X, « … »"; "Pour X, « … »"; a colon); else the person named last before it since the
previous quote (the paragraph that introduces a speaker); else the last speaker (a quote that
follows on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .people import ROLE_WORDS, Mention, Person
from .spans import Span
from .text import fold, paragraph_of, paragraphs, sentence_start
from .verbs import is_speech_verb

PRONOUN = re.compile(r"^(?:-t-|-)(?:il|elle|on|ils|elles)$")
AFTER = re.compile(
    r"[\s,.]*(?:(?:a|avait|aura|ont|avaient)(?:-t-(?:il|elle|on|ils|elles))?\s+)?"
    r"(?:se\s+|s['’]\s*)?(?P<verb>[\w’'-]+?)(?P<pron>-t-(?:il|elle|on)|-(?:il|elle|on|ils|elles))?"
    r"(?=[\s,.;:!?)]|$)"
)
AUX_PRONOUN = re.compile(r"^[\s,.]*(?:a|avait|aura|ont|avaient)-t-(?:il|elle|on|ils|elles)\s")
ADVERBS = {"encore", "aussi", "ainsi", "alors", "enfin", "également", "volontiers", "simplement"}
# Between the verb and the speaker: « … », assure de son côté X / souligne pour sa part X.
ADVERBIALS = {
    "de son côté", "de leur côté", "pour sa part", "pour leur part", "à son tour",
    "quant à lui", "quant à elle", "lui aussi", "elle aussi", "pour conclure",
    "aujourd'hui", "aujourd’hui", "en souriant", "en riant",
}  # fmt: skip
SKIP_ADVERBS = re.compile(
    r"\s*(?:(?:"
    + "|".join(re.escape(a) for a in sorted(ADVERBS | ADVERBIALS, key=len, reverse=True))
    + r"),?\s+)*"
)
SELON = re.compile(r"\b(?:[Ss]elon|[Pp]our|[Dd]['’]après|[Aa]ux yeux d['e]\s?)\s*")
SUBJECT_PRONOUN = re.compile(
    r"\b(?:il|elle|Il|Elle)\s+(?:le\s+|l['’]\s*|nous\s+|leur\s+)?([\w’'-]+)"
)


@dataclass(frozen=True)
class Found:
    key: str | None
    how: str


NOBODY = Found(None, "")


class Attributor:
    def __init__(
        self, text: str, mentions: list[Mention], spans: list[Span], people: dict[str, Person]
    ) -> None:
        self.text = text
        self.spans = spans
        # Names inside a passage are what the speaker talks about, never a speaker.
        self.mentions = [m for m in mentions if not any(s.start < m.start < s.end for s in spans)]
        self.people = people
        self.paragraphs = paragraphs(text)
        self.last_speaker: str | None = None
        self.last_end = 0

    def spoke(self, span: Span, speaker: str | None) -> None:
        if speaker is not None:
            self.last_speaker = speaker
        self.last_end = span.end

    # The rules, in order.
    def attribute(self, span: Span) -> Found:
        for rule in (self._incise, self._after, self._before):
            found = rule(span)
            if found.key is not None:
                return found
        return self._intro(span) or self._follow()

    def _paragraph_bounds(self, offset: int) -> tuple[int, int]:
        if not self.paragraphs:
            return 0, len(self.text)
        return self.paragraphs[paragraph_of(self.paragraphs, offset)]

    def _mention_at(self, offset: int, slack: int = 3) -> Mention | None:
        for mention in self.mentions:
            if offset <= mention.start <= offset + slack:
                return mention
        return None

    def _subject(self, offset: int, pronoun: bool) -> Found:
        """The speaker named at ``offset`` (after a speech verb), or meant by a pronoun."""
        if pronoun:
            return Found(self._pronoun(offset), "")
        rest = self.text[offset : offset + 120]
        skipped = SKIP_ADVERBS.match(rest)
        start = offset + (skipped.end() if skipped else 0)
        mention = self._mention_at(start)
        if mention is not None:
            return Found(mention.key, "")
        # "explique la directrice de l'agence", "le maire": the person with that role.
        words = [fold(w) for w in re.findall(r"[\w’'-]+", self.text[start : start + 60])[:3]]
        for word in words:
            if word in ROLE_WORDS:
                for person in self.people.values():
                    if person.role and word in fold(person.role).split():
                        return Found(person.key, "")
                # A role and the name just after it: "la directrice, Anne Roy, ".
                later = next((m for m in self.mentions if start < m.start < start + 80), None)
                return Found(later.key if later else None, "")
        return NOBODY

    def _pronoun(self, offset: int) -> str | None:
        """Who "il" or "elle" is: the person named last since the previous quote (a new
        speaker being introduced), else the last speaker, else the last person named."""
        before = [m for m in self.mentions if m.end <= offset and m.kind == "PER"]
        since = [m for m in before if m.start >= self.last_end]
        if since:
            return since[-1].key
        if self.last_speaker is not None:
            return self.last_speaker
        return before[-1].key if before else None

    def _incise(self, span: Span) -> Found:
        inside = self.text[span.start : span.end]
        for match in re.finditer(r",\s*(?:»\s*)?([\w’'-]+)", inside):
            verb, _dash, suffix = match.group(1).partition("-")
            suffix = "-" + suffix if suffix else ""
            if not is_speech_verb(verb):
                continue
            offset = span.start + match.end()
            if PRONOUN.match(suffix):
                found = Found(self._pronoun(offset), "incise")
            else:
                found = Found(self._subject(offset, False).key, "incise")
            if found.key is not None and self.text[offset : offset + 200].find(",") >= 0:
                return found
        return NOBODY

    def _after(self, span: Span) -> Found:
        _start, paragraph_end = self._paragraph_bounds(span.start)
        end = max(paragraph_end, span.end)
        match = AFTER.match(self.text, span.end, end)
        if match is not None and is_speech_verb(match.group("verb")):
            pronoun = bool(match.group("pron")) or bool(AUX_PRONOUN.match(match.group()))
            found = self._subject(match.end(), pronoun)
            return Found(found.key, "after")
        # « … », Eric Buffo explique / le résume ainsi.
        mention = self._mention_at(span.end, slack=4)
        if mention is not None and mention.start < end:
            following = re.findall(r"[\w’'-]+", self.text[mention.end : mention.end + 80])[:4]
            if any(is_speech_verb(word) for word in following):
                return Found(mention.key, "after")
        return NOBODY

    def _before(self, span: Span) -> Found:
        paragraph_start, _end = self._paragraph_bounds(span.start)
        floor = max(paragraph_start, self.last_end if self.last_end <= span.start else 0)
        start = sentence_start(self.text, span.start, floor)
        pre = self.text[start : span.start]
        mentions = [m for m in self.mentions if start <= m.start and m.end <= span.start]
        for match in SELON.finditer(pre):
            mention = self._mention_at(start + match.end())
            if mention is not None:
                return Found(mention.key, "selon")
        colon = pre.rstrip().endswith(":")
        verbs = [m for m in re.finditer(r"[\w’'-]+", pre) if is_speech_verb(m.group())]
        people = [m for m in mentions if m.kind == "PER"] or mentions
        if (colon or verbs) and people:
            if verbs:
                # The subject: the person named before the verb (with their apposition),
                # else the one just after it (an inversion: "explique Anne Roux :").
                at = start + verbs[-1].start()
                earlier = [m for m in people if m.start < at]
                subject = earlier[-1] if earlier else people[0]
                return Found(subject.key, "before")
            return Found(people[-1].key, "colon")
        if verbs and SUBJECT_PRONOUN.search(pre):
            return Found(self._pronoun(span.start), "before")
        if colon and self.last_speaker and re.search(r"\b(?:il|elle)\b", pre, re.IGNORECASE):
            return Found(self.last_speaker, "colon")
        return NOBODY

    def _intro(self, span: Span) -> Found | None:
        """The person named last since the previous quote, in this paragraph or the one
        before: the paragraph introduces the speaker ("Pour X, … . « … »")."""
        index = paragraph_of(self.paragraphs, span.start) if self.paragraphs else 0
        floor = self.paragraphs[max(index - 1, 0)][0] if self.paragraphs else 0
        floor = max(floor, self.last_end if self.last_end <= span.start else 0)
        named = [
            m for m in self.mentions if floor <= m.start and m.end <= span.start and m.kind == "PER"
        ]
        if named:
            return Found(named[-1].key, "intro")
        return None

    def _follow(self) -> Found:
        if self.last_speaker is not None:
            return Found(self.last_speaker, "follow")
        return NOBODY
