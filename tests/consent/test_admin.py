"""Staff see consent proofs, subscriptions and suppressions in the admin; every view is logged (§6.1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import AccessLogEntry
from consent.models import Subscription

from .conftest import subscribe_and_confirm

pytestmark = pytest.mark.django_db


def test_privacy_officer_reads_and_can_unsubscribe(privacy_officer: User,
                                                   staff_client: Callable[[User], Client]) -> None:
    sub = subscribe_and_confirm("reader@example.com", now=datetime(2026, 3, 10, tzinfo=UTC))
    client = staff_client(privacy_officer)
    for model in ("consentrecord", "subscription", "suppression"):
        assert client.get(f"/admin/consent/{model}/").status_code == 200
    assert client.get(f"/admin/consent/subscription/{sub.pk}/change/").status_code == 200
    assert AccessLogEntry.objects.filter(object_type="consent.subscription", action="view").exists()
    response = client.post("/admin/consent/subscription/", {"action": "unsubscribe", "_selected_action": [sub.pk]})
    assert response.status_code == 302
    assert Subscription.objects.get().status == "unsubscribed"


def test_support_agents_see_nothing_of_it(support_agent: User, staff_client: Callable[[User], Client]) -> None:
    assert staff_client(support_agent).get("/admin/consent/subscription/").status_code == 403
