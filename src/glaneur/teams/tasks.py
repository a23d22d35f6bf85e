"""The team's mails, on the mail queue; thin wrappers that take ids."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import notices


@task(queue_name=queues.MAIL)
def send_invitation(invitation_id: int) -> None:
    notices.send_invitation(invitation_id)


@task(queue_name=queues.MAIL)
def tell_reviewers(post_id: int) -> None:
    notices.tell_reviewers(post_id)


@task(queue_name=queues.MAIL)
def tell_contributor(post_id: int) -> None:
    notices.tell_contributor(post_id)
