"""Background ranking work; thin wrappers that take ids."""

from __future__ import annotations

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from glaneur import queues
from glaneur.curation.models import Topic

from . import ranking


@task(queue_name=queues.POLLING)
def rescore_topic(topic_id: int) -> None:
    """Score a topic's open candidates again (after feedback on a large inbox)."""
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is not None:
        ranking.rescore(topic)


def rescore_soon(topic_id: int) -> bool:
    """Enqueue a rescore of the topic unless one is already waiting (a cold polling round
    grows a pool by a quarter many times: one rescore after it does for all)."""
    waiting = DBTaskResult.objects.filter(
        task_path=rescore_topic.module_path, status="READY", args_kwargs__args=[topic_id]
    )
    if waiting.exists():
        return False
    rescore_topic.enqueue(topic_id)
    return True
