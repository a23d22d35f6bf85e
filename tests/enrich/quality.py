"""Scoring the analyser against the hand-annotated articles (tests/fixtures/enrich): used by
the quality test and by bench/enrich.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from glaneur.enrich.analysis.analyser import Result, analyse
from glaneur.enrich.analysis.text import fold, name_key

ARTICLES = Path(__file__).parents[1] / "fixtures" / "enrich" / "articles.yaml"


HELD_OUT = ARTICLES.with_name("heldout.yaml")


def articles(path: Path = ARTICLES) -> list[dict[str, Any]]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8")))


@dataclass
class Score:
    true: int = 0
    predicted: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:<10} P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
            f"({self.true} right, {self.predicted} found, {self.expected} expected)"
        )


def _gold_spans(text: str, quotes: list[dict[str, Any]]) -> list[tuple[int, int, str | None]]:
    spans = []
    for quote in quotes:
        start = text.index(quote["from"])
        end = text.index(quote["to"], start) + len(quote["to"])
        spans.append((start, end, quote["speaker"]))
    return spans


def _role(role: str) -> str:
    return " ".join(fold(role).replace("’", "'").split())


def score(run: Any = analyse, path: Path = ARTICLES) -> dict[str, Score]:
    """Quote spans (any overlap, one to one), speakers (over every expected quote), roles."""
    spans, speakers, roles = Score(), Score(), Score()
    for article in articles(path):
        text = article["text"]
        result: Result = run([("main_text", text)])
        gold = _gold_spans(text, article["quotes"])
        spans.predicted += len(result.quotes)
        spans.expected += len(gold)
        speakers.expected += sum(1 for g in gold if g[2])
        speakers.predicted += sum(1 for q in result.quotes if q.speaker)
        unmatched = list(result.quotes)
        for start, end, speaker in gold:
            match = next((q for q in unmatched if q.start < end and start < q.end), None)
            if match is None:
                spans.misses.append(f"{article['id']}: missed «{text[start:end][:50]}»")
                continue
            unmatched.remove(match)
            spans.true += 1
            actor = result.actor(match.speaker)
            said = actor.name if actor else None
            if speaker and said and name_key(said) == name_key(speaker):
                speakers.true += 1
            elif speaker or said:
                speakers.misses.append(f"{article['id']}: {said!r} for {speaker!r}")
        for q in unmatched:
            spans.misses.append(f"{article['id']}: extra «{q.text[:50]}»")
        gold_roles = {name_key(n): r for n, r in article["people"].items()}
        roles.expected += sum(1 for r in gold_roles.values() if r)
        found_roles = {a.key for a in result.actors if a.kind == "PER" and a.role}
        for key, role in gold_roles.items():
            if role and key not in found_roles:
                roles.misses.append(f"{article['id']}: no role for {key!r} ({role!r})")
        for actor in result.actors:
            if actor.kind != "PER" or not actor.role:
                continue
            roles.predicted += 1
            if _role(actor.role) == _role(gold_roles.get(actor.key, "")):
                roles.true += 1
            else:
                roles.misses.append(
                    f"{article['id']}: {actor.name}: {actor.role!r} for "
                    f"{gold_roles.get(actor.key)!r}"
                )
    return {"spans": spans, "speakers": speakers, "roles": roles}
