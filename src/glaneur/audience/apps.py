from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudienceConfig(AppConfig):
    """Accounts, follows, comments, digests and newsletters; digests and newsletters are sent
    by the periodic jobs of runtime.jobs."""

    name = "glaneur.audience"
    verbose_name = _("Audience")
