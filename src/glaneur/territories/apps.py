from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    """France's communes, departments and regions, offline, and finding them in a text."""

    name = "glaneur.territories"
    verbose_name = _("Territories")
