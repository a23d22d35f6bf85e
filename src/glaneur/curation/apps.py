from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurationConfig(AppConfig):
    name = "glaneur.curation"
    verbose_name = _("Curation")

    def ready(self) -> None:
        from . import events, signals  # noqa: F401

        events.connect()
