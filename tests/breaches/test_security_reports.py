"""§14.4: security reports come in through the API (systems with a token, or anyone, limited)
and the admin; the officers are told at once, without the report's content in the email."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.test.utils import override_settings
from rest_framework.test import APIClient

from accounts.models import AccessLogEntry
from breaches.jobs import security_report_alerts
from breaches.models import Breach, SecurityReport

from .conftest import utc

NOW = utc(2026, 3, 10, 9, 0)
REPORT = {"summary": "Customer export visible to another tenant",
          "details": "While logged in as tenant A I could download tenant B's CSV at /export/123."}
URL = "/api/v1/security-reports/"


@pytest.fixture(autouse=True)
def _frozen(db: None) -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_system_reports_with_its_token_and_the_officers_are_alerted_once(
    api: APIClient, officers: list[User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, {**REPORT, "personal_data_involved": True}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    report = SecurityReport.objects.get()
    assert body == {"reference": report.reference, "received_at": "2026-03-10T09:00:00Z", "status": "received"}
    assert (report.channel, report.api_client.name, report.source_hash) == ("system", "app.micropim.net", "")
    assert sorted(m.to[0] for m in mail.outbox) == ["priya@micropim.net", "sid@micropim.net"]
    assert all(REPORT["details"] not in m.body and REPORT["summary"] not in m.body for m in mail.outbox)
    assert f"/admin/breaches/securityreport/{report.pk}/change/" in mail.outbox[0].body
    assert AccessLogEntry.objects.filter(actor_client=report.api_client, action="api_write").exists()
    # The catch-up job finds nothing left to send.
    assert security_report_alerts(as_of=NOW, dry_run=False) == {"reports": 0, "emails": 0}
    assert len(mail.outbox) == 2


def test_the_job_alerts_when_the_after_commit_alert_never_ran(anon_api: APIClient, officers: list[User]) -> None:
    assert anon_api.post(URL, REPORT, format="json").status_code == 201  # on_commit never runs here
    assert mail.outbox == []
    assert security_report_alerts(as_of=NOW, dry_run=False) == {"reports": 1, "emails": 2}
    assert security_report_alerts(as_of=NOW, dry_run=False) == {"reports": 0, "emails": 0}


def test_anyone_may_report_without_a_token(anon_api: APIClient) -> None:
    response = anon_api.post(URL, {**REPORT, "reporter_email": "researcher@example.org"}, format="json")
    assert response.status_code == 201
    report = SecurityReport.objects.get()
    assert report.channel == "public" and report.api_client is None and len(report.source_hash) == 64
    assert "127.0.0.1" not in report.source_hash


@override_settings(BREACH_PUBLIC_REPORTS_PER_SOURCE_PER_HOUR=2, BREACH_PUBLIC_REPORTS_PER_HOUR=3)
def test_public_reports_are_rate_limited_per_sender_and_overall(anon_api: APIClient, api: APIClient) -> None:
    assert [anon_api.post(URL, REPORT, format="json").status_code for _ in range(3)] == [201, 201, 429]
    limited = anon_api.post(URL, REPORT, format="json")
    assert limited.status_code == 429 and int(limited["Retry-After"]) == 3601
    assert "try again later" in limited.json()["detail"]
    other = APIClient(REMOTE_ADDR="203.0.113.9")
    assert other.post(URL, REPORT, format="json").status_code == 201  # another sender...
    assert APIClient(REMOTE_ADDR="203.0.113.10").post(URL, REPORT, format="json").status_code == 429  # ...cap
    assert api.post(URL, REPORT, format="json").status_code == 201  # systems are not limited
    assert SecurityReport.objects.count() == 4
    with time_machine.travel(NOW + timedelta(hours=1, seconds=1), tick=False):
        assert anon_api.post(URL, REPORT, format="json").status_code == 201


@pytest.mark.parametrize(("body", "status", "field"), [
    ({**REPORT, "details": "x" * 10_001}, 400, "details"),
    ({**REPORT, "summary": ""}, 400, "summary"),
    ({**REPORT, "reporter_email": "not-an-address"}, 400, "reporter_email"),
    ({**REPORT, "occurred_at": "2026-03-11T00:00:00Z"}, 400, "occurred_at"),
    ({**REPORT, "attachment": "evil.exe"}, 400, "attachment"),
    ({"summary": "x", "details": "ț" * 17_000}, 413, None),  # 34 KB of Romanian text
])
def test_bad_or_oversized_reports_are_refused_and_nothing_is_kept(
    anon_api: APIClient, body: dict[str, Any], status: int, field: str | None
) -> None:
    response = anon_api.post(URL, body, format="json")
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["errors"]
    else:
        assert "at most" in response.json()["detail"]
    assert not SecurityReport.objects.exists()


def test_a_bad_token_is_401_not_a_public_report(anon_api: APIClient) -> None:
    anon_api.credentials(HTTP_AUTHORIZATION="Token nope")
    assert anon_api.post(URL, REPORT, format="json").status_code == 401
    assert not SecurityReport.objects.exists()


def test_the_public_form_takes_reports_too(officers: list[User]) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/security/report/")
    assert page.status_code == 200 and "Raportați un incident de securitate" in page.content.decode()
    token = page.cookies["csrftoken"].value
    response = client.post("/security/report/", {**REPORT, "csrfmiddlewaretoken": token})
    assert response.status_code == 201
    assert SecurityReport.objects.get().reference in response.content.decode()
    assert client.post("/security/report/", {"summary": "", "csrfmiddlewaretoken": token}).status_code == 400


def test_officers_enter_and_triage_reports_in_the_admin(officer_client: Client, security_officer: User) -> None:
    added = officer_client.post("/admin/breaches/securityreport/add/", {
        **REPORT, "reporter_name": "Call from a customer", "personal_data_involved": "unknown"})
    assert added.status_code == 302, added.context["adminform"].form.errors
    report = SecurityReport.objects.get()
    assert (report.channel, report.entered_by) == ("staff", security_officer)
    page = officer_client.get(f"/admin/breaches/securityreport/{report.pk}/change/").content.decode()
    assert f"/admin/breaches/breach/add/?source_report={report.pk}" in page
    refused = officer_client.post(f"/admin/breaches/securityreport/{report.pk}/change/",
                                  {"status": "not_a_breach", "triage_note": ""})
    assert refused.status_code == 400
    closed = officer_client.post(f"/admin/breaches/securityreport/{report.pk}/change/",
                                 {"status": "not_a_breach", "triage_note": "Tenant B is the same company."})
    assert closed.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.triaged_by, report.triaged_at) == ("not_a_breach", security_officer, NOW)


def test_a_report_becomes_a_breach_whose_clock_starts_at_receipt(officer_client: Client, api: APIClient) -> None:
    with time_machine.travel(NOW - timedelta(hours=3), tick=False):
        api.post(URL, REPORT, format="json")
    report = SecurityReport.objects.get()
    form = officer_client.get(f"/admin/breaches/breach/add/?source_report={report.pk}")
    assert REPORT["summary"] in form.content.decode()
    assert form.context["adminform"].form.initial["discovered_at"] == report.received_at
    response = officer_client.post("/api/v1/breaches/", {
        "title": "Cross-tenant export", "discovered_at": report.received_at.isoformat(),
        "detected_by": "External report", "nature": REPORT["details"], "source_report": report.reference},
        content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["security_reports"] == [report.reference]
    assert response.json()["time_left"] == "69 h 00 min left"
    report.refresh_from_db()
    assert report.status == "breach" and report.breach == Breach.objects.get()
    again = officer_client.post("/api/v1/breaches/", {
        "title": "Twice", "discovered_at": report.received_at.isoformat(), "detected_by": "x",
        "nature": "x", "source_report": report.reference}, content_type="application/json")
    assert again.status_code == 409 and Breach.objects.count() == 1
