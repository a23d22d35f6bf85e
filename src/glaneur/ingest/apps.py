from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "glaneur.ingest"
    verbose_name = _("Ingest")

    def ready(self) -> None:
        from glaneur.curation.workers import on_abandoned

        from .services import give_up

        # A page whose reading killed its worker several times ends failed, with a reason.
        on_abandoned("glaneur.ingest.tasks.fetch_post", give_up)
