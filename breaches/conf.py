"""Settings of the breaches app. Each is ``BREACH_<NAME>`` in Django settings; none is required.

Read lazily (``conf.TIME_ZONE``), so ``override_settings`` works in tests.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from micropim_privacy.policy import CONTROLLER

DEFAULTS: dict[str, Any] = {
    # §14.4: "To report suspected security incidents or data breaches: Email ..." (the published
    # policy obfuscates the address). security.txt names it; clock alerts are copied to it.
    "SECURITY_CONTACT_EMAIL": "security@micropim.net",
    # §6.4 / Art. 33(3)(b): the contact point named to ANSPDCP and to the people affected.
    "CONTACT_POINT": (
        f"{CONTROLLER['privacy_contact']} (Data Protection Contact), {CONTROLLER['name']}, "
        f"privacy@micropim.net, {CONTROLLER['address']}"
    ),
    # Officers work in Romanian local time; the clock itself runs in UTC (DESIGN.md "Deadlines").
    "TIME_ZONE": "Europe/Bucharest",
    # Extra addresses that receive every clock alert besides the officers (e.g. the §14.4 mailbox).
    "ALERT_EXTRA_EMAILS": (),
    # Public (unauthenticated) security-report intake: size and rate limits.
    "PUBLIC_REPORT_MAX_BYTES": 32_768,
    "PUBLIC_REPORTS_PER_SOURCE_PER_HOUR": 5,
    "PUBLIC_REPORTS_PER_HOUR": 100,
    # RFC 9116 security.txt: the policy page, the canonical URL ("" = built from the request),
    # and how far ahead its Expires field lies.
    "SECURITY_POLICY_URL": "https://micropim.net/privacy-policy#14-4",
    "SECURITY_TXT_CANONICAL_URL": "",
    "SECURITY_TXT_VALID_DAYS": 180,
    # Where links in the officers' alerts point (the admin of this service).
    "SITE_URL": "http://127.0.0.1:8000",
    # Notices to the people affected go out in batches of this size, one transaction each.
    "NOTICE_BATCH_SIZE": 200,
}


def __getattr__(name: str) -> Any:
    if name not in DEFAULTS:
        raise AttributeError(name)
    return getattr(settings, f"BREACH_{name}", DEFAULTS[name])
