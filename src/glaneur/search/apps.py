from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "glaneur.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from glaneur.curation.pipeline import register_step

        from . import signals
        from .services import STEP, index_soon

        # Search subscribes to curation's posts_changed event, and is the pipeline's
        # "index" step; its hourly merge of shards is in runtime.jobs.
        signals.connect()
        register_step(STEP, index_soon, _("search index"))
