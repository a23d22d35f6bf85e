"""Which addresses the fetcher refuses: pure checks, no connection is ever made."""

from __future__ import annotations

import ipaddress

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from glaneur.ingest.addresses import parse_ip_literal, refusal
from glaneur.ingest.connections import check_address
from glaneur.ingest.fetch_errors import FetchError

REFUSED = [
    "0.0.0.0",  # noqa: S104 (a host to refuse, not a bind)
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",
    "192.0.0.170",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "192.88.99.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fec0::1",  # site-local: Python calls it global
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "2001:db8::1",
    "3fff::1",
    "100::1",
    "5f00::1",
    "2001::1",  # Teredo
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo with a public server
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible
    "::8.8.8.8",  # IPv4-compatible, deprecated whatever it carries
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
]

ALLOWED = [
    "93.184.216.34",
    "8.8.8.8",
    "2606:2800:220:1:248:1893:25c8:1946",
    "2a01:e0a:1::1",
    "::ffff:93.184.216.34",  # a mapped public address is that public address
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(FetchError) as caught:
        check_address(ipaddress.ip_address(address))
    assert caught.value.code == "blocked_address"
    assert not caught.value.transient
    assert address.split("%")[0] in caught.value.reason or "::" in address


@pytest.mark.parametrize("address", ALLOWED)
def test_public_unicast_addresses_are_allowed(address: str) -> None:
    check_address(ipaddress.ip_address(address))


def test_the_reason_names_the_kind_of_address() -> None:
    with translation.override("en"), pytest.raises(FetchError) as caught:
        check_address(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert "loopback" in caught.value.reason
    with translation.override("fr"), pytest.raises(FetchError) as caught:
        check_address(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert "boucle locale" in caught.value.reason


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1", "127.0.0.1."]
)
def test_every_ipv4_notation_means_loopback(host: str) -> None:
    assert parse_ip_literal(host) == ipaddress.IPv4Address("127.0.0.1")


def test_ipv6_literals_with_or_without_brackets() -> None:
    assert parse_ip_literal("[::ffff:127.0.0.1]") == ipaddress.ip_address("::ffff:127.0.0.1")
    assert parse_ip_literal("::1") == ipaddress.ip_address("::1")


@pytest.mark.parametrize("host", ["localhost", "example.org", "0x7f.example.org", "a1"])
def test_names_are_not_literals(host: str) -> None:
    assert parse_ip_literal(host) is None


@pytest.mark.parametrize("host", ["256.0.0.1", "1.2.3.4.5", "08.0.0.1", "example.123"])
def test_hosts_that_look_numeric_but_are_not_addresses_are_rejected(host: str) -> None:
    with pytest.raises(ValueError, match="not a valid IPv4"):
        parse_ip_literal(host)


@given(st.ip_addresses(v=4))
def test_ipv6_forms_of_a_refused_ipv4_address_are_refused(ip: ipaddress.IPv4Address) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
    nat64 = ipaddress.IPv6Address((0x64FF9B << 96) | int(ip))
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (int(ip) << 80) | 1)
    assert (refusal(mapped) is None) == (refusal(ip) is None)
    if refusal(ip) is not None:
        assert refusal(nat64) is not None
        assert refusal(sixtofour) is not None


@given(st.ip_addresses())
def test_refusal_agrees_with_pythons_idea_of_non_global(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    """Stricter than ``is_global`` (multicast, site-local, transition forms), never looser."""
    if not ip.is_global or ip.is_multicast:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            return  # judged by the IPv4 address it carries
        assert refusal(ip) is not None
