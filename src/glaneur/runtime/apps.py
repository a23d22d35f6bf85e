from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RuntimeConfig(AppConfig):
    """How Glaneur runs: queues, periodic jobs, leases, and the demo, serve and worker
    commands."""

    name = "glaneur.runtime"
    verbose_name = _("Runtime")
