"""What the erasure engine and the access export rely on: `subject_rows(customer)` on every
model, `anonymise()` on analytics; billing kept with a stable Stripe reference (§5.3)."""

from __future__ import annotations

from datetime import UTC, datetime

from accounts.models import Customer
from retention.models import BillingRecord, EventAttendance, UsageEvent

from .conftest import ROWS, make_row

AT = datetime(2026, 3, 1, tzinfo=UTC)


def test_subject_rows_are_exactly_that_customers_rows(customer_a: Customer, customer_b: Customer) -> None:
    for key in ROWS:
        mine = make_row(key, AT, customer=customer_a)
        make_row(key, AT, customer=customer_b)
        make_row(key, AT)
        model = type(mine)
        assert list(model.subject_rows(customer_a).values_list("pk", flat=True)) == [mine.pk], key


def test_event_attendance_is_also_found_by_email(customer_a: Customer) -> None:
    row = EventAttendance.objects.create(email="ANA.popescu@example.com", event_name="PIM Day",
                                         event_at=AT)
    assert list(EventAttendance.subject_rows(customer_a)) == [row]


def test_anonymised_analytics_keep_what_counts_and_lose_whoever_it_was(customer_a: Customer) -> None:
    make_row("usage_analytics", AT, customer=customer_a)
    assert UsageEvent.subject_rows(customer_a).anonymise() == 1
    row = UsageEvent.objects.get()
    assert (row.customer, row.ip, row.device_id, row.session_id, row.anonymised) == (
        None, None, "", "", True)
    assert (row.name, row.browser, row.os, row.device_type) == ("export.csv", "Firefox", "Linux",
                                                                "desktop")
    assert UsageEvent.objects.all().anonymise() == 0  # already done


def test_billing_records_keep_a_stable_customer_reference_when_the_account_row_goes(db: None) -> None:
    customer = Customer.objects.create(external_id="cus-x", email="x@example.com",
                                       stripe_customer_id="cus_S1")
    make_row("billing_records", AT, customer=customer, stripe_customer_id="cus_S1")
    customer.delete()
    record = BillingRecord.objects.get()
    assert (record.customer, record.stripe_customer_id) == (None, "cus_S1")
