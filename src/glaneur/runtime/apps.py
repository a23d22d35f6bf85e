from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RuntimeConfig(AppConfig):
    """How Glaneur runs: queues, periodic jobs, leases, and the demo, serve and worker
    commands."""

    name = "glaneur.runtime"
    verbose_name = _("Runtime")

    def ready(self) -> None:
        from glaneur.curation.pipeline import give_up

        from .workers import on_abandoned

        # A page whose reading killed its worker several times ends failed, with a reason.
        on_abandoned("glaneur.curation.tasks.read_post", give_up)
