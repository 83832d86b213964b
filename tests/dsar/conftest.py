"""Fixtures of the data-subject-request tests.

By default no outside system is configured (their steps and exports are skipped, with the
reason). ``outside`` points S3 and Cognito at a moto server and Stripe at the fake server,
with the buckets the package and the erasure engine use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from accounts.models import Customer
from dsar.intake import Submission, request_submit
from dsar.models import DataSubjectRequest
from micropim_privacy.aws import cognito_client, s3_client
from tests.conftest import NOW
from tests.servers import (  # noqa: F401
    FakeStripe,
    fake_stripe,
    moto_endpoint,
    moto_server,
    no_outside_systems,
)

CUSTOMER_BUCKET = "mp-dsar-customer-data"
EXPORT_BUCKET = "mp-dsar-exports"


@pytest.fixture(autouse=True)
def _quiet_outside(settings: Any) -> None:
    no_outside_systems(settings)
    settings.PUBLIC_BASE_URL = "https://privacy.test"


@dataclass
class Outside:
    s3: Any
    cognito: Any
    pool_id: str
    stripe: FakeStripe

    def put(self, key: str, body: bytes = b"x") -> None:
        self.s3.put_object(Bucket=CUSTOMER_BUCKET, Key=key, Body=body)

    def add_cognito_user(self, email: str, name: str = "") -> str:
        attrs = [{"Name": "email", "Value": email}] + ([{"Name": "name", "Value": name}] if name else [])
        user = self.cognito.admin_create_user(UserPoolId=self.pool_id, Username=email,
                                              UserAttributes=attrs)["User"]
        return next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")

    def cognito_attributes(self, username: str) -> dict[str, str]:
        user = self.cognito.admin_get_user(UserPoolId=self.pool_id, Username=username)
        return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


@pytest.fixture
def outside(moto_server: str, fake_stripe: FakeStripe, settings: Any) -> Outside:  # noqa: F811
    settings.S3_CUSTOMER_DATA_BUCKET = CUSTOMER_BUCKET
    settings.S3_EXPORT_BUCKET = EXPORT_BUCKET
    s3 = s3_client()
    for bucket in (CUSTOMER_BUCKET, EXPORT_BUCKET):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": settings.AWS_REGION})
    cognito = cognito_client()
    pool_id = cognito.create_user_pool(PoolName="dsar-test", UsernameAttributes=["email"])["UserPool"]["Id"]
    settings.COGNITO_USER_POOL_ID = pool_id
    return Outside(s3=s3, cognito=cognito, pool_id=pool_id, stripe=fake_stripe)


@pytest.fixture(autouse=True)
def clock_at_now() -> Iterator[time_machine.Coordinates]:
    """Every test starts at ``NOW`` with the clock running; tests travel further as needed."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def submit(type_: str, *, email: str = "ana.popescu@example.com", customer: Customer | None = None,
           received_at: datetime | None = None, now: datetime | None = None, **fields: Any,
           ) -> DataSubjectRequest:
    """A request taken through the intake service (as staff would enter one received by email)."""
    when = now or NOW
    sub = Submission(type=type_, email=email, channel=fields.pop("channel", "email"),
                     received_at=received_at or when, customer=customer, **fields)
    return request_submit(submission=sub, actor="test", now=when)


def link_from_last_email(kind_path: str = "confirm") -> str:
    """The path of the newest emailed link of that kind (/dsar/confirm/... or /dsar/upload/...)."""
    for message in reversed(mail.outbox):
        found = re.search(rf"https://privacy\.test(/dsar/{kind_path}/[^/\s]+/)", message.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no {kind_path} link in {len(mail.outbox)} emails")


def confirm_by_link(client: Client | None = None) -> None:
    path = link_from_last_email("confirm")
    response = (client or Client()).post(path)
    assert response.status_code == 200, response.content[:400]


@pytest.fixture
def verified() -> Callable[..., DataSubjectRequest]:
    """A request whose requester confirmed from the account's address."""

    def make(type_: str, **kwargs: Any) -> DataSubjectRequest:
        dsr = submit(type_, **kwargs)
        with time_machine.travel(kwargs.get("now") or NOW, tick=False):
            confirm_by_link()
        dsr.refresh_from_db()
        assert dsr.status == "verified", dsr.status
        return dsr

    return make


@pytest.fixture
def portal_user(customer_a: Customer) -> User:
    user = User.objects.create_user(username="ana.portal", password="x-portal-pass-1",
                                    email=customer_a.email)
    customer_a.user = user
    customer_a.save(update_fields=["user"])
    return user


def days(n: int) -> timedelta:
    return timedelta(days=n)
