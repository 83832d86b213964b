"""Bad input gets a clear 4xx JSON answer and stores nothing (never a 500)."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from consent.models import ConsentRecord

from .conftest import VISITOR

pytestmark = pytest.mark.django_db

GOOD = {"visitor_id": VISITOR, "analytics": False, "marketing": False, "policy_version": "1.0"}


def _post_json(client: APIClient, body: object) -> tuple[int, dict]:
    response = client.post("/api/v1/consent/", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


@pytest.mark.parametrize(("body", "field"), [
    ({k: v for k, v in GOOD.items() if k != "visitor_id"}, "visitor_id"),
    ({**GOOD, "advertising": True}, "advertising"),  # an unknown category
    ({**GOOD, "analytics": "yes"}, "analytics"),
    ({**GOOD, "necessary": False}, "necessary"),
    ({**GOOD, "visitor_id": "short"}, "visitor_id"),
    ({**GOOD, "visitor_id": "<script>alert(1)</script>"}, "visitor_id"),
    ({k: v for k, v in GOOD.items() if k != "policy_version"}, "policy_version"),
])
def test_invalid_fields_are_named(site: APIClient, body: dict, field: str) -> None:
    status, answer = _post_json(site, body)
    assert status == 400
    assert answer["detail"] == "Invalid input."
    assert field in answer["errors"]
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize("raw", ['{"visitor_id": ', "not json", "[1, 2]", '"a string"', ""])
def test_malformed_json_is_400(site: APIClient, raw: str) -> None:
    response = site.post("/api/v1/consent/", raw, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not ConsentRecord.objects.exists()


@override_settings(CONSENT_MAX_BODY_BYTES=512)
def test_a_body_over_the_size_limit_is_413(site: APIClient) -> None:
    response = site.post("/api/v1/consent/", json.dumps({**GOOD, "banner_version": "1", "pad": "x" * 600}),
                         content_type="application/json")
    assert response.status_code == 413
    assert "512 bytes" in response.json()["detail"]
    assert not ConsentRecord.objects.exists()


def test_form_encoded_body_is_415(site: APIClient) -> None:
    response = site.post("/api/v1/consent/", GOOD)  # multipart
    assert response.status_code == 415
    assert not ConsentRecord.objects.exists()
