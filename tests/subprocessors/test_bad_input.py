"""Bad input gets a clear 4xx JSON answer and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Customer
from subprocessors.models import (
    NoticeCampaign,
    PolicyResponse,
    RegisterChange,
    SubProcessor,
    SubProcessorObjection,
)

from .conftest import NOW

NEW = {"name": "Postal Relay EU", "service": "Transactional email", "data_shared": "Email address",
       "location": "Ireland", "safeguards": ["eu_only"]}


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _nothing_changed() -> None:
    assert SubProcessor.objects.count() == 7
    assert not NoticeCampaign.objects.exists()
    assert RegisterChange.objects.count() == 7


@pytest.fixture
def officer(register: None, privacy_officer: User, staff_client: Callable[[User], Client]) -> Client:
    return staff_client(privacy_officer)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "starts_on": (NOW - timedelta(days=1)).date().isoformat()}, "starts_on"),
        ({**NEW, "safeguards": ["eu_only", "pinky_promise"]}, "safeguards"),
        ({**NEW, "safeguards": "eu_only"}, "safeguards"),
        ({**NEW, "third_countries": "United States", "safeguards": ["encryption"]}, "safeguards"),
        ({**NEW, "announce": True, "starts_on": (NOW + timedelta(days=29)).date().isoformat()}, "starts_on"),
        ({**NEW, "announce": True}, "starts_on"),
        ({**NEW, "name": "Stripe"}, "name"),
        ({**NEW, "colour": "blue"}, "colour"),
        ({k: v for k, v in NEW.items() if k != "location"}, "location"),
    ],
)
def test_proposing_with_bad_input_is_a_400_and_nothing_is_written(
    officer: Client, customer_a: Customer, body: dict[str, Any], field: str,
) -> None:
    response = _post(officer, "/api/v1/subprocessors/", body)
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == "Invalid input."
    assert field in response.json()["errors"]
    _nothing_changed()


@time_machine.travel(NOW, tick=False)
def test_proposing_and_announcing_at_exactly_30_days_is_accepted(officer: Client, customer_a: Customer) -> None:
    starts_on = (NOW + timedelta(days=30)).date().isoformat()
    response = _post(officer, "/api/v1/subprocessors/", {**NEW, "announce": True, "starts_on": starts_on})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "announced" and response.json()["starts_on"] == starts_on
    assert NoticeCampaign.objects.get().recipients_count == 1


@time_machine.travel(NOW, tick=False)
def test_announcing_through_the_api(officer: Client, customer_a: Customer) -> None:
    assert _post(officer, "/api/v1/subprocessors/", NEW).status_code == 201
    url = "/api/v1/subprocessors/postal-relay-eu/announcement/"
    too_soon = _post(officer, url, {"starts_on": (NOW + timedelta(days=29)).date().isoformat()})
    assert too_soon.status_code == 400 and "starts_on" in too_soon.json()["errors"]
    assert not NoticeCampaign.objects.exists()
    ok = _post(officer, url, {"starts_on": (NOW + timedelta(days=30)).date().isoformat()})
    assert ok.status_code == 200 and ok.json()["status"] == "announced"
    again = _post(officer, url, {"starts_on": (NOW + timedelta(days=40)).date().isoformat()})
    assert again.status_code == 409 and "detail" in again.json()
    assert _post(officer, "/api/v1/subprocessors/nope/announcement/", {"starts_on": "2027-01-01"}).status_code == 404


def test_only_a_verified_privacy_officer_may_propose(
    register: None, anon_api: APIClient, api: APIClient, support_agent: User, privacy_officer: User,
    staff_client: Callable[[User], Client],
) -> None:
    assert anon_api.post("/api/v1/subprocessors/", NEW, format="json").status_code == 401
    assert api.post("/api/v1/subprocessors/", NEW, format="json").status_code == 403
    assert _post(staff_client(support_agent), "/api/v1/subprocessors/", NEW).status_code == 403
    unverified = Client()
    unverified.force_login(privacy_officer)  # password only, no one-time code
    assert _post(unverified, "/api/v1/subprocessors/", NEW).status_code == 403
    _nothing_changed()


@pytest.mark.parametrize("external_id", ["cus-nobody", "cus-gone", None])
def test_an_objection_from_someone_who_is_not_a_customer_is_a_400(
    register: None, api: APIClient, external_id: str | None,
) -> None:
    Customer.objects.create(external_id="cus-gone", email="", status=Customer.Status.DELETED)
    body = {"reason": "I do not like it"} | ({"external_id": external_id} if external_id else {})
    response = api.post("/api/v1/subprocessors/stripe/objections/", body, format="json")
    assert response.status_code == 400
    assert "external_id" in response.json()["errors"]
    assert not SubProcessorObjection.objects.exists()


def test_a_staff_user_without_a_customer_account_cannot_object(
    register: None, support_agent: User, staff_client: Callable[[User], Client],
) -> None:
    response = _post(staff_client(support_agent), "/api/v1/subprocessors/stripe/objections/", {"reason": "x"})
    assert response.status_code == 403
    assert not SubProcessorObjection.objects.exists()


def test_policy_responses_refuse_bad_input(register: None, api: APIClient, customer_a: Customer) -> None:
    url = "/api/v1/policy-versions/1.0/responses/"
    assert api.post(url, {"external_id": "cus-a", "response": "shrug"}, format="json").status_code == 400
    assert api.post(url, {"external_id": "cus-nobody", "response": "objected"}, format="json").status_code == 400
    assert api.post("/api/v1/policy-versions/9.9/responses/", {"external_id": "cus-a", "response": "objected"},
                    format="json").status_code == 404
    assert api.post(url, ["not", "an", "object"], format="json").status_code == 400
    assert not PolicyResponse.objects.exists()
