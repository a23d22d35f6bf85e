from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def _recover_abandoned_tasks() -> int:
    from .workers import recover_abandoned_tasks

    return recover_abandoned_tasks()


class CurationConfig(AppConfig):
    name = "glaneur.curation"
    verbose_name = _("Curation")

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .scheduler import register

        # Twice per lease: a task of a dead worker waits at most one and a half leases.
        every = timedelta(seconds=max(settings.GLANEUR_WORKER_LEASE / 2, 1))
        register("recover-abandoned-tasks", every, _recover_abandoned_tasks)
