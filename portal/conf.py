"""Settings of the portal, read at call time so tests can override them.

None of these is a legal period (those live only in ``micropim_privacy.policy``): they are
link lifetimes, rate limits and contact details.
"""

from __future__ import annotations

from django.conf import settings


def signin_link_max_age_seconds() -> int:
    """How long an emailed sign-in link works (single use)."""
    return int(getattr(settings, "PORTAL_SIGNIN_LINK_MAX_AGE_SECONDS", 30 * 60))


def public_base_url() -> str | None:
    """Absolute base for links in emails; None = the host of the request (ALLOWED_HOSTS-checked)."""
    value = getattr(settings, "PUBLIC_BASE_URL", None)
    return str(value).rstrip("/") if value else None


def privacy_email() -> str:
    """§14.1: the data protection contact's address (one setting, owned by accounts)."""
    from accounts.conf import privacy_contact_email

    return privacy_contact_email()


# Rate limits (django-ratelimit syntax "count/period", e.g. "5/h", "10/15m").
def rate(name: str) -> str:
    defaults = {
        "signin_ip": "20/h",  # sign-in link requests from one address
        "signin_email": "5/h",  # sign-in links mailed to one address
        "password_ip": "10/15m",  # password attempts from one address (django-axes locks too)
        "submit": "10/h",  # request submissions per signed-in subject
    }
    return str(getattr(settings, "PORTAL_RATE_LIMITS", {}).get(name, defaults[name]))
