"""PostgreSQL "restarted" during a job: the job's backend is terminated mid-run (while the
erasure engine waits for the main app's webhook), the run fails, and the next run resumes and
completes — every system erased once, the confirmation email sent once, the certificate written.

The shared server is not restarted: ``pg_terminate_backend`` from a second connection ends just
the job's session, which is what a restart does to it (its transaction rolled back, its advisory
lock released). Between the runs the connection is dropped the way Django and the Celery worker
drop a broken one (``close_if_unusable_or_obsolete``).
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.lifecycle import deletion_start
from accounts.models import Customer, Erasure, Notification
from micropim_privacy.policy import Deadlines
from retention.models import JobRun
from tests.servers import _Server

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "ledger"])


def _admin_connection() -> psycopg.Connection[Any]:
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                           password=s["PASSWORD"] or None, dbname=s["NAME"], autocommit=True)


def terminate(pid: int) -> None:
    with _admin_connection() as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
        for _ in range(100):  # the backend exits within milliseconds
            if admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone() == (0,):
                return
            time.sleep(0.02)
    raise AssertionError(f"backend {pid} still alive")


class MainApp:
    """The main app's webhook endpoint; on the first call, PostgreSQL "restarts" under the job."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.victim: int | None = None
        self.server = _Server(self._handle)
        self.url = self.server.url

    def _handle(self, req: BaseHTTPRequestHandler, method: str, body: bytes) -> tuple[int, bytes]:
        self.calls.append({"key": req.headers.get("Idempotency-Key"), "body": json.loads(body)})
        if self.victim is not None:
            terminate(self.victim)
            self.victim = None
        return 200, json.dumps({"removed": {"products": 3}}).encode()


@pytest.fixture
def main_app(settings: Any) -> Any:
    app = MainApp()
    settings.MAIN_APP_WEBHOOK_URL = app.url
    settings.MAIN_APP_WEBHOOK_SECRET = "webhook-secret"  # noqa: S105
    settings.ERASURE_WEBHOOK_BACKOFF_SECONDS = 0.01
    yield app
    app.server.close()


def _run_erasure_job() -> None:
    call_command("run_privacy_jobs", "--only", "erase_due_accounts", "--json", stdout=_Null())


def test_a_job_whose_database_connection_dies_completes_on_the_next_run(main_app: MainApp) -> None:
    now = timezone.now()
    customer = Customer.objects.create(external_id="cus-pg", email="pg@example.com", full_name="Pat Gres")
    deletion_start(customer=customer, now=now - Deadlines.ACCOUNT_DELETION_GRACE.delta - timedelta(hours=1))
    connection.ensure_connection()
    main_app.victim = connection.connection.info.backend_pid

    with pytest.raises(Exception) as failed:  # noqa: PT011 — whichever way psycopg reports it
        _run_erasure_job()
    assert "terminat" in str(failed.value).lower() or "closed" in str(failed.value).lower(), failed.value
    connection.close_if_unusable_or_obsolete()  # what Django (and the Celery worker) do next

    erasure = Erasure.objects.get(customer=customer)
    assert erasure.status != Erasure.Status.COMPLETED
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.PENDING_DELETION

    _run_erasure_job()  # the next run (beat's next tick)

    erasure.refresh_from_db()
    assert erasure.status == Erasure.Status.COMPLETED and erasure.certificate
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.DELETED
    assert all(step.is_finished for step in erasure.steps.all())
    assert Notification.objects.filter(customer=customer, kind="deletion_completed").count() == 1
    # The main app heard of it again after the failure, under the same idempotency key.
    assert len(main_app.calls) == 2 and main_app.calls[0]["key"] == main_app.calls[1]["key"] == str(erasure.uuid)
    latest = JobRun.objects.filter(job="erase_due_accounts").order_by("-id").first()
    assert latest is not None and latest.outcome == JobRun.Outcome.OK

    _run_erasure_job()  # and once done, nothing more happens
    assert len(main_app.calls) == 2
    assert Notification.objects.filter(customer=customer, kind="deletion_completed").count() == 1


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
