"""The portal in a real browser (Debian's Chromium via Playwright): the main journeys, a
screenshot of every page (test-artifacts/portal/), axe-core on every page with no serious
or critical violation, and no Content-Security-Policy violation anywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Customer
from dsar.models import AccessPackage, DataSubjectRequest
from portal.models import SaleOptOut

from .conftest import ARTIFACTS, AXE

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]  # seeds survive

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}));
}"""


class Checker:
    """Screenshots, axe and CSP for every page the journey visits."""

    def __init__(self, page: Page, base: str) -> None:
        assert AXE.exists(), "axe-core is missing: run `npm ci --prefix tests/portal` (.ci/run does)"
        self.page, self.base, self.csp_errors, self.checked = page, base, [], []
        page.set_default_timeout(5000)
        page.on("console", lambda m: self.csp_errors.append(m.text)
                if "Content Security Policy" in m.text else None)
        # axe is served from our own origin so the strict CSP (script-src 'self') allows it.
        page.route("**/__axe__.js", lambda route: route.fulfill(path=str(AXE),
                                                               content_type="text/javascript"))

    def check(self, name: str, *, axe: bool = True, full_page: bool = True) -> None:
        """``axe=False`` only for a page already checked in the other language."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
        if not axe:
            return
        self.page.add_script_tag(url=f"{self.base}/__axe__.js")
        violations: list[dict[str, Any]] = self.page.evaluate(AXE_RUN, AXE_TAGS)
        assert not violations, f"{name}: {violations}"
        self.checked.append(name)


def _signin_link() -> str:
    match = re.search(r"https?://\S+/privacy/sign-in/link/\S+/", mail.outbox[-1].body)
    assert match
    return match.group(0)


@pytest.fixture
def customer(transactional_db: None) -> Customer:
    user = User.objects.create_user(username="ana-portal", password="a-long-portal-pass-1")
    return Customer.objects.create(external_id="cus-web", email="ana.web@example.com", full_name="Ana Popescu",
                                   company_name="Ștefănescu Trading SRL", language="en", user=user)


def test_a_customer_signs_in_sees_their_data_switches_to_romanian_and_uses_every_page(
        live_server: Any, page: Page, customer: Customer) -> None:
    base = live_server.url
    c = Checker(page, base)
    page.goto(f"{base}/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your privacy at MicroPIM")
    c.check("01-home-anonymous")

    # Sign in by email link, by keyboard.
    page.get_by_role("link", name="Sign in", exact=True).first.click()
    c.check("02-sign-in")
    page.get_by_label("Your email address").fill(customer.email)
    page.get_by_label("Your email address").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    c.check("03-sign-in-sent")
    page.goto(_signin_link())
    c.check("04-sign-in-link")
    page.get_by_role("button", name="Sign me in").click()
    expect(page.get_by_text(f"You are signed in as {customer.email}")).to_be_visible()
    c.check("05-home-signed-in")

    page.get_by_role("link", name="Your data", exact=True).click()
    expect(page.locator("#cat-billing_records")).to_contain_text("7 years after transaction")
    c.check("06-your-data", axe=False, full_page=False)  # checked in Romanian just below

    # Switch to Romanian: the same page, translated, diacritics and all.
    page.get_by_role("button", name="Română").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce deținem despre dumneavoastră")
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    expect(page.locator("#cat-billing_records")).to_contain_text("7 ani după tranzacție")
    c.check("07-datele-dumneavoastra-ro")

    page.get_by_role("link", name="Contact și plângeri").first.click()
    expect(page.get_by_text("Autoritatea Națională de Supravegere")).to_be_visible()
    c.check("08-contact-ro")

    page.get_by_role("link", name="Nu vindeți și nu partajați").first.click()
    page.get_by_role("button", name="Renunț la vânzare și partajare").click()
    expect(page.get_by_role("status")).to_contain_text("este înregistrată")
    assert SaleOptOut.objects.filter(customer=customer).exists()
    c.check("09-do-not-sell-ro")

    page.get_by_role("link", name="Emailuri de marketing").first.click()
    page.get_by_role("button", name="Opriți toate emailurile de marketing").click()
    expect(page.get_by_role("status")).to_contain_text("nu vă mai trimitem")
    customer.refresh_from_db()
    assert customer.marketing_objection
    c.check("10-marketing-ro")

    # Back to English for the request journeys.
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Your requests", exact=True).first.click()
    c.check("11-requests-empty")
    page.get_by_role("link", name="Make a new request").click()
    page.get_by_label("What do you ask for?").select_option("access")
    page.get_by_label("Details").fill("Everything, please — with the diacritics ș ț ă î â.")
    c.check("12-request-new")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access (GDPR Art. 15)")
    dsr = DataSubjectRequest.objects.get(type="access")
    assert dsr.verified and dsr.customer == customer  # the session counts (§7.10)
    c.check("13-request-detail")

    page.get_by_role("link", name="Download your data").first.click()
    page.get_by_role("button", name="Start preparing my data").click()
    expect(page.locator("progress")).to_be_visible()
    assert AccessPackage.objects.filter(request=dsr, state="building").exists()
    c.check("14-export-building")

    page.get_by_role("link", name="Sub-processors").first.click()
    expect(page.get_by_role("heading", name="Stripe")).to_be_visible()
    c.check("15-subprocessors")
    page.get_by_role("link", name="Privacy policy versions").first.click()
    c.check("16-policy")

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/privacy/data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert not c.csp_errors, c.csp_errors
    assert len(c.checked) == 15


def test_a_visitor_files_as_an_authorized_agent_and_sees_errors_in_romanian(
        live_server: Any, page: Page, transactional_db: None) -> None:
    base = live_server.url
    c = Checker(page, base)
    page.goto(f"{base}/privacy/sign-in/")
    page.get_by_role("button", name="Română").click()
    page.get_by_label("Adresa dumneavoastră de email").fill("agent@example.org")
    page.get_by_role("button", name="Trimiteți-mi un link de autentificare").click()
    page.goto(_signin_link())
    page.get_by_role("button", name="Autentifică-mă").click()
    page.goto(f"{base}/privacy/requests/new/agent/")
    page.get_by_role("button", name="Trimiteți cererea").click()  # empty: errors, in Romanian
    expect(page.get_by_role("alert")).to_contain_text("Vă rugăm să corectați următoarele")
    c.check("20-agent-errors-ro")
    page.get_by_label("Numele dumneavoastră sau al firmei dumneavoastră (agentul)").fill("Agency LLC")
    page.get_by_label("Numele complet al consumatorului").fill("Jane Doe")
    page.get_by_label("Adresa de email a consumatorului").fill("jane@example.org")
    page.get_by_label("Ce solicitați?").select_option("know")
    page.get_by_label("Am permisiunea semnată").check()
    page.get_by_role("button", name="Trimiteți cererea").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cerere primită")
    c.check("21-agent-filed-ro")
    dsr = DataSubjectRequest.objects.get()
    assert dsr.agent_email == "agent@example.org" and dsr.jurisdiction == "us-ca"
    assert not c.csp_errors, c.csp_errors


def test_a_customer_deletes_the_account_and_reactivates_it(
        live_server: Any, page: Page, customer: Customer) -> None:
    base = live_server.url
    c = Checker(page, base)
    page.goto(f"{base}/privacy/sign-in/")
    form = page.locator("form[action='/privacy/sign-in/password/']")
    form.get_by_label("Account email address").fill(customer.email)
    form.get_by_label("Password").fill("a-long-portal-pass-1")
    form.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Delete your account").first.click()
    expect(page.get_by_role("heading", name="What we keep, and why")).to_be_visible()
    c.check("30-account-delete")
    page.get_by_role("button", name="Delete my account").click()  # not confirmed: an error
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("I understand that after 31 days").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is being deleted")
    customer.refresh_from_db()
    assert customer.status == "pending_deletion"
    c.check("31-account-pending")
    page.get_by_role("button", name="Reactivate my account").click()
    expect(page.get_by_role("status")).to_contain_text("active again")
    customer.refresh_from_db()
    assert customer.status == "active"
    c.check("32-account-reactivated")
    assert not c.csp_errors, c.csp_errors
