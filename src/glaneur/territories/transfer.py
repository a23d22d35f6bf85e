"""A post's places in the Glaneur JSON format (``"places": [...]`` in each post), corrections
included: registered with the transfer app as a post extra (``transfer.extras``)."""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from glaneur.transfer.extras import PostExtra

from .models import PostPlace


def export(post_ids: list[int]) -> dict[int, Any]:
    out: dict[int, list[dict[str, Any]]] = {}
    rows = PostPlace.objects.filter(post_id__in=post_ids).order_by("post_id", "kind", "code")
    for place in rows:
        out.setdefault(place.post_id, []).append(
            {
                "kind": place.kind,
                "code": place.code,
                "name": place.name,
                "weight": place.weight,
                "mentions": place.mentions,
                "in_story": place.in_story,
                "source": place.source,
                "removed": place.removed,
            }
        )
    return dict(out)


def check(value: Any) -> None:
    from .gazetteer import gazetteer

    gaz = gazetteer()
    known: dict[str, Container[str]] = {
        PostPlace.Kind.COMMUNE: gaz.communes.keys(),
        PostPlace.Kind.DEPARTMENT: gaz.departments.keys(),
        PostPlace.Kind.REGION: gaz.regions.keys(),
    }
    if not isinstance(value, list):
        raise ValueError("a list of places is expected")
    for n, place in enumerate(value, start=1):
        if not isinstance(place, dict):
            raise ValueError(f"[{n}]: a place is an object")
        kind, code = place.get("kind"), place.get("code")
        if kind not in known or not isinstance(code, str) or code not in known[kind]:
            raise ValueError(f"[{n}]: {kind!r} {code!r} is not a known place")
        if place.get("source", "text") not in PostPlace.Source.values:
            raise ValueError(f"[{n}]: source must be one of {', '.join(PostPlace.Source.values)}")
        if not isinstance(place.get("removed", False), bool):
            raise ValueError(f"[{n}]: removed must be true or false")


def restore(values: dict[int, Any]) -> None:
    from .services import _describe

    rows = []
    for post_id, places in values.items():
        for place in places:
            rows.append(
                _describe(place["kind"], place["code"]).row(
                    post_id,
                    weight=float(place.get("weight") or 0),
                    mentions=int(place.get("mentions") or 0),
                    in_story=bool(place.get("in_story", True)),
                    source=place.get("source", PostPlace.Source.TEXT),
                    removed=bool(place.get("removed", False)),
                )
            )
    PostPlace.objects.bulk_create(rows, ignore_conflicts=True)


PLACES = PostExtra(name="places", export=export, check=check, restore=restore)
