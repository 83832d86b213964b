"""Every category's edge (policy §5.2 periods from the registry): one day before its end the row
is kept, one day after it is gone (or anonymised) — across a leap day and month ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Customer
from micropim_privacy.policy import AtEnd, category
from retention.models import PurgeRun, UsageAggregate, UsageEvent

from .conftest import ROWS, make_row, period_end, purge, remaining

STARTS = [
    datetime(2024, 2, 29, 12, 0, tzinfo=UTC),   # leap day: 12 months / 2, 3, 7 years end on 28 Feb
    datetime(2025, 1, 31, 23, 30, tzinfo=UTC),  # month end: +90 days, +1 year...
    datetime(2023, 12, 31, 0, 0, tzinfo=UTC),   # year end, midnight
]
ONE_DAY = timedelta(days=1)


@pytest.mark.parametrize("start", STARTS, ids=lambda d: d.strftime("%Y-%m-%d"))
@pytest.mark.parametrize("key", sorted(ROWS))
def test_kept_one_day_before_its_end_and_gone_one_day_after(
        key: str, start: datetime, customer_a: Customer) -> None:
    row = make_row(key, start, customer=customer_a)
    end = period_end(key, start)

    assert purge(key, end - ONE_DAY) == {"counted": 0, "deleted": 0, "anonymised": 0, "held": 0}
    assert remaining(key) == 1

    after = purge(key, end + ONE_DAY)
    assert after["counted"] == 1 and after["held"] == 0
    if category(key).at_end == AtEnd.ANONYMISE:
        assert after["anonymised"] == 1 and after["deleted"] == 0
    else:
        assert after["deleted"] == 1 and after["anonymised"] == 0
    assert not type(row).objects.filter(pk=row.pk).exists()
    run = PurgeRun.objects.filter(category_key=key).first()
    assert run is not None and run.outcome == "ok" and run.as_of == end + ONE_DAY
    assert run.counted == run.deleted + run.anonymised + run.held == 1


def test_leap_day_billing_ends_on_28_february_seven_years_later() -> None:
    assert period_end("billing_records", datetime(2020, 2, 29, 10, tzinfo=UTC)) == \
        datetime(2027, 2, 28, 10, tzinfo=UTC)


@pytest.mark.parametrize("key", ["billing_records", "invoices"])
def test_billing_at_seven_years_exactly_is_kept_and_gone_the_next_instant(key: str, db: None) -> None:
    start = datetime(2019, 3, 10, 9, 0, tzinfo=UTC)
    make_row(key, start)
    seven_years = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert period_end(key, start) == seven_years
    assert purge(key, seven_years)["deleted"] == 0
    assert remaining(key) == 1
    assert purge(key, seven_years + timedelta(microseconds=1))["deleted"] == 1
    assert remaining(key) == 0


def test_analytics_past_twelve_months_keep_their_value_as_anonymous_aggregates(
        customer_a: Customer) -> None:
    day = datetime(2025, 1, 31, 10, tzinfo=UTC)
    for browser in ("Firefox", "Firefox", "Chromium"):
        make_row("usage_analytics", day, customer=customer_a, browser=browser)
    make_row("usage_analytics", day + timedelta(days=40), customer=customer_a)  # still inside

    assert purge("usage_analytics", datetime(2026, 2, 1, tzinfo=UTC))["anonymised"] == 3
    aggregates = {(a.day.isoformat(), a.browser): a.count for a in UsageAggregate.objects.all()}
    assert aggregates == {("2025-01-31", "Firefox"): 2, ("2025-01-31", "Chromium"): 1}
    # What remains is inside its 12 months, still linked; nothing in the aggregates names anyone.
    assert list(UsageEvent.objects.values_list("customer", flat=True)) == [customer_a.pk]
    assert {f.name for f in UsageAggregate._meta.fields}.isdisjoint({"customer", "ip", "device_id",
                                                                     "session_id"})


def test_open_tickets_are_kept_whatever_their_age(db: None) -> None:
    make_row("support_tickets", None, status="open")  # type: ignore[arg-type]
    assert purge("support_tickets", datetime(2040, 1, 1, tzinfo=UTC))["counted"] == 0
    assert remaining("support_tickets") == 1


@pytest.mark.parametrize("key", ["survey_responses", "call_recordings"])
def test_consent_withdrawn_ends_survey_and_call_data_at_once(key: str, db: None) -> None:
    """§2.4 "2 years or until consent withdrawn": whichever comes first."""
    responded = datetime(2026, 1, 5, tzinfo=UTC)
    withdrawn = datetime(2026, 2, 1, 8, tzinfo=UTC)
    make_row(key, responded, consent_withdrawn_at=withdrawn)
    make_row(key, responded)
    assert purge(key, withdrawn - timedelta(seconds=1))["deleted"] == 0
    assert purge(key, withdrawn)["deleted"] == 1
    assert remaining(key) == 1


def test_a_run_after_days_of_downtime_catches_up_with_nothing_missed(db: None) -> None:
    """Cut-offs are `as_of - period`: one run finds everything that expired while nobody ran."""
    first = datetime(2025, 3, 1, tzinfo=UTC)
    for day in range(20):
        make_row("login_sessions", first + timedelta(days=day))
    # Nobody ran for the 10 days in which the first ten rows passed their 12 months.
    as_of = period_end("login_sessions", first + timedelta(days=9, hours=1))
    assert purge("login_sessions", as_of) == {"counted": 10, "deleted": 10, "anonymised": 0, "held": 0}
    assert purge("login_sessions", as_of) == {"counted": 0, "deleted": 0, "anonymised": 0, "held": 0}
    assert remaining("login_sessions") == 10
