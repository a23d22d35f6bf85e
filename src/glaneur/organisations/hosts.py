"""The verified custom domains, as a mapping held in each process.

The host routing middleware asks it on every request, so it costs no query: it is loaded
once, then again after GLANEUR_DOMAIN_CACHE_SECONDS (other processes' changes), and
forgotten at once when this process saves or deletes a Domain (signals, see apps.py).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings

_lock = threading.Lock()
_hosts: dict[str, int] | None = None
_loaded_at = 0.0


def verified_hosts() -> dict[str, int]:
    """{host: organisation id} of the verified domains."""
    global _hosts, _loaded_at
    hosts = _hosts
    if hosts is not None and time.monotonic() - _loaded_at < settings.GLANEUR_DOMAIN_CACHE_SECONDS:
        return hosts
    from .models import Domain

    with _lock:
        rows = Domain.objects.filter(status=Domain.Status.VERIFIED).values_list(
            "host", "organisation_id"
        )
        hosts = dict(rows)
        _hosts, _loaded_at = hosts, time.monotonic()
    return hosts


def organisation_for(host: str) -> int | None:
    return verified_hosts().get(host.lower().rstrip("."))


def forget(*_args: Any, **_kwargs: Any) -> None:
    global _hosts
    _hosts = None
