"""Customers with a portal login may sign in with their password (bcrypt in production)."""

from __future__ import annotations

from django.test import Client

from .conftest import PASSWORD


def test_a_customer_signs_in_with_email_and_password(customer_a, with_password) -> None:  # type: ignore[no-untyped-def]
    with_password(customer_a)
    client = Client()
    response = client.post("/privacy/sign-in/password/", {"email": customer_a.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/privacy/data/").status_code == 200


def test_a_wrong_password_is_refused_in_the_persons_language(customer_a, with_password) -> None:  # type: ignore[no-untyped-def]
    with_password(customer_a)
    client = Client()
    client.cookies["django_language"] = "ro"
    response = client.post("/privacy/sign-in/password/", {"email": customer_a.email, "password": "nope"})
    assert response.status_code == 400
    assert "Adresa de email sau parola nu sunt corecte" in response.content.decode()
    assert client.get("/privacy/data/").status_code == 302


def test_an_account_without_a_portal_login_cannot_use_a_password(customer_a) -> None:  # type: ignore[no-untyped-def]
    response = Client().post("/privacy/sign-in/password/", {"email": customer_a.email, "password": PASSWORD})
    assert response.status_code == 400


def test_every_form_needs_its_csrf_token(customer_a, with_password) -> None:  # type: ignore[no-untyped-def]
    with_password(customer_a)
    client = Client(enforce_csrf_checks=True)
    for path, data in (("/privacy/sign-in/password/", {"email": customer_a.email, "password": PASSWORD}),
                       ("/privacy/sign-in/email/", {"email": customer_a.email}),
                       ("/privacy/language/", {"language": "ro"})):
        assert client.post(path, data).status_code == 403, path
