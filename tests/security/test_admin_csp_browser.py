"""The admin works under its strict Content-Security-Policy: Debian's Chromium walks the pages
staff use, with the admin's own scripts running (date widgets, filters, the breach clock), and
not one violation is reported."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.models import Customer
from breaches.services import breach_create
from dsar.intake import Submission, request_submit
from tests.conftest import otp_login

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # required with live_server
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));"""

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, databases=["default", "ledger"])]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": ARGS}


def test_the_admin_runs_without_a_csp_violation(live_server: Any, page: Any, privacy_officer: User) -> None:
    now = timezone.now()
    customer = Customer.objects.create(external_id="cus-csp", email="csp@example.com", full_name="Csp Person")
    dsr = request_submit(submission=Submission(type="access", email=customer.email, channel="api", received_at=now,
                                               customer=customer), actor="test", now=now)
    breach = breach_create(fields={"title": "CSP", "detected_by": "test", "nature": "n", "confidentiality": True,
                                   "discovered_at": now - timedelta(hours=2)}, actor=None, now=now)
    session = otp_login(Client(), privacy_officer).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.add_init_script(WATCH)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)

    pages = ["/admin/", "/admin/accounts/customer/", f"/admin/accounts/customer/{customer.pk}/change/",
             "/admin/breaches/breach/", f"/admin/breaches/breach/{breach.pk}/change/", "/admin/breaches/breach/add/",
             "/admin/dsar/datasubjectrequest/", f"/admin/dsar/datasubjectrequest/{dsr.pk}/change/",
             "/admin/retention/jobrun/registry/", "/admin/retention/purgerun/schedule/",
             "/admin/subprocessors/subprocessor/add/", "/admin/accounts/accesslogentry/"]
    violations: dict[str, list[str]] = {}
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert "default-src 'none'" in (response.headers.get("content-security-policy") or ""), path
        page.wait_for_load_state("load")
        found = page.evaluate("window.__csp")
        if found:
            violations[path] = found
        if path == "/admin/breaches/breach/add/":
            # the admin's own scripts ran: the date widget added its "Today" shortcut and calendar
            assert page.locator(".datetimeshortcuts").count() > 0
        if path == "/admin/breaches/breach/":
            assert "left" in page.locator(".breach-clock").first.inner_text()
    assert not violations and not console, (violations, console)
