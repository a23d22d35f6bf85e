from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrichConfig(AppConfig):
    name = "glaneur.enrich"
    verbose_name = _("Actors and quotes")

    def ready(self) -> None:
        from glaneur.curation.pipeline import register_step
        from glaneur.transfer.extras import register_post_extra

        from . import signals
        from .services import STEP, retry
        from .transfer import VOICES

        # Enrich subscribes to curation's posts_ready and posts_changed events, and is the
        # pipeline's "enrich" step (curation never imports it).
        signals.connect()
        register_step(STEP, retry, _("actors and quotes"))
        # A post's actors, quotes and corrections travel in the Glaneur JSON export.
        register_post_extra(VOICES)
