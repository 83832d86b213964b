"""§5.5: a legal hold keeps exactly what it covers — a customer (every category or one), or a
whole category for everyone — and the purge counts what it kept as `held`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from accounts.models import Customer
from retention.models import LegalHold, LoginEvent, PurgeRun, SupportTicket

from .conftest import make_row, purge

OLD = datetime(2022, 1, 10, tzinfo=UTC)
AS_OF = datetime(2026, 3, 10, tzinfo=UTC)


@pytest.fixture
def rows(customer_a: Customer, customer_b: Customer) -> dict[str, list[int]]:
    return {
        "a": [make_row("support_tickets", OLD, customer=customer_a).pk,
              make_row("login_sessions", datetime(2024, 1, 1, tzinfo=UTC), customer=customer_a).pk],
        "b": [make_row("support_tickets", OLD, customer=customer_b).pk],
        "nobody": [make_row("support_tickets", OLD).pk],
    }


def test_a_customer_wide_hold_keeps_that_customers_rows_in_every_category(
        rows: dict[str, list[int]], customer_a: Customer) -> None:
    LegalHold.objects.create(customer=customer_a, reason="court order")
    assert purge("support_tickets", AS_OF) == {"counted": 3, "deleted": 2, "anonymised": 0, "held": 1}
    assert purge("login_sessions", AS_OF) == {"counted": 1, "deleted": 0, "anonymised": 0, "held": 1}
    assert list(SupportTicket.objects.values_list("pk", flat=True)) == [rows["a"][0]]
    assert LoginEvent.objects.filter(pk=rows["a"][1]).exists()


def test_a_hold_on_one_category_for_a_customer_keeps_only_that_category(
        rows: dict[str, list[int]], customer_a: Customer) -> None:
    LegalHold.objects.create(customer=customer_a, category_key="login_sessions", reason="audit")
    assert purge("support_tickets", AS_OF)["held"] == 0
    assert purge("login_sessions", AS_OF)["held"] == 1
    assert not SupportTicket.objects.exists()
    assert LoginEvent.objects.filter(pk=rows["a"][1]).exists()


def test_a_category_hold_for_everyone_keeps_the_whole_category(rows: dict[str, list[int]]) -> None:
    LegalHold.objects.create(category_key="support_tickets", reason="regulator audit")
    assert purge("support_tickets", AS_OF) == {"counted": 3, "deleted": 0, "anonymised": 0, "held": 3}
    assert SupportTicket.objects.count() == 3
    run = PurgeRun.objects.get(category_key="support_tickets")
    assert "legal hold" in run.notes
    assert purge("login_sessions", AS_OF)["deleted"] == 1  # other categories go on


def test_once_lifted_the_next_run_purges_what_the_hold_kept(
        rows: dict[str, list[int]], customer_a: Customer) -> None:
    hold = LegalHold.objects.create(customer=customer_a, reason="dispute")
    assert purge("support_tickets", AS_OF)["held"] == 1
    hold.lifted_at = timezone.now()
    hold.save()
    assert purge("support_tickets", AS_OF) == {"counted": 1, "deleted": 1, "anonymised": 0, "held": 0}
    assert not SupportTicket.objects.exists()


def test_a_hold_covers_rows_not_yet_expired_only_by_counting_nothing(
        customer_a: Customer) -> None:
    make_row("support_tickets", datetime(2025, 1, 1, tzinfo=UTC), customer=customer_a)
    LegalHold.objects.create(customer=customer_a, reason="court order")
    assert purge("support_tickets", AS_OF) == {"counted": 0, "deleted": 0, "anonymised": 0, "held": 0}
