"""The 31-day countdown through time (§5.3): reminders 7 days and 1 day before, each exactly
once however often the jobs run; late once if missed, unless the 1-day point passed too;
never after reactivation or final deletion; erased at 31 days. Counted through the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import Customer, Erasure

from .conftest import refreshed

DAY0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
REMINDERS = ["deletion_reminder_7d", "deletion_reminder_1d"]


def day(n: int, hour: int = 9, minute: int = 0) -> datetime:
    return DAY0.replace(hour=hour, minute=minute) + timedelta(days=n)


def start_deletion(api: APIClient, external_id: str, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        assert api.post(f"/api/v1/accounts/{external_id}/deletion/", format="json").status_code == 201


def test_day_0_23_24_30_31_32(api: APIClient, customer_a: Customer, run_jobs_as_of: Callable[..., None],
                              kinds: Callable[[str], list[str]]) -> None:
    start_deletion(api, "cus-a", DAY0)
    timeline = {}
    for instant in (day(0), day(23), day(24, 8, 59), day(24), day(24, 15), day(29), day(30), day(30, 23),
                    day(31, 8, 59), day(31), day(31, 10), day(32)):
        run_jobs_as_of(instant)
        run_jobs_as_of(instant)  # beat may run twice: nothing is sent twice
        timeline[instant] = kinds("cus-a")
    assert timeline[day(23)] == ["deletion_started"]
    assert timeline[day(24, 8, 59)] == ["deletion_started"]
    assert timeline[day(24)] == ["deletion_started", "deletion_reminder_7d"]
    assert timeline[day(29)] == ["deletion_started", "deletion_reminder_7d"]
    assert timeline[day(30)] == ["deletion_started", *REMINDERS]
    assert timeline[day(31, 8, 59)] == ["deletion_started", *REMINDERS]
    assert refreshed(customer_a).status == "deleted"
    assert timeline[day(31)] == timeline[day(32)] == ["deletion_started", *REMINDERS, "deletion_completed"]
    erasure = Erasure.objects.get()
    assert erasure.status == "completed" and erasure.requested_at == day(31)
    # The account still answers, as deleted, by the id the main app knows.
    account = api.get("/api/v1/accounts/cus-a/").json()
    assert account["status"] == "deleted" and account["email"] == "" and account["access_disabled"]
    # ...and its id cannot come back as a new account.
    again = api.post("/api/v1/accounts/", {"external_id": "cus-a", "email": "ana@example.com"}, format="json")
    assert again.status_code == 409 and Customer.objects.count() == 1
    assert len(mail.outbox) == 4


def test_a_missed_7_day_reminder_goes_out_late_once(api: APIClient, customer_a: Customer,
                                                   run_jobs_as_of: Callable[..., None],
                                                   kinds: Callable[[str], list[str]]) -> None:
    start_deletion(api, "cus-a", DAY0)
    run_jobs_as_of(day(20))  # then the jobs are down until day 26
    run_jobs_as_of(day(26, 14))
    run_jobs_as_of(day(27))
    assert kinds("cus-a") == ["deletion_started", "deletion_reminder_7d"]
    run_jobs_as_of(day(30, 9))
    assert kinds("cus-a") == ["deletion_started", *REMINDERS]


def test_when_both_points_were_missed_only_the_1_day_reminder_goes(
        api: APIClient, customer_a: Customer, run_jobs_as_of: Callable[..., None],
        kinds: Callable[[str], list[str]]) -> None:
    start_deletion(api, "cus-a", DAY0)
    run_jobs_as_of(day(20))
    run_jobs_as_of(day(30, 20))  # down from day 20 to the evening before deletion
    run_jobs_as_of(day(30, 21))
    assert kinds("cus-a") == ["deletion_started", "deletion_reminder_1d"]


def test_jobs_down_past_the_deadline_erase_without_reminders(
        api: APIClient, customer_a: Customer, run_jobs_as_of: Callable[..., None],
        kinds: Callable[[str], list[str]]) -> None:
    start_deletion(api, "cus-a", DAY0)
    run_jobs_as_of(day(34))
    assert kinds("cus-a") == ["deletion_started", "deletion_completed"]
    assert refreshed(customer_a).status == "deleted"


def test_no_reminder_and_no_erasure_after_reactivation(
        api: APIClient, customer_a: Customer, run_jobs_as_of: Callable[..., None],
        kinds: Callable[[str], list[str]]) -> None:
    start_deletion(api, "cus-a", DAY0)
    run_jobs_as_of(day(24))
    with time_machine.travel(day(25), tick=False):
        assert api.delete("/api/v1/accounts/cus-a/deletion/").status_code == 200
    for n in (30, 31, 32, 40):
        run_jobs_as_of(day(n))
    assert kinds("cus-a") == ["deletion_started", "deletion_reminder_7d", "deletion_cancelled"]
    assert refreshed(customer_a).status == "active"
    assert not Erasure.objects.exists()


def test_a_new_countdown_after_reactivation_gets_its_own_reminders(
        api: APIClient, customer_a: Customer, run_jobs_as_of: Callable[..., None],
        kinds: Callable[[str], list[str]]) -> None:
    start_deletion(api, "cus-a", DAY0)
    run_jobs_as_of(day(24))
    with time_machine.travel(day(25), tick=False):
        api.delete("/api/v1/accounts/cus-a/deletion/")
    start_deletion(api, "cus-a", day(26))
    for n in (26 + 24, 26 + 30, 26 + 31):
        run_jobs_as_of(day(n))
    assert kinds("cus-a") == ["deletion_started", "deletion_reminder_7d", "deletion_cancelled",
                              "deletion_started", *REMINDERS, "deletion_completed"]


@pytest.mark.parametrize(("start", "due", "seven", "one"), [
    # January 31st + 31 days, over a 28-day February.
    (datetime(2026, 1, 31, 10, tzinfo=UTC), datetime(2026, 3, 3, 10, tzinfo=UTC),
     datetime(2026, 2, 24, 10, tzinfo=UTC), datetime(2026, 3, 2, 10, tzinfo=UTC)),
    # A leap year's February 29th.
    (datetime(2028, 2, 29, 23, 30, tzinfo=UTC), datetime(2028, 3, 31, 23, 30, tzinfo=UTC),
     datetime(2028, 3, 24, 23, 30, tzinfo=UTC), datetime(2028, 3, 30, 23, 30, tzinfo=UTC)),
    # Across the new year, at the last second of the month.
    (datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(2027, 1, 31, 23, 59, 59, tzinfo=UTC),
     datetime(2027, 1, 24, 23, 59, 59, tzinfo=UTC), datetime(2027, 1, 30, 23, 59, 59, tzinfo=UTC)),
])
def test_month_ends(api: APIClient, customer_a: Customer, run_jobs_as_of: Callable[..., None],
                    kinds: Callable[[str], list[str]], start: datetime, due: datetime,
                    seven: datetime, one: datetime) -> None:
    start_deletion(api, "cus-a", start)
    assert refreshed(customer_a).deletion_due_at == due
    second = timedelta(seconds=1)
    for instant, expected in ((seven - second, []), (seven, ["deletion_reminder_7d"]),
                              (one - second, ["deletion_reminder_7d"]), (one, REMINDERS),
                              (due - second, REMINDERS), (due, [*REMINDERS, "deletion_completed"])):
        run_jobs_as_of(instant)
        assert kinds("cus-a")[1:] == expected, instant


@pytest.mark.parametrize("switch", [
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),   # EU summer time begins (Bucharest 03:00 → 04:00)
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # and ends (Bucharest 04:00 → 03:00)
])
def test_a_dst_change_neither_skips_nor_repeats(api: APIClient, customer_a: Customer,
                                                run_jobs_as_of: Callable[..., None],
                                                kinds: Callable[[str], list[str]], switch: datetime) -> None:
    """Deadlines are UTC instants (DESIGN "Deadlines"): 31 days are 744 hours on any calendar."""
    due = switch + timedelta(minutes=30)
    start = due - timedelta(hours=744)
    start_deletion(api, "cus-a", start)
    assert refreshed(customer_a).deletion_due_at == due
    run_jobs_as_of(due - timedelta(days=7))
    sent_at: dict[str, datetime] = {}
    instant = due - timedelta(days=1, hours=2, minutes=-20)
    while instant <= due + timedelta(hours=3):  # hourly at :50, as beat runs them, across the change
        run_jobs_as_of(instant)
        for kind in kinds("cus-a"):
            sent_at.setdefault(kind, instant)
        instant += timedelta(hours=1)
    assert kinds("cus-a") == ["deletion_started", *REMINDERS, "deletion_completed"]
    # The first run at or after each point: 20 minutes after it, not an hour early or late.
    assert sent_at["deletion_reminder_1d"] == due - timedelta(days=1) + timedelta(minutes=20)
    assert sent_at["deletion_completed"] == due + timedelta(minutes=20)
