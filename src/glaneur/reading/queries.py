"""Read paths of the reader's pages that join several apps."""

from __future__ import annotations

from django.db import connection

from glaneur.audience.models import Follow
from glaneur.curation.models import Topic


def follow_state(user: object, topic: Topic) -> tuple[bool, int]:
    """(whether ``user`` follows ``topic``, how many follow it) in one SQL statement: every
    topic page asks, and the ORM's aggregate took ten times SQLite's run to build."""
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    quote = connection.ops.quote_name  # names from the model, never from input
    table = quote(Follow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = %s THEN 1 ELSE 0 END), 0) "  # noqa: S608
            f"FROM {table} WHERE topic_id = %s",
            [user_id, topic.pk],
        )
        followers, mine = cursor.fetchone()
    return bool(mine), int(followers)
