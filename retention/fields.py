"""IP addresses are truncated before they are stored (§2.3 "IP address (anonymized - last octet
removed)"): IPv4 keeps its first three octets, IPv6 its first 48 bits (the site prefix).

The truncation sits in the model field itself, so no write path (save, bulk_create, update)
can store a whole address.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import models

IPV4_KEEP_BITS = 24
IPV6_KEEP_BITS = 48


def truncate_ip(value: str) -> str:
    """The stored form of an address. Raises ``ValueError`` for anything that is not one."""
    text = value.strip()
    if "%" in text or "/" in text:
        raise ValueError("not a plain IPv4 or IPv6 address")
    addr = ipaddress.ip_address(text)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped  # ::ffff:a.b.c.d is an IPv4 address: truncate it as one
    bits = IPV4_KEEP_BITS if addr.version == 4 else IPV6_KEEP_BITS
    return str(ipaddress.ip_network(f"{addr}/{bits}", strict=False).network_address)


class TruncatedIPAddressField(models.GenericIPAddressField):
    description = "IP address, truncated (IPv4 /24, IPv6 /48) before it is stored"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return None
        return truncate_ip(str(value))
