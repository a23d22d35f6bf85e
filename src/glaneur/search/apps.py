from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _enqueue_merge() -> bool:
    from .services import shards_to_merge
    from .tasks import merge_shards

    if shards_to_merge():
        merge_shards.enqueue()
        return True
    return False


class SearchConfig(AppConfig):
    name = "glaneur.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from glaneur.curation.scheduler import register

        from . import signals

        signals.connect()
        # Hourly: gathering small shards copies rows and builds an index (seconds), so
        # the scheduler hands it to a task worker.
        register("search-merge-shards", timedelta(hours=1), _enqueue_merge)
