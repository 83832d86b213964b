"""`POST /api/v1/requests/` opens any §7/§8 right; `GET` reads status, dates, extended, verified."""

from __future__ import annotations

import uuid

import pytest
import time_machine
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import ApiClient, Customer
from dsar.models import DataSubjectRequest, RequestEvent
from dsar.rights import RIGHTS, Law
from micropim_privacy.policy import Deadlines
from tests.conftest import NOW

URL = "/api/v1/requests/"


def _body(type_: str, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {"type": type_, "email": "ana.popescu@example.com", **extra}
    if next(r for r in RIGHTS if r.type == type_).law == Law.US:
        body.setdefault("jurisdiction", "us-ca")
    return body


@pytest.mark.parametrize("right", RIGHTS, ids=lambda r: r.type.value)
def test_every_right_can_be_opened_through_the_api(api: APIClient, customer_a: Customer, right) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        response = api.post(URL, _body(right.type, external_id="cus-a"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    uuid.UUID(data["id"])  # a public id nobody can guess, never the row number
    assert data["type"] == right.type
    assert data["received_at"].startswith("2026-03-10T09:00")
    assert data["extended"] is False
    if right.immediate:  # §7.6, §7.8, §8.1: effective at once, no verification needed
        assert data["status"] == "completed"
        assert data["due_at"] == data["received_at"]
    else:
        assert data["status"] == "awaiting_verification" and data["verified"] is False
        assert data["due_at"].startswith(Deadlines.REQUEST_RESPONSE.after(NOW).date().isoformat())


def test_the_api_reads_back_status_due_date_extended_and_verified(api: APIClient, customer_a: Customer) -> None:
    with time_machine.travel(NOW, tick=False):
        created = api.post(URL, _body("access", external_id="cus-a"), format="json").json()
    response = api.get(f"{URL}{created['id']}/")
    assert response.status_code == 200
    assert set(response.json()) >= {"status", "received_at", "due_at", "extended", "verified"}
    assert response.json() == created


def test_the_confirmation_link_goes_to_the_accounts_address_not_the_one_claimed(
        api: APIClient, customer_a: Customer) -> None:
    # §7.10 "Confirmation from the email address associated with your account"
    api.post(URL, _body("access", external_id="cus-a", email="someone.else@example.com"), format="json")
    assert [m.to for m in mail.outbox] == [[customer_a.email]]
    assert "/dsar/confirm/" in mail.outbox[0].body


@pytest.mark.parametrize(("body", "field"), [
    ({"type": "tell_me_everything", "email": "a@example.com"}, "type"),
    ({"type": "access", "email": "not-an-email"}, "email"),
    ({"type": "access"}, "email"),
    ({"type": "access", "email": "a@example.com", "external_id": "bad/id"}, "external_id"),
    ({"type": "access", "email": "a@example.com", "jurisdiction": "mars"}, "jurisdiction"),
    ({"type": "access", "email": "a@example.com", "colour": "blue"}, "colour"),
    ({"type": "rectification", "email": "a@example.com", "corrections": {"password": "x"}}, "corrections"),
    ({"type": "access", "email": "a@example.com", "full_name": 42}, "full_name"),
    ({"type": "access", "email": "a@example.com", "agent_email": "not an address"}, "agent_email"),
])
def test_bad_input_is_a_clear_400_and_nothing_is_written(api: APIClient, customer_a: Customer,
                                                          body: dict[str, object], field: str) -> None:
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == "Invalid input."
    assert field in response.json()["errors"]
    assert not DataSubjectRequest.objects.exists() and not RequestEvent.objects.exists()
    assert mail.outbox == []


def test_not_json_is_a_400(api: APIClient) -> None:
    response = api.post(URL, "type=access", content_type="text/plain")
    assert response.status_code in (400, 415)
    assert not DataSubjectRequest.objects.exists()


def test_without_a_token_nothing_is_opened(anon_api: APIClient, db: None) -> None:
    response = anon_api.post(URL, _body("access"), format="json")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()
    assert not DataSubjectRequest.objects.exists()


def test_a_system_reads_only_the_requests_it_filed(api: APIClient, customer_a: Customer) -> None:
    created = api.post(URL, _body("access", external_id="cus-a"), format="json").json()
    _, other_token = ApiClient.issue("micropim.net")
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {other_token}")
    assert other.get(f"{URL}{created['id']}/").status_code == 404
    assert api.get(f"{URL}{uuid.uuid4()}/").status_code == 404
    assert api.get(f"{URL}12345/").status_code == 404  # not a uuid: still a plain 404


def test_an_unknown_account_id_does_not_block_the_request(api: APIClient, customer_a: Customer) -> None:
    response = api.post(URL, _body("access", external_id="not-reported-yet"), format="json")
    assert response.status_code == 201
    dsr = DataSubjectRequest.objects.get()
    assert dsr.customer == customer_a  # matched by the address instead
    assert dsr.events.get(kind="note").data == {"external_id": "not-reported-yet"}


def test_a_us_right_from_outside_the_us_is_taken_and_flagged(api: APIClient, customer_a: Customer) -> None:
    # Never refused on a formality: a "know" request from the EU is answered like access.
    response = api.post(URL, {"type": "know", "email": customer_a.email, "jurisdiction": "eu"}, format="json")
    assert response.status_code == 201
    assert DataSubjectRequest.objects.get().events.filter(kind="flagged").exists()
