"""Fixtures of the deletion-lifecycle and erasure tests.

``outside`` configures every outside system against its local stand-in (moto for S3 and
Cognito, the fake Stripe server, the webhook receiver) and hands back handles to seed and
inspect them. Without it, the outside systems are simply not configured here and their
erasure steps are recorded as skipped, with the reason.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Customer
from micropim_privacy.aws import cognito_client, s3_client
from tests.servers import (  # noqa: F401
    FakeStripe,
    Receiver,
    fake_stripe,
    moto_endpoint,
    moto_server,
    no_outside_systems,
    receiver,
)

BUCKET = "mp-customer-data-test"
WEBHOOK_SECRET = "whsec-test-main-app"


@pytest.fixture(autouse=True)
def _quiet_outside(settings: Any) -> None:
    """By default no outside system is configured (each test opts in with ``outside``)."""
    no_outside_systems(settings)
    settings.ERASURE_WEBHOOK_BACKOFF_SECONDS = 0.01
    settings.ERASURE_WEBHOOK_TIMEOUT_SECONDS = 5


@dataclass
class Outside:
    s3: Any
    cognito: Any
    pool_id: str
    stripe: FakeStripe
    receiver: Receiver
    moto_url: str

    def put(self, key: str, body: bytes = b"x") -> None:
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)

    def keys(self, prefix: str = "") -> list[str]:
        found = self.s3.list_object_versions(Bucket=BUCKET, Prefix=prefix)
        return [v["Key"] for v in found.get("Versions", []) + found.get("DeleteMarkers", [])]

    def add_cognito_user(self, email: str) -> str:
        user = self.cognito.admin_create_user(UserPoolId=self.pool_id, Username=email)["User"]
        return next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")

    def cognito_users(self) -> list[str]:
        return [u["Username"] for u in self.cognito.list_users(UserPoolId=self.pool_id)["Users"]]

    def webhook_signature_ok(self, request: dict[str, Any]) -> bool:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        parts = dict(p.split("=", 1) for p in headers["x-micropim-signature"].split(","))
        expected = hmac.new(WEBHOOK_SECRET.encode(), f"{parts['t']}.".encode() + request["body"],
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts["v1"])


@pytest.fixture
def outside(moto_server: str, fake_stripe: FakeStripe, receiver: Receiver, settings: Any) -> Outside:  # noqa: F811
    settings.S3_CUSTOMER_DATA_BUCKET = BUCKET
    settings.MAIN_APP_WEBHOOK_URL = f"{receiver.url}/privacy/erasures"
    settings.MAIN_APP_WEBHOOK_SECRET = WEBHOOK_SECRET
    s3 = s3_client()
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": settings.AWS_REGION})
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    cognito = cognito_client()
    pool_id = cognito.create_user_pool(PoolName="micropim-test", UsernameAttributes=["email"])["UserPool"]["Id"]
    settings.COGNITO_USER_POOL_ID = pool_id
    return Outside(s3=s3, cognito=cognito, pool_id=pool_id, stripe=fake_stripe, receiver=receiver,
                   moto_url=moto_server)


@pytest.fixture
def run_jobs_as_of() -> Callable[..., None]:
    """``run_privacy_jobs --as-of`` for the deletion jobs, as beat would run them."""

    def run(as_of: datetime, *jobs: str) -> None:
        call_command("run_privacy_jobs", as_of=as_of,
                     only=list(jobs) or ["send_deletion_reminders", "erase_due_accounts"])

    return run


@pytest.fixture
def kinds(api: APIClient) -> Callable[[str], list[str]]:
    """The kinds of every notification of an account, read through the API."""

    def read(external_id: str) -> list[str]:
        response = api.get(f"/api/v1/accounts/{external_id}/notifications/")
        assert response.status_code == 200, response.content
        return [n["kind"] for n in response.json()]

    return read


def refreshed(customer: Customer) -> Customer:
    return Customer.objects.get(pk=customer.pk)
