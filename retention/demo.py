"""Demo data for `make run`: a few events, tickets and Stripe mirrors, some already past their
period so `run_privacy_jobs` (or the admin's purge schedule) has something to show. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.utils import timezone

from accounts.models import Customer

from .models import (
    BillingRecord,
    EmailMessage,
    Invoice,
    LoginEvent,
    ServerLogLine,
    SupportTicket,
    UsageEvent,
)


def seed(out: TextIO) -> None:
    if SupportTicket.objects.filter(reference__startswith="DEMO-").exists():
        return
    now = timezone.now()
    ana = Customer.objects.filter(external_id="cus-1001").first()
    john = Customer.objects.filter(external_id="cus-1002").first()
    for days in (400, 100, 3):
        at = now - timedelta(days=days)
        UsageEvent.objects.create(occurred_at=at, customer=ana, kind="feature", name="export.csv",
                                  browser="Firefox", browser_version="128", os="Linux",
                                  device_type="desktop", device_id="demo-device", ip="203.0.113.77")
        LoginEvent.objects.create(occurred_at=at, customer=john, outcome="success",
                                  method="password", ip="2001:db8:abcd:12::1")
        ServerLogLine.objects.create(occurred_at=at, customer=ana, method="GET", path="/products",
                                     status=200, ip="192.0.2.44")
    SupportTicket.objects.create(reference="DEMO-1", customer=ana, subject="Import fails",
                                 opened_at=now - timedelta(days=1200), status="resolved",
                                 resolved_at=now - timedelta(days=1100))
    SupportTicket.objects.create(reference="DEMO-2", customer=john, subject="Export question",
                                 opened_at=now - timedelta(days=2))
    EmailMessage.objects.create(customer=john, direction="in", sent_at=now - timedelta(days=30),
                                from_address="john.smith@example.com",
                                to_address="support@micropim.net", subject="Invoice copy")
    BillingRecord.objects.create(stripe_id="ch_demo_1", stripe_customer_id="cus_demo_1",
                                 customer=ana, amount=4900, currency="eur", status="succeeded",
                                 transaction_at=now - timedelta(days=40), card_last4="4242",
                                 stripe_event_created=now - timedelta(days=40))
    Invoice.objects.create(stripe_id="in_demo_1", stripe_customer_id="cus_demo_1", customer=ana,
                           number="MP-DEMO-1", issued_at=now - timedelta(days=40), amount_due=4900,
                           amount_paid=4900, currency="eur", status="paid",
                           customer_tax_id="RO12345678", stripe_event_created=now - timedelta(days=40))
    out.write("Retention demo: events, tickets and billing mirrors loaded "
              "(see /admin/retention/purgerun/schedule/).\n")
