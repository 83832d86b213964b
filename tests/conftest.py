"""The base fixture: named people and systems, and what each may see (healthchecks style)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from rest_framework.test import APIClient

from accounts.models import ApiClient, Customer
from accounts.roles import PRIVACY_OFFICER, SECURITY_OFFICER, SUPPORT_AGENT, sync_roles

pytest_plugins = ["tests.servers"]

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def api_token(db: None) -> str:
    _, token = ApiClient.issue("app.micropim.net")
    return token


@pytest.fixture
def api(api_token: str) -> APIClient:
    """The main app calling us with its token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token}")
    return client


@pytest.fixture
def anon_api() -> APIClient:
    return APIClient()


@pytest.fixture
def customer_a(db: None) -> Customer:
    return Customer.objects.create(
        external_id="cus-a", email="ana.popescu@example.com", full_name="Ana Popescu",
        company_name="Ștefănescu Trading SRL", language="ro",
    )


@pytest.fixture
def customer_b(db: None) -> Customer:
    return Customer.objects.create(
        external_id="cus-b", email="john.smith@example.com", full_name="John Smith",
        company_name="Acme Catalogues Ltd",
    )


def _staff(username: str, role: str | None, *, superuser: bool = False) -> User:
    sync_roles()
    user = User.objects.create_user(username=username, password="x-staff-pass-1",
                                    is_staff=True, is_superuser=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def privacy_officer(db: None) -> User:
    return _staff("priya", PRIVACY_OFFICER)


@pytest.fixture
def support_agent(db: None) -> User:
    return _staff("sam", SUPPORT_AGENT)


@pytest.fixture
def security_officer(db: None) -> User:
    return _staff("sid", SECURITY_OFFICER)


def otp_login(client: Client, user: User) -> Client:
    """Sign a staff user in through the real admin login form with a one-time code."""
    device = StaticDevice.objects.create(user=user, name="backup")
    StaticToken.objects.create(device=device, token="123456")
    response = client.post("/admin/login/", {"username": user.username, "password": "x-staff-pass-1",
                                             "otp_device": device.persistent_id, "otp_token": "123456",
                                             "next": "/admin/"})
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def staff_client() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        return otp_login(Client(), user)

    return make


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters live in the shared cache: each test starts without any."""
    from django.core.cache import cache

    cache.clear()
