"""The DNS TXT check of a custom domain (dnspython), against GLANEUR_DNS_NAMESERVERS or the
system's resolvers. Runs in the worker only: a DNS server may take seconds to answer."""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.nameserver
import dns.resolver
from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    reason: str = ""  # why not, in words a person can act on


def resolver() -> dns.resolver.Resolver:
    servers = settings.GLANEUR_DNS_NAMESERVERS
    result = dns.resolver.Resolver(configure=not servers)
    if servers:
        result.nameservers = [_nameserver(item) for item in servers]
    result.lifetime = settings.GLANEUR_DNS_TIMEOUT
    result.timeout = settings.GLANEUR_DNS_TIMEOUT
    return result


def _nameserver(item: str) -> dns.nameserver.Nameserver:
    """``1.2.3.4``, ``1.2.3.4:5353``, ``::1`` or ``[::1]:5353``."""
    address, port = item, 53
    if item.startswith("["):
        address, _sep, rest = item[1:].partition("]")
        port = int(rest.lstrip(":") or 53)
    elif item.count(":") == 1:
        address, _sep, port_text = item.partition(":")
        port = int(port_text)
    return dns.nameserver.Do53Nameserver(address, port)


def check_txt(record_name: str, token: str) -> CheckResult:
    """Whether a TXT record at ``record_name`` holds ``token`` (one of its strings)."""
    try:
        answer = resolver().resolve(record_name, "TXT", search=False)
    except dns.resolver.NXDOMAIN:
        return CheckResult(
            False, _("There is no DNS record named %(name)s.") % {"name": record_name}
        )
    except dns.resolver.NoAnswer:
        return CheckResult(False, _("%(name)s has no TXT record.") % {"name": record_name})
    except (dns.resolver.NoNameservers, dns.exception.Timeout):
        return CheckResult(
            False,
            _("No DNS server answered for %(name)s; it will be checked again.")
            % {"name": record_name},
        )
    except dns.exception.DNSException as error:
        return CheckResult(
            False,
            _("The DNS query for %(name)s failed: %(error)s")
            % {"name": record_name, "error": error},
        )
    found = [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]
    if token in found:
        return CheckResult(True)
    return CheckResult(
        False,
        _("The TXT record of %(name)s holds %(found)s, not this domain's token.")
        % {"name": record_name, "found": ", ".join(repr(text[:80]) for text in found)},
    )
