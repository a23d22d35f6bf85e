from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "glaneur.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from . import signals

        # Search subscribes to curation's posts_changed event; its hourly merge of shards
        # is in runtime.jobs with every other periodic job.
        signals.connect()
