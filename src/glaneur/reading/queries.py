"""Read paths of the reader's pages that join several apps."""

from __future__ import annotations

from django.db.models import Count, Q

from glaneur.audience.models import Follow
from glaneur.curation.models import Topic


def follow_state(user: object, topic: Topic) -> tuple[bool, int]:
    """(whether ``user`` follows ``topic``, how many follow it) in one query."""
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    if user_id is None:
        return False, Follow.objects.filter(topic=topic).count()
    counts = Follow.objects.filter(topic=topic).aggregate(
        followers=Count("pk"), mine=Count("pk", filter=Q(user_id=user_id))
    )
    return bool(counts["mine"]), int(counts["followers"])
