"""The request rules at their edges, without the database: past a status's threshold is
stalled, at it is not; not started and due within 3 days (or overdue) beats every other rule;
a started request is never "not started"; failed is always listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dsar.models import DataSubjectRequest, Status
from ledger.rules import REQUEST_DUE_WITHIN, REQUEST_STALLED_AFTER, request_rule

AS_OF = datetime(2026, 3, 31, 0, 30, tzinfo=UTC)  # the night of a DST change in Europe
MINUTE = timedelta(minutes=1)


def _request(status: str, *, in_status: timedelta, due_in: timedelta) -> DataSubjectRequest:
    dsr = DataSubjectRequest(type="access", jurisdiction="eu", status=status, channel="email",
                             email="x@example.com", received_at=AS_OF - timedelta(days=40),
                             due_at=AS_OF + due_in, original_due_at=AS_OF + due_in)
    dsr.entered_at = AS_OF - in_status  # type: ignore[attr-defined]
    dsr.entered_event = 41  # type: ignore[attr-defined]
    dsr.entered_reason = "builder crashed"  # type: ignore[attr-defined]
    return dsr


FAR = timedelta(days=20)


@pytest.mark.parametrize(("status", "limit"), sorted(REQUEST_STALLED_AFTER.items()))
def test_stalled_just_past_the_threshold_not_at_it(status: str, limit: timedelta) -> None:
    assert request_rule(_request(status, in_status=limit, due_in=FAR), AS_OF) is None
    found = request_rule(_request(status, in_status=limit + MINUTE, due_in=FAR), AS_OF)
    assert found is not None and found.rule == f"stalled_{status}"
    assert found.key.endswith(f":stalled:{status}:41")  # stuck again later = a new key


@pytest.mark.parametrize("status", ["received", "awaiting_verification", "verified"])
def test_not_started_and_due_within_three_days(status: str) -> None:
    assert request_rule(_request(status, in_status=MINUTE, due_in=REQUEST_DUE_WITHIN + MINUTE), AS_OF) is None
    soon = request_rule(_request(status, in_status=MINUTE, due_in=REQUEST_DUE_WITHIN), AS_OF)
    late = request_rule(_request(status, in_status=MINUTE, due_in=-timedelta(hours=2)), AS_OF)
    assert soon is not None and soon.rule == "due_not_started" and "due 2026-04-03 00:30 UTC (in 3 day(s))" in soon.reason
    assert late is not None and late.rule == "due_not_started" and "overdue since 2026-03-30 22:30 UTC" in late.reason


@pytest.mark.parametrize("status", ["in_progress", "awaiting_fee"])
def test_a_started_request_due_tomorrow_is_not_flagged_as_not_started(status: str) -> None:
    assert request_rule(_request(status, in_status=MINUTE, due_in=timedelta(days=1)), AS_OF) is None


def test_failed_is_listed_at_once_with_its_reason() -> None:
    found = request_rule(_request(Status.FAILED, in_status=MINUTE, due_in=FAR), AS_OF)
    assert found is not None and found.rule == "failed" and "builder crashed" in found.reason


@pytest.mark.parametrize("status", ["completed", "refused", "withdrawn"])
def test_failed_is_a_state_of_its_own(status: str) -> None:
    assert Status.FAILED != status
    assert DataSubjectRequest(status="failed").is_open and not DataSubjectRequest(status=status).is_open
    assert DataSubjectRequest(status="failed").can_move_to(status)
