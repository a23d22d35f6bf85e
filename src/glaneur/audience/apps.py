from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _enqueue_due_digests() -> bool:
    from .digests import digests_due
    from .tasks import send_due_digests

    if digests_due():
        send_due_digests.enqueue()
        return True
    return False


def _enqueue_due_issues() -> int:
    from .issues import due_issue_ids
    from .tasks import send_issue

    ids = due_issue_ids()
    for pk in ids:
        send_issue.enqueue(pk)
    return len(ids)


class AudienceConfig(AppConfig):
    name = "glaneur.audience"
    verbose_name = _("Audience")

    def ready(self) -> None:
        from glaneur.curation.scheduler import register

        # The scheduler only looks (one query) and hands the sending to a task worker.
        # Sends claim each message before speaking SMTP, so a task enqueued twice, or
        # run by two workers at once, still sends every message once.
        register("audience-digests", timedelta(minutes=5), _enqueue_due_digests)
        register("audience-newsletters", timedelta(seconds=15), _enqueue_due_issues)
