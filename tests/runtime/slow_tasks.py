"""A stand-in for a burst of mail: tasks on the mail queue that take a while each."""

from __future__ import annotations

import time

from django_tasks import task

from glaneur import queues


@task(queue_name=queues.MAIL)
def slow_mail(seconds: float) -> None:
    time.sleep(seconds)
