"""Fixtures of the retention tests: one row of any category at any instant, purge helpers."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection, models

from accounts.models import Customer
from micropim_privacy.policy import category
from retention import models as rm
from retention.jobs import create_partitions
from retention.partitions import is_partitioned, list_partitions
from retention.runner import run_jobs
from tests.servers import moto_endpoint, moto_server  # noqa: F401 — fixtures

_seq = itertools.count(1)
OLD = datetime(2020, 1, 1, tzinfo=UTC)

# category key -> (model, the field its period counts from, other required fields)
ROWS: dict[str, tuple[type[models.Model], str, Callable[[], dict[str, Any]]]] = {
    "usage_analytics": (rm.UsageEvent, "occurred_at",
                        lambda: {"kind": "feature", "name": "export.csv", "browser": "Firefox",
                                 "os": "Linux", "device_type": "desktop", "device_id": "dev-1",
                                 "session_id": "s-1", "ip": "203.0.113.77"}),
    "login_sessions": (rm.LoginEvent, "occurred_at", lambda: {"outcome": "success", "ip": "198.51.100.9"}),
    "error_reports": (rm.ErrorReport, "occurred_at", lambda: {"message": "TypeError in export"}),
    "server_logs": (rm.ServerLogLine, "occurred_at",
                    lambda: {"method": "GET", "path": "/products", "status": 200, "ip": "192.0.2.44"}),
    "support_tickets": (rm.SupportTicket, "resolved_at",
                        lambda: {"reference": f"T-{next(_seq)}", "subject": "Import fails",
                                 "opened_at": OLD, "status": "resolved"}),
    "chat_transcripts": (rm.ChatTranscript, "resolved_at",
                         lambda: {"started_at": OLD, "transcript": "hi"}),
    "email_correspondence": (rm.EmailMessage, "sent_at",
                             lambda: {"direction": "in", "from_address": "ana@example.com",
                                      "to_address": "support@micropim.net", "subject": "Help"}),
    "survey_responses": (rm.SurveyResponse, "responded_at", lambda: {"survey": "nps-2024"}),
    "call_recordings": (rm.CallRecording, "recorded_at", lambda: {"recording_ref": "rec://1"}),
    "event_attendance": (rm.EventAttendance, "event_at",
                         lambda: {"event_name": "PIM Day", "email": "ana@example.com"}),
    "billing_records": (rm.BillingRecord, "transaction_at",
                        lambda: {"stripe_id": f"ch_{next(_seq)}", "amount": 4900,
                                 "stripe_event_created": OLD}),
    "invoices": (rm.Invoice, "issued_at",
                 lambda: {"stripe_id": f"in_{next(_seq)}", "number": f"MP-{next(_seq)}",
                          "stripe_event_created": OLD}),
}


def make_row(key: str, at: datetime, customer: Customer | None = None, **extra: Any) -> models.Model:
    model, field, defaults = ROWS[key]
    return model.objects.create(**{**defaults(), field: at, "customer": customer, **extra})


def purge(key: str, as_of: datetime, *, dry_run: bool = False) -> dict[str, int]:
    """Run one category's purge job through the job runner, as `run_privacy_jobs` does."""
    report = run_jobs(as_of=as_of, only=[f"purge_{key}"], dry_run=dry_run)
    result = report.jobs[f"purge_{key}"]
    assert result["outcome"] == "ok", result
    return result["counts"]  # type: ignore[return-value]


def remaining(key: str) -> int:
    return ROWS[key][0].objects.count()


@pytest.fixture
def partitioned(db: None) -> Callable[[datetime], None]:
    """Create partitions around an instant, as the `create_partitions` job does."""
    assert is_partitioned(rm.ServerLogLine) and is_partitioned(rm.UsageEvent)

    def make(as_of: datetime) -> None:
        create_partitions(as_of=as_of, dry_run=False)

    return make


def partition_names(model: type[models.Model]) -> list[str]:
    return [p.name for p in list_partitions(model)]


@pytest.fixture
def drop_partitions_after() -> Iterator[None]:
    """For transactional tests: partitions they created outlive the flush; drop them."""
    yield
    with connection.cursor() as cursor:
        for model in (rm.ServerLogLine, rm.UsageEvent):
            for p in list_partitions(model):
                if not p.is_default:
                    cursor.execute(f'DROP TABLE "{p.name}"')


def period_end(key: str, start: datetime) -> datetime:
    retention = category(key).retention
    assert retention is not None
    return retention.after(start)
