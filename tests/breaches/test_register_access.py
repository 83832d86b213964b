"""Only security and privacy officers see the register (§6.1 least privilege); every view is logged."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AccessLogEntry
from breaches.models import Breach

from .conftest import utc

NOW = utc(2026, 3, 10, 9, 0)


@pytest.fixture
def breach(make_breach: Callable[..., Breach]) -> Breach:
    return make_breach(discovered_at=utc(2026, 3, 10, 7, 0), now=NOW)


@time_machine.travel(NOW, tick=False)
def test_support_agent_cannot_see_the_register_in_the_admin(
    staff_client: Callable[[User], Client], support_agent: User, breach: Breach
) -> None:
    client = staff_client(support_agent)
    assert client.get("/admin/breaches/breach/").status_code == 403
    assert client.get(f"/admin/breaches/breach/{breach.pk}/change/").status_code == 403
    assert client.get(f"/admin/breaches/breach/{breach.pk}/authority-notification.pdf").status_code == 403
    assert client.get(f"/admin/breaches/breach/{breach.pk}/authority-report/").status_code == 403
    assert client.get("/admin/breaches/securityreport/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "Breach register" not in index and breach.title not in index


@time_machine.travel(NOW, tick=False)
def test_support_agent_cannot_see_the_register_through_the_api(
    staff_client: Callable[[User], Client], support_agent: User, breach: Breach
) -> None:
    client = staff_client(support_agent)
    for url in ("/api/v1/breaches/", f"/api/v1/breaches/{breach.reference}/",
                f"/api/v1/breaches/{breach.reference}/authority-notification.pdf"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert breach.title not in response.content.decode()
    assert client.patch(f"/api/v1/breaches/{breach.reference}/", {"title": "x"},
                        content_type="application/json").status_code == 403
    assert Breach.objects.get().title == breach.title


@time_machine.travel(NOW, tick=False)
def test_calling_systems_and_strangers_cannot_read_it(api: APIClient, anon_api: APIClient, breach: Breach) -> None:
    assert api.get("/api/v1/breaches/").status_code == 403
    assert api.get(f"/api/v1/breaches/{breach.reference}/").status_code == 403
    assert anon_api.get("/api/v1/breaches/").status_code == 401


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("role", ["security_officer", "privacy_officer"])
def test_officers_see_it_and_every_view_is_logged(
    role: str, request: pytest.FixtureRequest, staff_client: Callable[[User], Client], breach: Breach
) -> None:
    user = request.getfixturevalue(role)
    client = staff_client(user)
    assert breach.title in client.get("/admin/breaches/breach/").content.decode()
    assert client.get(f"/admin/breaches/breach/{breach.pk}/change/").status_code == 200
    api_list = client.get("/api/v1/breaches/")
    assert api_list.status_code == 200 and api_list.json()[0]["reference"] == breach.reference
    assert client.get(f"/api/v1/breaches/{breach.reference}/").status_code == 200
    assert client.get(f"/api/v1/breaches/{breach.reference}/authority-notification.pdf").status_code == 200
    logged = list(AccessLogEntry.objects.filter(actor_user=user, object_type="breaches.breach")
                  .order_by("id").values_list("action", "object_id"))
    assert logged == [
        ("list", ""), ("view", str(breach.pk)), ("api_read", ""), ("api_read", str(breach.pk)),
        ("export", str(breach.pk)),
    ]


@time_machine.travel(NOW, tick=False)
def test_staff_without_mfa_cannot_use_the_api(security_officer: User, breach: Breach) -> None:
    client = Client()
    client.force_login(security_officer)  # a session, but no one-time code
    assert client.get("/api/v1/breaches/").status_code == 403
