"""§2.3: only an address prefix and a browser family are kept. Pure functions, no database."""

from __future__ import annotations

import pytest

from consent.anonymise import ip_prefix, user_agent_family


@pytest.mark.parametrize(("address", "kept"), [
    ("203.0.113.77", "203.0.113.0"),
    ("10.1.2.255", "10.1.2.0"),
    ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"),
    ("2001:0db8:00ff:ffff::1", "2001:db8:ff::"),
    ("::ffff:198.51.100.23", "198.51.100.0"),
    ("fe80::1%eth0", "fe80::"),
    ("", ""), (None, ""), ("not-an-ip", ""), ("999.1.1.1", ""),
])
def test_ip_prefix(address: str | None, kept: str) -> None:
    assert ip_prefix(address) == kept


@pytest.mark.parametrize(("ua", "family"), [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", "Chrome"),
    ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/124.0 Safari/537.36 Edg/124.0", "Edge"),
    ("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", "Safari"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox"),
    ("Mozilla/5.0 AppleWebKit/537.36 Chrome/124.0 Safari/537.36 OPR/109.0", "Opera"),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Bot"),
    ("curl/8.5.0", "Other"), ("", ""), (None, ""),
])
def test_user_agent_family(ua: str | None, family: str) -> None:
    assert user_agent_family(ua) == family
