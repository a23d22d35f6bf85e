"""A post's actors, quotes and corrections in the Glaneur JSON format (``"voices": {...}``
in each post): registered with the transfer app as a post extra (``transfer.extras``).

The analysis version and text hash travel too, so an imported post whose text is the same
is not analysed again: what it holds is what the curator left, corrections included."""

from __future__ import annotations

from typing import Any

from glaneur.curation.models import Post
from glaneur.transfer.extras import PostExtra

from .analysis.text import name_key
from .models import Actor, ActorAlias, Analysis, Correction, Mention, Quote
from .services import actor_for

NAME = "voices"
KINDS = set(Actor.Kind.values)
CORRECTIONS = set(Correction.Kind.values)


def export(post_ids: list[int]) -> dict[int, Any]:
    out: dict[int, dict[str, Any]] = {}

    def entry(post_id: int) -> dict[str, Any]:
        return out.setdefault(post_id, {"actors": [], "quotes": [], "corrections": []})

    mentions = Mention.objects.filter(post_id__in=post_ids).select_related("actor")
    for m in mentions.order_by("post_id", "actor__kind", "actor__name"):
        keys = sorted(ActorAlias.objects.filter(actor=m.actor).values_list("key", flat=True))
        entry(m.post_id)["actors"].append(
            {
                "name": m.actor.name,
                "kind": m.actor.kind,
                "keys": keys,
                "role": m.role,
                "organisation": m.organisation,
                "count": m.count,
            }
        )
    quotes = Quote.objects.filter(post_id__in=post_ids).select_related("speaker")
    for q in quotes.order_by("post_id", "field", "start"):
        entry(q.post_id)["quotes"].append(
            {
                "text": q.text,
                "speaker": q.speaker.name if q.speaker else None,
                "field": q.field,
                "start": q.start,
                "end": q.end,
                "how": q.how,
                "corrected": q.corrected,
            }
        )
    for c in Correction.objects.filter(post_id__in=post_ids).order_by("post_id", "pk"):
        entry(c.post_id or 0)["corrections"].append(
            {"kind": c.kind, "subject": c.subject, "target": c.target, "name": c.target_name}
        )
    # Only posts where something was found: a post with nothing to tell is analysed again
    # after an import, and finds nothing again.
    for a in Analysis.objects.filter(post_id__in=list(out)):
        out[a.post_id]["analysis"] = {"version": a.version, "textHash": a.text_hash}
    return dict(out)


def _strings(item: dict[str, Any], *names: str) -> None:
    for name in names:
        if not isinstance(item.get(name, ""), str):
            raise ValueError(f"{name} must be a string")


def check(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValueError("an object with actors, quotes and corrections is expected")
    for n, actor in enumerate(value.get("actors", []), start=1):
        if not isinstance(actor, dict) or actor.get("kind") not in KINDS:
            raise ValueError(f"actor {n}: kind must be one of {', '.join(sorted(KINDS))}")
        if not isinstance(actor.get("name"), str) or not name_key(actor["name"]):
            raise ValueError(f"actor {n}: a name is needed")
        _strings(actor, "role", "organisation")
    for n, quote in enumerate(value.get("quotes", []), start=1):
        if not isinstance(quote, dict) or not isinstance(quote.get("text"), str):
            raise ValueError(f"quote {n}: a text is needed")
        if quote.get("speaker") is not None and not isinstance(quote["speaker"], str):
            raise ValueError(f"quote {n}: the speaker is a name or null")
    for n, correction in enumerate(value.get("corrections", []), start=1):
        if not isinstance(correction, dict) or correction.get("kind") not in CORRECTIONS:
            raise ValueError(
                f"correction {n}: kind must be one of {', '.join(sorted(CORRECTIONS))}"
            )
        _strings(correction, "subject", "target", "name")


def _actor(entry: dict[str, Any]) -> Actor:
    kind = entry["kind"]
    keys = [k for k in entry.get("keys", []) if isinstance(k, str) and k]
    key = keys[0] if keys else ("org:" if kind == "ORG" else "") + name_key(entry["name"])
    actor = actor_for(key, entry["name"], kind)
    for other in keys[1:]:
        ActorAlias.objects.get_or_create(
            key=other, defaults={"actor": actor, "name": entry["name"]}
        )
    return actor


def restore(values: dict[int, Any]) -> None:
    topics = dict(Post.objects.filter(pk__in=list(values)).values_list("pk", "topic_id"))
    for post_id, value in values.items():
        by_name: dict[str, Actor] = {}
        for entry in value.get("actors", []):
            actor = _actor(entry)
            by_name[entry["name"]] = actor
            Mention.objects.get_or_create(
                post_id=post_id,
                actor=actor,
                defaults={
                    "role": entry.get("role", "")[:200],
                    "organisation": entry.get("organisation", "")[:200],
                    "count": int(entry.get("count") or 1),
                },
            )
        quotes = []
        for entry in value.get("quotes", []):
            name = entry.get("speaker")
            speaker = by_name.get(name) if name else None
            if name and speaker is None:
                speaker = by_name[name] = actor_for(name_key(name), name, Actor.Kind.PERSON)
            quotes.append(
                Quote(
                    post_id=post_id,
                    speaker=speaker,
                    text=entry["text"],
                    field=str(entry.get("field", "main_text"))[:20],
                    start=int(entry.get("start") or 0),
                    end=int(entry.get("end") or 0),
                    how=str(entry.get("how", ""))[:10],
                    corrected=bool(entry.get("corrected", False)),
                )
            )
        Quote.objects.bulk_create(quotes)
        Correction.objects.bulk_create(
            Correction(
                topic_id=topics[post_id],
                post_id=post_id,
                kind=c["kind"],
                subject=c.get("subject", ""),
                target=c.get("target", ""),
                target_name=c.get("name", ""),
            )
            for c in value.get("corrections", [])
        )
        analysis = value.get("analysis")
        if isinstance(analysis, dict):
            Analysis.objects.update_or_create(
                post_id=post_id,
                defaults={
                    "version": int(analysis.get("version") or 0),
                    "text_hash": str(analysis.get("textHash", ""))[:64],
                },
            )


VOICES = PostExtra(name=NAME, export=export, check=check, restore=restore)
