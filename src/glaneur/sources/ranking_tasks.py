"""Background ranking work; thin wrappers that take ids."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues
from glaneur.curation.models import Topic

from . import ranking


@task(queue_name=queues.POLLING)
def rescore_topic(topic_id: int) -> None:
    """Score a topic's open candidates again (after feedback on a large inbox)."""
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is not None:
        ranking.rescore(topic)
