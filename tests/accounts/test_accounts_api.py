"""`/api/v1/accounts/`: the main app reports accounts; bad input writes nothing (CONTRACT.md)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import AccessLogEntry, Customer

VALID = {"external_id": "u-42", "email": "maria.ionescu@example.com", "full_name": "Maria Ionescu",
         "company_name": "Țară Nouă SRL", "job_title": "PIM lead", "phone": "+40 721 000 000",
         "date_of_birth": "1990-04-02"}


def test_creates_an_account_and_reads_it_back(api: APIClient) -> None:
    created = api.post("/api/v1/accounts/", VALID, format="json")
    assert created.status_code == 201
    got = api.get("/api/v1/accounts/u-42/")
    assert got.status_code == 200
    body = got.json()
    assert body["company_name"] == "Țară Nouă SRL"
    assert body["status"] == "active"
    assert body["access_disabled"] is False
    assert body["deletion_due_at"] is None
    assert body["legal_hold"] is False
    assert body["processing_restricted"] is False


def test_posting_again_updates_by_external_id(api: APIClient) -> None:
    api.post("/api/v1/accounts/", VALID, format="json")
    updated = api.post("/api/v1/accounts/", {"external_id": "u-42", "email": "new@example.com"}, format="json")
    assert updated.status_code == 200
    customer = Customer.objects.get(external_id="u-42")
    assert customer.email == "new@example.com"
    assert customer.full_name == "Maria Ionescu"  # fields not sent are left alone
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({k: v for k, v in VALID.items() if k != "email"}, "email"),
        ({**VALID, "email": "not-an-email"}, "email"),
        ({**VALID, "date_of_birth": "yesterday"}, "date_of_birth"),
        ({**VALID, "full_name": ["a", "list"]}, "full_name"),
        ({**VALID, "phone": {"n": 1}}, "phone"),
        ({**VALID, "password": "secret"}, "password"),
        ({**VALID, "external_id": "has spaces/slash"}, "external_id"),
        ({**VALID, "full_name": "x" * 201}, "full_name"),
        ({**VALID, "language": "fr"}, "language"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    api: APIClient, payload: dict[str, object], field: str
) -> None:
    response = api.post("/api/v1/accounts/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert field in body["errors"]
    assert not Customer.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"a string"', b"null"])
def test_malformed_bodies_are_400(api: APIClient, raw: bytes) -> None:
    response = api.post("/api/v1/accounts/", raw, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Customer.objects.exists()


def test_no_token_or_a_wrong_token_is_401(anon_api: APIClient, db: None) -> None:
    assert anon_api.post("/api/v1/accounts/", VALID, format="json").status_code == 401
    anon_api.credentials(HTTP_AUTHORIZATION="Token nope")
    response = anon_api.get("/api/v1/accounts/u-42/")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert not Customer.objects.exists()


def test_a_staff_session_is_not_an_api_client(staff_client, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(privacy_officer)
    assert client.get("/api/v1/accounts/u-42/").status_code in (401, 403)


def test_unknown_account_is_404(api: APIClient) -> None:
    response = api.get("/api/v1/accounts/nobody/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Customer matches the given query."}


@time_machine.travel("2026-06-15 10:00Z", tick=False)
@pytest.mark.parametrize(("born", "status"), [(date(2010, 6, 16), 400), (date(2010, 6, 15), 201)])
def test_a_child_under_16_is_refused_at_creation(api: APIClient, born: date, status: int) -> None:
    # §9.1/§9.2: 16 on the day of the birthday, not the day before.
    response = api.post("/api/v1/accounts/", {**VALID, "date_of_birth": born.isoformat()}, format="json")
    assert response.status_code == status
    if status == 400:
        assert "date_of_birth" in response.json()["errors"]
    assert Customer.objects.exists() is (status == 201)


def test_an_erased_account_cannot_be_recreated_under_its_id(api: APIClient) -> None:
    api.post("/api/v1/accounts/", VALID, format="json")
    Customer.objects.filter(external_id="u-42").update(status=Customer.Status.DELETED)
    response = api.post("/api/v1/accounts/", VALID, format="json")
    assert response.status_code == 409


def test_every_api_read_and_write_is_in_the_access_log(api: APIClient) -> None:
    api.post("/api/v1/accounts/", VALID, format="json")
    api.get("/api/v1/accounts/u-42/")
    entries = list(AccessLogEntry.objects.order_by("id").values_list("action", "subject_ref", "actor_label"))
    assert entries == [("api_write", "u-42", "app.micropim.net"), ("api_read", "u-42", "app.micropim.net")]
