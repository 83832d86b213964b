"""The cookie-choices journey in Chromium: open from the banner's link, change, see it saved;
accessible (axe) and without a CSP violation."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from consent.models import ConsentRecord

from .test_browser_journeys import Checker

VISITOR = "0f6a1c52-2d7e-4b1a-9c3e-7d8f9a0b1c2d"


def test_a_visitor_changes_cookie_choices_in_the_portal(live_server: Any, page: Page,
                                                         transactional_db: None) -> None:
    base = live_server.url
    c = Checker(page, base)
    page.goto(f"{base}/privacy/cookies/?visitor={VISITOR}")
    c.check("30-cookie-choices")
    page.get_by_label("Analytics", exact=False).first.check()
    page.get_by_role("button", name="Save my cookie choice").click()
    expect(page.locator("body")).to_contain_text("Analytics cookies: allowed")
    c.check("31-cookie-choices-saved", axe=False)
    latest = ConsentRecord.objects.filter(subject_key=VISITOR).latest("id")
    assert (latest.analytics, latest.marketing) == (True, False)
    assert c.csp_errors == []
