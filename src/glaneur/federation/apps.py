from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "glaneur.federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from glaneur.curation import events

        from . import services

        # Federation subscribes to curation's events: a post made public goes out as a
        # Create, an edit as an Update, a removal or unpublishing as a Delete.
        events.posts_published.connect(services.on_published, dispatch_uid="federation-pub")
        events.posts_changed.connect(services.on_changed, dispatch_uid="federation-changed")
        events.topic_visibility_changed.connect(
            services.on_visibility_changed, dispatch_uid="federation-visibility"
        )
