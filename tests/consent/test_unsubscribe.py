"""RFC 8058 one-click unsubscribe, the headers and postal address on every marketing email (§3.5, §8.3)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Customer
from consent.marketing import MARKETING_KINDS, MarketingNotAllowed, marketing_send
from consent.models import ConsentRecord, Subscription, Suppression
from consent.selectors import marketing_eligibility
from micropim_privacy.policy import CONTROLLER

from .conftest import subscribe_and_confirm

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
POSTAL = "Str. Lujerului 42J, Cod 061135, Bucuresti, Sector 6, Romania"


def _unsubscribe_path(message: mail.EmailMessage) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    match = re.fullmatch(r"<https://privacy\.micropim\.net(/newsletter/unsubscribe/\S+/)>", header)
    assert match, header
    return match.group(1)


def _send(email: str, campaign: str = "2026-03") -> mail.EmailMessage:
    marketing_send(email=email, campaign=campaign, context={"headline": "Spring release",
                                                             "body_text": "Bulk editing is here."}, now=NOW)
    return mail.outbox[-1]


def test_every_marketing_email_has_one_click_headers_and_the_postal_address(customer_b: Customer) -> None:
    assert CONTROLLER["address"] == POSTAL
    subscribe_and_confirm("reader@example.com", now=NOW)
    subscribe_and_confirm("cititor@example.ro", now=NOW, language="ro")
    for email in ("reader@example.com", "cititor@example.ro", customer_b.email):  # consent, consent, LI
        message = _send(email)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert _unsubscribe_path(message) in message.body
        assert POSTAL in message.body and "Marmix SOFT SRL" in message.body
    assert "client MicroPIM" not in mail.outbox[-2].body and "Dezabonare" in mail.outbox[-2].body
    assert "as a MicroPIM customer" in mail.outbox[-1].body  # the basis is said
    assert MARKETING_KINDS == ("marketing_news",)


def test_one_click_post_without_session_stops_marketing_now_and_is_idempotent() -> None:
    subscribe_and_confirm("reader@example.com", now=NOW)
    path = _unsubscribe_path(_send("reader@example.com"))
    mail_client = Client(enforce_csrf_checks=True)  # a mail client: no cookies, no CSRF token
    first = mail_client.post(path, "List-Unsubscribe=One-Click",
                             content_type="application/x-www-form-urlencoded")
    assert first.status_code == 200
    assert Subscription.objects.get().status == "unsubscribed"
    assert Suppression.objects.count() == 1
    assert marketing_eligibility(email="reader@example.com").reason == "suppressed"
    with pytest.raises(MarketingNotAllowed):
        _send("reader@example.com", campaign="2026-04")
    second = mail_client.post(path, "List-Unsubscribe=One-Click",
                              content_type="application/x-www-form-urlencoded")
    assert second.status_code == 200
    assert ConsentRecord.objects.filter(action="withdrawn").count() == 1
    assert Suppression.objects.count() == 1


def test_a_customer_on_legitimate_interest_objects_with_the_same_link(customer_b: Customer) -> None:
    assert marketing_eligibility(email=customer_b.email).basis == "legitimate_interest"
    path = _unsubscribe_path(_send(customer_b.email))
    assert Client().get(path).status_code == 200  # the page for people
    assert Client().post(path).status_code == 200
    customer_b.refresh_from_db()
    assert customer_b.marketing_objection is True
    proof = ConsentRecord.objects.get(action="withdrawn")
    assert proof.customer == customer_b


def test_a_forged_unsubscribe_link_is_400() -> None:
    assert Client().post("/newsletter/unsubscribe/forged:token/").status_code == 400


def test_a_new_confirmed_opt_in_lifts_an_old_opt_out() -> None:
    subscribe_and_confirm("reader@example.com", now=NOW)
    Client().post(_unsubscribe_path(_send("reader@example.com")))
    subscribe_and_confirm("reader@example.com", now=NOW)
    assert marketing_eligibility(email="reader@example.com").allowed


def test_the_unsubscribed_page_states_the_registry_periods() -> None:
    subscribe_and_confirm("reader@example.com", now=NOW)
    page = Client(HTTP_ACCEPT_LANGUAGE="ro").post(_unsubscribe_path(_send("reader@example.com")))
    assert "în cel mult 30 de zile" in page.content.decode() and "2 ani" in page.content.decode()
