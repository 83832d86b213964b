"""Rate limits on sign-in and on submissions: a clear 429 page, nothing sent or stored."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from portal.models import SignInLink


def test_sign_in_links_to_one_address_are_limited(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_RATE_LIMITS = {"signin_email": "3/h"}
    client = Client()
    codes = [client.post("/privacy/sign-in/email/", {"email": "flood@example.org"}).status_code
             for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    assert SignInLink.objects.count() == 3


def test_sign_in_attempts_from_one_address_are_limited(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_RATE_LIMITS = {"signin_ip": "2/h", "password_ip": "2/h"}
    client = Client()
    client.cookies["django_language"] = "ro"
    for i in range(2):
        assert client.post("/privacy/sign-in/email/", {"email": f"p{i}@example.org"}).status_code == 302
    limited = client.post("/privacy/sign-in/email/", {"email": "p9@example.org"})
    assert limited.status_code == 429
    assert "Prea multe încercări" in limited.content.decode()
    for _ in range(2):
        client.post("/privacy/sign-in/password/", {"email": "x@example.org", "password": "wrong"})
    assert client.post("/privacy/sign-in/password/", {"email": "x@example.org", "password": "w"}).status_code == 429


def test_request_submissions_are_limited(signed_in, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_RATE_LIMITS = {"submit": "2/h"}
    client = signed_in("busy@example.org")
    data = {"type": "objection_marketing", "jurisdiction": "eu", "details": ""}
    assert client.post("/privacy/requests/new/", data).status_code == 302
    assert client.post("/privacy/requests/new/", data).status_code == 302
    assert client.post("/privacy/requests/new/", data).status_code == 429
