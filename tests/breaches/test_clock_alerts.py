"""§6.4: officers are alerted at 24, 48 and 60 hours (and when 72 have passed) while ANSPDCP
has not been notified — by the scheduled job, each alert once, across a DST change."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command

from accounts.models import Notification
from breaches.models import Breach, BreachAlert
from breaches.services import authority_report_record

from .conftest import DISCOVERED_DST

START = DISCOVERED_DST.astimezone(UTC)  # 2026-03-28 08:00 UTC


def run_jobs(as_of: datetime, *, dry_run: bool = False) -> dict[str, int]:
    out = StringIO()
    args = ["--as-of", as_of.isoformat(), "--only", "breach_clock_alerts", "--json"]
    with time_machine.travel(as_of, tick=False):
        call_command("run_privacy_jobs", *args, *(["--dry-run"] if dry_run else []), stdout=out)
    return json.loads(out.getvalue())["jobs"]["breach_clock_alerts"]["counts"]


@pytest.fixture
def breach(make_breach: Callable[..., Breach], officers: list[User]) -> Breach:
    return make_breach(discovered_at=DISCOVERED_DST)


def alerts(breach: Breach) -> list[tuple[str, str]]:
    return list(breach.alerts.order_by("due_at").values_list("stage", "status"))


def test_each_alert_once_when_the_job_runs_hourly_across_the_dst_change(breach: Breach) -> None:
    sent_at: dict[str, datetime] = {}
    for hours in range(0, 81):  # as beat runs it: every hour, from discovery to hour 80
        as_of = START + timedelta(hours=hours)
        before = len(mail.outbox)
        run_jobs(as_of)
        for message in mail.outbox[before:]:
            sent_at.setdefault(message.subject, as_of)
    # Two officers, four alerts, each exactly once, at 24, 48 and 60 real hours, then overdue.
    assert len(mail.outbox) == 8
    assert sorted({m.to[0] for m in mail.outbox}) == ["priya@micropim.net", "sid@micropim.net"]
    assert [(subject, when - START) for subject, when in sorted(sent_at.items(), key=lambda kv: kv[1])] == [
        (f"[{breach.reference}] 48 h 00 min left to notify ANSPDCP (24h alert)", timedelta(hours=24)),
        (f"[{breach.reference}] 24 h 00 min left to notify ANSPDCP (48h alert)", timedelta(hours=48)),
        (f"[{breach.reference}] 12 h 00 min left to notify ANSPDCP (60h alert)", timedelta(hours=60)),
        (f"[{breach.reference}] OVERDUE: the 72 hours to notify ANSPDCP have run out", timedelta(hours=72)),
    ]
    assert alerts(breach) == [("24h", "sent"), ("48h", "sent"), ("60h", "sent"), ("overdue", "sent")]
    # The officers read local time: the deadline is 11:00 in Bucharest after the clocks went forward.
    assert "ANSPDCP deadline: 2026-03-31 11:00 EEST (08:00 UTC)" in mail.outbox[0].body


def test_a_wall_clock_day_on_the_dst_night_is_not_yet_24_hours(breach: Breach) -> None:
    # 29 March 10:00 in Bucharest looks like "a day later", but it is 23 real hours.
    assert run_jobs(datetime(2026, 3, 29, 7, 0, tzinfo=UTC))["alerts"] == 0
    assert run_jobs(datetime(2026, 3, 29, 8, 0, tzinfo=UTC))["alerts"] == 1


def test_after_downtime_only_the_latest_alert_goes_out(breach: Breach) -> None:
    run_jobs(START + timedelta(hours=20))
    assert mail.outbox == []
    counts = run_jobs(START + timedelta(hours=65))  # down from hour 20 to hour 65
    assert counts == {"alerts": 1, "superseded": 2, "emails": 2}
    assert {m.subject for m in mail.outbox} == {f"[{breach.reference}] 7 h 00 min left to notify ANSPDCP (60h alert)"}
    assert alerts(breach) == [("24h", "superseded"), ("48h", "superseded"), ("60h", "sent")]
    run_jobs(START + timedelta(hours=65))  # again: nothing new
    run_jobs(START + timedelta(hours=100))
    assert len(mail.outbox) == 4
    assert "OVERDUE" in mail.outbox[-1].subject and "overdue by 28 h 00 min" in mail.outbox[-1].body


def test_no_alert_once_anspdcp_is_notified(breach: Breach) -> None:
    run_jobs(START + timedelta(hours=30))
    authority_report_record(breach=breach, notified_at=START + timedelta(hours=31), method="online_form",
                            reference="ANSPDCP-1", actor=None, now=START + timedelta(hours=31))
    for hours in (48, 60, 72, 90):
        run_jobs(START + timedelta(hours=hours))
    assert len(mail.outbox) == 2 and alerts(breach) == [("24h", "sent")]


def test_no_alert_for_a_breach_unlikely_to_result_in_a_risk(make_breach: Callable[..., Breach],
                                                            officers: list[User]) -> None:
    make_breach(discovered_at=DISCOVERED_DST, risk_level="none",
                risk_reasoning="Encrypted laptop, key not compromised (Art. 33(1)).")
    assert run_jobs(START + timedelta(hours=80)) == {"alerts": 0, "superseded": 0, "emails": 0}
    assert mail.outbox == []


def test_dry_run_reports_and_changes_nothing(breach: Breach) -> None:
    assert run_jobs(START + timedelta(hours=49), dry_run=True) == {"alerts": 1, "superseded": 1, "emails": 0}
    assert mail.outbox == [] and not BreachAlert.objects.exists()


def test_a_run_that_died_half_way_is_finished_without_a_second_email(breach: Breach) -> None:
    as_of = START + timedelta(hours=24, minutes=5)
    # The state a crash leaves: the alert claimed, the first officer emailed, the second not.
    BreachAlert.objects.create(breach=breach, stage="24h", due_at=START + timedelta(hours=24),
                               status="sent", created_at=as_of)
    first = Notification.objects.create(kind="breach_clock_alert", to_email="sid@micropim.net",
                                        subject="...", dedupe_key=f"breach-alert:{breach.pk}:24h:u"
                                        f"{User.objects.get(email='sid@micropim.net').pk}",
                                        status="sent", sent_at=as_of)
    counts = run_jobs(as_of + timedelta(minutes=55))
    assert counts == {"alerts": 1, "superseded": 0, "emails": 1}
    assert [m.to for m in mail.outbox] == [["priya@micropim.net"]]
    alert = breach.alerts.get()
    assert alert.completed_at is not None and alert.recipients == 2
    assert Notification.objects.filter(kind="breach_clock_alert").count() == 2 and first.pk


def test_the_job_is_registered_for_the_runner() -> None:
    out = StringIO()
    call_command("run_privacy_jobs", "--list", stdout=out)
    assert "breach_clock_alerts" in out.getvalue()


@pytest.mark.parametrize("hours", [24, 48, 60, 72])
def test_each_stage_is_due_exactly_at_its_hour(breach: Breach, hours: int) -> None:
    assert run_jobs(START + timedelta(hours=hours) - timedelta(seconds=1))["alerts"] == (hours > 24)
    mail.outbox.clear()
    assert run_jobs(START + timedelta(hours=hours))["alerts"] == 1


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "24 h 00 min left to notify ANSPDCP (48h alert)"),
    ("ro", "Au mai rămas 24 h 00 min pentru notificarea ANSPDCP (alerta de 48h)"),
])
def test_the_alert_reads_well_in_both_languages(breach: Breach, language: str, expected: str) -> None:
    from accounts.notifications import render_email
    from breaches.alerts import _alert_context
    from breaches.clock import STAGES_BY_KEY

    subject, body, _ = render_email("breach_clock_alert", language,
                                    _alert_context(breach, STAGES_BY_KEY["48h"], START + timedelta(hours=48)))
    assert subject == f"[{breach.reference}] {expected}"
    assert "2026-03-31 11:00 EEST (08:00 UTC)" in body and "&#x27;" not in body
