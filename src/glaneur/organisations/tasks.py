"""Background work of organisations; thin wrappers."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import services
from .models import Domain


@task(queue_name=queues.DEFAULT)
def verify_domain(domain_id: int) -> str | None:
    """Checks a domain's DNS record; returns its status (None: the domain is gone)."""
    domain = Domain.objects.select_related("organisation").filter(pk=domain_id).first()
    if domain is None:
        return None
    return services.verify_domain(domain).status
