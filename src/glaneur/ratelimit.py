"""Rate limits of Glaneur's own endpoints, counted in the shared cache (glaneur.cache).

allauth limits log-ins, sign-ups and password resets itself (settings.ACCOUNT_RATE_LIMITS),
in the same cache; these helpers take the client's address the way allauth does, so one
setting (GLANEUR_TRUSTED_PROXY_COUNT) serves both behind a reverse proxy.
"""

from __future__ import annotations

import hashlib
import ipaddress

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth counts it: REMOTE_ADDR, or X-Forwarded-For when
    proxies are trusted; an IPv6 address stands for its /64 (one subscriber's network)."""
    address = str(get_adapter(request).get_client_ip(request))
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address


def consume(scope: str, key: str, *, limit: int, per: int, amount: int = 1) -> bool:
    """Count ``amount`` (requests, bytes…) for ``key`` in a window of ``per`` seconds that
    opens at its first use; False once the window's total passes ``limit``.

    ``add`` then ``incr``: each is atomic in every back end, so processes counting at the
    same moment never overwrite each other's hits (a get-then-set would).
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"glaneur:rl:{scope}:{per}:{digest}"
    if cache.add(cache_key, amount, timeout=per):
        return amount <= limit
    try:
        return cache.incr(cache_key, amount) <= limit
    except ValueError:  # the window closed between add and incr: this hit opens the next
        cache.add(cache_key, amount, timeout=per)
        return amount <= limit
