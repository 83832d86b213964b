"""Portal fixtures: signed-in clients for customers and other data subjects, and the browser.

Rate-limit counters live in the default (locmem) cache: cleared before each test so tests
never depend on each other's attempts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import Customer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # required with live_server

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a-long-portal-pass-1"  # noqa: S105


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def with_password(db: None) -> Callable[[Customer], Customer]:
    """Give a customer a portal login (accounts.Customer.user)."""

    def give(customer: Customer) -> Customer:
        user = User.objects.create_user(username=f"portal-{customer.external_id}", password=PASSWORD,
                                        email=customer.email)
        customer.user = user
        customer.save(update_fields=["user"])
        return customer

    return give


def link_from_outbox(index: int = -1) -> str:
    body = mail.outbox[index].body
    match = re.search(r"https?://\S+/privacy/sign-in/link/\S+/", body)
    assert match, body
    return match.group(0)


def sign_in_by_link(client: Client, email: str) -> Client:
    response = client.post("/privacy/sign-in/email/", {"email": email})
    assert response.status_code == 302, response.content[:300]
    path = "/privacy/" + link_from_outbox().split("/privacy/", 1)[1]
    assert client.post(path).status_code == 302
    return client


@pytest.fixture
def signed_in(db: None) -> Callable[[str], Client]:
    """A client signed in by email link as this address (customer or not)."""

    def make(email: str) -> Client:
        return sign_in_by_link(Client(), email)

    return make
