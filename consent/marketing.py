"""The one door for marketing email (§2.5, §3.5, §7.6, §8.3).

Every marketing message goes through :func:`marketing_send`, which (1) asks
``marketing_eligibility`` at send time, so an unsubscribe or objection is effective
immediately; (2) adds RFC 2369/8058 ``List-Unsubscribe`` + ``List-Unsubscribe-Post``
headers with a one-click link; (3) renders a template whose footer carries the unsubscribe
link, the basis we mail on, the "advertisement" label and the controller's postal address
(§8.3 CAN-SPAM). Only the kinds in ``MARKETING_KINDS`` may be sent this way, and each has
EN and RO templates that include ``emails/_marketing_footer.<lang>.txt``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from accounts.models import Notification
from accounts.notifications import notify
from micropim_privacy.policy import CONTROLLER

from .models import normalise_email
from .selectors import Eligibility, marketing_eligibility
from .tokens import unsubscribe_token, unsubscribe_url

MARKETING_KINDS = ("marketing_news",)


class MarketingNotAllowed(Exception):
    def __init__(self, eligibility: Eligibility) -> None:
        super().__init__(eligibility.reason.value)
        self.eligibility = eligibility


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 §3.1: an HTTPS URI, and the POST body a mail client sends to it."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def marketing_send(
    *,
    email: str,
    campaign: str,
    context: Mapping[str, Any],
    now: datetime,
    kind: str = "marketing_news",
    language: str | None = None,
) -> Notification | None:
    """Send one marketing email, or raise ``MarketingNotAllowed``.

    Returns None if this campaign already went to this address (dedupe: exactly once).
    """
    if kind not in MARKETING_KINDS:
        raise ValueError(f"{kind!r} is not a marketing email kind")
    decision = marketing_eligibility(email=email)
    if not decision.allowed:
        raise MarketingNotAllowed(decision)
    url = unsubscribe_url(unsubscribe_token(
        email_hash=decision.email_hash, customer_id=decision.customer.pk if decision.customer else None))
    lang = language or (decision.subscription.language if decision.subscription
                        else decision.customer.language if decision.customer else "en")
    return notify(
        kind=kind, customer=decision.customer, to_email=normalise_email(email), language=lang, now=now,
        context={**context, "unsubscribe_url": url, "basis": decision.basis.value if decision.basis else "",
                 "controller_name": CONTROLLER["name"], "postal_address": CONTROLLER["address"]},
        dedupe_key=f"marketing:{campaign}:{decision.email_hash}"[:200],
        headers=list_unsubscribe_headers(url),
    )
