"""Every right, end to end: opened through the API, confirmed by the requester, worked in the
admin, read back through the API — across the 30-day edge (day 29 on track, day 31 overdue
and no longer extendable)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import Customer
from dsar.models import AccessPackage, DataSubjectRequest
from dsar.rights import RIGHTS, Family, Law
from micropim_privacy.policy import Deadlines
from tests.conftest import NOW

from .conftest import confirm_by_link, days

COMPLETE_FORM: dict[Family, dict[str, str]] = {
    Family.RECTIFICATION: {"corrections": '{"company_name": "Țesătoria Âmbră SRL"}'},
    Family.ERASURE: {"confirm_erasure": "on"},
    Family.OBJECTION: {"decision": "upheld", "grounds": "No overriding grounds for usage analytics."},
}


@pytest.mark.parametrize("right", [r for r in RIGHTS if not r.immediate], ids=lambda r: r.type.value)
def test_each_right_through_the_api_and_the_admin_across_day_30(  # type: ignore[no-untyped-def]
        right, api: APIClient, customer_a: Customer, staff_client, privacy_officer,
        django_capture_on_commit_callbacks) -> None:
    body: dict[str, Any] = {"type": right.type, "email": customer_a.email, "external_id": "cus-a"}
    if right.law == Law.US:
        body["jurisdiction"] = "us-ca"
    created = api.post("/api/v1/requests/", body, format="json").json()
    url = f"/api/v1/requests/{created['id']}/"
    dsr = DataSubjectRequest.objects.get(public_id=created["id"])
    admin = f"/admin/dsar/datasubjectrequest/{dsr.pk}/"
    assert dsr.due_at == Deadlines.REQUEST_RESPONSE.after(dsr.received_at)

    with time_machine.travel(NOW + days(1), tick=False):
        confirm_by_link()
        assert api.get(url).json()["verified"] is True
    with time_machine.travel(NOW + days(29), tick=False):
        page = staff_client(privacy_officer).get(f"{admin}change/").content.decode()
        assert "dsar-due_soon" in page  # day 29: due this week

    with time_machine.travel(NOW + days(31), tick=False):
        client = staff_client(privacy_officer)
        assert "dsar-overdue" in client.get(f"{admin}change/").content.decode()
        refused = client.post(f"{admin}act/extend/", {"reason": "complex"})
        assert refused.status_code == 409  # §7.10: too late to extend after day 30
        assert api.get(url).json()["extended"] is False
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=False):
            done = client.post(f"{admin}act/complete/", {"note": "", **COMPLETE_FORM.get(right.family, {})})
        assert done.status_code == 302, done.content.decode()[:2000]
        status = api.get(url).json()["status"] if right.family != Family.ERASURE else \
            DataSubjectRequest.objects.get(pk=dsr.pk).status
    if right.family == Family.ACCESS:  # built by the Celery task (test_access_package.py)
        assert status == "in_progress" and AccessPackage.objects.filter(request=dsr, state="building").exists()
    else:
        assert status == "completed"
        assert mail.outbox and mail.outbox[-1].subject.startswith("Am răspuns cererii")  # her language
