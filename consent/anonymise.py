"""What we keep of a visitor's connection: an address prefix and a browser family, no more.

§2.3: "IP address (anonymized - last octet removed)"; for IPv6 only the first 48 bits (the
routing prefix of a site) are kept. The user agent is reduced to its family ("Firefox"),
never the full string or version (fingerprinting material).
"""

from __future__ import annotations

import ipaddress
import re

from django.http import HttpRequest

from . import conf


def ip_prefix(address: str | None) -> str:
    """``203.0.113.7`` → ``203.0.113.0``; ``2001:db8:1:2::5`` → ``2001:db8:1::``; junk → ``""``."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip().split("%")[0])
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def client_address(request: HttpRequest) -> str | None:
    header = conf.client_ip_header()
    if header and request.META.get(header):
        # The last entry is the one our own proxy appended; earlier ones are client-supplied.
        return str(request.META[header]).split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Bot", re.compile(r"bot|crawler|spider|slurp|headlesschrome/.*lighthouse", re.I)),
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|Chromium/|CriOS/")),
    ("Safari", re.compile(r"Version/[\d.]+.*Safari/")),
)


def user_agent_family(user_agent: str | None) -> str:
    if not user_agent:
        return ""
    for family, pattern in _FAMILIES:
        if pattern.search(user_agent[:512]):
            return family
    return "Other"
