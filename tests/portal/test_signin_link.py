"""Sign-in by a single-use email link (§7.10): any data subject, expires, never twice."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal.models import SignInLink

from .conftest import link_from_outbox


def _request_link(client: Client, email: str, **headers: str) -> None:
    response = client.post("/privacy/sign-in/email/", {"email": email}, **headers)
    assert response.status_code == 302
    assert response["Location"] == "/privacy/sign-in/sent/"


def _path(url: str) -> str:
    return "/privacy/" + url.split("/privacy/", 1)[1]


def test_a_newsletter_subscriber_without_an_account_signs_in_by_link(db: None) -> None:
    client = Client()
    _request_link(client, "Reader@Example.org")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.org"]
    link = _path(link_from_outbox())
    # GET only shows a button (a mail scanner opening the link must not use it up).
    page = client.get(link)
    assert page.status_code == 200
    assert SignInLink.objects.get().used_at is None
    assert client.post(link).status_code == 302
    home = client.get("/privacy/")
    assert "reader@example.org" in home.content.decode()


def test_a_customer_signing_in_by_link_sees_their_account(customer_a, client: Client) -> None:  # type: ignore[no-untyped-def]
    _request_link(client, customer_a.email)
    client.post(_path(link_from_outbox()))
    assert client.session["portal"]["customer_id"] == customer_a.pk


def test_a_link_works_only_once(db: None) -> None:
    first = Client()
    _request_link(first, "once@example.org")
    link = _path(link_from_outbox())
    assert first.post(link).status_code == 302
    second = Client()
    reused = second.post(link)
    assert reused.status_code == 400
    assert "already used" in reused.content.decode()
    assert "portal" not in second.session


def test_a_link_expires(db: None) -> None:
    client = Client()
    _request_link(client, "late@example.org")
    link = _path(link_from_outbox())
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        response = client.post(link)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert SignInLink.objects.get().used_at is None


def test_a_forged_link_is_refused(db: None) -> None:
    client = Client()
    _request_link(client, "forge@example.org")
    link = _path(link_from_outbox())
    forged = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    assert client.post(forged).status_code == 400
    assert client.get("/privacy/sign-in/link/not-a-token/").status_code == 400


def test_the_email_is_in_the_chosen_language(db: None) -> None:
    client = Client()
    client.cookies["django_language"] = "ro"
    _request_link(client, "ro@example.org")
    assert mail.outbox[0].subject == "Linkul de autentificare în portalul de confidențialitate MicroPIM"


def test_the_page_reveals_nothing_about_who_is_a_customer(customer_a) -> None:  # type: ignore[no-untyped-def]
    known, unknown = Client(), Client()
    a = known.post("/privacy/sign-in/email/", {"email": customer_a.email}, follow=True)
    b = unknown.post("/privacy/sign-in/email/", {"email": "nobody@example.org"}, follow=True)
    def strip(html: bytes) -> str:  # the CSRF tokens differ per session, nothing else may
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())

    assert strip(a.content) == strip(b.content)


def test_old_links_are_purged_by_the_job(db: None) -> None:
    from django.core.management import call_command

    client = Client()
    _request_link(client, "purge@example.org")
    later = timezone.now() + timedelta(days=2)
    call_command("run_privacy_jobs", "--only", "portal_signin_links_purge", "--as-of", later.isoformat(),
                 stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not SignInLink.objects.exists()


def test_sign_out_ends_the_session(signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("leave@example.org")
    assert client.get("/privacy/data/").status_code == 200
    client.post("/privacy/sign-out/")
    assert client.get("/privacy/data/").status_code == 302
