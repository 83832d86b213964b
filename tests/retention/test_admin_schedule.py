"""The admin shows the next 30 days' purges per category, and every past purge run."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import time_machine
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import AccessLogEntry, Customer
from retention.models import LegalHold
from retention.selectors import purge_schedule

from .conftest import make_row, period_end, purge

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _schedule_rows() -> None:
    make_row("server_logs", NOW - timedelta(days=95))                   # due now (late)
    make_row("server_logs", NOW - timedelta(days=88, hours=21))         # goes tomorrow
    make_row("server_logs", NOW - timedelta(days=80))                   # in 10 days
    make_row("server_logs", NOW - timedelta(days=50))                   # beyond 30 days
    make_row("survey_responses", NOW - timedelta(days=10),
             consent_withdrawn_at=NOW + timedelta(days=3))              # withdrawal scheduled
    make_row("invoices", datetime(2019, 3, 20, 12, tzinfo=UTC))         # 7 years on 2026-03-20


def test_the_schedule_counts_what_falls_due_each_day(db: None) -> None:
    _schedule_rows()
    by_key = {row.category.key: row for row in purge_schedule(as_of=NOW, days=30)}
    logs = by_key["server_logs"]
    assert logs.due_now == 1 and logs.total == 2
    assert logs.busy_days == [(date(2026, 3, 11), 1), (date(2026, 3, 20), 1)]
    assert by_key["invoices"].busy_days == [(period_end("invoices", datetime(
        2019, 3, 20, 12, tzinfo=UTC)).date(), 1)]
    assert by_key["survey_responses"].busy_days == [(date(2026, 3, 13), 1)]
    assert by_key["newsletter_subscription"].not_counted == ["consent.Subscription"]


@time_machine.travel(NOW, tick=False)
def test_privacy_officers_see_the_schedule_and_past_runs(
        staff_client: Callable[[User], Client], privacy_officer: User, customer_a: Customer) -> None:
    _schedule_rows()
    LegalHold.objects.create(category_key="invoices", reason="tax audit")
    purge("server_logs", NOW)
    client = staff_client(privacy_officer)

    page = client.get("/admin/retention/purgerun/schedule/")
    assert page.status_code == 200
    html = page.content.decode()
    row = re.search(r'<tr data-category="server_logs">(.*?)</tr>', html, re.S)
    assert row and '<td class="due-now">0</td>' in row.group(1)  # the run just purged it
    assert '<td class="total">2</td>' in row.group(1) and "Mar 11: 1" in row.group(1)
    invoices = re.search(r'<tr data-category="invoices">(.*?)</tr>', html, re.S)
    assert invoices and "whole category held" in invoices.group(1)

    runs = client.get("/admin/retention/purgerun/")
    assert runs.status_code == 200 and "server_logs" in runs.content.decode()
    assert "Next 30 days" in runs.content.decode()


def test_support_agents_see_neither(staff_client: Callable[[User], Client], support_agent: User) -> None:
    client = staff_client(support_agent)
    assert client.get("/admin/retention/purgerun/schedule/").status_code == 403
    assert client.get("/admin/retention/purgerun/").status_code == 403


def test_viewing_records_with_personal_data_is_logged(
        staff_client: Callable[[User], Client], privacy_officer: User, customer_a: Customer) -> None:
    ticket = make_row("support_tickets", NOW, customer=customer_a)
    client = staff_client(privacy_officer)
    assert client.get(f"/admin/retention/supportticket/{ticket.pk}/change/").status_code == 200
    assert client.get("/admin/retention/serverlogline/").status_code == 200
    logged = AccessLogEntry.objects.filter(actor_user=privacy_officer)
    assert logged.filter(action="view", object_type="retention.supportticket",
                         subject_ref="cus-a").exists()
    assert logged.filter(action="list", object_type="retention.serverlogline").exists()
