"""Read paths of the territories: a topic's places (map, lists), posts in a place (``?lieu=``).

A place in a URL (``?lieu=``) is its INSEE code: a commune has five characters ("86194",
"2A004"), a department two or three ("79", "2A", "974"); a region is "r" and its code
("r75"), since region and department codes overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from glaneur.curation.models import Post

from .mapdata import department_boxes, department_names, department_paths, framed, overlaps, project
from .models import PostPlace


@dataclass(frozen=True)
class Lieu:
    kind: str
    code: str

    @property
    def param(self) -> str:
        return f"r{self.code}" if self.kind == PostPlace.Kind.REGION else self.code


def parse_lieu(value: str) -> Lieu | None:
    """The place a ``?lieu=`` value names, or None when it cannot be one."""
    value = value.strip()
    if value[:1] in ("r", "R") and value[1:].isdigit() and len(value) <= 4:
        return Lieu(PostPlace.Kind.REGION, value[1:])
    if len(value) == 5 and value[:2].isalnum() and value[2:].isdigit():
        return Lieu(PostPlace.Kind.COMMUNE, value.upper())
    if 2 <= len(value) <= 3 and value.isalnum():
        return Lieu(PostPlace.Kind.DEPARTMENT, value.upper())
    return None


def _in_place(lieu: Lieu) -> Q:
    """The places that lie in ``lieu``: itself, and for a department or a region the
    communes and departments inside it."""
    if lieu.kind == PostPlace.Kind.COMMUNE:
        return Q(kind=lieu.kind, code=lieu.code)
    if lieu.kind == PostPlace.Kind.DEPARTMENT:
        return Q(department=lieu.code) & ~Q(kind=PostPlace.Kind.REGION)
    return Q(region=lieu.code)


def post_ids_in(lieu: Lieu) -> QuerySet[PostPlace, int]:
    """Subquery: the ids of the posts that name a place in ``lieu`` (corrections applied)."""
    return (
        PostPlace.objects.filter(_in_place(lieu), removed=False)
        .values_list("post_id", flat=True)
        .distinct()
    )


def lieu_name(lieu: Lieu) -> str:
    """The place's name as stored with posts (no gazetteer in a web process)."""
    row = PostPlace.objects.filter(kind=lieu.kind, code=lieu.code).values("name").first()
    return row["name"] if row else lieu.param


def places_stamp(posts: QuerySet[Post]) -> str:
    """Changes when the places of these posts change (for cached pages filtered by place)."""
    row = PostPlace.objects.filter(post__in=posts).aggregate(last=Max("updated_at"), n=Count("pk"))
    return f"{row['n']}:{row['last'].timestamp() if row['last'] else 0}"


@dataclass
class MapArea:
    code: str
    name: str
    posts: int
    path: str
    shade: int  # 0 (none) to 5


@dataclass
class MapPoint:
    code: str
    name: str
    department: str
    posts: int
    x: float
    y: float
    radius: float


@dataclass
class TopicMap:
    view: tuple[float, float, float, float]  # x0, y0, x1, y1: framed on the shaded areas
    areas: list[MapArea]  # those in view
    points: list[MapPoint]
    regions: list[tuple[str, str, int]]  # code, name, posts
    posts: int  # posts with at least one place


def topic_map(posts: QuerySet[Post]) -> TopicMap:
    """The map of these posts' places (the caller passes what the reader may see): departments
    shaded by how many posts name them or a commune in them, a point per commune. Four
    queries, whatever the number of posts."""
    places = PostPlace.objects.filter(post__in=posts, removed=False)
    by_department = {
        row["department"]: row["n"]
        for row in places.exclude(department="")
        .exclude(kind=PostPlace.Kind.REGION)
        .values("department")
        .annotate(n=Count("post_id", distinct=True))
    }
    names = department_names()
    communes = list(
        places.filter(kind=PostPlace.Kind.COMMUNE)
        .values("code", "name", "department", "lon", "lat")
        .annotate(n=Count("post_id", distinct=True))
        .order_by("-n", "name")
    )
    regions = [
        (row["region"], row["name"], row["n"])
        for row in places.filter(kind=PostPlace.Kind.REGION)
        .values("region", "name")
        .annotate(n=Count("post_id", distinct=True))
        .order_by("-n", "name")
    ]
    located = places.values("post_id").distinct().count()
    top = max(by_department.values(), default=0)
    boxes = department_boxes()
    view = framed([boxes[code] for code in by_department if code in boxes])
    areas = [
        MapArea(
            code=code,
            name=names.get(code, code),
            posts=by_department.get(code, 0),
            path=path,
            shade=_shade(by_department.get(code, 0), top),
        )
        for code, path in sorted(department_paths().items())
        if overlaps(boxes[code], view)
    ]
    biggest = max((c["n"] for c in communes), default=1)
    points = []
    for c in communes:
        if c["lon"] is None or c["lat"] is None:
            continue
        x, y = project(c["lon"], c["lat"])
        if view[0] <= x <= view[2] and view[1] <= y <= view[3]:
            radius = round(3 + 7 * (c["n"] / biggest) ** 0.5, 1)
            points.append(MapPoint(c["code"], c["name"], c["department"], c["n"], x, y, radius))
    return TopicMap(view, areas, points, regions, located)


def _shade(count: int, top: int) -> int:
    if count <= 0 or top <= 0:
        return 0
    return max(1, min(5, round(5 * count / top)))
