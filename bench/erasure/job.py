"""The Django side of the erasure benchmark: ``seed EVENTS`` or ``erase`` (one fresh process each,
so the peak memory measured is the erasure's own)."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micropim_privacy.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.erasure import erase_customer  # noqa: E402
from accounts.models import Customer, Erasure  # noqa: E402
from micropim_privacy.aws import s3_client  # noqa: E402
from retention.models import UsageEvent  # noqa: E402

EXTERNAL_ID = "bench-account"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def seed(events: int) -> None:
    Erasure.objects.filter(customer__external_id__startswith="erased-").delete()
    UsageEvent.objects.all().delete()
    Customer.objects.filter(external_id__startswith="erased-").delete()
    Customer.objects.filter(external_id=EXTERNAL_ID).delete()
    customer = Customer.objects.create(external_id=EXTERNAL_ID, email="bench@example.com",
                                       full_name="Bench Account", status="pending_deletion",
                                       deletion_kind="immediate", deletion_requested_at=NOW,
                                       deletion_due_at=NOW + timedelta(days=30))
    table = UsageEvent._meta.db_table
    with connection.cursor() as cursor:  # one statement: a million rows in seconds
        cursor.execute(
            f"INSERT INTO {table} (occurred_at, customer_id, kind, name, browser, browser_version, os, "  # noqa: S608
            "device_type, device_id, session_id, ip, anonymised) "
            "SELECT %s - (g %% 300) * interval '1 day', %s, 'feature', 'export.csv', 'Firefox', '128', "
            "'Linux', 'desktop', 'dev-' || (g %% 7), 'sess-' || (g %% 1000), '203.0.113.0', false "
            "FROM generate_series(1, %s) AS g", [NOW, customer.pk, events])
        cursor.execute(f"ANALYZE {table}")
    print(json.dumps({"seeded_events": events}))


def erase() -> None:
    customer = Customer.objects.get(external_id=EXTERNAL_ID)
    started = time.monotonic()
    erasure = erase_customer(customer=customer, reason=Erasure.Reason.IMMEDIATE, now=NOW)
    seconds = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steps = {s.system: {"seconds": round((s.finished_at - s.started_at).total_seconds(), 1),
                        "removed": s.removed, "anonymised": s.anonymised}
             for s in erasure.steps.all() if s.started_at and s.finished_at}
    left = s3_client().list_objects_v2(Bucket=os.environ["S3_CUSTOMER_DATA_BUCKET"],
                                       Prefix=f"customers/{EXTERNAL_ID}/").get("KeyCount", 0)
    print(json.dumps({"status": erasure.status, "seconds": round(seconds, 1), "peak_rss_mib": round(peak_mib, 1),
                      "s3_objects_left": left,
                      "events_still_linked": UsageEvent.objects.filter(customer=customer).count(),
                      "steps": steps}))


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(int(sys.argv[2]))
    else:
        erase()
