"""Background work of the audience app; thin wrappers that take ids."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import digests, newsletter_issues


@task(queue_name=queues.MAIL)
def send_issue(issue_id: int) -> None:
    newsletter_issues.send_issue(issue_id)


@task(queue_name=queues.MAIL)
def send_due_digests() -> None:
    digests.send_due_digests()
