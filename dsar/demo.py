"""Demo requests for `make run` (seed_demo can call ``seed``): one overdue, one due this week,
one on track, so the officer's queue shows every badge. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.utils import timezone

from accounts.models import Customer

from .intake import Submission, request_submit
from .models import DataSubjectRequest

DEMO = [  # (customer, type, days since receipt, channel)
    ("cus-1001", "access", 33, "email"),
    ("cus-1002", "erasure", 26, "post"),
    ("cus-1003", "restriction", 2, "email"),
]
MARK = "[demo]"


def seed(out: TextIO) -> None:
    now = timezone.now()
    made = 0
    for external_id, type_, age, channel in DEMO:
        customer = Customer.objects.filter(external_id=external_id).first()
        if customer is None or DataSubjectRequest.objects.filter(customer=customer, type=type_,
                                                                 details__startswith=MARK).exists():
            continue
        request_submit(submission=Submission(
            type=type_, email=customer.email, channel=channel, customer=customer,
            received_at=now - timedelta(days=age), details=f"{MARK} received by {channel}"),
            actor="seed_demo", now=now)
        made += 1
    out.write(f"Demo data subject requests: {made} created\n")
