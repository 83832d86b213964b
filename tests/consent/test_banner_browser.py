"""The embeddable banner in headless Chromium, GPC off and on (§10.2–§10.4, §7.8).

The host page is served from http://127.0.0.1:PORT and the banner script and API from
http://localhost:PORT: two origins, so CORS is exercised as on micropim.net.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from consent.models import ConsentRecord

pytestmark = pytest.mark.slow


@pytest.fixture
def host_page(live_server: Any, settings: Any) -> str:
    settings.CONSENT_DEMO_API_BASE = live_server.url
    page_origin = live_server.url.replace("localhost", "127.0.0.1")
    settings.CONSENT_ALLOWED_ORIGINS = [page_origin]
    return f"{page_origin}/consent/demo/"


def _context(browser: Browser, *, gpc: bool) -> Iterator[BrowserContext]:
    context = browser.new_context(extra_http_headers={"Sec-GPC": "1"} if gpc else {})
    if gpc:
        context.add_init_script(
            "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});")
    yield context
    context.close()


@pytest.fixture
def plain_context(browser: Browser) -> Iterator[BrowserContext]:
    yield from _context(browser, gpc=False)


@pytest.fixture
def gpc_context(browser: Browser) -> Iterator[BrowserContext]:
    yield from _context(browser, gpc=True)


def _posted(page: Page, action: Any) -> None:
    with page.expect_response(lambda r: r.url.endswith("/api/v1/consent/") and r.request.method == "POST") as info:
        action()
    assert info.value.status == 201


def test_without_gpc_the_banner_asks_records_and_can_be_changed_later(
        plain_context: BrowserContext, host_page: str) -> None:
    page = plain_context.new_page()
    page.goto(host_page)
    banner = page.locator("#mp-consent[data-mode=banner]")
    banner.wait_for()
    assert page.evaluate("window.analyticsLoaded") is None  # nothing before consent
    page.click("#mp-consent [data-action=customize]")
    page.check("#mp-consent input[name=analytics]")
    _posted(page, lambda: page.click("#mp-consent [data-action=save]"))
    assert page.locator("#mp-consent").count() == 0
    assert page.evaluate("window.analyticsLoaded") is True
    assert page.evaluate("window.marketingLoaded") is None
    record = ConsentRecord.objects.get()
    assert (record.analytics, record.marketing, record.gpc_source) == (True, False, "")
    assert record.user_agent_family == "Chrome"

    page.reload()  # the choice is remembered: no banner, analytics runs
    page.wait_for_function("window.analyticsLoaded === true")
    assert page.locator("#mp-consent").count() == 0

    page.click("#cookie-settings")  # "Cookie Settings" in the footer (§10.3): withdraw as easily
    assert page.is_checked("#mp-consent input[name=analytics]")
    page.uncheck("#mp-consent input[name=analytics]")
    _posted(page, lambda: page.click("#mp-consent [data-action=save]"))
    latest = ConsentRecord.objects.order_by("-id").first()
    assert latest is not None and latest.analytics is False
    assert ConsentRecord.objects.count() == 2


def test_with_gpc_nothing_is_asked_and_refusal_is_recorded_with_the_reason(
        gpc_context: BrowserContext, host_page: str) -> None:
    page = gpc_context.new_page()
    _posted(page, lambda: page.goto(host_page))
    page.wait_for_function("window.MicroPIMConsent && window.MicroPIMConsent.get() !== null")
    assert page.locator("#mp-consent").count() == 0  # no banner at all
    assert page.evaluate("window.analyticsLoaded") is None
    assert page.evaluate("window.marketingLoaded") is None
    record = ConsentRecord.objects.get()
    assert (record.analytics, record.marketing) == (False, False)
    assert record.gpc_source == ConsentRecord.GpcSource.BOTH  # header and navigator flag

    page.click("#cookie-settings")  # settings only say why; refused categories are not offered
    page.locator("#mp-consent [data-gpc-notice]").wait_for()
    assert page.locator("#mp-consent input[name=analytics]").count() == 0
    assert page.locator("#mp-consent input[name=marketing]").count() == 0

    page.reload()
    page.wait_for_function("window.MicroPIMConsent.get() !== null")
    assert ConsentRecord.objects.count() == 1  # recorded once, not on every page view
