"""§6.4 / Art. 33: marking ANSPDCP notified — when, how, the reference; a report after 72 hours
needs the reasons for the delay (not before); initial and follow-up reports are both kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from breaches.models import AuthorityReport, Breach

from .conftest import BUCHAREST, DISCOVERED_DST

START = DISCOVERED_DST.astimezone(UTC)


@pytest.fixture
def breach(make_breach: Callable[..., Breach]) -> Breach:
    return make_breach(discovered_at=DISCOVERED_DST)


def report(client: Client, breach: Breach, when: datetime, **extra: Any) -> Any:
    body = {"notified_at": when.isoformat(), "method": "online_form", "reference": "ANSPDCP-2026-117", **extra}
    with time_machine.travel(when + timedelta(minutes=5), tick=False):
        return client.post(f"/api/v1/breaches/{breach.reference}/authority-reports/", body,
                           content_type="application/json")


def test_in_time_needs_no_reason_even_when_the_wall_clock_says_72_and_a_half_hours(
    officer_client: Client, breach: Breach
) -> None:
    # 31 March 10:30 in Bucharest: 72.5 hours on the wall clock since 28 March 10:00, but the
    # clocks went forward on 29 March, so only 71.5 real hours have passed.
    response = report(officer_client, breach, datetime(2026, 3, 31, 10, 30, tzinfo=BUCHAREST))
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0, "recorded_at": ""} == {
        "id": 0, "kind": "initial", "notified_at": "2026-03-31T07:30:00Z", "method": "online_form",
        "reference": "ANSPDCP-2026-117", "late": False, "late_reason": "", "notes": "", "recorded_at": ""}
    breach.refresh_from_db()
    assert breach.authority_notified_at == datetime(2026, 3, 31, 7, 30, tzinfo=UTC)
    assert not breach.clock_running


@pytest.mark.parametrize("minutes_late", [1, 60 * 24])
def test_late_without_a_reason_is_refused_and_nothing_is_written(
    officer_client: Client, breach: Breach, minutes_late: int
) -> None:
    late = START + timedelta(hours=72, minutes=minutes_late)
    response = report(officer_client, breach, late)
    assert response.status_code == 400
    assert "2026-03-31 11:00 EEST (08:00 UTC)" in response.json()["errors"]["late_reason"][0]
    assert not AuthorityReport.objects.exists()
    breach.refresh_from_db()
    assert breach.authority_notified_at is None and breach.clock_running


def test_exactly_at_72_hours_is_still_in_time(officer_client: Client, breach: Breach) -> None:
    assert report(officer_client, breach, START + timedelta(hours=72)).status_code == 201


def test_late_with_its_reason_is_recorded_as_late(officer_client: Client, breach: Breach) -> None:
    response = report(officer_client, breach, START + timedelta(hours=80),
                      late_reason="The processor told us only on day 3.")
    assert response.status_code == 201
    assert response.json()["late"] is True
    assert AuthorityReport.objects.get().late_reason == "The processor told us only on day 3."


def test_initial_and_follow_up_reports_are_both_kept(officer_client: Client, breach: Breach) -> None:
    assert report(officer_client, breach, START + timedelta(hours=30)).status_code == 201
    Breach.objects.filter(pk=breach.pk).update(approx_subjects=1500)  # the count grew meanwhile
    follow_up = report(officer_client, breach, START + timedelta(days=9), method="email",
                       reference="ANSPDCP-2026-117/2", notes="Final count of people: 1 500.")
    assert follow_up.status_code == 201
    assert follow_up.json()["kind"] == "follow_up" and follow_up.json()["late"] is True
    kept = list(breach.authority_reports.values_list("kind", "reference"))
    assert kept == [("initial", "ANSPDCP-2026-117"), ("follow_up", "ANSPDCP-2026-117/2")]
    # Each keeps what it said; the clock stopped at the initial one.
    first, second = breach.authority_reports.all()
    assert (first.snapshot["approx_subjects"], second.snapshot["approx_subjects"]) == (
        "approximately 1 200", "approximately 1 500")
    breach.refresh_from_db()
    assert breach.authority_notified_at == START + timedelta(hours=30)
    with time_machine.travel(START + timedelta(days=10), tick=False):
        detail = officer_client.get(f"/api/v1/breaches/{breach.reference}/").json()
    assert [r["kind"] for r in detail["authority_reports"]] == ["initial", "follow_up"]


@pytest.mark.parametrize(("when", "field"), [
    (START - timedelta(minutes=1), "notified_at"),   # before the discovery
])
def test_impossible_times_are_refused(officer_client: Client, breach: Breach, when: datetime, field: str) -> None:
    response = report(officer_client, breach, when)
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not AuthorityReport.objects.exists()


def test_a_report_cannot_be_dated_in_the_future(officer_client: Client, breach: Breach) -> None:
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        response = officer_client.post(f"/api/v1/breaches/{breach.reference}/authority-reports/", {
            "notified_at": (START + timedelta(hours=3)).isoformat(), "method": "email", "reference": "X"},
            content_type="application/json")
    assert response.status_code == 400 and "future" in response.json()["errors"]["notified_at"][0]


def test_an_incomplete_entry_cannot_be_reported(officer_client: Client, make_breach: Callable[..., Breach]) -> None:
    breach = make_breach(discovered_at=DISCOVERED_DST, likely_consequences="", measures_taken="")
    response = report(officer_client, breach, START + timedelta(hours=5))
    assert response.status_code == 400
    assert "likely_consequences, measures_taken" in response.json()["errors"]["breach"][0]


def test_discovery_time_is_fixed_once_anspdcp_knows(officer_client: Client, breach: Breach) -> None:
    report(officer_client, breach, START + timedelta(hours=5))
    with time_machine.travel(START + timedelta(hours=6), tick=False):
        response = officer_client.patch(f"/api/v1/breaches/{breach.reference}/", {
            "discovered_at": (START + timedelta(hours=1)).isoformat()}, content_type="application/json")
    assert response.status_code == 409
    assert Breach.objects.get().discovered_at == START


def test_the_admin_form_asks_for_the_reason_only_after_72_hours(officer_client: Client, breach: Breach) -> None:
    url = f"/admin/breaches/breach/{breach.pk}/authority-report/"
    form = {"notified_at_0": "2026-03-31", "notified_at_1": "11:30:00", "method": "online_form",
            "reference": "ANSPDCP-9"}  # Bucharest time: 08:30 UTC, half an hour late
    with time_machine.travel(START + timedelta(hours=74), tick=False):
        assert officer_client.get(url).status_code == 200
        refused = officer_client.post(url, form)
        assert refused.status_code == 400
        assert "reasons for the delay are required" in refused.content.decode()
        assert not AuthorityReport.objects.exists()
        accepted = officer_client.post(url, {**form, "late_reason": "Weekend escalation failed."})
    assert accepted.status_code == 302
    saved = AuthorityReport.objects.get()
    assert saved.notified_at == datetime(2026, 3, 31, 8, 30, tzinfo=UTC) and saved.is_late
