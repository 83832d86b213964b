"""The access package is built by a real Celery worker consuming from Redis, queued after commit."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from accounts.models import Customer
from dsar.fulfilment import request_fulfil
from dsar.models import AccessPackage
from micropim_privacy.celery import app
from tests.conftest import NOW

from .conftest import EXPORT_BUCKET, Outside


@pytest.mark.celery_worker
def test_a_worker_builds_the_package_and_answers(transactional_db: None, outside: Outside, verified,  # type: ignore[no-untyped-def]
                                                 privacy_officer) -> None:
    assert app.conf.broker_url.startswith("redis://")
    customer = Customer.objects.create(external_id="cus-w", email="worker.case@example.com",
                                       full_name="Ioana Tănase", language="ro")
    outside.put("customers/cus-w/catalogue.csv", b"sku\n1\n")
    dsr = verified("access", customer=customer, email=customer.email)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW)
        deadline = time.monotonic() + 60
        while not AccessPackage.objects.filter(state="ready").exists():
            assert time.monotonic() < deadline, "the worker never built the package"
            time.sleep(0.2)
    package = AccessPackage.objects.get()
    dsr.refresh_from_db()
    assert dsr.status == "completed" and package.attempts == 1
    head = outside.s3.head_object(Bucket=EXPORT_BUCKET, Key=package.s3_key)
    assert head["ContentLength"] == package.size_bytes > 0
