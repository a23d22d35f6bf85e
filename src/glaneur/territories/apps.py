from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    """France's communes, departments and regions, offline; the places each post names."""

    name = "glaneur.territories"
    verbose_name = _("Territories")

    def ready(self) -> None:
        from glaneur.curation.pipeline import register_step
        from glaneur.transfer.extras import register_post_extra

        from . import signals
        from .services import STEP, rerun
        from .transfer import PLACES

        # The pipeline's "places" step, run on curation's posts_changed event (curation
        # never imports this app).
        signals.connect()
        register_step(STEP, rerun, _("places"))
        # A post's places travel in the Glaneur JSON export, corrections included.
        register_post_extra(PLACES)
