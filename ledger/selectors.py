"""Reads shared by the admin, the jobs and the commands."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from accounts.roles import PRIVACY_OFFICER

from .models import Finding


def privacy_officers() -> list[User]:
    """Who the watchdog alerts: active privacy officers (and superusers) with an address."""
    return list(User.objects.filter(Q(groups__name=PRIVACY_OFFICER) | Q(is_superuser=True),
                                    is_active=True).exclude(email="").distinct().order_by("pk"))


def needs_attention() -> QuerySet[Finding]:
    return Finding.objects.filter(state=Finding.State.OPEN).order_by("first_seen_at", "id")


def staff_users() -> QuerySet[User]:
    """Who a finding (or its request) can be reassigned to."""
    return User.objects.filter(is_staff=True, is_active=True).order_by("username")
