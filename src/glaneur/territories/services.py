"""The ``places`` step: find the places of posts, store them, keep curators' corrections.

Every caller uses these functions: the subscriber to curation's events (``locate_soon``),
the worker's task, ``glaneur places``, and the pages (corrections). The text is read and
the places found outside any transaction; each post's rows are then replaced in a short one.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from glaneur.curation import pipeline
from glaneur.curation.models import Post
from glaneur.curation.services import authenticated, check_can_edit_post

from .models import LocatedPost, PlaceLookup, PostPlace

if TYPE_CHECKING:
    from glaneur.curation.access import AnyUser

logger = logging.getLogger(__name__)

STEP = "places"  # this app's step of the post pipeline (curation.pipeline.register_step)
VERSION = 1  # of the finder (resolve.py): a new one locates every post again
CHUNK = 100
FIELDS = ("title", "summary", "main_text", "insight")


@dataclass
class LocateReport:
    located: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def locate_soon(post_ids: Iterable[int], *, force: bool = False) -> None:
    """Have these posts located: by the worker (``GLANEUR_LOCATE_IN_WORKER``, the default),
    else here at once. Call it after the posts' commit."""
    from .tasks import locate_posts as locate_task

    pipeline.run_step_soon(
        post_ids,
        in_worker=settings.GLANEUR_LOCATE_IN_WORKER,
        run=lambda ids: locate_posts(ids, force=force),
        enqueue=lambda ids: locate_task.enqueue(ids, force),
        chunk=CHUNK,
    )


def rerun(post_ids: list[int]) -> None:
    locate_soon(post_ids, force=True)


def text_of(post: Post) -> str:
    return "\n\n".join(str(getattr(post, name) or "") for name in FIELDS)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def topic_territory(topic_id: int) -> dict[str, float]:
    """Where a topic's stories happen: the weight of its posts' places per department."""
    rows = (
        PostPlace.objects.filter(post__topic_id=topic_id, removed=False, in_story=True)
        .exclude(department="")
        .values("department")
        .annotate(total=Sum("weight"))
    )
    return {row["department"]: float(row["total"]) for row in rows}


def locate_posts(post_ids: Iterable[int], *, force: bool = False) -> LocateReport:
    """Find and store the places of these posts (those whose text changed, unless
    ``force``); records the step's outcome for each."""
    report = LocateReport()
    for chunk in _chunks(sorted(set(post_ids))):
        posts = list(Post.objects.filter(pk__in=chunk).only("pk", "topic_id", *FIELDS))
        known = dict(
            LocatedPost.objects.filter(post__in=chunk, version=VERSION).values_list(
                "post_id", "text_hash"
            )
        )
        territories: dict[int, dict[str, float]] = {}
        for post in posts:
            text = text_of(post)
            digest = _digest(text)
            if not force and known.get(post.pk) == digest:
                report.unchanged.append(post.pk)
                continue
            try:
                if post.topic_id not in territories:
                    territories[post.topic_id] = topic_territory(post.topic_id)
                found = _places_in(text, territories[post.topic_id])
                _store(post.pk, found, digest)
            except Exception as error:
                logger.exception("locating post %s failed", post.pk)
                report.failed[post.pk] = str(error) or error.__class__.__name__
                pipeline.record_step(STEP, [post.pk], error=report.failed[post.pk])
            else:
                report.located.append(post.pk)
        done = set(report.located) | set(report.unchanged)
        pipeline.record_step(STEP, [pk for pk in chunk if pk in done])
    return report


@dataclass
class _Found:
    kind: str
    code: str
    name: str
    department: str
    region: str
    lon: float | None = None
    lat: float | None = None
    weight: float = 0
    mentions: int = 0
    in_story: bool = False

    def row(self, post_id: int, **extra: Any) -> PostPlace:
        """The place as a row of ``post_id`` (``extra``: source, removed, updated_at…)."""
        values = {
            "weight": self.weight,
            "mentions": self.mentions,
            "in_story": self.in_story,
            **extra,
        }
        return PostPlace(
            post_id=post_id,
            kind=self.kind,
            code=self.code,
            name=self.name,
            department=self.department,
            region=self.region,
            lon=self.lon,
            lat=self.lat,
            **values,
        )


def _places_in(text: str, territory: dict[str, float]) -> dict[tuple[str, str], _Found]:
    from .gazetteer import gazetteer
    from .resolve import find_places

    gaz = gazetteer()
    found: dict[tuple[str, str], _Found] = {}
    for place in find_places(text, territory=territory, gaz=gaz):
        if place.code is None:
            continue
        item = found.get((place.kind, place.code))
        if item is None:
            item = found[place.kind, place.code] = _describe(place.kind, place.code)

        item.weight += place.weight
        item.mentions += 1
        item.in_story = item.in_story or not place.in_organisation
    return found


def _describe(kind: str, code: str) -> _Found:
    """A place's name, department, region and point, from the gazetteer."""
    from .gazetteer import gazetteer

    gaz = gazetteer()
    if kind == PostPlace.Kind.COMMUNE and code in gaz.communes:
        c = gaz.communes[code]
        return _Found(kind, code, c.name, c.department, c.region, c.lon, c.lat)
    if kind == PostPlace.Kind.DEPARTMENT and code in gaz.departments:
        d = gaz.departments[code]
        return _Found(kind, code, d.name, d.code, d.region, d.lon, d.lat)
    if kind == PostPlace.Kind.REGION and code in gaz.regions:
        return _Found(kind, code, gaz.regions[code], "", code)
    raise ValueError(f"unknown {kind} {code!r}")


def _store(post_id: int, found: dict[tuple[str, str], _Found], digest: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        kept = {
            (p.kind, p.code)
            for p in PostPlace.objects.select_for_update().filter(post_id=post_id)
            if p.removed or p.source == PostPlace.Source.PERSON
        }
        PostPlace.objects.filter(
            post_id=post_id, source=PostPlace.Source.TEXT, removed=False
        ).delete()
        PostPlace.objects.bulk_create(
            [f.row(post_id, updated_at=now) for key, f in found.items() if key not in kept]
        )
        LocatedPost.objects.update_or_create(
            post_id=post_id,
            defaults={"text_hash": digest, "version": VERSION, "located_at": now},
        )


def correct_place(post: Post, *, by: AnyUser, kind: str, code: str, keep: bool) -> PostPlace:
    """A curator adds a place to a post (``keep``) or drops one; kept across analyses.
    Raises ValueError for a place the gazetteer does not know."""
    check_can_edit_post(by, post)
    return _correct(post, kind, code, keep=keep)


def _correct(post: Post, kind: str, code: str, *, keep: bool) -> PostPlace:
    with transaction.atomic():
        place = (
            PostPlace.objects.select_for_update().filter(post=post, kind=kind, code=code).first()
        )
        if place is None:
            # A new place: only then the gazetteer (worker, CLI, API), never the edit page.
            place = _describe(kind, code).row(post.pk, weight=0.0, mentions=0, in_story=False)
        if keep:
            place.removed = False
            place.source = PostPlace.Source.PERSON
            place.in_story = True
            place.weight = max(place.weight, 1.0)
        else:
            place.removed = True
        place.updated_at = timezone.now()
        place.save()
    return place


def request_place(post: Post, *, by: AnyUser, text: str) -> PlaceLookup:
    """A curator adds a place by its name or code from the edit page: the worker looks it
    up (the web process never loads the gazetteer); the page shows it pending, then the
    place, or the reason it was not found."""
    check_can_edit_post(by, post)
    text = " ".join(text.split())[:200]
    lookup = PlaceLookup.objects.create(post=post, text=text, requested_by=authenticated(by))
    from .tasks import look_up_place

    pk = lookup.pk
    if settings.GLANEUR_LOCATE_IN_WORKER:
        transaction.on_commit(lambda: look_up_place.enqueue(pk))
    else:
        transaction.on_commit(lambda: run_lookup(pk))
    return lookup


def run_lookup(lookup_id: int) -> None:
    """Find the place a curator typed and add it to the post, kept across analyses."""
    from .lookup import NotFound, lookup

    request = PlaceLookup.objects.filter(pk=lookup_id).select_related("post").first()
    if request is None or request.state != PlaceLookup.State.PENDING:
        return
    post = request.post
    near = topic_territory(post.topic_id)
    for department in (
        PostPlace.objects.filter(post=post, removed=False)
        .exclude(department="")
        .values_list("department", flat=True)
    ):
        near[department] = near.get(department, 0.0) + 1000.0  # the post's own first
    try:
        place = lookup(request.text, near=near)
    except NotFound as exc:
        PlaceLookup.objects.filter(pk=request.pk).update(
            state=PlaceLookup.State.FAILED, error=str(exc)[:500]
        )
        return
    with transaction.atomic():
        _correct(post, place.kind, place.code, keep=True)
        request.delete()


def dismiss_lookup(lookup: PlaceLookup, *, by: AnyUser) -> None:
    check_can_edit_post(by, lookup.post)
    lookup.delete()


def places_by_post(post_ids: Iterable[int]) -> dict[int, list[PostPlace]]:
    """The places to show for each post, most weighty first (one query)."""
    out: dict[int, list[PostPlace]] = defaultdict(list)
    rows = PostPlace.objects.filter(post_id__in=list(post_ids), removed=False).order_by(
        "-weight", "name"
    )
    for place in rows:
        out[place.post_id].append(place)
    return dict(out)
