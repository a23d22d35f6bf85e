import atexit

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "glaneur.analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from glaneur.cache import create_cache_tables

        from .services import flush_pending_views

        # Rate limits count in the shared cache: by default a database table, made wherever
        # `migrate` runs (demo, tests, deployments), so no one can forget it.
        post_migrate.connect(create_cache_tables, sender=self)
        # Views kept back while the database was busy are written before the process ends.
        atexit.register(flush_pending_views)
