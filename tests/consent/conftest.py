"""Fixtures of the consent tests: the browser (Debian's Chromium), a visitor, a subscriber."""

from __future__ import annotations

import os
import re
from datetime import datetime
from typing import Any

import pytest
from django.core import mail
from rest_framework.test import APIClient

from consent.models import Subscription
from consent.services import subscription_confirm, subscription_start

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # required with live_server
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

SITE = "https://micropim.net"
VISITOR = "0b6f3a4e-8c1d-4d2a-9f3e-2a7c5b1d9e40"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": ARGS}


@pytest.fixture
def site() -> APIClient:
    """A browser on micropim.net calling the public API (no token, the site's Origin)."""
    return APIClient(HTTP_ORIGIN=SITE, HTTP_USER_AGENT=(
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
        REMOTE_ADDR="203.0.113.77")


def confirm_link_from_outbox() -> str:
    """The confirmation URL of the last email sent."""
    match = re.search(r"https?://\S+/newsletter/confirm/(\S+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def subscribe_and_confirm(email: str, *, now: datetime, language: str = "en") -> Subscription:
    subscription_start(email=email, source="micropim.net/footer", consent_text_version="nl-2025-10",
                       language=language, ip="198.51.100.9", user_agent="Mozilla/5.0 Firefox/128.0", now=now)
    return subscription_confirm(token=confirm_link_from_outbox(), now=now)
