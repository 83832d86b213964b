"""Notice-campaign delivery benchmark (issue 7): emails per second through campaign_deliver
(batched Notification claim, one UPDATE per email) against plain notify() per email, in
autocommit as a worker runs (every email committed on its own), with the locmem backend.

Run from the repository root (PostgreSQL on localhost; the database is dropped and recreated):

    .venv/bin/python bench/subprocessors/bench_campaign.py --recipients 10000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DB = "mp_bench_subprocessors"
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
CONTEXT = {"subject_en": "Notice", "body_en": "Hello.", "subject_ro": "Notificare", "body_ro": "Bună ziua."}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    os.system(f"dropdb -h 127.0.0.1 -U postgres --if-exists {DB} && createdb -h 127.0.0.1 -U postgres {DB}")  # noqa: S605
    os.environ["DJANGO_SETTINGS_MODULE"] = "micropim_privacy.settings.test"
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # locmem outbox
    call_command("migrate", verbosity=0)

    from accounts.models import Customer
    from accounts.notifications import notify
    from subprocessors.campaigns import campaign_create, campaign_deliver

    n = args.recipients
    results: dict[str, object] = {"recipients": n, "batch": args.batch}
    customers = Customer.objects.bulk_create(
        Customer(external_id=f"bench-{i}", email=f"bench{i}@example.com", language="ro" if i % 3 else "en")
        for i in range(n))

    started = time.perf_counter()
    campaign = campaign_create(kind="other", title="bench", recipients=((c, None) for c in customers),
                               template="notice", context=CONTEXT, now=NOW, start=False)
    results["create_s"] = round(time.perf_counter() - started, 2)

    mail.outbox = []
    started = time.perf_counter()
    report = campaign_deliver(campaign.pk, batch_size=args.batch, now=NOW, max_batches=10**9)
    elapsed = time.perf_counter() - started
    assert report.sent == n and len(mail.outbox) == n, report
    results["campaign_deliver_s"] = round(elapsed, 2)
    results["campaign_emails_per_s"] = round(n / elapsed)

    mail.outbox = []
    started = time.perf_counter()
    for c in customers:
        notify(kind="notice", customer=c, context=CONTEXT, dedupe_key=f"bench-notify:{c.pk}", now=NOW)
    elapsed = time.perf_counter() - started
    results["notify_each_s"] = round(elapsed, 2)
    results["notify_emails_per_s"] = round(n / elapsed)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
