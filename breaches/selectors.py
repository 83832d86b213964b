"""Reads shared by the admin, the API and the jobs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from accounts.roles import PRIVACY_OFFICER, SECURITY_OFFICER

from . import conf
from .models import Breach

OFFICER_ROLES = (SECURITY_OFFICER, PRIVACY_OFFICER)


def clock_running() -> Q:
    """Breaches whose clock runs: notification required (Art. 33(1)) and ANSPDCP not yet told."""
    return Q(authority_notified_at__isnull=True) & ~Q(risk_level=Breach.Risk.NONE)


def register() -> QuerySet[Breach]:
    return Breach.objects.annotate(affected_count=Count("affected", distinct=True)).order_by(
        "-discovered_at", "-id")


@dataclass(frozen=True)
class Recipient:
    key: str  # stable, for dedupe keys; never the address itself
    email: str


def officer_recipients() -> list[Recipient]:
    """Active security and privacy officers with an email, then the extra addresses (conf)."""
    users = (get_user_model().objects.filter(is_active=True, groups__name__in=OFFICER_ROLES)
             .exclude(email="").distinct().order_by("pk"))
    found = [Recipient(key=f"u{u.pk}", email=u.email) for u in users]
    seen = {r.email.lower() for r in found}
    for email in conf.ALERT_EXTRA_EMAILS:
        if email.lower() not in seen:
            seen.add(email.lower())
            found.append(Recipient(key="x" + hashlib.sha256(email.lower().encode()).hexdigest()[:12],
                                   email=email))
    return found
