"""`run_privacy_jobs --dry-run --as-of` previews exactly what a real run then does."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO

from django.core.management import call_command

from accounts.models import Customer
from retention.models import LegalHold, PurgeRun, ServerLogLine, SupportTicket, UsageEvent

from .conftest import make_row

AS_OF = datetime(2026, 6, 15, 12, tzinfo=UTC)
JOBS = ["purge_server_logs", "purge_usage_analytics", "purge_support_tickets",
        "purge_login_sessions", "purge_billing_records"]


def _run(*extra: str) -> dict[str, dict[str, int]]:
    out = StringIO()
    call_command("run_privacy_jobs", "--as-of", AS_OF.isoformat(), "--only", *JOBS, "--json",
                 *extra, stdout=out)
    return {name: r["counts"] for name, r in json.loads(out.getvalue())["jobs"].items()}


def test_the_dry_run_counts_exactly_what_the_real_run_does_and_changes_nothing(
        partitioned: Callable, customer_a: Customer, customer_b: Customer) -> None:
    partitioned(AS_OF - timedelta(days=100))
    for days in (95, 91, 90, 89, 10):
        make_row("server_logs", AS_OF - timedelta(days=days, hours=1), customer=customer_a)
        make_row("usage_analytics", AS_OF - timedelta(days=days * 4), customer=customer_b)
    for days in (365 * 4, 365 * 3 + 5, 365 * 2):  # past 3 years after resolution, past, not
        make_row("support_tickets", AS_OF - timedelta(days=days), customer=customer_a)
        make_row("support_tickets", AS_OF - timedelta(days=days), customer=customer_b)
    make_row("billing_records", AS_OF - timedelta(days=365 * 8))
    LegalHold.objects.create(customer=customer_a, category_key="support_tickets", reason="claim")
    before = (ServerLogLine.objects.count(), UsageEvent.objects.count(), SupportTicket.objects.count())

    preview = _run("--dry-run")
    assert (ServerLogLine.objects.count(), UsageEvent.objects.count(),
            SupportTicket.objects.count()) == before
    assert not PurgeRun.objects.exists()

    real = _run()
    assert real == preview
    assert preview["purge_server_logs"] == {"counted": 3, "deleted": 3, "anonymised": 0, "held": 0}
    assert preview["purge_usage_analytics"]["anonymised"] == 1  # 380 days old; 364 is not
    assert preview["purge_support_tickets"] == {"counted": 4, "deleted": 2, "anonymised": 0, "held": 2}
    assert preview["purge_billing_records"]["deleted"] == 1
    assert PurgeRun.objects.count() == len(JOBS)
    # And a second real run finds nothing more to do.
    assert all(c["deleted"] == c["anonymised"] == 0 for c in _run().values())
