"""Which IP addresses the fetcher may connect to, and how a host becomes addresses.

``ingest.connections`` asks here and words the refusals. Only globally
routable unicast addresses pass. IPv6 forms that carry an IPv4 address (mapped,
compatible, 6to4, NAT64) are judged by the address they carry; Teredo is always refused.
The labels are marked for translation; ``ingest.connections`` translates them when it words
its error.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from concurrent.futures import ThreadPoolExecutor

from django.utils.translation import gettext_noop

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

PRIVATE = gettext_noop("private network")
DOCUMENTATION = gettext_noop("documentation")

_V4_REFUSED: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), label)
    for net, label in (
        ("0.0.0.0/8", gettext_noop("unspecified")),
        ("10.0.0.0/8", PRIVATE),
        ("100.64.0.0/10", gettext_noop("carrier-grade NAT")),
        ("127.0.0.0/8", gettext_noop("loopback")),
        ("169.254.0.0/16", gettext_noop("link-local")),
        ("172.16.0.0/12", PRIVATE),
        ("192.0.0.0/24", gettext_noop("protocol assignment")),
        ("192.0.2.0/24", DOCUMENTATION),
        ("192.88.99.0/24", gettext_noop("6to4 relay")),
        ("192.168.0.0/16", PRIVATE),
        ("198.18.0.0/15", gettext_noop("benchmarking")),
        ("198.51.100.0/24", DOCUMENTATION),
        ("203.0.113.0/24", DOCUMENTATION),
        ("224.0.0.0/4", gettext_noop("multicast")),
        ("240.0.0.0/4", gettext_noop("reserved")),  # includes the broadcast 255.255.255.255
    )
)

_V6_REFUSED: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), label)
    for net, label in (
        ("::/128", gettext_noop("unspecified")),
        ("::1/128", gettext_noop("loopback")),
        ("100::/64", gettext_noop("discard-only")),
        ("2001::/32", gettext_noop("Teredo tunnel")),
        ("2001::/23", gettext_noop("protocol assignment")),
        ("2001:db8::/32", DOCUMENTATION),
        ("3fff::/20", DOCUMENTATION),
        ("5f00::/16", gettext_noop("segment routing")),
        ("64:ff9b:1::/48", gettext_noop("local NAT64")),
        ("fc00::/7", PRIVATE),
        ("fe80::/10", gettext_noop("link-local")),
        ("fec0::/10", gettext_noop("site-local")),
        ("ff00::/8", gettext_noop("multicast")),
    )
)

_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NOT_GLOBAL = gettext_noop("non-public")

# getaddrinfo cannot be interrupted: it runs in these threads so that a deadline still holds.
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="glaneur-dns")

# The last label of a host decides whether it is written as an IPv4 number (WHATWG URL).
_NUMERIC_LABEL = re.compile(r"(?:[0-9]+|0x[0-9a-f]*)", re.IGNORECASE)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 transition form carries, if it is one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(ip: IPAddress) -> str | None:
    """Why the fetcher must not connect to ``ip`` (an untranslated label), or None."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            label = refusal(embedded)
            if label is not None or ip.ipv4_mapped is not None:
                return label
            # A public IPv4 address in a tunnelling form: no reason to go through it.
            return gettext_noop("IPv6 transition (6to4, NAT64 or IPv4-compatible)")
        for net6, label in _V6_REFUSED:
            if ip in net6:
                return label
        if ip not in _GLOBAL_UNICAST_V6 or not ip.is_global:
            return _NOT_GLOBAL
        return None
    for net4, label in _V4_REFUSED:
        if ip in net4:
            return label
    if not ip.is_global or ip.is_multicast or ip.is_reserved:
        return _NOT_GLOBAL
    return None


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a host written as a number stands for, or None for a name.

    Accepts every IPv4 notation resolvers accept (``2130706433``, ``0x7f000001``,
    ``0177.0.0.1``, ``127.1``) so that no notation reaches DNS or escapes the checks;
    raises ValueError for a host that looks numeric but is not a valid address.
    """
    host = host.strip().strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    last = host.rsplit(".", 1)[-1]
    if not _NUMERIC_LABEL.fullmatch(last):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError as exc:
        raise ValueError(f"{host!r} is not a valid IPv4 address") from exc


def lookup(host: str, port: int, timeout: float) -> list[IPAddress]:
    """The distinct addresses ``host`` resolves to, in the resolver's order.

    Raises socket.gaierror when the name does not resolve, TimeoutError after ``timeout``.
    """
    future = _resolver.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for family, _type, _proto, _name, sockaddr in future.result(timeout=max(timeout, 0.001)):
        if family in (socket.AF_INET, socket.AF_INET6):
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
            if ip not in addresses:
                addresses.append(ip)
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, f"no IPv4 or IPv6 address for {host}")
    return addresses
