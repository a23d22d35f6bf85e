from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "glaneur.organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import hosts
        from .models import Domain

        # A domain added, verified, disabled or removed: this process forgets its set of
        # verified hosts at once (the others within GLANEUR_DOMAIN_CACHE_SECONDS).
        post_save.connect(hosts.forget, sender=Domain, dispatch_uid="organisations-domain-saved")
        post_delete.connect(hosts.forget, sender=Domain, dispatch_uid="organisations-domain-gone")
