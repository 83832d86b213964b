"""Faults injected into the real parts, without disturbing anyone else's servers.

The shared Redis and PostgreSQL servers are never stopped or restarted (other engineers run
their tests against them): "Redis down" points this process at a port where nothing listens,
and "PostgreSQL restarted" terminates one backend connection with ``pg_terminate_backend``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import Customer
from micropim_privacy.celery import app as celery_app

PORTAL_PASSWORD = "a-long-portal-pass-1"  # noqa: S105 — a test fixture's password


@pytest.fixture(autouse=True)
def _offline_outside(settings: Any) -> None:
    settings.AWS_ACCESS_KEY_ID = ""
    settings.S3_ENDPOINT_URL = None
    settings.COGNITO_USER_POOL_ID = ""
    settings.STRIPE_API_KEY = ""
    settings.MAIN_APP_WEBHOOK_URL = ""
    settings.ERASURE_AWS_ENABLED = False
    settings.PUBLIC_BASE_URL = "https://privacy.test"


def dead_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _reset_producers() -> None:
    """Celery caches its broker pools; forget them so the next send uses the URL now set (kombu
    keeps each URL's pool in a registry, so the real one is found again on restore)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class RedisOutage:
    """Broker and cache both pointed at a dead Redis port, as if the server had stopped."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self.url = f"redis://127.0.0.1:{dead_port()}/0"
        self.real_broker, self.real_caches = celery_app.conf.broker_url, settings.CACHES
        self.down = False

    def stop(self) -> None:
        celery_app.conf.broker_url = self.url
        _reset_producers()
        self.settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                            "LOCATION": self.url}}
        self.down = True

    def restore(self) -> None:
        if self.down:
            celery_app.conf.broker_url = self.real_broker
            _reset_producers()
            self.settings.CACHES = self.real_caches
            self.down = False


@pytest.fixture
def redis(settings: Any) -> Iterator[RedisOutage]:
    outage = RedisOutage(settings)
    yield outage
    outage.restore()
    celery_app.control.purge()  # what the test queued once Redis was back is not for later tests


def portal_customer(external_id: str, email: str, name: str) -> tuple[Customer, Client]:
    """A customer with a portal password, signed in through the real form."""
    customer = Customer.objects.create(external_id=external_id, email=email, full_name=name)
    customer.user = User.objects.create_user(username=f"portal-{external_id}", email=email,
                                             password=PORTAL_PASSWORD)
    customer.save(update_fields=["user"])
    client = Client()
    response = client.post("/privacy/sign-in/password/", {"email": email, "password": PORTAL_PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return customer, client
