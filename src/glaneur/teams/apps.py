from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "glaneur.teams"
    verbose_name = _("Teams")

    def ready(self) -> None:
        from glaneur.curation import events

        from . import notices

        events.review_requested.connect(notices.on_review_requested, dispatch_uid="teams-ask")
        events.review_decided.connect(notices.on_review_decided, dispatch_uid="teams-decided")
