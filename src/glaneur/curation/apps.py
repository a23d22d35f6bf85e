from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurationConfig(AppConfig):
    name = "glaneur.curation"
    verbose_name = _("Curation")

    def ready(self) -> None:
        from glaneur.runtime.workers import on_abandoned

        from . import events, signals  # noqa: F401
        from .pipeline import give_up

        events.connect()
        # A page whose reading killed its worker several times ends failed, with a reason.
        on_abandoned("glaneur.curation.tasks.read_post", give_up)
