"""A worker killed with SIGKILL in the middle of an erasure (§5.3, STYLE "a crash half-way loses
nothing"): running the jobs again completes it, with a complete certificate, nothing erased
or counted twice, and nothing left behind.

The erasure runs in a real subprocess (``manage.py run_privacy_jobs``) against the test
database and the local stand-ins; small batches make each step take long enough to be
killed inside: first in the S3 step, then, in a second worker, in this service's own tables.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

from accounts.lifecycle import deletion_start
from accounts.models import Customer, Erasure, ErasureStep, Notification
from retention.models import UsageEvent

from .conftest import BUCKET, WEBHOOK_SECRET, Outside

DAY0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
DAY31 = DAY0 + timedelta(days=31)
OBJECTS = 48
EVENTS = 600
pytestmark = pytest.mark.django_db(transaction=True)


def _worker(outside: Outside, log: Path) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "S3_ENDPOINT_URL": outside.moto_url, "COGNITO_ENDPOINT_URL": outside.moto_url,
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "S3_CUSTOMER_DATA_BUCKET": BUCKET, "COGNITO_USER_POOL_ID": outside.pool_id,
        "STRIPE_API_KEY": "sk_test_fake", "STRIPE_API_BASE": outside.stripe.url,
        "MAIN_APP_WEBHOOK_URL": f"{outside.receiver.url}/privacy/erasures",
        "MAIN_APP_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "ERASURE_S3_BATCH_SIZE": "4", "ERASURE_DB_BATCH_SIZE": "40",
        "ERASURE_STRIPE_MAX_NETWORK_RETRIES": "0", "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_privacy_jobs", "--as-of", DAY31.isoformat(),
         "--only", "erase_due_accounts"],
        cwd=django_settings.BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _kill_when(worker: subprocess.Popen[bytes], ready: Callable[[], bool], log: Path) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        if worker.poll() is not None:
            raise AssertionError(f"the worker finished before it could be killed:\n{log.read_text()}")
        if time.monotonic() > deadline:
            worker.kill()
            raise AssertionError("the worker never reached the step")
        time.sleep(0.01)
    os.kill(worker.pid, signal.SIGKILL)
    assert worker.wait(timeout=10) == -signal.SIGKILL


def _step(system: str) -> ErasureStep | None:
    return ErasureStep.objects.filter(system=system).first()


def _in_the_middle(system: str, counts: str) -> Callable[[], bool]:
    def ready() -> bool:
        step = _step(system)
        return bool(step and step.status == "running" and getattr(step, counts))
    return ready


def test_a_killed_worker_is_resumed_to_a_complete_certificate(
        customer_a: Customer, outside: Outside, settings: Any, run_jobs_as_of: Any, tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: outside.put(f"customers/cus-a/p/{i:04d}.jpg"), range(OBJECTS)))
    outside.put("customers/cus-b/keep.csv")
    customer_a.stripe_customer_id = outside.stripe.add_customer(email=customer_a.email)
    customer_a.cognito_sub = outside.add_cognito_user(customer_a.email)
    customer_a.save()
    UsageEvent.objects.bulk_create(UsageEvent(customer=customer_a, occurred_at=DAY0, kind="feature",
                                              name="x", ip="203.0.113.7") for _ in range(EVENTS))
    deletion_start(customer=customer_a, now=DAY0)

    # Worker 1 dies in the middle of the S3 step.
    _kill_when(_worker(outside, tmp_path / "w1.log"), _in_the_middle("s3", "removed"), tmp_path / "w1.log")
    assert Erasure.objects.get().status == "running"
    assert 0 < sum(_step("s3").removed.values()) < OBJECTS
    # Worker 2 resumes there, and dies in the middle of this service's own tables.
    _kill_when(_worker(outside, tmp_path / "w2.log"), _in_the_middle("privacy-db", "anonymised"),
               tmp_path / "w2.log")
    assert 0 < sum(_step("privacy-db").anonymised.values()) < EVENTS
    # The next ordinary run completes it.
    settings.ERASURE_S3_BATCH_SIZE = 4
    settings.ERASURE_DB_BATCH_SIZE = 40
    run_jobs_as_of(DAY31 + timedelta(hours=1))

    erasure = Erasure.objects.get()
    assert erasure.status == "completed"
    attempts = {s.system: s.attempts for s in erasure.steps.all()}
    assert attempts == {"main-app": 1, "s3": 2, "cognito": 1, "stripe": 1, "backups": 1,
                        "confirmation-email": 1, "privacy-db": 2}
    # Nothing done twice...
    assert len(outside.receiver.requests) == 1
    assert [m for m, _ in outside.stripe.calls].count("DELETE") == 1
    assert Notification.objects.filter(kind="deletion_completed").count() == 1
    # ...every count exact...
    systems = {s["system"]: s for s in erasure.certificate["systems"]}
    assert systems["s3"]["removed"] == [{"what": "object versions", "count": OBJECTS}]
    assert systems["privacy-db"]["anonymised"][-1]["count"] == EVENTS  # usage events
    assert {a["what"]: a["count"] for a in systems["privacy-db"]["anonymised"]}[
        "Usage and analytics data [retention.UsageEvent]"] == EVENTS
    assert all(s["finished_at"] for s in erasure.certificate["systems"])
    # ...and nothing left behind.
    assert outside.keys("customers/cus-a/") == [] and outside.keys() == ["customers/cus-b/keep.csv"]
    assert outside.cognito_users() == []
    assert UsageEvent.objects.filter(customer__isnull=False).count() == 0
    assert UsageEvent.objects.filter(anonymised=True).count() == EVENTS
    assert Customer.objects.get(pk=customer_a.pk).status == "deleted"
