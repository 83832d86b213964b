"""§7.10: due 30 days after receipt; one extension of up to 2 months for a complex request,
decided and told to the requester with the reason, only before the original due date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from accounts.models import Customer
from dsar.models import TRANSITIONS, DeadlineState, Status
from dsar.services import WorkflowError, request_extend
from micropim_privacy.policy import Deadlines
from tests.conftest import NOW

from .conftest import days, submit


@pytest.mark.parametrize(("received", "due"), [
    (datetime(2026, 1, 31, 12, 0, tzinfo=UTC), datetime(2026, 3, 2, 12, 0, tzinfo=UTC)),
    (datetime(2028, 2, 1, 0, 0, tzinfo=UTC), datetime(2028, 3, 2, 0, 0, tzinfo=UTC)),  # leap year
    (datetime(2026, 12, 15, 23, 59, tzinfo=UTC), datetime(2027, 1, 14, 23, 59, tzinfo=UTC)),
    (datetime(2026, 3, 20, 9, 0, tzinfo=UTC), datetime(2026, 4, 19, 9, 0, tzinfo=UTC)),  # across DST in Europe
])
def test_the_response_deadline_is_thirty_days_after_receipt(received: datetime, due: datetime) -> None:
    assert Deadlines.REQUEST_RESPONSE.after(received) == due


@pytest.mark.parametrize(("original_due", "latest"), [
    (datetime(2026, 3, 31, 9, 0, tzinfo=UTC), datetime(2026, 5, 31, 9, 0, tzinfo=UTC)),
    (datetime(2026, 12, 31, 9, 0, tzinfo=UTC), datetime(2027, 2, 28, 9, 0, tzinfo=UTC)),  # month end
    (datetime(2027, 12, 31, 9, 0, tzinfo=UTC), datetime(2028, 2, 29, 9, 0, tzinfo=UTC)),  # leap day
])
def test_an_extension_reaches_at_most_two_months_after_the_original_due_date(
        original_due: datetime, latest: datetime) -> None:
    assert Deadlines.REQUEST_EXTENSION.after(original_due) == latest


def test_closed_states_are_final_and_every_state_is_in_the_table() -> None:
    assert set(TRANSITIONS) == set(Status)
    for closed in (Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN):
        assert TRANSITIONS[closed] == frozenset()
    assert Status.COMPLETED not in TRANSITIONS[Status.AWAITING_VERIFICATION]  # verify first


def test_a_staff_entered_request_counts_from_its_real_receipt_date(customer_a: Customer) -> None:
    received = NOW - days(10)  # arrived by post ten days ago
    dsr = submit("access", customer=customer_a, received_at=received, channel="post")
    assert dsr.received_at == received
    assert dsr.due_at == dsr.original_due_at == Deadlines.REQUEST_RESPONSE.after(received)


def test_the_badge_moves_from_on_track_to_due_soon_to_overdue(customer_a: Customer) -> None:
    dsr = submit("access", customer=customer_a)
    due = dsr.due_at
    assert dsr.deadline_state(NOW) == DeadlineState.ON_TRACK
    assert dsr.deadline_state(due - days(7)) == DeadlineState.DUE_SOON
    assert dsr.deadline_state(due - days(8)) == DeadlineState.ON_TRACK
    assert dsr.deadline_state(due) == DeadlineState.DUE_SOON
    assert dsr.deadline_state(due + days(0) + (days(1) / 86400)) == DeadlineState.OVERDUE


def test_an_extension_inside_the_first_30_days_is_told_with_its_reason(customer_a: Customer, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("access", customer=customer_a)
    original = dsr.due_at
    mail.outbox.clear()
    day_29 = NOW + days(29)
    with time_machine.travel(day_29, tick=False):
        request_extend(dsr=dsr, actor=privacy_officer, now=day_29,
                       reason="Your data spans four systems and 10 years of invoices.")
    dsr.refresh_from_db()
    assert dsr.extended and dsr.extended_at == day_29
    assert dsr.original_due_at == original
    assert dsr.due_at == Deadlines.REQUEST_EXTENSION.after(original)
    [message] = mail.outbox
    assert message.to == [customer_a.email]
    assert "four systems and 10 years" in message.body  # the reason, told (§7.10)
    assert "ANSPDCP" in message.body
    event = dsr.events.get(kind="extended")
    assert event.actor_label == "priya" and event.reason.startswith("Your data spans")


@pytest.mark.parametrize("when", [days(30), days(30) + days(1) / 24, days(45)])
def test_an_extension_after_the_original_due_date_is_refused(customer_a: Customer, privacy_officer, when) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("access", customer=customer_a)
    mail.outbox.clear()
    with pytest.raises(WorkflowError, match="Too late to extend"):
        request_extend(dsr=dsr, actor=privacy_officer, now=NOW + when, reason="complex")
    dsr.refresh_from_db()
    assert not dsr.extended and dsr.due_at == dsr.original_due_at
    assert not dsr.events.filter(kind="extended").exists() and mail.outbox == []


def test_one_extension_only_with_a_reason_and_at_most_two_months(customer_a: Customer, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("access", customer=customer_a)
    with pytest.raises(WorkflowError, match="needs a reason"):
        request_extend(dsr=dsr, actor=privacy_officer, now=NOW + days(1), reason="   ")
    too_far = Deadlines.REQUEST_EXTENSION.after(dsr.original_due_at) + days(1)
    with pytest.raises(WorkflowError, match="no later than"):
        request_extend(dsr=dsr, actor=privacy_officer, now=NOW + days(1), reason="complex", new_due_at=too_far)
    request_extend(dsr=dsr, actor=privacy_officer, now=NOW + days(1), reason="complex",
                   new_due_at=dsr.original_due_at + days(20))
    assert dsr.due_at == dsr.original_due_at + days(20)
    with pytest.raises(WorkflowError, match="already extended once"):
        request_extend(dsr=dsr, actor=privacy_officer, now=NOW + days(2), reason="more")
    dsr.refresh_from_db()
    assert dsr.due_at == dsr.original_due_at + days(20)


def test_immediate_rights_cannot_be_extended(customer_a: Customer, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("objection_marketing", customer=customer_a)
    with pytest.raises(WorkflowError):
        request_extend(dsr=dsr, actor=privacy_officer, now=NOW, reason="complex")
