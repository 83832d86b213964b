"""Fixtures of the breach register: officers with mailboxes, a breach made through the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client

from breaches.models import Breach
from breaches.services import breach_create

BUCHAREST = ZoneInfo("Europe/Bucharest")
# Discovered on Saturday 28 March 2026, 10:00 in Bucharest (08:00 UTC). Clocks go forward
# on Sunday 29 March at 03:00 → 04:00, so 72 h later is Tuesday 31 March 11:00 local time.
DISCOVERED_DST = datetime(2026, 3, 28, 10, 0, tzinfo=BUCHAREST)

FACTS: dict[str, Any] = {
    "title": "Support mailbox exposed through a misconfigured S3 bucket",
    "detected_by": "Security monitoring (CloudTrail alert)",
    "nature": "A backup bucket with support e-mails was publicly readable for 6 days.",
    "confidentiality": True,
    "data_categories": ["email_correspondence", "account_profile"],
    "subject_categories": "Customers who wrote to support",
    "approx_subjects": 1200,
    "approx_records": 5400,
    "likely_consequences": "Phishing aimed at the customers concerned.",
    "measures_taken": "Bucket made private; access logs reviewed; keys rotated.",
    "measures_proposed": "Bucket policy guard in CI.",
    "risk_level": Breach.Risk.RISK,
    "risk_reasoning": "Names and e-mails exposed; no passwords or payment data.",
}


@pytest.fixture
def officers(security_officer: User, privacy_officer: User) -> list[User]:
    """Both officers, with the mailboxes the clock alerts go to."""
    for user, email in ((security_officer, "sid@micropim.net"), (privacy_officer, "priya@micropim.net")):
        user.email = email
        user.save(update_fields=["email"])
    return [security_officer, privacy_officer]


@pytest.fixture
def make_breach(db: None) -> Callable[..., Breach]:
    def make(*, discovered_at: datetime, now: datetime | None = None, **overrides: Any) -> Breach:
        fields = {**FACTS, "discovered_at": discovered_at, **overrides}
        return breach_create(fields=fields, actor=None, now=now or discovered_at)

    return make


@pytest.fixture
def officer_client(staff_client: Callable[[User], Client], security_officer: User) -> Client:
    return staff_client(security_officer)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
