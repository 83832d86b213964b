"""Headers and cookies: a strict CSP and its companions on every portal and admin page; under
the production settings, cookies only over TLS (Secure), the session out of JavaScript's reach
(HttpOnly), HSTS, and plain HTTP sent to HTTPS (§6.1 "TLS 1.2+ for all data transmissions")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from .conftest import PORTAL_PASSWORD, World
from .test_authorization_matrix import PAGES

pytestmark = pytest.mark.django_db(databases=["default", "ledger"])

ROOT = Path(__file__).resolve().parents[2]
COMPANIONS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.production",
    "SECRET_KEY": "x" * 64 + "-A1b2C3d4E5f6G7h8",
    "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWtleS0zMi1ieXRlcy1sb25nLTAwMDA=",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "ALLOWED_HOSTS": "privacy.micropim.net",
}
COOKIE_SETTINGS = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                   "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                   "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER", "SECURE_CONTENT_TYPE_NOSNIFF",
                   "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS")


def _strict(csp: str) -> None:
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'" and directives["script-src"] == "'self'", csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'", csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "*" not in csp, csp


def test_every_portal_page_a_customer_opens_has_the_strict_policy(world: World) -> None:
    client = world.client("customer_a")
    seen = 0
    for route, (method, path_of, *_rest) in PAGES.items():
        if not route.startswith("privacy/") or method != "GET":
            continue
        response = client.get(path_of(world))
        if response.status_code != 200:
            continue  # redirects (e.g. the download, to S3) carry no page
        seen += 1
        _strict(response["Content-Security-Policy"])
        for name, value in COMPANIONS.items():
            assert response[name] == value, (route, name)
        assert response["Cache-Control"] == "no-store", route
    assert seen >= 15


def test_every_admin_page_has_a_strict_policy(world: World) -> None:
    client = world.client("privacy_officer")
    pages = [reverse("admin:index"), reverse("admin:login"), reverse("admin:accounts_customer_change",
                                                                      args=[world.customer_a.pk])]
    pages += [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]
    for path in pages:
        response = client.get(path, follow=True)
        if response.status_code == 403:
            continue  # third-party models no role holds
        assert response.status_code == 200, path
        _strict(response["Content-Security-Policy"])
        for name, value in COMPANIONS.items():
            assert response[name] == value, (path, name)
    assert Client().get(reverse("admin:login"))["Content-Security-Policy"]  # before signing in too


def test_admin_downloads_keep_their_own_content_type_and_no_page_policy(world: World) -> None:
    response = world.client("privacy_officer").get(reverse("admin:subprocessors_art30_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "Content-Security-Policy" not in response


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    """The production settings module's own values (it refuses to start without its secrets)."""
    code = ("import json; from django.conf import settings as s; "
            f"print(json.dumps({{k: getattr(s, k) for k in {COOKIE_SETTINGS!r}}}))")
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DEBUG"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**clean, **PRODUCTION_ENV})
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_cookies_are_secure_and_http_is_sent_to_https(production: dict[str, Any], settings: Any,
                                                                   world: World) -> None:
    for name, value in production.items():
        setattr(settings, name, value)
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["SECURE_HSTS_SECONDS"] >= 31_536_000

    plain = Client().get("/privacy/sign-in/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")

    portal = Client()
    page = portal.get("/privacy/sign-in/", secure=True)
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    signed_in = portal.post("/privacy/sign-in/password/", {"email": world.customer_a.email,
                                                           "password": PORTAL_PASSWORD}, secure=True)
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert portal.cookies["csrftoken"]["secure"]
    language = portal.post("/privacy/language/", {"language": "ro"}, secure=True)
    assert language.cookies["django_language"]["secure"], "the language cookie is sent over plain HTTP"

