"""§7.10: the first request is free; a repeat of the same kind within 12 months is flagged as
possibly excessive; staff may refuse or charge, always with a reason, and the requester is
told it and the right to complain to ANSPDCP (§7.9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import Customer
from dsar.services import WorkflowError, request_charge_fee, request_fee_paid, request_refuse
from micropim_privacy.policy import SUPERVISORY_AUTHORITY, Deadlines
from tests.conftest import NOW

from .conftest import days, submit


def test_the_first_request_is_not_flagged_a_repeat_within_12_months_is(customer_a: Customer) -> None:
    first = submit("access", customer=customer_a, received_at=NOW - days(200))
    assert not first.possibly_excessive
    other_kind = submit("erasure", customer=customer_a, received_at=NOW - days(100))
    assert not other_kind.possibly_excessive
    repeat = submit("access", customer=customer_a)
    assert repeat.possibly_excessive and repeat.repeat_of == first
    assert repeat.events.filter(kind="flagged").exists()
    # a CCPA "know" is the same kind of request as a GDPR access request
    know = submit("know", customer=customer_a, jurisdiction="us-ca")
    assert know.possibly_excessive


def test_a_repeat_after_the_window_is_free_again(customer_a: Customer) -> None:
    window_start = Deadlines.REQUEST_REPEAT_WINDOW.before(NOW)
    submit("access", customer=customer_a, received_at=window_start - days(1))
    assert not submit("access", customer=customer_a).possibly_excessive


def test_a_repeat_by_the_same_address_without_an_account_is_flagged(db: None) -> None:
    submit("access", email="visitor@example.com", received_at=NOW - days(5))
    assert submit("access", email="VISITOR@example.com").possibly_excessive


def test_a_refusal_needs_a_reason_and_tells_the_right_to_complain(customer_a: Customer, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("access", customer=customer_a)
    mail.outbox.clear()
    with pytest.raises(WorkflowError, match="needs a reason"):
        request_refuse(dsr=dsr, actor=privacy_officer, now=NOW, reason="")
    dsr.refresh_from_db()
    assert dsr.status == "awaiting_verification" and mail.outbox == []
    request_refuse(dsr=dsr, actor=privacy_officer, now=NOW + days(1),
                   reason="Manifestly excessive: the fifth identical request this month.")
    dsr.refresh_from_db()
    assert dsr.status == "refused" and dsr.closed_at == NOW + days(1)
    [told] = mail.outbox
    assert "fifth identical request" in told.body
    assert SUPERVISORY_AUTHORITY["name"] in told.body and "www.dataprotection.ro" in told.body
    assert "B-dul G-ral. Gheorghe Magheru 28-30" in told.body
    assert "ș" in told.body or "ț" in told.body  # customer_a reads Romanian, with comma-below letters
    with pytest.raises(WorkflowError):
        request_refuse(dsr=dsr, actor=privacy_officer, now=NOW + days(2), reason="again")


def test_a_uk_requester_is_also_told_of_the_ico(customer_b: Customer, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    dsr = submit("access", customer=customer_b, email=customer_b.email, jurisdiction="uk")
    request_refuse(dsr=dsr, actor=privacy_officer, now=NOW, reason="Unfounded.")
    body = mail.outbox[-1].body
    assert "ANSPDCP" in body and "Information Commissioner" in body


def test_a_fee_is_charged_with_a_reason_and_the_work_resumes_when_paid(customer_a: Customer, verified,  # type: ignore[no-untyped-def]
                                                                      privacy_officer) -> None:
    submit("access", customer=customer_a, received_at=NOW - days(30))
    dsr = verified("access", customer=customer_a)
    assert dsr.possibly_excessive
    with pytest.raises(WorkflowError):
        request_charge_fee(dsr=dsr, actor=privacy_officer, now=NOW, amount=Decimal("0"), reason="x")
    request_charge_fee(dsr=dsr, actor=privacy_officer, now=NOW, amount=Decimal("25.00"),
                       reason="A second full copy within a month: administrative cost.")
    dsr.refresh_from_db()
    assert dsr.status == "awaiting_fee" and dsr.fee_amount == Decimal("25.00")
    body = mail.outbox[-1].body
    assert "25.00 EUR" in body and "administrative cost" in body and "ANSPDCP" in body
    request_fee_paid(dsr=dsr, actor=privacy_officer, now=NOW + days(3))
    dsr.refresh_from_db()
    assert dsr.status == "in_progress" and dsr.fee_paid_at == NOW + days(3)
