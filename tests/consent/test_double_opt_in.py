"""Newsletter double opt-in (§3.5): no marketing before confirmation; forged or expired links refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from consent.marketing import MarketingNotAllowed, marketing_send
from consent.models import ConsentRecord, Subscription
from consent.selectors import marketing_eligibility

from .conftest import confirm_link_from_outbox

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
EMAIL = "Maria.Ionescu@Example.ro"
SIGNUP = {"email": EMAIL, "source": "micropim.net/footer", "consent_text_version": "nl-2025-10",
          "language": "ro"}


def _sign_up(site: APIClient) -> str:
    response = site.post("/api/v1/newsletter/subscriptions/", SIGNUP, format="json")
    assert response.status_code == 202, response.json()
    return confirm_link_from_outbox()


@time_machine.travel(NOW, tick=False)
def test_signup_records_source_and_text_version_and_sends_only_the_confirmation(site: APIClient) -> None:
    _sign_up(site)
    sub = Subscription.objects.get()
    assert (sub.email, sub.status, sub.source, sub.consent_text_version) == (
        "maria.ionescu@example.ro", "pending", "micropim.net/footer", "nl-2025-10")
    proof = ConsentRecord.objects.get()
    assert (proof.action, proof.text_version, proof.ip_prefix) == ("signed_up", "nl-2025-10", "203.0.113.0")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Vă rugăm să confirmați abonarea la newsletterul MicroPIM"
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers  # not a marketing email


@time_machine.travel(NOW, tick=False)
def test_no_marketing_before_confirmation(site: APIClient) -> None:
    _sign_up(site)
    assert marketing_eligibility(email=EMAIL).allowed is False
    with pytest.raises(MarketingNotAllowed):
        marketing_send(email=EMAIL, campaign="2026-03", context={"body_text": "Hi"}, now=NOW)
    assert len(mail.outbox) == 1  # only the confirmation


@time_machine.travel(NOW, tick=False)
def test_the_link_shows_a_button_and_the_post_confirms(site: APIClient) -> None:
    token = _sign_up(site)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/newsletter/confirm/{token}/")
    assert page.status_code == 200
    assert Subscription.objects.get().status == "pending"  # a mail scanner's GET confirms nothing
    csrf = page.cookies["csrftoken"].value
    done = browser.post(f"/newsletter/confirm/{token}/", {"csrfmiddlewaretoken": csrf})
    assert done.status_code == 200
    sub = Subscription.objects.get()
    assert (sub.status, sub.confirmed_at, sub.last_engagement_at) == ("confirmed", NOW, NOW)
    assert marketing_eligibility(email=EMAIL).basis == "consent"
    assert list(ConsentRecord.objects.values_list("action", flat=True).order_by("id")) == [
        "signed_up", "confirmed"]
    # The same link again: still fine, nothing new recorded.
    assert Client().post(f"/newsletter/confirm/{token}/").status_code == 200
    assert ConsentRecord.objects.count() == 2


def test_a_forged_link_is_refused(site: APIClient) -> None:
    token = _sign_up(site)
    pk, nonce_and_sig = token.split(".", 1)
    for forged in (f"{int(pk) + 1}.{nonce_and_sig}", token[:-2] + "xx", "1.abc:def:ghi"):
        assert Client().post(f"/newsletter/confirm/{forged}/").status_code == 400
    assert Subscription.objects.get().status == "pending"


def test_an_expired_link_is_refused(site: APIClient) -> None:
    with time_machine.travel(NOW, tick=False):
        token = _sign_up(site)
    with time_machine.travel(NOW + timedelta(days=3, seconds=1), tick=False):
        response = Client().post(f"/newsletter/confirm/{token}/")
    assert response.status_code == 400
    assert b"expired" in response.content
    assert Subscription.objects.get().status == "pending"


@time_machine.travel(NOW, tick=False)
def test_repeated_signups_send_at_most_one_link_a_day_and_answer_the_same(site: APIClient) -> None:
    for _ in range(3):
        _sign_up(site)
    assert len(mail.outbox) == 1
    bad = site.post("/api/v1/newsletter/subscriptions/", {**SIGNUP, "email": "nope"}, format="json")
    assert bad.status_code == 400 and "email" in bad.json()["errors"]
