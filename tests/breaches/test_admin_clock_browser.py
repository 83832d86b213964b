"""The countdown is live in a real browser (Debian's Chromium): the script keeps it ticking."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from breaches.models import Breach
from tests.conftest import otp_login

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # required with live_server
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": ARGS}


def test_the_countdown_ticks_in_the_browser(
    live_server: Any, page: Any, security_officer: User, make_breach: Callable[..., Breach]
) -> None:
    now = timezone.now()
    breach = make_breach(discovered_at=now - timedelta(hours=1), now=now)
    session = otp_login(Client(), security_officer).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.clock.install()
    page.goto(f"{live_server.url}/admin/breaches/breach/")
    clock = page.locator(".breach-clock").first
    first = clock.inner_text()
    assert re.fullmatch(r"70 h 5\d min left", first), first
    page.clock.fast_forward("02:00:00")
    page.clock.run_for(1500)
    assert re.fullmatch(r"68 h 5\d min left", clock.inner_text())
    page.clock.fast_forward(70 * 3600 * 1000)
    page.clock.run_for(1500)
    assert re.fullmatch(r"overdue by 1 h 0\d min", clock.inner_text())
    assert "breach-clock--overdue" in (clock.get_attribute("class") or "")
    assert breach.reference in page.content()
