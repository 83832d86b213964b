"""Bad input gets a clear 4xx and changes nothing (API and admin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import AccessLogEntry
from breaches.models import Breach

from .conftest import FACTS, utc

NOW = utc(2026, 3, 10, 9, 0)
GOOD = {**FACTS, "discovered_at": "2026-03-10T08:00:00Z", "occurred_at": "2026-03-09T22:00:00Z"}


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("change", "field", "message"), [
    ({"discovered_at": "2026-03-10T09:01:00Z"}, "discovered_at", "cannot be discovered in the future"),
    ({"occurred_at": "2026-03-10T08:30:00Z"}, "occurred_at", "cannot occur after it was discovered"),
    ({"occurred_at": "2026-03-11T08:30:00Z"}, "occurred_at", "cannot occur in the future"),
    ({"approx_subjects": -1}, "approx_subjects", "greater than or equal to 0"),
    ({"approx_records": -5}, "approx_records", "greater than or equal to 0"),
    ({"risk_level": "high", "risk_reasoning": ""}, "risk_reasoning", "needs its reasoning"),
    ({"data_categories": ["passwords"]}, "data_categories", "not a valid choice"),
    ({"discovered_at": "yesterday"}, "discovered_at", "wrong format"),
    ({"colour": "red"}, "colour", "Unknown field"),
])
def test_api_refuses_bad_facts_and_writes_nothing(
    officer_client: Client, change: dict[str, Any], field: str, message: str
) -> None:
    response = post(officer_client, "/api/v1/breaches/", {**GOOD, **change})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert message.lower() in str(body["errors"][field]).lower()
    assert not Breach.objects.exists()
    assert not AccessLogEntry.objects.filter(action="api_write").exists()


@time_machine.travel(NOW, tick=False)
def test_api_records_good_facts_with_the_stored_deadline(officer_client: Client) -> None:
    response = post(officer_client, "/api/v1/breaches/", GOOD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == f"BR-2026-{Breach.objects.get().pk:04d}"
    assert body["authority_deadline_at"] == "2026-03-13T08:00:00Z"
    assert body["time_left"] == "71 h 00 min left"
    assert body["clock_running"] is True


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("change", "field"), [
    ({"discovered_at": "2026-03-11T08:00:00Z"}, "discovered_at"),
    ({"occurred_at": "2026-03-10T08:30:00Z"}, "occurred_at"),  # after the stored discovery
    ({"approx_subjects": -3}, "approx_subjects"),
    ({"risk_level": "none"}, "risk_reasoning"),  # the stored reasoning is kept... unless blanked:
])
def test_api_patch_refuses_bad_facts_and_changes_nothing(
    officer_client: Client, make_breach: Callable[..., Breach], change: dict[str, Any], field: str
) -> None:
    breach = make_breach(discovered_at=utc(2026, 3, 10, 8, 0), now=NOW, risk_level="unassessed",
                         risk_reasoning="")
    before = Breach.objects.values().get(pk=breach.pk)
    response = officer_client.patch(f"/api/v1/breaches/{breach.reference}/", change,
                                    content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert Breach.objects.values().get(pk=breach.pk) == before


@time_machine.travel(NOW, tick=False)
def test_a_risk_assessment_records_who_and_when(
    officer_client: Client, security_officer: User, make_breach: Callable[..., Breach]
) -> None:
    breach = make_breach(discovered_at=utc(2026, 3, 10, 8, 0), now=NOW, risk_level="unassessed",
                         risk_reasoning="")
    response = officer_client.patch(f"/api/v1/breaches/{breach.reference}/", {
        "risk_level": "high", "risk_reasoning": "Passwords hashes and e-mails together."},
        content_type="application/json")
    assert response.status_code == 200, response.content
    breach.refresh_from_db()
    assert (breach.risk_level, breach.risk_assessed_at, breach.risk_assessed_by) == ("high", NOW, security_officer)


ADMIN_FORM = {
    "title": "Laptop stolen", "detected_by": "Office manager", "nature": "Unencrypted laptop stolen",
    "risk_level": "unassessed", "contact_point": "privacy@micropim.net",
    **{f"{p}-TOTAL_FORMS": "0" for p in ("authority_reports", "alerts", "reports")},
    **{f"{p}-INITIAL_FORMS": "0" for p in ("authority_reports", "alerts", "reports")},
}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("times", "field", "message"), [
    # The admin reads times in Bucharest: 11:30 EET is 09:30 UTC, after "now" (09:00 UTC).
    ({"discovered_at_1": "11:30:00"}, "discovered_at", "cannot be discovered in the future"),
    ({"discovered_at_1": "10:30:00", "occurred_at_0": "2026-03-10", "occurred_at_1": "10:45:00"},
     "occurred_at", "cannot occur after it was discovered"),
    ({"discovered_at_1": "10:30:00", "approx_subjects": "-2"}, "approx_subjects", "greater than or equal to 0"),
])
def test_admin_refuses_bad_facts_with_400_and_writes_nothing(
    officer_client: Client, times: dict[str, str], field: str, message: str
) -> None:
    response = officer_client.post("/admin/breaches/breach/add/",
                                   {**ADMIN_FORM, "discovered_at_0": "2026-03-10", **times})
    assert response.status_code == 400
    assert message in str(response.context["adminform"].form.errors[field])
    assert not Breach.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_admin_reads_local_time_and_stores_utc(officer_client: Client) -> None:
    response = officer_client.post("/admin/breaches/breach/add/", {
        **ADMIN_FORM, "discovered_at_0": "2026-03-10", "discovered_at_1": "10:30:00"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    breach = Breach.objects.get()
    assert breach.discovered_at == utc(2026, 3, 10, 8, 30)
    assert breach.authority_deadline_at == utc(2026, 3, 13, 8, 30)
    assert AccessLogEntry.objects.filter(action="add", object_id=str(breach.pk)).exists()
